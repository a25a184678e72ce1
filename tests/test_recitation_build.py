"""Builds that recite the Quran from a (fake) reciter's recordings: the episodes are decoded and
checked for where and how long each recording plays, its loudness against the voice's, the captions
and chapters around it, the credit in the feed, and what a rebuild redoes."""

import json

import feedparser
import numpy as np
import pyloudnorm
import pytest

from hijra_audio.config import bundled_config_path
from hijra_audio.errors import RecitationError
from hijra_audio.pipeline import BuildRequest, build
from hijra_audio.publish.transcript import webvtt_texts
from tests.fake_reciter import FakeReciter, recited_stretches, verse_words, words_heard
from tests.measure import decode

CREDIT = "التلاوة: قارئ الاختبار (بإذنه)"


def _build(tmp_path, fake_engine, reciter, **kw):
    recitation = {"recitation": str(reciter.folder), "recitation_credit": CREDIT,
                  "recitation_timing": str(tmp_path / "timings.json")} if reciter else None
    return build(BuildRequest(config_path=bundled_config_path(), output=tmp_path / "out", jobs=1,
                              engine_factory=fake_engine, recitation=recitation, **kw))


def _cues(path):
    """(start, end, text) of each WebVTT cue."""
    cues = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        lines = block.splitlines()
        at = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if at is not None:
            start, end = (_seconds(t.split()[0]) for t in lines[at].split("-->"))
            cues.append((start, end, " ".join(lines[at + 1:])))
    return cues


def _seconds(stamp: str) -> float:
    h, m, s = stamp.strip().split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def _loudness(samples, rate, spans):
    meter = pyloudnorm.Meter(rate)
    return meter.integrated_loudness(np.concatenate([samples[int(a * rate):int(b * rate)] for a, b in spans])
                                     .astype(np.float64) / 32768)


@pytest.mark.slow
def test_the_recordings_play_where_the_quotations_stand_for_as_long_as_their_cuts(tmp_path, fake_engine, reciter):
    report = _build(tmp_path, fake_engine, reciter)
    out = tmp_path / "out"
    first, third = out / "episode-001.mp3", out / "episode-003.mp3"
    samples, rate, _ = decode(first)
    [whole] = recited_stretches(samples, rate)
    words = verse_words((8, 30))
    assert words_heard(samples[int(whole[0] * rate):int(whole[1] * rate)], rate) == list(range(words))
    # the whole verse: its words and the reciter's gaps and pauses, the file's silent edges trimmed
    assert whole[1] - whole[0] == pytest.approx((words * 200 + (words - 1) * 40 + (words - 1) // 4 * 360) / 1000,
                                                abs=0.08)
    samples, rate, _ = decode(third)
    stretches = recited_stretches(samples, rate)
    assert len(stretches) == 2          # 9:40 in two quotations, the voice between them
    heard = [words_heard(samples[int(a * rate):int(b * rate)], rate) for a, b in stretches]
    # the first quotes words 0-17, cut at the pause after the 20th; the second from the 19th word,
    # cut at the pause before the 17th, to the verse's end
    assert heard == [list(range(0, 20)), list(range(16, verse_words((9, 40))))]
    # the captions show the verse's text with its reference while it plays, and only then
    cues = _cues(out / "episode-003.vtt")
    for start, end in stretches:
        during = [c for c in cues if start - 0.3 < (c[0] + c[1]) / 2 < end + 0.3]
        text = " ".join(c[2] for c in during)
        assert text.startswith("﴿") and text.rstrip(".،:").endswith("[9:40]"), during
        assert during[0][0] == pytest.approx(start, abs=0.1) and during[-1][1] == pytest.approx(end, abs=0.1)
    # the voice between them (`يعني أبا بكر رضي الله عنه:`), a sentence's pause either side
    [between] = [c for c in cues if stretches[0][1] < c[0] and c[1] < stretches[1][0]]
    assert between[2].startswith("يعني أبا بكر")
    assert between[0] - stretches[0][1] == pytest.approx(0.45, abs=0.06)
    assert stretches[1][0] - between[1] == pytest.approx(0.45, abs=0.06)
    manifest = json.loads((out / "manifest.json").read_text())
    entry = next(e for e in manifest["episodes"].values() if e["file"] == "episode-003.mp3")
    assert samples.size / rate == pytest.approx(entry["duration"], abs=0.01)
    assert [e.action for e in report.episodes] == ["built"] * 3


@pytest.mark.slow
def test_the_recitation_is_as_loud_as_the_voice_and_the_episode_is_mastered_as_one(tmp_path, fake_engine, reciter):
    _build(tmp_path, fake_engine, reciter)
    samples, rate, _ = decode(tmp_path / "out" / "episode-003.mp3")
    stretches = recited_stretches(samples, rate)
    voice = [(0.5, stretches[0][0] - 0.5), (stretches[1][1] + 0.5, samples.size / rate - 0.5)]
    recited = _loudness(samples, rate, stretches)
    spoken = _loudness(samples, rate, voice)
    assert abs(recited - spoken) < 1.0, (recited, spoken)      # the reciter was recorded 12 dB louder
    whole = pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64) / 32768)
    assert whole == pytest.approx(-19.0, abs=0.5)


