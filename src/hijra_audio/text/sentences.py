"""Sentence and clause boundaries, so that a TTS engine gets pieces it speaks well and the
pauses between them fall where a reader would pause.

Transcribed speech has almost no punctuation: where a piece is still too long after cutting at
punctuation, it is cut before a discourse marker that opens a clause (`ثم`, `فلما`, `قال` ...),
and only where there is none, at the word boundary nearest the limit.
"""

from __future__ import annotations

import re

from hijra_audio.text.tokens import (
    CLAUSE_END,
    COMMA,
    PAUSE,
    SENTENCE_END,
    Change,
    Token,
    pause_class,
    split_punct,
    spoken,
)

# Punctuation that ends a sentence or clause; it stays with the piece before it.
_BOUNDARY = re.compile(f"(?<=[{pause_class()}])\\s+|\n+")
# Words that open a clause in narrative Arabic, strongest first. A cut goes before them.
CLAUSE_MARKERS = (
    "ثم", "فلما", "ولما", "لما", "فعند", "لكن", "ولكن", "فقال", "وقال", "قال", "قالوا", "فقالوا",
    "وقالوا", "حتى", "فاذا", "فإذا", "واذا", "وإذا", "اذ", "إذ", "وكان", "وكانت", "فكان", "كان",
    "بعضهم", "يعني", "الى ان", "إلى أن", "فانزل", "فأنزل", "فذهب", "فذهبت", "فخرج", "فخرجوا",
)
_MARKERS = {m for m in CLAUSE_MARKERS if " " not in m}
# Words a clause cannot end on: what follows belongs to them (`وما كان فيها`, `الذي كان`, `قد كان`),
# so a marker after one of them opens no clause.
_BINDS_NEXT = frozenset("ما وما فما مما بما عما كما لما الذي التي الذين اللذين من ومن فمن قد وقد لقد فقد "
                        "لو ولو لا ولا ان إن أن وأن فإن وإن اذا إذا لم ولم لن ولن في على عن".split())
MIN_PIECE_CHARS = 20


def split_segments(text: str, max_chars: int) -> list[str]:
    """Cut `text` into pieces of at most `max_chars` characters (a single longer word excepted)."""
    pieces: list[str] = []
    for part in _BOUNDARY.split(text):
        part = part.strip()
        if part:
            pieces.extend(_cut_long(part, max_chars))
    return _merge_short(pieces, max_chars)


def _cut_long(text: str, max_chars: int) -> list[str]:
    words = text.split(" ")
    out: list[str] = []
    while len(" ".join(words)) > max_chars and len(words) > 1:
        cut = _best_cut(words, max_chars)
        out.append(" ".join(words[:cut]))
        words = words[cut:]
    out.append(" ".join(words))
    return out


def _best_cut(words: list[str], max_chars: int) -> int:
    """Index of the word before which to cut, keeping the first part within the limit and not
    too short: the last clause marker, else the last word opening with the conjunction و or ف,
    else the last word that fits."""
    length, last_fit, last_marker, last_conjunction = -1, 1, 0, 0
    for i, word in enumerate(words):
        length += len(word) + 1
        if length > max_chars:
            break
        last_fit = i + 1
        if i + 1 < len(words) and length >= MIN_PIECE_CHARS:
            following = words[i + 1]
            if following in _MARKERS:
                last_marker = i + 1
            elif following[:1] in ("و", "ف") and len(following) > 3:
                last_conjunction = i + 1
    return last_marker or last_conjunction or last_fit


def _merge_short(pieces: list[str], max_chars: int) -> list[str]:
    """Join a piece shorter than MIN_PIECE_CHARS to the one before it when both fit together."""
    out: list[str] = []
    for piece in pieces:
        if out and (len(piece) < MIN_PIECE_CHARS or len(out[-1]) < MIN_PIECE_CHARS) \
                and len(out[-1]) + 1 + len(piece) <= max_chars:
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return out


# --- Punctuation for the display form, and cutting cleaned tokens into segments -------------------


