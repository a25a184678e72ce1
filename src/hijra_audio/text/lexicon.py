"""The user's lexicon: corrections (both forms), pronunciations (the speech form only) and
doublings said on purpose (kept by the disfluency rules).

One entry a line, UTF-8; `#` starts a comment; blank lines are ignored:

    السهلا = السفلى          # a correction: what is written is wrong; listeners read and hear the right words
    ودر التراب = وذر التراب  # whole words or phrases, never parts of words
    ثور ~ ثَوْر               # a pronunciation: the transcript keeps ثور, the engine is given ثَوْر
    + مهلا مهلا              # a doubling: said twice on purpose, never shortened as a stutter

A line without `=` or `~`, with an empty side, or repeating an earlier entry is an error naming the
file and line. An entry that never matches is reported as a warning.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from hijra_audio.errors import LexiconError
from hijra_audio.text.tokens import Change, Token, split_punct


@dataclass(frozen=True)
class Entry:
    wrong: tuple[str, ...]
    right: tuple[str, ...]
    kind: str              # "correction", "pronunciation" or "doubling"
    line: int

    @property
    def text(self) -> str:
        if self.kind == "doubling":
            return f"+ {' '.join(self.wrong)}"
        sep = "=" if self.kind == "correction" else "~"
        return f"{' '.join(self.wrong)} {sep} {' '.join(self.right)}"


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[Entry, ...] = ()
    path: str = ""

    @classmethod
    def load(cls, path: Path) -> "Lexicon":
        path = Path(path)
        if not path.is_file():
            raise LexiconError(f"{path}: no such lexicon file. Fix the `lexicon` path in podcast.toml "
                               f"(it is relative to the config file), or remove the key.")
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise LexiconError(f"{path}: not UTF-8 text. Save the lexicon as UTF-8.") from None
        return cls.parse(text, str(path))

    @classmethod
    def parse(cls, text: str, path: str = "<lexicon>") -> "Lexicon":
        entries: list[Entry] = []
        seen: dict[tuple[str, ...], int] = {}
        for number, raw in enumerate(text.splitlines(), start=1):
            line = unicodedata.normalize("NFC", raw.split("#", 1)[0]).replace("\u0640", "").strip()
            if not line:
                continue
            if line.startswith("+"):
                words = tuple(line[1:].split())
                if len(words) < 2 or "=" in line or "~" in line:
                    raise LexiconError(f"{path}: line {number}: a doubling (`+ رويدا رويدا`) needs two words "
                                       f"or more and no `=` or `~`.")
                if words in seen:
                    raise LexiconError(f"{path}: line {number}: {' '.join(words)!r} is already given on line "
                                       f"{seen[words]}; keep one of them.")
                seen[words] = number
                entries.append(Entry(words, (), "doubling", number))
                continue
            has_eq, has_tilde = "=" in line, "~" in line
            if has_eq == has_tilde:
                raise LexiconError(f"{path}: line {number}: {raw.strip()!r} needs one `=` (a correction: "
                                   f"wrong = right) or one `~` (a pronunciation: word ~ spoken form).")
            sep, kind = ("=", "correction") if has_eq else ("~", "pronunciation")
            parts = line.split(sep)
            if len(parts) != 2:
                raise LexiconError(f"{path}: line {number}: more than one `{sep}`; write one entry a line.")
            wrong, right = (tuple(p.split()) for p in parts)
            if not wrong or not right:
                raise LexiconError(f"{path}: line {number}: both sides of `{sep}` need words.")
            if wrong in seen:
                raise LexiconError(f"{path}: line {number}: {' '.join(wrong)!r} is already given on line "
                                   f"{seen[wrong]}; keep one of them.")
            seen[wrong] = number
            entries.append(Entry(wrong, right, kind, number))
        # Longest phrases first, so that a phrase wins over a word inside it.
        entries.sort(key=lambda e: -len(e.wrong))
        return cls(tuple(entries), path)

    def corrections(self) -> list[Entry]:
        return [e for e in self.entries if e.kind == "correction"]

    def pronunciations(self) -> list[Entry]:
        return [e for e in self.entries if e.kind == "pronunciation"]

    def doublings(self) -> frozenset[tuple[str, ...]]:
        """The doublings (`+` entries), as their folded words, for the disfluency rules."""
        from hijra_audio.text.quran import fold

        return frozenset(tuple(fold(w) for w in e.wrong) for e in self.entries if e.kind == "doubling")


def _find(tokens: list[Token], i: int, entries: list[Entry]) -> Entry | None:
    for entry in entries:
        n = len(entry.wrong)
        if i + n <= len(tokens) and all(not t.quran for t in tokens[i:i + n]) \
                and all(not t.trail for t in tokens[i:i + n - 1]) \
                and tuple(split_punct(t.display)[1] for t in tokens[i:i + n]) == entry.wrong:
            return entry
    return None


def _replace(tokens: list[Token], entries, uses: dict[int, int], rewrite) -> tuple[list[Token], list[Change]]:
    """Each span of `tokens` an entry matches, replaced by `rewrite(span, entry)` -> (tokens, change);
    `uses` counts the matches of each entry by its line."""
    if not entries:
        return tokens, []
    out: list[Token] = []
    changes: list[Change] = []
    i = 0
    while i < len(tokens):
        entry = _find(tokens, i, entries)
        if entry is None:
            out.append(tokens[i])
            i += 1
            continue
        span = tokens[i:i + len(entry.wrong)]
        new, change = rewrite(span, entry)
        out.extend(new)
        changes.append(change)
        uses[entry.line] = uses.get(entry.line, 0) + 1
        i += len(span)
    return out, changes


def _corrected(span: list[Token], entry) -> tuple[list[Token], Change]:
    lead, trail = split_punct(span[0].display)[0], split_punct(span[-1].display)[2]
    words = list(entry.right)
    words[0] = lead + words[0]
    words[-1] = words[-1] + trail
    new = [Token(w, line=span[0].line, word=span[0].word) for w in words]
    return new, Change(span[0].line, span[0].word, " ".join(t.display for t in span),
                       " ".join(t.display for t in new), "lexicon")


def _pronounced(span: list[Token], entry) -> tuple[list[Token], Change]:
    spoken = " ".join(entry.right) + split_punct(span[-1].display)[2]
    before = " ".join(t.speech for t in span)
    new = Token(" ".join(t.display for t in span), spoken, span[0].line, span[0].word)
    return [new], Change(span[0].line, span[0].word, before, spoken, "pronunciation", "speech")


def apply_corrections(tokens: list[Token], lexicon: Lexicon, uses: dict[int, int]) -> tuple[list[Token], list[Change]]:
    """Replace each `wrong` phrase by its `right` words in both forms (rule `lexicon`)."""
    return _replace(tokens, lexicon.corrections(), uses, _corrected)


def apply_pronunciations(tokens: list[Token], lexicon: Lexicon, uses: dict[int, int]) -> tuple[list[Token], list[Change]]:
    """Give the engine the spoken form of each listed word or phrase (rule `pronunciation`);
    the display form keeps what is written."""
    return _replace(tokens, lexicon.pronunciations(), uses, _pronounced)
