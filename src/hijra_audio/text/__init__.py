"""Raw transcript -> clean, speakable text: a list of small named `str -> str` rules."""

from __future__ import annotations

from hijra_audio.text.disfluency import RULES as DISFLUENCY_RULES
from hijra_audio.text.normalize import RULES as NORMALIZE_RULES

RULES = NORMALIZE_RULES + DISFLUENCY_RULES


def clean(text: str) -> str:
    """Apply every cleaning rule in order."""
    for _name, rule in RULES:
        text = rule(text)
    return text
