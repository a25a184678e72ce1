"""Cleaned text -> sections -> episodes -> segments, each with a stable identity.

A line starting with `## ` is a heading and opens a section; every narration file opens one too,
and so does a `---` line, which also starts a new episode (it is neither spoken nor shown). A
line starting with `# ` is a top-level heading: it opens a part of the book (a season of the feed,
a file of the audiobook), so it starts a new episode too, and each episode knows the part it is in.
Each section is cut into segments the engine speaks well, and sections are grouped into episodes
near the target length (estimated from the word count, so the split does not depend on the
engine). A section much longer than the target is split between episodes, and only where a
sentence ends (a segment ending with `.` `؟` `!` `…`): a longer or shorter episode is better than
one that stops mid-sentence.

Published episodes stay as they are when narration is added at the end: grouping looks only
backwards (a short last section is no longer folded into the episode before it), and an episode
that has reached the target is closed, so a new section after it starts a new episode.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from hijra_audio.text.sentences import cut_tokens
from hijra_audio.text.tokens import ARABIC_LETTER, PAUSE, SENTENCE_END, Quoted, spoken, without_marks

# A line of three or more dashes (and nothing else): an episode break.
BREAK = re.compile(r"^-{3,}$")
# An episode this full (a share of the target) is closed: the next section starts a new episode.
# 1.0 groups sections as before; a lower share would regroup, and so re-key, every existing show
# after its first change (0.8 gives 164 of the whole Sira's 218 episodes new guids).
NEAR_TARGET = 1.0
# A section longer than this (times the target) is split; no part is shorter than MIN_PART.
SPLIT_ABOVE = 1.5
MIN_PART = 0.5
# A title made from the episode's opening words has at most this many characters (and "…"); it
# stops at the end of the first sentence when that has at least TITLE_MIN_WORDS words.
TITLE_CHARS = 48
TITLE_MIN_WORDS = 3
# A lecture opens with formulas before its matter (the basmala and hamdala, the prayer on the
# Prophet, the sermon of need: `إن الحمد لله نحمده ونستعينه...`), closed by `أما بعد`: a title
# made from the opening words starts after them when `أما بعد` comes within FORMULA_WORDS words,
# else after an opening basmala or hamdala quoted from the Quran.
FORMULA_WORDS = 80
_FORMULAS = ("بسم الله", "الحمد لله", "إن الحمد لله", "الصلاة والسلام", "والصلاة والسلام", "السلام عليكم",
             "نحمده", "نحمد الله")
_AMMA_BADU = re.compile(r"(?:^|\s)[وف]?[أا]ما بعد[^\s]*\s+")
_AFTER_QUOTATION = re.compile(r"^\s*(?:\[[^\]]*\])?[^\w\s]*\s*")    # its reference and marks
# Closing marks that may follow a sentence's final punctuation: `قال: «اخرج.»`, `(...).`.
_CLOSERS = ")]}»\"'”’"


@dataclass(frozen=True)
class Section:
    heading: str | None
    text: str
    source: str = ""
    tokens: tuple = ()          # cleaned tokens (display + speech forms) of `text`
    heading_speech: str | None = None   # speech form of the heading (None: the same as `heading`;
                                        # "": nothing to say, e.g. a heading of emoji)
    breaks: bool = False        # a `---` line or a top-level heading opened it: it starts a new episode
    top: bool = False           # its heading is a top-level one (`# `): it opens a part of the book


@dataclass(frozen=True)
class Piece:
    """Part of a segment that holds a Quran quotation: a run of words the voice reads, or one
    quotation (`quoted`), which a reciter's recording may stand in for (`rebuild.decide`)."""

    display: str
    speech: str
    reference: str = ""              # a quotation's reference ("9:40")
    quoted: Quoted | None = None     # a quotation's place in the Quran, and how it was found


