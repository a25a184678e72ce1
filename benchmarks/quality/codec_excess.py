"""How far LAME moves true peaks: could the decoded MP3's peak check be skipped where the mastered
audio's true peak plus the largest codec excess stays under the ceiling?

Each signal is mastered as an episode is (`master.master`: gain and limiter, the limiter aiming
ENCODE_HEADROOM_DB under the ceiling), encoded (default -q 5, or the settings in the table),
decoded (miniaudio), and both are 4x oversampled (libsoxr) whole. Printed per case: the true peak
into the encoder and of the decoded file (dBTP), their difference, and the largest local excess: a
decoded chunk's true peak over the largest true peak of the input within a frame (1152 samples) of
it, where the decoded peak is within 6 dB of the ceiling (the only places a check matters).

Signals: the bundled lecture spoken by espeak-ng (as speed/master.py joins it); speech-like test
audio (syllables, breath noise, clicks: tests/measure.py's `speechlike`); clipped
chords with noise and drum-like bursts (an intro or outro of dense music); square waves; noise
bursts. Bitrates 32-128 kbps, -q 2/5/7, stereo, 48 kHz.

Data: bundled only.

    .venv/bin/python -m benchmarks.quality.codec_excess [--minutes 2]
"""

from __future__ import annotations

import numpy as np

from benchmarks.common import argument_parser, print_context, speech
from tests.measure import speechlike

RATE = 44100


def music(seconds: float, seed: int) -> np.ndarray:
    """Chords, cymbal-like noise and drum-like bursts, clipped (square-ish peaks)."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    x = sum(np.sin(2 * np.pi * f * t + rng.uniform(0, 6)) for f in (220, 277, 330, 440, 554, 660, 880)) / 4
    x += 0.3 * rng.standard_normal(n)
    for at in range(0, n, RATE // 4):
        k = min(n - at, RATE // 10)
        x[at:at + k] += 2 * np.exp(-np.arange(k) / (RATE * 0.01)) * rng.standard_normal(k)
    return np.round(np.clip(x / np.abs(x).max() * 1.5, -1, 1) * 32000).astype("<i2")


def square(seconds: float, hz: float) -> np.ndarray:
    n = int(seconds * RATE)
    x = np.sign(np.sin(2 * np.pi * hz * np.arange(n) / RATE))
    x[:n // 2] *= 0.3
    return np.round(x * 20000).astype("<i2")


def noise_bursts(seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    x = np.zeros(n)
    for at in range(0, n, RATE // 2):
        x[at:at + RATE // 8] = rng.standard_normal(min(RATE // 8, n - at))
    return np.round(np.clip(x * 8000, -32768, 32767)).astype("<i2")


def excess(pcm: np.ndarray, rate: int = RATE, kbps: int = 64, quality: int = 5, channels: int = 1,
           target: float = -19.0, ceiling: float = -1.0) -> tuple[float, float, float]:
    """(true peak into the encoder, of the decoded file, largest local excess near the ceiling)."""
    from hijra_audio.audio import heard, master, meter

    source = meter.ArraySource(pcm)
    measured = meter.measure(source, rate, true_peak=False, overshoot=master.SOURCE_OVERSHOOT)
    gain_db, limiter = master.master(measured, target, ceiling)
    into = np.concatenate(list(master._blocks(source, 10 ** (gain_db / 20), limiter)))
    decoded = heard.decode(master._lame([into], rate, kbps, info=True, samples=into.size, quality=quality,
                                        channels=channels), rate)
    chunk = meter.chunk_size(rate)
    n = into.size // chunk
    peaks = [meter.true_peak_envelope(x.astype(np.float32) / 32768, rate)[:n * chunk].reshape(n, chunk).max(axis=1)
             for x in (into, decoded)]
    reach = -(-1152 // chunk)
    padded = np.pad(peaks[0], reach)
    around = peaks[0].copy()
    for shift in range(2 * reach + 1):
        np.maximum(around, padded[shift:shift + n], out=around)
    db = [20 * np.log10(np.maximum(p, 1e-9)) for p in (peaks[0], peaks[1], around)]
    near = db[1] > ceiling - 6
    local = float((db[1] - db[2])[near].max()) if near.any() else float("nan")
    return float(db[0].max()), float(db[1].max()), local


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("--minutes", type=float, default=2.0, help="length of the lecture's speech")
    args = parser.parse_args(argv)
    print_context()
    lecture = speech(args.minutes)
    at48 = np.round(np.interp(np.arange(int(lecture.size * 48 / 44.1)) * 44.1 / 48, np.arange(lecture.size),
                              lecture)).astype("<i2")
    cases = [("lecture (espeak-ng)", lecture, {}), ("lecture", lecture, {"kbps": 32}),
             ("lecture", lecture, {"kbps": 48}), ("lecture", lecture, {"kbps": 96}),
             ("lecture", lecture, {"kbps": 128}), ("lecture", lecture, {"kbps": 96, "channels": 2}),
             ("lecture", lecture, {"quality": 2}), ("lecture", lecture, {"quality": 7}),
             ("lecture at -16 LUFS", lecture, {"target": -16.0}), ("lecture at 48 kHz", at48, {"rate": 48000})]
    for seed, level, clicks in ((1, -8, True), (2, -30, False), (3, -0.1, False), (4, -6, True)):
        for kbps in (64, 32):
            cases.append((f"speech-like {level} dBFS{', clicks' if clicks else ''}",
                          speechlike(40, level, seed, clicks), {"kbps": kbps}))
    dense = music(20, 1)
    cases += [("clipped music", dense, {}), ("clipped music", dense, {"kbps": 32}),
              ("clipped music", dense, {"kbps": 128}), ("clipped music at -14 LUFS", dense, {"target": -14.0}),
              ("square 1 kHz", square(10, 1000), {}), ("square 3 kHz", square(10, 3000), {}),
              ("square 3 kHz", square(10, 3000), {"kbps": 32}),
              ("noise bursts", noise_bursts(10, 2), {}), ("noise bursts", noise_bursts(10, 2), {"kbps": 32})]
    print("case                                     settings            into   decoded  difference  local excess")
    for name, pcm, settings in cases:
        into, out, local = excess(pcm, **settings)
        label = " ".join(f"{k}={v}" for k, v in settings.items()) or "64 kbps -q 5"
        print(f"  {name:<38} {label:<18} {into:6.2f}  {out:7.2f}  {out - into:+9.2f}  {local:+11.2f}")


if __name__ == "__main__":
    main()
