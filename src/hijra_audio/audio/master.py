"""One episode's PCM -> mastered -> MP3 bytes.

The whole episode (never each clip: that would even out the voice), joined by `render` into a
temporary file, is measured in one pass (`meter`: K-weighted energy and 4x oversampled true peak per
1.4 ms chunk), and brought to the target integrated loudness (ITU-R BS.1770) with a true peak at
most the ceiling, by one gain and, only where a peak would still pass the ceiling, a smooth
look-ahead limiter, applied block by block as the blocks go to LAME. The loudness the encoding
takes is learnt beforehand from a few seconds of the episode and made up in advance; the MP3 is
decoded, as a player hears it, wherever its true peak could come near the ceiling (`heard`), and
checked there.
It starts with an Info frame (`mp3info`), so players report the exact duration and every placement
is exact in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from hijra_audio.audio import heard, meter, mp3info
from hijra_audio.config import AudioConfig

# MP3 encoding moves peaks a little: the limiter aims this far below the ceiling, so that the
# decoded file's true peak is still at most the ceiling.
ENCODE_HEADROOM_DB = 1.0
VERIFY_MARGIN_DB = 0.05   # the decoded file must be this far under the ceiling (other meters differ a little)
SOURCE_OVERSHOOT = 2.0    # the episode's true peak is worked out where its samples times this reach the limiter
CODEC_LOSS_PIECES, CODEC_LOSS_PIECE_S = 8, 2.0   # stretches encoded to learn the codec's loudness loss
DEFAULT_LAME_QUALITY = 5  # AudioConfig.lame_quality's default (LAME's own 'good')
MAX_LIMITING_DB = 12.0    # at most this much more gain is pushed into the limiter
LIMITER_WINDOW_S = 0.010  # the limiter's gain reaches each peak over this time, and leaves it as slowly


@dataclass(frozen=True)
class Mastering:
    """What mastering measured and did to one episode (loudness in LUFS, peaks in dBTP)."""

    loudness_in: float       # before (-inf: silence, or shorter than one 400 ms block)
    gain_db: float
    limited: bool            # the limiter lowered some peaks
    codec_loss_lu: float     # loudness the MP3 encoding was expected to take, made up in advance
    loudness_out: float      # of the decoded MP3, as expected: the loudness going into the encoder
                             # less the codec loss (tests/test_audio.py measures decoded files)
    true_peak_out: float     # of the decoded MP3 where it could come near the ceiling, else at most
                             # what went into the encoder plus heard.VERIFY_RANGE_DB
    passes: int              # encodings: more than 1 when a file passed the ceiling and was redone


def _moving_min(x: np.ndarray, width: int) -> np.ndarray:
    """Minimum over the `width` (odd) samples centred on each one, the ends repeated (van Herk /
    Gil-Werman: two running minima per block of `width`, linear time)."""
    r = width // 2
    padded = np.pad(x, (r, r + (-(x.size + 2 * r)) % width), mode="edge").reshape(-1, width)
    prefix = np.minimum.accumulate(padded, axis=1).ravel()
    suffix = np.minimum.accumulate(padded[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(suffix[:x.size], prefix[width - 1:width - 1 + x.size])


def _moving_mean(x: np.ndarray, width: int) -> np.ndarray:
    """Mean over the `width` (odd) samples centred on each one, the ends repeated."""
    r = width // 2
    sums = np.concatenate([[0.0], np.cumsum(np.pad(x, (r, r), mode="edge"))])
    return (sums[width:] - sums[:-width]) / width


@dataclass(frozen=True)
class Limiter:
    """A smooth gain that keeps the true peak at most `level` (full scale 1.0, before the episode's
    gain), worked out per chunk of the measure (about 1.4 ms) from its true peaks, so it costs
    almost nothing and is never held sample by sample for the whole episode.

    The gain of a chunk is the needed gain (level / the chunk's true peak, at most 1) at its
    minimum over a window of chunks around it (at least LIMITER_WINDOW_S on each side), averaged
    over the same window: it eases in before a peak and out after it, and since each average is
    of minima over windows that hold the chunk, it never exceeds what the chunk needs. Between
    chunks it is a straight line, each chunk's ends at most its own gain: still never more than
    any of its samples needs, and without steps."""

    level: float
    edges: np.ndarray    # gain at each chunk boundary (one more than there are chunks)
    chunk: int

    @classmethod
    def at(cls, measured: meter.Measure, level: float) -> "Limiter":
        need = np.minimum(1.0, level / np.maximum(measured.peak.astype(np.float64), 1e-12))
        half = -(-int(measured.rate * LIMITER_WINDOW_S) // measured.chunk)
        width = 2 * half + 1
        gain = np.minimum(_moving_mean(_moving_min(need, width), width), need) if need.size else need
        gain[gain > 1 - 1e-9] = 1.0     # the running sums' rounding, where nothing is limited
        edges = np.minimum(np.concatenate([gain[:1], gain]), np.concatenate([gain, gain[-1:]]))
        return cls(level, edges, measured.chunk)

    @property
    def active(self) -> bool:
        return bool((self.edges < 1).any())

    def chunk_mean_square(self) -> np.ndarray:
        """The mean of the gain squared over each chunk (a straight line between its ends)."""
        a, b = self.edges[:-1], self.edges[1:]
        return (a * a + a * b + b * b) / 3

    def gain(self, lo: int, hi: int) -> np.ndarray | None:
        """The gain of samples lo..hi-1 (None where it is 1 throughout)."""
        c0, c1 = lo // self.chunk, -(-hi // self.chunk)
        if not (self.edges[c0:c1 + 1] < 1).any():
            return None
        at = np.arange(lo, hi) + 0.5
        return np.interp(at, np.arange(c0, c1 + 1) * self.chunk, self.edges[c0:c1 + 1])

    def apply(self, y: np.ndarray, lo: int) -> None:
        """`y` (samples lo.. of the episode) times the gain, in place, only over the chunks where it
        is under 1 (elsewhere it is exactly 1: the same samples as `y * gain(lo, hi)`, for a
        fraction of the cost where the limiter acts on a few peaks)."""
        hi = lo + y.size
        c0, c1 = lo // self.chunk, -(-hi // self.chunk)
        below = self.edges[c0:c1 + 1] < 1
        edges = np.flatnonzero(np.diff(np.concatenate([[0], (below[:-1] | below[1:]).view(np.int8), [0]])))
        for k0, k1 in zip((edges[0::2] + c0).tolist(), (edges[1::2] + c0).tolist()):
            s0, s1 = max(lo, k0 * self.chunk), min(hi, k1 * self.chunk)
            at = np.arange(s0, s1) + 0.5
            y[s0 - lo:s1 - lo] *= np.interp(at, np.arange(k0, k1 + 1) * self.chunk, self.edges[k0:k1 + 1])


def _expected_loudness(measured: meter.Measure, gain_db: float, limiter: Limiter | None) -> float:
    """The loudness of the episode times the gain and the limiter's gain: each chunk's K-weighted
    energy times the gain's mean square over it (the limiter's gain is smooth over 20 ms, a chunk
    under 1.5 ms, so within a small fraction of a LU of the real thing)."""
    energy = measured.energy * 10 ** (gain_db / 10)
    return measured.loudness(energy if limiter is None else energy * limiter.chunk_mean_square())


def master(measured: meter.Measure, target_lufs: float, ceiling_dbtp: float,
           headroom_db: float = ENCODE_HEADROOM_DB) -> tuple[float, Limiter | None]:
    """The gain (dB) that brings the measured episode to `target_lufs`, and the limiter that keeps
    its true peak at most `ceiling_dbtp` less `headroom_db` (None: not needed): one gain for the
    whole episode, the limiter only where peaks need it (its gain is smooth, so the limited
    signal's true peak is the envelope times the gain; the decoded MP3 is measured afterwards all
    the same). Where `measured` only bounds the peaks, the true peaks of the chunks whose bound
    reaches the limiter's level are worked out (`Measure.refine`) as the gain is searched (only
    those: the limiter acts nowhere else)."""
    before = measured.loudness()
    if not np.isfinite(before):
        return 0.0, None
    ceiling = 10 ** ((ceiling_dbtp - headroom_db) / 20)
    # Loudness after limiting grows with the gain ever more slowly: search the gain between the
    # plain one and MAX_LIMITING_DB more (a bracketed secant); past that the limiter would no longer
    # be transparent, and the episode is left quieter than the target rather than crushed.
    low = high = gain_db = target_lufs - before
    high += MAX_LIMITING_DB
    tried: list[tuple[float, float]] = []    # (gain, loudness after limiting)
    limiter = None
    for _ in range(8):
        gain = 10 ** (gain_db / 20)
        measured.refine(ceiling / gain)
        limiter = Limiter.at(measured, ceiling / gain)
        if not limiter.active:
            return gain_db, None
        after = _expected_loudness(measured, gain_db, limiter)
        if abs(after - target_lufs) <= 0.1:
            break
        if after < target_lufs:
            low = gain_db
        else:
            high = gain_db
        tried.append((gain_db, after))
        if len(tried) >= 2 and tried[-1][1] != tried[-2][1]:
            (g0, l0), (g1, l1) = tried[-2:]
            guess = g1 + (target_lufs - l1) * (g1 - g0) / (l1 - l0)
        else:
            guess = gain_db + target_lufs - after
        gain_db = guess if low < guess < high else (low + high) / 2
    if limiter is not None and limiter.level != ceiling / 10 ** (gain_db / 20):
        measured.refine(ceiling / 10 ** (gain_db / 20))
        limiter = Limiter.at(measured, ceiling / 10 ** (gain_db / 20))
    return gain_db, limiter if limiter is not None and limiter.active else None


def _mastered(source, start: int, stop: int, gain: float, limiter: Limiter | None) -> np.ndarray:
    """source[start:stop] times `gain`, and times the limiter's gain where it has one, as int16."""
    y = source.read(start, stop).astype(np.float32)
    y *= np.float32(gain)
    if limiter is not None:
        limiter.apply(y, start)
    np.rint(y, out=y)
    np.clip(y, -32768, 32767, out=y)
    return y.astype("<i2")


