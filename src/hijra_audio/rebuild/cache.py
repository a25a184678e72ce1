"""Content-addressed clips, atomic writes, and the lock on an output folder.

A clip's key is a hash of the engine identity, the exact text handed to the engine and a schema
version: the same text with the same engine is never synthesized twice. Each entry carries a
checksum; a corrupt entry is detected, dropped and rebuilt. Every file is written to a temporary
file in the same folder and moved into place, so a crash never leaves half a file.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import struct
import tempfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hijra_audio.engines.base import Clip
from hijra_audio.errors import OutputLocked

LOCK_NAME = ".lock"

SCHEMA_VERSION = 1
_MAGIC = b"HJAC"
_HEADER = struct.Struct("<4sIII")  # magic, sample rate, frame count, crc32 of the samples


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one, never a part.
    `durable`: on disk (fsync) before it replaces the old one, so that it survives a crash of the
    machine too; clips need not be (their checksum tells a torn one, which is spoken again), and a
    book has tens of thousands of them (0.4 ms each here, tens of ms on a slow disk)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


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


@contextmanager
def locked(folder: Path):
    """Hold an exclusive lock on an output folder; a second build stops at once."""
    handle = open(Path(folder) / LOCK_NAME, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputLocked(f"{folder}: another hijra-audio build is writing this folder. "
                               f"Wait for it to finish, or build into another folder with -o.") from None
        yield
    finally:
        handle.close()


def _decode(data: bytes) -> Clip | None:
    if len(data) < _HEADER.size:
        return None
    magic, rate, frames, crc = _HEADER.unpack_from(data)
    samples = data[_HEADER.size:]
    if magic != _MAGIC or len(samples) != frames * 2 or zlib.crc32(samples) != crc or rate <= 0:
        return None
    return Clip(samples, rate)
