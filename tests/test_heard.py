"""audio/heard.py: the decoded MP3's true peak, checked as it streams out of the decoder."""

import numpy as np
import pytest

from hijra_audio.audio import heard, master, meter
from tests.test_audio import RATE, _speechlike


@pytest.fixture(scope="module")
def mp3_and_pcm():
    pcm = _speechlike(12, -2, seed=4, clicks=True)
    return master._lame([pcm], RATE, 64, info=True, samples=pcm.size), pcm


def _whole_file_check(mp3, level_dbtp, check):
    """What the check was before it streamed: the whole decoded file bounded (its samples), then
    refined where the bound or `check` says."""
    decoded = meter.ArraySource(heard.decode(mp3, RATE))
    bounded = meter.measure(decoded, RATE, true_peak=False, overshoot=10 ** (heard.VERIFY_RANGE_DB / 20),
                            loudness=False)
    bounded.refine(10 ** (level_dbtp / 20), check)
    return bounded


@pytest.mark.parametrize("frames", [300, 4099, 1 << 18])
@pytest.mark.parametrize("level_dbtp", [-60.0, -6.0, -1.0, 6.0])
def test_the_streamed_check_is_the_whole_files(monkeypatch, mp3_and_pcm, frames, level_dbtp):
    """Streamed in blocks of any size (the decoder's), the figure is the one the whole decoded file
    gives: its exact true peak wherever that is near the level, a bound at least as large elsewhere."""
    mp3, pcm = mp3_and_pcm
    monkeypatch.setattr(heard, "STREAM_FRAMES", frames)
    chunks = -(-pcm.size // meter.chunk_size(RATE))
    check = np.zeros(chunks, dtype=bool)
    check[chunks // 3:chunks // 3 + 40] = True         # chunks the encoder's input marks as near
    streamed = heard.true_peak_db(mp3, RATE, pcm.size, level_dbtp, check)
    whole = _whole_file_check(mp3, level_dbtp, check)
    assert streamed == pytest.approx(whole.true_peak_db(), abs=1e-4)
    exact = heard.measure(mp3, RATE).true_peak_db()
    assert streamed >= exact - 1e-4
    if level_dbtp <= exact - heard.VERIFY_RANGE_DB:      # everything near: worked out everywhere
        assert streamed == pytest.approx(exact, abs=1e-4)


def test_a_stream_shorter_than_the_samples_is_padded_not_misread(monkeypatch, mp3_and_pcm):
    mp3, pcm = mp3_and_pcm
    streamed = heard.true_peak_db(mp3, RATE, pcm.size + 5000, -60.0)
    assert streamed == pytest.approx(heard.measure(mp3, RATE).true_peak_db(), abs=1e-4)
