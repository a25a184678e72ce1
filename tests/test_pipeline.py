"""The pipeline with a fast fake engine: planning, timing, keeping, reporting."""

import json

import feedparser
import pytest

from hijra_audio.config import bundled_config_path
from hijra_audio.pipeline import BuildRequest, build
from tests.fakes import cache_location, fake_duration
from tests.measure import mp3_duration

BUNDLED = bundled_config_path()


def _build(tmp_path, fake_engine, inputs=(), **kw):
    request = BuildRequest(inputs=tuple(inputs), config_path=BUNDLED, output=tmp_path / "out", jobs=1,
                           engine_factory=fake_engine, **kw)
    return build(request)


@pytest.mark.slow
def test_episode_duration_is_the_sum_of_clips_and_pauses(tmp_path, fake_engine):
    report = _build(tmp_path, fake_engine)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert len(report.episodes) == len(manifest["episodes"])
    from hijra_audio.config import load_config

    config = load_config()
    from hijra_audio.plan import plan_files

    episodes = plan_files(config).episodes
    for episode, result in zip(episodes, report.episodes):
        expected = sum(fake_duration(s.speech) for s in episode.segments)
        expected += config.audio.sentence_pause_ms / 1000 * (len(episode.segments) - 1)
        assert result.duration == pytest.approx(expected, abs=0.01)
        assert mp3_duration(result.file) == pytest.approx(expected, abs=0.05)


@pytest.mark.slow
def test_second_build_speaks_nothing_and_rewrites_nothing(tmp_path, fake_engine, tree_snapshot):
    first = _build(tmp_path, fake_engine)
    calls = len(fake_engine.calls())
    assert calls == first.clips_synthesized > 0
    before = tree_snapshot(tmp_path / "out")
    second = _build(tmp_path, fake_engine)
    assert len(fake_engine.calls()) == calls
    assert [e.action for e in second.episodes] == ["kept"] * len(first.episodes)
    assert tree_snapshot(tmp_path / "out") == before


@pytest.mark.slow
def test_editing_one_sentence_speaks_one_segment_and_rebuilds_one_episode(tmp_path, fake_engine, lecture):
    text = lecture.read_text(encoding="utf-8")
    narration = tmp_path / "lecture.txt"
    narration.write_text(text, encoding="utf-8")
    _build(tmp_path, fake_engine, [narration])
    feed_before = feedparser.parse(str(tmp_path / "out" / "feed.xml"))
    calls = len(fake_engine.calls())
    narration.write_text(text.replace("هيأ الرواحل والزاد", "جهز الرواحل والزاد كله"), encoding="utf-8")
    second = _build(tmp_path, fake_engine, [narration])
    assert len(fake_engine.calls()) == calls + 1
    assert [e.action for e in second.episodes].count("built") == 1
    feed_after = feedparser.parse(str(tmp_path / "out" / "feed.xml"))
    before = {e.id: (e.published, e.enclosures[0].length) for e in feed_before.entries}
    after = {e.id: (e.published, e.enclosures[0].length) for e in feed_after.entries}
    assert before.keys() == after.keys()
    changed = [k for k in before if before[k] != after[k]]
    assert len(changed) == 1 and before[changed[0]][0] == after[changed[0]][0]  # pubDate kept


def test_a_folder_of_files_is_one_show_each_file_a_section(tmp_path, fake_engine):
    folder = tmp_path / "series"
    folder.mkdir()
    (folder / "02-second.txt").write_text("## الغار\nاختفيا في الغار ثلاث ليال", encoding="utf-8")
    (folder / "01-first.txt").write_text("خرج النبي من مكة ليلا مع صاحبه", encoding="utf-8")
    (folder / "notes.md").write_text("ignored", encoding="utf-8")
    from hijra_audio.config import load_config
    from hijra_audio.plan import plan_files

    episodes = plan_files(load_config(), (folder,)).episodes
    segments = [s for e in episodes for s in e.segments]
    assert segments[0].display.startswith("خرج النبي")
    assert [s.section for s in segments] == [0, 1, 1]


@pytest.mark.slow
def test_removed_episodes_leave_the_folder_and_feed(tmp_path, fake_engine, lecture):
    narration = tmp_path / "lecture.txt"
    narration.write_text(lecture.read_text(encoding="utf-8"), encoding="utf-8")
    first = _build(tmp_path, fake_engine, [narration])
    assert len(first.episodes) >= 2
    narration.write_text("خرج النبي صلى الله عليه وسلم من مكة", encoding="utf-8")
    second = _build(tmp_path, fake_engine, [narration])
    assert len(second.episodes) == 1
    mp3s = sorted(p.name for p in (tmp_path / "out").glob("*.mp3"))
    assert mp3s == ["episode-001.mp3"]
    assert len(feedparser.parse(str(tmp_path / "out" / "feed.xml")).entries) == 1


def test_narration_without_a_config_gets_defaults_titled_after_the_file(tmp_path, fake_engine):
    from hijra_audio.show import load_show

    narration = tmp_path / "سيرة-قصيرة.txt"
    narration.write_text("خرج النبي من مكة", encoding="utf-8")
    config = load_show(inputs=(narration,))
    assert config.title == "سيرة-قصيرة" and config.episode_minutes == 10.0
    assert load_show().title == load_show(BUNDLED).title


