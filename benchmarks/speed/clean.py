"""Clean the whole of Ibn Hisham's Sira (../shared/data/sira/ibnhisham-full.txt, about 1.46 M
characters): wall time and peak memory, changes per rule, and Quran detection against the
edition's written verse references. Quran matching uses the three-word index (text/quran.py).

    .venv/bin/python benchmarks/bench_clean.py [FILE]
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.quran_eval import score, written_references  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO.parent / "shared" / "data" / "sira" / "ibnhisham-full.txt"


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
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
