"""Local pool vs a Dask cluster on this machine, with the offline engine (espeak).

The first --words words of Ibn Hisham's Hijra chapters, cut into episodes of --minutes (>= 8
episodes; shorter than the Sira's 11.5 minutes, so Dask's cost per task weighs more), built cold (empty output
folder) and warm (--force: every clip in the cache, so each is sent to a worker and only rendering
is done there): local --jobs 1 and 2, then a Dask cluster of 1, 2 and 4 worker processes
(`dask worker --nworkers N --nthreads 1`, on 127.0.0.1) started before the build (its start is not
timed; connecting, installing the engine on the workers and every byte sent and received are).
Prints wall times, speedups over local --jobs 1, payload MB each way, and cluster / local wall at
equal workers (target <= 1.10). Figures only, no assertions.

Data: ../shared/data/sira/ibnhisham-hijra.txt; the cluster extra (distributed, in the test extra).

    .venv/bin/python -m benchmarks.speed.cluster [--words 2400] [--minutes 2] [--runs 1]
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.common import MB, argument_parser, print_context, shared, venv_tool
from hijra_audio.pipeline import BuildRequest, build
from hijra_audio.rebuild import cluster, location


class Counted(cluster.ClusterBackend):
    """The cluster backend, keeping its traffic figures where the benchmark can read them."""

    last: cluster.Traffic | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        Counted.last = self.traffic


def start(folder: Path, workers: int) -> tuple[list[subprocess.Popen], Path]:
    folder.mkdir(parents=True, exist_ok=True)
    sched = folder / "scheduler.json"
    log = open(folder / "dask.log", "ab")
    dask = venv_tool("dask")
    procs = [subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", "0",
                               "--dashboard-address", "127.0.0.1:0", "--scheduler-file", str(sched)],
                              stdout=log, stderr=log, start_new_session=True)]
    while not sched.is_file():
        time.sleep(0.05)
    procs.append(subprocess.Popen([str(dask), "worker", "--scheduler-file", str(sched), "--host", "127.0.0.1",
                                   "--nthreads", "1", "--nworkers", str(workers), "--dashboard-address",
                                   "127.0.0.1:0"], stdout=log, stderr=log, start_new_session=True))
    from distributed import Client

    with Client(scheduler_file=str(sched), timeout=30, set_as_default=False) as client:
        client.wait_for_workers(workers, timeout=120)
    return procs, sched


def stop(procs: list[subprocess.Popen]) -> None:
    for proc in reversed(procs):
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def timed(request: BuildRequest) -> tuple[float, cluster.Traffic | None]:
    Counted.last = None
    began = time.perf_counter()
    build(request)
    return time.perf_counter() - began, Counted.last


def run(narration: Path, config: Path, tmp: Path, label: str, runs: int, **kw) -> dict:
    cold, warm, traffic = [], [], {}
    for n in range(runs):
        out = tmp / f"{label}-{n}"
        shutil.rmtree(out, ignore_errors=True)
        seconds, moved = timed(BuildRequest(inputs=(narration,), output=out, config_path=config, **kw))
        cold.append(seconds)
        traffic["cold"] = moved
        seconds, moved = timed(BuildRequest(inputs=(narration,), output=out, config_path=config, force=True, **kw))
        warm.append(seconds)
        traffic["warm"] = moved
    return {"cold": statistics.median(cold), "warm": statistics.median(warm), "traffic": traffic}


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("--words", type=int, default=2400)
    parser.add_argument("--minutes", type=float, default=2.0, help="episode_minutes of the show")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    print_context()
    sira = shared("data", "sira", "ibnhisham-hijra.txt")
    cluster.ClusterBackend = Counted     # pipeline.build reads it from the module
    os.environ.pop(location.SCHEDULER_ENV, None)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        narration = tmp / "hijra-part.txt"
        narration.write_text(" ".join(sira.read_text(encoding="utf-8").split(" ")[:args.words]), encoding="utf-8")
        config = tmp / "podcast.toml"
        config.write_text(f'title = "bench"\nepisode_minutes = {args.minutes}\n', encoding="utf-8")
        results = {}
        for jobs in (1, 2):
            results[f"local -j {jobs}"] = run(narration, config, tmp, f"local{jobs}", args.runs, jobs=jobs)
            print(f"local -j {jobs}: {results[f'local -j {jobs}']['cold']:.1f} s cold", flush=True)
        for workers in (1, 2, 4):
            procs, sched = start(tmp / f"dask{workers}", workers)
            try:
                results[f"cluster {workers}w"] = run(narration, config, tmp, f"cluster{workers}", args.runs,
                                                     scheduler_file=sched)
            finally:
                stop(procs)
            print(f"cluster {workers}w: {results[f'cluster {workers}w']['cold']:.1f} s cold", flush=True)
        manifest = json.loads((tmp / "local1-0" / "manifest.json").read_text())
        episodes = len(manifest["episodes"])
        audio = sum(e["duration"] for e in manifest["episodes"].values())
    print(f"\n{args.words} words: {episodes} episodes, {audio / 60:.1f} min of audio; this machine: "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    base = results["local -j 1"]
    print(f"{'':14} {'cold s':>7} {'speedup':>7} {'warm s':>7} {'speedup':>7}   {'MB out/in cold':>15}  "
          f"{'MB out/in warm':>15}")
    for label, r in results.items():
        moved = r["traffic"]
        cold_mb = (f"{moved['cold'].sent / MB:6.1f}/{moved['cold'].received / MB:6.1f}" if moved.get("cold")
                   else "")
        warm_mb = (f"{moved['warm'].sent / MB:6.1f}/{moved['warm'].received / MB:6.1f}" if moved.get("warm")
                   else "")
        print(f"{label:14} {r['cold']:7.1f} {base['cold'] / r['cold']:7.2f} {r['warm']:7.1f} "
              f"{base['warm'] / r['warm']:7.2f}   {cold_mb:>15}  {warm_mb:>15}")
    for workers in (1, 2):
        c, loc = results[f"cluster {workers}w"], results[f"local -j {workers}"]
        print(f"cluster / local wall at {workers} workers: cold {c['cold'] / loc['cold']:.2f}, "
              f"warm {c['warm'] / loc['warm']:.2f}  (target <= 1.10)")
    per_episode = results["local -j 1"]["cold"] / episodes
    print(f"cold local -j 1: {per_episode:.2f} s per episode ({audio / episodes / 60:.1f} min of audio each)")


if __name__ == "__main__":
    main()