def _blocks(source, gain: float = 1.0, limiter: Limiter | None = None, block: int = 1 << 18):
    """The mastered `source` (`_mastered`) as int16 blocks."""
    for start in range(0, source.size, block):
        yield _mastered(source, start, min(source.size, start + block), gain, limiter)


def _codec_loss(source, rate: int, bitrate_kbps: int, gain_db: float = 0.0, limiter: Limiter | None = None,
                quality: int = 5, channels: int = 1) -> float:
    """How much loudness the MP3 encoding takes (LAME's masking and lowpass remove some of the high
    frequencies K-weighting counts, and its threshold of hearing more of quiet sound), measured on
    up to CODEC_LOSS_PIECES stretches of CODEC_LOSS_PIECE_S spread over the episode, mastered as
    they will be encoded (`gain_db`, `limiter`)."""
    piece = int(CODEC_LOSS_PIECE_S * rate)
    if source.size <= CODEC_LOSS_PIECES * piece:
        starts = np.array([0])
        piece = source.size
    else:
        starts = np.linspace(0, source.size - piece, CODEC_LOSS_PIECES).astype(np.int64)
    gain = 10 ** (gain_db / 20)
    pcm = np.concatenate([_mastered(source, s, s + piece, gain, limiter) for s in starts.tolist()])
    decoded = heard.decode(_lame([pcm], rate, bitrate_kbps, info=True, samples=pcm.size, quality=quality,
                            channels=channels), rate)
    loss = (meter.measure(meter.ArraySource(pcm), rate, true_peak=False).loudness()
            - meter.measure(meter.ArraySource(decoded), rate, true_peak=False).loudness())
    return float(loss) if np.isfinite(loss) else 0.0


