"""The build manifest (`manifest.json` in the output folder), the record of what is published:
for each episode, the inputs that made it (hashes of its text, engine and settings, and its clip keys), its file, size and duration,
its guid, the date it was first published, and the text it was built from (what the feed and
page show while its audio is that build's: `--only` another episode leaves it as it was). A rebuild
compares against it to decide what to redo, and the feed keeps each episode's first pubDate from
it. For the show as a whole it keeps where it was published and its podcast:guid (`show`: see
`publish.address`), and where the build's cache is (relative to the output folder).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from hijra_audio.files import atomic_write

MANIFEST_NAME = "manifest.json"
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


class Manifest:
    def __init__(self, folder: Path, episodes: dict[str, EpisodeEntry] | None = None,
                 show: dict[str, str] | None = None, cache: str = ""):
        self.folder = Path(folder)
        self.episodes: dict[str, EpisodeEntry] = dict(episodes or {})
        # the show's base_url (and the config's, when it was used), its guid: publish.address
        self.show: dict[str, str] = dict(show or {})
        self.cache = cache     # the build's cache folder, relative to `folder` ("": not recorded)

    @property
    def path(self) -> Path:
        return self.folder / MANIFEST_NAME

    @classmethod
    def load(cls, folder: Path) -> "Manifest":
        """The manifest in `folder`; an empty one when there is none or it cannot be read."""
        path = Path(folder) / MANIFEST_NAME
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != MANIFEST_VERSION:
                return cls(folder)
            show = data.get("show", {})
            show = {k: v for k, v in show.items() if isinstance(v, str)} if isinstance(show, dict) else {}
            return cls(folder, {k: EpisodeEntry(**v) for k, v in data["episodes"].items()}, show,
                       cache=str(data.get("cache", "")))
        except (OSError, ValueError, TypeError, KeyError):
            return cls(folder)

    def clips(self) -> set[str]:
        """Every clip some episode is made of (what `cache prune` keeps)."""
        return set().union(*(e.clips for e in self.episodes.values()))

    def save(self) -> None:
        # in episode order, not the order the workers finished in: the same build, the same bytes
        ordered = sorted(self.episodes.items(), key=lambda item: (item[1].number, item[0]))
        data = {"version": MANIFEST_VERSION, "episodes": {k: asdict(v) for k, v in ordered}}
        if self.show:
            data["show"] = dict(sorted(self.show.items()))
        if self.cache:
            data["cache"] = self.cache
        encoded = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        if not self.path.is_file() or self.path.read_bytes() != encoded:
            atomic_write(self.path, encoded)
