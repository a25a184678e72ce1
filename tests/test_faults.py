"""Faults in the middle of a build (issue 25): a full disk, a read-only output folder, a clip in the
cache with a flipped byte. Each ends with a clear message (no traceback), the published folder as
it was (or as the last complete build left it), and the next build redoes only what is missing.

The disk faults are real: a small tmpfs mounted for the test (as root), made full or read-only;
where mounting is not permitted they skip, saying so (a read-only folder is then made by chmod,
which binds users other than root)."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from hijra_audio.cli import main
from hijra_audio.config import bundled_config_path
from hijra_audio.console import Given
from hijra_audio.rebuild.cache import ClipCache
from tests.measure import check_consistent

BUNDLED = str(bundled_config_path())
EDIT = ("هيأ الرواحل", "جهز بسرعة الرواحل")          # in the first episode


def _mount_tmpfs(mount: Path) -> None:
    """A 16 MB tmpfs at `mount` (skips the test, saying why, where that is not permitted)."""
    mount.mkdir(exist_ok=True)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs the tests as root)")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {made.stderr.strip()}")


@pytest.fixture
def disk(tmp_path):
    """A small disk of its own for the test: a tmpfs at tmp_path/disk, unmounted after it."""
    mount = tmp_path / "disk"
    _mount_tmpfs(mount)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


@pytest.fixture
def show(tmp_path, monkeypatch, fake_engine, lecture):
    """The lecture in a working folder; `build(out, *args)` builds it with the fake engine, its
    caches outside the output folder's disk."""
    monkeypatch.chdir(tmp_path)
    narration = tmp_path / "lecture.txt"
    narration.write_text(lecture.read_text(encoding="utf-8"), encoding="utf-8")

    def build(out: Path, *args: str):
        return CliRunner(mix_stderr=False).invoke(
            main, ["build", "lecture.txt", "-c", BUNDLED, "-o", str(out), "--cache-dir", str(tmp_path / "cache"),
                   "-j", "1", *args], obj=Given(engine_factory=fake_engine))

    def edit():
        narration.write_text(narration.read_text(encoding="utf-8").replace(*EDIT), encoding="utf-8")

    build.edit = edit
    return build


def _fill(folder: Path) -> Path:
    """A file that takes all the free space of `folder`'s file system."""
    ballast = folder / "ballast"
    with open(ballast, "wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC
    return ballast


def _built(output: str) -> list[str]:
    return re.findall(r"^built\s+\S*?(episode-\d+)\.mp3", output, re.M)


@pytest.mark.slow
def test_a_full_disk_ends_clearly_leaves_the_folder_as_it_was_and_the_next_build_finishes(
        disk, show, fake_engine, tree_snapshot):
    out = disk / "out"
    assert show(out).exit_code == 0
    before = tree_snapshot(out)
    show.edit()
    ballast = _fill(disk)
    calls = len(fake_engine.calls())
    full = show(out)
    assert full.exit_code == 1, full.stderr
    assert "no space left on the device" in full.stderr and str(out) in full.stderr
    assert "Traceback" not in full.stderr and "build again" in full.stderr
    assert tree_snapshot(out) == before, "a full disk changed the published folder"
    spoken = len(fake_engine.calls()) - calls
    assert spoken >= 1                                              # the new clip is kept in the cache

    ballast.unlink()
    again = show(out)
    assert again.exit_code == 0, again.stderr
    assert _built(again.output) == ["episode-001"]                  # only what was missing
    assert len(fake_engine.calls()) == calls + spoken, "a clip made before the disk filled was spoken again"
    check_consistent(out)


@pytest.mark.slow
def test_a_read_only_output_folder_ends_clearly_and_the_next_build_finishes(request, tmp_path, show, tree_snapshot):
    if os.geteuid() == 0:          # root writes through permissions: a file system mounted read-only
        mount = request.getfixturevalue("disk")
        _read_only_round(mount / "out", show, tree_snapshot,
                         lambda mode: subprocess.run(["mount", "-o", f"remount,{mode}", str(mount)], check=True))
    else:
        out = tmp_path / "out"
        _read_only_round(out, show, tree_snapshot, lambda mode: out.chmod(0o555 if mode == "ro" else 0o755))


def _read_only_round(out: Path, show, tree_snapshot, make) -> None:
    assert show(out).exit_code == 0
    before = tree_snapshot(out)
    show.edit()
    make("ro")
    try:
        refused = show(out)
    finally:
        make("rw")
    assert refused.exit_code == 1, refused.stderr
    assert ("read-only" in refused.stderr or "permission denied" in refused.stderr) and str(out) in refused.stderr
    assert "Traceback" not in refused.stderr
    assert tree_snapshot(out) == before
    again = show(out)
    assert again.exit_code == 0, again.stderr
    assert _built(again.output) == ["episode-001"]
    check_consistent(out)


@pytest.mark.slow
def test_a_clip_with_a_flipped_byte_is_spoken_again_and_said(tmp_path, show, fake_engine):
    out = tmp_path / "out"
    assert show(out).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    first = next(e for e in manifest["episodes"].values() if e["number"] == 1)
    cache = ClipCache(tmp_path / "cache" / next(p.name for p in (tmp_path / "cache").iterdir()) / "clips")
    victim = first["clips"][-1]                                     # not the segment the edit changes
    path = cache.path(victim)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01                                    # one bit, in the samples
    path.write_bytes(bytes(data))
    show.edit()
    calls = len(fake_engine.calls())
    result = show(out)
    assert result.exit_code == 0, result.stderr
    assert "warning: 1 clip in the cache" in result.stderr and "was damaged or gone and spoken again" in result.stderr
    assert len(fake_engine.calls()) == calls + 2                    # the edited segment, and the damaged clip
    assert cache.get(victim) is not None
    check_consistent(out)
    again = show(out)
    assert again.exit_code == 0 and _built(again.output) == [] and "damaged" not in again.stderr
    assert len(fake_engine.calls()) == calls + 2
