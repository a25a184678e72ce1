"""The build, step by step: resolve -> plan -> decide -> schedule -> publish. Returns a report;
never prints.

resolve: the show, once (`show.resolve`: settings, engine, address, caches, cluster);
plan: read and check the narration, clean it, cut it into episodes and segments (`plan`);
decide: per episode, build or keep, and why (`rebuild.decide`);
schedule: speak the missing clips and render the episodes to build, on worker processes
(`rebuild.schedule`), recording each in the manifest; remove episodes that no longer exist;
publish: the web page, then the feed, pointing only at complete files (`publish.release`);
then, when asked, the audiobook, joined from the episodes' AAC (`publish.audiobook`).
Nothing in the output folder is touched until every input has been read and checked. The caches
(clips, plan) live outside the output folder (`rebuild.location`); the report says how long each
step took.
"""

from __future__ import annotations

import dataclasses
import errno
import functools
import gc
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from hijra_audio import plan as planning
from hijra_audio.audio.insert import Recording
from hijra_audio.engines.base import Engine
from hijra_audio.errors import HijraAudioError, OutputError
from hijra_audio.files import locked
from hijra_audio.publish import address as addresses
from hijra_audio.publish import audiobook as audiobooks
from hijra_audio.publish import cover, transcript
from hijra_audio.publish import manifest as manifests
from hijra_audio.publish.check import check_feed
from hijra_audio.publish.audiobook import BookFile
from hijra_audio.publish.manifest import Manifest
from hijra_audio.publish.names import COVER_NAME, VTT_SUFFIX, beside
from hijra_audio.publish.release import publish, write_cover
from hijra_audio.rebuild import cluster
from hijra_audio.rebuild import location as locations
from hijra_audio.rebuild.cache import ClipCache
from hijra_audio.rebuild.decide import INSERTS, Decisions, decide
from hijra_audio.rebuild.location import CacheLocation, Target
from hijra_audio.rebuild.schedule import (
    EpisodeResult,
    LocalBackend,
    Progress,
    Scheduled,
    make_recordings,
    remove_stale,
    schedule,
    sweep_temporary_files,
)
from hijra_audio.rebuild.workers import give_back_memory
from hijra_audio.recite import Recitation
from hijra_audio.show import Show, ShowRequest, resolve
from hijra_audio.text import quran

# finished(result, done, total): called as each episode is built (done counts kept ones too)
Finished = Callable[[EpisodeResult, int, int], None]


@dataclass(frozen=True)
class BuildRequest(ShowRequest):
    """A build of the show `ShowRequest` names, into its output folder."""

    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    force: bool = False                    # rebuild every episode (clips still come from the cache)
    only: str | None = None                # build just this episode: its number, file stem or key
    audiobook: bool = False                # write the audiobook too (as `[audiobook] write = true` does)


@dataclass(frozen=True)
class Prepared:
    """A build planned and decided, nothing written yet: what `--dry-run` prints."""

    show: Show
    decisions: Decisions
    warnings: tuple[str, ...] = ()
    identity: dict = field(default_factory=dict)     # the engine's, as the cache keys use it
    timings: dict[str, float] = field(default_factory=dict)   # seconds per step: plan, decide
    credit: str = ""           # what the show notes say of the voice, when its licence asks for credit

    @property
    def address(self) -> addresses.Address:
        return self.show.address

    @property
    def cluster(self) -> Target | None:
        return self.show.cluster


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
    clips_recited: int = 0                    # cut from a reciter's recordings for this build
    audiobook: tuple[BookFile, ...] = ()      # the audiobook's files, when it was asked for

    @property
    def duration(self) -> float:
        return sum(e.duration for e in self.episodes)


