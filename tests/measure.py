"""Measuring what was written, as a user's player would: decode MP3s, parse feeds."""

from __future__ import annotations

import json
from pathlib import Path

import miniaudio
import numpy as np


def decode(path: Path) -> tuple[np.ndarray, int, int]:
    # mp3_read_file_s16 keeps the file's own rate and channels (decode_file would convert them).
    decoded = miniaudio.mp3_read_file_s16(str(path))
    samples = np.frombuffer(decoded.samples, dtype=np.int16)
    return samples, decoded.sample_rate, decoded.nchannels


def mp3_duration(path: Path) -> float:
    """Seconds of audio a player plays: the files' Info frame tells the decoder (dr_mp3) to drop
    LAME's encoder delay and padding, so nothing is discounted here."""
    samples, rate, channels = decode(path)
    return samples.size / channels / rate


class Joined:
    """Clips joined by the render path's `join` (into a temporary file), read back."""

    def __init__(self, clips, pauses_ms, rate: int, trim_db: float = 0.0):
        from hijra_audio.audio import meter, render

        with meter.PcmFile() as pcm:
            self.placements = render.join(pcm, clips, list(pauses_ms), rate, trim_db)
            self.samples = pcm.read(0, pcm.size).copy()
        self.rate = rate

    @property
    def duration(self) -> float:
        return self.samples.size / self.rate


def encode(samples: np.ndarray, bitrate_kbps: int = 64, rate: int = 44100) -> bytes:
    """int16 samples as the MP3 the build writes (LAME through lameenc, an Info frame in front)."""
    from hijra_audio.audio import master

    return bytes(master._lame([samples], rate, bitrate_kbps, info=True, samples=samples.size))


def check_consistent(out: Path) -> None:
    """Every episode in the feed and manifest is a whole MP3 of the advertised size and length."""
    import feedparser
    import pytest

    manifest = json.loads((out / "manifest.json").read_text())
    feed = feedparser.parse(str(out / "feed.xml"))
    assert not feed.bozo, feed.get("bozo_exception")
    files = {Path(e.enclosures[0].href).name: int(e.enclosures[0].length) for e in feed.entries}
    assert files == {e["file"]: e["bytes"] for e in manifest["episodes"].values()}
    assert sorted(files) == sorted(p.name for p in out.glob("*.mp3"))
    for name, size in files.items():
        assert (out / name).stat().st_size == size
        entry = next(e for e in manifest["episodes"].values() if e["file"] == name)
        assert mp3_duration(out / name) == pytest.approx(entry["duration"], abs=0.05)
    assert not list(out.rglob("*.tmp")), "a temporary file was left behind"
