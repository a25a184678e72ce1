"""Measuring what was written, as a user's player would: decode MP3s, parse feeds; and speech-like
test audio to measure (`speechlike`, which benchmarks/quality/codec_excess.py uses too)."""

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


def speechlike(seconds: float, level_db: float, seed: int, clicks: bool = False, rate: int = 44100) -> np.ndarray:
    """Varied audio, not a steady tone: syllables of 80-300 ms at levels spread over 12 dB, voiced
    (a gliding pitch with harmonics) with some breath noise, pauses between them, and optionally
    sharp clicks up to full scale. `level_db`: the peak level of the syllables in dBFS."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    pitch = 110 + 30 * np.sin(2 * np.pi * 0.3 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    voiced = sum(np.sin(k * phase) / k for k in range(1, 12))
    voiced /= np.abs(voiced).max()
    envelope = np.zeros(n)
    pos = 0
    while pos < n:
        length = min(int(rng.uniform(0.08, 0.3) * rate), n - pos)
        envelope[pos:pos + length] = 10 ** (rng.uniform(-12, 0) / 20) * np.hanning(length) ** 0.5
        pos += length + int(rng.uniform(0.02, 0.4) * rate)
    x = envelope * (0.8 * voiced + 0.2 * rng.standard_normal(n) / 3)
    x *= 10 ** (level_db / 20) / np.abs(x).max()
    if clicks:
        for at in rng.integers(0, n - 10, 20):
            x[at:at + 3] = np.array([0.99, -0.9, 0.7])
    return np.clip(np.round(x * 32767), -32768, 32767).astype("<i2")
