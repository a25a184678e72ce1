from hijra_audio.engines.base import Clip
from hijra_audio.files import atomic_write
from hijra_audio.rebuild.cache import ClipCache, clip_key


def test_key_depends_on_identity_and_text():
    ident = {"engine": "espeak", "voice": "ar"}
    assert clip_key(ident, "نص") == clip_key(dict(ident), "نص")
    assert clip_key(ident, "نص") != clip_key(ident, "نص آخر")
    assert clip_key(ident, "نص") != clip_key({**ident, "voice": "ar+m3"}, "نص")


def test_roundtrip_and_corrupt_entry_is_dropped(tmp_path):
    cache = ClipCache(tmp_path)
    clip = Clip(b"\x01\x00\x02\x00" * 100, 22050)
    cache.put("ab" * 32, clip)
    assert cache.get("ab" * 32) == clip
    path = cache.path("ab" * 32)
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    assert cache.get("ab" * 32) is None
    assert not path.exists()
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"HJ")           # truncated
    assert cache.get("ab" * 32) is None


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "sub" / "f.bin"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["f.bin"]


def test_clips_are_not_synced_to_disk_one_by_one_but_published_files_are(tmp_path, monkeypatch):
    """A clip torn by a crash is caught by its checksum (above) and spoken again, so the cache
    skips the fsync a book's tens of thousands of clips would each wait for; MP3s, feeds and the
    manifest are still synced before they replace the old ones."""
    import os

    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    cache = ClipCache(tmp_path / "cache")
    cache.put("cd" * 32, Clip(b"\x01\x00" * 50, 22050))
    assert synced == [] and cache.get("cd" * 32) is not None
    atomic_write(tmp_path / "episode-001.mp3", b"mp3")
    assert len(synced) == 1
