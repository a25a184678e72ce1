"""Disfluencies of transcribed speech: here, the immediate repetition of a word."""

from __future__ import annotations

import re

# A word (Arabic or other letters and digits) followed by one or more spaces and the same word.
# Lines are kept apart: a heading never merges with the paragraph under it.
_REPEATED_WORD = re.compile(r"(?<![\w])(\w+)(?: \1)+(?![\w])")


def repeated_word(text: str) -> str:
    """`فلم فلم يتمكنوا` -> `فلم يتمكنوا`."""
    return _REPEATED_WORD.sub(r"\1", text)


RULES = [
    ("repeated-word", repeated_word),
]
