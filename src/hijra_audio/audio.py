"""Clips + pauses -> one episode's PCM -> mastered -> MP3 bytes with ID3 tags.

The episode is joined once (`b"".join` of every clip and pause, then one pydub AudioSegment), so
joining costs time linear in the number of clips, never `segment + segment` in a loop. Each clip's
leading and trailing silence is trimmed before its pause is put in front of it, so the configured
pauses are the pauses heard. The whole episode (never each clip: that would even out the voice)
is then brought to the target integrated loudness (ITU-R BS.1770, pyloudnorm) with a true peak
(4x oversampled, libsoxr) at most the ceiling, by one gain and, only where a peak would still pass
the ceiling, a smooth look-ahead limiter. The MP3 starts with an Info frame (`mp3info`), so players
report the exact duration and every placement is exact in the file.
pyloudnorm imports scipy (about 2 s): it is imported only when an episode is mastered.
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

from hijra_audio import mp3info
from hijra_audio.config import AudioConfig
from hijra_audio.engines.base import Clip

SAMPLE_WIDTH = 2  # 16-bit
TRIM_MARGIN_S = 0.010     # audio kept on each side of a clip's first and last sound
# MP3 encoding moves peaks a little: the limiter aims this far below the ceiling, so that the
# decoded file's true peak is still at most the ceiling.
ENCODE_HEADROOM_DB = 0.5
LIMITER_WINDOW_S = 0.010  # the limiter's gain reaches each peak over this time, and leaves it as slowly
# Changes whenever the way an episode is rendered changes, so that old files are rebuilt.
RENDER_VERSION = 2


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


def join(clips: list[Clip], pauses_before_ms: list[int], rate: int, trim_db: float = 0.0) -> EpisodeAudio:
    """Each clip at `rate`, trimmed (when `trim_db` < 0), preceded by its pause, joined once."""
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
        samples = trim(resample(clip, rate), rate, trim_db)
        parts.append(samples.tobytes())
        placements.append(Placed(frames / rate, (frames + samples.size) / rate))
        frames += samples.size
    segment = AudioSegment(data=b"".join(parts), sample_width=SAMPLE_WIDTH, frame_rate=rate, channels=1)
    return EpisodeAudio(segment, tuple(placements))


@dataclass(frozen=True)
class Mastering:
    """What mastering measured and did to one episode."""

    loudness_in: float       # LUFS before (-inf: silence, or shorter than one 400 ms block)
    loudness_out: float      # LUFS after
    gain_db: float
    true_peak_dbtp: float    # after, before MP3 encoding
    limited: bool


def master(samples: np.ndarray, rate: int, target_lufs: float, ceiling_dbtp: float) -> tuple[np.ndarray, Mastering]:
    """int16 samples brought to `target_lufs` with the true peak at most the ceiling less
    ENCODE_HEADROOM_DB: one gain for the whole episode, a limiter only where peaks need it."""
    import pyloudnorm

    meter = pyloudnorm.Meter(rate)
    x = samples.astype(np.float64) / 32768
    loudness = _loudness(meter, x)
    if not np.isfinite(loudness):
        peak = _true_peak_db(x, rate)
        return samples, Mastering(loudness, loudness, 0.0, peak, False)
    ceiling = 10 ** ((ceiling_dbtp - ENCODE_HEADROOM_DB) / 20)
    gain_db = target_lufs - loudness
    limited = False
    for _ in range(4):
        y = x * 10 ** (gain_db / 20)
        for _ in range(3):
            envelope = _true_peak_envelope(y, rate)
            if envelope.max() <= ceiling:
                break
            y *= _limiter_gain(envelope, ceiling, rate)
            limited = True
        after = _loudness(meter, y)
        if not limited or after >= target_lufs - 0.3:
            break
        gain_db += target_lufs - after   # the limiter took some loudness: a little more gain, again
    out = np.clip(np.round(y * 32768), -32768, 32767).astype("<i2")
    return out, Mastering(loudness, after, gain_db, 20 * np.log10(max(envelope.max(), 1e-12)), limited)


def _loudness(meter, x: np.ndarray) -> float:
    if x.size < meter.rate * meter.block_size:
        return float("-inf")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(meter.integrated_loudness(x))


def _true_peak_envelope(x: np.ndarray, rate: int, block: int = 1 << 18, context: int = 256) -> np.ndarray:
    """For each sample, the largest magnitude of the signal 4x oversampled around it (BS.1770
    true peak), computed block by block so that memory stays small."""
    import soxr

    envelope = np.empty(x.size, dtype=np.float64)
    for start in range(0, x.size, block):
        stop = min(x.size, start + block)
        lo, hi = max(0, start - context), min(x.size, stop + context)
        up = soxr.resample(x[lo:hi], rate, 4 * rate, quality="HQ")
        part = up[4 * (start - lo):4 * (start - lo) + 4 * (stop - start)]
        if part.size < 4 * (stop - start):
            part = np.concatenate([part, np.zeros(4 * (stop - start) - part.size)])
        envelope[start:stop] = np.maximum(np.abs(part).reshape(-1, 4).max(axis=1), np.abs(x[start:stop]))
    return envelope


def _true_peak_db(x: np.ndarray, rate: int) -> float:
    if x.size == 0:
        return float("-inf")
    return 20 * float(np.log10(max(_true_peak_envelope(x, rate).max(), 1e-12)))


def true_peak_dbtp(samples: np.ndarray, rate: int) -> float:
    """The true peak of int16 samples in dBTP (4x oversampling)."""
    return _true_peak_db(samples.astype(np.float64) / 32768, rate)


def _limiter_gain(envelope: np.ndarray, ceiling: float, rate: int) -> np.ndarray:
    """A smooth gain at most ceiling/envelope everywhere: the needed gain's minimum over a window
    around each sample, averaged over the same window (so it eases in before a peak and out after
    it), and 1 wherever no peak is near."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    need = np.minimum(1.0, ceiling / np.maximum(envelope, 1e-12))
    size = 2 * int(rate * LIMITER_WINDOW_S) + 1
    gain = minimum_filter1d(need, size=size, mode="nearest")
    return np.minimum(uniform_filter1d(gain, size=size, mode="nearest"), need)


