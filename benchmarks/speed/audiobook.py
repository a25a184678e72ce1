"""The show as an audiobook against its MP3 build: time and size.

A narration is built cold with the real offline engine (which fills the clip cache), then, from
that cache, each episode is rendered again (`build --force`) without and with `--audiobook`: the
difference is what encoding each episode's AAC beside its MP3 costs (the AAC is made from the
same mastered blocks in the same worker). Then the .m4b is removed and built again with nothing
else to do (joining the cached AAC of every episode: what a rebuild that changed a few episodes
pays beyond them), and once more with nothing changed (the book is left as it is). Sizes: the
MP3s, the .m4b, the AAC kept in the cache. Per hour of audio, and extrapolated to the whole Sira
(41.8 hours; its MP3 build takes 12.7 minutes on 2 cores, benchmarks/README.md) unless --full
builds it.

Data: ../shared/data/sira/ibnhisham-hijra.txt (default), or the whole book with --full (tens of
minutes), or any narration given with --narration.

    .venv/bin/python -m benchmarks.speed.audiobook [--runs 3] [--jobs 2] [--full] [--narration FILE]
"""

from __future__ import annotations

import json
import re
import resource
import statistics
import subprocess
import tempfile
from pathlib import Path

from benchmarks.common import WALL, argument_parser, existing, print_context, shared, venv_tool

SIRA_HOURS, SIRA_MP3_MINUTES = 41.8, 12.7     # the whole Sira's audio and MP3 build (benchmarks/README.md)


def build(*args: str) -> tuple[float, float, dict[str, float]]:
    """One `hijra-audio build -v ...`: its wall seconds, the CPU seconds of its whole process tree
    (the workers are waited for, so their time counts: steadier than the wall on a shared
    machine), and the steps' seconds it reports."""
    started, cpu = WALL(), _children_cpu()
    done = subprocess.run([str(venv_tool("hijra-audio")), "build", "-v", *args], capture_output=True, text=True)
    wall, cpu = WALL() - started, _children_cpu() - cpu
    if done.returncode:
        raise SystemExit(f"build failed ({done.returncode}): {done.stderr[-2000:]}")
    line = next((x for x in done.stderr.splitlines() if x.startswith("time: ")), "")
    return wall, cpu, {step: float(seconds) for step, seconds in re.findall(r"(\w+) ([\d.]+) s", line)}


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def sizes(out: Path, cache: Path) -> dict[str, float]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {"hours": sum(e["duration"] for e in manifest["episodes"].values()) / 3600,
            "episodes": len(manifest["episodes"]),
            "mp3": sum(p.stat().st_size for p in out.glob("*.mp3")),
            "m4b": sum(p.stat().st_size for p in out.glob("*.m4b")),
            "aac": sum(p.stat().st_size for p in cache.rglob("aac/*.m4a"))}


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("--runs", type=int, default=3, help="renders of each kind (the median is shown)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (build -j)")
    parser.add_argument("--full", action="store_true", help="the whole Sira instead of the Hijra chapter")
    parser.add_argument("--narration", type=Path, help="another narration file")
    args = parser.parse_args(argv)
    narration = (existing(args.narration) if args.narration else
                 shared("data", "sira", "ibnhisham-full.txt" if args.full else "ibnhisham-hijra.txt"))
    print_context()
    with tempfile.TemporaryDirectory() as tmp:
        out, cache = Path(tmp) / "out", Path(tmp) / "cache"
        common = (str(narration), "-o", str(out), "--cache-dir", str(cache), "-j", str(args.jobs))
        cold = build(*common)[:2]
        mp3, book, join, noop = [], [], [], []
        for _ in range(args.runs):      # alternated, so that the machine's load falls on both alike
            mp3.append(build(*common, "--force")[:2])
            book.append(build(*common, "--force", "--audiobook")[:2])
            for path in out.glob("*.m4b"):
                path.unlink()
            join.append(build(*common, "--audiobook")[2].get("audiobook", float("nan")))
            noop.append(build(*common, "--audiobook")[2].get("audiobook", float("nan")))
        found = sizes(out, cache)
    report(narration, args, cold, mp3, book, join, noop, found)


def report(narration: Path, args, cold: tuple, mp3: list, book: list, join: list, noop: list, found: dict) -> None:
    hours = found["hours"]
    (mp3_s, mp3_cpu), (book_s, book_cpu) = ((statistics.median(x[0] for x in runs), statistics.median(x[1] for x in runs))
                                            for runs in (mp3, book))
    join_s = statistics.median(join)
    extra, extra_cpu = book_s - mp3_s, book_cpu - mp3_cpu
    print(f"{narration.name}: {found['episodes']} episodes, {hours:.2f} h of audio; -j {args.jobs}; "
          f"medians of {args.runs}; wall s (CPU s of the process tree)")
    print(f"  cold MP3 build (speaks)          {cold[0]:7.1f} ({cold[1]:.1f})")
    print(f"  render MP3s (build --force)      {mp3_s:7.1f} ({mp3_cpu:.1f})   {[round(x[0], 1) for x in mp3]}")
    print(f"  render MP3s + AAC, join book     {book_s:7.1f} ({book_cpu:.1f})   {[round(x[0], 1) for x in book]}")
    print(f"    AAC beside the MP3 costs       {extra:7.1f} ({extra_cpu:.1f})   {100 * extra_cpu / mp3_cpu:.0f}% of the "
          f"render's CPU; AAC at {hours * 3600 / extra_cpu:.0f}x real time per core")
    print(f"  join the book alone (remux)      {join_s:7.2f} s   ({join_s / hours:.2f} s per hour of audio)")
    print(f"  unchanged book (left as it is)   {statistics.median(noop):7.3f} s")
    mb = 1e6
    print(f"  sizes: MP3s {found['mp3'] / mb:.1f} MB, m4b {found['m4b'] / mb:.1f} MB "
          f"({found['m4b'] / found['mp3']:.2f}x), AAC in the cache {found['aac'] / mb:.1f} MB; "
          f"per hour: MP3 {found['mp3'] / mb / hours:.1f} MB, m4b {found['m4b'] / mb / hours:.1f} MB")
    if not args.full:
        scale = SIRA_HOURS / hours
        print(f"  the whole Sira ({SIRA_HOURS} h), extrapolated by hours of audio: MP3 build {SIRA_MP3_MINUTES} min; "
              f"the audiobook adds {extra * scale / 60:.1f} min of AAC as measured ({extra_cpu * scale / 60 / args.jobs:.1f} "
              f"min on {args.jobs} free cores) and {join_s * scale / 60:.1f} min joining; m4b "
              f"{found['m4b'] / mb * scale:.0f} MB against {found['mp3'] / mb * scale:.0f} MB of MP3s")


if __name__ == "__main__":
    main()
