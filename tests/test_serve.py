"""The local server, with real HTTP requests on 127.0.0.1 (an ephemeral port, the server in a thread)."""

from __future__ import annotations

import email.utils
import functools
import gzip
import http.client
import os
import re
import socket
import subprocess
import sys
import urllib.request
from datetime import timedelta
from pathlib import Path

import feedparser
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


# --- gzip, ETag, Last-Modified and 304, as a host should answer -----------------------------------

GZIP = {"Accept-Encoding": "gzip, deflate"}


@pytest.mark.slow
@pytest.mark.parametrize("path, name", [
    ("/feed.xml", "feed.xml"),
    ("/", "index.html"),
    ("/episode-001.vtt", "episode-001.vtt"),
    ("/episode-001.srt", "episode-001.srt"),
    ("/episode-001.chapters.json", "episode-001.chapters.json"),
    ("/manifest.json", "manifest.json"),
])
def test_text_is_gzipped_for_a_client_that_accepts_it(served, path, name):
    out, port, _base, _ = served
    status, headers, body = _request(port, "GET", path, GZIP)
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == (out / name).read_bytes()
    assert int(headers["Content-Length"]) == len(body) < (out / name).stat().st_size
    assert headers["Vary"] == "Accept-Encoding" and headers["ETag"].endswith('-gzip"')
    # HEAD says the same, without the body
    status, head, nothing = _request(port, "HEAD", path, GZIP)
    assert status == 200 and nothing == b""
    assert {k: head[k] for k in ("Content-Length", "Content-Encoding", "ETag")} == \
        {k: headers[k] for k in ("Content-Length", "Content-Encoding", "ETag")}


@pytest.mark.slow
@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0", "br", "gzip;q=0, *"])
def test_text_is_sent_as_it_is_to_a_client_that_does_not_take_gzip(served, accept):
    out, port, _base, _ = served
    status, headers, body = _request(port, "GET", "/feed.xml", {"Accept-Encoding": accept} if accept else {})
    assert status == 200 and "Content-Encoding" not in headers
    assert body == (out / "feed.xml").read_bytes()
    assert headers["Vary"] == "Accept-Encoding" and not headers["ETag"].endswith('-gzip"')


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/episode-001.mp3", "/cover.jpg", "/fonts/Amiri-Regular.ttf"])
def test_audio_images_and_fonts_are_never_gzipped(served, path):
    out, port, _base, _ = served
    status, headers, body = _request(port, "GET", path, {"Accept-Encoding": "gzip, deflate, br, *"})
    assert status == 200 and "Content-Encoding" not in headers and "Vary" not in headers
    assert body == (out / path.lstrip("/")).read_bytes()


@pytest.mark.slow
def test_a_range_of_the_feed_is_of_its_bytes_even_when_gzip_is_accepted(served):
    out, port, _base, _ = served
    data = (out / "feed.xml").read_bytes()
    status, headers, body = _request(port, "GET", "/feed.xml", {**GZIP, "Range": "bytes=10-99"})
    assert status == 206 and "Content-Encoding" not in headers
    assert body == data[10:100] and headers["Content-Range"] == f"bytes 10-99/{len(data)}"


@pytest.mark.slow
@pytest.mark.parametrize("path, headers", [
    ("/feed.xml", GZIP),
    ("/feed.xml", {}),
    ("/index.html", GZIP),
    ("/episode-002.mp3", {}),
])
def test_if_none_match_with_the_etag_is_304_and_nothing_else(served, path, headers):
    _out, port, _base, _ = served
    status, first, _body = _request(port, "GET", path, headers)
    assert status == 200 and first["ETag"].startswith('"') and first["Last-Modified"]
    status, again, body = _request(port, "GET", path, {**headers, "If-None-Match": first["ETag"]})
    assert status == 304 and body == b"" and "Content-Length" not in again
    assert again["ETag"] == first["ETag"] and again["Last-Modified"] == first["Last-Modified"]
    for other in ('"0-0"', 'W/"0-0"', '"0-0", "1-1"'):
        assert _request(port, "GET", path, {**headers, "If-None-Match": other})[0] == 200


@pytest.mark.slow
@pytest.mark.parametrize("given", ["{tag}", "W/{tag}", '"nothing", {tag}', "*", "{plain}"])
def test_if_none_match_forms(served, given):
    _out, port, _base, _ = served
    gzipped = _request(port, "HEAD", "/feed.xml", GZIP)[1]["ETag"]
    plain = _request(port, "HEAD", "/feed.xml")[1]["ETag"]
    assert gzipped != plain
    # weak comparison; the tag of the plain file stands for the same version of the gzipped one
    status, _headers, _body = _request(port, "GET", "/feed.xml",
                                       {**GZIP, "If-None-Match": given.format(tag=gzipped, plain=plain)})
    assert status == 304


