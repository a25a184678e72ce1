"""Mastering and encoding cost per hour of audio, next to raw LAME encoding of the same PCM.

The audio: the bundled lecture's segments spoken by espeak-ng once, resampled to 44.1 kHz, joined
with the configured pauses and repeated to make one episode of --minutes (default 10, the
default episode length). Timed in this process (imports done before timing, as in a worker that
has rendered one episode already):
  raw LAME   lameenc on the joined PCM, nothing else
  master     master.master_and_encode on the episode in a temporary file, as a worker renders it:
             the measure (loudness and true peak), codec-loss estimate, limiter, encoding,
             decoding the MP3 and checking its true peak (only where it could come near the
             ceiling), and a second encoding when the first passed the ceiling
and the parts of master alone. Prints seconds per hour of audio (medians over --runs, wall time and
this process's CPU time: the machine may be shared), and the
peak of memory allocated while mastering (tracemalloc, the MP3 included).

    .venv/bin/python benchmarks/bench_master.py [--minutes 10] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np
from timing import timed  # benchmarks/timing.py: this script runs from its folder


def speech(minutes: float, inputs: tuple[Path, ...] = ()) -> np.ndarray:
    """`minutes` of espeak-ng speech of the bundled show (or of the narration files `inputs`),
    joined with pauses as an episode is, at 44.1 kHz (repeated when shorter)."""
    from hijra_audio.audio import meter, render
    from hijra_audio.config import load_config
    from hijra_audio.engines import create_engine
    from hijra_audio.plan import plan_files

    config = load_config()
    engine = create_engine(config.engine)
    segments = [s.spoken for e in plan_files(config, inputs).episodes for s in e.segments]
    clips = [engine.synthesize(text) for text in segments]
    with meter.PcmFile() as joined:
        render.join(joined, clips, [450] * len(clips), 44100, config.audio.trim_silence_db)
        pcm = joined.read(0, joined.size).copy()
    repeat = int(np.ceil(minutes * 60 * 44100 / pcm.size))
    return np.tile(pcm, repeat)[:int(minutes * 60 * 44100)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the episode measured")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (median printed)")
    args = parser.parse_args()

    import tracemalloc

    from hijra_audio.audio import master, meter
    from hijra_audio.config import AudioConfig

    pcm = speech(args.minutes)
    settings = AudioConfig()
    hours = pcm.size / 44100 / 3600
    source = meter.PcmFile()
    source.append(pcm)
    meter.measure(meter.ArraySource(pcm[:44100]), 44100)     # imports (soxr, lameenc) before timing
    master._lame([pcm[:44100]], 44100, 64, info=False)

    def lame():
        return master._lame([pcm], 44100, settings.bitrate_kbps, info=False, quality=settings.lame_quality)

    def mastered():
        return master.master_and_encode(source, settings)

    # alternated, so that a busy spell of the machine weighs on both alike
    raw_wall, full_wall, raw_cpu, full_cpu = [], [], [], []
    for _ in range(args.runs):
        raw_wall.append(timed(lame, 1)[0])
        full_wall.append(timed(mastered, 1)[0])
        raw_cpu.append(timed(lame, 1, time.process_time)[0])
        full_cpu.append(timed(mastered, 1, time.process_time)[0])
    raw, full = statistics.median(raw_wall), statistics.median(full_wall)
    tracemalloc.start()
    mp3, report = mastered()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    measured = meter.measure(source, 44100)
    gain_db, limiter = master.master(measured, settings.loudness_lufs + report.codec_loss_lu, settings.true_peak_dbtp)
    limit = settings.true_peak_dbtp - master.VERIFY_MARGIN_DB
    near = master._near(measured, gain_db, limiter, limit)
    parts = {
        "measure (loudness, true peak)": lambda: meter.measure(source, 44100),
        "codec-loss estimate": lambda: master._codec_loss(source, 44100, settings.bitrate_kbps,
                                                          quality=settings.lame_quality),
        "gain and limiter": lambda: master.master(measured, settings.loudness_lufs, settings.true_peak_dbtp),
        "decode the MP3, check peaks": lambda: master._measure_mp3(mp3, 44100, None, limit, near),
        "  (all, and its loudness)": lambda: master._measure_mp3(mp3, 44100, None),
    }
    print(f"audio: {pcm.size / 44100 / 60:.1f} min of espeak-ng speech, 44.1 kHz mono, "
          f"{settings.bitrate_kbps} kbps; medians of {args.runs} runs; seconds per hour of audio")
    print(f"  raw LAME encoding          {raw / hours:7.1f}")
    print(f"  master + encode + verify   {full / hours:7.1f}   ({full / raw:.2f}x raw; "
          f"peak allocated {peak / 1e6:.0f} MB for {pcm.nbytes / 1e6:.0f} MB of PCM)")
    ratios = sorted(f / r for f, r in zip(full_cpu, raw_cpu))
    print(f"  in CPU time: raw {statistics.median(raw_cpu) / hours:.1f}, master {statistics.median(full_cpu) / hours:.1f}"
          f"  ({statistics.median(full_cpu) / statistics.median(raw_cpu):.2f}x raw; per run "
          f"{', '.join(f'{x:.2f}' for x in ratios)})")
    for name, fn in parts.items():
        print(f"    {name:<26} {timed(fn, args.runs)[0] / hours:7.1f}")
    print(f"  result: {report.loudness_in:.2f} -> {report.loudness_out:.2f} LUFS, true peak "
          f"{report.true_peak_out:.2f} dBTP, limited={report.limited}, codec loss {report.codec_loss_lu:.2f} LU, "
          f"{report.passes} encoding(s)")


if __name__ == "__main__":
    main()
