"""Wires the steps in order and returns a report; never prints.

read + check inputs -> clean -> sections -> episodes and segments -> decide, per episode, build or
keep (and why) -> speak the missing clips and render episodes in worker processes -> manifest ->
remove episodes that no longer exist -> web page (index.html) -> feed (last, pointing only at complete files).
Nothing in the output folder is touched until every input has been read and checked.
"""

from __future__ import annotations

import fcntl
import functools
import gc
import hashlib
import json
import os
import time
import warnings
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hijra_audio import sources, text
from hijra_audio.audio.master import RENDER_VERSION
from hijra_audio.audio.tags import EpisodeTags
from hijra_audio.config import ShowConfig, load_config
from hijra_audio.engines import create_engine
from hijra_audio.engines.base import Engine
from hijra_audio.episodes import Episode, plan_episodes, sections_from_cleaned
from hijra_audio.errors import HijraAudioError, InputError, LexiconWarning, OutputLocked
from hijra_audio.publish import cover, transcript
from hijra_audio.publish.feed import (
    CHAPTERS_SUFFIX,
    FEED_NAME,
    TRANSCRIPT_SUFFIX,
    FeedItem,
    episode_guid,
    render_feed,
)
from hijra_audio.publish.site import SiteEpisode, write_site
from hijra_audio.rebuild.cache import ClipCache, PlanCache, atomic_write, clip_key
from hijra_audio.rebuild.manifest import EpisodeEntry, Manifest
from hijra_audio.rebuild.workers import (
    RenderJob,
    RenderResult,
    WorkerPool,
    give_back_memory,
)
from hijra_audio.text import quran

LOCK_NAME = ".lock"
CACHE_DIR = ".cache/clips"
MANIFEST_SAVE_SECONDS = 2.0

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
    force: bool = False                    # rebuild every episode (clips still come from the cache)
    only: str | None = None                # build just this episode: its number, file stem or key
    engine_factory: Callable[[], Engine] | None = None   # tests inject a fake engine here
    voice: str | None = None               # overrides [engine] voice
    rate: int | None = None                # overrides [engine] rate


@dataclass(frozen=True)
class Decision:
    """What a build does with one episode, and why."""

    episode: Episode
    action: str            # "build" or "keep"
    reason: str            # new, text changed, engine changed, settings changed, file missing, forced, unchanged
    file: str
    keys: tuple[str, ...]
    pauses: tuple[int, ...]
    tags: EpisodeTags
    hashes: dict[str, str]


@dataclass(frozen=True)
class EpisodeResult:
    number: int
    title: str
    file: Path
    duration: float
    bytes: int
    action: str  # "built" or "kept"
    reason: str = ""


@dataclass(frozen=True)
class BuildReport:
    episodes: tuple[EpisodeResult, ...]
    feed: Path
    clips_synthesized: int
    clips_cached: int
    removed: tuple[str, ...] = ()
    site: Path | None = None

    @property
    def duration(self) -> float:
        return sum(e.duration for e in self.episodes)


def load_show(request: BuildRequest) -> ShowConfig:
    """The show's settings: the config named, or the bundled show's when neither a config nor
    narration files are given; narration without a config gets the defaults, titled after its
    first file."""
    if request.config_path is None and request.inputs:
        first = Path(request.inputs[0])
        config = ShowConfig(title=first.stem if first.suffix else first.name, root=str(Path.cwd()))
    else:
        config = load_config(request.config_path)
    return config.with_overrides(base_url=request.base_url, engine_name=request.engine,
                                 engine_voice=request.voice, engine_rate=request.rate)


def plan(config: ShowConfig, inputs: tuple[Path, ...] = ()) -> list[Episode]:
    """Read, check and clean the narration and cut it into episodes and segments."""
    paths = list(inputs) or config.narration_paths()
    if not paths:
        raise InputError("no narration given: name FILE(s), or list them as narration = [...] in podcast.toml.")
    sections = []
    for cleaned, narration in clean_all(config, paths):
        found = sections_from_cleaned(cleaned, source=str(narration.path))
        if not any(s.text or s.heading for s in found):
            raise InputError(f"{narration.path}: nothing left to speak after cleaning. Check the file's text.")
        sections.extend(found)
    return plan_episodes(sections, episode_minutes=config.episode_minutes,
                         words_per_minute=config.words_per_minute,
                         max_segment_chars=config.max_segment_chars)


