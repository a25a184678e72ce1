"""The show as an audiobook: `OUTPUT/NAME.m4b`, AAC-LC with chapters, title, author and cover,
for audiobook players (Apple Books, Smart AudioBook Player, BookPlayer, VLC ...).

Each episode's AAC is made by the worker that renders its MP3, from the same mastered sound
(`audio/aac.py`), and kept in the cache under a hash of what made it; the book is those files
joined, packet by packet, into one MP4 by PyAV, never encoded again: a build that changes three
episodes encodes three episodes, and the book is remuxed (seconds for a book of 40 hours). Where
episodes meet, each keeps its encoder's priming frame (23 ms of silence) and the end of its last
frame; the chapters are placed on the book's own timeline, so they stay exact.

The chapters are the episodes', and the sections inside them (a chapter per heading) while a file
has at most MAX_CHAPTERS: beyond that, the Nero chapter list (the one many players and mutagen
read) cannot hold them all, and a chapter per episode is kept. A long book is split (`parts = N`:
files of about equal length, between episodes; `parts_by_section`: a file per top-level section),
since a single 40-hour file troubles some players. Each file records a hash of what it is made of
(a freeform tag): a build that changes nothing leaves it as it is, and one that stops half-way
leaves the previous file whole (`files.atomic_file`).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

from hijra_audio.config import ShowConfig
from hijra_audio.errors import HijraAudioError
from hijra_audio.files import atomic_file

BOOK_SUFFIX = ".m4b"
BOOK_VERSION = 1            # changes whenever the way a book is joined changes
MAX_CHAPTERS = 255          # the Nero chapter list (chpl) counts its chapters in one byte
SOURCE_TAG = "----:org.hijra-audio:source"
AUDIOBOOK_STIK = 2          # the iTunes media kind "Audiobook"


class AudiobookError(HijraAudioError):
    """An audiobook that could not be written; the previous one is left as it was."""


@dataclass(frozen=True)
class BookEpisode:
    """One episode as the book takes it: its title, its top-level section, its AAC (in the cache)
    and its length."""

    title: str
    part: str
    aac: Path
    duration: float


@dataclass(frozen=True)
class BookFile:
    path: Path
    duration: float       # seconds
    chapters: int
    episodes: int
    written: bool         # False: it was up to date and left as it was


@dataclass(frozen=True)
class BookTags:
    """What the file says about itself."""

    title: str
    album: str
    author: str
    year: str
    description: str
    language: str          # ISO 639-2 ("ara")
    part: int = 0          # its number among the book's files (0: the book is one file)
    parts: int = 0


def file_stem(config: ShowConfig) -> str:
    """The book's file name without .m4b: `[audiobook] name`, else the show's title, without the
    characters a file name cannot carry."""
    name = config.audiobook.name or config.title
    return " ".join(re.sub(r'[\x00-\x1f/\\:*?"<>|]+', " ", name).split()).strip(" .") or "audiobook"


def split(episodes: list[BookEpisode], parts: int, by_section: bool) -> list[list[BookEpisode]]:
    """The episodes in the book's files: one file, `parts` files of about equal length (between
    episodes; never an empty one), or a file per top-level section."""
    if by_section:
        groups: list[list[BookEpisode]] = []
        for episode in episodes:
            if not groups or episode.part != groups[-1][0].part:
                groups.append([])
            groups[-1].append(episode)
        return groups
    parts = max(1, min(parts, len(episodes)))
    total = sum(e.duration for e in episodes)
    ends = [0.0]
    for episode in episodes:
        ends.append(ends[-1] + episode.duration)
    cuts = [0]
    for k in range(1, parts):
        low, high = cuts[-1] + 1, len(episodes) - (parts - k)      # room for the files still to come
        cuts.append(min(range(low, high + 1), key=lambda i: abs(ends[i] - total * k / parts)))
    cuts.append(len(episodes))
    return [episodes[a:b] for a, b in zip(cuts, cuts[1:])]


def write_book(config: ShowConfig, episodes: list[BookEpisode], output: Path, *, cover: bytes = b"",
               year: str = "", language: str = "und") -> tuple[BookFile, ...]:
    """Write the book's files into `output` (those up to date are left as they are), remove the
    files of an earlier split that this one no longer has, and drop from the cache the episodes'
    AAC files no episode uses now. Every episode's AAC must be in the cache."""
    output = Path(output)
    if not episodes:
        return ()
    stem = file_stem(config)
    groups = split(episodes, config.audiobook.parts, config.audiobook.parts_by_section)
    width = len(str(len(groups)))
    made = []
    for number, group in enumerate(groups, start=1):
        single = len(groups) == 1
        path = output / (f"{stem}{BOOK_SUFFIX}" if single else f"{stem}-part{number:0{width}d}{BOOK_SUFFIX}")
        title = config.title if single else (f"{config.title}: {group[0].part}" if config.audiobook.parts_by_section
                                             and group[0].part else f"{config.title} ({number}/{len(groups)})")
        tags = BookTags(title, config.title, config.author, year, config.description, language,
                        0 if single else number, 0 if single else len(groups))
        made.append(_write_if_changed(path, group, tags, cover))
    _remove_stale(output, stem, {f.path.name for f in made})
    _drop_unused_aac(episodes)
    return tuple(made)


