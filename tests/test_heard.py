"""audio/heard.py: the decoded MP3's true peak, worked out where it could come near the ceiling,
decoding only the frames around those places."""

import numpy as np
import pytest

from hijra_audio.audio import heard, master, meter, mp3info
from tests.measure import speechlike
from tests.test_audio import RATE


@pytest.fixture(scope="module")
def mp3_and_pcm():
    pcm = speechlike(12, -2, seed=4, clicks=True)
    return master._lame([pcm], RATE, 64, info=True, samples=pcm.size), pcm


@pytest.mark.parametrize("kbps, channels", [(64, 1), (32, 1), (128, 1), (64, 2)])
def test_frames_decoded_alone_are_the_samples_of_the_whole_file(kbps, channels):
    """From a few frames in (the bit reservoir's, and the filter banks'), a decoder started
    anywhere gives the very samples the whole file's decoding gives, at the same places."""
    pcm = speechlike(8, -6, seed=5, clicks=True)
    mp3 = bytes(master._lame([pcm], RATE, kbps, info=True, samples=pcm.size, channels=channels))
    whole = heard.decode(mp3, RATE)
    frames = mp3info.frame_offsets(mp3)[1:]
    rng = np.random.default_rng(kbps + channels)
    starts = np.sort(rng.integers(0, pcm.size - 3000, 40))
    spans = [(int(s), int(s) + int(rng.integers(64, 3000))) for s in starts]
    spans = [(0, 500)] + spans + [(pcm.size - 700, pcm.size)]              # the file's two ends too
    windows = heard._windows(spans, frames, channels == 1)
    assert sum(f1 - f0 for f0, f1, _skip in windows) < len(frames)       # not the whole file
    decoded = heard._Decoded(pcm.size)
    for f0, f1, skip in windows:
        start, samples = heard._decode_frames(mp3, frames, f0, f1, skip, RATE, pcm.size)
        assert samples.size and np.array_equal(samples, whole[start:start + samples.size]), (f0, f1)
        decoded.add(start, samples)
    for lo, hi in spans:                                 # every sample asked for is there
        assert np.array_equal(decoded.read(lo, hi), whole[lo:hi])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_check_is_the_whole_files_true_peak_where_it_is_asked(mp3_and_pcm, seed):
    mp3, pcm = mp3_and_pcm
    whole = heard.measure(mp3, RATE)                    # decoded whole, every chunk oversampled
    chunks = np.zeros(whole.peak.size, dtype=bool)
    rng = np.random.default_rng(seed)
    for at in rng.integers(0, chunks.size, 30):
        chunks[at:at + rng.integers(1, 40)] = True
    chunks[:2] = chunks[-2:] = seed == 1
    found = heard.true_peak_of(mp3, RATE, pcm.size, chunks)
    assert found == pytest.approx(20 * np.log10(whole.peak[chunks].max()), abs=1e-4)
    assert heard.true_peak_of(mp3, RATE, pcm.size, np.zeros_like(chunks)) == float("-inf")


def test_samples_past_the_stream_read_as_silence_not_misplaced(mp3_and_pcm):
    mp3, pcm = mp3_and_pcm
    chunks = np.ones(-(-(pcm.size + 5000) // meter.chunk_size(RATE)), dtype=bool)
    found = heard.true_peak_of(mp3, RATE, pcm.size + 5000, chunks)
    assert found == pytest.approx(heard.measure(mp3, RATE).true_peak_db(), abs=1e-4)


def test_near_marks_what_could_reach_the_level_and_bounds_the_rest(mp3_and_pcm):
    """A worked-out true peak within VERIFY_RANGE_DB of the level is checked; a bound only when it
    passes the level itself; the figure for the rest bounds the whole file's true peak there."""
    mp3, pcm = mp3_and_pcm
    measured = meter.measure(meter.ArraySource(pcm), RATE, true_peak=False, overshoot=master.SOURCE_OVERSHOOT)
    measured.refine(10 ** (-4 / 20))
    marked = heard.near(measured, 0.0, None, -1.0)
    into = heard.into_encoder(measured, 0.0, None)
    assert (marked[measured.exact] == (into[measured.exact] > 10 ** (-4 / 20))).all()
    assert (marked[~measured.exact] == (into[~measured.exact] > 10 ** (-1 / 20))).all()
    elsewhere = heard.bound_elsewhere_db(measured, 0.0, None, marked)
    whole = heard.measure(mp3, RATE)
    assert 20 * np.log10(whole.peak[~marked].max()) <= elsewhere
