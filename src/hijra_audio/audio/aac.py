"""One episode's mastered PCM -> AAC-LC in an MP4 (`.m4a`), for the audiobook.

The encoder is FFmpeg's own AAC encoder, as PyAV's wheel carries it (no ffmpeg program, nothing
installed beside Python). It is fed the very blocks LAME is given for the episode's MP3, after
mastering (`master.master_and_encode(..., also=writer.encode)`), so the audiobook is never an MP3
decoded and encoded again, and sounds as the episode does. The episode's chapters (its sections)
are written into the `.m4a` when it is closed, so that the book is made from these files alone
(`publish/audiobook.py` joins them without encoding again).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from fractions import Fraction

import numpy as np

# Changes whenever the way an episode's AAC is made changes, so that the cached files are made again.
AAC_VERSION = 1
AAC_FRAME = 1024          # samples per AAC-LC frame (and the encoder's priming: one frame)


class AacWriter:
    """One episode's AAC-LC at `bitrate_kbps`, written into an in-memory `.m4a`: `encode` it the
    mastered int16 mono blocks (once), then `close` it with its chapters."""

    def __init__(self, rate: int, channels: int, bitrate_kbps: int):
        import av

        self.rate, self.channels = rate, channels
        self.buffer = io.BytesIO()
        self.container = av.open(self.buffer, "w", format="mp4")
        self.stream = self.container.add_stream("aac", rate=rate, layout="stereo" if channels == 2 else "mono")
        self.stream.bit_rate = bitrate_kbps * 1000
        self.samples = 0

    def encode(self, blocks: Iterable[np.ndarray]) -> None:
        """The episode's mastered blocks (mono int16; on both channels of a stereo file)."""
        import av

        layout = "stereo" if self.channels == 2 else "mono"
        for block in blocks:
            block = np.ascontiguousarray(block, dtype=np.int16)
            data = np.repeat(block, 2) if self.channels == 2 else block
            frame = av.AudioFrame.from_ndarray(data.reshape(1, -1), format="s16", layout=layout)
            frame.sample_rate, frame.pts, frame.time_base = self.rate, self.samples, Fraction(1, self.rate)
            self.samples += block.size
            self.container.mux(self.stream.encode(frame))
        self.container.mux(self.stream.encode(None))

    def close(self, chapters: Iterable[tuple[float, float, str]] = (), title: str = "") -> bytes:
        """The `.m4a`'s bytes, with `chapters` (start and end in seconds, title) and `title`."""
        rate = Fraction(1, self.rate)
        self.container.set_chapters([
            {"id": index, "start": int(round(start * self.rate)), "end": int(round(end * self.rate)),
             "time_base": rate, "metadata": {"title": name}}
            for index, (start, end, name) in enumerate(chapters, start=1)])
        if title:
            self.container.metadata["title"] = title
        self.container.close()
        return self.buffer.getvalue()

    def discard(self) -> None:
        """Give up the file (an episode that could not be made)."""
        try:
            self.container.close()
        except Exception:            # a file half made: nothing in it is wanted
            pass
