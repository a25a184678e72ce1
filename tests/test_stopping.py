"""SIGTERM and SIGHUP stop a build as Ctrl-C does: the workers stop with it (no process is left,
no semaphore leaks), finished work is kept, the manifest and feed match the files, the exit code
is 128 + the signal, and the next build finishes the work without speaking a clip again."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hijra_audio.rebuild.cache import ClipCache, clip_key
from tests.fakes import FakeEngine, cache_location
from tests.measure import check_consistent
from tests.test_regeneration import _lines, _wait_for

REPO = Path(__file__).resolve().parent.parent


def _session(sid: int) -> list[str]:
    """The processes of session `sid` still alive, but its leader (the build, which has been
    waited for): its workers keep the session when orphaned."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue                                   # gone while we looked
        fields = text[text.rindex(")") + 2:].split()   # after "pid (command)"
        if fields[0] not in "ZX" and int(fields[3]) == sid and int(stat.parent.name) != sid:
            try:
                command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                command = text[:text.rindex(")") + 1]
            found.append(f"{stat.parent.name} (state {fields[0]}, parent {fields[1]}): {command}")
    return found


def _start(args, log: Path, delay: float, cwd: Path, **popen) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-m", "tests.run_cli", str(log), str(delay), *args], cwd=cwd,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, **popen)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").is_file(), reason="reads /proc to find the workers")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_stops_the_build_and_its_workers_and_the_next_build_resumes(tmp_path, signum):
    out, first_log, second_log = tmp_path / "output", tmp_path / "first.log", tmp_path / "second.log"
    process = _start(["build", "-j", "2"], first_log, 0.1, tmp_path)
    # past the first episode, with workers busy on the next ones
    _wait_for(lambda: (out / "manifest.json").is_file() and len(_lines(first_log)) >= 12
              or process.poll() is not None)
    if process.poll() is not None:
        pytest.fail(f"the build ended before the signal: {process.stderr.read()}")
    # multiprocessing's resource tracker, known by its pid while it runs (once it is exiting, its
    # command line is already gone)
    trackers = {p.split()[0] for p in _session(process.pid) if "resource_tracker" in p}
    os.kill(process.pid, signum)          # the build's process only, as `kill PID` or `timeout` does
    try:
        process.wait(timeout=60)
        # the workers were waited for by the build: none may be left; the resource tracker ends
        # by itself once the build has exited (it sees its pipe close): it may still be
        # finishing, and is given time to
        workers = [p for p in _session(process.pid) if "resource_tracker" not in p and p.split()[0] not in trackers]
        assert not workers, f"workers outlived the build: {workers}"
        _wait_for(lambda: not _session(process.pid), timeout=30)
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)   # whatever a failure left behind
        except ProcessLookupError:
            pass
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, stderr
    assert "leaked" not in stderr and "Traceback" not in stderr, stderr
    assert f"stopped by {signal.Signals(signum).name}" in stderr
    check_consistent(out)                 # the feed and manifest match the files, no .tmp left
    made = ClipCache(cache_location(out).clips).keys()
    assert made

    finish = _start(["build", "-j", "2", "-q"], second_log, 0.0, tmp_path)
    stdout, stderr = finish.communicate(timeout=120)
    assert finish.returncode == 0, stderr
    engine = FakeEngine(str(second_log))
    assert not {clip_key(engine.identity(), text) for text in _lines(second_log)} & made, \
        "a clip made before the signal was spoken again"
    assert "3 episodes" in stdout
    check_consistent(out)


@pytest.mark.slow
def test_a_hangup_ignored_by_nohup_stays_ignored(tmp_path):
    out, log = tmp_path / "output", tmp_path / "calls.log"
    process = _start(["build", "-j", "1", "-q"], log, 0.02, tmp_path,
                     preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    _wait_for(lambda: len(_lines(log)) >= 2 or process.poll() is not None)
    process.send_signal(signal.SIGHUP)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr
    check_consistent(out)
    assert len(list(out.glob("*.mp3"))) == 3


def test_stopped_is_a_keyboard_interrupt_with_the_exit_code():
    from hijra_audio.stopping import Stopped, stop_on_signals

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt) as caught:
        with stop_on_signals():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)                  # the handler raises at once; this is never waited out
    assert isinstance(caught.value, Stopped) and caught.value.exit_code == 143
    assert signal.getsignal(signal.SIGTERM) is before
