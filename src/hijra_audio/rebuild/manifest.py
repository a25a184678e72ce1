"""The build manifest (`manifest.json` in the output folder): for each episode, the inputs that
made it (hashes of its text, engine and settings, and its clip keys), its file, size and duration,
its guid and the date it was first published. A rebuild compares against it to decide what to
redo, and the feed keeps each episode's first pubDate from it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from hijra_audio.rebuild.cache import atomic_write

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 2


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


class Manifest:
    def __init__(self, folder: Path, episodes: dict[str, EpisodeEntry] | None = None):
        self.folder = Path(folder)
        self.episodes: dict[str, EpisodeEntry] = dict(episodes or {})

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
            return cls(folder, {k: EpisodeEntry(**v) for k, v in data["episodes"].items()})
        except (OSError, ValueError, TypeError, KeyError):
            return cls(folder)

    def save(self) -> None:
        data = {"version": MANIFEST_VERSION,
                # in episode order, whatever order they were finished in: the same bytes every build
                "episodes": {k: asdict(v) for k, v in sorted(self.episodes.items(), key=lambda kv: kv[1].number)}}
        encoded = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        if not self.path.is_file() or self.path.read_bytes() != encoded:
            atomic_write(self.path, encoded)
