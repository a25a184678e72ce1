"""Segment timings -> WebVTT and SRT transcripts and Podcasting 2.0 chapters JSON.

Each segment sits in the MP3 from its first to its last sound (the placements `audio.render.join`
returns; the MP3's Info frame makes them exact in the file) and is shown with its display text,
Quran quotations marked as the display form marks them. A segment a player cannot show at once is split
at word boundaries into cues of at most MAX_CUE_SECONDS and MAX_LINES lines of MAX_LINE_CHARS
characters (what caption guidelines ask for), as even as they can be, each timed by its share of
the segment's characters. A Quran quotation is split only when it does not fit in one cue, and its
reference `[s:a]` stays with its last words. WebVTT and SRT carry the same cues. The file names
beside `<slug>.mp3` are fixed: `<slug>.vtt`, `<slug>.srt`, `<slug>.chapters.json` (the feed links
them by these names).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass

from hijra_audio.audio.render import Placed
from hijra_audio.audio.tags import Chapter
from hijra_audio.publish.names import CHAPTERS_SUFFIX, SRT_SUFFIX, VTT_SUFFIX
from hijra_audio.sources.cues import timestamp

CHAPTERS_VERSION = "1.2.0"

MAX_CUE_SECONDS = 7.0      # a cue is on screen at most this long...
MAX_LINE_CHARS = 42        # ...in at most MAX_LINES lines of this many characters
MAX_LINES = 2
# A cut after a pause mark (`،` `.` `:` ...) reads better: it is taken over a more even cut up to
# about ten characters away (moving a cut d characters off even costs 2 d² in the sum of squares).
_PAUSE_BONUS = 2 * 10 ** 2
_PAUSE_MARKS = ".!?؟…؛;:،,﴾"
_CLOSERS = ")]}»\"'”’"
# Times are written to the millisecond: a cue this much under the limit stays within it in the file.
_CLOCK_MARGIN = 0.0005


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str               # one line; `lines` is how it is shown

    @property
    def lines(self) -> tuple[str, ...]:
        return wrap(self.text)


def width(text: str) -> int:
    """Characters as a reader sees them: vowel marks and other combining marks take no room."""
    return sum(1 for ch in text if unicodedata.category(ch) not in ("Mn", "Me", "Cf"))


def wrap(text: str, limit: int = MAX_LINE_CHARS) -> tuple[str, ...]:
    """`text` on one line when it fits, else on two, cut at the word that makes them most even
    (the longer of the two as short as it can be) among those that keep both within `limit`:
    never before a quotation's reference `[s:a]`, and outside a quotation when it can be."""
    words = text.split()
    if width(text) <= limit or len(words) < 2:
        return (text,)
    inside = set()
    for first, last in _quotations(words):
        inside.update(range(first + 1, last))
    before = [0]                        # before[i]: width of words[:i] and the spaces after them
    for word in words:
        before.append(before[-1] + width(word) + 1)

    def cost(i: int):
        longer = max(before[i] - 1, before[-1] - before[i] - 1)
        return (max(0, longer - limit), _is_reference(words, i), i in inside, longer, i)

    best = min(range(1, len(words)), key=cost)
    return (" ".join(words[:best]), " ".join(words[best:]))


def _is_reference(words: list[str], i: int) -> bool:
    """words[i] is the reference `[s:a]` after a quotation's closing mark."""
    return 0 < i < len(words) and words[i].startswith("[") and "﴾" in words[i - 1]


def _fits(words: list[str], seconds: float) -> bool:
    if seconds > MAX_CUE_SECONDS - _CLOCK_MARGIN:
        return False
    lines = wrap(" ".join(words))
    return len(lines) <= MAX_LINES and all(width(line) <= MAX_LINE_CHARS for line in lines)


def _pause_after(word: str) -> bool:
    """A reader pauses after this word: it ends with a pause mark (quotes and brackets aside), or
    it is a quotation's reference."""
    return word.startswith("[") or word.rstrip(_CLOSERS)[-1:] in _PAUSE_MARKS


def _quotations(words: list[str]) -> list[tuple[int, int]]:
    """(first, last + 1) word of each Quran quotation `﴿...﴾` with the reference `[s:a]` after it."""
    spans, i = [], 0
    while i < len(words):
        if "﴿" in words[i]:
            j = i
            while j < len(words) - 1 and "﴾" not in words[j]:
                j += 1
            if j + 1 < len(words) and words[j + 1].startswith("["):
                j += 1
            spans.append((i, j + 1))
            i = j + 1
        else:
            i += 1
    return spans


