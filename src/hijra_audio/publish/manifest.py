"""The build manifest (`manifest.json` in the output folder), the record of what is published:
for each episode, the inputs that made it (hashes of its text, engine and settings, and its clip keys), its file, size and duration,
its guid, the date it was first published, and the text it was built from (what the feed and
page show while its audio is that build's: `--only` another episode leaves it as it was). A rebuild
compares against it to decide what to redo, and the feed keeps each episode's first pubDate from
it. For the show as a whole it keeps where it was published and its podcast:guid (`show`: see
`publish.address`), and where the build's cache is (relative to the output folder).

It is never silently lost: podcast apps know each episode by its guid and date, and an episode
given new ones shows up as new. It is written whole or not at all (`files.atomic_write`), and the
record each complete build leaves is kept as `manifest.json.bak` too (while a build runs, its saves
change only `manifest.json`: the backup stays the last complete build's). Reading it (`load`):
- a manifest that cannot be read is restored from the backup, with a warning;
- a missing one too; without a backup, the guids and first dates of the episodes the published
  `feed.xml` lists are taken from it (`publish.recover`; `adopt` gives them to the episodes of the
  plan), with a warning;
- when neither can be read, or episode files are there and no record of them at all, it refuses
  (ManifestError) and says how to recover, rather than guess new guids and dates.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from hijra_audio.errors import ManifestError
from hijra_audio.files import atomic_write
from hijra_audio.publish.feed import episode_guid
from hijra_audio.publish.names import FEED_NAME, MP3_SUFFIX
from hijra_audio.publish.recover import PublishedItem, UnreadableFeed, read_feed

MANIFEST_NAME = "manifest.json"
BACKUP_NAME = "manifest.json.bak"
MANIFEST_VERSION = 2


def now() -> datetime:
    """The build's clock (UTC, whole seconds): SOURCE_DATE_EPOCH when it is set, so that a build
    can be reproduced byte for byte (reproducible-builds.org), else the current time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


@dataclass(frozen=True)
class EpisodeEntry:
    key: str
    number: int
    title: str
    file: str
    bytes: int
    duration: float
    guid: str
    pub_date: str  # RFC 3339, UTC; set when first published, then kept
    hashes: dict   # "text", "engine", "settings": what made the episode, to tell why it changes
    clips: list    # the clip keys it is made of (what `cache prune` keeps)
    # its display text when it was built: [[is_heading, text], ...] (empty: from before this was kept)
    paragraphs: list = field(default_factory=list)
    # the credit its voice's licence asked for when it was built ("": none; None: from before this
    # was kept, so the current voice's is shown)
    voice_credit: str | None = None


