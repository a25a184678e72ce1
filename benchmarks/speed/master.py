"""Mastering and encoding cost per hour of audio, next to raw LAME encoding of the same PCM.

The audio: the bundled lecture's segments spoken by espeak-ng once, resampled to 44.1 kHz, joined
with the configured pauses and repeated to make one episode of --minutes (default 10, the
default episode length). Timed in this process (imports done before timing, as in a worker that
has rendered one episode already):
  raw LAME   lameenc on the joined PCM, nothing else
  master     master.master_and_encode on the episode in a temporary file, as a worker renders it:
             the measure (loudness, and peaks bounded by the samples), codec-loss estimate, gain
             and limiter (the true peak worked out where the limiter may act), encoding, decoding
             the MP3 only where its true peak could come near the ceiling and checking it there,
             and a second encoding when the first passed the ceiling
and the parts of master alone. Prints seconds per hour of audio (medians over --runs, wall time and
this process's CPU time: the machine may be shared), and the
peak of memory allocated while mastering (tracemalloc, the MP3 included).

Data: the bundled lecture (shipped in the package).

    .venv/bin/python -m benchmarks.speed.master [--minutes 10] [--runs 3]
"""

from __future__ import annotations

import dataclasses
import statistics

from benchmarks.common import CPU, alternate, argument_parser, clocked, hours, per_run, print_context, speech, timed


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the episode measured")
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (median printed)")
    args = parser.parse_args(argv)
    print_context()

    import tracemalloc

    from hijra_audio.audio import heard, master, meter
    from hijra_audio.config import AudioConfig

    pcm = speech(args.minutes)
    settings = AudioConfig()
    audio_hours = hours(pcm.size)
    source = meter.PcmFile()
    source.append(pcm)
    meter.measure(meter.ArraySource(pcm[:44100]), 44100)     # imports (soxr, lameenc) before timing
    master._lame([pcm[:44100]], 44100, 64, info=False)

    def lame():
        return master._lame([pcm], 44100, settings.bitrate_kbps, info=False, quality=settings.lame_quality)

    def mastered():
        return master.master_and_encode(source, settings)

    # alternated, so that a busy spell of the machine weighs on both alike
    times = alternate({"raw wall": clocked(lame), "full wall": clocked(mastered),
                       "raw cpu": clocked(lame, CPU), "full cpu": clocked(mastered, CPU)}, args.runs)
    raw_cpu, full_cpu = times["raw cpu"], times["full cpu"]
    raw, full = statistics.median(times["raw wall"]), statistics.median(times["full wall"])
    tracemalloc.start()
    mp3, report = mastered()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    bounded = meter.measure(source, 44100, true_peak=False, overshoot=master.SOURCE_OVERSHOOT)   # as mastering does
    measured = dataclasses.replace(bounded, peak=bounded.peak.copy(), exact=bounded.exact.copy())
    gain_db, limiter = master.master(measured, settings.loudness_lufs + report.codec_loss_lu, settings.true_peak_dbtp)
    limit = settings.true_peak_dbtp - master.VERIFY_MARGIN_DB
    near = heard.near(measured, gain_db, limiter, limit)
    parts = {
        "measure (loudness, peaks)": lambda: meter.measure(source, 44100, true_peak=False,
                                                            overshoot=master.SOURCE_OVERSHOOT),
        "  (with the true peak)": lambda: meter.measure(source, 44100),
        "codec-loss estimate": lambda: master._codec_loss(source, 44100, settings.bitrate_kbps,
                                                          quality=settings.lame_quality),
        "gain and limiter": lambda: master.master(      # on a copy: the true peaks worked out anew each run
            dataclasses.replace(bounded, peak=bounded.peak.copy(), exact=bounded.exact.copy()),
            settings.loudness_lufs, settings.true_peak_dbtp),
        "decode near the ceiling, check": lambda: heard.true_peak_of(mp3, 44100, source.size, near),
        "  (all, and its loudness)": lambda: heard.measure(mp3, 44100),
    }
    print(f"audio: {pcm.size / 44100 / 60:.1f} min of espeak-ng speech, 44.1 kHz mono, "
          f"{settings.bitrate_kbps} kbps; medians of {args.runs} runs; seconds per hour of audio")
    print(f"  raw LAME encoding          {raw / audio_hours:7.1f}")
    print(f"  master + encode + verify   {full / audio_hours:7.1f}   ({full / raw:.2f}x raw; "
          f"peak allocated {peak / 1e6:.0f} MB for {pcm.nbytes / 1e6:.0f} MB of PCM)")
    ratios = sorted(f / r for f, r in zip(full_cpu, raw_cpu))
    print(f"  in CPU time: raw {statistics.median(raw_cpu) / audio_hours:.1f}, "
          f"master {statistics.median(full_cpu) / audio_hours:.1f}"
          f"  ({statistics.median(full_cpu) / statistics.median(raw_cpu):.2f}x raw; per run "
          f"{per_run(ratios)})")
    for name, fn in parts.items():
        print(f"    {name:<26} {timed(fn, args.runs)[0] / audio_hours:7.1f}")
    print(f"  result: {report.loudness_in:.2f} -> {report.loudness_out:.2f} LUFS, true peak "
          f"{report.true_peak_out:.2f} dBTP, limited={report.limited}, codec loss {report.codec_loss_lu:.2f} LU, "
          f"{report.passes} encoding(s)")


if __name__ == "__main__":
    main()
