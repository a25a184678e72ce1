"""Who does the work, and what a build records of it.

The seam is `Backend.run(jobs)`: given the episode jobs of a build (each with the clips it still
lacks and what renders it), speak every lacking clip once, however many episodes need it, render
each episode once its clips are all in, and yield each event as it happens (a clip spoken, an
episode rendered, clips found lost and spoken again). After a failure no new work starts; what is
under way finishes and is yielded, then the failure is raised. `LocalBackend` runs the jobs on a
pool of worker processes on this machine; a cluster backend runs them elsewhere behind the same
call.

`schedule()` is the build's side of it: it turns the decisions into jobs, hands them to a backend,
and records each finished episode in the manifest (saved every few seconds, so a build that dies
keeps what it finished) and in the report.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from hijra_audio.config import ShowConfig
from hijra_audio.engines.base import Engine
from hijra_audio.episodes import Episode
from hijra_audio.publish.feed import episode_guid
from hijra_audio.publish.manifest import EpisodeEntry, Manifest
from hijra_audio.rebuild.cache import ClipCache
from hijra_audio.rebuild.decide import Decision, Decisions
from hijra_audio.rebuild.workers import (
    Part,
    RenderJob,
    RenderResult,
    WorkerPool,
    give_back_memory,
    make_clip,
)

# While episodes are built, the manifest is saved at most every MANIFEST_SAVE_SECONDS, and then
# only as often as keeps its saving under 1% of the time (a book's manifest takes 0.15 s to write):
# a build that is killed keeps the episodes it finished but the last few; one that is stopped
# saves it whole.
MANIFEST_SAVE_SECONDS = 2.0
MANIFEST_SAVE_SHARE = 0.01

# progress(stage, done, total): called as work advances; stage is "segments" or "episodes".
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class EpisodeJob:
    number: int
    render: RenderJob             # its segments (`render.parts`) and what renders them
    lacking: tuple[Part, ...]     # the segments whose clips are not in the cache, each clip once, in order
    # the cover for its tags, when `render` has none yet: asked for only when the episode is
    # rendered (the build makes it while the first clips are spoken)
    cover: Callable[[], bytes] | None = field(default=None, compare=False, repr=False)

    @property
    def keys(self) -> tuple[str, ...]:
        return self.render.keys

    def with_cover(self) -> "EpisodeJob":
        """This job with its render's cover in place (what is sent to a worker)."""
        if self.cover is None:
            return self
        return dataclasses.replace(self, render=dataclasses.replace(self.render, cover=self.cover()), cover=None)


@dataclass(frozen=True)
class ClipSpoken:
    key: str
    segments: int        # segments of the episodes waiting for it that it completes


@dataclass(frozen=True)
class ClipsLost:
    """A render found clips absent or corrupt: they are spoken again, and it is tried again."""

    number: int
    segments: int
    clips: int = 0       # how many clips (0: not counted)


@dataclass(frozen=True)
class EpisodeRendered:
    number: int
    result: RenderResult


Event = ClipSpoken | ClipsLost | EpisodeRendered


class Backend(Protocol):
    def run(self, jobs: Sequence[EpisodeJob]) -> Iterator[Event]:
        """Speak the jobs' lacking clips, render the jobs, yield each event as it happens."""


class LocalBackend:
    """The jobs on a pool of `jobs` worker processes on this machine."""

    def __init__(self, factory: Callable[[], Engine], cache_root: Path, jobs: int):
        self.pool = WorkerPool(factory, cache_root, jobs)

    def run(self, jobs: Sequence[EpisodeJob]) -> Iterator[Event]:
        with self.pool:
            yield from _LocalSchedule(self.pool, jobs).events()


