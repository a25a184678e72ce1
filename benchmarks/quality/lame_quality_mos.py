"""LAME's -q setting judged by objective listening-test models (ViSQOL v3 audio and speech modes,
PESQ wideband) on mastered espeak-ng speech at the default 64 kbps mono.

Two steps, because the models are not the project's dependencies: `encode` (with the project's
venv) writes the mastered reference and each -q's decoded MP3 as /tmp/lame-q-*.npy; `score` (in a
venv of its own with the models) reads them and prints each piece's scores and their medians.
Install the speech model's lattice extra: without it ViSQOL's speech scores are a polynomial
fallback near 5 for every setting.

Data: the bundled show (shipped in the package) or the narration FILEs given, spoken by espeak-ng.

    .venv/bin/python -m benchmarks.quality.lame_quality_mos encode [FILE ...] [--pieces 4] [--seconds 30]
    python3 -m venv /tmp/mos && /tmp/mos/bin/pip install "visqol-python[lattice]" pesq numba soxr numpy
    /tmp/mos/bin/python -m benchmarks.quality.lame_quality_mos score       # reads /tmp/lame-q-*.npy
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from benchmarks.common import argument_parser, print_context, speech

QUALITIES = (2, 5, 7)
FILES = Path("/tmp")


def encode(seconds: float, pieces: int, inputs: tuple[Path, ...]) -> None:
    for old in FILES.glob("lame-q-*.npy"):
        old.unlink()
    whole = speech(seconds * pieces / 60, inputs)
    for piece in range(pieces):
        encode_piece(whole[piece * int(seconds * 44100):(piece + 1) * int(seconds * 44100)], piece)


def encode_piece(pcm: np.ndarray, piece: int) -> None:
    from hijra_audio.audio import heard, master, meter

    measured = meter.measure(meter.ArraySource(pcm), 44100, true_peak=False, overshoot=master.SOURCE_OVERSHOOT)
    gain_db, limiter = master.master(measured, -19.0, -1.0)
    reference = np.concatenate(list(master._blocks(meter.ArraySource(pcm), 10 ** (gain_db / 20), limiter)))
    np.save(FILES / f"lame-q-reference-{piece}.npy", reference)
    for q in QUALITIES:
        start = time.process_time()
        mp3 = master._lame([reference], 44100, 64, info=True, samples=reference.size, quality=q)
        print(f"piece {piece}, -q {q}: encoded in {time.process_time() - start:.2f} s CPU")
        np.save(FILES / f"lame-q-{q}-{piece}.npy", heard.decode(mp3, 44100))


SCORING_VENV = ('python3 -m venv /tmp/mos && /tmp/mos/bin/pip install "visqol-python[lattice]" pesq numba soxr numpy, '
                'then /tmp/mos/bin/python -m benchmarks.quality.lame_quality_mos score')


def score() -> None:
    try:
        import soxr
        from pesq import pesq
        from visqol import VisqolApi
    except ImportError as exc:
        raise SystemExit(f"score needs the listening-test models ({exc}): {SCORING_VENV}") from None

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


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("step", choices=("encode", "score"))
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each piece scored")
    parser.add_argument("--pieces", type=int, default=4, help="pieces, one after the other in the speech")
    parser.add_argument("inputs", nargs="*", type=Path, help="narration files to speak (default: the bundled show)")
    args = parser.parse_args(argv)
    print_context()
    encode(args.seconds, args.pieces, tuple(args.inputs)) if args.step == "encode" else score()


if __name__ == "__main__":
    main()