def _write_if_changed(path: Path, group: list[BookEpisode], tags: BookTags, cover: bytes) -> BookFile:
    digest = hashlib.sha256(json.dumps(
        [BOOK_VERSION, [[e.aac.name, e.title] for e in group], asdict(tags),
         hashlib.sha256(cover).hexdigest()], ensure_ascii=False).encode()).hexdigest()
    known = _recorded(path)
    if known is not None and known[0] == digest:
        return BookFile(path, known[1], known[2], len(group), written=False)
    with atomic_file(path) as temporary:
        chapters = _join(temporary, group, tags.language)
        _tag(temporary, tags, cover, f"{digest} {chapters}")
        _digest, duration, _chapters = _recorded(temporary)     # its length as a player reads it
    return BookFile(path, duration, chapters, len(group), written=True)


def _recorded(path: Path) -> tuple[str, float, int] | None:
    """The hash an existing book file records, its length and its number of chapters (None: no
    such file, or not one of ours)."""
    from mutagen import MutagenError
    from mutagen.mp4 import MP4

    if not path.is_file():
        return None
    try:
        found = MP4(path)
    except (MutagenError, OSError):
        return None
    source = (found.tags or {}).get(SOURCE_TAG)
    if not source:
        return None
    digest, _space, chapters = bytes(source[0]).decode("utf-8", "replace").partition(" ")
    return digest, found.info.length, int(chapters) if chapters.isdigit() else len(found.chapters or [])


@dataclass(frozen=True)
class _Source:
    """What the book needs to know of an episode's AAC before joining it."""

    codec: str
    rate: int
    frames: int             # its AAC frames, the priming one included
    priming: int            # samples before its sound (its first frame's, which its edit list hides)
    chapters: tuple[tuple[float, str], ...]    # (start in seconds, title): its sections


def _open(episode: BookEpisode):
    """The episode's AAC opened for reading, and its audio stream; a damaged file is removed and
    said so (the next build makes it again)."""
    import av

    try:
        source = av.open(str(episode.aac))
        return source, source.streams.audio[0]
    except (av.FFmpegError, IndexError, OSError) as exc:
        episode.aac.unlink(missing_ok=True)
        raise AudiobookError(f"{episode.aac}: the AAC of episode «{episode.title}» in the cache cannot be read "
                             f"({exc}); it is removed: build again to make it (nothing is spoken again).") from None


def _looked_at(episode: BookEpisode) -> _Source:
    source, stream = _open(episode)
    with source:
        rate = stream.codec_context.sample_rate
        first = next((p for p in source.demux(stream) if p.size), None)
        priming = max(0, -int((first.pts or 0) * stream.time_base * rate)) if first is not None else 0
        chapters = tuple((float(c["start"] * c["time_base"]), c["metadata"].get("title", ""))
                         for c in source.chapters())
        return _Source(stream.codec_context.name, rate, stream.frames, priming, chapters)


