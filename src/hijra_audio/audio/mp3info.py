"""The Xing "Info" frame with the LAME extension, put in front of a CBR MP3.

LAME (through lameenc) writes no such frame, so players cannot tell the encoder delay (576 samples
LAME puts in front of the audio) and the padding at the end from the audio, and report a duration
that is too long. The Info frame is a silent MP3 frame that tells them: the number of audio frames
and bytes, and, in the LAME extension, the delay and padding to drop. Decoders that read it
(ffmpeg, Apple's, dr_mp3 in miniaudio, mutagen for the length) play exactly the samples encoded.
Layout: http://gabriel.mp3-tech.org/mp3infotag.html (LAME's `VbrTag.c`).
"""

from __future__ import annotations

import struct

SAMPLES_PER_FRAME = 1152     # MPEG-1 layer III
LAME_ENCODER_DELAY = 576     # what LAME puts in front of the first sample (lame_get_encoder_delay)
_BITRATES = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_RATES = (44100, 48000, 32000)
_XING_SIZE = 120             # "Info", flags, frames, bytes, 100-byte TOC, quality
_LAME_SIZE = 36
_ENCODER = b"LAME3.100"


def _crc16_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return tuple(table)


_CRC16 = _crc16_table()


def crc16(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC, the checksum of the LAME tag."""
    for byte in data:
        crc = (crc >> 8) ^ _CRC16[(crc ^ byte) & 0xFF]
    return crc


def frame_offsets(mp3: bytes) -> list[tuple[int, int]]:
    """(offset, size) of every frame of a bare MPEG-1 layer III stream (no tags)."""
    frames = []
    pos, end = 0, len(mp3)
    sizes: dict[int, int] = {}        # a frame's size by its header's 2nd and 3rd bytes (checked once)
    while pos + 4 <= end:
        size = sizes.get(mp3[pos + 1] << 8 | mp3[pos + 2]) if mp3[pos] == 0xFF else None
        if size is None:
            h = mp3[pos:pos + 4]
            if h[0] != 0xFF or (h[1] & 0xFE) != 0xFA or not 0 < h[2] >> 4 < 15 or (h[2] >> 2) & 3 == 3:
                raise ValueError(f"not an MPEG-1 layer III frame at byte {pos}")
            size = sizes[h[1] << 8 | h[2]] = 144000 * _BITRATES[h[2] >> 4] // _RATES[(h[2] >> 2) & 3] + ((h[2] >> 1) & 1)
        frames.append((pos, size))
        pos += size
    if pos != len(mp3):
        raise ValueError(f"the stream ends inside a frame (byte {pos} of {len(mp3)})")
    return frames


def info_frame(mp3: bytes, samples: int, delay: int = LAME_ENCODER_DELAY, bitrate_kbps: int = 0) -> bytes:
    """The Info frame to put in front of `mp3` (a bare CBR stream of `samples` samples from LAME)."""
    frames = frame_offsets(mp3)
    if not frames:
        raise ValueError("no MP3 frames to describe")
    first = mp3[:4]
    rate = _RATES[(first[2] >> 2) & 3]
    mono = (first[3] >> 6) == 3
    side_info = 17 if mono else 32
    padding = len(frames) * SAMPLES_PER_FRAME - delay - samples
    if not 0 <= padding < 4096 or not 0 <= delay < 4096:
        raise ValueError(f"delay {delay} and padding {padding} do not fit the LAME tag")
    # The Info frame has the stream's bitrate when the tag fits in it, else the smallest that fits.
    index = first[2] >> 4
    need = 4 + side_info + _XING_SIZE + _LAME_SIZE
    while 144000 * _BITRATES[index] // rate < need:
        index += 1
    size = 144000 * _BITRATES[index] // rate
    header = bytes([0xFF, 0xFB, (index << 4) | (first[2] & 0x0C), first[3]])
    total = size + len(mp3)
    toc = bytes(min(255, i * 256 // 100) for i in range(100))
    # flags (frames, bytes, TOC and quality present), frames, bytes, TOC, quality
    xing = b"Info" + struct.pack(">III", 0x0F, len(frames), total) + toc + struct.pack(">I", 0)
    lame = (_ENCODER
            + bytes([0x01])                          # tag revision 0, method 1: CBR
            + bytes([0])                             # lowpass unknown
            + struct.pack(">fHH", 0.0, 0, 0)         # peak, radio and audiophile replay gain: unset
            + bytes([0])                             # encoding flags, ATH type
            + bytes([min(255, bitrate_kbps or _BITRATES[first[2] >> 4])])
            + bytes([delay >> 4, ((delay & 0x0F) << 4) | (padding >> 8), padding & 0xFF])
            + bytes([0, 0]) + struct.pack(">H", 0)   # misc, MP3 gain, preset and surround
            + struct.pack(">I", total)               # music length: Info frame and audio
            + struct.pack(">H", 0))                  # music CRC: not computed (optional)
    frame = bytearray(size)
    frame[:4] = header
    body = xing + lame
    start = 4 + side_info
    frame[start:start + len(body)] = body
    frame[start + len(body):start + len(body) + 2] = struct.pack(">H", crc16(bytes(frame[:start + len(body)])))
    return bytes(frame)
