from __future__ import annotations

import functools
import os
from pathlib import Path

import pytest
from hypothesis import settings


from tests.fakes import FakeEngine

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"

# Hypothesis: every property test draws the same examples on every run (a seed made from the test
# itself), so the fast loop and CI never fail at random; a failure is a bug to fix, and the example
# that showed it becomes an @example. The deeper search that looks for new ones runs in CI too,
# time-boxed, with seeds of its own (tests/test_text_path.py, test_a_deeper_search).
# HYPOTHESIS_PROFILE=explore draws new examples each run, to look further by hand.
settings.register_profile("default", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("explore", derandomize=False, database=None, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture
def shared() -> Path:
    """The read-only shared folder beside the repository (data for tests); skip where it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not here: it holds the shared narration and data these tests read")
    return SHARED


@pytest.fixture(autouse=True)
def no_users_voices(tmp_path_factory, monkeypatch):
    """Piper voices are looked for in an empty folder of the test's own, never in the user's data
    folder (HIJRA_AUDIO_VOICES_DIR; builds in subprocesses inherit it)."""
    monkeypatch.setenv("HIJRA_AUDIO_VOICES_DIR", str(tmp_path_factory.mktemp("voices")))


@pytest.fixture
def fake_engine(tmp_path):
    """A factory for a fast fake engine whose calls are logged to a file (one line per call),
    so calls made in worker processes are counted too."""
    log = tmp_path / "engine-calls.log"

    def calls() -> list[str]:
        return log.read_text(encoding="utf-8").splitlines() if log.exists() else []

    factory = functools.partial(FakeEngine, str(log))
    factory.calls = calls
    return factory


@pytest.fixture
def reciter(tmp_path):
    """A fake reciter's recordings (EveryAyah layout) of 8:30 and 9:40, with their word timings in
    tmp_path/timings.json (tests/fake_reciter.py)."""
    from tests.fake_reciter import FakeReciter

    fake = FakeReciter(tmp_path / "reciter")
    for verse in ((8, 30), (9, 40)):
        fake.add(verse)
    fake.write_timings(tmp_path / "timings.json")
    return fake


@pytest.fixture
def lecture() -> Path:
    from importlib import resources

    return Path(str(resources.files("hijra_audio") / "data" / "hijra-lecture.txt"))


@pytest.fixture
def tree_snapshot():
    def snap(folder: Path) -> dict[str, tuple[bytes, int]]:
        return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
                for p in sorted(folder.rglob("*")) if p.is_file()}
    return snap



# The fast loop (`-m "not slow"`) starts no process: a test that starts one (a build's worker pool,
# the command line in a subprocess, a Dask cluster, a browser), itself or through a fixture it is
# the first to use, fails unless it is marked `@pytest.mark.slow`, so the mark stays true.
_STARTED: list[str] = []


def pytest_configure(config):
    import multiprocessing.process
    import subprocess

    real_start, real_child = multiprocessing.process.BaseProcess.start, subprocess.Popen._execute_child

    def start(process, *args, **kwargs):
        _STARTED.append(f"a {type(process).__name__}")
        return real_start(process, *args, **kwargs)

    def child(popen, args, *rest, **kwargs):
        _STARTED.append(" ".join(map(str, args if isinstance(args, (list, tuple)) else [args]))[:60])
        return real_child(popen, args, *rest, **kwargs)

    multiprocessing.process.BaseProcess.start = start
    subprocess.Popen._execute_child = child


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    _STARTED.clear()


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    started, _STARTED[:] = list(dict.fromkeys(_STARTED)), []
    if started and not item.get_closest_marker("slow"):
        pytest.fail(f"{item.nodeid} starts processes ({', '.join(started)}), itself or in a fixture it "
                    f"is the first to use: mark it @pytest.mark.slow (the fast loop, -m \"not slow\", "
                    f"starts none)", pytrace=False)
