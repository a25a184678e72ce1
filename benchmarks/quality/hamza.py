"""The hamza rule (text/hamza.py) on held-out, correctly spelled text: Ibn Hisham's Hijra chapter
and a slice of the whole book, with أ/إ/آ folded to ا as a recognizer writes them, then restored.
Prints the share of hamza words given back right and the share of other words changed, then the
same text as written (nothing folded: every change there is a false one), as clean_text treats it
(a text that spells hamza is kept) and line by line.

The rule was tuned on the development slice (lines DEV of ibnhisham-full.txt); the test sets are
the Hijra chapter (ibnhisham-hijra.txt) and the lines TEST of the book, read only to measure.

Data: ../shared/data/sira (ibnhisham-full.txt, ibnhisham-hijra.txt).

    .venv/bin/python -m benchmarks.quality.hamza [--show N]
"""

from __future__ import annotations

import time
from collections import Counter

from benchmarks.common import argument_parser, print_context, shared
from benchmarks.quality.hamza_eval import evaluate, paragraphs

DEV = (2000, 2600)
TEST = (15000, 15600)


def sets() -> dict[str, list[str]]:
    full = shared("data", "sira", "ibnhisham-full.txt").read_text(encoding="utf-8").splitlines()
    hijra = shared("data", "sira", "ibnhisham-hijra.txt").read_text(encoding="utf-8")
    return {
        "dev: ibnhisham-full.txt lines %d-%d" % DEV: paragraphs("\n".join(full[DEV[0]:DEV[1]])),
        "test: ibnhisham-hijra.txt": paragraphs(hijra),
        "test: ibnhisham-full.txt lines %d-%d" % TEST: paragraphs("\n".join(full[TEST[0]:TEST[1]])),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("--show", type=int, default=0, help="print the N commonest misses and false changes")
    args = parser.parse_args(argv)
    data = sets()
    print_context()
    for name, lines in data.items():
        start = time.perf_counter()
        score = evaluate(lines)
        seconds = time.perf_counter() - start
        written = evaluate(lines, fold=False)
        as_clean = evaluate(lines, fold=False, whole=True)
        words = score.hamza_words + score.other_words
        print(f"{name}: {words:,} words in {seconds:.1f} s")
        print(f"  folded:  hamza words right {score.hamza_right}/{score.hamza_words} = {score.right_rate:.1%}; "
              f"other words changed {score.other_changed}/{score.other_words} = {score.changed_rate:.2%}")
        print(f"  as written: words changed {_changed(as_clean)}/{words} (clean_text: the text spells hamza); "
              f"line by line, without that evidence, {_changed(written)}/{words}")
        if args.show:
            print("  misses: " + ", ".join(f"{w}>{r} {n}" for (w, r), n in Counter(score.misses).most_common(args.show)))
            print("  false:  " + ", ".join(f"{w}>{r} {n}" for (w, r), n in Counter(score.false).most_common(args.show)))
            print("  as written: " + ", ".join(f"{w}>{r} {n}" for (w, r), n in
                                               Counter(written.false + written.misses).most_common(args.show)))


def _changed(score) -> int:
    return score.other_changed + score.hamza_words - score.hamza_right


if __name__ == "__main__":
    main()
