"""Batch regeneration figures.

1. Bundled lecture: cold build, no-op rebuild (Python start included), one-sentence edit.
2. Ibn Hisham's Hijra chapters, the book's first --part words, and with --full the whole book,
   built cold with the offline engine: hours of audio per minute of wall time, peak memory of the
   whole process tree (PSS and RSS, see tools/procmem.py), of the parent and of the largest
   worker, and the speedup of --jobs 2 over --jobs 1.
3. No-op rebuild of the same (with --full: the whole book).

Data: the bundled lecture (shipped in the package) for part 1; ../shared/data/sira
(ibnhisham-hijra.txt, ibnhisham-full.txt) for parts 2 and 3, skipped without it. --full takes
tens of minutes.

    .venv/bin/python -m benchmarks.speed.regen [--runs 3] [--part 40000] [--full] [--skip-jobs1]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import tempfile
from pathlib import Path

from benchmarks.common import absent, argument_parser, bundled, find_shared, print_context, venv_tool
from benchmarks.tools.procmem import run


def build(args: list[str]) -> dict:
    return run([str(venv_tool("hijra-audio")), "build", "-q", *args], stdout=subprocess.DEVNULL)


def audio_hours(out: Path) -> float:
    manifest = json.loads((out / "manifest.json").read_text())
    return sum(e["duration"] for e in manifest["episodes"].values()) / 3600


def bundled_lecture(runs: int) -> None:
    lecture = bundled("hijra-lecture.txt").read_text(encoding="utf-8")
    cold, noop, edit = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            out, text = Path(tmp) / "out", Path(tmp) / "lecture.txt"
            text.write_text(lecture, encoding="utf-8")
            config = bundled("podcast.toml")
            common = [str(text), "-o", str(out), "-c", str(config)]
            cold.append(build(common)["wall"])
            noop.append(build(common)["wall"])
            text.write_text(lecture.replace("هيأ الرواحل والزاد", "جهز الرواحل والزاد كله"), encoding="utf-8")
            edit.append(build(common)["wall"])
    print("bundled lecture (median of %d):" % runs)
    print(f"  cold build           {statistics.median(cold):6.2f} s")
    print(f"  no-op rebuild        {statistics.median(noop):6.2f} s   (target < 1 s, Python start included)")
    print(f"  one-sentence edit    {statistics.median(edit):6.2f} s   ({statistics.median(edit) / statistics.median(cold):.2f} of cold)")


def first_words(path: Path, words: int, folder: Path) -> Path:
    """The opening of `path`, whole lines up to about `words` words, as a file in `folder`."""
    kept, count = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if count >= words:
            break
        kept.append(line)
        count += len(line.split())
    part = folder / f"{path.stem}-first-{words // 1000}k-words.txt"
    part.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return part


def book(path: Path, jobs_list: list[int]) -> None:
    print(f"{path.name}: {len(path.read_text(encoding='utf-8').split()):,} words")
    walls = {}
    for jobs in jobs_list:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out"
            result = build([str(path), "-o", str(out), "-j", str(jobs)])
            if result["code"]:
                raise SystemExit(f"build failed: {result}")
            hours = audio_hours(out)
            walls[jobs] = result["wall"]
            print(f"  cold --jobs {jobs}: {result['wall']:7.1f} s for {hours:5.2f} h of audio = "
                  f"{hours / (result['wall'] / 60):.2f} h of audio per minute")
            print(f"    peak memory of the process tree: PSS {result['peak_tree_pss'] / 2**20:.0f} MB, "
                  f"RSS {result['peak_tree'] / 2**20:.0f} MB (target < 400 MB); parent RSS "
                  f"{result['peak_main'] / 2**20:.0f} MB, largest worker RSS {result['peak_child'] / 2**20:.0f} MB")
            noop = [build([str(path), "-o", str(out), "-j", str(jobs)])["wall"] for _ in range(3)]
            print(f"  no-op rebuild: median {statistics.median(noop):.2f} s")
    if 1 in walls and 2 in walls:
        print(f"  speedup --jobs 2 over --jobs 1: {walls[1] / walls[2]:.2f}x (target >= 1.7x)")


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="also the whole book (tens of minutes)")
    parser.add_argument("--skip-jobs1", action="store_true", help="only --jobs 2 for the whole book")
    parser.add_argument("--part", type=int, default=40_000, metavar="WORDS",
                        help="also the book's first WORDS words with --jobs 1 and 2: a speedup over tens of "
                             "episodes, where the Hijra chapter's 7 cannot be shared evenly by 2 workers "
                             "(0: skip)")
    args = parser.parse_args(argv)
    print_context()
    bundled_lecture(args.runs)
    sira = find_shared("data", "sira")
    if sira is None:
        print(f"{absent('data', 'sira')}: book-scale figures skipped")
        return
    book(sira / "ibnhisham-hijra.txt", [1, 2])
    if args.part:
        with tempfile.TemporaryDirectory() as tmp:
            book(first_words(sira / "ibnhisham-full.txt", args.part, Path(tmp)), [1, 2])
    if args.full:
        book(sira / "ibnhisham-full.txt", [2] if args.skip_jobs1 else [1, 2])


if __name__ == "__main__":
    main()
