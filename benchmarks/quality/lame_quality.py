"""LAME's quality setting (-q) for a speech podcast at 64 kbps mono: what each one costs and what
it does to the sound, measured on the decoded file against what went into the encoder.

The audio: the bundled lecture spoken by espeak-ng and joined as in speed/master.py, mastered
(gain and limiter) to the default target, --minutes long. For each -q: the encoding time per
hour of audio (CPU time of this process, median of --runs), and on the decoded file (aligned sample for sample: the Info
frame tells the decoder LAME's delay): the signal-to-noise ratio of the whole, the median
segmental SNR over 20 ms frames with speech, the coding noise relative to the signal by band
(averaged spectra), and the loudness the encoding takes (LU).

Data: the bundled lecture (shipped in the package).

    .venv/bin/python -m benchmarks.quality.lame_quality [--minutes 5] [--runs 3] [--q 2 5 7]
"""

from __future__ import annotations

import numpy as np

from benchmarks.common import CPU, argument_parser, hours, print_context, speech, timed

BANDS_HZ = ((0, 1000), (1000, 2000), (2000, 4000), (4000, 8000), (8000, 11025), (11025, 16000))


def band_noise_db(signal: np.ndarray, noise: np.ndarray, rate: int, size: int = 2048) -> list[float]:
    """Coding noise to signal, in dB, per band of BANDS_HZ (power spectra averaged over frames)."""
    frames = signal.size // size
    window = np.hanning(size)
    spectra = []
    for x in (signal, noise):
        blocks = x[:frames * size].reshape(frames, size) * window
        spectra.append((np.abs(np.fft.rfft(blocks, axis=1)) ** 2).mean(axis=0))
    freqs = np.fft.rfftfreq(size, 1 / rate)
    out = []
    for lo, hi in BANDS_HZ:
        band = (freqs >= lo) & (freqs < hi)
        s, n = spectra[0][band].sum(), spectra[1][band].sum()
        out.append(10 * np.log10(n / s) if s > 0 else float("nan"))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--q", type=int, nargs="+", default=[2, 5, 7])
    args = parser.parse_args(argv)
    print_context()

    from hijra_audio.audio import heard, master, meter
    from hijra_audio.config import AudioConfig

    settings = AudioConfig()
    rate = settings.sample_rate
    pcm = speech(args.minutes)
    measured = meter.measure(meter.ArraySource(pcm), rate)
    gain_db, limiter = master.master(measured, settings.loudness_lufs, settings.true_peak_dbtp)
    mastered = np.concatenate(list(master._blocks(meter.ArraySource(pcm), 10 ** (gain_db / 20), limiter)))
    x = mastered.astype(np.float64) / 32768
    audio_hours = hours(pcm.size, rate)
    loud_in = meter.loudness(x, rate)
    frame = rate // 50
    count = x.size // frame
    energy = np.square(x[:count * frame].reshape(count, frame)).sum(axis=1)
    speech_frames = energy > frame * 10 ** (-50 / 10)

    print(f"audio: {args.minutes:.0f} min of espeak-ng speech mastered to {settings.loudness_lufs} LUFS, "
          f"{settings.bitrate_kbps} kbps mono; encode CPU time: median of {args.runs}")
    header = "  ".join(f"{lo // 1000}-{hi / 1000:g}k" for lo, hi in BANDS_HZ)
    print(f"  -q  s/hour  SNR dB  segSNR dB  loss LU   noise/signal by band, dB: {header}")
    for q in args.q:
        seconds, mp3 = timed(lambda q=q: master._lame([mastered], rate, settings.bitrate_kbps, info=True,
                                                       samples=mastered.size, quality=q), args.runs, CPU)
        decoded = heard.decode(mp3, rate).astype(np.float64) / 32768
        n = min(decoded.size, x.size)
        noise = decoded[:n] - x[:n]
        snr = 10 * np.log10(np.square(x[:n]).sum() / np.square(noise).sum())
        noise_energy = np.square(noise[:count * frame].reshape(count, frame)).sum(axis=1)
        seg = 10 * np.log10(energy[speech_frames] / np.maximum(noise_energy[speech_frames], 1e-20))
        loss = loud_in - meter.loudness(decoded[:n], rate)
        bands = "  ".join(f"{b:6.1f}" for b in band_noise_db(x[:n], noise, rate))
        print(f"  {q:2d}  {seconds / audio_hours:6.1f}  {snr:6.2f}  {np.median(seg):9.2f}  {loss:7.2f}   {bands}")


if __name__ == "__main__":
    main()
