"""`check`'s warning about the size of the built feed (publish/check.py: check_feed), as a table;
the same at the end of a build: tests/test_feed.py; through `hijra-audio check`: tests/test_own_show.py."""

from __future__ import annotations

import pytest

from hijra_audio.config import ShowConfig
from hijra_audio.publish.check import check_feed

ITEM = b"<item><title>x</title></item>\n"


def _feed(tmp_path, size: int, items: int = 200):
    body = ITEM * items
    path = tmp_path / "feed.xml"
    path.write_bytes(b"<rss>" + body + b" " * max(0, size - len(body) - 11) + b"</rss>")
    assert path.stat().st_size == max(size, len(body) + 11)
    return path


@pytest.mark.parametrize("size, notes, says, not_said", [
    (1_000_000, "short", None, None),                                   # 1 MB is still fine
    (1_000_001, "full", ['1.0 MB', '200 episodes', 'show_notes = "full"'], ["goread", "Pocket Casts"]),
    (1_500_000, "short", ["1.5 MB", "episode_minutes, now 10"], ["show_notes", "goread"]),
    (2 * 1024 * 1024 + 1, "full", ["goread (2 MiB", "goread issue 343"], ["Pocket Casts"]),
    (3_600_000, "full", ["3.6 MB", "goread (2 MiB", "Pocket Casts (3.0 MB", "MinusPod issue 67",
                         "18.0 KB each"], []),
])
def test_check_feed(tmp_path, size, notes, says, not_said):
    found = check_feed(ShowConfig(show_notes=notes), _feed(tmp_path, size))
    if says is None:
        assert found == ()
        return
    [warning] = found
    assert warning.startswith("feed.xml is ")
    for part in says:
        assert part in warning
    for part in not_said:
        assert part not in warning


def test_no_feed_no_warning(tmp_path):
    assert check_feed(ShowConfig(), tmp_path / "feed.xml") == ()
