"""The build, step by step: plan -> decide -> schedule -> publish. Returns a report; never prints.

plan: read and check the narration, clean it, cut it into episodes and segments (`plan`);
decide: per episode, build or keep, and why (`rebuild.decide`);
schedule: speak the missing clips and render the episodes to build, on worker processes
(`rebuild.schedule`), recording each in the manifest; remove episodes that no longer exist;
publish: the web page, then the feed, pointing only at complete files (`publish.show`).
Nothing in the output folder is touched until every input has been read and checked.
"""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hijra_audio import plan as planning
from hijra_audio.config import ShowConfig
from hijra_audio.engines import create_engine
from hijra_audio.engines.base import Engine
from hijra_audio.errors import HijraAudioError
from hijra_audio.publish import address as addresses
from hijra_audio.publish import cover
from hijra_audio.publish.check import check_show
from hijra_audio.publish.names import COVER_NAME
from hijra_audio.publish.show import publish, write_cover
from hijra_audio.rebuild import cluster
from hijra_audio.rebuild import manifest as manifests
from hijra_audio.rebuild.cache import CacheReport, ClipCache, locked
from hijra_audio.rebuild.decide import Decisions, decide
from hijra_audio.rebuild.manifest import Manifest
from hijra_audio.rebuild.schedule import (
    EpisodeResult,
    LocalBackend,
    Progress,
    Scheduled,
    remove_stale,
    schedule,
    sweep_temporary_files,
)
from hijra_audio.rebuild.workers import give_back_memory
from hijra_audio.text import quran

CACHE_DIR = ".cache/clips"
PLAN_DIR = ".cache/plan"


@dataclass(frozen=True)
class BuildRequest:
    inputs: tuple[Path, ...] = ()          # narration files or folders; empty: the config's narration
    output: Path = Path("output")
    config_path: Path | None = None        # None: the bundled show
    base_url: str | None = None
    engine: str | None = None
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    force: bool = False                    # rebuild every episode (clips still come from the cache)
    only: str | None = None                # build just this episode: its number, file stem or key
    engine_factory: Callable[[], Engine] | None = None   # tests inject a fake engine here
    voice: str | None = None               # overrides [engine] voice
    rate: int | None = None                # overrides [engine] rate
    scheduler: str | None = None           # a Dask scheduler's address: build on that cluster
    scheduler_file: Path | None = None     # or its scheduler file (see rebuild/cluster.py)


@dataclass(frozen=True)
class Prepared:
    """A build planned and decided, nothing written yet: what `--dry-run` prints."""

    config: ShowConfig
    decisions: Decisions
    engine_factory: Callable[[], Engine]
    manifest: Manifest
    warnings: tuple[str, ...] = ()
    address: addresses.Address | None = None   # where the show is published, and its guid
    identity: dict = field(default_factory=dict)     # the engine's, as the cache keys use it
    cluster: cluster.Target | None = None            # where the episodes are built; None: here


@dataclass(frozen=True)
class BuildReport:
    episodes: tuple[EpisodeResult, ...]
    feed: Path
    clips_synthesized: int
    clips_cached: int
    removed: tuple[str, ...] = ()
    site: Path | None = None
    warnings: tuple[str, ...] = ()
    address: addresses.Address | None = None   # where it is published (and whether that moved), its guid

    @property
    def duration(self) -> float:
        return sum(e.duration for e in self.episodes)


def show_config(request: BuildRequest) -> ShowConfig:
    """The show's settings with the request's overrides (engine, voice, rate; the base URL is
    resolved against the one kept in the manifest by `prepare`: `publish.address`)."""
    config = planning.load_show(request.config_path, tuple(request.inputs))
    return config.with_overrides(engine_name=request.engine, engine_voice=request.voice,
                                 engine_rate=request.rate)


