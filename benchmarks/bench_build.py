"""Cold build of the bundled lecture next to the raw stages alone on the same text.

Raw stages, in this process, on exactly the segments the pipeline speaks: diacritize +
espeak-ng synthesis + MP3 encoding of the same audio. Pipeline: `hijra-audio build` into a new
folder, as a user runs it (Python start, worker processes, cache, tags, feed included).
Prints medians over --runs runs and the ratio pipeline / raw (target: under 1.30 with --jobs 1).

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


def raw_stages() -> tuple[float, float]:
    """Seconds for diacritize + synthesize + encode of the lecture's segments, and audio seconds."""
    import lameenc
    import numpy as np

    from hijra_audio.config import load_config
    from hijra_audio.engines import arabic
    from hijra_audio.engines.espeak import _Instance, _Native
    from hijra_audio.plan import plan_files

    config = load_config()
    segments = [s.spoken for e in plan_files(config).episodes for s in e.segments]
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


def pipeline(jobs: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        # the output in a folder of its own: its cache (kept beside it) goes with the temporary folder
        subprocess.run([str(BIN), "build", "-q", "-o", str(Path(tmp) / "out"), "-j", str(jobs)], check=True,
                       stdout=subprocess.DEVNULL)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    raw = [raw_stages() for _ in range(args.runs)]
    raw_median = statistics.median(r[0] for r in raw)
    audio_seconds = raw[0][1]
    print(f"audio: {audio_seconds / 60:.1f} min of speech (before pauses)")
    print(f"raw stages (1 core, in process):  median {raw_median:.2f} s  "
          f"({audio_seconds / raw_median:.0f}x real time)")
    for jobs in (1, 2):
        times = [pipeline(jobs) for _ in range(args.runs)]
        median = statistics.median(times)
        print(f"hijra-audio build --jobs {jobs} (cold): median {median:.2f} s  "
              f"ratio to raw {median / raw_median:.2f}  runs {', '.join(f'{t:.2f}' for t in times)}")


if __name__ == "__main__":
    main()