class Manifest:
    def __init__(self, folder: Path, episodes: dict[str, EpisodeEntry] | None = None,
                 show: dict[str, str] | None = None, cache: str = ""):
        self.folder = Path(folder)
        self.episodes: dict[str, EpisodeEntry] = dict(episodes or {})
        # the show's base_url (and the config's, when it was used), its guid: publish.address
        self.show: dict[str, str] = dict(show or {})
        self.cache = cache     # the build's cache folder, relative to `folder` ("": not recorded)
        self.source = ""       # where it was read from: MANIFEST_NAME, BACKUP_NAME, FEED_NAME; "": new
        self.warnings: tuple[str, ...] = ()     # what reading it had to do (a restore), for the user
        self.published: tuple[PublishedItem, ...] = ()   # the feed's items, when the record is not whole

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST_NAME

    @property
    def backup(self) -> Path:
        return self.folder / BACKUP_NAME

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        """The manifest in `folder` (see the module docstring): the file, else its backup, else
        what the published feed says; an empty one for a folder nothing was published from."""
        folder = Path(folder)
        path, backup = folder / MANIFEST_NAME, folder / BACKUP_NAME
        problem = ""
        if path.exists():
            try:
                return cls.parse(folder, path)
            except ManifestError as error:
                problem = str(error)
        if backup.exists():
            try:
                restored = cls.parse(folder, backup)
            except ManifestError:
                pass
            else:
                why = problem.removeprefix(f"{path} ") if problem else "is missing"
                restored.warnings = (f"{path} {why}; restored from {BACKUP_NAME}, which the build before kept "
                                     f"(episodes published since are taken from {FEED_NAME}).",)
                restored._remember_feed()
                return restored
        if problem:
            raise ManifestError(f"{problem}. It is the record of each episode's guid and first publication date, "
                                f"and there is no readable {BACKUP_NAME} to restore it from. To recover: put back "
                                f"a copy of it (from where you upload the show, or a backup); or delete it, and "
                                f"the next build takes the guids and dates from the {FEED_NAME} beside it.")
        return cls._from_feed(folder)

    @classmethod
    def parse(cls, folder: Path, path: Path) -> "Manifest":
        """The manifest written at `path`; ManifestError saying what is wrong when it cannot be read."""
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ManifestError(f"{path} cannot be read ({_short(error)})") from None
        manifest = cls.decode(folder, data, str(path))
        manifest.source = path.name
        return manifest

    @classmethod
    def decode(cls, folder: Path, data: bytes, where: str = MANIFEST_NAME) -> "Manifest":
        """The manifest `data` holds; ManifestError saying what is wrong when it is not a whole one."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ManifestError(f"{where} cannot be read (not UTF-8: {_short(error)})") from None
        if not text.strip():
            raise ManifestError(f"{where} cannot be read (it is empty)")
        try:
            parsed = json.loads(text)
        except ValueError as error:
            raise ManifestError(f"{where} cannot be read (it is cut short or damaged: {_short(error)})") from None
        if not isinstance(parsed, dict) or parsed.get("version") != MANIFEST_VERSION:
            version = parsed.get("version") if isinstance(parsed, dict) else None
            raise ManifestError(f"{where} cannot be read (it is no manifest of this version of hijra-audio: "
                                f"version {version!r}, not {MANIFEST_VERSION})")
        try:
            show = parsed.get("show", {})
            show = {k: v for k, v in show.items() if isinstance(v, str)} if isinstance(show, dict) else {}
            episodes = {k: _entry(v) for k, v in parsed["episodes"].items()}
            return cls(folder, episodes, show, cache=str(parsed.get("cache", "")))
        except (AttributeError, TypeError, KeyError, ValueError) as error:
            raise ManifestError(f"{where} cannot be read (an entry is damaged: {_short(error)})") from None

    @classmethod
    def _from_feed(cls, folder: Path) -> "Manifest":
        """No manifest and no backup: the published feed's record, else a new show's empty one."""
        manifest = cls(folder)
        feed = folder / FEED_NAME
        if feed.exists():
            if not manifest._remember_feed(strict=True):
                return manifest
            manifest.source = FEED_NAME
            manifest.warnings = (f"{folder / MANIFEST_NAME} is missing: the guids and first publication dates of "
                                 f"the {len(manifest.published)} episodes {feed} lists are taken from it.",)
            return manifest
        built = sorted(p.name for p in folder.glob(f"*{MP3_SUFFIX}")) if folder.is_dir() else []
        if built:
            named = ", ".join(built[:3]) + (" ..." if len(built) > 3 else "")
            raise ManifestError(f"{folder} has episode files ({named}) "
                                f"but no {MANIFEST_NAME}, {BACKUP_NAME} or {FEED_NAME}: the record of their guids "
                                f"and publication dates is gone, and new ones would show them as new episodes in "
                                f"podcast apps. Put the published {FEED_NAME} back in {folder} (download it from "
                                f"where the show is published) and build again; or, to publish them as new, "
                                f"delete the episode files or build into another folder with -o.")
        return manifest

    def _remember_feed(self, strict: bool = False) -> bool:
        """Keep what the published feed lists (its episodes, its podcast:guid and address, when
        this record lacks them). An unreadable feed: ManifestError when `strict` (it is all there
        is), else nothing taken. Returns whether the feed was read."""
        path = self.folder / FEED_NAME
        try:
            feed = read_feed(path)
        except UnreadableFeed as error:
            if strict:
                raise ManifestError(f"{self.folder / MANIFEST_NAME} is missing and {path} is {error}: the "
                                    f"episodes' guids and first publication dates cannot be recovered. Put back "
                                    f"a copy of {MANIFEST_NAME} or of the published {FEED_NAME}; or, if nothing "
                                    f"was published from {self.folder}, delete {FEED_NAME}.") from None
            return False
        self.published = feed.items
        if feed.guid and not self.show.get("guid"):
            self.show["guid"] = feed.guid
        if feed.base_url and not self.show.get("base_url"):
            self.show["base_url"] = feed.base_url
        return True

    def adopt(self, episodes, config) -> int:
        """Give each episode of the plan that has no entry the guid and first date the published
        feed lists for it, found by the guid it would get (`episode_guid`), else by its file and
        title, and the text published with its audio; it is rebuilt (how it was made is not
        known) but keeps its guid and date. Only a record that
        was restored or recovered is completed so. Returns how many were found."""
        if not self.published:
            return 0
        by_guid = {item.guid: item for item in self.published}
        by_place = {(item.file, item.title): item for item in self.published}
        taken = {entry.guid for entry in self.episodes.values()}
        found = 0
        for episode in episodes:
            if episode.key in self.episodes:
                continue
            file = f"{episode.slug}{MP3_SUFFIX}"
            item = by_guid.get(episode_guid(config, episode.key)) or by_place.get((file, episode.title))
            if item is None or item.guid in taken:
                continue
            taken.add(item.guid)
            self.episodes[episode.key] = EpisodeEntry(
                key=episode.key, number=episode.number, title=item.title, file=item.file, bytes=item.bytes,
                duration=item.duration, guid=item.guid, pub_date=item.pub_date, hashes={}, clips=[],
                paragraphs=[[heading, text] for heading, text in item.paragraphs])
            found += 1
        return found

    def clips(self) -> set[str]:
        """Every clip some episode is made of (what `cache prune` keeps)."""
        return set().union(*(e.clips for e in self.episodes.values()))

    def save(self, complete: bool = False) -> None:
        """Written whole (atomically), and only when it changed. `complete`: the build is done,
        and this is the record it leaves: kept as the backup too."""
        # in episode order, not the order the workers finished in: the same build, the same bytes
        ordered = sorted(self.episodes.items(), key=lambda item: (item[1].number, item[0]))
        data = {"version": MANIFEST_VERSION, "episodes": {k: asdict(v) for k, v in ordered}}
        if self.show:
            data["show"] = dict(sorted(self.show.items()))
        if self.cache:
            data["cache"] = self.cache
        encoded = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        for path, wanted in ((self.path, True), (self.backup, complete)):
            if wanted and _bytes(path) != encoded:
                atomic_write(path, encoded)


def _bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _entry(value: dict) -> EpisodeEntry:
    entry = EpisodeEntry(**value)
    if not (isinstance(entry.guid, str) and entry.guid and isinstance(entry.pub_date, str)
            and isinstance(entry.file, str) and isinstance(entry.hashes, dict) and isinstance(entry.clips, list)):
        raise ValueError(f"episode {entry.key!r} has no guid, date or file")
    datetime.fromisoformat(entry.pub_date)
    return entry


def _short(error: Exception) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__
