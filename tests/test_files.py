"""The ground floor: files written whole or not at all, several of them all or none."""

import errno

import pytest

from hijra_audio.files import atomic_write, write_all


def test_a_failed_write_leaves_every_old_file_and_no_temporary_one(tmp_path):
    (tmp_path / "episode.vtt").write_bytes(b"old captions")
    (tmp_path / "episode.mp3").write_bytes(b"old audio")
    (tmp_path / "blocked").write_bytes(b"a file where a folder is wanted")
    with pytest.raises(OSError) as failed:
        write_all({tmp_path / "episode.vtt": b"new captions", tmp_path / "blocked" / "episode.srt": b"new",
                   tmp_path / "episode.mp3": b"new audio"})
    assert failed.value.filename == str(tmp_path / "blocked" / "episode.srt")   # the error names the file
    assert (tmp_path / "episode.vtt").read_bytes() == b"old captions", "new captions beside the old audio"
    assert (tmp_path / "episode.mp3").read_bytes() == b"old audio"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked", "episode.mp3", "episode.vtt"]


def test_a_full_disk_names_the_file(tmp_path, monkeypatch):
    import os

    class Full:
        """A file on a full disk: its writes fail as a full disk's do, naming no file."""

        def __init__(self, fd, mode):
            os.close(fd)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", Full)
    with pytest.raises(OSError) as failed:
        atomic_write(tmp_path / "feed.xml", b"<rss/>")
    assert failed.value.errno == errno.ENOSPC and failed.value.filename == str(tmp_path / "feed.xml")
    assert not list(tmp_path.iterdir())