@dataclass(frozen=True)
class Segment:
    """One piece of an episode, in its two forms, made once here and carried whole: to the engine
    (its cache key is made from `speech`), to the captions and to the feed and page (`display`)."""

    display: str            # what the listener reads: transcripts, captions, the feed and the page
    speech: str             # what the engine is handed (before its own diacritization)
    section: int            # index of its section within the show
    starts_section: bool    # first segment of its section in this episode: a section pause before it
    is_heading: bool = False
    pieces: tuple[Piece, ...] = ()   # when it holds a Quran quotation: its words and quotations, in order

    @property
    def words(self) -> int:
        return len(self.display.split())


@dataclass(frozen=True)
class Episode:
    number: int
    key: str
    title: str
    segments: tuple[Segment, ...]
    part: str = ""          # the top-level heading (`# `) of the part of the book it is in; "": none

    @property
    def slug(self) -> str:
        return f"episode-{self.number:03d}"

    @property
    def headings(self) -> tuple[str, ...]:
        return tuple(s.display for s in self.segments if s.is_heading)

    @property
    def words(self) -> int:
        return sum(s.words for s in self.segments)

    @property
    def paragraphs(self) -> tuple[tuple[bool, str], ...]:
        """Its display text as it is published: (is a heading, text), each heading alone, the
        segments of a section joined into one paragraph."""
        out: list[tuple[bool, str]] = []
        last_section = None
        for segment in self.segments:
            if segment.is_heading:
                out.append((True, segment.display))
            elif out and not out[-1][0] and segment.section == last_section:
                out[-1] = (False, out[-1][1] + " " + segment.display)
            else:
                out.append((False, segment.display))
            last_section = segment.section
        return tuple(out)


def sections_from_cleaned(cleaned, source: str = "") -> list[Section]:
    """Sections of a `text.Cleaned`: split at `## ` headings and `---` lines (text before the first
    heading is a section of its own), each carrying its tokens, so that segments get both forms and
    never cut a Quran quotation."""
    sections: list[Section] = []
    heading = heading_speech = None
    tokens: list = []
    breaks = top = False

    def close():
        nonlocal breaks, top
        if heading is not None or tokens:
            body = " ".join(t.display for t in tokens)
            sections.append(Section(heading, body, source, tuple(tokens),
                                    heading_speech if heading_speech != heading else None, breaks, top))
            breaks = top = False

    for line in cleaned.lines:
        if line is None:
            continue
        if line.heading:
            close()
            heading = " ".join(t.display for t in line.tokens)
            heading_speech = spoken(line.tokens)
            tokens = []
            if line.top:
                breaks = top = True
        elif _is_break(line.tokens):
            # Cleaning passes a `---` line through as one token: here it closes the section and
            # marks the next as starting an episode; it is never spoken nor shown.
            close()
            heading = heading_speech = None
            tokens, breaks = [], True
        else:
            tokens.extend(line.tokens)
    close()
    return sections


def _is_break(tokens) -> bool:
    return len(tokens) == 1 and not tokens[0].quran and bool(BREAK.match(tokens[0].display))


def _section_pieces(section: Section, max_segment_chars: int) -> list[tuple[str, str, tuple[Piece, ...]]]:
    """(display, speech, pieces) of each segment of a section's body (`pieces`: `_quotation_pieces`)."""
    segments = cut_tokens(list(section.tokens), max_segment_chars) if section.tokens else []
    return [(" ".join(t.display for t in tokens), spoken(tokens), _quotation_pieces(tokens))
            for tokens in segments]


def _quotation_pieces(tokens) -> tuple[Piece, ...]:
    """A segment's words as the runs the voice reads and its Quran quotations, one piece each;
    none when it has no quotation. Their forms joined by spaces are the segment's."""
    if not any(t.quran for t in tokens):
        return ()
    pieces: list[Piece] = []
    run: list = []
    for token in tokens + [None]:
        if (token is None or token.quran) and run:
            pieces.append(Piece(" ".join(t.display for t in run), spoken(run)))
            run = []
        if token is not None and token.quran:
            pieces.append(Piece(token.display, token.speech, token.quran, token.quoted))
        elif token is not None:
            run.append(token)
    return tuple(pieces)


