"""Word timings of a reciter's verse recordings, read as published, and mapped onto the project's
Quran words.

Two shapes are read:

- cpfair/quran-align's JSON (CC BY 4.0): a list of `{"surah": S, "ayah": A, "segments":
  [[word_start, word_end_excl, start_ms, end_ms], ...]}` (other keys, like `stats`, ignored);
- the word tier of Quranic Universal Audio (QUL) for verse-by-verse recitations: an object keyed
  `"S:A"` whose values have `"segments": [[word, start_ms, end_ms], ...]` (words counted from 1).
  Read the same way (each word a segment of its own); not checked against a real QUL file here.

Their words are the verse's words as Tanzil's Uthmani text splits them at spaces (quran-align
says so; QUL numbers the same words). The project's words are Tanzil Simple's (`text/quran.py`,
pause marks left out), which split in a few places where the Uthmani text does not: the
vocative and the attention particle stand alone (`يَا أَيُّهَا`, `هَا أَنتُمْ`) where Uthmani
writes one word (`يَـٰٓأَيُّهَا`, `هَـٰٓأَنتُمْ`). `word_map` tries the project's words as they are,
then with those particles joined to the next word, then (for a timing file made from a text
that kept the pause marks as words) each with the marks counted, and keeps the first whose count
is the timing file's (the highest word index its segments reach); when none is, the verse has
no usable timings and is recited whole (the build says so).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from hijra_audio.errors import RecitationError

PARTICLES = ("يا", "ها")       # folded: written joined to the next word in the Uthmani text
# A gap of at least this between two segments is a pause of the reciter: a cut may fall there.
PAUSE_MS = 200


@dataclass(frozen=True)
class Segment:
    first: int       # first word (0-based, in the timing file's words)
    end: int         # one past the last
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class VerseTiming:
    segments: tuple[Segment, ...]     # in order of their words

    @property
    def words(self) -> int:
        """How many words the timing file counts in the verse (as far as its segments reach)."""
        return max((s.end for s in self.segments), default=0)

    @property
    def end_ms(self) -> int:
        return max((s.end_ms for s in self.segments), default=0)

    def pauses(self) -> dict[int, int]:
        """Word boundaries where the reciter pauses, and where to cut there (ms): the verse's start
        and end (0 and -1, the recording's own ends), and the middle of each gap of at least
        PAUSE_MS between one segment and the next."""
        out = {0: 0, self.words: -1}
        for before, after in zip(self.segments, self.segments[1:]):
            if after.first == before.end and after.start_ms - before.end_ms >= PAUSE_MS:
                out[after.first] = (before.end_ms + after.start_ms) // 2
        return out

    def span_ms(self, first: int, end: int) -> tuple[int, int] | None:
        """When words first..end-1 (the timing file's) are recited: from the start of the segment
        holding the first to the end of the one holding the last; None when a word has none."""
        start = next((s.start_ms for s in self.segments if s.first <= first < s.end), None)
        stop = next((s.end_ms for s in self.segments if s.first <= end - 1 < s.end), None)
        return None if start is None or stop is None else (start, stop)


class Timings:
    """A timing file's verses: `get((sura, aya))`."""

    def __init__(self, path: Path, verses: dict[tuple[int, int], VerseTiming]):
        self.path = Path(path)
        self.verses = verses

    def get(self, verse: tuple[int, int]) -> VerseTiming | None:
        return self.verses.get(verse)

    @classmethod
    def load(cls, path: Path | str) -> "Timings":
        path = Path(path)
        if not path.is_file():
            raise RecitationError(f"{path}: no such timing file. Give a word-timing JSON file of the recordings "
                                  f"(cpfair/quran-align's format) with --recitation-timing or recitation_timing, "
                                  f"or leave it out to recite whole verses.")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RecitationError(f"{path}: not a JSON file ({exc}). Give the word timings as cpfair/quran-align "
                                  f"publishes them (a JSON list of verses with their segments).") from None
        verses = _quran_align(data) if isinstance(data, list) else _qul(data) if isinstance(data, dict) else None
        if not verses:
            raise RecitationError(f"{path}: not word timings of another known format: expected cpfair/quran-align's "
                                  f"JSON (a list of {{\"surah\", \"ayah\", \"segments\": [[word_start, word_end, "
                                  f"start_ms, end_ms], ...]}}) or QUL's verse-by-verse segments (keyed \"sura:aya\").")
        return cls(path, verses)


def _numbers(values, count: int) -> tuple[int, ...] | None:
    if not isinstance(values, (list, tuple)) or len(values) != count:
        return None
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in values):
        return None
    return tuple(int(v) for v in values)


def _verse(segments, width: int) -> VerseTiming | None:
    """Segments of one verse: [first, end, start_ms, end_ms] (width 4) or [word from 1, start_ms,
    end_ms] (width 3); None when they are not that."""
    if not isinstance(segments, list):
        return None
    out = []
    for raw in segments:
        values = _numbers(raw, width)
        if values is None:
            return None
        first, end, start, stop = values if width == 4 else (values[0] - 1, values[0], values[1], values[2])
        if end <= first or stop < start or first < 0:
            return None
        out.append(Segment(first, end, start, stop))
    return VerseTiming(tuple(sorted(out, key=lambda s: (s.first, s.start_ms))))


def _quran_align(data: list) -> dict[tuple[int, int], VerseTiming] | None:
    verses = {}
    for entry in data:
        if not isinstance(entry, dict) or not {"surah", "ayah"} <= set(entry):
            return None
        key = _numbers([entry["surah"], entry["ayah"]], 2)
        timing = _verse(entry.get("segments") or [], 4)
        if key is None or timing is None:
            return None
        verses[key] = timing
    return verses


def _qul(data: dict) -> dict[tuple[int, int], VerseTiming] | None:
    verses = {}
    for name, entry in data.items():
        sura, _, aya = str(name).partition(":")
        if not (sura.isdigit() and aya.isdigit()) or not isinstance(entry, dict):
            return None
        segments = entry.get("segments") or []
        width = len(segments[0]) if segments and isinstance(segments[0], list) else 3
        timing = _verse(segments, width if width in (3, 4) else 0)
        if timing is None:
            return None
        verses[(int(sura), int(aya))] = timing
    return verses


def word_map(words: list[str], marks_after: list[int], count: int) -> list[int] | None:
    """For each of a verse's words in the project's text (`words`, folded, pause marks left out;
    `marks_after[i]`: the pause marks standing after word i), the index of the timing file's word
    it is (part of), when the timing file counts `count` words; None when no way of counting
    gives `count` (see the module's docstring)."""
    for joined in (False, True):
        for marks in (False, True):
            mapping, n = [], 0
            for i, word in enumerate(words):
                if joined and i > 0 and words[i - 1] in PARTICLES and n > 0 and mapping[-1] == n - 1 \
                        and not (marks and marks_after[i - 1]):
                    mapping.append(n - 1)          # joined to the particle before it
                    continue
                mapping.append(n)
                n += 1 + (marks_after[i] if marks else 0)
            if n == count:
                return mapping
    return None
