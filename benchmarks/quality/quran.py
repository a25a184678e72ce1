"""Quran detection on Ibn Hisham's whole Sira (../shared/data/sira/ibnhisham-full.txt), scored
against the verse references the edition writes after its quotations: recall with those references
in the input, and without them (removed first, as a spoken lecture gives it), the quotations found
that no reference names (to be read: `--unlabelled N` prints a seeded sample of N with their
context), the labels missed (`--missed N`), and references left doubled in the display text.

Data: FILE, by default ../shared/data/sira/ibnhisham-full.txt (a text whose quotations are
followed by written verse references).

    .venv/bin/python -m benchmarks.quality.quran [FILE] [--unlabelled 40] [--missed 20]
"""

from __future__ import annotations

import random
from pathlib import Path

from benchmarks.common import argument_parser, existing, print_context, shared
from benchmarks.quality.quran_eval import score, strip_references, verses_in, written_references


def quotations(cleaned) -> list[tuple[str, str, int, int]]:
    """(reference, display text, line, word) of each quotation found."""
    out = []
    for line in cleaned.lines:
        for token in (line.tokens if line else ()):
            if token.quran:
                out.append((token.quran, token.display, token.line, token.word))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("file", nargs="?", type=Path, help="the text scored (default: the whole Sira)")
    parser.add_argument("--unlabelled", type=int, default=0, help="print a seeded sample of N unlabelled quotations")
    parser.add_argument("--missed", type=int, default=0, help="print a sample of N labels missed")
    args = parser.parse_args(argv)
    path = existing(args.file) if args.file else shared("data", "sira", "ibnhisham-full.txt")
    print_context()
    from hijra_audio.text import clean_text

    raw = path.read_text(encoding="utf-8")
    labels = written_references(raw)
    with_refs = clean_text(raw)
    result = score(list(with_refs.quotations), labels)
    doubled = sum(1 for mark in with_refs.display.split("﴾ [")[1:]
                  if written_references(" ".join(mark.split("]", 1)[-1].split()[:3])))
    print(f"with references: {result['labels']} labels, {result['found']} found; recall {result['recall']:.1%}, "
          f"precision against the references {result['precision']:.1%}; marks with a written reference left "
          f"within 3 words after them (doubled): {doubled}")
    bare = strip_references(raw)
    without = clean_text(bare)
    result = score(list(without.quotations), labels)
    print(f"without references: {result['found']} found; recall {result['recall']:.1%} "
          f"(verses {result['verse_recall']:.1%}), precision against the references {result['precision']:.1%}")
    labelled = set().union(*(verses_in(r) for r in labels))
    found = quotations(without)
    unlabelled = [q for q in found if not verses_in(q[0]) & labelled]
    print(f"  {len(unlabelled)} quotations found that no written reference names (read a sample: --unlabelled N)")
    lines = bare.split("\n")
    rng = random.Random(14)
    for ref, display, line, word in rng.sample(unlabelled, min(args.unlabelled, len(unlabelled))):
        words = lines[line - 1].split()
        print(f"  [{ref}] {display}\n      in: {' '.join(words[max(0, word - 8):word + 12])}")
    if args.missed:
        covered = set().union(*(verses_in(q[0]) for q in found))
        missed = [r for r in labels if not verses_in(r) & covered]
        print(f"  missed labels: {len(missed)}; a sample: " + ", ".join(rng.sample(missed, min(args.missed, len(missed)))))


if __name__ == "__main__":
    main()
