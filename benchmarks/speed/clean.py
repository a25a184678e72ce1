"""Clean the whole of Ibn Hisham's Sira (../shared/data/sira/ibnhisham-full.txt, about 1.46 M
characters): wall time and peak memory, changes per rule, and Quran detection against the
edition's written verse references. Quran matching uses the three-word index (text/quran.py).

Data: FILE, by default ../shared/data/sira/ibnhisham-full.txt.

    .venv/bin/python -m benchmarks.speed.clean [FILE]
"""

from __future__ import annotations

import resource
import time
from pathlib import Path

from benchmarks.common import argument_parser, existing, print_context, shared
from benchmarks.quality.quran_eval import score, written_references


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("file", nargs="?", type=Path, help="the text cleaned (default: the whole Sira)")
    args = parser.parse_args(argv)
    path = existing(args.file) if args.file else shared("data", "sira", "ibnhisham-full.txt")
    print_context()
    raw = path.read_text(encoding="utf-8")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    start = time.perf_counter()
    from hijra_audio.text.quran import QuranIndex

    QuranIndex.load()
    index_seconds = time.perf_counter() - start
    from hijra_audio.text import clean_text

    start = time.perf_counter()
    cleaned = clean_text(raw)
    clean_seconds = time.perf_counter() - start
    display, speech = cleaned.display, cleaned.speech
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    result = score(list(cleaned.quotations), written_references(raw))
    agree = sum(1 for written, found in cleaned.references if found.split(":")[0] == written.split(":")[0])
    print(f"file: {path} ({len(raw):,} characters, {len(raw.split()):,} words)")
    print(f"index built in {index_seconds:.2f} s; cleaning took {clean_seconds:.2f} s "
          f"({len(raw) / clean_seconds / 1000:.0f} k characters/s)")
    print(f"peak memory (max RSS): {peak / 1024:.0f} MB (before reading the Quran: {rss_before / 1024:.0f} MB)")
    print(f"display {len(display):,} characters, speech {len(speech):,} characters")
    print("changes per rule: " + ", ".join(f"{rule} {n}" for rule, n in cleaned.counts().items()))
    print(f"Quran: {result['labels']} written references, {result['found']} quotations found; "
          f"recall {result['recall']:.1%} (verses {result['verse_recall']:.1%}), "
          f"precision against the references {result['precision']:.1%}; "
          f"{agree}/{len(cleaned.references)} references written right after a quotation name its sura")


if __name__ == "__main__":
    main()
