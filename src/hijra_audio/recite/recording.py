"""A recited clip made from its recordings: each take decoded (`audio.insert.decode`), cut, faded
at a cut inside the recording, and the takes joined. What it checks, each a RecitationError that
names the file and the quotation: a file that is not audio, a recording that is silent, one
shorter than its timings say (damaged, or timings of another recording), a stretch that is silent.
"""

from __future__ import annotations

import numpy as np

from hijra_audio.audio import insert
from hijra_audio.engines.base import Clip, resample
from hijra_audio.errors import InputError, RecitationError
from hijra_audio.recite.cut import Recited, Take

FADE_MS = 30          # fade in and out where a take is cut inside its recording (in the reciter's pause)
EDGE_FADE_MS = 5      # and at a recording's own ends (no click where its first sound starts)
SHORT_BY_MS = 250     # a recording this much shorter than its timings say is not theirs


def clip(recited: Recited) -> Clip:
    """The clip `recited` plays: its takes cut from their recordings and joined, at the rate of
    the first."""
    pieces: list[np.ndarray] = []
    rate = 0
    for take in recited.takes:
        samples, own_rate = _recording(take, recited)
        rate = rate or own_rate
        pieces.append(_cut(take, resample(samples, own_rate, rate), rate, recited))
    joined = np.concatenate(pieces) if pieces else np.zeros(0, dtype="<i2")
    return Clip(np.ascontiguousarray(joined, dtype="<i2").tobytes(), rate)


def _recording(take: Take, recited: Recited) -> tuple[np.ndarray, int]:
    try:
        decoded = insert.decode(take.path)
    except InputError as exc:
        raise RecitationError(f"{exc} It is the recording of {_verse(take)}, which {recited.quotation} needs.") from None
    samples = decoded.array()
    if insert.is_silent(samples):
        raise RecitationError(f"{take.path}: the recording of {_verse(take)} is silent (no sample above "
                              f"{insert.SILENT_DBFS:g} dBFS); {recited.quotation} needs it. Replace the file.")
    length_ms = 1000 * samples.size / decoded.sample_rate
    if take.timed_ms and length_ms < take.timed_ms - SHORT_BY_MS:
        raise RecitationError(f"{take.path}: the recording of {_verse(take)} lasts {length_ms / 1000:.2f} s but its "
                              f"word timings run to {take.timed_ms / 1000:.2f} s: the file is cut short, or the "
                              f"timings are another recording's. Replace the file, or give the timings made "
                              f"from these recordings ({recited.quotation} needs it).")
    return samples, decoded.sample_rate


def _cut(take: Take, samples: np.ndarray, rate: int, recited: Recited) -> np.ndarray:
    lo = int(round(take.start_ms * rate / 1000))
    hi = samples.size if take.end_ms < 0 else min(samples.size, int(round(take.end_ms * rate / 1000)))
    piece = samples[lo:hi].astype(np.float32)
    if insert.is_silent(piece.astype("<i2")):
        raise RecitationError(f"{take.path}: {take.start_ms / 1000:.2f}-{_end(take)} s of the recording of "
                              f"{_verse(take)}, where the timings put the words {recited.quotation} quotes, "
                              f"is silent: the timings are not this recording's. Give the timings made from it.")
    _fade(piece, rate, FADE_MS if lo > 0 else EDGE_FADE_MS, FADE_MS if hi < samples.size else EDGE_FADE_MS)
    return np.clip(np.round(piece), -32768, 32767).astype("<i2")


def _fade(piece: np.ndarray, rate: int, in_ms: int, out_ms: int) -> None:
    """Linear fades in place at both ends of `piece`."""
    for width_ms, head in ((in_ms, True), (out_ms, False)):
        n = min(piece.size // 2, int(rate * width_ms / 1000))
        if n <= 0:
            continue
        ramp = np.linspace(0.0, 1.0, n, endpoint=False, dtype=np.float32)
        if head:
            piece[:n] *= ramp
        else:
            piece[-n:] *= ramp[::-1]


def _verse(take: Take) -> str:
    return f"{take.verse[0]}:{take.verse[1]}"


def _end(take: Take) -> str:
    return "its end" if take.end_ms < 0 else f"{take.end_ms / 1000:.2f}"
