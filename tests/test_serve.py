"""The local server, with real HTTP requests on 127.0.0.1 (an ephemeral port, the server in a thread)."""

from __future__ import annotations

import functools
import http.client
import os
import re
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import podcastparser
import pytest

from hijra_audio.pipeline import BuildRequest, build
from hijra_audio.serve import (
    content_type,
    lan_address,
    make_server,
    parse_range,
    public_url,
    serve_in_thread,
)
from tests.fakes import FakeEngine

SECRET = b"not for the podcast app"
TIMEOUT = 10


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The bundled show built for the address a server in a thread listens on."""
    top = tmp_path_factory.mktemp("serve")
    (top / "secret.txt").write_bytes(SECRET)
    out = top / "out"
    out.mkdir()
    requests: list[str] = []
    server = make_server(out, "127.0.0.1", 0, log=requests.append)
    serve_in_thread(server)
    port = server.server_address[1]
    base = f"http://127.0.0.1:{port}/"
    build(BuildRequest(output=out, base_url=base, jobs=1,
                       engine_factory=functools.partial(FakeEngine, str(top / "calls.log"))))
    os.symlink(top / "secret.txt", out / "secret-link.txt")
    os.symlink(top, out / "up")
    os.symlink(out / "episode-001.mp3", out / "inside-link.mp3")
    yield out, port, base, requests
    server.shutdown()
    server.server_close()


def _request(port: int, method: str, path: str, headers: dict | None = None):
    """One raw request: http.client sends the path exactly as given (no `..` folding)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.mark.slow
def test_head_gives_the_headers_of_get_and_no_body(served):
    out, port, _base, _ = served
    status, headers, body = _request(port, "HEAD", "/episode-001.mp3")
    size = (out / "episode-001.mp3").stat().st_size
    assert status == 200 and body == b""
    assert headers["Content-Type"] == "audio/mpeg"
    assert int(headers["Content-Length"]) == size
    assert headers["Accept-Ranges"] == "bytes"


@pytest.mark.slow
def test_a_range_in_the_middle_of_an_mp3(served):
    out, port, _base, _ = served
    data = (out / "episode-002.mp3").read_bytes()
    first, last = len(data) // 3, len(data) // 3 + 9999
    status, headers, body = _request(port, "GET", "/episode-002.mp3", {"Range": f"bytes={first}-{last}"})
    assert status == 206
    assert headers["Content-Range"] == f"bytes {first}-{last}/{len(data)}"
    assert int(headers["Content-Length"]) == 10000 and body == data[first:last + 1]


@pytest.mark.slow
@pytest.mark.parametrize("spec, status, part", [
    ("bytes=-500", 206, slice(-500, None)),           # the last 500 bytes
    ("bytes=100-", 206, slice(100, None)),
    ("bytes=0-0", 206, slice(0, 1)),
    ("bytes=10-999999999", 206, slice(10, None)),      # clamped to the end
    ("bytes=5-2", 200, slice(None)),                   # invalid: ignored
    ("items=0-5", 200, slice(None)),                   # not bytes: ignored
    ("bytes=0-1,5-6", 200, slice(None)),               # several ranges: the whole file
])
def test_range_forms(served, spec, status, part):
    out, port, _base, _ = served
    data = (out / "episode-003.mp3").read_bytes()
    got, headers, body = _request(port, "GET", "/episode-003.mp3", {"Range": spec})
    assert got == status and body == data[part]


@pytest.mark.slow
@pytest.mark.parametrize("spec", ["bytes={size}-", "bytes={size}-{bigger}", "bytes=-0"])
def test_a_range_past_the_end_is_416(served, spec):
    out, port, _base, _ = served
    size = (out / "episode-001.mp3").stat().st_size
    status, headers, body = _request(port, "GET", "/episode-001.mp3",
                                     {"Range": spec.format(size=size, bigger=size + 10)})
    assert status == 416 and headers["Content-Range"] == f"bytes */{size}" and body == b""


@pytest.mark.slow
@pytest.mark.parametrize("path", [
    "/../secret.txt",
    "/../../../../etc/passwd",
    "/%2e%2e/secret.txt",
    "/%2E%2E%2Fsecret.txt",
    "/..%2fsecret.txt",
    "/episode-001.mp3/../../secret.txt",
    "/fonts/%2e%2e/%2e%2e/secret.txt",
    "/%252e%252e/secret.txt",            # double-encoded: names a file "%2e%2e" that is not there
    "/..\\secret.txt",
    "/secret-link.txt",                   # a symlink pointing out of the folder
    "/up/secret.txt",                     # a folder symlink pointing out
    "/.cache/",                           # hidden: the clip cache and lock are not served
    "/.lock",
    "/%00",
    "/%ff%fe",
    "/fonts/",                            # a folder without index.html: no listing
])
def test_paths_outside_the_folder_are_refused(served, path):
    _out, port, _base, _ = served
    status, _headers, body = _request(port, "GET", path)
    assert status == 404 and SECRET not in body and b"root:" not in body


