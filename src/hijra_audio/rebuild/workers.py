"""Work done in worker processes: speaking segments and making episodes' files.

espeak-ng and onnxruntime keep per-process state, so each worker builds its own engine, once, on
its first segment (a worker that only renders never loads a model). Workers write what they make
straight to disk (clips into the cache, MP3s into the output folder, each atomically) and send
back only small results, so nothing large crosses a pipe. Started with `spawn`, only when needed.
"""

from __future__ import annotations

import ctypes
import multiprocessing
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from hijra_audio import recite
from hijra_audio.audio.aac import AacWriter
from hijra_audio.audio.insert import Recording
from hijra_audio.audio.render import render as render_audio
from hijra_audio.audio.tags import EpisodeTags, chapters_for, tag_mp3
from hijra_audio.config import AudioConfig
from hijra_audio.engines.base import Clip, Engine
from hijra_audio.files import atomic_write, write_all
from hijra_audio.publish import transcript
from hijra_audio.rebuild.cache import ClipCache
from hijra_audio.recite import Recited


@dataclass(frozen=True)
class Part:
    """One segment of an episode as a build makes it, carried whole from the decision to the
    worker that speaks it and the one that renders it: its clip (the key is made once, from the
    engine identity and `speech`), the silence before it, and the text shown for it."""

    key: str
    speech: str          # what the engine is handed
    display: str         # what the captions and chapters show
    heading: bool        # a section heading: a chapter starts here
    pause_ms: int        # the silence before it
    recited: Recited | None = None   # a Quran quotation a reciter's recording stands in for (recite/)
    inserted: Recording | None = None   # the intro or outro (`[audio] intro`, `outro`)

    @property
    def recorded(self) -> bool:
        """A recording, not the voice: brought to the voice's loudness when the episode is joined."""
        return self.recited is not None or self.inserted is not None


@dataclass(frozen=True)
class RenderJob:
    """Everything a worker needs to make one episode's files."""

    parts: tuple[Part, ...]
    settings: AudioConfig
    tags: EpisodeTags
    target: str          # the MP3's path
    cover: bytes = b""                # JPEG embedded in the tag
    language: str = ""                # the show's language, for the transcripts
    aac_kbps: int = 0                 # the audiobook's AAC too, at this bit rate (0: none)...
    aac_target: str = ""              # ...into this file (in the cache)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(part.key for part in self.parts)


@dataclass(frozen=True)
class RenderResult:
    missing: tuple[str, ...] = ()      # clips that were absent or corrupt: speak them, then retry
    bytes: int = 0
    duration: float = 0.0


@dataclass(frozen=True)
class EpisodeFiles:
    """One episode's files by name (the transcripts and chapters, then the MP3), and its length;
    its AAC for the audiobook when the job asks for it (it goes into the cache, not beside them)."""

    files: dict[str, bytes]
    mp3_name: str
    duration: float
    aac: bytes = b""


_factory: Callable[[], Engine] | None = None
_engine: Engine | None = None
_cache: ClipCache | None = None


def _init_worker(factory: Callable[[], Engine], cache_root: str) -> None:
    global _factory, _cache
    _factory, _cache = factory, ClipCache(Path(cache_root))


def _engine_here() -> Engine:
    global _engine
    if _engine is None:
        _engine = _factory()
    return _engine


WARM_TEXT = "بسم الله"


def warm() -> None:
    """Build this worker's engine and load its models (the diacritizer, by preparing a word),
    speaking nothing: what a worker started ahead of its first segment does meanwhile."""
    _engine_here().prepare(WARM_TEXT)


def make_clip(part: Part, engine: Callable[[], Engine]) -> Clip:
    """The one place a part's clip is made: cut from the reciter's recording for a recited part
    (never the voice), the file itself for an intro or outro, else spoken by the engine (`engine()`
    gives it: a recorded part needs none)."""
    if part.recited is not None:
        return recite.clip(part.recited)
    if part.inserted is not None:
        return part.inserted.clip()
    return engine().synthesize(part.speech)


def speak(part: Part) -> tuple[str, float]:
    """Make one part's clip (`make_clip`) into the cache; returns its key and duration."""
    clip = make_clip(part, _engine_here)
    _cache.put(part.key, clip)
    return part.key, clip.duration