def split_segment(start: float, end: float, text: str) -> list[Cue]:
    """One segment's cues: the fewest that fit, then the most even, cut at words (after a pause
    mark when one is near); times interpolated by characters, so the cues tile the segment."""
    words = text.split()
    if not words:
        return []
    offsets = [0]                       # where each word starts, in characters as read
    for word in words:
        offsets.append(offsets[-1] + width(word) + 1)
    total = max(1, offsets[-1] - 1)

    def at(i: int) -> float:
        return end if i == len(words) else start + (end - start) * offsets[i] / total

    # Where a cut may go: between any two words, but never inside a quotation that fits in one
    # cue, nor between a quotation and its reference.
    closed: set[int] = set()
    for first, last in _quotations(words):
        whole = _fits(words[first:last], at(last) - at(first))
        closed.update(range(first + 1, last) if whole else
                      [last - 1] if _is_reference(words, last - 1) else [])
    cuts = [i for i in range(len(words) + 1) if i not in closed]
    # Fewest cues, then most even: (cues, sum of squared widths less a bonus per cut after a pause
    # mark), over the allowed cuts. A piece between two neighbouring cuts is always allowed, even
    # one too long to fit (one long word, a reference and the word it follows when time is short).
    best = {0: (0, 0, None)}
    for b, j in enumerate(cuts[1:], start=1):
        choice = None
        for a in range(b - 1, -1, -1):
            i = cuts[a]
            if a < b - 1 and not _fits(words[i:j], at(j) - at(i)):
                if offsets[j] - offsets[i] > MAX_LINES * (MAX_LINE_CHARS + 1):
                    break               # wider still from further back
                continue
            count, spread, _from = best[i]
            size = offsets[j] - offsets[i] - 1
            bonus = _PAUSE_BONUS if j < len(words) and _pause_after(words[j - 1]) else 0
            candidate = (count + 1, spread + size * size - bonus, i)
            if choice is None or candidate[:2] < choice[:2]:
                choice = candidate
        best[j] = choice
    bounds, j = [], len(words)
    while j:
        bounds.append(j)
        j = best[j][2]
    bounds = [0] + bounds[::-1]
    return [Cue(at(i), at(j), " ".join(words[i:j])) for i, j in zip(bounds, bounds[1:])]


def cues(placements: tuple[Placed, ...], texts: tuple[str, ...]) -> tuple[Cue, ...]:
    """The cues of the segments that have text and sound, in order."""
    if len(placements) != len(texts):
        raise ValueError("one text per placement")
    return tuple(cue for p, t in zip(placements, texts) if t.strip() and p.end > p.start
                 for cue in split_segment(p.start, p.end, " ".join(t.split())))


def _vtt_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "--&gt;")


def webvtt(cues_: tuple[Cue, ...], language: str = "") -> bytes:
    lines = ["WEBVTT"] + ([f"Language: {language}"] if language else []) + [""]
    for index, cue in enumerate(cues_, 1):
        lines += [str(index), f"{timestamp(cue.start)} --> {timestamp(cue.end)}",
                  *(_vtt_text(line) for line in cue.lines), ""]
    return "\n".join(lines).encode("utf-8")


def webvtt_texts(data: bytes) -> tuple[str, ...]:
    """The text of each cue of a WebVTT file `webvtt` wrote (what an episode's MP3 says, as it
    was built)."""
    texts = []
    for block in data.decode("utf-8").split("\n\n"):
        lines = block.splitlines()
        timing = next((i for i, line in enumerate(lines) if " --> " in line), None)
        if timing is not None and lines[timing + 1:]:
            text = " ".join(lines[timing + 1:])
            texts.append(text.replace("--&gt;", "-->").replace("&lt;", "<").replace("&gt;", ">")
                         .replace("&amp;", "&"))
    return tuple(texts)


def srt(cues_: tuple[Cue, ...]) -> bytes:
    lines = []
    for index, cue in enumerate(cues_, 1):
        lines += [str(index), f"{timestamp(cue.start, ',')} --> {timestamp(cue.end, ',')}", *cue.lines, ""]
    return "\n".join(lines).encode("utf-8")


def chapters_json(chapters: tuple[Chapter, ...], title: str = "") -> bytes:
    """Podcasting 2.0 chapters (application/json+chapters, version 1.2.0)."""
    document: dict = {"version": CHAPTERS_VERSION}
    if title:
        document["title"] = title
    document["chapters"] = [{"startTime": round(c.start, 3), "endTime": round(c.end, 3), "title": c.title}
                            for c in chapters]
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def files(stem: str, placements: tuple[Placed, ...], texts: tuple[str, ...], chapters: tuple[Chapter, ...],
          title: str = "", language: str = "") -> dict[str, bytes]:
    """The transcript files of one episode, by name."""
    found = cues(placements, texts)
    return {stem + VTT_SUFFIX: webvtt(found, language), stem + SRT_SUFFIX: srt(found),
            stem + CHAPTERS_SUFFIX: chapters_json(chapters, title)}
