"""Timed cues (of subtitles or a recognizer's segments) -> narration text.

Whatever the format, a transcript is a list of cues: a start, an end, and the words said between
them. Their text becomes narration like a `.txt` file's: the cues of a paragraph joined by spaces
(a cue ends where the screen had room, not where a sentence does) and a blank line between
paragraphs, which start where the speaker paused longer than PARAGRAPH_GAP_S. Timestamps, cue
numbers and markup never reach the text: the readers of each format drop them, and what is left
here is only words. YouTube's rolling auto-captions show each line two or three times (typed, then
carried up a line, then alone for 10 ms): the repeats are removed before anything else
(`without_rolling_repeats`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A pause longer than this between two cues starts a paragraph (a speaker drawing breath between
# sentences pauses under a second; a lecturer turning to a new matter, several).
PARAGRAPH_GAP_S = 3.0
# A line that is only a description of a sound, never words said: `[موسيقى]`, `[Music]`, `(تصفيق)`.
_SOUND = re.compile(r"^\s*(?:\[[^\[\]]*\]|\([^()]*\)|♪+)\s*$")


@dataclass(frozen=True)
class Cue:
    start: float        # seconds
    end: float
    lines: tuple[str, ...]    # its text lines, without markup
    line: int = 0       # where it starts in its file (for messages)


def is_sound(line: str) -> bool:
    """A caption line that describes a sound (`[موسيقى]`, `[Music]`, `♪`) instead of words said."""
    return bool(_SOUND.match(line))


def rolling(cues: list[Cue]) -> bool:
    """The cues roll (YouTube's auto-captions): most cues open with the line the one before ended
    with. In ordinary subtitles a cue never repeats its predecessor's last line."""
    pairs = [(a, b) for a, b in zip(cues, cues[1:]) if _words(a.lines) and _words(b.lines)]
    repeats = sum(1 for a, b in pairs if _words(b.lines)[0] == _words(a.lines)[-1])
    return len(pairs) >= 2 and repeats * 2 >= len(pairs)


def without_rolling_repeats(cues: list[Cue]) -> list[Cue]:
    """Each cue without the lines it carries over from the cue before (only when the cues roll:
    `rolling`): its first lines that repeat the previous cue's last lines. A cue left with no
    words goes."""
    if not rolling(cues):
        return cues
    out: list[Cue] = []
    previous: tuple[str, ...] = ()
    for cue in cues:
        lines = _words(cue.lines)
        overlap = next((n for n in range(min(len(lines), len(previous)), 0, -1)
                        if lines[:n] == previous[-n:]), 0)
        if lines:
            previous = lines
        if lines[overlap:]:
            out.append(Cue(cue.start, cue.end, lines[overlap:], cue.line))
    return out


def paragraphs_text(cues: list[Cue], gap: float = PARAGRAPH_GAP_S) -> str:
    """The cues' words as narration: a line per paragraph, a blank line between paragraphs; a new
    paragraph where the silence before a cue is longer than `gap` seconds."""
    return paragraphs(cues, gap)[0]


def paragraphs(cues: list[Cue], gap: float = PARAGRAPH_GAP_S) -> tuple[str, dict[int, tuple[Cue, ...]]]:
    """`paragraphs_text`, and for each of its lines that has words (by number, from 1) the cue
    each of its words came from: where a change cleaning makes is in the transcript."""
    paragraphs: list[list[tuple[str, Cue]]] = []
    end = None
    for cue in cues:
        words = [line for line in _words(cue.lines) if not is_sound(line)]
        if not words:
            continue
        if not paragraphs or (end is not None and cue.start - end > gap):
            paragraphs.append([])
        paragraphs[-1].extend((word, cue) for line in words for word in line.split())
        end = cue.end if end is None else max(end, cue.end)
    text = "\n\n".join(" ".join(word for word, _cue in paragraph) for paragraph in paragraphs) + "\n"
    return text, {2 * k + 1: tuple(cue for _word, cue in paragraph) for k, paragraph in enumerate(paragraphs)}


def timestamp(seconds: float, separator: str = ".") -> str:
    """`62.5` -> `00:01:02.500`, as a transcript writes its times (WebVTT; SubRip: separator ",")."""
    ms = int(round(seconds * 1000))
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{ms:03d}"


def _words(lines: tuple[str, ...]) -> tuple[str, ...]:
    """The lines that have words, each with its spaces tidied."""
    return tuple(" ".join(line.split()) for line in lines if line.strip())
