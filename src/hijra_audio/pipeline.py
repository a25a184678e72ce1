"""Wires the steps in order and returns a report; never prints.

read + check inputs -> clean -> sections -> episodes and segments -> engine (cache first) ->
join -> MP3 with tags -> manifest -> feed (last, pointing only at complete files).
Nothing in the output folder is touched until every input has been read and checked.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hijra_audio import audio, sources, text
from hijra_audio.cache import ClipCache, atomic_write, clip_key
from hijra_audio.config import ShowConfig, load_config
from hijra_audio.engines import create_engine
from hijra_audio.engines.base import Clip, Engine
from hijra_audio.engines.pool import SynthesisPool
from hijra_audio.episodes import Episode, parse_sections, plan_episodes
from hijra_audio.errors import HijraAudioError, InputError, OutputLocked
from hijra_audio.feed import FEED_NAME, FeedItem, episode_guid, render_feed
from hijra_audio.manifest import EpisodeEntry, Manifest

LOCK_NAME = ".lock"
CACHE_DIR = ".cache/clips"

# progress(stage, done, total): called as work advances; stage is "segments" or "episodes".
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildRequest:
    inputs: tuple[Path, ...] = ()          # narration files or folders; empty: the config's narration
    output: Path = Path("output")
    config_path: Path | None = None        # None: the bundled show
    base_url: str | None = None
    engine: str | None = None
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    engine_factory: Callable[[], Engine] | None = None   # tests inject a fake engine here
    voice: str | None = None               # overrides [engine] voice
    rate: int | None = None                # overrides [engine] rate


@dataclass(frozen=True)
class EpisodeResult:
    number: int
    title: str
    file: Path
    duration: float
    bytes: int
    action: str  # "built" or "kept"


@dataclass(frozen=True)
class BuildReport:
    episodes: tuple[EpisodeResult, ...]
    feed: Path
    clips_synthesized: int
    clips_cached: int
    removed: tuple[str, ...] = ()

    @property
    def duration(self) -> float:
        return sum(e.duration for e in self.episodes)


def load_show(request: BuildRequest) -> ShowConfig:
    config = load_config(request.config_path)
    return config.with_overrides(base_url=request.base_url, engine_name=request.engine,
                                 engine_voice=request.voice, engine_rate=request.rate)


def plan(config: ShowConfig, inputs: tuple[Path, ...] = ()) -> list[Episode]:
    """Read, check and clean the narration and cut it into episodes and segments."""
    paths = list(inputs) or config.narration_paths()
    if not paths:
        raise InputError("no narration given: name FILE(s), or list them as narration = [...] in podcast.toml.")
    sections = []
    for narration in sources.read_all(paths):
        cleaned = text.clean(narration.text)
        found = parse_sections(cleaned, source=str(narration.path))
        if not any(s.text or s.heading for s in found):
            raise InputError(f"{narration.path}: nothing left to speak after cleaning. Check the file's text.")
        sections.extend(found)
    return plan_episodes(sections, episode_minutes=config.episode_minutes,
                         words_per_minute=config.words_per_minute,
                         max_segment_chars=config.max_segment_chars)


def plan_sentence(config: ShowConfig, sentence: str) -> list[Episode]:
    """`sentence` read, cleaned and cut exactly as `build` reads a narration file (for `say`)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="hijra-audio-say-") as folder:
        path = Path(folder) / "say.txt"
        path.write_text(sentence, encoding="utf-8")
        try:
            return plan(config, (path,))
        except InputError as exc:
            raise InputError(str(exc).replace(str(path), "the text to say")) from None


def build(request: BuildRequest, progress: Progress | None = None) -> BuildReport:
    progress = progress or (lambda stage, done, total: None)
    config = load_show(request)
    episodes = plan(config, request.inputs)
    factory = request.engine_factory or functools.partial(create_engine, config.engine,
                                                          sample_rate=config.audio.sample_rate)
    engine = factory()
    engine.check()
    identity = engine.identity()

    output = Path(request.output)
    output.mkdir(parents=True, exist_ok=True)
    with _locked(output):
        return _build_locked(config, episodes, identity, factory, output, request.jobs, progress)