def plan_episodes(sections: list[Section], *, episode_minutes: float, words_per_minute: float,
                  max_segment_chars: int, numbered_titles: bool = False) -> list[Episode]:
    """Group sections into episodes of about `episode_minutes` and cut them into segments.
    `numbered_titles`: a title made from the opening words starts `الحلقة N: ` (off by default:
    Apple asks for no episode numbers in titles; `itunes:episode` carries them)."""
    target = max(1.0, episode_minutes * words_per_minute)
    units = []  # (section index, heading or None, [(display, speech, pieces)], part): what is packed
    for index, section in enumerate(sections):
        pieces = _section_pieces(section, max_segment_chars)
        for chunk_start, chunk in enumerate(_chunks(pieces, target)):
            heading = section.heading if chunk_start == 0 else None
            units.append((index, heading, chunk, chunk_start + 1))

    # Each unit joins the episode before it or starts a new one, decided by what comes before it
    # only (and its own length): what is appended later never changes an earlier episode.
    groups: list[list] = []
    words = 0.0
    for unit in units:
        unit_words = _unit_words(unit)
        index, _heading, _chunk, part = unit
        if groups and (part > 1 or (part == 1 and sections[index].breaks) or words >= NEAR_TARGET * target
                       or (words + unit_words > SPLIT_ABOVE * target and words >= MIN_PART * target)):
            groups.append([])
            words = 0.0
        if not groups:
            groups.append([])
        groups[-1].append(unit)
        words += unit_words

    parts = _parts(sections)
    episodes = []
    seen: dict[str, int] = {}
    for number, group in enumerate(groups, start=1):
        segments: list[Segment] = []
        opened: set[int] = set()
        for index, heading, chunk, _part in group:
            opens = index not in opened   # a section split into chunks opens once, not per chunk
            opened.add(index)
            if heading is not None:
                said = sections[index].heading_speech
                segments.append(Segment(heading, heading if said is None else said, index, True,
                                        is_heading=True))
                opens = False
            for piece, speech, quotations in chunk:
                segments.append(Segment(piece, speech, index, opens, pieces=quotations))
                opens = False
        key = _episode_key(group, number, sections)
        # A heading can open several episodes (a book repeats `تفسير ابن هشام لبعض الغريب`): the
        # second and later get the occurrence number, so every key, and so every guid, is unique.
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}-{seen[key]}"
        title = _title(group, number, sections, segments, numbered_titles)
        episodes.append(Episode(number, key, title, tuple(segments), parts[group[0][0]]))
    return episodes


def _parts(sections: list[Section]) -> list[str]:
    """For each section, the top-level heading of the part it is in ("" before the first)."""
    out, current = [], ""
    for section in sections:
        if section.top:
            current = (section.heading or "").strip("()[] ")
        out.append(current)
    return out


def ends_sentence(text: str) -> bool:
    """The text ends a sentence: its last mark (closing quotes and brackets aside) is `.` `؟` `!`
    `…`. A Quran quotation's reference `[8:30]` is not one; `[8:30].` is."""
    stripped = text.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_END


def _chunks(pieces: list[tuple], target: float) -> list[list[tuple]]:
    """Split one section's segments into parts of about `target` words when it is much longer,
    only after a segment that ends a sentence: at each step, the sentence end nearest the target
    that leaves neither part shorter than MIN_PART of it. Without one, the part runs on."""
    counts = [len(p[0].split()) for p in pieces]
    total = sum(counts)
    if total <= SPLIT_ABOVE * target:
        return [pieces]
    before = [0]                       # before[i]: words in pieces[:i]
    for count in counts:
        before.append(before[-1] + count)
    cuts = [i + 1 for i, piece in enumerate(pieces[:-1]) if ends_sentence(piece[0])]
    chunks, start = [], 0
    while before[-1] - before[start] > SPLIT_ABOVE * target:
        rest = before[-1] - before[start]
        best = None
        for cut in cuts:
            size = before[cut] - before[start]
            if cut <= start or size < MIN_PART * target or rest - size < MIN_PART * target:
                continue
            if best is not None and size > target:
                if abs(size - target) < abs(before[best] - before[start] - target):
                    best = cut
                break                  # the ones after are further still
            best = cut
        if best is None:
            break
        chunks.append(pieces[start:best])
        start = best
    chunks.append(pieces[start:])
    return chunks


