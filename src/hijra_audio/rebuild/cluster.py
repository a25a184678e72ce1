"""Builds on a Dask cluster: the same episode jobs as the local pool, run by Dask workers.

Chosen by `build --scheduler ADDRESS` / `--scheduler-file PATH`, the HIJRA_AUDIO_SCHEDULER
environment variable, or `[cluster]` in podcast.toml (in that order); without any, nothing here
imports `distributed`. Tasks are episode-sized (speak the episode's lacking clips, then render:
seconds each, so Dask's few milliseconds per task do not count); clips that two or more episodes
lack are spoken first, once, in small batches. The clips an episode needs that the cache holds are
sent to it (`scatter`), and each task returns the clips it spoke and the episode's files as bytes:
the client is the only writer of the cache and the output folder, so workers need no shared disk.

A worker that dies takes its tasks and the data scattered to it: the client sends the data again
and resubmits (MAX_ATTEMPTS in all per task, then a clear error). A lost scheduler stops the build
at once with an error naming it; what was finished is kept, and the next build, here or on a
cluster, resumes from the cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import queue
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hijra_audio.engines.base import Clip, Engine
from hijra_audio.errors import ClusterError
from hijra_audio.files import atomic_write
from hijra_audio.rebuild.cache import ClipCache
from hijra_audio.rebuild.location import Target
from hijra_audio.rebuild.schedule import (
    ClipsLost,
    ClipSpoken,
    EpisodeJob,
    EpisodeRendered,
    Event,
)
from hijra_audio.rebuild.workers import Part, RenderResult

log = logging.getLogger(__name__)

INSTALL = "pip install 'hijra-audio[cluster]'"
CONNECT_SECONDS = 10.0       # to reach the scheduler (and Dask's time to reconnect after losing it)
WORKERS_SECONDS = 30.0       # for a first worker to join
MAX_ATTEMPTS = 3             # a task lost with its worker this many times stops the build
SHARED_BATCH = 32            # shared clips per speaking task, at most


def plugin_name(identity: dict, versions: dict) -> str:
    """One engine plugin per engine identity and versions, so that two shows building on one
    cluster at once never use each other's engine."""
    payload = json.dumps([identity, versions], sort_keys=True).encode()
    return "hijra-audio-engine-" + hashlib.sha256(payload).hexdigest()[:16]


def _distributed():
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"building on a cluster needs Dask distributed, which is not installed here: "
                           f"{INSTALL} (the same version on every worker).") from None
    return distributed


def connect(where: Target):
    """A Dask client of the scheduler `where`, with Dask's security settings (TLS) from its config."""
    distributed = _distributed()
    try:
        if where.scheduler_file:
            return distributed.Client(scheduler_file=where.scheduler_file, timeout=CONNECT_SECONDS,
                                      set_as_default=False)
        return distributed.Client(where.address, timeout=CONNECT_SECONDS, set_as_default=False)
    except Exception as exc:   # Dask raises OSError, TimeoutError, ValueError (TLS settings)...
        tls = (" A tls:// scheduler needs Dask's TLS settings here (distributed.comm.tls: ca-file, client "
               "cert and key; see docs/cluster.md)." if "tls" in f"{where} {exc}".lower() else "")
        raise ClusterError(f"cannot reach the Dask scheduler at {where} ({type(exc).__name__}: {exc}). Start it "
                           f"with `dask scheduler`, check the address and the firewall, or build here without "
                           f"--scheduler.{tls}") from None


@dataclass(frozen=True)
class WorkerStatus:
    address: str
    name: str
    threads: int
    problem: str = ""      # how it differs from this machine; empty: it can build


@dataclass(frozen=True)
class ClusterStatus:
    where: str
    workers: tuple[WorkerStatus, ...]

    @property
    def threads(self) -> int:
        return sum(w.threads for w in self.workers)

    @property
    def problems(self) -> tuple[WorkerStatus, ...]:
        return tuple(w for w in self.workers if w.problem)


def _install(client, factory: Callable[[], Engine], identity: dict) -> tuple[str, ClusterStatus]:
    """Install the engine plugin on every worker (and those that join later) and report them."""
    from hijra_audio.rebuild import cluster_worker

    versions = cluster_worker.package_versions()
    name = plugin_name(identity, versions)
    try:
        client.wait_for_workers(1, timeout=WORKERS_SECONDS)
    except TimeoutError:
        raise ClusterError(f"no Dask worker joined the scheduler at {client.scheduler.address} within "
                           f"{WORKERS_SECONDS:.0f} s. Start workers with `dask worker {client.scheduler.address} "
                           f"--nthreads 1 --nworkers <cores>` on each machine.") from None
    try:
        client.register_plugin(cluster_worker.EnginePlugin(name, factory, identity, versions), name=name)
    except Exception as exc:   # the workers could not unpickle or start it
        raise ClusterError(f"the workers of the scheduler at {client.scheduler.address} could not install the "
                           f"engine ({type(exc).__name__}: {exc}). Install the same hijra-audio version and "
                           f"engine on every worker ({INSTALL}), then build again.") from None
    reports = client.run(cluster_worker.worker_report, name, on_error="return")
    info = client.scheduler_info(n_workers=-1)["workers"]
    workers = []
    for address, answer in sorted(reports.items()):
        problem = f"did not answer ({answer})" if isinstance(answer, BaseException) else answer[1]
        worker = info.get(address, {})
        workers.append(WorkerStatus(address, str(worker.get("name", "")), int(worker.get("nthreads", 0)), problem))
    return name, ClusterStatus(client.scheduler.address, tuple(workers))


