"""Subtitles -> cues: SubRip (`.srt`, read by `srt`) and WebVTT (`.vtt`, read by `webvtt-py`).

Both libraries forgive what a careless file does; we do not, where forgiving would lose words: a
block of text that is not a cue (its timing line mistyped) would be skipped without a word, so
every block must be a cue (or, in WebVTT, a NOTE, STYLE or REGION block), and a file that is not
one gets an error naming its line. The markup a cue may carry never reaches the text: WebVTT's
tags (`<c>`, `<v Speaker>`, the word timestamps of YouTube's auto-captions) and entities, SubRip's
HTML tags (`<i>`, `<font ...>`) and the `{\\an8}` overrides of the ASS renderers.
"""

from __future__ import annotations

import html
import re

from hijra_audio.errors import InputError
from hijra_audio.sources.cues import Cue

_TAG = re.compile(r"</?[A-Za-z][^<>]*>|\{\\[^{}]*\}")
_VTT_OTHER_BLOCKS = ("NOTE", "STYLE", "REGION")
VTT_FIX = "Each cue is a timing line like 00:01:02.500 --> 00:01:05.000 and its text, cues apart by a blank line."
SRT_FIX = "Each cue is a number, a timing line like 00:01:02,500 --> 00:01:05,000 and its text, cues apart by a blank line."


def blocks(text: str) -> list[tuple[int, list[str]]]:
    """The blocks of lines between empty lines, each with the number of its first line. (A line of
    spaces is no block's end: YouTube's captions open cues with one.)"""
    found: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 1
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.rstrip("\r"):
            if current:
                found.append((start, current))
            current = []
        else:
            if not current:
                start = number
            current.append(line.rstrip("\r"))
    if current:
        found.append((start, current))
    return found


def srt_cues(text: str, name: str) -> list[Cue]:
    """The cues of a SubRip file; its markup dropped."""
    import srt

    try:
        parsed = list(srt.parse(text))
    except srt.SRTParseError as exc:
        line = _line_at(text, exc.expected_start)
        raise InputError(f"{name}: line {line}: not a SubRip cue ({_first_line(exc.unmatched_content)!r}). "
                         f"{SRT_FIX}") from None
    cues = []
    lines = _cue_lines(text)
    for index, subtitle in enumerate(parsed):
        content = [_TAG.sub("", line) for line in subtitle.content.split("\n")]
        cues.append(Cue(subtitle.start.total_seconds(), subtitle.end.total_seconds(), tuple(content),
                        lines[index] if index < len(lines) else 0))
    return cues


def vtt_cues(text: str, name: str) -> list[Cue]:
    """The cues of a WebVTT file, block by block (each block's line known for messages); NOTE,
    STYLE and REGION blocks left out; its tags and entities dropped."""
    import webvtt
    from webvtt.errors import MalformedCaptionError

    found = blocks(text)
    if not found or not re.match(r"^\ufeff?WEBVTT(?:[ \t]|$)", found[0][1][0]):
        raise InputError(f"{name}: line 1: not a WebVTT file (it must start with WEBVTT). "
                         f"Give WebVTT captions, or save the text as .txt.")
    cues = []
    for line, block in found[1:]:
        if block[0].split(" ")[0].split("\t")[0] in _VTT_OTHER_BLOCKS:
            continue
        timing = next((i for i, text_line in enumerate(block[:2]) if "-->" in text_line), None)
        if timing is None:
            raise InputError(f"{name}: line {line}: text outside a cue ({block[0]!r}): no timing line "
                             f"before it. {VTT_FIX}")
        arrows = [i for i, text_line in enumerate(block) if "-->" in text_line]
        if len(arrows) > 1:
            raise InputError(f"{name}: line {line + arrows[1]}: a second timing line in one cue: a blank "
                             f"line is missing before it. {VTT_FIX}")
        try:
            [caption] = webvtt.from_string("WEBVTT\n\n" + "\n".join(block) + "\n", strict=True).captions
        except (MalformedCaptionError, ValueError):
            raise InputError(f"{name}: line {line + timing}: not a WebVTT timing line "
                             f"({block[timing]!r}). {VTT_FIX}") from None
        lines = tuple(html.unescape(text_line) for text_line in caption.text.split("\n"))
        cues.append(Cue(_seconds(caption.start_time), _seconds(caption.end_time), lines, line))
    return cues


def _seconds(timestamp) -> float:
    hours, minutes, seconds, milliseconds = timestamp.to_tuple()
    return hours * 3600 + minutes * 60 + seconds + milliseconds / 1000


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, max(0, offset)) + 1


def _first_line(text: str) -> str:
    return text.strip().split("\n")[0][:60]


def _cue_lines(text: str) -> list[int]:
    """The first line of each SubRip cue (its number, or its timing line)."""
    return [line for line, block in blocks(text) if any("-->" in text_line for text_line in block[:2])]