def load_lexicon(config: ShowConfig, path: Path | None = None) -> text.Lexicon:
    """The lexicon named by `path`, else by the config's `lexicon` key, else an empty one."""
    path = path or config.lexicon_path()
    return text.Lexicon.load(path) if path else text.Lexicon()


def clean_all(config: ShowConfig, paths: list[Path], lexicon: text.Lexicon | None = None) -> list:
    """Read, check and clean each narration file: [(text.Cleaned, sources.Narration)]. Lexicon
    entries that match none of the files are reported once as a LexiconWarning."""
    lexicon = lexicon if lexicon is not None else load_lexicon(config)
    narrations = sources.read_all(paths)
    out = [(text.clean_text(n.text, lexicon, source=str(n.path)), n) for n in narrations]
    unused = set.intersection(*(set(c.lexicon_unused) for c, _n in out)) if out else set()
    if unused and lexicon.entries:
        lines = sorted(unused, key=lambda u: int(u.split(":")[0].split()[1]))
        warnings.warn(LexiconWarning(f"{lexicon.path}: {len(lines)} entr{'y' if len(lines) == 1 else 'ies'} "
                                     f"never matched the narration ({'; '.join(lines)}). Check their spelling "
                                     f"or remove them."), stacklevel=2)
    return out


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


def decide(request: BuildRequest, store_plan: bool = False) -> tuple[ShowConfig, list[Decision], Callable[[], Engine]]:
    """Plan the show and decide, for each episode, build or keep and why. Touches nothing
    (but, with `store_plan`, the plan cache in the output folder)."""
    config = load_show(request)
    episodes, store = _plan_cached(config, request.inputs, Path(request.output))
    factory = request.engine_factory or functools.partial(create_engine, config.engine,
                                                          sample_rate=config.audio.sample_rate)
    engine = factory()
    engine.check()
    identity = engine.identity()
    engine_hash = _hash(identity)
    manifest = Manifest.load(Path(request.output))
    if cover.image_path(config) is not None:   # a cover directories would refuse stops the build here
        cover.check_image(cover.image_path(config))
    cover_id = cover.cover_id(config)
    this_year = str(_now().year)
    only = _select(episodes, request.only) if request.only else None
    decisions = []
    for episode in episodes:
        pauses = tuple(_pauses(config, episode))
        previous = manifest.episodes.get(episode.key)
        tags = EpisodeTags(title=episode.title, album=config.title, artist=config.author,
                           track=episode.number, total=len(episodes),
                           year=previous.pub_date[:4] if previous else this_year,
                           language=_iso639_2(config.language), comment=config.description, cover_id=cover_id)
        hashes = {
            "text": _hash([[s.spoken, s.text, s.starts_section, s.is_heading] for s in episode.segments]),
            "engine": engine_hash,
            "settings": _hash({"pauses": pauses, "audio": asdict(config.audio), "tags": asdict(tags),
                               "render": RENDER_VERSION, "transcript_language": config.language}),
        }
        file = f"{episode.slug}.mp3"
        reason = _reason(previous, hashes, file, Path(request.output), request.force)
        if reason in ("unchanged", "forced") and not _sidecars_present(Path(request.output), episode.slug):
            reason = "file missing"
        if only is not None and episode.key != only.key:
            # not asked for: stays as it was, or stays out of the feed when it has no file
            action = "keep" if previous and reason != "file missing" and reason != "new" else "skip"
        else:
            action = "keep" if reason == "unchanged" else "build"
        keys = tuple(clip_key(identity, s.spoken) for s in episode.segments)
        decisions.append(Decision(episode, action, reason, file, keys, pauses, tags, hashes))
    if store_plan:
        store()
    return config, decisions, factory


PLAN_DIR = ".cache/plan"
# The modules whose code decides the plan: a change to any of them plans again.
_PLANNING_CODE = ("sources.py", "episodes.py", "config.py", "text")


