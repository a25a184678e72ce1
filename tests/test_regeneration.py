"""Batch regeneration: builds killed part-way resume without redoing finished work, the output
folder is locked, corrupt clips are rebuilt, and --dry-run / --force / --only do what they say."""

import functools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest

from hijra_audio.config import bundled_config_path
from hijra_audio.pipeline import BuildRequest, build, prepare
from hijra_audio.rebuild.cache import ClipCache, clip_key
from hijra_audio.show import ShowRequest, resolve
from tests.fakes import FakeEngine, cache_location
from tests.measure import check_consistent

BUNDLED = bundled_config_path()
REPO = Path(__file__).resolve().parent.parent


def _start(out: Path, log: Path, delay: float, jobs: int = 2, files=()) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.run_build", str(out), str(log), str(delay), str(jobs),
                             *map(str, files)], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def _wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    raise AssertionError("timed out waiting")


@pytest.mark.slow
@pytest.mark.parametrize("kill_after_calls", [1, 8, 20, "rendering"])
def test_killed_build_resumes_without_speaking_any_finished_clip_again(tmp_path, kill_after_calls):
    out, first_log, second_log = tmp_path / "out", tmp_path / "first.log", tmp_path / "second.log"
    process = _start(out, first_log, delay=0.03)
    if kill_after_calls == "rendering":
        # all clips spoken, episodes being rendered
        _wait_for(lambda: len(_lines(first_log)) >= 25 or process.poll() is not None)
    else:
        _wait_for(lambda: len(_lines(first_log)) >= kill_after_calls)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    made = ClipCache(cache_location(out).clips).keys()

    finish = _start(out, second_log, delay=0.0)
    assert finish.wait(timeout=120) == 0, finish.stderr.read()
    engine = FakeEngine(str(second_log))
    again = {clip_key(engine.identity(), text) for text in _lines(second_log)}
    assert not again & made, "a clip that was already in the cache was spoken again"
    check_consistent(out)


@pytest.mark.slow
def test_a_second_build_on_the_same_folder_stops_at_once_with_the_lock_message(tmp_path):
    out, log = tmp_path / "out", tmp_path / "calls.log"
    first = _start(out, log, delay=0.2, jobs=1)
    try:
        _wait_for(lambda: len(_lines(log)) >= 1)
        started = time.monotonic()
        second = _start(out, tmp_path / "second.log", delay=0.0)
        assert second.wait(timeout=30) == 1
        assert time.monotonic() - started < 20
        assert "another hijra-audio build is writing this folder" in second.stderr.read()
        assert not _lines(tmp_path / "second.log")
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()


@pytest.mark.slow
def test_a_corrupt_clip_is_dropped_and_spoken_again(tmp_path, fake_engine):
    out = tmp_path / "out"
    build(BuildRequest(output=out, jobs=1, engine_factory=fake_engine))
    cache = ClipCache(cache_location(out).clips)
    victim = sorted(cache.keys())[0]
    path = cache.path(victim)
    path.write_bytes(path.read_bytes()[:-100])        # truncated, as a crash or a bad disk leaves it
    calls = len(fake_engine.calls())
    report = build(BuildRequest(output=out, jobs=1, engine_factory=fake_engine, force=True))
    assert report.clips_synthesized == 1
    assert len(fake_engine.calls()) == calls + 1
    assert cache.get(victim) is not None
    check_consistent(out)


@pytest.mark.slow
def test_dry_run_force_and_only(tmp_path, fake_engine, lecture):
    out = tmp_path / "out"
    narration = tmp_path / "lecture.txt"
    narration.write_text(lecture.read_text(encoding="utf-8"), encoding="utf-8")
    request = BuildRequest(inputs=(narration,), config_path=BUNDLED, output=out, jobs=1, engine_factory=fake_engine)
    decisions = prepare(request).decisions
    assert {(d.action, d.reason) for d in decisions} == {("build", "new")}
    assert not out.exists(), "a dry run wrote something"
    build(request)
    narration.write_text(lecture.read_text(encoding="utf-8").replace("هيأ الرواحل", "جهز الرواحل"),
                         encoding="utf-8")
    decisions = prepare(request).decisions
    assert [d.reason for d in decisions] == ["text changed", "unchanged", "unchanged"]
    assert [d.action for d in decisions] == ["build", "keep", "keep"]
    (out / decisions[-1].file).unlink()
    decisions = prepare(request).decisions
    assert decisions[-1].reason == "file missing"
    forced = BuildRequest(inputs=(narration,), config_path=BUNDLED, output=out, jobs=1, engine_factory=fake_engine, force=True)
    decisions = prepare(forced).decisions
    assert all(d.action == "build" for d in decisions)
    assert not (out / decisions[-1].file).exists(), "a dry run wrote something"
    # --only builds one episode: the others stay as they were; one without its file stays out of the feed
    only = BuildRequest(inputs=(narration,), config_path=BUNDLED, output=out, jobs=1, engine_factory=fake_engine, only="episode-001")
    report = build(only)
    assert [e.action for e in report.episodes] == ["built", "kept"]
    titles = [e.title for e in feedparser.parse(str(out / "feed.xml")).entries]
    assert titles == [e.title for e in report.episodes]
    assert [d.reason for d in prepare(request).decisions] == ["unchanged", "unchanged", "file missing"]
    engine_changed = BuildRequest(inputs=(narration,), config_path=BUNDLED, output=out, jobs=1,
                                  engine_factory=lambda: FakeEngine(str(tmp_path / "x.log"), name="other"))
    decisions = prepare(engine_changed).decisions
    assert decisions[1].reason == "engine changed"