def describe(where: Target, factory: Callable[[], Engine], identity: dict) -> ClusterStatus:
    """The cluster's workers, their threads and how each differs from this machine (`--dry-run`)."""
    client = connect(where)
    try:
        return _install(client, factory, identity)[1]
    finally:
        _close(client)


def _close(client) -> None:
    try:
        client.close(timeout=5)
    except Exception:   # a client whose scheduler is gone may fail to close cleanly: nothing to keep
        pass


def refusal(status: ClusterStatus) -> str:
    lines = "; ".join(f"worker {w.address}{f' ({w.name})' if w.name else ''}: {w.problem}" for w in status.problems)
    return (f"{len(status.problems)} of {len(status.workers)} workers of the scheduler at {status.where} differ "
            f"from this machine, so their files would differ: {lines}. Install the same hijra-audio version, "
            f"packages and engine (voices too) on every worker, or stop those workers; then build again.")


@dataclass
class Traffic:
    """Payload bytes each way: clips and jobs sent to workers, clips and files received."""

    sent: int = 0
    received: int = 0
    tasks: int = 0
    resubmitted: int = 0


class ClusterBackend:
    """The build's episode jobs on a Dask cluster (the `Backend` seam of `rebuild.schedule`)."""

    def __init__(self, where: Target, factory: Callable[[], Engine], identity: dict, cache: ClipCache):
        _distributed()    # a missing extra is named before any work
        self.where = where
        self.factory = factory
        self.identity = identity
        self.cache = cache
        self.traffic = Traffic()

    def run(self, jobs: Sequence[EpisodeJob]) -> Iterator[Event]:
        if not jobs:
            return
        client = connect(self.where)
        try:
            name, status = _install(client, self.factory, self.identity)
            if status.problems:
                raise ClusterError(refusal(status))
            jobs = [job.with_cover() for job in jobs]
            yield from _ClusterSchedule(client, name, self, jobs, status.threads).events()
        finally:
            _close(client)


@dataclass
class _Task:
    kind: str                      # "speak" or "episode"
    job: EpisodeJob | None = None
    items: list = field(default_factory=list)   # speak: [Part]
    attempts: int = 0


