"""Helpers for the cleaning tests: run one token rule on plain text."""

from hijra_audio.text.tokens import Token


def tokens(text: str) -> list[Token]:
    return [Token(w, line=1, word=i) for i, w in enumerate(text.split(), start=1)]


def run(rule, text: str, *args) -> str:
    out, _changes = rule(tokens(text), *args)
    return " ".join(t.display for t in out)


def uncleaned(text: str):
    """`text` as cleaning hands it to planning when no rule changes a word: `## ` lines are
    headings (`# ` lines top-level ones), blank lines paragraph breaks, words split at spaces
    (`---` stays one word)."""
    from hijra_audio.text.clean import Cleaned, Line

    lines = []
    for number, raw in enumerate(text.split("\n"), start=1):
        raw = raw.strip()
        top = raw.startswith("# ")
        heading = top or raw.startswith("## ")
        words = (raw.lstrip("#") if heading else raw).split()
        lines.append(Line(tuple(Token(w, line=number, word=i) for i, w in enumerate(words, start=1)), heading, top)
                     if words else None)
    return Cleaned(tuple(lines))


def sections(text: str):
    """The sections planning makes of `text` left as written (`uncleaned`)."""
    from hijra_audio.episodes import sections_from_cleaned

    return sections_from_cleaned(uncleaned(text))
