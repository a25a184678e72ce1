"""Cold builds of the bundled lecture next to the raw stages alone on the same text.

Raw stages, in this process, on exactly the segments the pipeline speaks: diacritize +
espeak-ng synthesis + MP3 encoding of the same audio. Pipeline: `hijra-audio build` run as a user
runs it, in a new empty folder it is started from (Python start, worker processes, cache, tags,
feed included). Two builds, each against the raw stages of its own segments, runs alternated:
  the lecture file without a config (one episode), --jobs 1   (target: at most 1.3x the raw stages)
  the bundled show (three episodes), --jobs 2                 (reported; no target since issue 24)
Prints medians over --runs runs and the ratio pipeline / raw.

Data: the bundled lecture and show only (shipped in the package).

    .venv/bin/python -m benchmarks.speed.build [--runs 3]
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.common import alternate, argument_parser, bundled, per_run, print_context, spoken_texts, venv_tool
from benchmarks.speed.engines import espeak_library


def raw_stages(inputs: tuple[Path, ...] = ()) -> tuple[float, float]:
    """Seconds for diacritize + synthesize + encode of the segments the build of `inputs` (none:
    the bundled show) speaks, and audio seconds."""
    import lameenc
    import numpy as np

    from hijra_audio.engines import arabic
    from hijra_audio.show import load_show

    config = load_show(None, inputs)
    segments = spoken_texts(config, inputs)
    start = time.perf_counter()
    # the bare library, loaded once (the build speaks each segment with a fresh instance: that
    # isolation is part of what the build costs, not of the raw stages)
    with espeak_library() as (native, instance):
        pcm = []
        for text in segments:
            pcm.append(instance.speak(arabic.prepare(text), 0, 0))
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
        subprocess.run([str(venv_tool("hijra-audio")), "build", "-q", *map(str, inputs), "-o", "out", "-j", str(jobs)],
                       check=True, cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print_context()
    lecture = bundled("hijra-lecture.txt")
    cases = [("the lecture file, no config, --jobs 1", (lecture,), 1, "<= 1.3"),
             ("the bundled show, --jobs 2", (), 2, "none")]
    raw_stages()   # the models loaded and the files read once before timing, as the build's own workers load them
    for name, inputs, jobs, target in cases:
        audio = []

        def raw(inputs=inputs) -> float:
            seconds, speech_seconds = raw_stages(inputs)
            audio.append(speech_seconds)
            return seconds

        # alternated: a busy spell of the machine weighs on both alike
        times = alternate({"raw": raw, "built": lambda inputs=inputs, jobs=jobs: pipeline(jobs, inputs)}, args.runs)
        raw_median, median = statistics.median(times["raw"]), statistics.median(times["built"])
        print(f"{name}: {audio[0] / 60:.1f} min of speech")
        print(f"  raw stages (1 core, in process): median {raw_median:.2f} s ({audio[0] / raw_median:.0f}x real time)")
        print(f"  hijra-audio build (cold):        median {median:.2f} s  ratio {median / raw_median:.2f} "
              f"(target {target}); ratios per run {per_run([b / r for b, r in zip(times['built'], times['raw'])])}")


if __name__ == "__main__":
    main()