# Markers that open a new sentence: a full stop before them when the sentence is long enough.
STRONG_MARKERS = frozenset({"ثم", "فلما", "ولما", "فعند", "فبينما", "وبينما", "فلم"})
MIN_CLAUSE_WORDS = 5       # a comma before a marker only after this many words
MIN_SENTENCE_WORDS = 10    # a full stop before a strong marker only after this many words
_PIECE_END = PAUSE.replace(":", "")   # a segment may end after these (not after a colon: what was said follows)
MIN_PARAGRAPH_WORDS = 8    # a line of at least this many words ends with a full stop
# After قال and its kin (and an optional له/لهم...), these words open what was said: a colon.
_SAYING = frozenset({"قال", "فقال", "وقال", "قالوا", "فقالوا", "وقالوا", "قالت", "فقالت", "وقالت", "يقول", "فيقول"})
_TO_WHOM = frozenset({"له", "لها", "لهم", "لي", "لنا"})
_OPENS_SPEECH = frozenset({"يا", "لا", "ان", "إن", "انا", "أنا", "هذا", "نعم", "والله", "ما", "انت", "أنت", "اني", "إني"})


# The marks the rules below add, each right after a word's letters (`_punctuate`): a colon before
# what is said or quoted, a clause comma, a full stop. The hamza rule reads words without them.
ADDED_MARKS = ":،."


def _punctuate(token: Token, mark: str) -> tuple[Token, Change]:
    if mark not in ADDED_MARKS:
        raise ValueError(f"{mark!r} is not one of the marks cleaning adds ({ADDED_MARKS}): name it there")
    lead, core, trail = split_punct(token.display)
    new = token.with_(display=f"{lead}{core}{mark}{trail}",
                      own_speech=None if token.own_speech is None else f"{token.own_speech}{mark}")
    return new, Change(token.line, token.word, token.display, new.display, "punctuation")


def colon_before_quotation(tokens: list[Token]) -> tuple[list[Token], list[Change]]:
    """`فانزل الله تعالى ﴿...﴾` -> `فانزل الله تعالى: ﴿...﴾`."""
    out, changes = list(tokens), []
    for i in range(1, len(out)):
        if out[i].quran and not out[i - 1].quran and not out[i - 1].trail:
            out[i - 1], change = _punctuate(out[i - 1], ":")
            changes.append(change)
    return out, changes


def colon_before_speech(tokens: list[Token]) -> tuple[list[Token], list[Change]]:
    """`قال له لا تعجل` -> `قال له: لا تعجل`; `قال يا ابا بكر` -> `قال: يا ابا بكر`."""
    out, changes = list(tokens), []
    for i, token in enumerate(out):
        if token.core not in _SAYING or token.trail:
            continue
        j = i + 1 if i + 1 < len(out) and out[i + 1].core in _TO_WHOM and not out[i + 1].trail else i
        if j + 1 < len(out) and out[j + 1].core in _OPENS_SPEECH and not out[j].trail:
            out[j], change = _punctuate(out[j], ":")
            changes.append(change)
    return out, changes


def clause_marks(tokens: list[Token]) -> tuple[list[Token], list[Change]]:
    """A comma before a clause marker (`ثم`, `فلما`, `لكن`, `قال` ...) once the clause has
    MIN_CLAUSE_WORDS words; a full stop instead before a strong marker ending a long sentence."""
    out, changes = list(tokens), []
    clause = sentence = 0
    for i, token in enumerate(out):
        if i and not out[i - 1].ends_clause and not token.quran and token.core in _MARKERS \
                and out[i - 1].core not in _MARKERS and out[i - 1].core not in _BINDS_NEXT \
                and clause >= MIN_CLAUSE_WORDS:
            mark = "." if token.core in STRONG_MARKERS and sentence >= MIN_SENTENCE_WORDS else "،"
            out[i - 1], change = _punctuate(out[i - 1], mark)
            changes.append(change)
            clause = 0
            if mark == ".":
                sentence = 0
        if i and out[i - 1].ends_clause:
            clause = 0
            if any(c in ".؟?!" for c in out[i - 1].trail):
                sentence = 0
        words = len(token.display.split())
        clause += words
        sentence += words
    return out, changes


def full_stop_at_line_end(tokens: list[Token]) -> tuple[list[Token], list[Change]]:
    """A line of MIN_PARAGRAPH_WORDS words or more that ends without punctuation ends with `.`."""
    if sum(len(t.display.split()) for t in tokens) < MIN_PARAGRAPH_WORDS or tokens[-1].ends_clause:
        return tokens, []
    out = list(tokens)
    out[-1], change = _punctuate(out[-1], ".")
    return out, [change]


