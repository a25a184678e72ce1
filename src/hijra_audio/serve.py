"""A local HTTP server for the output folder, so a podcast app (on this machine, or on a phone on
the same network) can subscribe to the feed and play the episodes.

Standard library only (`http.server`). What podcast apps need and `python -m http.server` lacks:
byte ranges (apps seek with them: 206 with Content-Range, 416 past the end), the right MIME types
(audio/mpeg, application/rss+xml, text/vtt), and no way out of the folder: `..`, its
percent-encoded forms and symlinks pointing outside are refused, and so are hidden files
(`.cache`, `.lock`). It binds to 127.0.0.1 unless told otherwise. No directory listings.
"""

from __future__ import annotations

import email.utils
import os
import re
import socket
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from hijra_audio.errors import HijraAudioError
from hijra_audio.publish.names import (
    CHAPTERS_SUFFIX,
    CHAPTERS_TYPE,
    FEED_NAME,
    PAGE_NAME,
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
CHUNK = 64 * 1024
MIME_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4b": "audio/mp4",           # build --audiobook
    ".xml": "application/rss+xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".vtt": "text/vtt; charset=utf-8",
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
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class ServeError(HijraAudioError):
    """The folder cannot be served (missing, or the address is taken)."""


def content_type(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(CHAPTERS_SUFFIX):
        return CHAPTERS_TYPE
    return MIME_TYPES.get(path.suffix.lower(), "application/octet-stream")


def resolve(root: Path, raw_path: str) -> Path | None:
    """The file `raw_path` (a request target) names inside `root`, or None when it names anything
    outside it, anything hidden, or nothing. `root` must be resolved already."""
    path = urlsplit(raw_path).path
    decoded = unquote(path, errors="strict") if "%" in path else path
    if "\x00" in decoded or "\\" in decoded:
        return None
    parts = [p for p in decoded.split("/") if p not in ("", ".")]
    if any(p == ".." or p.startswith(".") for p in parts):
        return None
    candidate = root.joinpath(*parts) if parts else root
    try:
        real = candidate.resolve(strict=True)   # follows symlinks
    except (OSError, RuntimeError):
        return None
    if real != root and not real.is_relative_to(root):
        return None
    if real.is_dir():
        real = real / PAGE_NAME
        if not real.is_file():
            return None
    return real if real.is_file() else None


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


class OutputHandler(BaseHTTPRequestHandler):
    server_version = "hijra-audio"
    protocol_version = "HTTP/1.1"
    root: Path = Path(".")
    log: Callable[[str], None] | None = None

    def do_GET(self):
        self._respond(body=True)

    def do_HEAD(self):
        self._respond(body=False)

    def _respond(self, body: bool) -> None:
        try:
            target = resolve(self.root, self.path)
        except UnicodeDecodeError:
            target = None
        if target is None:
            self._error(HTTPStatus.NOT_FOUND, "Not found\n")
            return
        try:
            handle = open(target, "rb")
        except OSError:
            self._error(HTTPStatus.NOT_FOUND, "Not found\n")
            return
        with handle:
            stat = os.fstat(handle.fileno())
            size = stat.st_size
            wanted = parse_range(self.headers.get("Range", ""), size) if self.headers.get("Range") else None
            if wanted == "unsatisfiable":
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.send_header("Accept-Ranges", "bytes")
                self.end_headers()
                return
            if wanted is None:
                first, last = 0, size - 1
                self.send_response(HTTPStatus.OK)
            else:
                first, last = wanted
                self.send_response(HTTPStatus.PARTIAL_CONTENT)
                self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
            length = max(0, last - first + 1)
            self.send_header("Content-Type", content_type(target))
            self.send_header("Content-Length", str(length))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            if not body:
                return
            handle.seek(first)
            remaining = length
            try:
                while remaining > 0:
                    chunk = handle.read(min(CHUNK, remaining))
                    if not chunk:
                        break
                    self.wfile.write(chunk)
                    remaining -= len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True   # players often drop a range they no longer need

    def _error(self, status: HTTPStatus, text: str) -> None:
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, format, *args):  # noqa: A002 - the name http.server uses
        if self.log is not None:
            self.log(f"{self.address_string()} {format % args}")


def make_server(folder: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                log: Callable[[str], None] | None = None) -> ThreadingHTTPServer:
    """A server for `folder`, bound and ready for `serve_forever()` (port 0: any free port)."""
    root = Path(folder)
    if not root.is_dir():
        raise ServeError(f"{folder}: no such folder. Build the podcast first (hijra-audio build -o {folder}).")
    handler = type("Handler", (OutputHandler,), {"root": root.resolve(), "log": staticmethod(log) if log else None})
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port} ({exc.strerror or exc}). "
                         f"Choose another port with --port, or stop what uses this one.") from None
    server.daemon_threads = True
    return server


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="hijra-audio-serve", daemon=True)
    thread.start()
    return thread


def lan_address() -> str:
    """This machine's address on its local network, as a phone there would reach it.

    A UDP socket "connected" to a private address makes the kernel pick the outgoing interface;
    connect() on UDP sends no packet. Falls back to 127.0.0.1 when there is no network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.254.254.254", 1))
            address = probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"
    return address if address and address != "0.0.0.0" else "127.0.0.1"


def public_url(host: str, port: int) -> str:
    """The base URL others use for a server bound to host:port."""
    if host in ("0.0.0.0", "", "::"):
        host = lan_address()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def feed_self_url(folder: Path) -> str:
    """The feed's own address as written in it (atom:link rel=self), or "" when unreadable."""
    from lxml import etree

    try:
        tree = etree.parse(str(Path(folder) / FEED_NAME))
    except (OSError, etree.XMLSyntaxError):
        return ""
    found = tree.xpath("/rss/channel/atom:link[@rel='self']/@href",
                       namespaces={"atom": "http://www.w3.org/2005/Atom"})
    return str(found[0]) if found else ""


__all__ = ["make_server", "serve_in_thread", "lan_address", "public_url", "feed_self_url", "resolve",
           "parse_range", "content_type", "ServeError", "DEFAULT_HOST", "DEFAULT_PORT"]