@pytest.mark.slow
def test_repeated_headings_rebuild_nothing_the_second_time(tmp_path, fake_engine, lecture):
    body = " ".join(lecture.read_text(encoding="utf-8").split()[:240])
    narration = tmp_path / "book.txt"
    narration.write_text("\n".join(f"## {h}\n{body}" for h in ["باب", "تفسير الغريب", "باب آخر", "تفسير الغريب"]),
                         encoding="utf-8")
    config = tmp_path / "podcast.toml"
    config.write_text('title = "كتاب"\nepisode_minutes = 1.5\n', encoding="utf-8")
    request = BuildRequest(inputs=(narration,), config_path=config, output=tmp_path / "out", jobs=1,
                           engine_factory=fake_engine)
    first = build(request)
    assert len(first.episodes) == 4
    second = build(request)
    assert [e.action for e in second.episodes] == ["kept"] * 4
    guids = [e.id for e in feedparser.parse(str(tmp_path / "out" / "feed.xml")).entries]
    assert len(set(guids)) == 4


@pytest.mark.slow
def test_a_large_narration_is_planned_apart_with_the_same_plan_warnings_and_errors(tmp_path, monkeypatch):
    """Past PLAN_APART_BYTES the plan is made in a process of its own (its memory is given back
    when it ends): the plan, the lexicon's warnings and the errors are the same as in place."""
    from hijra_audio import plan as planning
    from hijra_audio.config import load_config
    from hijra_audio.errors import InputError

    config = load_config()
    in_place = planning.plan_files(config)
    monkeypatch.setattr(planning, "PLAN_APART_BYTES", 0)
    apart, _store = planning.plan_cached(config, (), tmp_path / "out")
    assert apart == in_place
    lexicon = tmp_path / "extra.lexicon"
    lexicon.write_text("كلمة_لا_ترد = كلمة\n", encoding="utf-8")
    warned, _store = planning.plan_cached(_with_lexicon(config, lexicon), (), tmp_path / "out2")
    assert any("never matched" in warning for warning in warned.warnings)
    broken = tmp_path / "broken.txt"
    broken.write_bytes("قال\n".encode() + b"\xff\xfe\n")
    with pytest.raises(InputError, match="broken.txt"):
        planning.plan_cached(config, (broken,), tmp_path / "out3")


def _with_lexicon(config, path):
    import dataclasses

    return dataclasses.replace(config, lexicon=str(path))


def _no_workers_left(seconds: float = 10.0) -> bool:
    """No worker process of this one is left (a stopped one may take a moment to be reaped)."""
    import multiprocessing
    import time

    deadline = time.monotonic() + seconds
    while multiprocessing.active_children():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _planning_watched(monkeypatch) -> list[int]:
    """Patches planning in this process to note, each time a narration is planned, how many
    worker processes are already running."""
    import multiprocessing

    from hijra_audio import plan as planning

    seen: list[int] = []
    real = planning.plan_files

    def watched(*args, **kwargs):
        seen.append(len(multiprocessing.active_children()))
        return real(*args, **kwargs)

    monkeypatch.setattr(planning, "plan_files", watched)
    return seen


@pytest.mark.slow
def test_workers_start_while_a_changed_narration_is_planned(tmp_path, fake_engine, lecture, monkeypatch):
    """A narration that must be planned has new segments to speak: the workers start (and load
    their engine) before planning, not after it. An unchanged one is not planned again, and a
    build with nothing to do leaves no worker running."""
    seen = _planning_watched(monkeypatch)
    talk = tmp_path / "talk.txt"
    talk.write_text(lecture.read_text(encoding="utf-8"), encoding="utf-8")
    request = BuildRequest(inputs=(talk,), output=tmp_path / "out", engine_factory=fake_engine, jobs=2)
    first = build(request)
    assert seen and seen[0] >= 1
    assert first.clips_synthesized > 0
    assert _no_workers_left()
    build(request)
    assert len(seen) == 1                     # the plan came from its cache: nothing started early


@pytest.mark.slow
def test_workers_started_for_nothing_are_stopped(tmp_path, fake_engine, lecture, monkeypatch):
    """Planned again (its cache deleted) but every episode up to date: the early workers are
    stopped unused, and nothing is spoken."""
    import shutil

    seen = _planning_watched(monkeypatch)
    talk = tmp_path / "talk.txt"
    talk.write_text(lecture.read_text(encoding="utf-8"), encoding="utf-8")
    request = BuildRequest(inputs=(talk,), output=tmp_path / "out", engine_factory=fake_engine, jobs=2)
    build(request)
    calls = len(fake_engine.calls())
    shutil.rmtree(cache_location(tmp_path / "out").plan)
    again = build(request)
    assert len(seen) == 2 and seen[1] >= 1
    assert again.clips_synthesized == 0 and len(fake_engine.calls()) == calls
    assert _no_workers_left()


@pytest.mark.slow
def test_a_narration_that_fails_planning_stops_the_early_workers(tmp_path, fake_engine):
    from hijra_audio.errors import InputError

    latin = tmp_path / "notes.txt"
    latin.write_text("This is an English text, with one Arabic word: قال.\n", encoding="utf-8")
    with pytest.raises(InputError, match="Arabic"):
        build(BuildRequest(inputs=(latin,), output=tmp_path / "out", engine_factory=fake_engine, jobs=2))
    assert _no_workers_left()
    assert not (tmp_path / "out").exists()
