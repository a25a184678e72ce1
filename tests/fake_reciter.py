"""A fake reciter for the recitation tests: a folder in the EveryAyah layout whose verse files are
a tone per word (each word of a verse its own pitch, so that the decoded episode tells which words
play), separated by short gaps, with a longer pause of the reciter after some words; and the word
timings of those files in cpfair/quran-align's JSON, written as it publishes them."""

from __future__ import annotations

import json
import wave
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hijra_audio.text.quran import QuranIndex

RATE = 22050
WORD_MS, GAP_MS, PAUSE_MS, EDGE_MS = 200, 40, 400, 300
FRAME = 882                      # 40 ms analysis frames


def pitch(word: int) -> float:
    """The tone of a verse's word `word` (0-based): 700 Hz, then 60 Hz higher for each word."""
    return 700.0 + 60.0 * word


def verse_words(verse: tuple[int, int]) -> int:
    index = QuranIndex.load()
    v = index.verses.index(verse)
    end = index.verse_start[v + 1] if v + 1 < len(index.verse_start) else len(index.ids)
    return end - index.verse_start[v]


@dataclass
class FakeReciter:
    folder: Path
    amplitude: int = 12000
    pause_every: int = 4         # the reciter pauses after every 4th word (and nowhere else)
    suffix: str = ".mp3"
    timings: list = field(default_factory=list)

    def add(self, verse: tuple[int, int], words: int | None = None) -> Path:
        """The recording of `verse` (its word count from the Quran text, or `words`), and its timings."""
        words = verse_words(verse) if words is None else words
        pieces = [np.zeros(int(RATE * EDGE_MS / 1000))]
        segments, now = [], EDGE_MS
        t = np.arange(int(RATE * WORD_MS / 1000)) / RATE
        for i in range(words):
            tone = np.sin(2 * np.pi * pitch(i) * t) * self.amplitude
            ramp = np.minimum(1.0, np.minimum(np.arange(t.size), t.size - 1 - np.arange(t.size)) / 100)
            pieces.append(tone * ramp)
            segments.append([i, i + 1, now, now + WORD_MS])
            now += WORD_MS
            if i < words - 1:
                gap = PAUSE_MS if (i + 1) % self.pause_every == 0 else GAP_MS
                pieces.append(np.zeros(int(RATE * gap / 1000)))
                now += gap
        pieces.append(np.zeros(int(RATE * EDGE_MS / 1000)))
        samples = np.concatenate(pieces).astype("<i2")
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{verse[0]:03d}{verse[1]:03d}{self.suffix}"
        path.write_bytes(encode(samples, self.suffix))
        self.timings = [e for e in self.timings if (e["surah"], e["ayah"]) != verse]
        self.timings.append({"surah": verse[0], "ayah": verse[1], "segments": segments,
                             "stats": {"insertions": 0, "deletions": 0, "transpositions": 0}})
        return path

    def write_timings(self, path: Path) -> Path:
        path.write_text(json.dumps(self.timings), encoding="utf-8")
        return path


def encode(samples: np.ndarray, suffix: str) -> bytes:
    if suffix == ".wav":
        import io

        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(samples.tobytes())
        return buffer.getvalue()
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(64)
    encoder.set_in_sample_rate(RATE)
    encoder.set_out_sample_rate(RATE)
    encoder.set_channels(1)
    encoder.set_quality(5)
    return bytes(encoder.encode(samples.tobytes()) + encoder.flush())


def tones(samples: np.ndarray, rate: int, level: float = 0.02) -> list[tuple[float, float | None]]:
    """Per 40 ms frame of `samples` (int16): its time (s) and the pitch of the loudest tone in
    it when that is a word's (600-4500 Hz; the fake voice is 220 Hz, a click where a clip starts
    is anywhere), else None; frames quieter than `level` of full scale are None."""
    hop = int(rate * FRAME / RATE)
    out = []
    window = np.hanning(hop)
    for start in range(0, samples.size - hop, hop):
        frame = samples[start:start + hop].astype(np.float64) / 32768
        if np.abs(frame).max() < level:
            out.append((start / rate, None))
            continue
        spectrum = np.abs(np.fft.rfft(frame * window))
        peak = np.fft.rfftfreq(hop, 1 / rate)[int(spectrum.argmax())]
        out.append((start / rate, float(peak) if 600 < peak < 4500 else None))
    return out


def words_heard(samples: np.ndarray, rate: int) -> list[int]:
    """The words (by pitch) heard in `samples`, in order: each tone held for two frames or more
    (a word lasts five; the codec's noise in a pause, one), once per stretch."""
    pitches = [None if peak is None else int(round((peak - 700.0) / 60.0)) for _time, peak in tones(samples, rate)]
    heard: list[int] = []
    for before, word in zip(pitches, pitches[1:]):
        if word is not None and word == before and (not heard or heard[-1] != word):
            heard.append(word)
    return heard


def recited_stretches(samples: np.ndarray, rate: int, gap: float = 0.6) -> list[tuple[float, float]]:
    """Where the recordings play in `samples`: (start, end) in seconds of each run of word tones,
    runs less than `gap` apart joined."""
    runs: list[list[float]] = []
    step = FRAME / RATE
    for time, peak in tones(samples, rate):
        if peak is None:
            continue
        if runs and time - runs[-1][1] <= gap:
            runs[-1][1] = time + step
        else:
            runs.append([time, time + step])
    return [(a, b) for a, b in runs]
