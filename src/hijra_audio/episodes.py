"""Cleaned text -> sections -> episodes -> segments, each with a stable identity.

A line starting with `## ` is a heading and opens a section; every narration file opens one too.
Sections are grouped into episodes near the target length (estimated from the word count, so the
split does not depend on the engine); a section much longer than the target is split between
episodes at segment boundaries. Each episode is cut into segments the engine speaks well.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from hijra_audio.text.sentences import split_segments

HEADING = re.compile(r"^##\s+(.+?)\s*$")


@dataclass(frozen=True)
class Section:
    heading: str | None
    text: str
    source: str = ""
    tokens: tuple = ()          # cleaned tokens (display + speech forms) of `text`; empty: plain text
    heading_speech: str = ""    # speech form of the heading; empty: the same as `heading`


@dataclass(frozen=True)
class Segment:
    text: str               # display form: what the listener reads in transcripts and the feed
    section: int            # index of its section within the show
    starts_section: bool    # first segment of its section in this episode: a section pause before it
    is_heading: bool = False
    speech: str = ""        # speech form handed to the engine; empty: the same as `text`

    @property
    def spoken(self) -> str:
        return self.speech or self.text

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True)
class Episode:
    number: int
    key: str
    title: str
    segments: tuple[Segment, ...]

    @property
    def slug(self) -> str:
        return f"episode-{self.number:03d}"

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(s.text for s in self.segments if s.is_heading)

    @property
    def words(self) -> int:
        return sum(s.words for s in self.segments)


def parse_sections(text: str, source: str = "") -> list[Section]:
    """Split cleaned text at `## ` headings; text before the first heading is its own section."""
    sections: list[Section] = []
    heading: str | None = None
    lines: list[str] = []

    def close():
        body = " ".join(line for line in lines if line).strip()
        if heading is not None or body:
            sections.append(Section(heading, body, source))

    for line in text.split("\n"):
        match = HEADING.match(line.strip())
        if match:
            close()
            heading, lines = match.group(1), []
        else:
            lines.append(line.strip())
    close()
    return sections


def sections_from_cleaned(cleaned, source: str = "") -> list[Section]:
    """Sections of a `text.Cleaned`: like `parse_sections` on its display form, each section
    also carrying its tokens, so that segments get both forms and never cut a Quran quotation."""
    sections: list[Section] = []
    heading = heading_speech = None
    tokens: list = []

    def close():
        if heading is not None or tokens:
            body = " ".join(t.display for t in tokens)
            sections.append(Section(heading, body, source, tuple(tokens),
                                    heading_speech if heading_speech != heading else ""))

    for line in cleaned.lines:
        if line is None:
            continue
        if line.heading:
            close()
            heading = " ".join(t.display for t in line.tokens)
            heading_speech = " ".join(t.spoken for t in line.tokens)
            tokens = []
        else:
            tokens.extend(line.tokens)
    close()
    return sections


def _section_pieces(section: Section, max_segment_chars: int) -> list[tuple[str, str]]:
    """(display, speech) pieces of a section's body."""
    if section.tokens:
        from hijra_audio.text.sentences import split_tokens

        return [(d, s if s != d else "") for d, s in split_tokens(list(section.tokens), max_segment_chars)]
    return [(p, "") for p in split_segments(section.text, max_segment_chars)] if section.text else []


def plan_episodes(sections: list[Section], *, episode_minutes: float, words_per_minute: float,
                  max_segment_chars: int) -> list[Episode]:
    """Group sections into episodes of about `episode_minutes` and cut them into segments."""
    target = max(1.0, episode_minutes * words_per_minute)
    units = []  # (section index, heading or None, [(display, speech) pieces], part): what is packed
    for index, section in enumerate(sections):
        pieces = _section_pieces(section, max_segment_chars)
        for chunk_start, chunk in enumerate(_chunks(pieces, target)):
            heading = section.heading if chunk_start == 0 else None
            units.append((index, heading, chunk, chunk_start + 1))

    groups: list[list] = []
    words = 0.0
    for unit in units:
        unit_words = _unit_words(unit)
        if groups and (words >= target or (words + unit_words > 1.5 * target and words >= 0.5 * target)):
            groups.append([])
            words = 0.0
        if not groups:
            groups.append([])
        groups[-1].append(unit)
        words += unit_words
    if len(groups) > 1 and sum(_unit_words(u) for u in groups[-1]) < 0.3 * target:
        groups[-2].extend(groups.pop())

    episodes = []
    seen: dict[str, int] = {}
    for number, group in enumerate(groups, start=1):
        segments: list[Segment] = []
        opened: set[int] = set()
        for index, heading, chunk, _part in group:
            opens = index not in opened   # a section split into chunks opens once, not per chunk
            opened.add(index)
            if heading is not None:
                segments.append(Segment(heading, index, True, is_heading=True,
                                        speech=sections[index].heading_speech))
                opens = False
            for piece, speech in chunk:
                segments.append(Segment(piece, index, opens, speech=speech))
                opens = False
        key = _episode_key(group, number, sections)
        # A heading can open several episodes (a book repeats `تفسير ابن هشام لبعض الغريب`): the
        # second and later get the occurrence number, so every key, and so every guid, is unique.
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}-{seen[key]}"
        episodes.append(Episode(number, key, _title(group, number, sections, segments), tuple(segments)))
    return episodes


def _chunks(pieces: list[tuple[str, str]], target: float) -> list[list[tuple[str, str]]]:
    """Split one section's segments into runs of about `target` words when it is much longer."""
    total = sum(len(p.split()) for p, _speech in pieces)
    if total <= 1.5 * target:
        return [pieces]
    chunks, words = [[]], 0
    for piece in pieces:
        if words >= target:
            chunks.append([])
            words = 0
        chunks[-1].append(piece)
        words += len(piece[0].split())
    return chunks


def _unit_words(unit) -> int:
    return sum(len(p.split()) for p, _speech in unit[2]) + len((unit[1] or "").split())


def _title(group, number: int, sections: list[Section], segments: list[Segment]) -> str:
    for _index, heading, _chunk, _part in group:
        if heading:
            return heading.strip("()[] ")
    continued = sections[group[0][0]].heading
    if continued:
        return f"{continued.strip('()[] ')} ({group[0][3]})"
    opening = " ".join(" ".join(s.text for s in segments).split()[:6])
    return f"الحلقة {number}: {opening}…"


def _episode_key(group, number: int, sections: list[Section]) -> str:
    """The episode's own key: its first heading when it opens a section, else its number.
    Used for guids and the manifest, never the audio."""
    for _index, heading, _chunk, _part in group:
        if heading:
            digest = hashlib.sha1(heading.encode("utf-8")).hexdigest()[:10]
            return f"h-{digest}"
    return f"n-{number}"
