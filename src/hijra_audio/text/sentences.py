"""Sentence and clause boundaries, so that a TTS engine gets pieces it speaks well and the
pauses between them fall where a reader would pause.

Transcribed speech has almost no punctuation: where a piece is still too long after cutting at
punctuation, it is cut before a discourse marker that opens a clause (`ثم`, `فلما`, `قال` ...),
and only where there is none, at the word boundary nearest the limit.
"""

from __future__ import annotations

import re

# Punctuation that ends a sentence or clause; it stays with the piece before it.
_BOUNDARY = re.compile(r"(?<=[.!?؟؛;:…،,])\s+|\n+")
# Words that open a clause in narrative Arabic, strongest first. A cut goes before them.
CLAUSE_MARKERS = (
    "ثم", "فلما", "ولما", "لما", "فعند", "لكن", "ولكن", "فقال", "وقال", "قال", "قالوا", "فقالوا",
    "وقالوا", "حتى", "فاذا", "فإذا", "واذا", "وإذا", "اذ", "إذ", "وكان", "وكانت", "فكان", "كان",
    "بعضهم", "يعني", "الى ان", "إلى أن", "فانزل", "فأنزل", "فذهب", "فذهبت", "فخرج", "فخرجوا",
)
_MARKERS = {m for m in CLAUSE_MARKERS if " " not in m}
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