def prepare(request: BuildRequest, store_plan: bool = False) -> Prepared:
    """Plan the show and decide, for each episode, build or keep and why. Touches nothing
    (but, with `store_plan`, the plan cache in the output folder)."""
    own = show_config(request)
    where = cluster.target(request.scheduler, request.scheduler_file, own)
    output = Path(request.output)
    manifest = Manifest.load(output)
    address = addresses.resolve(own, request.base_url, manifest.show)
    config = addresses.apply(own, address)
    manifest.show = addresses.to_keep(own, address)   # saved with the build, never by a dry run
    planned, store = planning.plan_cached(config, tuple(request.inputs), output / PLAN_DIR)
    factory = request.engine_factory or functools.partial(create_engine, config.engine,
                                                          sample_rate=config.audio.sample_rate)
    engine = factory()
    engine.check()
    if cover.image_path(config) is not None:   # a cover directories would refuse stops the build here
        cover.check_image(cover.image_path(config))
    decisions = decide(config, planned.episodes, manifest, engine.identity(), output=output,
                       year=str(manifests.now().year), force=request.force, only=request.only)
    if store_plan:
        store()
    checked = check_show(own, address, has_file=request.config_path is not None or not request.inputs)
    return Prepared(config, decisions, factory, manifest, planned.warnings + checked, address=address,
                    identity=engine.identity(), cluster=where)


def build(request: BuildRequest, progress: Progress | None = None) -> BuildReport:
    prepared = prepare(request, store_plan=True)
    config, decisions, manifest = prepared.config, prepared.decisions, prepared.manifest
    output = Path(request.output)
    output.mkdir(parents=True, exist_ok=True)
    episodes = [d.episode for d in decisions]
    now = manifests.now()
    with locked(output):
        sweep_temporary_files(output, output / CACHE_DIR)
        embedded = b""
        if not cover.is_url(config) and (decisions.to_build or not (output / COVER_NAME).is_file()):
            embedded = cover.embedded(write_cover(config, output))
        if decisions.to_build:   # workers are about to start: the parent's freed memory goes back first
            _give_back_memory()
        made = Scheduled()
        try:
            clips = ClipCache(output / CACHE_DIR)
            backend = (LocalBackend(prepared.engine_factory, output / CACHE_DIR, request.jobs) if not prepared.cluster
                       else cluster.ClusterBackend(prepared.cluster, prepared.engine_factory, prepared.identity, clips))
            schedule(decisions, config, manifest, output, clips, backend, now=now, cover=embedded, progress=progress, made=made)
        except BaseException:
            # Keep what is finished, and a feed that matches the files as they are now.
            manifest.save()
            publish(config, episodes, manifest, output, now=now, site=False)
            raise
        manifest.save()
        removed = remove_stale(decisions, manifest, output) if request.only is None else ()
        published = publish(config, episodes, manifest, output, now=now)
    results = tuple(made.results[d.episode.number] for d in decisions if d.episode.number in made.results)
    return BuildReport(results, published.feed, made.synthesized, made.cached, removed, published.site,
                       prepared.warnings, prepared.address)


def _give_back_memory() -> None:
    """Planning (the Quran index, the cleaned text) and the cover leave freed memory in the
    allocator's pools: hand it back to the system (glibc's malloc_trim) before the long part of
    the build, so that the parent stays small while the workers run."""
    quran.release()
    gc.collect()
    give_back_memory()


def cache_info(output: Path) -> CacheReport:
    """The clip cache of an output folder: its entries, size, and how many the episodes use."""
    cache = ClipCache(Path(output) / CACHE_DIR)
    return cache.report(Manifest.load(Path(output)).clips())


def cache_prune(output: Path) -> CacheReport:
    """Drop the clips no episode of the last build uses."""
    output = Path(output)
    if not (output / CACHE_DIR).is_dir():
        return cache_info(output)
    with locked(output):
        cache = ClipCache(output / CACHE_DIR)
        used = Manifest.load(output).clips()
        removed, freed = cache.prune(used)
        return cache.report(used, removed, freed)


__all__ = ["BuildRequest", "BuildReport", "Prepared", "EpisodeResult", "build", "prepare", "show_config",
           "cache_info", "cache_prune", "HijraAudioError"]