class _LocalSchedule:
    """Clips are spoken across episodes in a bounded window, and each episode is rendered as soon
    as its clips are all in the cache. While clips remain to be spoken, one worker is left to speak
    them: speaking then ends early, and at the end every worker renders, instead of the last
    episode's render waiting for the last clips of a thin trickle of speech between renders."""

    def __init__(self, pool: WorkerPool, jobs: Sequence[EpisodeJob]):
        self.pool = pool
        self.window = pool.jobs * 4
        self.waiting: dict[str, list[EpisodeJob]] = {}   # clip key -> episodes waiting for it
        self.remaining: dict[int, set[str]] = {}         # episode number -> clip keys it still lacks
        self.speaking: dict[Future, str] = {}
        self.rendering: dict[Future, EpisodeJob] = {}
        self.queue: list[Part] = []                      # the parts whose clips to make, in order
        self.queued: set[str] = set()
        self.position = 0                                # queue[:position] are submitted
        self.ready: list[EpisodeJob] = []                # episodes whose clips are all in
        self.failure: BaseException | None = None
        for job in jobs:
            self.need(job, job.lacking)

    def need(self, job: EpisodeJob, lacking: tuple[Part, ...]) -> None:
        """`job` waits for the clips of the parts `lacking`; each is queued once, whoever needs it."""
        self.remaining[job.number] = {part.key for part in lacking}
        for part in lacking:
            self.waiting.setdefault(part.key, []).append(job)
            if part.key not in self.queued:
                self.queued.add(part.key)
                self.queue.append(part)
        if not self.remaining[job.number]:
            self.ready.append(job)

    def submit(self) -> None:
        """Speaking tasks, up to the window."""
        while self.position < len(self.queue) and len(self.speaking) < self.window and self.failure is None:
            part = self.queue[self.position]
            self.position += 1
            self.speaking[self.pool.speak(part)] = part.key

    def start_renders(self) -> None:
        still_speaking = (self.position < len(self.queue) and self.failure is None) or self.speaking
        limit = max(1, self.pool.jobs - 1) if still_speaking else self.pool.jobs
        while self.ready and len(self.rendering) < limit:
            job = self.ready.pop(0)
            self.rendering[self.pool.render(job.with_cover().render)] = job

    def spoken(self, future: Future) -> Event | None:
        key = self.speaking.pop(future)
        if future.exception() is not None:
            # Stop starting work; let what is under way finish and be recorded.
            self.failure = self.failure or future.exception()
            return None
        self.queued.discard(key)
        segments = 0
        for job in self.waiting.pop(key, []):
            segments += job.keys.count(key)
            self.remaining[job.number].discard(key)
            if not self.remaining[job.number]:
                self.ready.append(job)
        return ClipSpoken(key, segments)

    def rendered(self, future: Future) -> Event:
        job = self.rendering.pop(future)
        result: RenderResult = future.result()
        if not result.missing:
            return EpisodeRendered(job.number, result)
        # a clip went missing or corrupt since planning: speak it again, then render again
        lost = sum(1 for k in job.keys if k in result.missing)
        for key in result.missing:
            self.queued.discard(key)
        if self.failure is None:
            self.need(job, _once(p for p in job.render.parts if p.key in result.missing))
        return ClipsLost(job.number, lost, len(result.missing))

    def busy(self) -> bool:
        return bool((self.position < len(self.queue) and self.failure is None) or self.speaking
                    or self.rendering or self.ready)

    def events(self) -> Iterator[Event]:
        while self.busy():
            self.submit()
            self.start_renders()
            done, _ = wait(set(self.speaking) | set(self.rendering), return_when=FIRST_COMPLETED)
            for future in done:
                event = self.spoken(future) if future in self.speaking else self.rendered(future)
                if event is not None:
                    yield event
        if self.failure is not None:
            raise self.failure


@dataclass(frozen=True)
class EpisodeResult:
    number: int
    title: str
    file: Path
    duration: float
    bytes: int
    action: str  # "built" or "kept"
    reason: str = ""


@dataclass
class Scheduled:
    """What the work made: each episode's result, and the clips spoken and taken from the cache."""

    results: dict[int, EpisodeResult] = field(default_factory=dict)
    synthesized: int = 0
    cached: int = 0
    lost: int = 0          # clips found damaged or gone when an episode was rendered, spoken again


def schedule(decisions: Decisions, config: ShowConfig, manifest: Manifest, output: Path, cache: ClipCache,
             backend: Backend, *, now: datetime, cover: Callable[[], bytes] | None = None,
             progress: Progress | None = None,
             made: Scheduled | None = None,
             finished: Callable[[EpisodeResult, int, int], None] | None = None,
             voice_credit: str = "") -> Scheduled:
    """Keep what is kept, build the rest through `backend`, record each finished episode in the
    manifest. `made` (filled in as the work goes) is what a caller still has if this raises;
    `finished(result, done, total)` is called as each episode is built. `cover()`: the cover for
    the episodes' tags, asked for when the first episode is rendered (None: none). `voice_credit`:
    what the voice's licence asks the show notes to say, recorded with each episode built."""
    progress = progress or (lambda stage, done, total: None)
    made = made if made is not None else Scheduled()
    by_number = {d.episode.number: d for d in decisions}
    total = sum(len(d.keys) for d in decisions if d.action != "skip")
    done = 0
    for d in decisions:
        if d.action == "keep":
            entry = manifest.episodes[d.episode.key]
            made.results[d.episode.number] = EpisodeResult(d.episode.number, d.episode.title, output / entry.file,
                                                           entry.duration, entry.bytes, "kept", d.reason)
            done += len(d.keys)
    progress("segments", done, total)
    jobs = []
    for d in decisions.to_build:
        job = _job(d, config, output, cache, cover)
        lacking = {part.key for part in job.lacking}
        present = sum(1 for k in d.keys if k not in lacking)
        made.cached += present
        done += present
        progress("segments", done, total)
        jobs.append(job)
    saved_at, save_cost = 0.0, 0.0
    events = backend.run(jobs)
    try:
        for event in events:
            if isinstance(event, ClipSpoken):
                made.synthesized += 1
                done += event.segments
                progress("segments", done, total)
            elif isinstance(event, ClipsLost):
                made.lost += event.clips or 1
                done -= event.segments
                progress("segments", done, total)
            else:
                d = by_number[event.number]
                made.results[d.episode.number] = _record(d, event.result, config, manifest, output, now,
                                                         len(decisions), voice_credit)
                progress("episodes", len(made.results), len(decisions))
                if finished is not None:
                    finished(made.results[d.episode.number], len(made.results), len(decisions))
                if time.monotonic() - saved_at > max(MANIFEST_SAVE_SECONDS, save_cost / MANIFEST_SAVE_SHARE):
                    started = time.monotonic()
                    manifest.save()   # a build that dies keeps the episodes it finished
                    give_back_memory()   # what writing it took (a book's: megabytes) goes back
                    saved_at = time.monotonic()
                    save_cost = saved_at - started
    finally:
        events.close()
    return made