PUNCTUATION_RULES = [
    ("colon-before-quotation", colon_before_quotation),
    ("colon-before-speech", colon_before_speech),
    ("clause-marks", clause_marks),
    ("full-stop", full_stop_at_line_end),
]


def split_tokens(tokens: list[Token], max_chars: int) -> list[tuple[str, str]]:
    """`cut_tokens`, each segment as its (display, speech) pair."""
    return [(" ".join(t.display for t in p), spoken(p)) for p in cut_tokens(tokens, max_chars)]


def cut_tokens(tokens: list[Token], max_chars: int) -> list[list[Token]]:
    """Cut cleaned tokens into segments of at most `max_chars` display characters, as
    `split_segments` cuts text, but only between tokens: a Quran quotation is one token and is
    never cut (a quotation longer than the limit is a segment of its own)."""
    runs: list[list[Token]] = [[]]
    for token in tokens:
        if token.quran and runs[-1]:
            runs.append([])
        runs[-1].append(token)
        if token.quran or any(c in _PIECE_END for c in token.trail):
            runs.append([])
    pieces: list[list[Token]] = []
    for run in runs:
        if run:
            pieces.extend(_cut_long_tokens(run, max_chars))
    merged: list[list[Token]] = []
    for piece in pieces:
        if merged and (_length(piece) < MIN_PIECE_CHARS or _length(merged[-1]) < MIN_PIECE_CHARS) \
                and _length(merged[-1]) + 1 + _length(piece) <= max_chars:
            merged[-1] = merged[-1] + piece
        else:
            merged.append(piece)
    return merged


def _length(tokens: list[Token]) -> int:
    return sum(len(t.display) for t in tokens) + max(0, len(tokens) - 1)


def _cut_long_tokens(tokens: list[Token], max_chars: int) -> list[list[Token]]:
    out = []
    while _length(tokens) > max_chars and len(tokens) > 1:
        words = [t.display if not t.quran else "\u0000" * len(t.display) for t in tokens]
        cut = _best_cut(words, max_chars)
        out.append(tokens[:cut])
        tokens = tokens[cut:]
    out.append(tokens)
    return out


# --- Pieces for an engine with a short limit per request (gTTS: 100 characters) -----------------

_PUNCTUATION_CUT = re.compile(f"(?<=[{pause_class()}])\\s+")


def _boundary_cost(unit: str, following: str | None) -> int:
    """How bad a cut after `unit` is: 0 after a sentence, 1 after ؛ ; :, 2 after a comma,
    3 before a clause opener, 4 before a word opening with و/ف, 6 anywhere else."""
    last = unit.rstrip()[-1:]
    if last in SENTENCE_END:
        return 0
    if last in CLAUSE_END:
        return 1
    if last in COMMA:
        return 2
    if following:
        first = following.split(" ", 1)[0]
        if first in CLAUSE_MARKERS:
            return 3
        if first[:1] in ("و", "ف") and len(first) > 3:
            return 4
    return 6


def split_pieces(text: str, max_chars: int) -> list[str]:
    """`text` as pieces under `max_chars` characters, cut only between clauses where it has
    clause boundaries (at a word boundary only inside a clause longer than the limit), as few
    pieces as possible, and among those the cuts at the strongest boundaries."""
    text = " ".join(text.split())
    if len(text) < max_chars:
        return [text] if text else []
    units = []
    for part in _PUNCTUATION_CUT.split(text):
        part = part.strip()
        if part:
            units.extend([part] if len(part) < max_chars else split_segments(part, max_chars - 1))
    n = len(units)
    # best[i] = (pieces, cost, previous cut) for units[:i]; a piece is units[j:i] joined.
    best: list[tuple[int, int, int] | None] = [None] * (n + 1)
    best[0] = (0, 0, -1)
    for i in range(1, n + 1):
        for j in range(i - 1, -1, -1):
            piece_len = sum(len(u) for u in units[j:i]) + (i - j - 1)
            if piece_len >= max_chars and i - j > 1:
                break
            if best[j] is None:
                continue
            cost = best[j][1] + (_boundary_cost(units[i - 1], units[i] if i < n else None) if i < n else 0)
            candidate = (best[j][0] + 1, cost, j)
            if best[i] is None or candidate[:2] < best[i][:2]:
                best[i] = candidate
    pieces, i = [], n
    while i > 0:
        j = best[i][2]
        pieces.append(" ".join(units[j:i]))
        i = j
    return pieces[::-1]
