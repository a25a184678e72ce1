"""Content-addressed clips: every spoken segment, kept outside the published folder.

A clip's key is a hash of the engine identity, the exact text handed to the engine and a schema
version: the same text with the same engine is never synthesized twice. Each entry carries a
checksum; a corrupt entry is detected, dropped and rebuilt. Entries are written whole or not at
all (`files.atomic_write`).
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from hijra_audio.engines.base import Clip
from hijra_audio.files import atomic_write

SCHEMA_VERSION = 1
_MAGIC = b"HJAC"
_HEADER = struct.Struct("<4sIII")  # magic, sample rate, frame count, crc32 of the samples


def clip_key(identity: dict[str, str], text: str) -> str:
    payload = json.dumps({"schema": SCHEMA_VERSION, "engine": identity, "text": text},
                         ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class ClipCache:
    """Clips on disk under `root`, one file per key."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.clip"

    def __contains__(self, key: str) -> bool:
        return self.path(key).is_file()

    def get(self, key: str) -> Clip | None:
        """The clip stored under `key`, or None when missing or corrupt (a corrupt file is removed)."""
        path = self.path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        clip = _decode(data)
        if clip is None:
            path.unlink(missing_ok=True)
        return clip

    def put(self, key: str, clip: Clip) -> None:
        header = _HEADER.pack(_MAGIC, clip.sample_rate, clip.frames, zlib.crc32(clip.samples))
        atomic_write(self.path(key), header + clip.samples, durable=False)

    def keys(self) -> set[str]:
        return {p.stem for p in self.root.glob("*/*.clip")}

    def size(self, keys: set[str] | None = None) -> int:
        """Bytes on disk of the given entries (all when None)."""
        paths = self.root.glob("*/*.clip") if keys is None else (self.path(k) for k in keys)
        return sum(p.stat().st_size for p in paths if p.is_file())

    def report(self, used: set[str], removed: int = 0, freed: int = 0) -> "CacheReport":
        """Its entries and size, and how many of them are in `used`."""
        keys = self.keys()
        return CacheReport(self.root, len(keys), self.size(), len(keys & used), removed, freed)

    def prune(self, keep: set[str]) -> tuple[int, int]:
        """Remove every entry not in `keep` (and stray temporary files); returns (count, bytes)."""
        count = freed = 0
        for path in list(self.root.glob("*/*")):
            if path.suffix == ".clip" and path.stem in keep:
                continue
            freed += path.stat().st_size
            path.unlink(missing_ok=True)
            count += path.suffix == ".clip"
        return count, freed


@dataclass(frozen=True)
class CacheReport:
    folder: Path
    entries: int
    bytes: int
    used: int          # entries some episode in the manifest is made of
    removed: int = 0
    freed: int = 0
    why: str = ""      # how its place was chosen (rebuild/location.py)
    aac: int = 0       # the audiobook's AAC files (one per episode version: `caches`)
    aac_bytes: int = 0
    aac_used: int = 0
    aac_removed: int = 0
    aac_freed: int = 0


def _decode(data: bytes) -> Clip | None:
    if len(data) < _HEADER.size:
        return None
    magic, rate, frames, crc = _HEADER.unpack_from(data)
    samples = data[_HEADER.size:]
    if magic != _MAGIC or len(samples) != frames * 2 or zlib.crc32(samples) != crc or rate <= 0:
        return None
    return Clip(samples, rate)