def prepare(request: BuildRequest, store_plan: bool = False,
            meanwhile: Callable[[Callable[[], Engine], CacheLocation], None] | None = None) -> Prepared:
    """Resolve the show, plan it and decide, for each episode, build or keep and why. Touches
    nothing (but, with `store_plan`, the plan cache). `meanwhile(engine factory, cache)` is called
    when the show is built here (not on a cluster) and its narration must be planned in this
    process: just before planning (`plan.plan_cached`)."""
    started = time.perf_counter()
    show = resolve(request)
    where = show.cluster                # a cluster that cannot be used stops the build before planning
    show.manifest.show = addresses.to_keep(show.own, show.address)   # saved with the build, never by a dry run
    recitation = Recitation.of(show.config)   # a reciter's folder or timings that cannot be used stop it here
    intro, outro = (Recording.of(key, getattr(show.config.audio, key), show.config.root) for key in INSERTS)
    early = (functools.partial(meanwhile, show.engine_factory, show.cache)
             if meanwhile is not None and not where else None)
    planned, store = planning.plan_cached(show.config, tuple(request.inputs), show.cache.plan, early)
    planned_at = time.perf_counter()
    engine = show.engine_factory()
    engine.check()
    if cover.image_path(show.config) is not None:   # a cover directories would refuse stops the build here
        cover.check_image(cover.image_path(show.config))
    show.manifest.adopt(planned.episodes, show.config)      # a record restored or recovered: the feed's guids
    decisions = decide(show.config, planned.episodes, show.manifest, engine.identity(), output=show.output,
                       year=str(manifests.now().year), force=request.force, only=request.only,
                       recitation=recitation, intro=intro, outro=outro,
                       aac=show.cache.aac if wants_audiobook(request, show) else None)
    if store_plan:
        store()
    timings = {"plan": planned_at - started, "decide": time.perf_counter() - planned_at}
    credit = engine.credit() if hasattr(engine, "credit") else ""
    # (the feed's own size is checked once it is written: _build)
    return Prepared(show, decisions, show.manifest.warnings + planned.warnings + decisions.warnings
                    + show.warnings(feed=False), engine.identity(), timings, credit)


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
    except BaseException as error:
        for backend in early:
            backend.pool.discard()    # (once it has run, nothing is left to stop)
        if isinstance(error, OSError) and error.errno in _WRITE_FIXES:
            raise OutputError(write_failure(error)) from error
        raise


# What to do when a file cannot be written, by errno.
_WRITE_FIXES = {
    errno.ENOSPC: "no space left on the device. Free some space there (or build into another folder with -o)",
    errno.EDQUOT: "the disk quota is used up. Free some space there (or build into another folder with -o)",
    errno.EROFS: "the file system is read-only. Make it writable (mount -o remount,rw), or build into another "
                 "folder with -o",
    errno.EACCES: "permission denied. Make the folder writable for you, or build into another folder with -o",
    errno.EPERM: "not permitted. Make the folder writable for you, or build into another folder with -o",
    errno.EIO: "an input/output error: the disk may be failing. Check it (dmesg), then",
}


def write_failure(error: OSError) -> str:
    """The message for a file a build could not write: which, why, and what to do."""
    where = error.filename or "a file of the build"
    fix = _WRITE_FIXES[error.errno]
    then = " build again" if fix.endswith("then") else ", then build again"
    return (f"{where}: {fix}{then}. Every file in the output folder is whole and the episodes finished are "
            f"kept; the next build redoes only what is missing.")