@pytest.mark.slow
def test_the_feed_and_the_show_notes_credit_the_reciter(tmp_path, fake_engine, reciter):
    _build(tmp_path, fake_engine, reciter)
    feed = feedparser.parse(str(tmp_path / "out" / "feed.xml"))
    credited = [entry.content[0].value.endswith(f"<p>{CREDIT}</p>") for entry in feed.entries]
    assert credited == [True, False, True]     # the episodes that recite: their show notes end with it
    assert not any(CREDIT in entry.description for entry in feed.entries)   # the description is their words
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert page.count(CREDIT) == 2


@pytest.mark.slow
def test_another_reciter_rebuilds_only_the_episodes_that_quote_and_speaks_nothing_again(tmp_path, fake_engine,
                                                                                          reciter):
    _build(tmp_path, fake_engine, reciter)
    spoken = len(fake_engine.calls())
    other = FakeReciter(tmp_path / "reciter", amplitude=20000, pause_every=3)
    for verse in ((8, 30), (9, 40)):
        other.add(verse)
    other.write_timings(tmp_path / "timings.json")
    report = _build(tmp_path, fake_engine, other)
    assert [(e.action, e.reason) for e in report.episodes] == [
        ("built", "recitation changed"), ("kept", "unchanged"), ("built", "recitation changed")]
    assert report.clips_synthesized == 0 and len(fake_engine.calls()) == spoken
    assert report.clips_recited == 3
    samples, rate, _ = decode(tmp_path / "out" / "episode-003.mp3")
    heard = [words_heard(samples[int(a * rate):int(b * rate)], rate) for a, b in recited_stretches(samples, rate)]
    assert heard[0] == list(range(0, 18))     # the new reciter pauses after every 3rd word


@pytest.mark.slow
def test_the_voice_again_rebuilds_those_episodes_as_they_were(tmp_path, fake_engine, reciter, tree_snapshot):
    _build(tmp_path, fake_engine, None)
    voiced = tree_snapshot(tmp_path / "out")
    _build(tmp_path, fake_engine, reciter)
    report = _build(tmp_path, fake_engine, None)
    assert [e.reason for e in report.episodes if e.action == "built"] == ["recitation changed"] * 2
    again = tree_snapshot(tmp_path / "out")
    for name in ("episode-001.mp3", "episode-003.mp3", "episode-002.mp3"):
        assert again[name][0] == voiced[name][0]


@pytest.mark.slow
def test_a_bad_recording_leaves_what_is_published_untouched(tmp_path, fake_engine, reciter, tree_snapshot):
    _build(tmp_path, fake_engine, reciter)
    before = tree_snapshot(tmp_path / "out")
    damaged = FakeReciter(tmp_path / "reciter", amplitude=20000)
    damaged.add((9, 40)).write_bytes(b"\x00" * 5000)
    with pytest.raises(RecitationError, match="009040.mp3"):
        _build(tmp_path, fake_engine, damaged)
    assert tree_snapshot(tmp_path / "out") == before


@pytest.mark.slow
def test_build_and_say_take_the_recitation_on_the_command_line(tmp_path, fake_engine, reciter, monkeypatch):
    from click.testing import CliRunner

    from hijra_audio.cli import main
    from hijra_audio.console import Given

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    given = Given(engine_factory=fake_engine)
    args = ["--recitation", str(reciter.folder), "--recitation-timing", "timings.json"]
    result = runner.invoke(main, ["build", "-q", *args], obj=given)
    assert result.exit_code == 2 or result.exit_code == 1
    assert "recitation_credit" in result.output
    result = runner.invoke(main, ["build", "-q", *args, "--recitation-credit", CREDIT], obj=given)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "output" / "episode-003.mp3").is_file()
    result = runner.invoke(main, ["say", "-q", "قال الله تعالى: لا تحزن إن الله معنا فأنزل الله سكينته عليه",
                                  "--show-text", *args, "--recitation-credit", CREDIT], obj=given)
    assert result.exit_code == 0, result.output
    assert "recited:  9:40 from 009040.mp3" in result.output
    samples, rate, _ = decode(tmp_path / "preview.mp3")
    assert words_heard(samples, rate)[:3] == [16, 17, 18]
    assert webvtt_texts is not None
