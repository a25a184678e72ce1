"""The MP3 as a player hears it: decoded by miniaudio (dr_mp3), measured.

Mastering checks the decoded file's true peak (`true_peak_db`) wherever it could come near the
ceiling, as the MP3 streams out of the decoder: a chunk of the measure (about 1.4 ms) is
oversampled when its own largest samples, or the true peak that went into the encoder there
(`near`), are within VERIFY_RANGE_DB of the level; elsewhere its true peak would have to stand
that far above both. (LAME lowpasses the MP3 well under the Nyquist frequency; it moves speech
peaks by up to about 0.8 dB, and those of a square wave or clipped music by up to about 2 dB:
benchmarks/quality/codec_excess.py; tests/test_audio.py compares the check with the whole file.)
Only a few blocks of decoded samples are held at a time: the check's memory does not grow with
the episode, and nothing is written to disk.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from hijra_audio.audio import meter

VERIFY_RANGE_DB = 3.0     # the decoded file's true peak is worked out where it could be this near the ceiling
STREAM_FRAMES = 1 << 18   # samples decoded at a time


def decode(mp3: bytes, rate: int) -> np.ndarray:
    """The MP3's samples, all in memory (a stereo one's channels are the same: either of them)."""
    import miniaudio

    decoded = miniaudio.decode(bytes(mp3), nchannels=1, sample_rate=rate, output_format=miniaudio.SampleFormat.SIGNED16)
    return np.frombuffer(decoded.samples, dtype="<i2")


def stream(mp3: bytes, rate: int) -> Iterator[np.ndarray]:
    """The MP3's samples, block by block (int16, mono)."""
    import miniaudio

    for part in miniaudio.stream_memory(bytes(mp3), output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1,
                                        sample_rate=rate, frames_to_read=STREAM_FRAMES):
        yield np.frombuffer(part, dtype="<i2")


def measure(mp3: bytes, rate: int, folder=None) -> meter.Measure:
    """The decoded MP3's loudness and true peak, exactly (decoded into a temporary file in
    `folder`, then measured): what the tests and benchmarks compare the check with."""
    with meter.PcmFile(folder) as decoded:
        for part in stream(mp3, rate):
            decoded.append(part)
        return meter.measure(decoded, rate)


def near(measured: meter.Measure, gain_db: float, limiter, level_dbtp: float) -> np.ndarray:
    """Per chunk: whether the true peak going into the encoder (the measured one, times the gain
    and the `limiter`'s largest gain over the chunk) is within VERIFY_RANGE_DB of `level_dbtp`
    (only where it was worked out: elsewhere the decoded samples tell)."""
    peak = measured.peak * np.float32(10 ** (gain_db / 20))
    if limiter is not None:
        peak = peak * np.maximum(limiter.edges[:-1], limiter.edges[1:])
    close = peak > 10 ** ((level_dbtp - VERIFY_RANGE_DB) / 20)
    return close if measured.exact is None else close & measured.exact


class _Window:
    """The decoded samples the check still needs, read at their places in the file (a `Source`)."""

    def __init__(self, size: int):
        self.size = size
        self.start = 0
        self.samples = np.zeros(0, dtype="<i2")

    @property
    def end(self) -> int:
        return self.start + self.samples.size

    def add(self, block: np.ndarray) -> None:
        self.samples = np.concatenate([self.samples, block[:max(0, self.size - self.end)]])

    def keep_from(self, at: int) -> None:
        at = min(max(at, self.start), self.end)
        self.samples = self.samples[at - self.start:]
        self.start = at

    def read(self, lo: int, hi: int) -> np.ndarray:
        lo, hi = max(lo, self.start), min(hi, self.end)
        return self.samples[lo - self.start:max(lo, hi) - self.start]


def true_peak_db(mp3: bytes, rate: int, size: int, level_dbtp: float, check: np.ndarray | None = None) -> float:
    """The decoded MP3's true peak (dBTP), worked out only where it could be within
    VERIFY_RANGE_DB of `level_dbtp` or where `check` (per chunk) says so, and bounded elsewhere
    (so at least the true peak, and exactly it when that is near the level). `size`: the samples
    encoded (the decoded file has as many: its Info frame says so)."""
    chunk = meter.chunk_size(rate)
    count = -(-size // chunk)
    reach = -(-meter.PEAK_CONTEXT // chunk)          # a chunk's bound: its neighbours' samples too
    window = _Window(size)
    heard = meter.Measure(rate, size, chunk, np.zeros(0), np.zeros(count, dtype=np.float32),
                          np.zeros(count, dtype=bool), window)
    largest = np.zeros(count + 2 * reach, dtype=np.float32)   # each chunk's largest sample, `reach` zeros each side
    overshoot, level = np.float32(10 ** (VERIFY_RANGE_DB / 20)), 10 ** (level_dbtp / 20)
    seen = done = 0                                  # chunks whose largest samples are known; bounded
    for block in _and_last(stream(mp3, rate)):
        last = block is None
        if last:
            window.add(np.zeros(size - window.end, dtype="<i2"))   # (never shorter: the Info frame)
        else:
            window.add(block)
        whole = count if last else window.end // chunk
        if whole > seen:
            x = window.read(seen * chunk, whole * chunk)
            x = np.append(x, np.zeros(-x.size % chunk, dtype=x.dtype))
            largest[reach + seen:reach + whole] = np.abs(x.reshape(-1, chunk).astype(np.int32)).max(axis=1) / np.float32(32768)
            seen = whole
        upto = count if last else max(done, whole - reach)
        if upto > done:
            around = largest[done:upto + 2 * reach]
            bound = around[:upto - done].copy()
            for shift in range(1, 2 * reach + 1):
                np.maximum(bound, around[shift:shift + upto - done], out=bound)
            heard.peak[done:upto] = bound * overshoot
            heard.refine(level, check, slice(done, upto))
            done = upto
            window.keep_from(done * chunk - meter.PEAK_CONTEXT)
        if last:
            break
    return heard.true_peak_db()


def _and_last(blocks: Iterator[np.ndarray]) -> Iterator[np.ndarray | None]:
    yield from blocks
    yield None
