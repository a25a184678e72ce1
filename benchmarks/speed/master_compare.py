"""Mastering + encoding against LAME alone, for two versions of the code side by side: run it once
with each `src` folder (e.g. a `git worktree` of main, and this one). The runs alternate LAME and
mastering, in wall time and in this process's CPU time, and print the medians and the ratio.

Data: the bundled lecture of the version measured (shipped in its package); SRC, the `src` folder
whose hijra_audio is measured (this script puts it first on the import path: that is its job).

    .venv/bin/python -m benchmarks.speed.master_compare SRC [--runs 5] [--minutes 10]
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.common import CPU, WALL, alternate, argument_parser, clocked, hours, medians, print_context, speech


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("src", type=Path, help="the src folder whose hijra_audio is measured")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args(argv)
    print_context(args.src)
    sys.path.insert(0, str(args.src))     # the version measured: imported from SRC, not from this venv

    import hijra_audio
    from hijra_audio.audio import master, meter
    from hijra_audio.config import AudioConfig

    if not Path(hijra_audio.__file__).resolve().is_relative_to(args.src.resolve()):
        raise SystemExit(f"{args.src}: no hijra_audio package there (imported {hijra_audio.__file__} instead); "
                         f"give the src folder of a checkout")
    pcm = speech(args.minutes)
    settings = AudioConfig(loudness_lufs=-19.0)      # the same work whatever the version's default
    source = meter.PcmFile()
    source.append(pcm)
    master._lame([pcm[:44100]], 44100, 64, info=False)
    audio_hours = hours(pcm.size)

    def lame():
        return master._lame([pcm], 44100, 64, info=False)

    def mastered():
        return master.master_and_encode(source, settings)

    m = medians(alternate({"lame wall": clocked(lame, WALL), "master wall": clocked(mastered, WALL),
                           "lame cpu": clocked(lame, CPU), "master cpu": clocked(mastered, CPU)}, args.runs))
    print(f"{hijra_audio.__file__}: {args.minutes:.0f} min, medians of {args.runs}, seconds per hour of audio")
    for kind in ("wall", "cpu"):
        print(f"  {kind:4}: LAME {m['lame ' + kind] / audio_hours:5.1f}, "
              f"master + encode {m['master ' + kind] / audio_hours:5.1f}, "
              f"ratio {m['master ' + kind] / m['lame ' + kind]:.2f}")


if __name__ == "__main__":
    main()
