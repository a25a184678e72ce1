"""LAME's -q setting judged by objective listening-test models (ViSQOL v3 audio and speech modes,
PESQ wideband) on mastered espeak-ng speech at the default 64 kbps mono.

Two steps, because the models are not the project's dependencies:

    .venv/bin/python benchmarks/lame_quality_mos.py encode [--seconds 30]     # writes /tmp/lame-q-*.npy
    python3 -m venv /tmp/mos && /tmp/mos/bin/pip install visqol-python pesq numba soxr numpy
    /tmp/mos/bin/python benchmarks/lame_quality_mos.py score

Measured (2026-12-01, 30 s of the bundled lecture): ViSQOL audio (48 kHz, full band) 4.650 / 4.672
/ 4.527 for -q 2 / 5 / 7; ViSQOL speech 4.986 / 4.981 / 4.974; PESQ-WB 4.227 / 4.276 / 4.388. -q 7
encodes in about half -q 5's time but loses 0.15 MOS in the full band (no noise shaping): the
default stays 5.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

QUALITIES = (2, 5, 7)
FILES = Path("/tmp")


def encode(seconds: float) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_master import speech

    from hijra_audio.audio import master, meter

    pcm = speech(seconds / 60)
    measured = meter.measure(meter.ArraySource(pcm), 44100, true_peak=False, overshoot=master.SOURCE_OVERSHOOT)
    gain_db, limiter = master.master(measured, -19.0, -1.0)
    reference = np.concatenate(list(master._blocks(meter.ArraySource(pcm), 10 ** (gain_db / 20), limiter)))
    np.save(FILES / "lame-q-reference.npy", reference)
    for q in QUALITIES:
        start = time.process_time()
        mp3 = master._lame([reference], 44100, 64, info=True, samples=reference.size, quality=q)
        print(f"-q {q}: encoded in {time.process_time() - start:.2f} s CPU")
        np.save(FILES / f"lame-q-{q}.npy", master._decode(mp3, 44100))


def score() -> None:
    import soxr
    from pesq import pesq
    from visqol import VisqolApi

    reference = np.load(FILES / "lame-q-reference.npy").astype(np.float64) / 32768
    audio, voice = VisqolApi(), VisqolApi()
    audio.create(mode="audio")
    voice.create(mode="speech")
    ref48, ref16 = soxr.resample(reference, 44100, 48000), soxr.resample(reference, 44100, 16000)
    for q in QUALITIES:
        decoded = np.load(FILES / f"lame-q-{q}.npy").astype(np.float64) / 32768
        d48, d16 = soxr.resample(decoded, 44100, 48000), soxr.resample(decoded, 44100, 16000)
        print(f"-q {q}: ViSQOL audio {audio.measure_from_arrays(ref48, d48, 48000).moslqo:.3f}  "
              f"ViSQOL speech {voice.measure_from_arrays(ref16, d16, 16000).moslqo:.3f}  "
              f"PESQ-WB {pesq(16000, ref16, d16, 'wb'):.3f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("encode", "score"))
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    encode(args.seconds) if args.step == "encode" else score()


if __name__ == "__main__":
    main()
