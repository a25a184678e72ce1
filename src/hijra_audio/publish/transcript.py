"""Segment timings -> WebVTT and SRT transcripts and Podcasting 2.0 chapters JSON.

Every cue is one segment, from its first to its last sound in the MP3 (the placements `audio.join`
returns; the MP3's Info frame makes them exact in the file), with the segment's display text, Quran
quotations marked as the display form marks them. The file names beside `<slug>.mp3` are fixed:
`<slug>.vtt`, `<slug>.srt`, `<slug>.chapters.json` (the feed links them by these names).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from hijra_audio.audio.render import Placed
from hijra_audio.audio.tags import Chapter
from hijra_audio.publish.names import CHAPTERS_SUFFIX, SRT_SUFFIX, VTT_SUFFIX

CHAPTERS_VERSION = "1.2.0"


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def cues(placements: tuple[Placed, ...], texts: tuple[str, ...]) -> tuple[Cue, ...]:
    """One cue per segment that has text and sound."""
    if len(placements) != len(texts):
        raise ValueError("one text per placement")
    return tuple(Cue(p.start, p.end, " ".join(t.split())) for p, t in zip(placements, texts)
                 if t.strip() and p.end > p.start)


def _clock(seconds: float, separator: str) -> str:
    ms = int(round(seconds * 1000))
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{ms:03d}"


def _vtt_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "--&gt;")


def webvtt(cues_: tuple[Cue, ...], language: str = "") -> bytes:
    lines = ["WEBVTT"] + ([f"Language: {language}"] if language else []) + [""]
    for index, cue in enumerate(cues_, 1):
        lines += [str(index), f"{_clock(cue.start, '.')} --> {_clock(cue.end, '.')}", _vtt_text(cue.text), ""]
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
        lines += [str(index), f"{_clock(cue.start, ',')} --> {_clock(cue.end, ',')}", cue.text, ""]
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