def encode_mp3(audio: AudioSegment, bitrate_kbps: int) -> bytes:
    """Constant bit rate mono MP3 (LAME, through lameenc: no ffmpeg), with an Info frame that
    tells players the encoder delay and padding, so the decoded length is exactly the PCM's."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_in_sample_rate(audio.frame_rate)
    encoder.set_channels(1)
    encoder.set_quality(5)  # LAME's own default ('good'); 2 costs twice the time
    stream = bytes(encoder.encode(audio.raw_data) + encoder.flush())
    return mp3info.add_info_frame(stream, len(audio.raw_data) // SAMPLE_WIDTH)


@dataclass(frozen=True)
class EpisodeTags:
    """What the ID3 tag of an episode says."""

    title: str
    album: str
    artist: str
    track: int
    total: int
    year: str = ""
    language: str = ""       # ISO 639-2, e.g. "ara"
    comment: str = ""
    cover_id: str = ""       # hash of the embedded cover; its bytes travel beside the tags


@dataclass(frozen=True)
class Chapter:
    start: float
    end: float
    title: str


@dataclass(frozen=True)
class RenderedEpisode:
    mp3: bytes
    duration: float
    placements: tuple[Placed, ...]
    chapters: tuple[Chapter, ...] = ()
    mastering: Mastering | None = None


def chapters_for(placements: tuple[Placed, ...], texts: tuple[str, ...], headings: tuple[bool, ...],
                 duration: float, first_title: str) -> tuple[Chapter, ...]:
    """One chapter per heading segment, from its start to the next one's (the last to the end);
    an episode that opens inside a section gets a first chapter from 0 named `first_title`."""
    starts = [(p.start, t) for p, t, h in zip(placements, texts, headings) if h]
    if not starts or starts[0][0] > 0:
        starts.insert(0, (0.0, first_title))
    ends = [s for s, _ in starts[1:]] + [duration]
    return tuple(Chapter(start, end, title) for (start, title), end in zip(starts, ends))


def render_episode(clips: list[Clip], pauses_before_ms: list[int], settings: AudioConfig,
                   tags: EpisodeTags, texts: tuple[str, ...] = (), headings: tuple[bool, ...] = (),
                   cover: bytes = b"") -> RenderedEpisode:
    """One episode from its clips: joined, mastered, encoded, tagged. Runs in a worker process."""
    joined = join(clips, pauses_before_ms, settings.sample_rate, settings.trim_silence_db)
    pcm, mastering = master(np.frombuffer(joined.audio.raw_data, dtype="<i2"), settings.sample_rate,
                            settings.loudness_lufs, settings.true_peak_dbtp)
    mastered = AudioSegment(data=pcm.tobytes(), sample_width=SAMPLE_WIDTH, frame_rate=settings.sample_rate,
                            channels=1)
    chapters = (chapters_for(joined.placements, texts, headings, joined.duration, tags.title)
                if texts else ())
    mp3 = tag_mp3(encode_mp3(mastered, settings.bitrate_kbps), tags, chapters, cover)
    return RenderedEpisode(mp3, joined.duration, joined.placements, chapters, mastering)


def tag_mp3(mp3: bytes, tags: EpisodeTags, chapters: tuple[Chapter, ...] = (), cover: bytes = b"") -> bytes:
    """The MP3 with an ID3v2.4 tag in front: title, album (the show), artist, track number, year,
    language, comment, the cover (JPEG bytes) and chapters (CHAP frames under one CTOC)."""
    from mutagen.id3 import (APIC, CHAP, COMM, CTOC, ID3, TALB, TDRC, TIT2, TLAN, TPE1, TRCK,
                             CTOCFlags, PictureType)

    id3 = ID3()
    id3.add(TIT2(encoding=3, text=tags.title))
    id3.add(TALB(encoding=3, text=tags.album))
    if tags.artist:
        id3.add(TPE1(encoding=3, text=tags.artist))
    id3.add(TRCK(encoding=3, text=f"{tags.track}/{tags.total}"))
    if tags.year:
        id3.add(TDRC(encoding=3, text=tags.year))
    if tags.language:
        id3.add(TLAN(encoding=3, text=tags.language))
    if tags.comment:
        id3.add(COMM(encoding=3, lang=tags.language[:3] or "und", desc="", text=tags.comment))
    if cover:
        id3.add(APIC(encoding=3, mime="image/jpeg", type=PictureType.COVER_FRONT, desc="", data=cover))
    ids = [f"chp{index}" for index in range(len(chapters))]
    for element_id, chapter in zip(ids, chapters):
        id3.add(CHAP(element_id=element_id, start_time=int(round(chapter.start * 1000)),
                     end_time=int(round(chapter.end * 1000)), start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF,
                     sub_frames=[TIT2(encoding=3, text=chapter.title)]))
    if chapters:
        id3.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                     sub_frames=[TIT2(encoding=3, text=tags.album)]))
    buffer = io.BytesIO(mp3)
    id3.save(buffer, v2_version=4, padding=lambda info: 0)
    return buffer.getvalue()