def _unit_words(unit) -> int:
    return sum(len(p[0].split()) for p in unit[2]) + len((unit[1] or "").split())


def _title(group, number: int, sections: list[Section], segments: list[Segment], numbered: bool) -> str:
    """The episode's first heading (a section's before a top-level one: the part is named apart,
    as a season); a later part of a section: its heading and the part's number; else its opening
    words. Never the episode number, unless `numbered`."""
    headings = [(heading, sections[index].top) for index, heading, _chunk, _part in group if heading]
    for heading, _top in sorted(headings, key=lambda found: found[1]):
        return _unbracketed(heading)
    continued = sections[group[0][0]].heading
    if continued:
        return f"{_unbracketed(continued)} ({group[0][3]})"
    opening = opening_words(past_opening_formulas(" ".join(s.display for s in segments)))
    return f"الحلقة {number}: {opening}" if numbered else opening


def _unbracketed(heading: str) -> str:
    """A heading as a title: without the editor's brackets around it (`(خروج النبي)`), unless
    nothing else is left (`## [`)."""
    return heading.strip("()[] ") or heading.strip()


def past_opening_formulas(text: str) -> str:
    """`﴿بسم الله الرحمن الرحيم﴾ [1:1] والصلاة والسلام على رسول الله أما بعد فحديثنا عن الهجرة`
    -> `فحديثنا عن الهجرة`: the text after the formulas a lecture opens with (`FORMULA_WORDS`), or
    all of it when it opens otherwise or is nothing but formulas."""
    if not without_marks(text[:200]).lstrip("﴿ ").startswith(_FORMULAS):    # (a verse is vowelled)
        return text
    found = _AMMA_BADU.search(text)
    if found and len(text[:found.start()].split()) < FORMULA_WORDS and text[found.end():].strip():
        return text[found.end():]
    if text.startswith("﴿") and "﴾" in text:       # a basmala or hamdala quoted: the words after it
        rest = _AFTER_QUOTATION.sub("", text[text.index("﴾") + 1:])
        if ARABIC_LETTER.search(rest):
            return rest
    return text


def opening_words(text: str, limit: int = TITLE_CHARS) -> str:
    """The first sentence of `text` when it fits in `limit` characters (without its final mark;
    a sentence of fewer than TITLE_MIN_WORDS words runs on into the next), else its first words
    that fit, cut at a word boundary, with `…`. A Quran quotation is not
    cut open: the words stop before its `﴿` (or, when it opens the text, run to its `﴾`)."""
    words = text.split()
    taken: list[str] = []
    for word in words:
        if taken and len(" ".join(taken + [word])) > limit:
            break
        taken.append(word)
        if ends_sentence(word) and len(taken) >= TITLE_MIN_WORDS:
            return _tidy(taken)
    if len(taken) == len(words):
        return _tidy(taken)
    opened = max((i for i, w in enumerate(taken) if "﴿" in w), default=-1)
    if opened >= 0 and not any("﴾" in w for w in taken[opened:]):
        if opened > 0:
            taken = taken[:opened]
        else:
            closing = next((i for i, w in enumerate(words) if "﴾" in w), len(words) - 1)
            taken = words[:closing + 1]
            taken[-1] = taken[-1][:taken[-1].index("﴾") + 1] if "﴾" in taken[-1] else taken[-1]
            return " ".join(taken)
    return _tidy(taken) + "…"


def _tidy(words: list[str]) -> str:
    """Words joined, without the pause mark (`،` `:` `.` ...) the last one ends with."""
    text = " ".join(words)
    stripped = text.rstrip(PAUSE + " ")
    return stripped or text


def _episode_key(group, number: int, sections: list[Section]) -> str:
    """The episode's own key: its first heading when it opens a section, else its number.
    Used for guids and the manifest, never the audio."""
    for _index, heading, _chunk, _part in group:
        if heading:
            digest = hashlib.sha1(heading.encode("utf-8")).hexdigest()[:10]
            return f"h-{digest}"
    return f"n-{number}"
