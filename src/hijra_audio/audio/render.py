"""Clips + pauses -> one episode's mastered MP3: the one path `build` and `say` render through.

An episode is streamed, so a worker's memory does not grow with its length: the clips are taken
one at a time, each resampled to the episode's rate, trimmed of its leading and trailing silence,
and appended, after its pause, to a temporary file as pydub `AudioSegment`s (so the configured
pauses are the pauses heard, and joining costs time linear in the number of clips: never `+` in a
loop, which copies the episode so far for every clip). The file is then mastered and encoded
block by block (`master`). Tags and chapters are added afterwards by whoever knows the episode's
text (`tags`), so rendering needs only the clips, the pauses and the audio settings.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

with warnings.catch_warnings():
    # pydub looks for ffmpeg at import; we never ask it to decode or export, so it is not needed.
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment

from hijra_audio.audio import insert, meter
from hijra_audio.audio.master import Mastering, master_and_encode
from hijra_audio.config import AudioConfig
from hijra_audio.engines.base import Clip, resample

SAMPLE_WIDTH = 2          # 16-bit
TRIM_MARGIN_S = 0.010     # audio kept on each side of a clip's first and last sound
# Changes whenever the way an episode is rendered changes, so that old files are rebuilt.
RENDER_VERSION = 6          # 4: captions of 7 s and 2x42 characters; 5: -19 LUFS; 6: codec loss learnt as encoded


@dataclass(frozen=True)
class Placed:
    """Where one segment sits in the episode, in seconds."""

    start: float
    end: float


@dataclass(frozen=True)
class Rendered:
    """One episode's audio: the MP3 (no tag yet), its length and where each segment sits in it."""

    mp3: bytearray
    duration: float
    placements: tuple[Placed, ...]
    mastering: Mastering


def trim(samples: np.ndarray, rate: int, threshold_db: float) -> np.ndarray:
    """`samples` without the leading and trailing stretches quieter than `threshold_db` (dBFS),
    keeping TRIM_MARGIN_S around the sound; 0 or above: unchanged. All quiet: empty."""
    if threshold_db >= 0 or samples.size == 0:
        return samples
    limit = 32768 * 10 ** (threshold_db / 20)
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > limit)
    if loud.size == 0:
        return samples[:0]
    margin = int(round(rate * TRIM_MARGIN_S))
    return samples[max(0, loud[0] - margin):loud[-1] + 1 + margin]


def segment(samples: np.ndarray, rate: int) -> AudioSegment:
    """int16 mono samples as a pydub AudioSegment."""
    return AudioSegment(data=np.ascontiguousarray(samples, dtype="<i2").tobytes(), sample_width=SAMPLE_WIDTH,
                        frame_rate=rate, channels=1)


def silence(milliseconds: int, rate: int) -> AudioSegment:
    """`milliseconds` of silence at `rate` (the sample count rounded, as every pause is counted)."""
    return segment(np.zeros(int(round(rate * milliseconds / 1000)), dtype="<i2"), rate)


def join(sink: meter.PcmFile, clips: Iterable[Clip | None], pauses_before_ms: list[int], rate: int,
         trim_db: float = 0.0) -> tuple[Placed, ...]:
    """Each clip at `rate`, trimmed (when `trim_db` < 0), preceded by its pause, appended to `sink`
    one clip at a time: only one clip is held at once. A clip that is None (missing from the
    cache) is skipped: the caller, who knows, speaks it and starts over."""
    placements: list[Placed] = []
    pauses = iter(pauses_before_ms)
    for clip in clips:
        pause = next(pauses)
        if clip is None:
            continue
        sink.append_segment(silence(pause, rate))
        spoken = segment(trim(resample(clip.array(), clip.sample_rate, rate), rate, trim_db), rate)
        start = sink.size / rate
        sink.append_segment(spoken)
        placements.append(Placed(start, sink.size / rate))
    return tuple(placements)


def render(clips: Iterable[Clip | None], pauses_before_ms: list[int], settings: AudioConfig,
           folder=None, inserted: Sequence[bool] = (),
           also: Callable[[Iterator[np.ndarray]], None] | None = None) -> Rendered | None:
    """One episode from its clips: joined clip by clip into a temporary file (in `folder`), then
    mastered and encoded block by block. Its memory does not grow with the episode's length (but
    for the MP3 itself). None when a clip is None (absent): nothing is encoded. `inserted`: per
    clip, True for a recording that is not the voice (a reciter's verse): it is brought to the
    voice's loudness first (`insert.match_voice`). `also`: handed the mastered blocks the MP3 is
    made of (`master.master_and_encode`: the audiobook's AAC)."""
    rate = settings.sample_rate
    absent = []

    def noting_absent():
        for clip in clips:
            if clip is None:
                absent.append(clip)
            yield clip

    with meter.PcmFile(folder) as pcm:
        placements = join(pcm, noting_absent(), list(pauses_before_ms), rate, settings.trim_silence_db)
        if absent:
            return None
        if any(inserted):
            insert.match_voice(pcm, rate, [(round(p.start * rate), round(p.end * rate))
                                           for p, own in zip(placements, inserted) if own])
        duration = pcm.size / rate
        mp3, mastering = master_and_encode(pcm, settings, also)
    return Rendered(mp3, duration, placements, mastering)
