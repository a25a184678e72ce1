"""What runs inside a Dask worker process: the engine plugin and the two tasks.

Imported only by the cluster backend (it imports `distributed`), and unpickled by the workers.
The plugin builds the engine once per worker process, records the worker's engine identity and
package versions (the client compares them with its own before any task runs, and every task
refuses to run where they differ), and undoes the nanny's `MALLOC_TRIM_THRESHOLD_`. Tasks return
bytes and never touch a disk the client reads: the client is the only writer of the output.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import threading
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from distributed import get_worker
from distributed.diagnostics.plugin import WorkerPlugin

from hijra_audio.engines.base import Clip, Engine
from hijra_audio.errors import ClusterError
from hijra_audio.rebuild.workers import EpisodeFiles, episode_files, give_back_memory, make_clip

# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_GLIBC_TRIM_DEFAULT = 128 * 1024
_GLIBC_MMAP_MAX = 32 * 1024 * 1024   # where glibc's dynamic mmap threshold ends up, 64-bit


def package_versions() -> dict[str, str]:
    """What must be equal on the client and every worker for the files to be equal: Python,
    hijra-audio (its version and a hash of its source) and each package it depends on."""
    versions = {"python": platform.python_version(), "hijra-audio": _own_version()}
    try:
        requirements = metadata.requires("hijra-audio") or []
    except metadata.PackageNotFoundError:
        requirements = []
    for requirement in requirements:
        if "extra ==" in requirement:
            continue
        name = requirement.split(";")[0].split("[")[0]
        for stop in "<>=!~ ":
            name = name.split(stop)[0]
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue   # a marker excluded it here (audioop-lts before 3.13)
    return versions


def _own_version() -> str:
    from hijra_audio import __version__

    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:12]}"


def undo_malloc_trim() -> bool:
    """Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which makes glibc give
    memory back after nearly every large free, and also fixes the mmap threshold at its 128 KiB
    start: rendering then spends its time in page faults (45% slower here). Set both back to where
    glibc's own adaptive defaults settle. Returns whether anything was changed."""
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        return False
    try:
        libc = ctypes.CDLL(None)
        libc.mallopt(_M_MMAP_THRESHOLD, _GLIBC_MMAP_MAX)
        libc.mallopt(_M_TRIM_THRESHOLD, 2 * _GLIBC_MMAP_MAX)
    except (OSError, AttributeError):
        return False
    return True


@dataclass(frozen=True)
class WorkerReport:
    identity: dict
    versions: dict
    error: str = ""          # the engine could not be built or checked here


class EnginePlugin(WorkerPlugin):
    """Once per worker process: the engine, the worker's identity and versions, the allocator."""

    idempotent = False

    def __init__(self, name: str, factory: Callable[[], Engine], identity: dict, versions: dict):
        self.name = name
        self.factory = factory
        self.identity = identity          # the client's
        self.versions = versions          # the client's
        self.engine: Engine | None = None
        self.report: WorkerReport | None = None

    def setup(self, worker) -> None:
        undo_malloc_trim()
        self.lock = threading.Lock()      # an engine is not shared by two threads at once
        self.folder = worker.local_directory
        versions = package_versions()
        try:
            engine = self.factory()
            engine.check()
            self.engine = engine
            self.report = WorkerReport(dict(engine.identity()), versions)
        except Exception as exc:   # reported to the client, which names the worker
            self.report = WorkerReport({}, versions, f"{type(exc).__name__}: {exc}")

    def differences(self) -> str:
        return differences(self.report, self.identity, self.versions)


def differences(report: WorkerReport | None, identity: dict, versions: dict) -> str:
    """How a worker differs from the client, in words; empty when it does not."""
    if report is None:
        return "its engine plugin did not start"
    if report.error:
        return f"its engine cannot run there ({report.error})"
    parts = []
    for label, theirs, ours in (("engine", report.identity, identity), ("package", report.versions, versions)):
        for key in sorted(set(theirs) | set(ours)):
            if theirs.get(key) != ours.get(key):
                parts.append(f"{label} {key} {theirs.get(key, '(none)')} (here: {ours.get(key, '(none)')})")
    return "; ".join(parts)


def worker_report(name: str, dask_worker=None) -> tuple[WorkerReport | None, str]:
    """Run on each worker by the client: its report and how it differs (empty: it does not)."""
    plugin = (dask_worker or get_worker()).plugins.get(name)
    if plugin is None:
        return None, "its engine plugin is not installed"
    return plugin.report, plugin.differences()


def _plugin(name: str) -> EnginePlugin:
    worker = get_worker()
    plugin = worker.plugins.get(name)
    if plugin is None or plugin.engine is None or plugin.differences():
        why = plugin.differences() if plugin is not None else "its engine plugin is not installed"
        raise ClusterError(f"worker {worker.address} cannot build this show: {why}. Install the same "
                           f"hijra-audio version, packages and engine on every worker, then build again.")
    return plugin


def speak_task(name: str, items: list) -> list[tuple[str, Clip]]:
    """Make clips that two or more episodes use (each once): [Part] -> [(key, clip)]."""
    plugin = _plugin(name)
    with plugin.lock:
        return [(part.key, make_clip(part, lambda: plugin.engine)) for part in items]


@dataclass(frozen=True)
class EpisodeMade:
    spoken: dict[str, Clip]       # the clips this task spoke (the client puts them in its cache)
    files: EpisodeFiles | None    # the episode's files as bytes, MP3 last


def episode_task(name: str, job, sent: dict[str, Clip] | None) -> EpisodeMade:
    """Speak the episode's clips that were not sent, then render its files (as bytes)."""
    plugin = _plugin(name)
    sent = sent or {}
    spoken: dict[str, Clip] = {}
    for part in job.render.parts:
        if part.key not in sent and part.key not in spoken:
            with plugin.lock:
                spoken[part.key] = make_clip(part, lambda: plugin.engine)
    clips = (sent.get(key) or spoken[key] for key in job.keys)
    files = episode_files(job.render, clips, folder=plugin.folder)
    give_back_memory()
    return EpisodeMade(spoken, files)
