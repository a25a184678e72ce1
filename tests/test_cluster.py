"""Builds on a Dask cluster: a real scheduler and two workers on 127.0.0.1, the fake engine.

The cluster is started once for the module (`dask scheduler` and `dask worker` subprocesses, the
scheduler file in a temporary folder, dashboards on 127.0.0.1:0) and stopped by PID at the end;
the test that kills the scheduler starts its own. Worker w2 runs with HIJRA_TEST_VOICE set, so a
fake engine that reads it has another identity there (the refusal test); others ignore it.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("distributed")

from hijra_audio.cli import main  # noqa: E402
from hijra_audio.config import ShowConfig  # noqa: E402
from hijra_audio.errors import ClusterError  # noqa: E402
from hijra_audio.pipeline import BuildRequest, build  # noqa: E402
from hijra_audio.rebuild import cluster, location  # noqa: E402
from hijra_audio.rebuild.cache import ClipCache, clip_key  # noqa: E402
from tests.fakes import (
    FakeEngine,  # noqa: E402
    cache_location,  # noqa: E402
)
from tests.measure import check_consistent  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DASK = Path(sys.executable).parent / "dask"
EPOCH = "1700000000"
SHARED_SENTENCE = "والله تعالى أعلم."
NARRATION = f"""## الخروج من مكة
خرج النبي صلى الله عليه وسلم من مكة ليلا مع صاحبه ابي بكر رضي الله عنه. وكانت قريش تطلبه في كل مكان. {SHARED_SENTENCE}
## الغار
اختفيا في غار ثور ثلاث ليال حتى انقطع الطلب. وكانت أسماء تأتيهما بالطعام والماء خفية.
## الطريق
ثم خرجا مع الدليل على طريق الساحل الى المدينة. ولقيا في الطريق سراقة بن مالك فساخت قوائم فرسه. {SHARED_SENTENCE}
## المدينة
وصل النبي صلى الله عليه وسلم الى قباء ثم الى المدينة فاستقبله الانصار فرحين. وبنى المسجد وآخى بين المهاجرين والانصار.
"""


@dataclass
class Cluster:
    scheduler_file: Path
    processes: list = field(default_factory=list)

    @property
    def address(self) -> str:
        return json.loads(self.scheduler_file.read_text())["address"]

    def client(self):
        from distributed import Client

        return Client(scheduler_file=str(self.scheduler_file), timeout=20, set_as_default=False)

    def stop(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)   # each was started in its own session
            process.wait()


def start_cluster(folder: Path, workers: dict[str, dict[str, str]], extra: tuple[str, ...] = ()) -> Cluster:
    """`dask scheduler` and one `dask worker` per name (with extra environment), on 127.0.0.1;
    `extra`: more options for both (TLS)."""
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(REPO))
    env.pop(location.SCHEDULER_ENV, None)
    found = Cluster(folder / "scheduler.json")
    log = open(folder / "dask.log", "ab")
    found.processes.append(subprocess.Popen(
        [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address", "127.0.0.1:0",
         "--scheduler-file", str(found.scheduler_file), *extra], env=env, cwd=folder, stdout=log, stderr=log,
        start_new_session=True))
    try:
        deadline = time.monotonic() + 60
        while not found.scheduler_file.is_file():
            if time.monotonic() > deadline or found.processes[0].poll() is not None:
                raise RuntimeError(f"the scheduler did not start: see {folder / 'dask.log'}")
            time.sleep(0.05)
        for name, environment in workers.items():
            found.processes.append(subprocess.Popen(
                [str(DASK), "worker", "--scheduler-file", str(found.scheduler_file), "--host", "127.0.0.1",
                 "--nthreads", "1", "--dashboard-address", "127.0.0.1:0", "--name", name, *extra],
                env=dict(env, **environment), cwd=folder, stdout=log, stderr=log, start_new_session=True))
        if not extra:   # (a TLS cluster is waited for by its test, with its certificates)
            client = found.client()
            client.wait_for_workers(len(workers), timeout=60)
            client.close()
    except BaseException:
        found.stop()
        raise
    return found


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    found = start_cluster(tmp_path_factory.mktemp("dask"), {"w1": {}, "w2": {"HIJRA_TEST_VOICE": "other"}})
    yield found
    found.stop()


@pytest.fixture
def show(tmp_path, monkeypatch):
    """A narration of four short episodes, two of which share a sentence; a fixed clock."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.delenv(location.SCHEDULER_ENV, raising=False)
    (tmp_path / "show").mkdir()
    (tmp_path / "show" / "narration.txt").write_text(NARRATION, encoding="utf-8")
    config = tmp_path / "show" / "podcast.toml"
    config.write_text('title = "اختبار"\nepisode_minutes = 0.2\nmax_segment_chars = 60\n'
                      'narration = ["narration.txt"]\n', encoding="utf-8")
    return config