def _chapters(group: list[BookEpisode], sources: list[_Source], starts: list[int]) -> list[tuple[int, str]]:
    """(start in samples, title) of the file's chapters: the episodes' own (their sections), or,
    past MAX_CHAPTERS, one per episode. `starts`: where each episode's first frame is."""
    sections = sum(len(s.chapters) or 1 for s in sources) <= MAX_CHAPTERS
    found: list[tuple[int, str]] = []
    for episode, source, start in zip(group, sources, starts):
        begins = start + source.priming
        if sections and source.chapters:
            found.extend((begins + int(round(at * source.rate)), title) for at, title in source.chapters)
        else:
            found.append((begins, episode.title))
    return found


def _join(path: Path, group: list[BookEpisode], language: str) -> int:
    """The episodes' AAC packets, one after another, into an MP4 at `path`, with its chapters
    (how many it has is returned)."""
    import av

    from hijra_audio.audio.aac import AAC_FRAME

    sources = [_looked_at(e) for e in group]
    rate = sources[0].rate
    for source, episode in zip(sources, group):
        if (source.codec, source.rate) != ("aac", rate):
            raise AudiobookError(f"{episode.aac}: not AAC at {rate} Hz like the book's other episodes; "
                                 f"build again with --force.")
    # the book starts as its first episode does (its priming hidden by the edit list); each later
    # episode's frames follow the one before it, its sound after its own priming frame
    starts = [-sources[0].priming]
    for source in sources:
        starts.append(starts[-1] + source.frames * AAC_FRAME)
    chapters = _chapters(group, sources, starts)
    ends = [start for start, _title in chapters[1:]] + [starts[-1]]
    position = starts[0]
    with av.open(str(path), "w", format="mp4", options={"brand": "M4B "}) as book:
        target = None
        book.set_chapters([{"id": i, "start": max(0, start), "end": end, "time_base": Fraction(1, rate),
                            "metadata": {"title": title}}
                           for i, ((start, title), end) in enumerate(zip(chapters, ends), start=1)])
        for index, episode in enumerate(group):
            source, stream = _open(episode)
            with source:
                if target is None:
                    target = book.add_stream_from_template(stream)
                    target.metadata["language"] = language
                packets = [p for p in source.demux(stream) if p.size]
                for number, packet in enumerate(packets):
                    length = AAC_FRAME
                    if index == len(group) - 1 and number == len(packets) - 1 and packet.duration:
                        length = int(packet.duration * stream.time_base * rate)   # it ends as its last episode
                    packet.pts = packet.dts = position
                    packet.duration = length
                    packet.time_base = Fraction(1, rate)
                    packet.stream = target
                    book.mux(packet)
                    position += length
    return len(chapters)


def _tag(path: Path, tags: BookTags, cover: bytes, source: str) -> None:
    """The book's tags (iTunes atoms, which audiobook players read), written by mutagen; `source`:
    the hash of what it is made of, and its number of chapters."""
    from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm

    book = MP4(path)
    if book.tags is None:
        book.add_tags()
    values = {"©nam": tags.title, "©alb": tags.album, "©gen": "Audiobook", "©too": "hijra-audio",
              "©ART": tags.author, "aART": tags.author, "©day": tags.year, "desc": tags.description[:255],
              "ldes": tags.description}
    for key, value in values.items():
        if value:
            book.tags[key] = [value]
    book.tags["stik"] = [AUDIOBOOK_STIK]
    if tags.parts:
        book.tags["trkn"] = [(tags.part, tags.parts)]
    if cover:
        book.tags["covr"] = [MP4Cover(cover, imageformat=MP4Cover.FORMAT_JPEG)]
    book.tags[SOURCE_TAG] = [MP4FreeForm(source.encode())]
    book.save()


def _remove_stale(output: Path, stem: str, keep: set[str]) -> None:
    """The files of an earlier split this one no longer has (NAME.m4b, NAME-partN.m4b)."""
    pattern = re.compile(rf"^{re.escape(stem)}(?:-part\d+)?{re.escape(BOOK_SUFFIX)}$")
    for path in output.glob(f"{stem}*{BOOK_SUFFIX}"):
        if pattern.match(path.name) and path.name not in keep:
            path.unlink(missing_ok=True)


def _drop_unused_aac(episodes: list[BookEpisode]) -> None:
    """The cache's AAC files no episode of the book uses now (from earlier versions of episodes)."""
    used = {e.aac.name for e in episodes}
    for folder in {e.aac.parent for e in episodes}:
        for path in folder.glob("*.m4a"):
            if path.name not in used:
                path.unlink(missing_ok=True)