@pytest.mark.slow
def test_if_modified_since(served):
    out, port, _base, _ = served
    modified = _request(port, "HEAD", "/feed.xml")[1]["Last-Modified"]
    when = email.utils.parsedate_to_datetime(modified)
    assert int(when.timestamp()) == int((out / "feed.xml").stat().st_mtime)
    earlier = email.utils.format_datetime(when - timedelta(seconds=1), usegmt=True)
    later = email.utils.format_datetime(when + timedelta(days=1), usegmt=True)
    assert _request(port, "GET", "/feed.xml", {"If-Modified-Since": modified})[0] == 304
    assert _request(port, "GET", "/feed.xml", {"If-Modified-Since": later})[0] == 304
    status, _headers, body = _request(port, "GET", "/feed.xml", {"If-Modified-Since": earlier})
    assert status == 200 and body == (out / "feed.xml").read_bytes()
    assert _request(port, "GET", "/feed.xml", {"If-Modified-Since": "yesterday"})[0] == 200
    # If-None-Match decides when both are given (RFC 9110 13.2.2)
    assert _request(port, "GET", "/feed.xml", {"If-Modified-Since": modified, "If-None-Match": '"0-0"'})[0] == 200


@pytest.mark.slow
def test_if_range_honours_the_range_only_for_the_same_version(served):
    out, port, _base, _ = served
    data = (out / "episode-001.mp3").read_bytes()
    headers = _request(port, "HEAD", "/episode-001.mp3")[1]
    for validator, status in ((headers["ETag"], 206), (headers["Last-Modified"], 206),
                              ('"0-0"', 200), ("W/" + headers["ETag"], 200),
                              ("Thu, 01 Jan 1998 00:00:00 GMT", 200)):
        got, _headers, body = _request(port, "GET", "/episode-001.mp3",
                                       {"Range": "bytes=0-99", "If-Range": validator})
        assert (got, body) == (status, data[:100] if status == 206 else data), validator


@pytest.mark.slow
def test_a_304_leaves_the_connection_usable(served):
    out, port, _base, _ = served
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request("GET", "/feed.xml", headers=GZIP)
        first = connection.getresponse()
        first.read()
        connection.request("GET", "/feed.xml", headers={**GZIP, "If-None-Match": first.getheader("ETag")})
        second = connection.getresponse()
        assert second.status == 304 and second.read() == b""
        connection.request("GET", "/episode-001.vtt")
        third = connection.getresponse()
        assert third.status == 200 and third.read() == (out / "episode-001.vtt").read_bytes()
    finally:
        connection.close()


def test_a_changed_file_gets_a_new_etag_and_is_sent_again(tmp_path):
    (tmp_path / "feed.xml").write_text("<rss>one</rss>" * 50, encoding="utf-8")
    server = make_server(tmp_path, "127.0.0.1", 0)
    serve_in_thread(server)
    port = server.server_address[1]
    try:
        status, first, body = _request(port, "GET", "/feed.xml", GZIP)
        assert status == 200 and gzip.decompress(body) == b"<rss>one</rss>" * 50
        assert _request(port, "GET", "/feed.xml", {**GZIP, "If-None-Match": first["ETag"]})[0] == 304
        (tmp_path / "feed.new").write_text("<rss>two</rss>" * 50, encoding="utf-8")
        os.replace(tmp_path / "feed.new", tmp_path / "feed.xml")   # as a build writes it
        status, second, body = _request(port, "GET", "/feed.xml", {**GZIP, "If-None-Match": first["ETag"]})
        assert status == 200 and gzip.decompress(body) == b"<rss>two</rss>" * 50
        assert second["ETag"] != first["ETag"]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_feedparser_fetches_gzipped_and_gets_304_on_refresh(served):
    """feedparser as an app uses it: it asks for gzip, keeps the ETag and date, and sends them back."""
    out, _port, base, _ = served
    url = base + "feed.xml"
    first = feedparser.parse(url)
    assert not first.bozo and first.status == 200 and len(first.entries) == 3
    assert first.headers["content-encoding"] == "gzip"
    assert first.etag and first.modified
    assert feedparser.parse(url, etag=first.etag).status == 304
    assert feedparser.parse(url, modified=first.modified).status == 304
