"""Files over HTTP, whole and checked, for `voices download` (`engines/voices.py`).

A file is fetched into `NAME.part` beside where it goes, resumed with an HTTP range when an
earlier download left a part (and the server takes ranges), checked against its expected size
and MD5, fetched again from the start once when a resumed file does not check out, and only then
renamed into place. Offline is said within CONNECT_TIMEOUT: the host is reached first in a thread
(name resolution has no timeout of its own), then every request has a timeout.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from hijra_audio.errors import DownloadError

CONNECT_TIMEOUT = 1.5                  # seconds to reach the host: offline is said within 2 s
READ_TIMEOUT = 30.0
CHUNK = 1 << 16                        # bytes read at once: an interrupted read loses at most this


def fetch_checked(url: str, target: Path, size: int, md5: str, progress: Callable[[int], None],
                  hint: str = "") -> None:
    """`url` into `target`, `size` bytes whose MD5 is `md5`; `progress(bytes so far)`. `hint`
    ends the messages (what to check when it fails)."""
    if target.is_file() and target.stat().st_size == size and md5sum(target) == md5:
        progress(size)
        return
    part = target.with_name(f"{target.name}.part")
    for fresh in (False, True):
        if fresh:
            part.unlink(missing_ok=True)
        _fetch(url, part, size, progress)
        got, digest = part.stat().st_size, md5sum(part)
        if got == size and digest == md5:
            os.replace(part, target)
            return
    part.unlink(missing_ok=True)
    raise DownloadError(f"{target.name}: the download does not match the index ({got} bytes, MD5 {digest}; the "
                        f"index says {size} bytes, MD5 {md5}). Nothing was installed; run the command again"
                        f"{hint}.")


def _fetch(url: str, part: Path, size: int, progress: Callable[[int], None]) -> None:
    """`url` into `part`, resuming what it holds when the server takes a range."""
    have = part.stat().st_size if part.is_file() else 0
    if have >= size:
        if have == size:
            progress(have)
            return
        part.unlink()
        have = 0
    response = get(url, {"Range": f"bytes={have}-"} if have else None)
    try:
        resumed = bool(have) and response.status_code == 206 and \
            response.headers.get("Content-Range", "").startswith(f"bytes {have}-")
        have = have if resumed else 0
        with open(part, "ab" if resumed else "wb") as handle:
            progress(have)
            for block in response.iter_content(CHUNK):
                handle.write(block)
                have += len(block)
                progress(have)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:   # requests' connection and read errors are OSErrors too
        raise DownloadError(f"the download of {url} stopped: {exc}. What was fetched is kept: run the command "
                            f"again to resume.") from None
    finally:
        response.close()


def md5sum(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def get(url: str, headers: dict | None = None, hint: str = ""):
    """A streamed GET of `url` with timeouts (a requests Response); offline or an HTTP error is
    a DownloadError that says what to do, ending with `hint`."""
    import requests

    reach(url, hint)
    try:
        response = requests.get(url, headers=headers or {}, stream=True, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
    except requests.RequestException as exc:
        raise DownloadError(offline(url, str(exc), hint)) from None
    if response.status_code >= 400:
        response.close()
        raise DownloadError(f"{url}: the server answered HTTP {response.status_code}; try again later{hint}.")
    return response


def reach(url: str, hint: str = "") -> None:
    """Connect to the URL's host within CONNECT_TIMEOUT, or raise: the connection is tried in a
    thread, left behind when it takes longer."""
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    outcome: list[OSError | None] = []

    def connect() -> None:
        try:
            socket.create_connection((host, port), timeout=CONNECT_TIMEOUT).close()
            outcome.append(None)
        except OSError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=connect, daemon=True)
    thread.start()
    thread.join(CONNECT_TIMEOUT)
    if not outcome:
        raise DownloadError(offline(url, f"no answer from {host} within {CONNECT_TIMEOUT:g} s", hint))
    if outcome[0] is not None:
        raise DownloadError(offline(url, f"cannot reach {host}: {outcome[0]}", hint))


def offline(url: str, why: str, hint: str = "") -> str:
    return f"cannot download {url} ({why}). Connect to the internet and run the command again{hint}."
