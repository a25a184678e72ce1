"""Quran detection on Ibn Hisham's whole Sira (../shared/data/sira/ibnhisham-full.txt), scored
against the verse references the edition writes after its quotations, two ways: by sets (a label
is recalled when its verse is found anywhere in the book) and where each stands (a label is
recalled only by a quotation of its verse that ends within 3 words before it; a quotation is
right when such a reference follows it). With the references in the input, and without them
(removed first, as a spoken lecture gives it); then the quotations that would be recited (matched
with certainty, `text.quotations.certain`) on the text without references, and `--recited N`
prints a seeded sample of N of them with their context, to be read. Also: quotations no reference
names (`--unlabelled N`), labels missed (`--missed N`), references left doubled in the display.

Data: FILE, by default ../shared/data/sira/ibnhisham-full.txt (a text whose quotations are
followed by written verse references).

    .venv/bin/python -m benchmarks.quality.quran [FILE] [--recited 100] [--unlabelled 40] [--missed 20]
"""

from __future__ import annotations

import random
from pathlib import Path

from benchmarks.common import argument_parser, existing, print_context, shared
from benchmarks.quality.quran_eval import (
    line_lengths,
    placed_quotations,
    placed_references,
    score,
    score_placed,
    strip_references,
    verses_in,
    written_references,
)

SEED = 14


def quotations(cleaned) -> list[tuple[str, str, int, int]]:
    """(reference, display text, line, word) of each quotation found."""
    out = []
    for line in cleaned.lines:
        for token in (line.tokens if line else ()):
            if token.quran:
                out.append((token.quran, token.display, token.line, token.word))
    return out


def _rates(result: dict) -> str:
    return (f"recall {result['recall']:.1%} ({result['recalled']}/{result['labels']}), precision "
            f"{result['precision']:.1%} ({result['right']}/{result['found']})")


def with_references(raw: str, labels: list[str]) -> None:
    from hijra_audio.text import clean_text

    cleaned = clean_text(raw)
    by_sets = score(list(cleaned.quotations), labels)
    # where each stands: a reference taken into the quotation before it (or left right after it)
    named = [(w, f) for w, f in cleaned.references if verses_in(w) & verses_in(f)]
    doubled = sum(1 for mark in cleaned.display.split("﴾ [")[1:]
                  if written_references(" ".join(mark.split("]", 1)[-1].split()[:3])))
    print(f"with references: by sets {_rates(by_sets)}; where each stands recall {len(named) / len(labels):.1%} "
          f"({len(named)}/{len(labels)}), precision {len(named) / max(1, by_sets['found']):.1%}; marks with a "
          f"written reference left within 3 words after them (doubled): {doubled}")


def without_references(raw: str, labels: list[str], args) -> None:
    from hijra_audio.text import clean_text
    from hijra_audio.text.quotations import certain

    bare = strip_references(raw)
    cleaned = clean_text(bare)
    placed, lengths = placed_references(raw), line_lengths(bare)
    found = placed_quotations(cleaned)
    by_sets = score(list(cleaned.quotations), labels)
    here = score_placed([q for q, _ in found], placed, lengths)
    print(f"without references: by sets {_rates(by_sets)} (verses {by_sets['verse_recall']:.1%})")
    print(f"  where each stands: {_rates(here)}; {here['unreferenced']} with no reference after them, "
          f"{here['wrong_verse']} with another verse's; where a reference follows, precision "
          f"{here['precision_referenced']:.1%}")
    recited = [(q, t) for q, t in found if certain(t.quoted)]
    mine = score_placed([q for q, _ in recited], placed, lengths)
    print(f"  recited (certain): {len(recited)} of {len(found)}; where each stands {_rates(mine)}; "
          f"{mine['unreferenced']} with no reference after them (read them: --recited N), {mine['wrong_verse']} "
          f"with another verse's; where a reference follows, precision {mine['precision_referenced']:.1%}; by sets "
          f"precision {score([q.reference for q, _ in recited], labels)['precision']:.1%}")
    lines = bare.split("\n")
    rng = random.Random(SEED)
    for q, token in rng.sample(recited, min(args.recited, len(recited))):
        words = lines[q.line - 1].split()
        start = token.word - 1
        print(f"  [{q.reference}] {token.quoted.how or 'length'} {token.quoted.matched} words\n"
              f"      {' '.join(words[max(0, start - 10):start])} <<{' '.join(words[start:q.end])}>> "
              f"{' '.join(words[q.end:q.end + 6])}")
    _unlabelled(quotations(cleaned), labels, lines, rng, args)


def _unlabelled(found, labels, lines, rng, args) -> None:
    labelled = set().union(*(verses_in(r) for r in labels))
    unlabelled = [q for q in found if not verses_in(q[0]) & labelled]
    print(f"  {len(unlabelled)} quotations found that no written reference names (read a sample: --unlabelled N)")
    for ref, display, line, word in rng.sample(unlabelled, min(args.unlabelled, len(unlabelled))):
        words = lines[line - 1].split()
        print(f"  [{ref}] {display}\n      in: {' '.join(words[max(0, word - 8):word + 12])}")
    if args.missed:
        covered = set().union(*(verses_in(q[0]) for q in found))
        missed = [r for r in labels if not verses_in(r) & covered]
        print(f"  missed labels: {len(missed)}; a sample: " + ", ".join(rng.sample(missed, min(args.missed, len(missed)))))


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("file", nargs="?", type=Path, help="the text scored (default: the whole Sira)")
    parser.add_argument("--recited", type=int, default=0, help="print a seeded sample of N quotations that would be recited")
    parser.add_argument("--unlabelled", type=int, default=0, help="print a seeded sample of N unlabelled quotations")
    parser.add_argument("--missed", type=int, default=0, help="print a sample of N labels missed")
    args = parser.parse_args(argv)
    path = existing(args.file) if args.file else shared("data", "sira", "ibnhisham-full.txt")
    print_context()
    raw = path.read_text(encoding="utf-8")
    labels = written_references(raw)
    with_references(raw, labels)
    without_references(raw, labels, args)


if __name__ == "__main__":
    main()
