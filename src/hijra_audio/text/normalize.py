"""Unicode, letters and stray marks: each rule a small `str -> str` function."""

from __future__ import annotations

import re
import unicodedata

TATWEEL = "\u0640"
# Zero-width and bidi controls that transcription and copy-paste leave behind:
# ZWSP, ZWNJ, ZWJ, LRM, RLM, ALM, LRE..RLO, LRI..PDI, word joiner, BOM, soft hyphen.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[^\S\n]+")
_SPACE_AROUND_NEWLINE = re.compile(r" *\n *")
_BLANK_LINES = re.compile(r"\n{3,}")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def remove_tatweel(text: str) -> str:
    return text.replace(TATWEEL, "")


def remove_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


def collapse_whitespace(text: str) -> str:
    """One space between words; line breaks kept (headings live on their own lines)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _SPACES.sub(" ", text)
    text = _SPACE_AROUND_NEWLINE.sub("\n", text)
    return _BLANK_LINES.sub("\n\n", text).strip()


RULES = [
    ("nfc", nfc),
    ("tatweel", remove_tatweel),
    ("invisible", remove_invisible),
    ("whitespace", collapse_whitespace),
]