class _ClusterSchedule:
    def __init__(self, client, name: str, backend: ClusterBackend, jobs: Sequence[EpisodeJob], threads: int):
        self.client = client
        self.name = name
        self.backend = backend
        self.cache = backend.cache
        self.window = max(2, 2 * threads)          # episodes in flight: one running, one queued per thread
        self.where = str(backend.where)
        counts: dict[str, int] = {}
        speech: dict[str, Part] = {}
        for job in jobs:
            for part in job.lacking:
                counts[part.key] = counts.get(part.key, 0) + 1
                speech[part.key] = part
        shared = [key for key in speech if counts[key] >= 2]
        self.waiting: dict[int, set[str]] = {job.number: set(job.lacking) & set(shared) for job in jobs}
        self.jobs = {job.number: job for job in jobs}
        # the longest episodes first, so that the last round of tasks is short (episodes are whole tasks)
        self.ready = sorted((job for job in jobs if not self.waiting[job.number]), key=_longest_first)
        self.segments = {key: sum(job.keys.count(key) for job in jobs) for key in shared}
        self.flight: dict = {}                      # future -> _Task
        self.finished: queue.SimpleQueue = queue.SimpleQueue()   # futures done, in the order they finished
        self.failure: BaseException | None = None
        if shared:
            size = max(1, min(SHARED_BATCH, math.ceil(len(shared) / max(1, threads))))
            for start in range(0, len(shared), size):
                self._submit(_Task("speak", items=[speech[k] for k in shared[start:start + size]]))

    def _submit(self, task: _Task) -> list[Event]:
        """Send a task (and, for an episode, the cached clips it needs); the events of clips found lost."""
        from hijra_audio.rebuild import cluster_worker

        task.attempts += 1
        events: list[Event] = []
        if task.kind == "speak":
            future = self.client.submit(cluster_worker.speak_task, self.name, task.items, pure=False, priority=10)
            self.backend.traffic.sent += sum(len(part.speech.encode()) for part in task.items)
        else:
            job = task.job
            sent: dict[str, Clip] = {}
            lacking = {part.key for part in job.lacking}
            lost = 0
            for key in dict.fromkeys(job.keys):
                if key in lacking and key not in self.segments:
                    continue                               # spoken by this task
                clip = self.cache.get(key)
                if clip is None:      # gone or corrupt since it was counted as made: spoken there
                    lost += job.keys.count(key)
                    continue
                sent[key] = clip
            if lost:
                events.append(ClipsLost(job.number, lost))
            # one piece of data per episode (a dict would be scattered as one key per clip)
            data = self.client.scatter([sent], hash=False)[0] if sent else None
            self.backend.traffic.sent += sum(len(c.samples) for c in sent.values()) + len(job.render.cover)
            future = self.client.submit(cluster_worker.episode_task, self.name, job, data, pure=False)
        self.backend.traffic.tasks += 1
        self.flight[future] = task
        future.add_done_callback(self.finished.put)   # from Dask's thread
        return events

    def _fill(self) -> list[Event]:
        events: list[Event] = []
        while self.ready and self.failure is None and self._episodes_in_flight() < self.window:
            events += self._submit(_Task("episode", job=self.ready.pop(0)))
        return events

    def _episodes_in_flight(self) -> int:
        return sum(1 for t in self.flight.values() if t.kind == "episode")

    def _lost_scheduler(self) -> bool:
        return self.client.status not in ("running", "connecting", "newly-created") or \
            self.client.scheduler_comm is None or self.client.scheduler_comm.comm is None or \
            self.client.scheduler_comm.comm.closed()

    def _scheduler_lost_error(self) -> ClusterError:
        return ClusterError(f"lost the Dask scheduler at {self.where} during the build. The episodes finished "
                            f"so far and every clip received are kept; restart the scheduler and its workers and "
                            f"build again, or build here without --scheduler: either resumes from the cache.")

    def _done(self, future) -> list[Event]:
        from distributed.client import FutureCancelledError

        task = self.flight.pop(future)
        if future.status == "finished":
            try:
                result = future.result()
            except (FutureCancelledError, OSError):
                return self._retry(task, future, "its result was lost")
            return self._received(task, result)
        if future.status == "cancelled" or future.cancelled():
            if self._lost_scheduler():
                raise self._scheduler_lost_error()
            return self._retry(task, future, "it was cancelled")
        exc = future.exception()
        if _is_worker_loss(exc):
            return self._retry(task, future, f"{type(exc).__name__}: {exc}")
        self.failure = self.failure or exc
        return []

    def _retry(self, task: _Task, future, why: str) -> list[Event]:
        future.release()
        if self.failure is not None:
            return []
        if task.attempts >= MAX_ATTEMPTS:
            what = f"episode {task.job.number}" if task.kind == "episode" else "a batch of shared clips"
            self.failure = ClusterError(
                f"{what} was lost with its Dask worker {task.attempts} times (last: {why}). Workers that keep "
                f"dying are often out of memory: see their logs, give them more memory or fewer --nworkers, "
                f"then build again (finished episodes are kept).")
            return []
        self.backend.traffic.resubmitted += 1
        log.info("resubmitting %s (attempt %d): %s", f"episode {task.job.number}" if task.job else "shared clips",
                 task.attempts + 1, why)
        return self._submit(task)

    def _received(self, task: _Task, result) -> list[Event]:
        events: list[Event] = []
        if task.kind == "speak":
            for key, clip in result:
                self.cache.put(key, clip)
                self.backend.traffic.received += len(clip.samples)
                for job in self.jobs.values():
                    if key in self.waiting[job.number]:
                        self.waiting[job.number].discard(key)
                        if not self.waiting[job.number]:
                            self.ready.append(job)
                events.append(ClipSpoken(key, self.segments[key]))
            self.ready.sort(key=_longest_first)
            return events
        job = task.job
        for key, clip in result.spoken.items():
            self.cache.put(key, clip)
            self.backend.traffic.received += len(clip.samples)
            events.append(ClipSpoken(key, job.keys.count(key)))
        made = result.files
        if made is None:
            self.failure = self.failure or ClusterError(
                f"episode {job.number}: a worker rendered it without all its clips; build again.")
            return events
        folder = Path(job.render.target).parent
        if made.aac:                                # the audiobook's, into the cache, before the MP3
            atomic_write(Path(job.render.aac_target), made.aac)
            self.backend.traffic.received += len(made.aac)
        for name, data in made.files.items():       # the MP3 last
            atomic_write(folder / name, data)
            self.backend.traffic.received += len(data)
        events.append(EpisodeRendered(job.number, RenderResult(bytes=len(made.files[made.mp3_name]),
                                                               duration=made.duration)))
        return events

    def events(self) -> Iterator[Event]:
        yield from self._fill()
        while self.flight:
            try:
                future = self.finished.get(timeout=2.0)
            except queue.Empty:
                if self._lost_scheduler():
                    raise self._scheduler_lost_error() from None
                continue
            if future in self.flight:
                yield from self._done(future)
            yield from self._fill()
        if self.failure is not None:
            raise self.failure


def _longest_first(job: EpisodeJob) -> tuple[int, int]:
    return -sum(len(part.speech) for part in job.render.parts), job.number


def _is_worker_loss(exc: BaseException | None) -> bool:
    """A task that failed because a worker (or data scattered to it) went away, not by itself."""
    from distributed.scheduler import KilledWorker

    if isinstance(exc, (KilledWorker, OSError)):
        return True
    text = f"{type(exc).__name__} {exc}".lower()
    return "lost" in text and ("worker" in text or "dependenc" in text or "data" in text)
