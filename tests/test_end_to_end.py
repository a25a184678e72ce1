"""The bundled lecture through the real offline engine, checked as a listener's apps would."""

from pathlib import Path

import feedparser
import podcastparser
import pytest

from hijra_audio.audio import render
from hijra_audio.config import load_config
from hijra_audio.engines import create_engine
from hijra_audio.engines.base import resample
from hijra_audio.pipeline import BuildRequest, build
from hijra_audio.plan import plan_files
from hijra_audio.rebuild.cache import ClipCache, clip_key
from hijra_audio.rebuild.decide import pauses_for as _pauses
from tests.fakes import cache_location
from tests.measure import decode, mp3_duration

pytestmark = pytest.mark.slow   # builds real audio


pytestmark = pytest.mark.slow     # the real offline engine


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundled") / "output"
    report = build(BuildRequest(output=out, jobs=2))
    return out, report


def test_every_mp3_is_44k_mono_and_as_long_as_its_clips_and_pauses(built):
    out, report = built
    config = load_config()
    episodes = plan_files(config).episodes
    identity = create_engine(config.engine).identity()
    cache = ClipCache(cache_location(out).clips)
    assert len(report.episodes) == len(episodes) and 2 <= len(episodes) <= 4
    for episode, result in zip(episodes, report.episodes):
        samples, rate, channels = decode(result.file)
        assert (rate, channels) == (44100, 1)
        clips = [cache.get(clip_key(identity, s.speech)) for s in episode.segments]
        # each clip trimmed of its leading and trailing silence, then its pause in front
        expected = sum(render.trim(resample(c.array(), c.sample_rate, 44100), 44100, config.audio.trim_silence_db).size
                       for c in clips) / 44100
        expected += sum(_pauses(config, episode)) / 1000
        assert mp3_duration(result.file) == pytest.approx(expected, abs=0.05)
        # speech, not silence: most 100 ms windows carry energy
        assert abs(samples).mean() > 300


def test_feed_parses_in_real_podcast_parsers(built):
    out, report = built
    feed_path = out / "feed.xml"
    with feed_path.open("rb") as handle:
        parsed = podcastparser.parse("http://127.0.0.1:8000/feed.xml", handle)
    files = sorted(out.glob("*.mp3"))
    assert len(parsed["episodes"]) == len(files) == len(report.episodes)
    config = load_config()
    by_url = {}
    for episode in parsed["episodes"]:
        (enclosure,) = episode["enclosures"]
        by_url[enclosure["url"]] = (enclosure, episode)
        assert enclosure["mime_type"] == "audio/mpeg"
    for path in files:
        enclosure, episode = by_url[config.base_url + path.name]
        assert enclosure["file_size"] == path.stat().st_size
        assert episode["total_time"] == round(mp3_duration(path))
    assert len({e["guid"] for e in parsed["episodes"]}) == len(files)

    fp = feedparser.parse(str(feed_path))
    assert not fp.bozo, fp.get("bozo_exception")
    assert fp.feed.language == "ar" and fp.feed.title == config.title
    assert len(fp.entries) == len(files)
    for entry in fp.entries:
        path = out / Path(entry.enclosures[0].href).name
        assert int(entry.enclosures[0].length) == path.stat().st_size
        assert entry.itunes_duration.isdigit()


def test_the_report_counts_what_was_spoken(built):
    _out, report = built
    assert report.clips_synthesized == sum(len(e.segments) for e in plan_files(load_config()).episodes)
    assert report.duration > 60


def test_real_speech_is_mastered_to_the_target_loudness_under_the_peak_ceiling(built):
    import numpy as np
    import pyloudnorm
    from mutagen.mp3 import MP3
    from scipy.signal import resample_poly

    out, report = built
    config = load_config()
    for result in report.episodes:
        samples, rate, _ = decode(result.file)
        x = samples / 32768
        assert abs(pyloudnorm.Meter(rate).integrated_loudness(x) - config.audio.loudness_lufs) <= 1.0
        true_peak = 20 * np.log10(np.abs(resample_poly(x, 4, 1)).max())
        assert true_peak <= config.audio.true_peak_dbtp
        assert MP3(str(result.file)).info.length == pytest.approx(samples.size / rate, abs=0.002)
        assert result.duration == pytest.approx(samples.size / rate, abs=0.002)
        assert (out / f"{result.file.stem}.vtt").is_file() and (out / f"{result.file.stem}.chapters.json").is_file()