def _plan_cached(config: ShowConfig, inputs: tuple[Path, ...], output: Path):
    """`plan()`, reused from the output folder's plan cache when nothing it reads has changed.
    Returns the episodes and a function that stores a fresh plan (called once the build is sure)."""
    try:
        key = _plan_key(config, inputs)
    except (OSError, HijraAudioError):
        key = None                      # plan() itself says what is wrong with the inputs
    cache = PlanCache(output / PLAN_DIR)
    if key is not None:
        episodes = cache.get(key)
        if episodes is not None:
            return episodes, lambda: None
    large = _narration_bytes(config, inputs) > PLAN_APART_BYTES
    episodes = _plan_apart(config, inputs) if large else plan(config, inputs)
    return episodes, (lambda: cache.put(key, episodes)) if key is not None else (lambda: None)


# Narration larger than this is planned in a process of its own. Cleaning a whole book leaves the
# parent's heap fragmented: 145 MB resident for 20 MB of plan after the Sira's 288k words, held
# all through the build beside the workers. A process that ends gives all of it back. Smaller
# narration is planned in place: a process costs about 0.4 s to start.
PLAN_APART_BYTES = 1_000_000


def _narration_bytes(config: ShowConfig, inputs: tuple[Path, ...]) -> int:
    try:
        return sum(path.stat().st_size for path in sources.expand(list(inputs) or config.narration_paths()))
    except (OSError, HijraAudioError):
        return 0                        # plan() itself says what is wrong with the inputs


def _plan_apart(config: ShowConfig, inputs: tuple[Path, ...]) -> list[Episode]:
    """`plan()` in a spawned process; its warnings are given again here, its errors raised here."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        episodes, caught = pool.submit(_plan_noting_warnings, config, inputs).result()
    for category, message in caught:
        warnings.warn(category(message), stacklevel=2)
    return episodes


def _plan_noting_warnings(config: ShowConfig, inputs: tuple[Path, ...]):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        episodes = plan(config, inputs)
    return episodes, [(w.category, str(w.message)) for w in caught if issubclass(w.category, LexiconWarning)]


def _plan_key(config: ShowConfig, inputs: tuple[Path, ...]) -> str:
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for name in _PLANNING_CODE:
        for path in sorted((package / name).rglob("*.py")) if (package / name).is_dir() else [package / name]:
            digest.update(path.read_bytes())
    digest.update(json.dumps(asdict(config), ensure_ascii=False, sort_keys=True, default=str).encode())
    for path in sources.expand(list(inputs) or config.narration_paths()):
        digest.update(str(path).encode() + b"\0" + path.read_bytes())
    lexicon = config.lexicon_path()
    if lexicon is not None and lexicon.is_file():
        digest.update(lexicon.read_bytes())
    return digest.hexdigest()


def _reason(previous: EpisodeEntry | None, hashes: dict, file: str, output: Path, force: bool) -> str:
    if previous is None:
        return "new"
    target = output / file
    if previous.file != file or not target.is_file() or target.stat().st_size != previous.bytes:
        return "file missing"
    for part in ("text", "engine", "settings"):
        if previous.hashes.get(part) != hashes[part]:
            return f"{part} changed"
    return "forced" if force else "unchanged"


def _sidecars_present(output: Path, slug: str) -> bool:
    """The transcripts and chapters written beside an episode's MP3 are all there."""
    return all((output / f"{slug}{suffix}").is_file()
               for suffix in (transcript.VTT_SUFFIX, transcript.SRT_SUFFIX, transcript.CHAPTERS_SUFFIX))


_ISO639_2 = {"ar": "ara", "en": "eng", "fr": "fra", "de": "deu", "ur": "urd", "tr": "tur", "id": "ind",
             "ms": "msa", "fa": "fas", "es": "spa"}


def _iso639_2(language: str) -> str:
    """The ID3 language code (ISO 639-2) of a podcast language like "ar" or "ar-SA"."""
    base = language.split("-")[0].lower()
    return _ISO639_2.get(base, base if len(base) == 3 else "und")


def _select(episodes: list[Episode], wanted: str) -> Episode:
    for episode in episodes:
        if wanted in (str(episode.number), episode.slug, episode.key, f"{episode.slug}.mp3"):
            return episode
    raise InputError(f"--only {wanted}: no such episode. Give a number from 1 to {len(episodes)} "
                     f"or a file name like {episodes[0].slug} (see build --dry-run).")


