"""Scoring Quran detection against the verse references an edition writes after its quotations
(evaluation only: the benchmarks and tests use it, the product does not).
"""

from __future__ import annotations

import re

from hijra_audio.text.tokens import REFERENCE, VerseRef

# A reference as Ibn Hisham's edition writes it in running text, not inside a longer number.
_WRITTEN = re.compile(r"(?<![\d:])" + REFERENCE.pattern + r"(?!\d)")


def verses_in(reference: str) -> set[tuple[int, int]]:
    """`36:1-5` -> {(36, 1), ..., (36, 5)}; nothing for text that is not a reference."""
    ref = VerseRef.parse(reference.replace(" ", ""))
    return ref.verses() if ref else set()


def written_references(text: str) -> list[str]:
    """The verse references an edition writes after quotations: `8: 30`, `52: 30- 31`."""
    return [str(VerseRef.from_match(m)) for m in _WRITTEN.finditer(text)]


def strip_references(text: str) -> str:
    """`text` without the verse references an edition writes (what a spoken lecture gives)."""
    return _WRITTEN.sub("", text)


def score(found: list[str], labels: list[str]) -> dict[str, float]:
    """Recall and precision of quotations `found` against written references `labels`
    (both as `sura:aya[-aya]`): a label is recalled when a quotation found covers one of its
    verses; a quotation found is right when it covers a verse some label names."""
    labelled = set().union(*(verses_in(r) for r in labels)) if labels else set()
    covered = set().union(*(verses_in(r) for r in found)) if found else set()
    recalled = sum(1 for r in labels if verses_in(r) & covered)
    right = sum(1 for r in found if verses_in(r) & labelled)
    return {"labels": len(labels), "found": len(found), "recalled": recalled, "right": right,
            "recall": recalled / len(labels) if labels else 1.0,
            "precision": right / len(found) if found else 1.0,
            "verse_recall": len(labelled & covered) / len(labelled) if labelled else 1.0}
