"""LAME's -q setting judged by objective listening-test models (ViSQOL v3 audio and speech modes,
PESQ wideband) on mastered espeak-ng speech at the default 64 kbps mono.

Two steps, because the models are not the project's dependencies:

    .venv/bin/python benchmarks/lame_quality_mos.py encode [FILE ...] [--pieces 4] [--seconds 30]
    python3 -m venv /tmp/mos && /tmp/mos/bin/pip install "visqol-python[lattice]" pesq numba soxr numpy
    /tmp/mos/bin/python benchmarks/lame_quality_mos.py score       # reads /tmp/lame-q-*.npy

Measured (2026-12-02; medians of 4 pieces of 30 s; ViSQOL speech with its lattice model,
`pip install visqol-python[lattice]`: without it the speech scores are a polynomial fallback
near 5 for every setting):

    text                     -q   ViSQOL audio  ViSQOL speech  PESQ-WB
    the bundled lecture       2       4.658         4.487        4.263
                              5       4.672         4.444        4.277
                              7       4.532         4.362        4.383
    the Sira (30,000 chars)   2       4.664         4.506        4.280
                              5       4.676         4.498        4.306
                              7       4.550         4.477        4.382

-q 7 encodes in about half -q 5's time; both ViSQOL models score it lower (no noise shaping) and
PESQ higher: the default stays 5, and 7 is there for a long book (`lame_quality = 7`: the whole
Sira, cold, `--jobs 2` on 2 cores, in 535 s instead of 760).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

QUALITIES = (2, 5, 7)
FILES = Path("/tmp")


def encode(seconds: float, pieces: int, inputs: tuple[Path, ...]) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_master import speech

    from hijra_audio.audio import master, meter

    for old in FILES.glob("lame-q-*.npy"):
        old.unlink()
    whole = speech(seconds * pieces / 60, inputs)
    for piece in range(pieces):
        encode_piece(whole[piece * int(seconds * 44100):(piece + 1) * int(seconds * 44100)], piece)


def encode_piece(pcm: np.ndarray, piece: int) -> None:
    from hijra_audio.audio import master, meter

    measured = meter.measure(meter.ArraySource(pcm), 44100, true_peak=False, overshoot=master.SOURCE_OVERSHOOT)
    gain_db, limiter = master.master(measured, -19.0, -1.0)
    reference = np.concatenate(list(master._blocks(meter.ArraySource(pcm), 10 ** (gain_db / 20), limiter)))
    np.save(FILES / f"lame-q-reference-{piece}.npy", reference)
    for q in QUALITIES:
        start = time.process_time()
        mp3 = master._lame([reference], 44100, 64, info=True, samples=reference.size, quality=q)
        print(f"piece {piece}, -q {q}: encoded in {time.process_time() - start:.2f} s CPU")
        np.save(FILES / f"lame-q-{q}-{piece}.npy", master._decode(mp3, 44100))


def score() -> None:
    import soxr
    from pesq import pesq
    from visqol import VisqolApi

    audio, voice = VisqolApi(), VisqolApi()
    audio.create(mode="audio")
    voice.create(mode="speech")
    scores: dict[int, list[tuple[float, float, float]]] = {q: [] for q in QUALITIES}
    pieces = sorted(int(p.stem.rsplit("-", 1)[1]) for p in FILES.glob("lame-q-reference-*.npy"))
    for piece in pieces:
        reference = np.load(FILES / f"lame-q-reference-{piece}.npy").astype(np.float64) / 32768
        ref48, ref16 = soxr.resample(reference, 44100, 48000), soxr.resample(reference, 44100, 16000)
        for q in QUALITIES:
            decoded = np.load(FILES / f"lame-q-{q}-{piece}.npy").astype(np.float64) / 32768
            d48, d16 = soxr.resample(decoded, 44100, 48000), soxr.resample(decoded, 44100, 16000)
            one = (audio.measure_from_arrays(ref48, d48, 48000).moslqo,
                   voice.measure_from_arrays(ref16, d16, 16000).moslqo, pesq(16000, ref16, d16, "wb"))
            scores[q].append(one)
            print(f"piece {piece}, -q {q}: ViSQOL audio {one[0]:.3f}  ViSQOL speech {one[1]:.3f}  PESQ-WB {one[2]:.3f}",
                  flush=True)
    for q in QUALITIES:
        med = np.median(np.array(scores[q]), axis=0)
        print(f"-q {q}, median of {len(pieces)} pieces: ViSQOL audio {med[0]:.3f}  ViSQOL speech {med[1]:.3f}  "
              f"PESQ-WB {med[2]:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("encode", "score"))
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each piece scored")
    parser.add_argument("--pieces", type=int, default=4, help="pieces, one after the other in the speech")
    parser.add_argument("inputs", nargs="*", type=Path, help="narration files to speak (default: the bundled show)")
    args = parser.parse_args()
    encode(args.seconds, args.pieces, tuple(args.inputs)) if args.step == "encode" else score()


if __name__ == "__main__":
    main()
