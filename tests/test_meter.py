"""The block-by-block meter against the reference implementations, and streaming render memory."""

import tracemalloc

import numpy as np
import pytest

from hijra_audio.audio import master, meter, render
from hijra_audio.config import AudioConfig
from hijra_audio.engines.base import Clip
from tests.measure import speechlike


def _noise(seconds: float, rate: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    swell = np.sin(np.arange(n) / rate * 2 * np.pi * 0.7) ** 2
    return np.clip(rng.standard_normal(n) * 4000 * swell, -32768, 32767).astype("<i2")


@pytest.mark.parametrize("rate", [44100, 48000, 22050])
@pytest.mark.parametrize("seconds", [0.45, 3.31, 47.9])
def test_measured_loudness_is_pyloudnorms(rate, seconds, tmp_path):
    import pyloudnorm

    x = _noise(seconds, rate, seed=int(seconds * 10))
    expected = pyloudnorm.Meter(rate).integrated_loudness(x / 32768)
    in_memory = meter.measure(meter.ArraySource(x), rate)
    with meter.PcmFile(tmp_path) as pcm:
        for part in np.array_split(x, 7):          # appended in uneven parts, as clips are
            pcm.append(part)
        from_file = meter.measure(pcm, rate)
    assert in_memory.loudness() == pytest.approx(expected, abs=1e-6)
    assert np.array_equal(in_memory.energy, from_file.energy) and np.array_equal(in_memory.peak, from_file.peak)
    assert meter.loudness(x / 32768, rate) == pytest.approx(expected, abs=1e-6)


def test_k_weighting_is_the_biquads_filtering():
    import pyloudnorm
    from scipy.signal import lfilter

    x = _noise(5.0, 44100, seed=3) / 32768
    expected = x
    for stage in pyloudnorm.Meter(44100)._filters.values():
        expected = lfilter(stage.b, stage.a, expected)
    assert np.abs(meter.k_weighted(x, 44100) - expected).max() < 1e-9
    # in two parts, the first given as the second's history: the same
    cut = 80_000
    second = meter.k_weighted(x[cut:], 44100, history=x[:cut])
    assert np.abs(second - expected[cut:]).max() < 1e-9


def test_true_peak_finds_peaks_between_samples():
    from scipy.signal import resample_poly

    # a sine at a quarter of the rate, sampled 45 degrees off its crests: samples at 0.707 of it
    n = np.arange(44100)
    x = np.round(np.sin(np.pi / 2 * n + np.pi / 4) * 0.9 * 32767).astype("<i2")
    measured = meter.measure(meter.ArraySource(x), 44100)
    sample_peak = 20 * np.log10(np.abs(x).max() / 32768)
    other_route = 20 * np.log10(np.abs(resample_poly(x / 32768, 4, 1)).max())
    assert measured.true_peak_db() == pytest.approx(other_route, abs=0.1)
    assert measured.true_peak_db() > sample_peak + 2.5


@pytest.mark.parametrize("size", [1, 5, 440, 883, 884, 5000])
def test_moving_filters_are_scipys(size):
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    x = np.random.default_rng(size).random(size)
    width = 2 * 441 + 1
    assert np.array_equal(master._moving_min(x, width), minimum_filter1d(x, width, mode="nearest"))
    assert np.allclose(master._moving_mean(x, width), uniform_filter1d(x, width, mode="nearest"), atol=1e-12)


def test_the_limiter_keeps_every_true_peak_under_its_level_and_leaves_the_rest():
    x = speechlike(12, -3, seed=5, clicks=True)
    measured = meter.measure(meter.ArraySource(x), 44100)
    level = 10 ** (-9 / 20)
    limiter = master.Limiter.at(measured, level)
    gain = np.concatenate([limiter.gain(lo, min(x.size, lo + 10_000)) if limiter.gain(lo, min(x.size, lo + 10_000))
                           is not None else np.ones(min(x.size, lo + 10_000) - lo) for lo in range(0, x.size, 10_000)])
    limited = meter.measure(meter.ArraySource(np.round(x * gain).astype("<i2")), 44100)
    assert measured.true_peak_db() > -4 and limited.true_peak_db() <= -9 + 0.05
    # smooth: no step between samples larger than a ramp over the 10 ms window would make
    assert np.abs(np.diff(gain)).max() < 1 / 441
    # where the signal stays under the level, far from a peak, the gain is 1
    quiet = np.repeat(measured.peak < level / 2, measured.chunk)[:x.size]
    far = np.convolve(~quiet, np.ones(2 * 1323 + 1), mode="same") == 0
    assert far.sum() > x.size // 10 and np.all(gain[far] == 1)
    # the search's estimate of the limited loudness is the real one's within 0.05 LU
    estimate = measured.loudness(measured.energy * limiter.chunk_mean_square())
    assert estimate == pytest.approx(limited.loudness(), abs=0.05)


@pytest.mark.parametrize("block", [1, 63, 64, 10_000, 262_144])
def test_the_limiter_applied_in_place_gives_the_same_samples_as_its_gain(block):
    """Limiter.apply multiplies only where the gain is under 1; the samples are those of y * gain."""
    x = speechlike(8, -3, seed=6, clicks=True)
    measured = meter.measure(meter.ArraySource(x), 44100)
    limiter = master.Limiter.at(measured, 10 ** (-9 / 20))
    assert limiter.active
    for lo in range(0, x.size, block if block > 1000 else 7919):
        hi = min(x.size, lo + block)
        y = x[lo:hi].astype(np.float32) * np.float32(1.3)
        gain = limiter.gain(lo, hi)
        expected = y * gain if gain is not None else y.copy()
        limiter.apply(y, lo)
        assert np.array_equal(y, expected.astype(np.float32))


def _episode_peak_memory(minutes: float, tmp_path) -> int:
    """Peak of memory allocated while rendering an episode of `minutes` from 6 s clips."""
    clip = Clip(speechlike(6, -12, seed=1)[::2].tobytes(), 22050)
    count = int(minutes * 60 / 6.3)
    tracemalloc.start()
    try:
        rendered = render.render((clip for _ in range(count)), [300] * count, AudioConfig(), folder=tmp_path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert minutes * 60 * 0.7 < rendered.duration < minutes * 60 * 1.05
    return peak - len(rendered.mp3)


@pytest.mark.slow   # builds real audio
def test_an_episode_is_rendered_in_memory_that_does_not_grow_with_its_length(tmp_path):
    short, long = _episode_peak_memory(0.5, tmp_path), _episode_peak_memory(4, tmp_path)
    # 3.5 more minutes are 9.3 million samples: held whole even once as int16 they would add
    # 18.6 MB (before streaming, about 8 bytes a sample were held). What grows now is the
    # per-chunk measures (12 bytes per 63 samples, of the episode and of its decoded MP3) and the
    # MP3's copies while it is put together.
    assert long - short < 15_000_000, (short, long)


def test_the_oversampling_never_puts_more_than_overshoot_times_the_largest_sample_between_samples():
    import soxr

    worst = 0.0
    for offset in range(8):
        x = np.zeros(4096, np.float32)
        x[2048 + offset] = 1.0
        up = soxr.resample(x, 44100, 4 * 44100, quality="HQ")
        worst = max(worst, max(np.abs(up[phase::4]).sum() for phase in range(4)))
        support = np.flatnonzero(np.abs(up) > 1e-7)
        assert (support[-1] - support[0]) // 4 <= 2 * meter.PEAK_CONTEXT
    assert worst <= meter.OVERSHOOT


@pytest.mark.parametrize("seed", [1, 2])
def test_bounded_peaks_are_bounds_and_refined_ones_the_true_peaks(seed):
    rng = np.random.default_rng(seed)
    x = np.round(rng.standard_normal(44100 * 3) * 3000 * np.repeat(rng.uniform(0.1, 3, 30), 4410)).clip(-32768, 32767)
    x[50000:50008] = [32767, -32768] * 4            # the worst case between samples
    source = meter.ArraySource(x.astype("<i2"))
    exact = meter.measure(source, 44100)
    bounded = meter.measure(source, 44100, true_peak=False)
    assert np.array_equal(bounded.energy, exact.energy)
    assert (bounded.peak >= exact.peak - 1e-6).all()
    level = float(np.median(exact.peak))
    done = bounded.refine(level)
    assert 0 < done < bounded.peak.size
    assert np.allclose(bounded.peak[bounded.exact], exact.peak[bounded.exact], rtol=1e-4, atol=1e-6)
    assert (bounded.peak[~bounded.exact] <= level).all() and (exact.peak[~bounded.exact] <= level).all()


def test_a_measure_of_peaks_alone_skips_the_loudness_and_keeps_the_same_peaks():
    """The decoded MP3 is measured for its peaks alone (`loudness=False`): the same bounds and,
    refined, the same true peaks as a whole measure, and no K-weighted energy."""
    rng = np.random.default_rng(5)
    x = np.round(rng.standard_normal(44100 * 2) * 4000).clip(-32768, 32767).astype("<i2")
    whole = meter.measure(meter.ArraySource(x), 44100, true_peak=False)
    peaks = meter.measure(meter.ArraySource(x), 44100, true_peak=False, loudness=False)
    assert not peaks.energy.any() and whole.energy.all()
    assert np.allclose(peaks.peak, whole.peak, rtol=1e-6)
    level = float(np.median(whole.peak))
    assert peaks.refine(level) == whole.refine(level) > 0
    assert np.allclose(peaks.peak, whole.peak, rtol=1e-5)