def master_and_encode(samples, settings: AudioConfig,
                      also: Callable[[Iterator[np.ndarray]], None] | None = None) -> tuple[bytearray, Mastering]:
    """The episode (int16 array, or a `meter.PcmFile`) mastered and encoded (`_encoded`). `also`,
    when given, is handed the mastered blocks LAME was given for the MP3 that is returned (once,
    after the last pass): another encoder (the audiobook's AAC) makes its file of the same sound."""
    source = meter.ArraySource(samples) if isinstance(samples, np.ndarray) else samples
    mp3, mastering, limiter = _encoded(source, settings)
    if also is not None:
        also(_blocks(source, 10 ** (mastering.gain_db / 20), limiter))
    return mp3, mastering


def _encoded(source, settings: AudioConfig) -> tuple[bytearray, Mastering, Limiter | None]:
    """The episode mastered and encoded, checked as a player hears it: the MP3 is decoded and its
    true peak checked; when it passes the ceiling, it is mastered again with that much more
    headroom, and encoded again (at most twice more); a file still over the ceiling after that is
    lowered as a whole until it is under (quieter, not louder than allowed).

    Its cost beyond LAME's: one measuring pass over the episode (K-weighted energy, largest
    samples), its true peak only where the limiter may act, an encoding of a few seconds to learn
    the codec's loudness loss, and decoding the MP3 (nothing written) only where its true peak
    could come near the ceiling, and working it out there (`heard.true_peak_of`). The decoded file's loudness is not measured
    again: it is the loudness going into the encoder less the codec's loss, within 0.1 LU on the
    test signals (tests/test_audio.py), and measuring it would cost a quarter of LAME's time.
    Returns the MP3, what mastering did, and its limiter (None: none)."""
    rate, ceiling = settings.sample_rate, settings.true_peak_dbtp
    quality, channels = settings.lame_quality, settings.channels
    # The episode is mono; a stereo file has it on both channels, which BS.1770 measures 3 dB louder.
    layout_db = 10 * np.log10(channels)
    target = settings.loudness_lufs - layout_db
    limit = ceiling - VERIFY_MARGIN_DB
    # the episode's true peak only where the limiter may act (`master`): bounded elsewhere by
    # SOURCE_OVERSHOOT times its largest samples (speech from engines at 16-24 kHz has nothing
    # near the Nyquist frequency of the episode's rate, where peaks between samples come from)
    measured = meter.measure(source, rate, true_peak=False, overshoot=SOURCE_OVERSHOOT)
    before = measured.loudness()
    if not np.isfinite(before):   # silence or under 400 ms: nothing to measure, encoded as it is
        measured.refine(0.0)
        mp3 = _lame(_blocks(source), rate, settings.bitrate_kbps, info=True, samples=source.size, quality=quality,
                    channels=channels)
        return mp3, Mastering(before + layout_db, 0.0, False, 0.0, before + layout_db, measured.true_peak_db(), 1), None
    headroom = ENCODE_HEADROOM_DB
    # the codec's loss learnt at the level the episode will be encoded at (it takes more of
    # quiet sound), then made up
    loss = _codec_loss(source, rate, settings.bitrate_kbps, *master(measured, target, ceiling, headroom), quality,
                       channels)

    def encode(gain_db: float, limiter: Limiter | None) -> tuple[bytearray, float, float]:
        mp3 = _lame(_blocks(source, 10 ** (gain_db / 20), limiter), rate, settings.bitrate_kbps,
                    info=True, samples=source.size, quality=quality, channels=channels)
        return (mp3, *heard.checked(mp3, measured, gain_db, limiter, limit))

    for passes in (1, 2, 3):
        gain_db, limiter = master(measured, target + loss, ceiling, headroom)
        mp3, out_peak, elsewhere = encode(gain_db, limiter)
        if out_peak <= limit:
            break
        headroom += out_peak - limit + 0.2
    else:
        # The ceiling wins over the loudness: all of it lower (a decoded peak at full scale may
        # hide a larger one, clipped by the decoder: hence a few rounds).
        gain_db, limiter = master(measured, target + loss, ceiling, headroom)
        for _ in range(4):
            if out_peak <= limit:
                break
            gain_db -= out_peak - ceiling + 2 * VERIFY_MARGIN_DB
            mp3, out_peak, elsewhere = encode(gain_db, limiter)
            passes += 1
    out_loudness = _expected_loudness(measured, gain_db, limiter) - loss + layout_db
    out_peak = max(out_peak, elsewhere)
    return mp3, Mastering(before + layout_db, gain_db, limiter is not None, loss, out_loudness, out_peak, passes), limiter


def _lame(blocks, rate: int, bitrate_kbps: int, info: bool = True, samples: int = 0,
          quality: int = DEFAULT_LAME_QUALITY, channels: int = 1) -> bytearray:
    """int16 `blocks` (arrays) as one MP3 stream, encoded block by block into one
    buffer (the Info frame is put in front of it in place: the stream is never copied).
    `quality`: LAME's -q (0 best and slowest .. 9; see benchmarks/quality/lame_quality.py).
    `channels` 2: the mono blocks on both channels (LAME codes them as joint stereo, the side
    channel silent, so both decode to the same samples)."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(rate)   # LAME would resample to MPEG-2 rates at low bitrates
    encoder.set_channels(channels)
    encoder.set_quality(quality)
    stream = bytearray()
    for block in blocks:
        block = np.ascontiguousarray(block, dtype="<i2")
        data = memoryview(np.repeat(block, 2) if channels == 2 else block).cast("B")
        for i in range(0, len(data), 1 << 21):
            stream += encoder.encode(bytes(data[i:i + (1 << 21)]))
    stream += encoder.flush()
    if info:
        stream[0:0] = mp3info.info_frame(stream, samples)
    return stream
