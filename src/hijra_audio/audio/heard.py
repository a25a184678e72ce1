"""The MP3 as a player hears it: decoded by miniaudio (dr_mp3), measured.

Mastering checks the decoded file's true peak (`true_peak_of`) wherever it could come near the
ceiling, and decodes only there: the chunks of the measure (about 1.4 ms) whose true peak going
into the encoder is within VERIFY_RANGE_DB of the level (`near`), each with the frames around it.
Elsewhere the MP3 would have to raise a peak by more than VERIFY_RANGE_DB: LAME lowpasses the MP3
well under the Nyquist frequency and moves speech peaks by up to about 0.8 dB, those of a square
wave or clipped music by up to about 2 dB (benchmarks/quality/codec_excess.py). A chunk whose true
peak was not worked out has samples 6 dB under the limiter's level or more (`master`): it would
need 3 dB between its samples as well. tests/test_heard.py compares the check with the whole
decoded file, and the frames decoded alone with the same frames decoded in the whole file.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator

import numpy as np

from hijra_audio.audio import meter, mp3info

VERIFY_RANGE_DB = 3.0     # the decoded file's true peak is worked out where it could be this near the ceiling
STREAM_FRAMES = 1 << 18   # samples decoded at a time
DECODER_DELAY = 529       # samples a layer III decoder puts before the stream's first (dr_mp3's, and the norm)
RESERVOIR_BYTES = 511     # how far back a frame's data may start (main_data_begin: the bit reservoir)
# where the encoded samples start in what a decoder gives for the stream's frames
_DELAY = mp3info.LAME_ENCODER_DELAY + DECODER_DELAY


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


def into_encoder(measured: meter.Measure, gain_db: float, limiter) -> np.ndarray:
    """Per chunk, the true peak going into the encoder (or where it was not worked out, its
    bound): the measured one times the gain and the `limiter`'s largest gain over the chunk."""
    peak = measured.peak * np.float32(10 ** (gain_db / 20))
    if limiter is not None:
        peak = peak * np.maximum(limiter.edges[:-1], limiter.edges[1:])
    return peak


def near(measured: meter.Measure, gain_db: float, limiter, level_dbtp: float) -> np.ndarray:
    """Per chunk: whether the decoded file's true peak could come near `level_dbtp`: the true peak
    going into the encoder is within VERIFY_RANGE_DB of it, or, where only a bound of it is known
    (its largest samples, doubled: `master.SOURCE_OVERSHOOT`), the bound passes it. (Mastering
    leaves no bound above the limiter's level, 1 dB under the ceiling: only a limiter that failed
    does, and then the check finds what passes.)"""
    peak = into_encoder(measured, gain_db, limiter)
    close = peak > 10 ** ((level_dbtp - VERIFY_RANGE_DB) / 20)
    if measured.exact is None:
        return close
    return np.where(measured.exact, close, peak > 10 ** (level_dbtp / 20))


def bound_elsewhere_db(measured: meter.Measure, gain_db: float, limiter, checked: np.ndarray) -> float:
    """What the decoded file's true peak is at most outside the `checked` chunks: the true peak
    that went into the encoder there, raised by VERIFY_RANGE_DB (the most the MP3 is taken to
    add), or where only a bound of it is known, the bound (its samples doubled)."""
    peak = into_encoder(measured, gain_db, limiter)
    if measured.exact is not None:
        peak = np.where(measured.exact, peak * np.float32(10 ** (VERIFY_RANGE_DB / 20)), peak)
    else:
        peak = peak * np.float32(10 ** (VERIFY_RANGE_DB / 20))
    return 20 * np.log10(max(float(peak[~checked].max(initial=0.0)), 1e-12))


def checked(mp3: bytes, measured: meter.Measure, gain_db: float, limiter, level_dbtp: float) -> tuple[float, float]:
    """The MP3 of the `measured` episode (times the gain and the limiter) checked: its decoded true
    peak where it could come near `level_dbtp` (`near`, `true_peak_of`), and what it is at most
    elsewhere (`bound_elsewhere_db`), in dBTP."""
    close = near(measured, gain_db, limiter, level_dbtp)
    return (true_peak_of(mp3, measured.rate, measured.size, close),
            bound_elsewhere_db(measured, gain_db, limiter, close))