def episode_files(job: RenderJob, clips: Iterable[Clip | None], folder) -> EpisodeFiles | None:
    """The episode's files from its clips (None where a clip is absent: then nothing is made and
    None is returned): rendered, then tagged with its chapters, with its transcripts beside; and,
    when the job asks for it, its AAC, from the same mastered sound, with the same chapters."""
    writer = AacWriter(job.settings.sample_rate, job.settings.channels, job.aac_kbps) if job.aac_kbps else None
    try:
        rendered = render_audio(clips, [part.pause_ms for part in job.parts], job.settings, folder,
                                inserted=[part.recorded for part in job.parts],
                                also=writer.encode if writer is not None else None)
    except BaseException:
        if writer is not None:
            writer.discard()
        raise
    if rendered is None:
        if writer is not None:
            writer.discard()
        return None
    target = Path(job.target)
    shown = tuple(part.display for part in job.parts)
    chapters = chapters_for(rendered.placements, shown, tuple(part.heading for part in job.parts),
                            rendered.duration, job.tags.title)
    mp3 = tag_mp3(rendered.mp3, job.tags, chapters, job.cover)
    stem = target.name[:-len(target.suffix)] if target.suffix else target.name
    files = transcript.files(stem, rendered.placements, shown, chapters, job.tags.title, job.language)
    files[target.name] = mp3
    aac = (writer.close([(c.start, c.end, c.title) for c in chapters], job.tags.title)
           if writer is not None else b"")
    return EpisodeFiles(files, target.name, rendered.duration, aac)


def render(job: RenderJob) -> RenderResult:
    """One episode's files, its clips read from the cache one at a time (an absent or corrupt
    one is reported back, to be spoken again), written beside `job.target`, the MP3 last."""
    target = Path(job.target)
    missing: list[str] = []

    def clips():
        for key in job.keys:
            clip = _cache.get(key)
            if clip is None:
                missing.append(key)
            yield clip

    try:
        made = episode_files(job, clips(), folder=target.parent)      # its audio joined in a temporary file there
    except OSError as error:
        if error.filename is None and error.errno:                     # a full disk's error names no file
            raise OSError(error.errno, error.strerror, str(target)) from None
        raise
    if made is None:
        return RenderResult(missing=tuple(dict.fromkeys(missing)))
    if made.aac:
        atomic_write(Path(job.aac_target), made.aac)     # before the MP3: without it, this is built again
    write_all({target.parent / name: data for name, data in made.files.items()})    # all or none, the MP3 last
    result = RenderResult(bytes=len(made.files[made.mp3_name]), duration=made.duration)
    del made
    give_back_memory()    # an episode's blocks leave holes in the heap: between episodes, none is held
    return result


def give_back_memory() -> None:
    """Return the heap's free memory to the system (glibc's malloc_trim; elsewhere nothing)."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass


class WorkerPool:
    """A process pool for `speak` and `render` tasks; started on first use."""

    def __init__(self, factory: Callable[[], Engine], cache_root: Path, jobs: int):
        self.factory = factory
        self.cache_root = str(cache_root)
        self.jobs = max(1, jobs)
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if self._executor is None:
            return
        executor, self._executor = self._executor, None
        if exc_type is not None and not issubclass(exc_type, Exception):
            # Stopped (a signal, Ctrl-C) or abandoned: the workers stop now, not after their tasks.
            self.stop_workers(executor)
        executor.shutdown(wait=True, cancel_futures=True)

    @staticmethod
    def stop_workers(executor: ProcessPoolExecutor) -> None:
        """End the pool's worker processes (SIGTERM, then SIGKILL for one that lingers) and wait
        for them, so that none outlives the build. What a worker was writing stays a temporary
        file, which the build sweeps away."""
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker, initargs=(self.factory, self.cache_root))
        return self._executor

    def warm(self) -> None:
        """Start the workers now, each loading its engine (`warm`), while this process goes on
        (with planning): the first segments then find them ready. Nothing is waited for."""
        for _ in range(self.jobs):
            self._pool().submit(warm)

    def discard(self) -> None:
        """Stop workers started for nothing (warmed, then no work came): at once, not after
        their warming."""
        if self._executor is not None:
            executor, self._executor = self._executor, None
            self.stop_workers(executor)

    def speak(self, part: Part) -> Future:
        return self._pool().submit(speak, part)

    def render(self, job: RenderJob) -> Future:
        return self._pool().submit(render, job)
