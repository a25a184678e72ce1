"""Cold builds of the bundled lecture next to the raw stages alone on the same text.

Raw stages, in this process, on exactly the segments the pipeline speaks: diacritize +
espeak-ng synthesis + MP3 encoding of the same audio. Pipeline: `hijra-audio build` run as a user
runs it, in a new empty folder it is started from (Python start, worker processes, cache, tags,
feed included). Two builds, each against the raw stages of its own segments, runs alternated:
  the lecture file without a config (one episode), --jobs 1   (target: at most 1.2x the raw stages)
  the bundled show (three episodes), --jobs 2                 (target: below the raw stages)
Prints medians over --runs runs and the ratio pipeline / raw.

    .venv/bin/python benchmarks/bench_build.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "hijra-audio"


def raw_stages(inputs: tuple[Path, ...] = ()) -> tuple[float, float]:
    """Seconds for diacritize + synthesize + encode of the segments the build of `inputs` (none:
    the bundled show) speaks, and audio seconds."""
    import lameenc
    import numpy as np

    from hijra_audio.engines import arabic
    from hijra_audio.engines.espeak import _Instance, _Native
    from hijra_audio.plan import load_show, plan_files

    config = load_show(None, inputs)
    segments = [s.spoken for e in plan_files(config, inputs).episodes for s in e.segments]
    start = time.perf_counter()
    native = _Native.get()
    # the bare library, loaded once (the build speaks each segment with a fresh instance: that
    # isolation is part of what the build costs, not of the raw stages)
    instance = _Instance(native.path, native.data_path)
    instance.set_voice("ar")
    pcm = []
    for text in segments:
        pcm.append(instance.speak(arabic.prepare(text), 0, 0))
    instance.close()
    samples = np.frombuffer(b"".join(pcm), dtype="<i2")
    upsampled = np.repeat(samples, 2)  # the cheapest 22.05 -> 44.1 kHz step, to encode the same length
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(config.audio.bitrate_kbps)
    encoder.set_in_sample_rate(44100)
    encoder.set_channels(1)
    encoder.set_quality(5)
    encoder.encode(upsampled.tobytes())
    encoder.flush()
    return time.perf_counter() - start, samples.size / native.sample_rate


def pipeline(jobs: int, inputs: tuple[Path, ...] = ()) -> float:
    """Wall time of a cold build started in a new empty folder (its cache goes with the folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        subprocess.run([str(BIN), "build", "-q", *map(str, inputs), "-o", "out", "-j", str(jobs)], check=True,
                       cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start


def main() -> None:
    from hijra_audio.config import bundled_config_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    lecture = bundled_config_path().parent / "hijra-lecture.txt"
    cases = [("the lecture file, no config, --jobs 1", (lecture,), 1, "<= 1.2"),
             ("the bundled show, --jobs 2", (), 2, "< 1.0")]
    raw_stages()   # the models loaded and the files read once before timing, as the build's own workers load them
    for name, inputs, jobs, target in cases:
        raw, built = [], []
        for _ in range(args.runs):   # alternated: a busy spell of the machine weighs on both alike
            raw.append(raw_stages(inputs))
            built.append(pipeline(jobs, inputs))
        raw_median, median = statistics.median(r[0] for r in raw), statistics.median(built)
        print(f"{name}: {raw[0][1] / 60:.1f} min of speech")
        print(f"  raw stages (1 core, in process): median {raw_median:.2f} s ({raw[0][1] / raw_median:.0f}x real time)")
        print(f"  hijra-audio build (cold):        median {median:.2f} s  ratio {median / raw_median:.2f} "
              f"(target {target}); ratios per run {', '.join(f'{b / r[0]:.2f}' for b, r in zip(built, raw))}")


if __name__ == "__main__":
    main()
