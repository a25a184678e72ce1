"""The build, step by step: plan -> decide -> schedule -> publish. Returns a report; never prints.

plan: read and check the narration, clean it, cut it into episodes and segments (`plan`);
decide: per episode, build or keep, and why (`rebuild.decide`);
schedule: speak the missing clips and render the episodes to build, on worker processes
(`rebuild.schedule`), recording each in the manifest; remove episodes that no longer exist;
publish: the web page, then the feed, pointing only at complete files (`publish.show`).
Nothing in the output folder is touched until every input has been read and checked. The caches
(clips, plan) live outside the output folder (`rebuild.location`); the report says how long each
step took.
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hijra_audio import plan as planning
from hijra_audio.config import ShowConfig, bundled_config_path
from hijra_audio.engines import create_engine
from hijra_audio.engines.base import Engine
from hijra_audio.errors import HijraAudioError, InputError
from hijra_audio.files import locked
from hijra_audio.publish import address as addresses
from hijra_audio.publish import cover, transcript
from hijra_audio.publish import manifest as manifests
from hijra_audio.publish.check import check_show
from hijra_audio.publish.manifest import Manifest
from hijra_audio.publish.names import COVER_NAME, VTT_SUFFIX, beside
from hijra_audio.publish.show import paragraphs, publish, write_cover
from hijra_audio.rebuild import cluster
from hijra_audio.rebuild import location as locations
from hijra_audio.rebuild.cache import CacheReport, ClipCache
from hijra_audio.rebuild.decide import Decisions, decide
from hijra_audio.rebuild.location import CacheLocation
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

# finished(result, done, total): called as each episode is built (done counts kept ones too)
Finished = Callable[[EpisodeResult, int, int], None]


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
    cache_dir: Path | None = None          # overrides cache_dir in the config (rebuild/location.py)


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
    cache: CacheLocation | None = None
    timings: dict[str, float] = field(default_factory=dict)   # seconds per step: plan, decide


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
    skipped: tuple[EpisodeResult, ...] = ()   # --only: episodes left as they were, though not up to date
    cache: CacheLocation | None = None
    adopted: int = 0                          # clips moved from the old layout (OUTPUT/.cache)
    timings: dict[str, float] = field(default_factory=dict)   # seconds per step: plan ... publish

    @property
    def duration(self) -> float:
        return sum(e.duration for e in self.episodes)


def show_config(request: BuildRequest) -> ShowConfig:
    """The show's settings with the request's overrides (engine, voice, rate; the base URL is
    resolved against the one kept in the manifest by `prepare`: `publish.address`)."""
    config = planning.load_show(request.config_path, tuple(request.inputs))
    return config.with_overrides(engine_name=request.engine, engine_voice=request.voice,
                                 engine_rate=request.rate)


def cache_location(output: Path, config: ShowConfig | None = None, config_path: Path | None = None,
                   cache_dir: Path | None = None, manifest: Manifest | None = None) -> CacheLocation:
    """Where the caches of the build into `output` are (see rebuild/location.py)."""
    manifest = manifest if manifest is not None else Manifest.load(Path(output))
    if config_path is not None and Path(config_path).resolve() == bundled_config_path().resolve():
        config_path = None          # the bundled show's folder is the package's: beside the output instead
    return locations.locate(Path(output), cache_dir=cache_dir,
                            config_cache_dir=config.cache_dir_path() if config is not None else None,
                            config_file=config_path, recorded=manifest.cache)


def prepare(request: BuildRequest, store_plan: bool = False,
            meanwhile: Callable[[Callable[[], Engine], CacheLocation], None] | None = None) -> Prepared:
    """Plan the show and decide, for each episode, build or keep and why. Touches nothing
    (but, with `store_plan`, the plan cache). `meanwhile(engine factory, cache)` is called when
    the show is built here (not on a cluster) and its narration must be planned in this process:
    just before planning (`plan.plan_cached`)."""
    started = time.perf_counter()
    own = show_config(request)
    where = cluster.target(request.scheduler, request.scheduler_file, own)
    output = Path(request.output)
    manifest = Manifest.load(output)
    address = addresses.resolve(own, request.base_url, manifest.show)
    config = addresses.apply(own, address)
    manifest.show = addresses.to_keep(own, address)   # saved with the build, never by a dry run
    cache = cache_location(output, config, request.config_path, request.cache_dir, manifest)
    factory = request.engine_factory or functools.partial(create_engine, config.engine,
                                                          sample_rate=config.audio.sample_rate)
    early = functools.partial(meanwhile, factory, cache) if meanwhile is not None and not where else None
    planned, store = planning.plan_cached(config, tuple(request.inputs), cache.plan, early)
    planned_at = time.perf_counter()
    engine = factory()
    engine.check()
    if cover.image_path(config) is not None:   # a cover directories would refuse stops the build here
        cover.check_image(cover.image_path(config))
    decisions = decide(config, planned.episodes, manifest, engine.identity(), output=output,
                       year=str(manifests.now().year), force=request.force, only=request.only)
    if store_plan:
        store()
    checked = check_show(own, address, has_file=request.config_path is not None or not request.inputs)
    timings = {"plan": planned_at - started, "decide": time.perf_counter() - planned_at}
    return Prepared(config, decisions, factory, manifest, planned.warnings + checked, address=address,
                    identity=engine.identity(), cluster=where, cache=cache, timings=timings)


def build(request: BuildRequest, progress: Progress | None = None, finished: Finished | None = None) -> BuildReport:
    early: list[LocalBackend] = []

    def start_workers(factory: Callable[[], Engine], cache: CacheLocation) -> None:
        # A narration that must be planned has changed: its new segments will be spoken. The
        # workers start now and load their models while this process plans (about 0.5 s saved
        # on a small show); if nothing is to be built after all, they are stopped unused.
        early.append(LocalBackend(factory, cache.clips, request.jobs))
        early[0].pool.warm()

    try:
        prepared = prepare(request, store_plan=True, meanwhile=start_workers)
        if early and not prepared.decisions.to_build:
            early[0].pool.discard()
        return _build(request, prepared, early[0] if early else None, progress, finished)
    except BaseException:
        for backend in early:
            backend.pool.discard()    # (once it has run, nothing is left to stop)
        raise


def _build(request: BuildRequest, prepared: Prepared, started_backend: LocalBackend | None,
           progress: Progress | None, finished: Finished | None) -> BuildReport:
    config, decisions, manifest, where = prepared.config, prepared.decisions, prepared.manifest, prepared.cache
    timings = dict(prepared.timings)
    output = Path(request.output)
    output.mkdir(parents=True, exist_ok=True)
    episodes = [d.episode for d in decisions]
    now = manifests.now()
    with locked(output):
        adopted = locations.adopt_legacy(output, where)
        manifest.cache = locations.relative_to_output(where, output)
        _remember_text(decisions, manifest, output)
        sweep_temporary_files(output, where.clips)
        embedded = b""
        if not cover.is_url(config) and (decisions.to_build or not (output / COVER_NAME).is_file()):
            embedded = cover.embedded(write_cover(config, output))
        if decisions.to_build:   # workers are about to start: the parent's freed memory goes back first
            _give_back_memory()
        made = Scheduled()
        started = time.perf_counter()
        try:
            clips = ClipCache(where.clips)
            backend = ((started_backend or LocalBackend(prepared.engine_factory, where.clips, request.jobs))
                       if not prepared.cluster
                       else cluster.ClusterBackend(prepared.cluster, prepared.engine_factory, prepared.identity, clips))
            schedule(decisions, config, manifest, output, clips, backend,
                     now=now, cover=embedded, progress=progress, made=made, finished=finished)
        except BaseException:
            # Keep what is finished, and a feed that matches the files as they are now. The
            # workers have stopped: what they were writing is swept away.
            manifest.save()
            sweep_temporary_files(output, where.clips)
            publish(config, episodes, manifest, output, now=now, site=False)
            raise
        timings["schedule"] = time.perf_counter() - started
        started = time.perf_counter()
        manifest.save()
        removed = remove_stale(decisions, manifest, output) if request.only is None else ()
        published = publish(config, episodes, manifest, output, now=now)
        timings["publish"] = time.perf_counter() - started
    results = tuple(made.results[d.episode.number] for d in decisions if d.episode.number in made.results)
    return BuildReport(results, published.feed, made.synthesized, made.cached, removed, published.site,
                       prepared.warnings, prepared.address, _skipped(decisions, manifest, output), where, adopted,
                       timings)


def _remember_text(decisions: Decisions, manifest: Manifest, output: Path) -> None:
    """An episode recorded before the manifest kept its text gets it now: an up-to-date one the
    plan's (its text is unchanged, so that is what it was built from); one `--only` skips, though
    its text changed, the text of the transcript built with its MP3."""
    for d in decisions:
        entry = manifest.episodes.get(d.episode.key)
        if entry is None or entry.paragraphs:
            continue
        if d.action == "keep":
            text = [list(p) for p in paragraphs(d.episode)]
        elif d.action == "skip":
            vtt = output / beside(entry.file, VTT_SUFFIX)
            cues = transcript.webvtt_texts(vtt.read_bytes()) if vtt.is_file() else ()
            text = [[False, " ".join(cues)]] if cues else []
        else:
            continue
        if text:
            manifest.episodes[d.episode.key] = dataclasses.replace(entry, paragraphs=text)


def _skipped(decisions: Decisions, manifest: Manifest, output: Path) -> tuple[EpisodeResult, ...]:
    """The episodes `--only` left as they were though they are not up to date, and why."""
    skipped = []
    for d in decisions:
        if d.action != "skip":
            continue
        entry = manifest.episodes.get(d.episode.key)
        skipped.append(EpisodeResult(d.episode.number, entry.title if entry else d.episode.title, output / d.file,
                                     entry.duration if entry else 0.0, entry.bytes if entry else 0,
                                     "skipped", d.reason))
    return tuple(skipped)


def _give_back_memory() -> None:
    """Planning (the Quran index, the cleaned text) and the cover leave freed memory in the
    allocator's pools: hand it back to the system (glibc's malloc_trim) before the long part of
    the build, so that the parent stays small while the workers run."""
    quran.release()
    gc.collect()
    give_back_memory()


def _cache_of(output: Path, config_path: Path | None, cache_dir: Path | None) -> tuple[CacheLocation, Manifest]:
    output = Path(output)
    if not output.is_dir():
        raise InputError(f"{output}: no such folder. Give the output folder of a build with -o "
                         f"(default: output).")
    config = planning.load_show(config_path, ()) if config_path is not None else None
    manifest = Manifest.load(output)
    return cache_location(output, config, config_path, cache_dir, manifest), manifest


def cache_info(output: Path, config_path: Path | None = None, cache_dir: Path | None = None) -> CacheReport:
    """The clip cache of an output folder: where it is, its entries, size, and how many the
    episodes use. An output folder that does not exist is an error."""
    where, manifest = _cache_of(output, config_path, cache_dir)
    return dataclasses.replace(ClipCache(where.clips).report(manifest.clips()), why=where.why)


def cache_prune(output: Path, config_path: Path | None = None, cache_dir: Path | None = None) -> CacheReport:
    """Drop the clips no episode of the last build into `output` uses (its own cache only: no
    other show's or output folder's clips are in it)."""
    where, _ = _cache_of(output, config_path, cache_dir)
    if not where.clips.is_dir():
        return cache_info(output, config_path, cache_dir)
    with locked(output):
        cache = ClipCache(where.clips)
        used = Manifest.load(Path(output)).clips()
        removed, freed = cache.prune(used)
        return cache.report(used, removed, freed)


__all__ = ["BuildRequest", "BuildReport", "Prepared", "EpisodeResult", "build", "prepare", "show_config",
           "cache_location", "cache_info", "cache_prune", "HijraAudioError"]
