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
VERIFY_MARGIN_DB = 0.05   # the decoded file must be this far under the ceiling (other meters differ a little)
MAX_LIMITING_DB = 12.0    # at most this much more gain is pushed into the limiter
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
    """Each clip at `rate`, trimmed (when `trim_db` < 0), preceded by its pause, joined once:
    written into one array sized for the longest result, so the episode is held once."""
    if len(clips) != len(pauses_before_ms):
        raise ValueError("one pause per clip")
    bound = sum(int(round(rate * p / 1000)) for p in pauses_before_ms)
    bound += sum(-(-c.frames * rate // c.sample_rate) + 16 for c in clips)
    out = np.zeros(bound, dtype="<i2")
    placements: list[Placed] = []
    frames = 0
    for clip, pause_ms in zip(clips, pauses_before_ms):
        frames += int(round(rate * pause_ms / 1000))       # the array is zeros: silence already
        samples = trim(resample(clip, rate), rate, trim_db)
        out[frames:frames + samples.size] = samples
        placements.append(Placed(frames / rate, (frames + samples.size) / rate))
        frames += samples.size
    segment = AudioSegment(data=out[:frames].data.cast("B"), sample_width=SAMPLE_WIDTH, frame_rate=rate, channels=1)
    return EpisodeAudio(segment, tuple(placements))


@dataclass(frozen=True)
class Mastering:
    """What mastering measured and did to one episode (loudness in LUFS, peaks in dBTP)."""

    loudness_in: float       # before (-inf: silence, or shorter than one 400 ms block)
    gain_db: float
    limited: bool            # the limiter lowered some peaks
    codec_loss_lu: float     # loudness the MP3 encoding was expected to take, made up in advance
    loudness_out: float      # of the decoded MP3
    true_peak_out: float     # of the decoded MP3
    passes: int              # encodings: 2 when the first file missed the target and was redone


def loudness(x: np.ndarray, rate: int) -> float:
    """Integrated loudness (ITU-R BS.1770-4: K-weighting, 400 ms blocks overlapping by 75%,
    absolute and relative gates) of mono float samples in [-1, 1], in LUFS. The K-weighting filters
    are pyloudnorm's; the gating is pyloudnorm's, with the blocks summed at once instead of in a
    Python loop (tests check both give the same figure)."""
    return _gated(_k_weighted(x, rate), rate)


def _k_weighted(x: np.ndarray, rate: int) -> np.ndarray:
    """The signal through BS.1770's K-weighting filters (pyloudnorm's coefficients)."""
    import pyloudnorm

    y = np.asarray(x, dtype=np.float64)
    for stage in pyloudnorm.Meter(rate)._filters.values():
        y = stage.apply_filter(y)
    return y


def _step_size(rate: int) -> int:
    return int(round(rate * 0.1))    # BS.1770 blocks: 400 ms, every 100 ms


def _step_energies(y: np.ndarray, rate: int) -> np.ndarray:
    """Sum of squares of each 100 ms step (the last one partial)."""
    step = _step_size(rate)
    squares = np.square(y)
    whole = squares.size // step
    sums = squares[:whole * step].reshape(whole, step).sum(axis=1)
    return np.append(sums, squares[whole * step:].sum()) if squares.size % step else sums


def _gated(y: np.ndarray, rate: int) -> float:
    """BS.1770 gated loudness of a K-weighted signal."""
    return _gated_steps(_step_energies(y, rate), y.size, rate)


def _gated_steps(steps: np.ndarray, size: int, rate: int) -> float:
    """BS.1770 gated loudness from the step energies of a K-weighted signal of `size` samples:
    blocks of 4 steps (400 ms) every step, counted as pyloudnorm counts them; gates at -70 LUFS
    and 10 LU under the mean of the blocks above it."""
    if size < rate * 0.4:
        return float("-inf")
    count = int(np.round((size / rate - 0.4) / 0.1)) + 1
    padded = np.zeros(count + 3)
    padded[:min(steps.size, padded.size)] = steps[:padded.size]
    z = np.convolve(padded, np.ones(4), mode="valid")[:count] / (0.4 * rate)
    with np.errstate(divide="ignore"):
        blocks = -0.691 + 10 * np.log10(z)
        kept = z[blocks >= -70.0]
        if kept.size == 0:
            return float("-inf")
        relative = -0.691 + 10 * np.log10(kept.mean()) - 10
        kept = z[(blocks > relative) & (blocks >= -70.0)]
        return float(-0.691 + 10 * np.log10(kept.mean())) if kept.size else float("-inf")


BLOCK_STEPS = 240   # whole-episode measures run over blocks of 24 s, so memory stays small


def _k_stages(rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
    import pyloudnorm

    return [(np.asarray(f.b, dtype=np.float64), np.asarray(f.a, dtype=np.float64))
            for f in pyloudnorm.Meter(rate)._filters.values()]


def _weighted_blocks(samples: np.ndarray, rate: int, start: int = 0, stop: int | None = None):
    """(offset, K-weighted float64 block) over int16 `samples[start:stop]`, block by block with
    the filters' state carried across: the same figures as filtering the whole at once."""
    from scipy.signal import lfilter

    stop = samples.size if stop is None else stop
    stages = _k_stages(rate)
    states = [np.zeros(max(len(a), len(b)) - 1) for b, a in stages]
    block = _step_size(rate) * BLOCK_STEPS
    for lo in range(start, stop, block):
        y = samples[lo:min(stop, lo + block)].astype(np.float64) / 32768
        for k, (b, a) in enumerate(stages):
            y, states[k] = lfilter(b, a, y, zi=states[k])
        yield lo, y


def _weighted_range(samples: np.ndarray, rate: int, lo: int, hi: int) -> np.ndarray:
    """K-weighted samples[lo:hi], the filters run in from half a second before (their memory is
    a few milliseconds)."""
    start = max(0, lo - rate // 2)
    return np.concatenate([y for _o, y in _weighted_blocks(samples, rate, start, hi)])[lo - start:]


def _steps_i16(samples: np.ndarray, rate: int) -> np.ndarray:
    """`_step_energies` of the K-weighted int16 `samples`, block by block."""
    parts = [_step_energies(y, rate) for _o, y in _weighted_blocks(samples, rate)]
    return np.concatenate(parts) if parts else np.zeros(0)


def loudness_i16(samples: np.ndarray, rate: int) -> float:
    """`loudness()` of int16 samples, measured block by block (any length, little memory)."""
    return _gated_steps(_steps_i16(samples, rate), samples.size, rate)


def _true_peak_envelope(x: np.ndarray, rate: int, block: int = 1 << 18, context: int = 256) -> np.ndarray:
    """For each sample, the largest magnitude of the signal 4x oversampled (libsoxr) around it: the
    BS.1770 true peak, sample by sample. Block by block, so that memory stays small."""
    import soxr

    x = np.asarray(x, dtype=np.float32)
    envelope = np.abs(x)
    for start in range(0, x.size, block):
        stop = min(x.size, start + block)
        lo, hi = max(0, start - context), min(x.size, stop + context)
        up = soxr.resample(x[lo:hi], rate, 4 * rate, quality="HQ")
        part = up[4 * (start - lo):4 * (stop - lo)]
        out = envelope[start:start + part.size // 4]
        for phase in range(4):
            np.maximum(out, np.abs(part[phase:4 * out.size:4]), out=out)
    return envelope


def _envelope_blocks(samples: np.ndarray, rate: int, block: int = 1 << 20, context: int = 256):
    """(offset, true peak envelope of that block) over int16 samples, block by block."""
    for start in range(0, samples.size, block):
        lo, hi = max(0, start - context), min(samples.size, start + block + context)
        part = _true_peak_envelope(samples[lo:hi].astype(np.float32) / 32768, rate)
        yield start, part[start - lo:start - lo + min(block, samples.size - start)]


def _envelope_i16(samples: np.ndarray, rate: int, dtype=np.float16) -> np.ndarray:
    """The true peak envelope of int16 samples, kept as `dtype` (float16: a quarter of float64's
    memory, within 0.01 dB, which the check of the decoded file covers)."""
    envelope = np.empty(samples.size, dtype=dtype)
    for start, part in _envelope_blocks(samples, rate):
        envelope[start:start + part.size] = part
    return envelope


def true_peak_dbtp(samples: np.ndarray, rate: int) -> float:
    """The true peak of int16 samples in dBTP (4x oversampling), block by block."""
    peak = max((float(part.max()) for _start, part in _envelope_blocks(samples, rate)), default=None)
    return float("-inf") if peak is None else 20 * np.log10(max(peak, 1e-12))


def _limiter_regions(envelope: np.ndarray, level: float, rate: int) -> list[tuple[int, int, np.ndarray]]:
    """Where peaks pass `level`, a smooth gain at most level/envelope: (start, stop, gain) for each
    stretch around the peaks, nothing elsewhere (the gain is 1 there). The gain is the needed gain's
    minimum over a window around each sample, averaged over the same window, so it eases in before
    a peak and out after it; each average is of minima over windows that hold the sample, so it
    never exceeds what the sample needs."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    over = np.flatnonzero(envelope > level)
    if over.size == 0:
        return []
    half = int(rate * LIMITER_WINDOW_S)
    regions = []
    # runs of peaks closer than two windows are handled together
    breaks = np.flatnonzero(np.diff(over) > 4 * half)
    for first, last in zip(np.concatenate([[0], breaks + 1]), np.concatenate([breaks, [over.size - 1]])):
        lo, hi = max(0, over[first] - 3 * half), min(envelope.size, over[last] + 3 * half + 1)
        need = np.minimum(1.0, level / np.maximum(envelope[lo:hi].astype(np.float64), 1e-12))
        smooth = uniform_filter1d(minimum_filter1d(need, size=2 * half + 1, mode="nearest"),
                                  size=2 * half + 1, mode="nearest")
        regions.append((lo, hi, np.minimum(smooth, need)))
    return regions


def master(samples: np.ndarray, rate: int, target_lufs: float, ceiling_dbtp: float,
           headroom_db: float = ENCODE_HEADROOM_DB, steps: np.ndarray | None = None,
           envelope: np.ndarray | None = None) -> tuple[np.ndarray, float, bool]:
    """int16 samples brought to `target_lufs` with the true peak at most `ceiling_dbtp` less
    `headroom_db`: one gain for the whole episode, the limiter only where peaks need it (its gain
    is smooth, so the limited signal's true peak is the envelope times the gain; the decoded MP3
    is measured afterwards all the same). `weighted` and `envelope`: the input K-weighted and its
    true peak envelope, when already computed. Returns the samples, the gain in dB, whether it
    limited. The loudness after limiting is measured on the K-weighted input times the limiter's
    gain (smooth over 20 ms, so within a small fraction of a LU of the K-weighted limited signal),
    updating only the 100 ms steps the limiter touched."""
    steps = _steps_i16(samples, rate) if steps is None else steps
    before = _gated_steps(steps, samples.size, rate)
    if not np.isfinite(before):
        return samples, 0.0, False
    envelope = _envelope_i16(samples, rate) if envelope is None else envelope
    ceiling = 10 ** ((ceiling_dbtp - headroom_db) / 20)
    step = _step_size(rate)
    # Loudness after limiting grows with the gain ever more slowly: search the gain between the
    # plain one and MAX_LIMITING_DB more (a bracketed secant); past that the limiter would no longer
    # be transparent, and the episode is left quieter than the target rather than crushed.
    low = high = gain_db = target_lufs - before
    high += MAX_LIMITING_DB
    tried: list[tuple[float, float]] = []    # (gain, loudness after limiting)
    for _ in range(8):
        gain = 10 ** (gain_db / 20)
        regions = _limiter_regions(envelope, ceiling / gain, rate)
        if not regions:
            break
        limited = steps.copy()
        for lo, hi, g in regions:
            change = np.bincount(np.arange(lo, hi) // step - lo // step,
                                 weights=np.square(_weighted_range(samples, rate, lo, hi)) * (np.square(g) - 1))
            limited[lo // step:lo // step + change.size] += change[:limited.size - lo // step]
        after = _gated_steps(limited * gain * gain, samples.size, rate)
        if abs(after - target_lufs) <= 0.1:
            break
        if after < target_lufs:
            low = gain_db
        else:
            high = gain_db
        tried.append((gain_db, after))
        if len(tried) >= 2 and tried[-1][1] != tried[-2][1]:
            (g0, l0), (g1, l1) = tried[-2:]
            guess = g1 + (target_lufs - l1) * (g1 - g0) / (l1 - l0)
        else:
            guess = gain_db + target_lufs - after
        gain_db = guess if low < guess < high else (low + high) / 2
    out = _scaled(samples, gain, regions)
    return out, gain_db, bool(regions)


def _scaled(samples: np.ndarray, gain: float, regions=()) -> np.ndarray:
    """int16 `samples` times `gain`, and times each limiter region's gain there, block by block."""
    out = np.empty_like(samples, dtype="<i2")
    block = 1 << 20
    for start in range(0, samples.size, block):
        stop = min(samples.size, start + block)
        y = samples[start:stop].astype(np.float64) * gain
        for lo, hi, g in regions:
            a, b = max(lo, start), min(hi, stop)
            if a < b:
                y[a - start:b - start] *= g[a - lo:b - lo]
        np.clip(np.round(y), -32768, 32767, out=y)
        out[start:stop] = y
    return out


def _codec_loss(samples: np.ndarray, rate: int, bitrate_kbps: int, gain_db: float = 0.0) -> float:
    """How much loudness the MP3 encoding takes (LAME's lowpass and masking remove some of the high
    frequencies K-weighting counts), measured on up to 8 stretches of 4 s spread over the episode,
    raised by `gain_db` (but never past -1 dBFS: lowered to that instead, not clipped)."""
    piece = 4 * rate
    if samples.size <= 8 * piece:
        excerpt = samples
    else:
        starts = np.linspace(0, samples.size - piece, 8).astype(np.int64)
        excerpt = np.concatenate([samples[s:s + piece] for s in starts])
    x = excerpt.astype(np.float64) * 10 ** (gain_db / 20)
    peak = np.abs(x).max(initial=0.0)
    if peak > 29000:
        x *= 29000 / peak
    pcm = np.round(x).astype("<i2")
    decoded = _decode(_lame(pcm.tobytes(), rate, bitrate_kbps, info=True, samples=pcm.size), rate)
    loss = loudness(pcm / 32768, rate) - loudness(decoded / 32768, rate)
    return float(loss) if np.isfinite(loss) else 0.0


def _decode(mp3: bytes, rate: int) -> np.ndarray:
    import miniaudio

    decoded = miniaudio.decode(mp3, nchannels=1, sample_rate=rate, output_format=miniaudio.SampleFormat.SIGNED16)
    return np.frombuffer(decoded.samples, dtype="<i2")


def master_and_encode(samples: np.ndarray, settings: AudioConfig) -> tuple[bytes, Mastering]:
    """The episode mastered and encoded, checked as a player hears it: the MP3 is decoded and
    measured; when it misses the target by more than 0.5 LU or passes the peak ceiling, it is
    mastered again with the difference made up, and encoded again (at most twice more); a file
    still over the ceiling after that is lowered as a whole until it is under (quieter, not louder
    than allowed)."""
    rate, target, ceiling = settings.sample_rate, settings.loudness_lufs, settings.true_peak_dbtp
    steps = _steps_i16(samples, rate)
    before = _gated_steps(steps, samples.size, rate)
    if not np.isfinite(before):   # silence or under 400 ms: nothing to measure, encoded as it is
        mp3 = _lame(samples, rate, settings.bitrate_kbps, info=True, samples=samples.size)
        return mp3, Mastering(before, 0.0, False, 0.0, before, true_peak_dbtp(samples, rate), 1)
    envelope = _envelope_i16(samples, rate)
    headroom = ENCODE_HEADROOM_DB
    loss = _codec_loss(samples, rate, settings.bitrate_kbps, target - before)
    for passes in (1, 2, 3):
        mastered, gain_db, limited = master(samples, rate, target + loss, ceiling, headroom, steps, envelope)
        mp3 = _lame(mastered, rate, settings.bitrate_kbps, info=True, samples=mastered.size)
        del mastered
        decoded = _decode(mp3, rate)
        out_loudness, out_peak = loudness_i16(decoded, rate), true_peak_dbtp(decoded, rate)
        del decoded
        if abs(out_loudness - target) <= 0.5 and out_peak <= ceiling - VERIFY_MARGIN_DB:
            break
        loss += target - out_loudness
        headroom += max(0.0, out_peak - ceiling + VERIFY_MARGIN_DB) + 0.2
    else:
        # The ceiling wins over the loudness: all of it lower (a decoded peak at full scale may
        # hide a larger one, clipped by the decoder: hence a few rounds).
        mastered = master(samples, rate, target + loss, ceiling, headroom, steps, envelope)[0]
        for _ in range(4):
            if out_peak <= ceiling - VERIFY_MARGIN_DB:
                break
            drop = 10 ** (-(out_peak - ceiling + 2 * VERIFY_MARGIN_DB) / 20)
            mastered = _scaled(mastered, drop)
            mp3 = _lame(mastered, rate, settings.bitrate_kbps, info=True, samples=mastered.size)
            decoded = _decode(mp3, rate)
            out_loudness, out_peak = loudness_i16(decoded, rate), true_peak_dbtp(decoded, rate)
            passes += 1
    return mp3, Mastering(before, gain_db, limited, loss, out_loudness, out_peak, passes)


def _lame(pcm, rate: int, bitrate_kbps: int, info: bool = True, samples: int = 0) -> bytes:
    """`pcm` (int16 bytes or array) as MP3, fed to LAME in blocks so no second copy is made."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(bitrate_kbps)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(rate)   # LAME would resample to MPEG-2 rates at low bitrates
    encoder.set_channels(1)
    encoder.set_quality(5)  # LAME's own default ('good'); 2 costs twice the time
    if isinstance(pcm, np.ndarray):
        pcm = np.ascontiguousarray(pcm, dtype="<i2")
    view = memoryview(pcm).cast("B")
    chunks = [encoder.encode(bytes(view[i:i + (1 << 21)])) for i in range(0, len(view), 1 << 21)]
    stream = b"".join(bytes(c) for c in chunks) + bytes(encoder.flush())
    return mp3info.add_info_frame(stream, samples) if info else stream


def encode_mp3(audio: AudioSegment, bitrate_kbps: int) -> bytes:
    """Constant bit rate mono MP3 (LAME, through lameenc: no ffmpeg), with an Info frame that
    tells players the encoder delay and padding, so the decoded length is exactly the PCM's."""
    return _lame(audio.raw_data, audio.frame_rate, bitrate_kbps, info=True,
                 samples=len(audio.raw_data) // SAMPLE_WIDTH)


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
    mp3, mastering = master_and_encode(np.frombuffer(joined.audio.raw_data, dtype="<i2"), settings)
    chapters = (chapters_for(joined.placements, texts, headings, joined.duration, tags.title)
                if texts else ())
    mp3 = tag_mp3(mp3, tags, chapters, cover)
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