def _build(request: BuildRequest, prepared: Prepared, started_backend: LocalBackend | None,
           progress: Progress | None, finished: Finished | None) -> BuildReport:
    show, decisions = prepared.show, prepared.decisions
    config, manifest, where = show.config, show.manifest, show.cache
    timings = dict(prepared.timings)
    output = Path(request.output)
    # recordings are cut here, first: a recording that cannot be used stops the build untouched
    recited, inserted = make_recordings(decisions, ClipCache(where.clips), progress)
    output.mkdir(parents=True, exist_ok=True)
    episodes = [d.episode for d in decisions]
    now = manifests.now()
    with locked(output):
        adopted = locations.adopt_legacy(output, where)
        manifest.cache = locations.relative_to_output(where, output)
        _remember_text(decisions, manifest, output)
        _remember_voice_credit(decisions, manifest, prepared.credit)
        sweep_temporary_files(output, where.clips, (where.aac,))
        if decisions.to_build:   # workers are about to start: the parent's freed memory goes back first
            _give_back_memory()
        made = Scheduled()
        started = time.perf_counter()
        side = ThreadPoolExecutor(1, thread_name_prefix="cover")
        try:
            # the cover is made beside the work (while the first clips are spoken, this process waits)
            covered = (side.submit(lambda: cover.embedded(write_cover(config, output)))
                       if not cover.is_url(config) and (decisions.to_build or not (output / COVER_NAME).is_file())
                       else None)
            clips = ClipCache(where.clips)
            backend = ((started_backend or LocalBackend(show.engine_factory, where.clips, request.jobs))
                       if not show.cluster
                       else cluster.ClusterBackend(show.cluster, show.engine_factory, prepared.identity, clips))
            schedule(decisions, config, manifest, output, clips, backend, now=now,
                     cover=covered.result if covered else None, progress=progress, made=made, finished=finished,
                     voice_credit=prepared.credit)
            if covered:
                covered.result()
        except BaseException:
            side.shutdown()     # the cover written whole (or not at all) before the rest is kept
            _keep_what_is_finished(output, where, manifest, lambda: publish(
                config, episodes, manifest, output, now=now, site=False, voice_credit=prepared.credit))
            raise
        finally:
            side.shutdown()
        timings["schedule"] = time.perf_counter() - started
        started = time.perf_counter()
        manifest.save()
        removed = remove_stale(decisions, manifest, output) if request.only is None else ()
        published = publish(config, episodes, manifest, output, now=now, voice_credit=prepared.credit)
        manifest.save(complete=True)      # the record this build leaves, kept as the backup too
        timings["publish"] = time.perf_counter() - started
        book, why_not = ((), ())
        if wants_audiobook(request, show):
            book, why_not = _audiobook(decisions, config, manifest, output, timings)
        elif decisions.to_build:
            why_not = _stale_books(output)
    results = tuple(made.results[d.episode.number] for d in decisions if d.episode.number in made.results)
    warnings = prepared.warnings + why_not + check_feed(config, published.feed) + _lost(made.lost, where)
    return BuildReport(results, published.feed, made.synthesized, made.cached - recited - inserted, removed,
                       published.site, warnings, show.address, _skipped(decisions, manifest, output), where,
                       adopted, timings, recited, book)


def _keep_what_is_finished(output: Path, where: CacheLocation, manifest: Manifest,
                           publish_now: Callable[[], object]) -> None:
    """After a build stopped: keep what is finished, and a feed that matches the files as they are
    now. The workers have stopped: what they were writing is swept away (first: on a full disk
    that makes room). Each step is tried; what stopped the build is what the caller raises."""
    for step in (lambda: sweep_temporary_files(output, where.clips, (where.aac,)), manifest.save, publish_now):
        try:
            step()
        except OSError:
            pass


def _lost(lost: int, where: CacheLocation) -> tuple[str, ...]:
    """The warning for clips found damaged or gone in the cache (and spoken again)."""
    if not lost:
        return ()
    return (f"{lost} clip{'s' if lost != 1 else ''} in the cache ({where.clips}) {'were' if lost != 1 else 'was'} "
            f"damaged or gone and spoken again (the episodes are whole); if this happens again, check that disk.",)


def wants_audiobook(request: BuildRequest, show: Show) -> bool:
    """The build writes the audiobook: `--audiobook`, or `[audiobook] write = true`."""
    return request.audiobook or show.config.audiobook.write