@pytest.mark.slow
def test_a_symlink_inside_the_folder_is_served(served):
    out, port, _base, _ = served
    status, _headers, body = _request(port, "GET", "/inside-link.mp3")
    assert status == 200 and body == (out / "episode-001.mp3").read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("path, mime", [
    ("/", "text/html; charset=utf-8"),
    ("/index.html", "text/html; charset=utf-8"),
    ("/feed.xml", "application/rss+xml; charset=utf-8"),
    ("/manifest.json", "application/json"),
    ("/cover.jpg", "image/jpeg"),
    ("/fonts/Amiri-Regular.ttf", "font/ttf"),
])
def test_mime_types_over_http(served, path, mime):
    _out, port, _base, _ = served
    status, headers, _body = _request(port, "HEAD", path)
    assert status == 200 and headers["Content-Type"] == mime


@pytest.mark.parametrize("name, mime", [
    ("episode-001.vtt", "text/vtt; charset=utf-8"),
    ("episode-001.chapters.json", "application/json+chapters"),
    ("x.MP3", "audio/mpeg"),
    ("x.bin", "application/octet-stream"),
])
def test_content_type(name, mime):
    assert content_type(Path(name)) == mime


@pytest.mark.slow
def test_podcastparser_fetches_the_feed_and_every_enclosure_downloads_whole(served):
    out, port, base, _ = served
    url = base + "feed.xml"
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        assert response.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
        parsed = podcastparser.parse(url, response)
    assert len(parsed["episodes"]) == 3
    for episode in parsed["episodes"]:
        enclosure = episode["enclosures"][0]
        assert enclosure["url"].startswith(base)
        with urllib.request.urlopen(enclosure["url"], timeout=TIMEOUT) as response:
            body = response.read()
        assert len(body) == enclosure["file_size"] == int(response.headers["Content-Length"])
        assert body == (out / enclosure["url"].removeprefix(base)).read_bytes()


@pytest.mark.parametrize("header, size, expected", [
    ("bytes=0-9", 100, (0, 9)),
    ("bytes=90-", 100, (90, 99)),
    ("bytes=-10", 100, (90, 99)),
    ("bytes=-1000", 100, (0, 99)),
    ("bytes=100-", 100, "unsatisfiable"),
    ("bytes=-0", 100, "unsatisfiable"),
    ("bytes=0-", 0, "unsatisfiable"),
    ("bytes=9-3", 100, None),
    ("bytes=-", 100, None),
    ("bytes=a-b", 100, None),
])
def test_parse_range(header, size, expected):
    assert parse_range(header, size) == expected


def test_lan_address_and_public_url():
    address = lan_address()
    socket.inet_aton(address)   # an IPv4 address
    assert public_url("0.0.0.0", 8000) == f"http://{address}:8000/"
    assert public_url("127.0.0.1", 8123) == "http://127.0.0.1:8123/"


def test_a_missing_folder_is_a_clear_error(tmp_path):
    from hijra_audio.serve import ServeError

    with pytest.raises(ServeError, match="no such folder"):
        make_server(tmp_path / "nothing", "127.0.0.1", 0)


def _serve_cli(out, *options, check):
    """Run `hijra-audio serve OUT OPTIONS`, call `check(url, port)` once it listens, stop it, and
    return (its url, everything it printed)."""
    process = subprocess.Popen([sys.executable, "-m", "hijra_audio", "serve", str(out), "--port", "0", *options],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        url = re.search(r"at (http://\S+)", first).group(1)
        check(url, int(url.rstrip("/").rsplit(":", 1)[1]))
    finally:
        process.terminate()
        process.wait(timeout=TIMEOUT)
        # read through the same text buffer readline() used: communicate() reads the pipe itself
        # and would miss lines readline() had already buffered
        rest = process.stdout.read()
        process.stdout.close()
        process.stderr.close()
    return url, first + rest


@pytest.mark.slow
def test_cli_serves_on_loopback_by_default(served, tmp_path):
    out, _port, _base, _ = served

    def check(url, port):
        assert url.startswith("http://127.0.0.1:")
        assert _request(port, "HEAD", "/feed.xml")[0] == 200

    url, text = _serve_cli(out, check=check)
    assert "feed: " + url + "feed.xml" in text
    assert "--base-url" in text   # the feed was built for another port: says how to rebuild


@pytest.mark.slow
def test_cli_on_all_interfaces_prints_the_lan_url_and_how_to_build_for_it(served):
    out, _port, _base, _ = served

    def check(url, port):
        assert url == f"http://{lan_address()}:{port}/"
        assert _request(port, "HEAD", "/")[0] == 200

    url, output = _serve_cli(out, "--host", "0.0.0.0", "-q", check=check)
    assert f"build --base-url {url}" in output
    assert "same network" in output


@pytest.mark.slow
def test_cli_port_in_use_is_a_one_line_error(served):
    _out, port, _base, _ = served
    result = subprocess.run([sys.executable, "-m", "hijra_audio", "serve", str(_out), "--port", str(port)],
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 1
    assert "--port" in result.stderr and "Traceback" not in result.stderr
