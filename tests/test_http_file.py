"""The HTTP rules the server answers by, as tables: which clients take gzip, which types are
gzipped, when a conditional request is 304 and when a range is honoured (the same over real HTTP:
tests/test_serve.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from hijra_audio.http_file import (
    GzipCache,
    accepts_gzip,
    compressible,
    etag,
    if_range_holds,
    not_modified,
)

STAT = SimpleNamespace(st_size=0x1234, st_mtime_ns=1_764_000_000_123_456_789, st_dev=1, st_ino=2)
MTIME = 1_764_000_000.123   # Mon, 24 Nov 2025 16:00:00 GMT, and a fraction
DATE = "Mon, 24 Nov 2025 16:00:00 GMT"
TAG = f"1234-{STAT.st_mtime_ns:x}"


@pytest.mark.parametrize("header, expected", [
    ("gzip", True),
    ("gzip, deflate, br", True),
    ("GZIP", True),
    ("x-gzip", True),
    ("deflate, gzip;q=0.5", True),
    ("*", True),
    ("br;q=1.0, *;q=0.1", True),
    ("", False),
    ("identity", False),
    ("br", False),
    ("gzip;q=0", False),
    ("gzip;q=0.0, *", False),          # refused by name: * does not bring it back
    ("*;q=0", False),
    ("gzip;q=nonsense", False),
])
def test_accepts_gzip(header, expected):
    assert accepts_gzip(header) is expected


@pytest.mark.parametrize("kind, size, expected", [
    ("application/rss+xml; charset=utf-8", 100, True),
    ("text/html; charset=utf-8", 100, True),
    ("text/vtt; charset=utf-8", 100, True),
    ("application/x-subrip; charset=utf-8", 100, True),
    ("application/json+chapters", 100, True),
    ("application/json", 100, True),
    ("audio/mpeg", 100, False),
    ("image/jpeg", 100, False),
    ("font/ttf", 100, False),
    ("application/octet-stream", 100, False),
    ("text/plain; charset=utf-8", 64 * 1024 * 1024, False),   # too large to compress in memory
])
def test_compressible(kind, size, expected):
    assert compressible(kind, size) is expected


def test_etag_names_the_version_and_the_form():
    assert etag(STAT) == f'"{TAG}"'
    assert etag(STAT, True) == f'"{TAG}-gzip"'


@pytest.mark.parametrize("headers, expected", [
    ({}, False),
    ({"If-None-Match": '"{TAG}"'}, True),
    ({"If-None-Match": 'W/"{TAG}"'}, True),
    ({"If-None-Match": '"{TAG}-gzip"'}, True),
    ({"If-None-Match": '"a", "{TAG}"'}, True),
    ({"If-None-Match": "*"}, True),
    ({"If-None-Match": '"1234-0"'}, False),
    ({"If-Modified-Since": DATE}, True),
    ({"If-Modified-Since": "Mon, 24 Nov 2025 15:59:59 GMT"}, False),
    ({"If-Modified-Since": "Tue, 25 Nov 2025 00:00:00 GMT"}, True),
    ({"If-Modified-Since": "Monday, 24-Nov-25 16:00:00 GMT"}, True),    # RFC 850's form, still read
    ({"If-Modified-Since": "soon"}, False),
    ({"If-None-Match": '"1234-0"', "If-Modified-Since": DATE}, False),  # If-None-Match decides
])
def test_not_modified(headers, expected):
    headers = {name: value.format(TAG=TAG) for name, value in headers.items()}
    assert not_modified(headers, etag(STAT), MTIME) is expected


@pytest.mark.parametrize("header, expected", [
    ("", True),
    ('"{TAG}"', True),
    ('W/"{TAG}"', False),       # If-Range compares strongly
    ('"1234-0"', False),
    (DATE, True),
    ("Mon, 24 Nov 2025 15:59:59 GMT", False),
    ("garbage", False),
])
def test_if_range_holds(header, expected):
    assert if_range_holds(header.format(TAG=TAG), etag(STAT), MTIME) is expected


def test_the_gzip_cache_compresses_each_version_once():
    cache, reads = GzipCache(entries=2), []

    def read(data):
        def reader():
            reads.append(data)
            return data
        return reader

    first = cache.get(STAT, read(b"one" * 100))
    assert cache.get(STAT, read(b"ignored")) == first and reads == [b"one" * 100]
    newer = SimpleNamespace(**{**vars(STAT), "st_mtime_ns": STAT.st_mtime_ns + 1})
    cache.get(newer, read(b"two"))
    cache.get(SimpleNamespace(**{**vars(STAT), "st_ino": 9}), read(b"three"))
    cache.get(STAT, read(b"one again"))          # the oldest was let go
    assert reads == [b"one" * 100, b"two", b"three", b"one again"]