def _audiobook(decisions: Decisions, config, manifest: Manifest, output: Path,
               timings: dict[str, float]) -> tuple[tuple[BookFile, ...], tuple[str, ...]]:
    """The audiobook from the episodes' AAC, when every episode has one (`--only` leaves some
    unbuilt: then none is written, and the warning says why), and the warnings about it; the time
    it took goes into `timings`."""
    started = time.perf_counter()
    try:
        return _write_audiobook(decisions, config, manifest, output)
    finally:
        timings["audiobook"] = time.perf_counter() - started


def _stale_books(output: Path) -> tuple[str, ...]:
    """An audiobook an earlier build wrote, now older than the episodes this one changed: said."""
    books = sorted(p.name for p in output.glob(f"*{audiobooks.BOOK_SUFFIX}"))
    return (f"{', '.join(books)} in {output} is from before the episodes this build changed: build with "
            f"--audiobook to bring it up to date, or delete it.",) if books else ()


def _write_audiobook(decisions: Decisions, config, manifest: Manifest,
                     output: Path) -> tuple[tuple[BookFile, ...], tuple[str, ...]]:
    lacking = [d.episode.number for d in decisions if d.action == "skip" or not Path(d.aac).is_file()]
    if lacking:
        shown = ", ".join(map(str, lacking[:8])) + (" ..." if len(lacking) > 8 else "")
        return (), (f"the audiobook is not written: episode{'s' if len(lacking) > 1 else ''} {shown} "
                    f"{'are' if len(lacking) > 1 else 'is'} not built for it (build --only leaves the others "
                    f"as they were). Build without --only to write it.",)
    episodes = [audiobooks.BookEpisode(manifest.episodes[d.episode.key].title, d.episode.part, Path(d.aac),
                                       manifest.episodes[d.episode.key].duration) for d in decisions]
    image = output / COVER_NAME
    embedded = cover.embedded(image.read_bytes()) if image.is_file() and not cover.is_url(config) else b""
    first = decisions[0].tags
    written = audiobooks.write_book(config, episodes, output, cover=embedded, year=first.year,
                                    language=first.language)
    crowded = tuple(f"{book.path.name} has {book.chapters} chapters: players that read the Nero chapter list "
                    f"(and mutagen) see only the first {audiobooks.MAX_CHAPTERS}. Split it into files with "
                    f"[audiobook] parts." for book in written if book.chapters > audiobooks.MAX_CHAPTERS)
    return written, crowded


def _remember_text(decisions: Decisions, manifest: Manifest, output: Path) -> None:
    """An episode recorded before the manifest kept its text gets it now: an up-to-date one the
    plan's (its text is unchanged, so that is what it was built from); one `--only` skips, though
    its text changed, the text of the transcript built with its MP3."""
    for d in decisions:
        entry = manifest.episodes.get(d.episode.key)
        if entry is None or entry.paragraphs:
            continue
        if d.action == "keep":
            text = [list(p) for p in d.episode.paragraphs]
        elif d.action == "skip":
            vtt = output / beside(entry.file, VTT_SUFFIX)
            cues = transcript.webvtt_texts(vtt.read_bytes()) if vtt.is_file() else ()
            text = [[False, " ".join(cues)]] if cues else []
        else:
            continue
        if text:
            manifest.episodes[d.episode.key] = dataclasses.replace(entry, paragraphs=text)


def _remember_voice_credit(decisions: Decisions, manifest: Manifest, credit: str) -> None:
    """An up-to-date episode was made by the current voice: it carries that voice's credit as it
    is now (its licence may have been read anew). One `--only` skips keeps the one it was built with."""
    for d in decisions:
        entry = manifest.episodes.get(d.episode.key)
        if d.action == "keep" and entry is not None and entry.voice_credit != credit.strip():
            manifest.episodes[d.episode.key] = dataclasses.replace(entry, voice_credit=credit.strip())


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


__all__ = ["BuildRequest", "BuildReport", "Prepared", "EpisodeResult", "build", "prepare", "HijraAudioError"]