def true_peak_of(mp3: bytes, rate: int, size: int, chunks: np.ndarray) -> float:
    """The decoded MP3's true peak (dBTP) over the chunks of the measure `chunks` marks (-inf when
    none), decoding only the frames around them: each run of marked chunks with the oversampler's
    context on both sides, from a few frames before it (the bit reservoir and the filter banks'
    memory: from there the decoder gives the very samples a decoding of the whole file gives; tests
    compare them). `size`: the samples encoded; `mp3` starts with its Info frame (`mp3info`)."""
    chunk = meter.chunk_size(rate)
    marked = np.flatnonzero(np.diff(np.concatenate([[0], chunks.view(np.int8), [0]])))
    if not marked.size:
        return float("-inf")
    frames = mp3info.frame_offsets(mp3)[1:]              # the audio frames, after the Info frame
    spans = [(max(0, c0 * chunk - meter.PEAK_CONTEXT), min(size, c1 * chunk + meter.PEAK_CONTEXT))
             for c0, c1 in zip(marked[0::2].tolist(), marked[1::2].tolist())]
    decoded = _Decoded(size)
    for f0, f1, skip in _windows(spans, frames, mp3[frames[0][0] + 3] >> 6 == 3):
        decoded.add(*_decode_frames(mp3, frames, f0, f1, skip, rate, size))
    heard = meter.Measure(rate, size, chunk, np.zeros(0), np.zeros(chunks.size, dtype=np.float32),
                          np.zeros(chunks.size, dtype=bool), decoded)
    heard.refine(float("inf"), chunks)
    return heard.true_peak_db() if heard.peak.any() else float("-inf")


def _windows(spans, frames, mono: bool):
    """The runs of frames to decode for the sample spans wanted (sorted): (first, end, frames at
    the start that only fill the decoder), neighbours a few frames apart joined."""
    per_frame = mp3info.SAMPLES_PER_FRAME
    main_data = min(size for _offset, size in frames) - 4 - (17 if mono else 32)
    warm = -(-RESERVOIR_BYTES // main_data) + 2    # the reservoir's frames, one for the filter banks, one spare
    runs: list[list[int]] = []
    for lo, hi in spans:
        first, end = (lo + _DELAY) // per_frame, min(len(frames), -(-(hi + _DELAY) // per_frame))
        start = max(0, first - warm)
        if runs and start <= runs[-1][1]:
            runs[-1][1] = max(runs[-1][1], end)
        else:
            runs.append([start, end])
    return [(f0, f1, 0 if f0 == 0 else warm) for f0, f1 in runs]


def _decode_frames(mp3: bytes, frames, f0: int, f1: int, skip: int, rate: int, size: int):
    """Frames f0..f1-1 decoded alone: (the episode's sample the kept ones start at, the samples),
    the first `skip` frames' samples dropped. (A decoder started there may give nothing for the
    first frames, whose data is in frames before: the samples are placed from the end.)"""
    import miniaudio

    per_frame = mp3info.SAMPLES_PER_FRAME
    data = mp3[frames[f0][0]:frames[f1 - 1][0] + frames[f1 - 1][1]]
    samples = np.frombuffer(miniaudio.decode(bytes(data), nchannels=1, sample_rate=rate,
                                             output_format=miniaudio.SampleFormat.SIGNED16).samples, dtype="<i2")
    raw_end = f1 * per_frame
    keep = max(raw_end - samples.size, (f0 + skip) * per_frame, _DELAY)
    stop = min(raw_end, size + _DELAY)
    return keep - _DELAY, samples[keep - (raw_end - samples.size):stop - (raw_end - samples.size)]


class _Decoded:
    """Stretches of the decoded file at their places, added in order (a `Source`; zeros between)."""

    def __init__(self, size: int):
        self.size = size
        self.starts: list[int] = []
        self.parts: list[np.ndarray] = []

    def add(self, start: int, samples: np.ndarray) -> None:
        self.starts.append(start)
        self.parts.append(samples)

    def read(self, lo: int, hi: int) -> np.ndarray:
        lo, hi = max(0, lo), min(self.size, hi)
        out = np.zeros(max(0, hi - lo), dtype="<i2")
        for k in range(max(0, bisect.bisect_right(self.starts, lo) - 1), bisect.bisect_left(self.starts, hi)):
            start, samples = self.starts[k], self.parts[k]
            a, b = max(lo, start), min(hi, start + samples.size)
            if a < b:
                out[a - lo:b - lo] = samples[a - start:b - start]
        return out