def build(request: BuildRequest, progress: Progress | None = None) -> BuildReport:
    progress = progress or (lambda stage, done, total: None)
    config, decisions, factory = decide(request, store_plan=True)
    output = Path(request.output)
    output.mkdir(parents=True, exist_ok=True)
    with _locked(output):
        return _Build(config, decisions, factory, output, request, progress).run()


def _give_back_memory() -> None:
    """Planning (the Quran index, the cleaned text) and the cover leave freed memory in the
    allocator's pools: hand it back to the system (glibc's malloc_trim) before the long part of
    the build, so that the parent stays small while the workers run."""
    quran.release()
    gc.collect()
    give_back_memory()


class _Build:
    """One build's scheduling: clips are spoken across episodes in a bounded window, and each
    episode is rendered as soon as its clips are all in the cache."""

    def __init__(self, config, decisions, factory, output: Path, request: BuildRequest, progress):
        self.config, self.decisions, self.output = config, decisions, output
        self.request, self.progress = request, progress
        self.cache = ClipCache(output / CACHE_DIR)
        self.manifest = Manifest.load(output)
        self.pool = WorkerPool(factory, output / CACHE_DIR, request.jobs)
        self.now = _now()
        self.synthesized = self.cached = 0
        self.results: dict[int, EpisodeResult] = {}
        self.total_segments = sum(len(d.keys) for d in decisions if d.action != "skip")
        self.done_segments = 0
        self._saved_at = 0.0
        self._embedded_cover: bytes | None = None

    def run(self) -> BuildReport:
        self._sweep_temporary_files()
        to_build = [d for d in self.decisions if d.action == "build"]
        for d in self.decisions:
            if d.action == "keep":
                self._keep(d)
        self._advance(0)
        if not cover.is_url(self.config) and (to_build or not (self.output / cover.COVER_NAME).is_file()):
            self._write_cover()
        if to_build:        # workers are about to start: the parent's freed memory goes back first
            _give_back_memory()
        try:
            with self.pool:
                self._schedule(to_build)
        except BaseException:
            # Keep what is finished, and a feed that matches the files as they are now.
            self.manifest.save()
            self._write_feed()
            raise
        self.manifest.save()
        removed = self._remove_stale() if self.request.only is None else ()
        site_path = self._write_site()
        feed_path = self._write_feed()
        results = tuple(self.results[d.episode.number] for d in self.decisions if d.episode.number in self.results)
        return BuildReport(results, feed_path, self.synthesized, self.cached, removed, site_path)

    def _write_cover(self) -> None:
        """cover.jpg in the output folder (rewritten only when it changed) and its small copy for tags."""
        full = cover.cover_jpeg(self.config)
        path = self.output / cover.COVER_NAME
        if not path.is_file() or path.read_bytes() != full:
            atomic_write(path, full)
        self._embedded_cover = cover.embedded(full)

    def _sweep_temporary_files(self) -> None:
        """Half-written files of a build that was killed: we hold the lock, so no one writes them."""
        for pattern in (".*.tmp", f"{CACHE_DIR}/*/.*.tmp"):
            for path in self.output.glob(pattern):
                path.unlink(missing_ok=True)

    def _keep(self, d: Decision) -> None:
        entry = self.manifest.episodes[d.episode.key]
        self.results[d.episode.number] = EpisodeResult(d.episode.number, d.episode.title, self.output / entry.file,
                                                       entry.duration, entry.bytes, "kept", d.reason)
        self.done_segments += len(d.keys)

    def _advance(self, segments: int) -> None:
        self.done_segments += segments
        self.progress("segments", self.done_segments, self.total_segments)

    def _schedule(self, to_build: list[Decision]) -> None:
        window = self.pool.jobs * 4
        waiting: dict[str, list[Decision]] = {}     # clip key -> episodes waiting for it
        remaining: dict[int, set[str]] = {}          # episode number -> clip keys it still lacks
        speaking: dict[Future, str] = {}
        rendering: dict[Future, Decision] = {}
        queue: list[tuple[str, str]] = []            # (key, text) not yet submitted
        queued: set[str] = set()
        ready: list[Decision] = []                   # episodes whose clips are all in, to render

        def need(d: Decision, keys) -> None:
            remaining[d.episode.number] = set(keys)
            spoken = dict(zip(d.keys, (s.spoken for s in d.episode.segments)))
            for key in remaining[d.episode.number]:
                waiting.setdefault(key, []).append(d)
                if key not in queued:
                    queued.add(key)
                    queue.append((key, spoken[key]))
            if not remaining[d.episode.number]:
                ready.append(d)

        def start_renders() -> None:
            # While clips remain to be spoken, one worker is left to speak them: speaking then
            # ends early, and at the end every worker renders, instead of the last episode's
            # render waiting for the last clips of a thin trickle of speech between renders.
            still_speaking = (position < len(queue) and failure is None) or speaking
            limit = max(1, self.pool.jobs - 1) if still_speaking else self.pool.jobs
            while ready and len(rendering) < limit:
                d = ready.pop(0)
                job = RenderJob(d.keys, d.pauses, self.config.audio, d.tags, str(self.output / d.file),
                                texts=tuple(s.text for s in d.episode.segments),
                                headings=tuple(s.is_heading for s in d.episode.segments),
                                cover=self._embedded_cover or b"", language=self.config.language)
                rendering[self.pool.render(job)] = d

        for d in to_build:
            missing = [k for k in dict.fromkeys(d.keys) if k not in self.cache and k not in queued]
            pending = [k for k in dict.fromkeys(d.keys) if k in queued]
            present = len(d.keys) - sum(1 for k in d.keys if k in missing or k in pending)
            self.cached += present
            self._advance(present)
            need(d, missing + pending)

        position = 0
        failure: BaseException | None = None
        while (position < len(queue) and failure is None) or speaking or rendering or ready:
            while position < len(queue) and len(speaking) < window and failure is None:
                key, spoken = queue[position]
                position += 1
                speaking[self.pool.speak(key, spoken)] = key
            start_renders()
            done, _ = wait(set(speaking) | set(rendering), return_when=FIRST_COMPLETED)
            for future in done:
                if future in speaking:
                    key = speaking.pop(future)
                    if future.exception() is not None:
                        # Stop starting work; let what is under way finish and be recorded.
                        failure = failure or future.exception()
                        continue
                    self.synthesized += 1
                    queued.discard(key)
                    for d in waiting.pop(key, []):
                        self._advance(sum(1 for k in d.keys if k == key))
                        remaining[d.episode.number].discard(key)
                        if not remaining[d.episode.number]:
                            ready.append(d)
                else:
                    d = rendering.pop(future)
                    result: RenderResult = future.result()
                    if result.missing:   # a clip went missing or corrupt since planning: speak it again
                        self._advance(-len([k for k in d.keys if k in result.missing]))
                        for key in result.missing:
                            queued.discard(key)
                        if failure is None:
                            need(d, result.missing)
                        continue
                    self._finish(d, result)
        if failure is not None:
            raise failure

    def _finish(self, d: Decision, result: RenderResult) -> None:
        previous = self.manifest.episodes.get(d.episode.key)
        entry = EpisodeEntry(
            key=d.episode.key, number=d.episode.number, title=d.episode.title, file=d.file,
            bytes=result.bytes, duration=result.duration,
            guid=previous.guid if previous else episode_guid(self.config, d.episode.key),
            pub_date=previous.pub_date if previous else _first_pub_date(self.now, d.episode, len(self.decisions)),
            hashes=d.hashes, clips=list(dict.fromkeys(d.keys)))
        self.manifest.episodes[d.episode.key] = entry
        self.results[d.episode.number] = EpisodeResult(d.episode.number, d.episode.title, self.output / d.file,
                                                       result.duration, result.bytes, "built", d.reason)
        self.progress("episodes", len(self.results), len(self.decisions))
        if time.monotonic() - self._saved_at > MANIFEST_SAVE_SECONDS:
            self.manifest.save()   # a build that dies keeps the episodes it finished
            self._saved_at = time.monotonic()

    def _remove_stale(self) -> tuple[str, ...]:
        current = {d.episode.key for d in self.decisions}
        in_use = {d.file for d in self.decisions}
        removed = []
        for key, entry in list(self.manifest.episodes.items()):
            if key in current:
                continue
            del self.manifest.episodes[key]
            if entry.file not in in_use:
                stem = Path(entry.file).stem
                for path in self.output.glob(f"{stem}.*"):
                    path.unlink(missing_ok=True)
                removed.append(entry.file)
        self.manifest.save()
        return tuple(removed)

    def _published(self) -> list[tuple[Episode, EpisodeEntry]]:
        pairs = []
        for d in self.decisions:
            entry = self.manifest.episodes.get(d.episode.key)
            if entry is None or not _complete(self.output / entry.file, entry.bytes):
                continue   # not built yet (--only another episode, or a build that failed)
            pairs.append((d.episode, entry))
        return pairs

    def _write_site(self) -> Path:
        pages = [SiteEpisode(number=entry.number, title=entry.title, file=entry.file, duration=entry.duration,
                             paragraphs=_paragraphs(episode),
                             transcript=_beside(self.output, entry.file, TRANSCRIPT_SUFFIX))
                 for episode, entry in self._published()]
        return write_site(self.config, pages, self.output)

    def _write_feed(self) -> Path:
        items = []
        for episode, entry in self._published():
            items.append(FeedItem(title=entry.title, guid=entry.guid,
                                  pub_date=datetime.fromisoformat(entry.pub_date), file=entry.file,
                                  bytes=entry.bytes, duration=entry.duration, number=entry.number,
                                  description="\n".join(text for _heading, text in _paragraphs(episode)),
                                  transcript=_beside(self.output, entry.file, TRANSCRIPT_SUFFIX),
                                  chapters=_beside(self.output, entry.file, CHAPTERS_SUFFIX)))
        built = max((item.pub_date for item in items), default=self.now)
        data = render_feed(self.config, items, built)
        path = self.output / FEED_NAME
        if not path.is_file() or path.read_bytes() != data:
            atomic_write(path, data)
        return path


