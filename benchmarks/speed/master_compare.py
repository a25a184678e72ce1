"""Mastering + encoding against LAME alone, for two versions of the code side by side: run it once
with each `src` folder (e.g. a `git worktree` of main, and this one). The runs alternate LAME and
mastering, in wall time and in this process's CPU time, and print the medians and the ratio.

    .venv/bin/python benchmarks/bench_master_compare.py SRC [--runs 5] [--minutes 10]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", help="the src folder whose hijra_audio is measured")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    sys.path.insert(0, args.src)
    from bench_master import speech  # benchmarks/: this script runs from its folder

    import hijra_audio
    from hijra_audio.audio import master, meter
    from hijra_audio.config import AudioConfig

    pcm = speech(args.minutes)
    settings = AudioConfig(loudness_lufs=-19.0)      # the same work whatever the version's default
    source = meter.PcmFile()
    source.append(pcm)
    master._lame([pcm[:44100]], 44100, 64, info=False)
    hours = pcm.size / 44100 / 3600
    times = {key: [] for key in ("lame wall", "master wall", "lame cpu", "master cpu")}
    for _ in range(args.runs):
        for key, clock, fn in (("lame wall", time.perf_counter, lambda: master._lame([pcm], 44100, 64, info=False)),
                               ("master wall", time.perf_counter, lambda: master.master_and_encode(source, settings)),
                               ("lame cpu", time.process_time, lambda: master._lame([pcm], 44100, 64, info=False)),
                               ("master cpu", time.process_time, lambda: master.master_and_encode(source, settings))):
            start = clock()
            fn()
            times[key].append(clock() - start)
    m = {key: statistics.median(v) for key, v in times.items()}
    print(f"{hijra_audio.__file__}: {args.minutes:.0f} min, medians of {args.runs}, seconds per hour of audio")
    for kind in ("wall", "cpu"):
        print(f"  {kind:4}: LAME {m['lame ' + kind] / hours:5.1f}, master + encode {m['master ' + kind] / hours:5.1f}, "
              f"ratio {m['master ' + kind] / m['lame ' + kind]:.2f}")


if __name__ == "__main__":
    main()