def test_only_names_a_missing_episode_clearly(tmp_path, fake_engine):
    from hijra_audio.errors import InputError

    with pytest.raises(InputError, match="--only 9: no such episode"):
        prepare(BuildRequest(output=tmp_path, engine_factory=fake_engine, only="9"))


@pytest.mark.slow
def test_cache_prune_keeps_what_the_episodes_use(tmp_path, fake_engine, lecture):
    from hijra_audio.caches import cache_info, cache_prune

    out = tmp_path / "out"
    narration = tmp_path / "lecture.txt"
    narration.write_text(lecture.read_text(encoding="utf-8"), encoding="utf-8")
    build(BuildRequest(inputs=(narration,), config_path=BUNDLED, output=out, jobs=1, engine_factory=fake_engine))
    narration.write_text(lecture.read_text(encoding="utf-8").replace("هيأ الرواحل", "جهز الرواحل"),
                         encoding="utf-8")
    build(BuildRequest(inputs=(narration,), config_path=BUNDLED, output=out, jobs=1, engine_factory=fake_engine))
    show = resolve(ShowRequest(config_path=BUNDLED, output=out))
    before = cache_info(show)
    assert before.entries == before.used + 1
    pruned = cache_prune(show)
    assert pruned.removed == 1 and pruned.entries == before.used
    calls = len(fake_engine.calls())
    build(BuildRequest(inputs=(narration,), config_path=BUNDLED, output=out, jobs=1, engine_factory=fake_engine, force=True))
    assert len(fake_engine.calls()) == calls, "prune removed a clip an episode uses"


@pytest.mark.slow
def test_an_engine_failure_keeps_finished_episodes_and_a_matching_feed(tmp_path, lecture):
    from hijra_audio.errors import EngineError

    out = tmp_path / "out"
    narration = tmp_path / "lecture.txt"
    text = lecture.read_text(encoding="utf-8")
    narration.write_text(text, encoding="utf-8")
    log = str(tmp_path / "calls.log")
    request = dict(inputs=(narration,), config_path=BUNDLED, output=out, jobs=1)
    build(BuildRequest(**request, engine_factory=functools.partial(FakeEngine, log)))
    # edit the first episode (builds fine) and the last one (the engine fails on it)
    edited = text.replace("هيأ الرواحل والزاد", "جهز الرواحل والزاد كله").replace(
        "الى ان وصلوا الى المدينة", "الى ان وصلوا الى المدينة المنورة عطل")
    narration.write_text(edited, encoding="utf-8")
    with pytest.raises(EngineError, match="fake engine failed"):
        build(BuildRequest(**request, engine_factory=functools.partial(FakeEngine, log, fail_on="عطل")))
    check_consistent(out)
    reasons = [d.reason for d in prepare(BuildRequest(**request, engine_factory=lambda: FakeEngine(log))).decisions]
    assert reasons == ["unchanged", "unchanged", "text changed"]


@pytest.mark.slow
def test_an_unchanged_show_is_not_planned_again_and_any_change_plans_again(tmp_path, fake_engine, lecture,
                                                                          monkeypatch):
    from hijra_audio import plan as planning

    out = tmp_path / "out"
    narration = tmp_path / "lecture.txt"
    narration.write_text(lecture.read_text(encoding="utf-8"), encoding="utf-8")
    request = BuildRequest(inputs=(narration,), config_path=BUNDLED, output=out, jobs=1, engine_factory=fake_engine)
    first = build(request)
    planned = []
    real_plan = planning.plan_files
    monkeypatch.setattr(planning, "plan_files", lambda *a, **k: planned.append(1) or real_plan(*a, **k))
    second = build(request)
    assert planned == [] and [e.action for e in second.episodes] == ["kept"] * len(first.episodes)
    narration.write_text(lecture.read_text(encoding="utf-8").replace("هيأ الرواحل", "جهز الرواحل"),
                         encoding="utf-8")
    third = build(request)
    assert planned == [1] and [e.action for e in third.episodes].count("built") == 1
    # a dry run reads the plan cache but never writes it
    narration.write_text(lecture.read_text(encoding="utf-8"), encoding="utf-8")
    prepare(request)
    assert planned == [1, 1]
    prepare(request)
    assert planned == [1, 1, 1]