@dataclass(frozen=True)
class CacheReport:
    folder: Path
    entries: int
    bytes: int
    used: int          # entries some episode in the manifest is made of
    removed: int = 0
    freed: int = 0


def cache_info(output: Path) -> CacheReport:
    cache = ClipCache(Path(output) / CACHE_DIR)
    keys = cache.keys()
    used = set().union(*(e.clips for e in Manifest.load(Path(output)).episodes.values()))
    return CacheReport(cache.root, len(keys), cache.size(), len(keys & used))


def cache_prune(output: Path) -> CacheReport:
    """Drop the clips no episode of the last build uses."""
    output = Path(output)
    if not (output / CACHE_DIR).is_dir():
        return cache_info(output)
    with _locked(output):
        used = set().union(*(e.clips for e in Manifest.load(output).episodes.values()))
        removed, freed = ClipCache(output / CACHE_DIR).prune(used)
        info = cache_info(output)
    return CacheReport(info.folder, info.entries, info.bytes, info.used, removed, freed)


def _paragraphs(episode: Episode) -> tuple[tuple[bool, str], ...]:
    """The episode's display text: each heading alone, the segments of a section joined."""
    paragraphs: list[tuple[bool, str]] = []
    last_section = None
    for segment in episode.segments:
        if segment.is_heading:
            paragraphs.append((True, segment.text))
        elif paragraphs and not paragraphs[-1][0] and segment.section == last_section:
            paragraphs[-1] = (False, paragraphs[-1][1] + " " + segment.text)
        else:
            paragraphs.append((False, segment.text))
        last_section = segment.section
    return tuple(paragraphs)


def _beside(output: Path, file: str, suffix: str) -> str:
    """`<slug><suffix>` beside the episode's MP3 when that file exists (transcripts, chapters)."""
    name = file.removesuffix(".mp3") + suffix
    return name if (output / name).is_file() else ""


def _complete(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except FileNotFoundError:
        return False


def _now() -> datetime:
    """This build's clock: SOURCE_DATE_EPOCH (seconds) when set, for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch.isdigit() else datetime.now(timezone.utc).replace(microsecond=0)


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


__all__ = ["BuildRequest", "BuildReport", "Decision", "EpisodeResult", "build", "decide", "plan",
           "load_show", "HijraAudioError"]
