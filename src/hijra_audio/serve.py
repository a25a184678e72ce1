"""A local HTTP server for the output folder, so a podcast app (on this machine, or on a phone on
the same network) can subscribe to the feed and play the episodes.

Standard library only (`http.server`). What podcast apps need and `python -m http.server` lacks
(the HTTP rules are in `http_file.py`): byte ranges (apps seek with them: 206 with Content-Range,
416 past the end), the right MIME types (audio/mpeg, application/rss+xml, text/vtt), the feed,
page, captions and chapters gzipped for a client that accepts it (never the MP3s), an ETag and
Last-Modified date on every file with 304 Not Modified for If-None-Match and If-Modified-Since (an
app that refreshes an unchanged feed downloads nothing), and no way out of the folder: `..`, its
percent-encoded forms and symlinks pointing outside are refused, and so are hidden files
(`.cache`, `.lock`). It binds to 127.0.0.1 unless told otherwise. No directory listings.
"""

from __future__ import annotations

import email.utils
import os
import socket
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from hijra_audio.errors import HijraAudioError
from hijra_audio.http_file import (
    GzipCache,
    Validators,
    accepts_gzip,
    compressible,
    content_type,
    etag,
    if_range_holds,
    not_modified,
    parse_range,
)
from hijra_audio.publish.names import FEED_NAME, PAGE_NAME

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
CHUNK = 64 * 1024


class ServeError(HijraAudioError):
    """The folder cannot be served (missing, or the address is taken)."""


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


class OutputHandler(BaseHTTPRequestHandler):
    server_version = "hijra-audio"
    protocol_version = "HTTP/1.1"
    root: Path = Path(".")
    log: Callable[[str], None] | None = None
    gzipped: GzipCache = GzipCache()

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
            self._answer(handle, content_type(target), body)

    def _answer(self, handle, kind: str, body: bool) -> None:
        """304, 416, the file gzipped, a range of it, or all of it, as the request's headers ask."""
        stat = os.fstat(handle.fileno())
        text = compressible(kind, stat.st_size)
        gzip_it = text and accepts_gzip(self.headers.get("Accept-Encoding", ""))
        modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
        plain = Validators(etag(stat), modified, text)
        wanted = None
        if self.headers.get("Range") and if_range_holds(self.headers.get("If-Range", ""), plain.etag, stat.st_mtime):
            wanted = parse_range(self.headers["Range"], stat.st_size)
        chosen = Validators(etag(stat, True), modified, text) if gzip_it and wanted is None else plain
        if not_modified(self.headers, chosen.etag, stat.st_mtime):
            self._head(HTTPStatus.NOT_MODIFIED, chosen)
        elif wanted == "unsatisfiable":
            self._head(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, chosen, length=0,
                       content_range=f"bytes */{stat.st_size}")
        elif chosen is not plain:      # a range is of the file as it is, never of its gzipped form
            data = self.gzipped.get(stat, handle.read)
            self._head(HTTPStatus.OK, chosen, kind=kind, length=len(data), encoding="gzip")
            if body:
                self._write(data)
        elif wanted is None:
            self._head(HTTPStatus.OK, chosen, kind=kind, length=stat.st_size)
            if body:
                self._copy(handle, 0, stat.st_size)
        else:
            first, last = wanted
            self._head(HTTPStatus.PARTIAL_CONTENT, chosen, kind=kind, length=last - first + 1,
                       content_range=f"bytes {first}-{last}/{stat.st_size}")
            if body:
                self._copy(handle, first, last - first + 1)

    def _head(self, status: HTTPStatus, validators: Validators, *, kind: str = "", length: int | None = None,
              content_range: str = "", encoding: str = "") -> None:
        """The status line and headers of an answer about a file (a 304 has no Content-Length)."""
        self.send_response(status)
        for name, value in (("Content-Type", kind), ("Content-Encoding", encoding),
                            ("Content-Range", content_range),
                            ("Content-Length", "" if length is None else str(length)),
                            ("Accept-Ranges", "bytes"), ("ETag", validators.etag),
                            ("Last-Modified", validators.last_modified),
                            ("Cache-Control", "no-cache"),      # keep it, but ask each time (304)
                            ("Vary", "Accept-Encoding" if validators.vary else "")):
            if value:
                self.send_header(name, value)
        self.end_headers()

    def _copy(self, handle, first: int, length: int) -> None:
        handle.seek(first)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk or not self._write(chunk):
                break
            remaining -= len(chunk)

    def _write(self, data: bytes) -> bool:
        try:
            self.wfile.write(data)
            return True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True   # players often drop a range they no longer need
            return False

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
