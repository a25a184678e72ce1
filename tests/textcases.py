"""Helpers for the cleaning tests: run one token rule on plain text."""

from hijra_audio.text.tokens import Token


def tokens(text: str) -> list[Token]:
    return [Token(w, line=1, word=i) for i, w in enumerate(text.split(), start=1)]


def run(rule, text: str, *args) -> str:
    out, _changes = rule(tokens(text), *args)
    return " ".join(t.display for t in out)