def _build_locked(config, episodes, identity, factory, output: Path, jobs: int, progress) -> BuildReport:
    cache = ClipCache(output / CACHE_DIR)
    manifest = Manifest.load(output)
    old = dict(manifest.episodes)
    results: list[EpisodeResult] = []
    synthesized = cached = 0
    total_segments = sum(len(e.segments) for e in episodes)
    done_segments = 0
    now = datetime.now(timezone.utc).replace(microsecond=0)

    with SynthesisPool(factory, jobs) as pool:
        for episode in episodes:
            keys = [clip_key(identity, s.spoken) for s in episode.segments]
            pauses = _pauses(config, episode)
            tags = _tags(config, episode, len(episodes))
            inputs = _hash({"keys": keys, "pauses": pauses, "audio": asdict(config.audio), "tags": tags})
            file = f"{episode.slug}.mp3"
            previous = old.get(episode.key)
            target = output / file
            if previous and previous.inputs == inputs and previous.file == file \
                    and target.is_file() and target.stat().st_size == previous.bytes:
                results.append(EpisodeResult(episode.number, episode.title, target,
                                             previous.duration, previous.bytes, "kept"))
                manifest.episodes[episode.key] = EpisodeEntry(**{**asdict(previous), "title": episode.title,
                                                                 "number": episode.number})
                done_segments += len(keys)
                progress("segments", done_segments, total_segments)
                progress("episodes", len(results), len(episodes))
                continue

            clips: dict[int, Clip] = {}
            missing: list[int] = []
            for i, key in enumerate(keys):
                clip = cache.get(key)
                if clip is None:
                    missing.append(i)
                else:
                    clips[i] = clip
            cached += len(clips)
            done_segments += len(clips)
            progress("segments", done_segments, total_segments)
            texts = [episode.segments[i].spoken for i in missing]
            for j, clip in pool.synthesize(texts):
                i = missing[j]
                cache.put(keys[i], clip)   # kept at once: a build that dies resumes from here
                clips[i] = clip
                synthesized += 1
                done_segments += 1
                progress("segments", done_segments, total_segments)

            joined = audio.join([clips[i] for i in range(len(keys))], pauses, config.audio.sample_rate)
            mp3 = audio.tag_mp3(audio.encode_mp3(joined.audio, config.audio.bitrate_kbps), **tags)
            atomic_write(target, mp3)
            entry = EpisodeEntry(
                key=episode.key, number=episode.number, title=episode.title, file=file, inputs=inputs,
                bytes=len(mp3), duration=joined.duration, guid=episode_guid(config, episode.key),
                pub_date=previous.pub_date if previous else _first_pub_date(now, episode, len(episodes)))
            manifest.episodes[episode.key] = entry
            manifest.save()
            results.append(EpisodeResult(episode.number, episode.title, target, entry.duration,
                                         entry.bytes, "built"))
            progress("episodes", len(results), len(episodes))

    current = {e.key for e in episodes}
    removed = []
    for key, entry in old.items():
        if key not in current:
            manifest.episodes.pop(key, None)
            if entry.file not in {f"{e.slug}.mp3" for e in episodes}:
                (output / entry.file).unlink(missing_ok=True)
            removed.append(entry.file)
    manifest.save()
    feed_path = _write_feed(config, episodes, manifest, output)
    return BuildReport(tuple(results), feed_path, synthesized, cached, tuple(removed))


def _first_pub_date(now: datetime, episode: Episode, total: int) -> str:
    """Episodes first published together get dates a second apart, in their order."""
    return (now - timedelta(seconds=total - episode.number)).isoformat()


def _pauses(config: ShowConfig, episode: Episode) -> list[int]:
    """The silence before each segment: none before the first, a longer one where a section opens."""
    pauses = []
    for index, segment in enumerate(episode.segments):
        if index == 0:
            pauses.append(0)
        elif segment.starts_section:
            pauses.append(config.audio.section_pause_ms)
        else:
            pauses.append(config.audio.sentence_pause_ms)
    return pauses


def _tags(config: ShowConfig, episode: Episode, total: int) -> dict:
    return {"title": episode.title, "album": config.title, "artist": config.author,
            "track": episode.number, "total": total}


def _write_feed(config: ShowConfig, episodes: list[Episode], manifest: Manifest, output: Path) -> Path:
    items = []
    for episode in episodes:
        entry = manifest.episodes[episode.key]
        items.append(FeedItem(title=entry.title, guid=entry.guid,
                              pub_date=datetime.fromisoformat(entry.pub_date), file=entry.file,
                              bytes=entry.bytes, duration=entry.duration, number=entry.number))
    built = max((item.pub_date for item in items), default=datetime.now(timezone.utc))
    data = render_feed(config, items, built)
    path = output / FEED_NAME
    if not path.is_file() or path.read_bytes() != data:
        atomic_write(path, data)
    return path


def _hash(value) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@contextmanager
def _locked(output: Path):
    """Hold an exclusive lock on the output folder; a second build stops at once."""
    handle = open(output / LOCK_NAME, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputLocked(f"{output}: another hijra-audio build is writing this folder. "
                               f"Wait for it to finish, or build into another folder with -o.") from None
        yield
    finally:
        handle.close()


__all__ = ["BuildRequest", "BuildReport", "EpisodeResult", "build", "plan", "load_show", "HijraAudioError"]