def _request(config: Path, out: Path, log: Path, **kw) -> BuildRequest:
    return BuildRequest(config_path=config, output=out, jobs=2,
                        engine_factory=functools.partial(FakeEngine, str(log), **kw.pop("engine", {})), **kw)


def _files(folder: Path) -> dict[str, bytes]:
    """Every file of a build, by path (the lock and the plan cache aside: they are not output). The
    manifest's `cache` names the output folder's own cache folder, which differs from one output
    folder to the next by design: it is left out of the comparison, nothing else is."""
    files = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
             if p.is_file() and p.name != ".lock" and ".cache/plan" not in str(p.relative_to(folder))}
    for name in ("manifest.json", "manifest.json.bak"):    # the record, and its backup
        if name in files:
            manifest = json.loads(files[name])
            manifest.pop("cache", None)
            files[name] = json.dumps(manifest, sort_keys=True).encode()
    return files


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def _wait_for(predicate, timeout=60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


def _run_build(out: Path, log: Path, delay: float, scheduler: str | None) -> subprocess.Popen:
    """The bundled lecture built by tests.run_build in its own process (the cluster via the
    environment variable), with a fixed clock."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, PYTHONPATH=str(REPO))
    env.pop(location.SCHEDULER_ENV, None)
    if scheduler:
        env[location.SCHEDULER_ENV] = scheduler
    return subprocess.Popen([sys.executable, "-m", "tests.run_build", str(out), str(log), str(delay), "2"],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


# --- choosing the cluster, without one -----------------------------------------------------------


def test_the_options_then_the_environment_then_the_config_choose_the_scheduler(tmp_path, monkeypatch):
    monkeypatch.delenv(location.SCHEDULER_ENV, raising=False)
    plain = ShowConfig()
    assert location.target(None, None, plain) is None
    configured = ShowConfig(cluster=type(plain.cluster)(scheduler="tcp://10.0.0.9:8786"))
    assert location.target(None, None, configured).address == "tcp://10.0.0.9:8786"
    monkeypatch.setenv(location.SCHEDULER_ENV, "10.0.0.8:8786")
    assert location.target(None, None, configured).address == "tcp://10.0.0.8:8786"
    assert location.target("tls://head:8786", None, configured).address == "tls://head:8786"
    with pytest.raises(ClusterError, match="not both"):
        location.target("tcp://a:1", tmp_path / "s.json", plain)
    with pytest.raises(ClusterError, match="no such scheduler file"):
        location.target(None, tmp_path / "missing.json", plain)
    with pytest.raises(ClusterError, match="tcp://HOST:8786"):
        location.target("http://head:8786", None, plain)


def test_gtts_on_a_cluster_is_refused_with_the_reason(tmp_path, monkeypatch):
    monkeypatch.delenv(location.SCHEDULER_ENV, raising=False)
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path / "out"), "--engine", "gtts",
                                       "--scheduler", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "gtts" in result.output and "rate limit" in result.output and "per machine" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_local_build_never_imports_distributed(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != location.SCHEDULER_ENV}
    code = ("import runpy, sys; sys.argv = ['run_build', sys.argv[1], sys.argv[2], '0', '1'];"
            "runpy.run_module('tests.run_build', run_name='__main__');"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('distributed', 'dask')))")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "out"), str(tmp_path / "log")], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("[]"), done.stdout
    assert (tmp_path / "out" / "episode-001.mp3").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("nanny_setting, changed", [("65536", "True"), (None, "False")])
def test_undo_malloc_trim_acts_only_under_the_nannys_setting(nanny_setting, changed):
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}
    if nanny_setting:
        env["MALLOC_TRIM_THRESHOLD_"] = nanny_setting
    done = subprocess.run([sys.executable, "-c", "from hijra_audio.rebuild.cluster_worker import undo_malloc_trim;"
                           "print(undo_malloc_trim())"], env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == changed, done.stderr


# --- on the cluster -----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_cluster_build_gives_the_files_of_a_local_build(dask_cluster, show, tmp_path):
    local, warm, cold = tmp_path / "local", tmp_path / "warm", tmp_path / "cold"
    build(_request(show, local, tmp_path / "local.log"))
    shutil.copytree(local, warm)
    report = build(_request(show, warm, tmp_path / "warm.log", force=True,
                            scheduler_file=dask_cluster.scheduler_file))
    assert [e.action for e in report.episodes] == ["built"] * 4
    assert _lines(tmp_path / "warm.log") == [], "a cached clip was spoken again"
    assert _files(warm) == _files(local)

    build(_request(show, cold, tmp_path / "cold.log", scheduler=dask_cluster.address))
    assert _files(cold) == _files(local)
    spoken = _lines(tmp_path / "cold.log")
    assert spoken.count(SHARED_SENTENCE) == 1, "a clip two episodes use was spoken twice"
    assert len(spoken) == len(set(spoken)) == len(_lines(tmp_path / "local.log"))


@pytest.mark.slow
def test_a_cluster_build_makes_the_audiobook_of_a_local_build(dask_cluster, show, tmp_path):
    """The workers send each episode's AAC back with its files; the client keeps it in its cache
    and joins the same book a local build does, byte for byte."""
    local, remote = tmp_path / "local", tmp_path / "remote"
    build(_request(show, local, tmp_path / "local.log", audiobook=True))
    report = build(_request(show, remote, tmp_path / "remote.log", audiobook=True,
                            scheduler_file=dask_cluster.scheduler_file))
    assert [b.path.name for b in report.audiobook] == ["اختبار.m4b"] and report.audiobook[0].episodes == 4
    assert _files(remote) == _files(local)


@pytest.mark.slow
def test_one_sentence_edited_speaks_one_clip_and_rebuilds_one_episode(dask_cluster, show, tmp_path,
                                                                       tree_snapshot):
    out, log = tmp_path / "out", tmp_path / "engine.log"
    build(_request(show, out, log, scheduler_file=dask_cluster.scheduler_file))
    before = {name: data for name, data in tree_snapshot(out).items() if name.endswith(".mp3")}
    calls = len(_lines(log))
    narration = show.parent / "narration.txt"
    narration.write_text(NARRATION.replace("ثلاث ليال", "ثلاث ليال كاملة"), encoding="utf-8")
    report = build(_request(show, out, log, scheduler_file=dask_cluster.scheduler_file))
    assert len(_lines(log)) == calls + 1
    assert [e.action for e in report.episodes] == ["kept", "built", "kept", "kept"]
    after = {name: data for name, data in tree_snapshot(out).items() if name.endswith(".mp3")}
    changed = [name for name in before if before[name] != after[name]]
    assert changed == ["episode-002.mp3"]   # bytes and mtime of the others unchanged


@pytest.mark.slow
def test_a_worker_whose_engine_differs_is_refused_before_any_task(dask_cluster, show, tmp_path):
    out, log = tmp_path / "out", tmp_path / "engine.log"
    request = _request(show, out, log, scheduler_file=dask_cluster.scheduler_file,
                       engine={"identity_env": "HIJRA_TEST_VOICE"})
    with pytest.raises(ClusterError) as refused:
        build(request)
    message = str(refused.value)
    assert "1 of 2 workers" in message and "(w2)" in message and "(w1)" not in message
    assert "engine voice other (here: )" in message and "same hijra-audio version" in message
    assert _lines(log) == [] and not list(out.glob("*.mp3"))
    status = cluster.describe(location.Target(scheduler_file=str(dask_cluster.scheduler_file)),
                              request.engine_factory, request.engine_factory().identity())
    assert {w.name: bool(w.problem) for w in status.workers} == {"w1": False, "w2": True}
    assert status.threads == 2


@pytest.mark.slow
def test_dry_run_lists_the_workers_their_threads_and_differences(dask_cluster, tmp_path, monkeypatch):
    monkeypatch.delenv(location.SCHEDULER_ENV, raising=False)
    result = CliRunner().invoke(main, ["build", "--dry-run", "-o", str(tmp_path / "out"),
                                       "--scheduler-file", str(dask_cluster.scheduler_file)])
    assert result.exit_code == 0, result.output
    assert f"cluster {dask_cluster.address}: 2 workers, 2 threads" in result.output
    assert result.output.count("1 thread  same versions") == 2
    assert "3 of 3 episodes to build" in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_an_engine_error_on_a_worker_stops_the_build_with_its_message(dask_cluster, show, tmp_path):
    from hijra_audio.errors import EngineError

    out, log = tmp_path / "out", tmp_path / "engine.log"
    request = _request(show, out, log, scheduler_file=dask_cluster.scheduler_file, engine={"fail_on": "سراقة"})
    with pytest.raises(EngineError, match="fake engine failed on segment: ولقيا"):
        build(request)
    check_consistent(out)
    assert "episode-003.mp3" not in {p.name for p in out.glob("*.mp3")}


@pytest.mark.slow
def test_a_worker_killed_mid_build_changes_nothing(dask_cluster, tmp_path):
    reference, out = tmp_path / "reference", tmp_path / "out"
    done = _run_build(reference, tmp_path / "reference.log", 0.0, None)
    assert done.wait(timeout=300) == 0, done.stderr.read()
    # Start from part of the cache: every episode has clips to be sent and clips to speak.
    given, made_before = cache_location(out).clips, cache_location(reference).clips
    given.mkdir(parents=True)
    keys = sorted(ClipCache(made_before).keys())
    for key in keys[::2]:
        source = ClipCache(made_before).path(key)
        target = ClipCache(given).path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    cached = set(keys[::2])

    log = tmp_path / "engine.log"
    process = _run_build(out, log, 0.15, dask_cluster.address)
    _wait_for(lambda: len(_lines(log)) >= 3 or process.poll() is not None)
    with dask_cluster.client() as client:
        busy = [w for w, keys in client.processing().items() if any("episode_task" in str(k) for k in keys)]
        pids = client.run(os.getpid, workers=busy[:1] or None)
    victim = next(iter(pids.values()))
    os.kill(victim, signal.SIGKILL)
    assert process.wait(timeout=180) == 0, process.stderr.read()
    again = {clip_key(FakeEngine(str(log)).identity(), text) for text in _lines(log)}
    assert not again & cached, "a clip that was in the cache was spoken again"
    assert _files(out) == _files(reference)
    check_consistent(out)
    with dask_cluster.client() as client:      # the nanny brought the worker back
        client.wait_for_workers(2, timeout=60)


@pytest.mark.slow
def test_a_lost_scheduler_stops_the_build_cleanly_and_a_local_build_finishes_it(tmp_path):
    own = start_cluster(tmp_path / "dask", {"solo": {}})
    try:
        out, log = tmp_path / "out", tmp_path / "engine.log"
        address = own.address
        process = _run_build(out, log, 0.1, address)
        _wait_for(lambda: len(_lines(log)) >= 12 or process.poll() is not None)
        os.killpg(own.processes[0].pid, signal.SIGKILL)
        code = process.wait(timeout=120)
        stderr = process.stderr.read()
        assert code != 0
        assert f"lost the Dask scheduler at {address}" in stderr
        check_consistent(out)
    finally:
        own.stop()
    made = ClipCache(cache_location(out).clips).keys()
    finish = _run_build(out, tmp_path / "finish.log", 0.0, None)
    assert finish.wait(timeout=300) == 0, finish.stderr.read()
    again = {clip_key(FakeEngine(str(log)).identity(), text) for text in _lines(tmp_path / "finish.log")}
    assert not again & made, "a clip received before the scheduler died was spoken again"
    check_consistent(out)
    assert len(json.loads((out / "manifest.json").read_text())["episodes"]) == 3


def _certificates(folder: Path) -> dict[str, Path]:
    """A CA and one certificate it signed, for every node and the client (openssl)."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed: it makes the test's TLS certificates")
    folder.mkdir()
    run = functools.partial(subprocess.run, check=True, capture_output=True, cwd=folder)
    run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
         "-days", "2", "-subj", "/CN=hijra-test-ca"])
    run([openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "node.key", "-out", "node.csr",
         "-subj", "/CN=hijra-test-node"])
    run([openssl, "x509", "-req", "-in", "node.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "node.pem", "-days", "2"])
    return {"ca": folder / "ca.pem", "cert": folder / "node.pem", "key": folder / "node.key"}


@pytest.mark.slow
def test_a_tls_cluster_builds_with_the_certificates_from_dask_config(tmp_path, show):
    certs = _certificates(tmp_path / "certs")
    tls = ("--tls-ca-file", str(certs["ca"]), "--tls-cert", str(certs["cert"]), "--tls-key", str(certs["key"]))
    own = start_cluster(tmp_path / "dask", {"solo": {}}, extra=("--protocol", "tls", *tls))
    try:
        _wait_for(lambda: own.scheduler_file.is_file())
        address = own.address
        assert address.startswith("tls://127.0.0.1:")
        env = {k: v for k, v in os.environ.items() if k != location.SCHEDULER_ENV}
        env.update(DASK_DISTRIBUTED__COMM__TLS__CA_FILE=str(certs["ca"]),
                   DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT=str(certs["cert"]),
                   DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY=str(certs["key"]),
                   DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION="True", PYTHONPATH=str(REPO))
        code = ("import sys; from hijra_audio.cli import main; from distributed import Client;"
                "Client(sys.argv[1], timeout=30).wait_for_workers(1, timeout=60); main(sys.argv[2:])")
        listed = subprocess.run([sys.executable, "-c", code, address, "build", "--dry-run", "-c", str(show),
                                 "-o", str(tmp_path / "out"), "--scheduler", address], cwd=REPO, env=env,
                                capture_output=True, text=True, timeout=180)
        assert listed.returncode == 0, listed.stderr
        assert f"cluster {address}: 1 worker, 1 thread" in listed.stdout
        without = dict(env)
        for key in [k for k in without if k.startswith("DASK_DISTRIBUTED__COMM__TLS")]:
            del without[key]
        refused = subprocess.run([sys.executable, "-m", "hijra_audio", "build", "--dry-run", "-c", str(show),
                                  "-o", str(tmp_path / "out"), "--scheduler", address], cwd=REPO,
                                 env=without, capture_output=True, text=True, timeout=180)
        assert refused.returncode == 1 and f"at {address}" in refused.stderr, refused.stderr
    finally:
        own.stop()
