"""What an episode's MP3 says about itself: its ID3v2.4 tag (title, show, track, year, language,
comment, cover) and its chapters (CHAP frames under one CTOC), added after rendering.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hijra_audio.audio.render import Placed


@dataclass(frozen=True)
class EpisodeTags:
    """What the ID3 tag of an episode says."""

    title: str
    album: str
    artist: str
    track: int
    total: int
    year: str = ""
    language: str = ""       # ISO 639-2, e.g. "ara"
    comment: str = ""
    cover_id: str = ""       # hash of the embedded cover; its bytes travel beside the tags


@dataclass(frozen=True)
class Chapter:
    start: float
    end: float
    title: str


def chapters_for(placements: tuple[Placed, ...], texts: tuple[str, ...], headings: tuple[bool, ...],
                 duration: float, first_title: str) -> tuple[Chapter, ...]:
    """One chapter per heading segment, from its start to the next one's (the last to the end);
    an episode that opens inside a section gets a first chapter from 0 named `first_title`. What
    comes before the first text (an intro) is part of the first chapter."""
    starts = [(p.start, t) for p, t, h in zip(placements, texts, headings) if h]
    first_text = next((p.start for p, t in zip(placements, texts) if t.strip()), 0.0)
    if starts and starts[0][0] <= first_text:
        starts[0] = (0.0, starts[0][1])
    if not starts or starts[0][0] > 0:
        starts.insert(0, (0.0, first_title))
    ends = [s for s, _ in starts[1:]] + [duration]
    return tuple(Chapter(start, end, title) for (start, title), end in zip(starts, ends))


def tag_mp3(mp3: bytes | bytearray, tags: EpisodeTags, chapters: tuple[Chapter, ...] = (),
            cover: bytes = b"") -> bytes | bytearray:
    """The MP3 with an ID3v2.4 tag in front: title, album (the show), artist, track number, year,
    language, comment, the cover (JPEG bytes) and chapters (CHAP frames under one CTOC). A
    bytearray gets the tag in place (and is returned)."""
    from mutagen.id3 import (
        APIC,
        CHAP,
        COMM,
        CTOC,
        ID3,
        TALB,
        TDRC,
        TIT2,
        TLAN,
        TPE1,
        TRCK,
        CTOCFlags,
        PictureType,
    )

    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=tags.album))
    if tags.artist:
        id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TRCK(encoding=3, text=f"{tags.track}/{tags.total}"))
    if tags.year:
        id3.add(TDRC(encoding=3, text=tags.year))
    if tags.language:
        id3.add(TLAN(encoding=3, text=tags.language))
    if tags.comment:
        id3.add(COMM(encoding=3, lang=tags.language[:3] or "und", desc="", text=tags.comment))
    if cover:
        id3.add(APIC(encoding=3, mime="image/jpeg", type=PictureType.COVER_FRONT, desc="", data=cover))
    ids = [f"chp{index}" for index in range(len(chapters))]
    for element_id, chapter in zip(ids, chapters):
        id3.add(CHAP(element_id=element_id, start_time=int(round(chapter.start * 1000)),
                     end_time=int(round(chapter.end * 1000)), start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF,
                     sub_frames=[TIT2(encoding=3, text=chapter.title)]))
    if chapters:
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                     sub_frames=[TIT2(encoding=3, text=tags.album)]))
    buffer = io.BytesIO()
    id3.save(buffer, v2_version=4, padding=lambda info: 0)      # the tag alone
    if isinstance(mp3, bytearray):
        mp3[0:0] = buffer.getvalue()        # in place: an hour's MP3 is not copied
        return mp3
    return buffer.getvalue() + mp3
