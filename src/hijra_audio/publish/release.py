"""The show as it is released: the web page and the feed, from the episodes of the plan and what
the manifest says was built, and the cover they show.

Only episodes whose MP3 is in the folder, whole, at the size the manifest recorded, are published:
the feed never points at a file that is missing or half written. Each shows the text its MP3 was
built from (kept in the manifest): ONE text per episode, which the page, the feed's description
and its show notes all read, so an episode left as it was (`--only` another) keeps its old text
beside its old audio everywhere; an episode that recites the Quran ends with the reciter's credit
(`[quran] recitation_credit`). The feed carries show notes (`show_notes`: publish/notes.py) that
link each episode's anchor on the page, where its whole text is. Each file is rewritten only when
its bytes change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hijra_audio.config import ShowConfig
from hijra_audio.episodes import Episode
from hijra_audio.files import atomic_write
from hijra_audio.publish import cover
from hijra_audio.publish.feed import FeedItem, render_feed
from hijra_audio.publish.manifest import EpisodeEntry, Manifest
from hijra_audio.publish.names import (
    CHAPTERS_SUFFIX,
    COVER_NAME,
    FEED_NAME,
    VTT_SUFFIX,
    beside,
)
from hijra_audio.publish.site import SiteEpisode, episode_anchor, write_site


@dataclass(frozen=True)
class Published:
    feed: Path
    site: Path | None = None


def publish(config: ShowConfig, episodes, manifest: Manifest, output: Path, *, now: datetime,
            site: bool = True, voice_credit: str = "") -> Published:
    """Write the page (unless `site` is False) and then the feed (last: it points only at
    complete files) for the episodes that are built. The credit an episode's voice asked for when
    it was built (the manifest's; `voice_credit`, the current voice's, for an episode recorded
    before it was kept) ends its text on the page and its show notes, after the reciter's."""
    output = Path(output)
    published = [(entry, built_text(episode, entry),
                  "\n".join(line for line in (_credit(config, entry), _voice_credit(entry, voice_credit)) if line))
                 for episode, entry in _published(episodes, manifest, output)]
    in_season = seasons(config, episodes)
    page = None
    if site:
        page = write_site(config, [SiteEpisode(number=entry.number, title=entry.title, file=entry.file,
                                               duration=entry.duration, paragraphs=text, credit=credit,
                                               transcript=_beside(output, entry.file, VTT_SUFFIX))
                                   for entry, text, credit in published], output)
    items = [FeedItem(title=entry.title, guid=entry.guid, pub_date=datetime.fromisoformat(entry.pub_date),
                      file=entry.file, bytes=entry.bytes, duration=entry.duration,
                      description="\n".join(paragraph for _heading, paragraph in text),
                      transcript=_beside(output, entry.file, VTT_SUFFIX),
                      chapters=_beside(output, entry.file, CHAPTERS_SUFFIX), paragraphs=text,
                      anchor=episode_anchor(entry.number), credit=credit,
                      **({"number": entry.number} | in_season.get(entry.key, {})))   # a season numbers its own
             for entry, text, credit in published]
    built = max((item.pub_date for item in items), default=now)
    data = render_feed(config, items, built)
    path = output / FEED_NAME
    if not path.is_file() or path.read_bytes() != data:
        atomic_write(path, data)
    return Published(path, page)


def write_cover(config: ShowConfig, output: Path) -> bytes:
    """cover.jpg in the output folder (rewritten only when it changed); returns its bytes."""
    full = cover.cover_jpeg(config)
    path = Path(output) / COVER_NAME
    if not path.is_file() or path.read_bytes() != full:
        atomic_write(path, full)
    return full


def seasons(config: ShowConfig, episodes) -> dict[str, dict]:
    """Per episode key, its season in the feed, when the config asks for seasons (`seasons`) and
    the narration has parts (`# ` headings): the part's number and name, and the episode's number
    within it (what itunes:episode says then). Numbered over the whole plan, so that an episode
    not built yet leaves no gap."""
    if not config.seasons or not any(episode.part for episode in episodes):
        return {}
    found: dict[str, dict] = {}
    season, within, last = 0, 0, None
    for episode in episodes:
        if episode.part != last:
            season, within, last = season + 1, 0, episode.part
        within += 1
        found[episode.key] = {"season": season, "season_name": episode.part, "number": within}
    return found


def built_text(episode: Episode, entry: EpisodeEntry) -> tuple[tuple[bool, str], ...]:
    """The paragraphs the episode's MP3 was built from: the manifest's, else (an entry from before
    the manifest kept them) the plan's."""
    if entry.paragraphs:
        return tuple((bool(heading), str(text)) for heading, text in entry.paragraphs)
    return episode.paragraphs


def _credit(config: ShowConfig, entry: EpisodeEntry) -> str:
    """The reciter's credit for an episode that recites ("" for one that does not): a paragraph
    of its own after its text on the page, and in its description and show notes."""
    credit = config.quran.recitation_credit.strip()
    return credit if credit and config.quran.recited and "recitation" in entry.hashes else ""


def _voice_credit(entry: EpisodeEntry, current: str) -> str:
    """The credit the episode's voice asked for when it was built (another voice's, or none, for an
    episode `--only` left as an earlier voice made it)."""
    return (current if entry.voice_credit is None else entry.voice_credit).strip()


def _published(episodes, manifest: Manifest, output: Path) -> list[tuple[Episode, EpisodeEntry]]:
    pairs = []
    for episode in episodes:
        entry = manifest.episodes.get(episode.key)
        if entry is None or not _complete(output / entry.file, entry.bytes):
            continue   # not built yet (--only another episode, or a build that failed)
        pairs.append((episode, entry))
    return pairs


def _beside(output: Path, file: str, suffix: str) -> str:
    """The file with `suffix` beside the episode's MP3, when it exists (transcripts, chapters)."""
    name = beside(file, suffix)
    return name if (output / name).is_file() else ""


def _complete(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except FileNotFoundError:
        return False
