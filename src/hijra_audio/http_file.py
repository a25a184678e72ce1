"""How an HTTP server answers a request for a file, as podcast apps and browsers expect: its
MIME type, byte ranges (206, 416), conditional requests (ETag and Last-Modified; 304 for
If-None-Match and If-Modified-Since; If-Range), and gzip for text (the feed, the page, captions,
chapters) when the client accepts it, never for the MP3s. Pure functions of the request's headers
and the file's stat, and the cache of gzipped files; `serve.py` is the server that uses them.
"""

from __future__ import annotations

import email.utils
import gzip
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path

from hijra_audio.publish.names import CHAPTERS_SUFFIX, CHAPTERS_TYPE

MIME_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4b": "audio/mp4",           # build --audiobook
    ".xml": "application/rss+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
}
# Types sent gzipped to a client that accepts it, besides text/*: the feed, chapters, the manifest.
TEXT_TYPES = {"application/rss+xml", "application/xml", "application/json", CHAPTERS_TYPE,
              "application/x-subrip", "image/svg+xml"}
GZIP_MAX_BYTES = 32 * 1024 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def content_type(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(CHAPTERS_SUFFIX):
        return CHAPTERS_TYPE
    return MIME_TYPES.get(path.suffix.lower(), "application/octet-stream")


def parse_range(header: str, size: int) -> tuple[int, int] | None | str:
    """(first, last) byte of a single `bytes=` range; None to send the whole file (no header, a
    form we do not serve, e.g. several ranges); "unsatisfiable" for a range past the end."""
    match = _RANGE.match(header.strip())
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.group(1), match.group(2)
    if first == "":                       # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            return "unsatisfiable"
        return max(0, size - length), size - 1
    start = int(first)
    if last and int(last) < start:
        return None                       # syntactically invalid: ignore the header (RFC 9110)
    if start >= size:
        return "unsatisfiable"
    end = int(last) if last else size - 1
    return start, min(end, size - 1)


@dataclass(frozen=True)
class Validators:
    """What every answer about a file says of its version: its ETag, its Last-Modified date, and
    whether it varies with Accept-Encoding (text types: sent gzipped to a client that accepts it)."""
    etag: str
    last_modified: str
    vary: bool


def compressible(kind: str, size: int) -> bool:
    """Text worth gzipping: the feed, the page, captions, chapters, manifest (never the MP3s,
    images or fonts, which are compressed already), up to GZIP_MAX_BYTES."""
    base = kind.split(";")[0].strip().lower()
    return (base.startswith("text/") or base in TEXT_TYPES) and size <= GZIP_MAX_BYTES


def accepts_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header takes gzip (RFC 9110 12.5.3): `gzip` (or `x-gzip`), else
    `*`, with a q-value above 0."""
    weights = {}
    for part in header.split(","):
        name, *params = [piece.strip() for piece in part.split(";")]
        weight = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if name:
            weights.setdefault(name.lower(), weight)
    for name in ("gzip", "x-gzip", "*"):
        if name in weights:
            return weights[name] > 0
    return False


def etag(stat: os.stat_result, gzipped: bool = False) -> str:
    """A strong ETag for the file as `stat` saw it (a build replaces a file whole, so a new version
    has a new modification time), `-gzip` for its gzipped form."""
    return f'"{stat.st_size:x}-{stat.st_mtime_ns:x}{"-gzip" if gzipped else ""}"'


def not_modified(headers, tag: str, mtime: float) -> bool:
    """Whether a GET or HEAD is answered 304 (RFC 9110 13.2.2): If-None-Match when there is one (weak
    comparison; either form of the file, plain or gzipped, is the version the client has), else
    If-Modified-Since (not modified since that date, to the second)."""
    none_match = headers.get("If-None-Match")
    if none_match is not None:
        ours = _opaque(tag)
        return any(given.strip() == "*" or _opaque(given) == ours for given in none_match.split(","))
    since = _date(headers.get("If-Modified-Since", ""))
    return since is not None and int(mtime) <= since


def if_range_holds(header: str, tag: str, mtime: float) -> bool:
    """Whether a Range may be honoured (RFC 9110 13.1.5): no If-Range, or one naming the file as it
    is, by its ETag (strong comparison) or its exact Last-Modified date; else the whole file."""
    header = header.strip()
    if not header:
        return True
    if header.startswith(('"', "W/")):
        return header == tag
    given = _date(header)
    return given is not None and given == int(mtime)


def _opaque(tag: str) -> str:
    return tag.strip().removeprefix("W/").strip('"').removesuffix("-gzip")


def _date(text: str) -> int | None:
    """An HTTP date as a Unix time, or None when it is not one."""
    try:
        moment = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)   # HTTP dates are GMT
    return int(moment.timestamp())


class GzipCache:
    """Gzipped files by version (device, inode, modification time, size): a feed is compressed
    once per build, however often apps fetch it. Keeps the last `entries`."""

    def __init__(self, entries: int = 32):
        self.entries = entries
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, stat: os.stat_result, read: Callable[[], bytes]) -> bytes:
        key = (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        data = gzip.compress(read(), compresslevel=6, mtime=0)
        with self._lock:
            self._items[key] = data
            while len(self._items) > self.entries:
                self._items.popitem(last=False)
        return data
