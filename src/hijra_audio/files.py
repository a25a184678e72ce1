"""The ground floor: files written whole or not at all, and the lock on an output folder.

Every file a build writes (clips, MP3s, the feed, the manifest, the plan) goes through
`atomic_write`: a temporary file in the same folder, moved into place, so that a crash never
leaves half a file; an episode's files (MP3, captions, chapters) go through `write_all`, all or
none, so that a full disk never leaves new captions beside an old MP3. A file a library writes by
its path (the audiobook, too large to hold in memory) is written the same way through
`atomic_file`. `locked` keeps two builds out of one output folder.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from hijra_audio.errors import OutputLocked

LOCK_NAME = ".lock"

def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write `data` to `path` so that readers see the old file or the whole new one, never a part.
    `durable`: on disk (fsync) before it replaces the old one, so that it survives a crash of the
    machine too; clips need not be (their checksum tells a torn one, which is spoken again), and a
    book has tens of thousands of them (0.4 ms each here, tens of ms on a slow disk)."""
    write_all({Path(path): data}, durable)


def write_all(files: dict[Path, bytes], durable: bool = True) -> None:
    """Write several files as `atomic_write` does, and all of them or none: each is written to a
    temporary file first, and only when all are whole (a full disk fails here, leaving every old
    file as it was) are they moved into place, in order. An OSError names the file it was for."""
    written: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path = Path(path)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
                written.append((tmp, path))
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    if durable:
                        os.fsync(handle.fileno())
                os.chmod(tmp, 0o666 & ~_umask())
            except OSError as error:
                raise _naming(error, path) from None
        for tmp, path in written:
            try:
                os.replace(tmp, path)
            except OSError as error:
                raise _naming(error, path) from None
    except BaseException:
        for tmp, _path in written:
            Path(tmp).unlink(missing_ok=True)
        raise


def _naming(error: OSError, path: Path) -> OSError:
    """`error` saying which file it was writing (a full disk's error names none)."""
    return OSError(error.errno, error.strerror or str(error), str(path)) if error.errno else error


@contextmanager
def atomic_file(path: Path):
    """The path of a temporary file beside `path` for the caller to write; when the block ends
    without an error it is made durable and moved into place (readers see the old file or the
    whole new one), else removed: the old file stays as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as handle:
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


@contextmanager
def locked(folder: Path):
    """Hold an exclusive lock on an output folder; a second build stops at once."""
    with exclusive(Path(folder) / LOCK_NAME, lambda: OutputLocked(
            f"{folder}: another hijra-audio build is writing this folder. Wait for it to finish, or build "
            f"into another folder with -o.")):
        yield


@contextmanager
def exclusive(path: Path, busy: Callable[[], Exception]):
    """Hold an exclusive lock on the file `path` (made when missing); when another process holds
    it, `busy()` is raised at once."""
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise busy() from None
        yield