def make_recordings(decisions: Decisions, cache: ClipCache, progress: Progress | None = None) -> tuple[int, int]:
    """Make the recorded clips the episodes to build lack (a reciter's, cut from the recordings;
    the intro and outro) here and now (`workers.make_clip`): a bad recording stops the build before
    anything is written, and a cluster, which has not the recordings, gets them from the cache.
    Returns how many recited clips and how many intros and outros were made."""
    lacking = _once(p for d in decisions.to_build for p in d.parts if p.recorded and p.key not in cache)
    for done, part in enumerate(lacking, start=1):
        cache.put(part.key, make_clip(part, _no_engine))
        if progress is not None:
            progress("reciting" if part.recited is not None else "recordings", done, len(lacking))
    recited = sum(1 for part in lacking if part.recited is not None)
    return recited, len(lacking) - recited


def _no_engine() -> Engine:
    raise RuntimeError("a recorded part needs no engine")


def _job(d: Decision, config: ShowConfig, output: Path, cache: ClipCache,
         cover: Callable[[], bytes] | None) -> EpisodeJob:
    render = RenderJob(d.parts, config.audio, d.tags, str(output / d.file), language=config.language,
                       aac_kbps=config.audiobook.bitrate_kbps if d.aac else 0, aac_target=d.aac)
    return EpisodeJob(d.episode.number, render, _once(p for p in d.parts if p.key not in cache), cover)


def _once(parts) -> tuple[Part, ...]:
    """The parts, the first of each clip, in order."""
    first: dict[str, Part] = {}
    for part in parts:
        first.setdefault(part.key, part)
    return tuple(first.values())


def _record(d: Decision, result: RenderResult, config: ShowConfig, manifest: Manifest, output: Path,
            now: datetime, total: int, voice_credit: str = "") -> EpisodeResult:
    previous = manifest.episodes.get(d.episode.key)
    manifest.episodes[d.episode.key] = EpisodeEntry(
        key=d.episode.key, number=d.episode.number, title=d.episode.title, file=d.file,
        bytes=result.bytes, duration=result.duration,
        guid=previous.guid if previous else episode_guid(config, d.episode.key),
        pub_date=previous.pub_date if previous else _first_pub_date(now, d.episode, total),
        hashes=d.hashes, clips=list(dict.fromkeys(d.keys)),
        paragraphs=[list(p) for p in d.episode.paragraphs], voice_credit=voice_credit.strip())
    return EpisodeResult(d.episode.number, d.episode.title, output / d.file, result.duration, result.bytes,
                         "built", d.reason)


def _first_pub_date(now: datetime, episode: Episode, total: int) -> str:
    """Episodes first published together get dates a second apart, in their order."""
    return (now - timedelta(seconds=total - episode.number)).isoformat()


def remove_stale(decisions: Decisions, manifest: Manifest, output: Path) -> tuple[str, ...]:
    """Episodes that are no longer in the plan leave the manifest and the folder."""
    current = {d.episode.key for d in decisions}
    in_use = {d.file for d in decisions}
    removed = []
    for key, entry in list(manifest.episodes.items()):
        if key in current:
            continue
        del manifest.episodes[key]
        if entry.file not in in_use:
            stem = Path(entry.file).stem
            for path in output.glob(f"{stem}.*"):
                path.unlink(missing_ok=True)
            removed.append(entry.file)
    manifest.save()
    return tuple(removed)


def sweep_temporary_files(output: Path, cache_root: Path, others: tuple[Path, ...] = ()) -> None:
    """Half-written files of a build that was killed: we hold the lock, so no one writes them
    (in the output folder, the clip cache's folders, and `others`)."""
    for folder in (output, *cache_root.glob("*/"), *others):
        for path in folder.glob(".*.tmp"):
            path.unlink(missing_ok=True)
