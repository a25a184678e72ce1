"""Clips + pauses -> one episode's PCM -> MP3 bytes with ID3 tags.

The episode is joined once (`b"".join` of every clip and pause, then one pydub AudioSegment), so
joining costs time linear in the number of clips, never `segment + segment` in a loop.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import warnings

import numpy as np

with warnings.catch_warnings():
    # pydub looks for ffmpeg at import; we never ask it to decode or export, so it is not needed.
    warnings.simplefilter("ignore", RuntimeWarning)
    from pydub import AudioSegment

from hijra_audio.config import AudioConfig
from hijra_audio.engines.base import Clip

SAMPLE_WIDTH = 2  # 16-bit


@dataclass(frozen=True)
class Placed:
    """Where one segment sits in the episode, in seconds."""

    start: float
    end: float


@dataclass(frozen=True)
class EpisodeAudio:
    audio: AudioSegment
    placements: tuple[Placed, ...]

    @property
    def duration(self) -> float:
        return len(self.audio.raw_data) / SAMPLE_WIDTH / self.audio.frame_rate


def resample(clip: Clip, rate: int) -> np.ndarray:
    """The clip's samples at `rate` (libsoxr, high quality), as int16."""
    samples = clip.array()
    if clip.sample_rate == rate or samples.size == 0:
        return samples
    import soxr

    return soxr.resample(samples, clip.sample_rate, rate, quality="HQ").astype("<i2", copy=False)


def join(clips: list[Clip], pauses_before_ms: list[int], rate: int) -> EpisodeAudio:
    """Each clip at `rate`, preceded by its pause, joined once."""
    if len(clips) != len(pauses_before_ms):
        raise ValueError("one pause per clip")
    parts: list[bytes] = []
    placements: list[Placed] = []
    frames = 0
    for clip, pause_ms in zip(clips, pauses_before_ms):
        silence = int(round(rate * pause_ms / 1000))
        if silence:
            parts.append(bytes(silence * SAMPLE_WIDTH))
            frames += silence
        samples = resample(clip, rate)
        parts.append(samples.tobytes())
        placements.append(Placed(frames / rate, (frames + samples.size) / rate))
        frames += samples.size
    segment = AudioSegment(data=b"".join(parts), sample_width=SAMPLE_WIDTH, frame_rate=rate, channels=1)
    return EpisodeAudio(segment, tuple(placements))


def encode_mp3(audio: AudioSegment, bitrate_kbps: int) -> bytes:
    """Constant bit rate mono MP3 (LAME, through lameenc: no ffmpeg)."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_in_sample_rate(audio.frame_rate)
    encoder.set_channels(1)
    encoder.set_quality(5)  # LAME's own default ('good'); 2 costs twice the time
    return bytes(encoder.encode(audio.raw_data) + encoder.flush())


@dataclass(frozen=True)
class EpisodeTags:
    """What the ID3 tag of an episode says."""

    title: str
    album: str
    artist: str
    track: int
    total: int


@dataclass(frozen=True)
class RenderedEpisode:
    mp3: bytes
    duration: float
    placements: tuple[Placed, ...]


def render_episode(clips: list[Clip], pauses_before_ms: list[int], settings: AudioConfig,
                   tags: EpisodeTags) -> RenderedEpisode:
    """One episode from its clips: joined, encoded, tagged. Runs in a worker process."""
    joined = join(clips, pauses_before_ms, settings.sample_rate)
    mp3 = tag_mp3(encode_mp3(joined.audio, settings.bitrate_kbps), tags)
    return RenderedEpisode(mp3, joined.duration, joined.placements)


def tag_mp3(mp3: bytes, tags: EpisodeTags) -> bytes:
    """The MP3 with an ID3v2 tag in front: title, album (the show), artist, track number."""
    from mutagen.id3 import ID3, TALB, TIT2, TPE1, TRCK

    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=tags.album))
    if tags.artist:
        id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TRCK(encoding=3, text=f"{tags.track}/{tags.total}"))
    buffer = io.BytesIO(mp3)
    id3.save(buffer)
    return buffer.getvalue()
