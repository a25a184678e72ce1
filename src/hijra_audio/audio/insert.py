"""Recordings inserted among the voice's clips (a reciter's verses, `recite/`; an intro or an
outro, `Recording`): read from a file, and brought to the voice's loudness before the episode is
mastered.

The voice is never levelled clip by clip (mastering brings the whole episode to its loudness with
one gain, `master.py`), so an inserted recording is matched to the voice of the episode it is in:
`render` joins the episode, then `match_voice` measures it once (`meter`), the voice's integrated
loudness with the inserted stretches left out and each stretch's own, and scales each stretch in
place to the voice's, a little less where its peaks would pass full scale. Mastering then treats
the episode as one. An episode with nothing inserted is not measured here at all.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hijra_audio.audio import meter
from hijra_audio.engines.base import Clip
from hijra_audio.errors import ConfigError, InputError

PEAK_ROOM = 0.98          # a stretch raised to the voice's loudness keeps its samples this far under full scale
SILENT_DBFS = -60.0       # a recording whose loudest sample is under this is silent


def decode(path: Path | str) -> Clip:
    """A recording (any format miniaudio decodes: MP3, WAV, FLAC, Vorbis) as mono 16-bit PCM at its
    own sample rate. A file that is not audio, or holds no sound, is an InputError naming it (one
    cut short decodes as far as it goes: `recite` checks a recording against its timings)."""
    import miniaudio

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file.")
    try:
        rate = miniaudio.get_file_info(str(path)).sample_rate      # decoded at its own rate
        decoded = miniaudio.decode_file(str(path), output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1,
                                        sample_rate=rate)
    except miniaudio.DecodeError as exc:
        raise InputError(f"{path}: not a recording miniaudio can decode ({exc}): the file is damaged or "
                         f"not audio. Replace it with a whole MP3, WAV, FLAC or Ogg Vorbis file.") from None
    samples = np.frombuffer(decoded.samples, dtype="<i2")
    if samples.size == 0:
        raise InputError(f"{path}: the recording holds no sound (0 samples). Replace it with a whole file.")
    return Clip(samples.tobytes(), decoded.sample_rate)


def is_silent(samples: np.ndarray) -> bool:
    """No sample reaches SILENT_DBFS."""
    return samples.size == 0 or int(np.abs(samples.astype(np.int32)).max()) < 32768 * 10 ** (SILENT_DBFS / 20)


def match_voice(pcm: meter.PcmFile, rate: int, stretches: list[tuple[int, int]]) -> list[float]:
    """Bring each inserted stretch [lo, hi) (samples) of the joined episode `pcm` to the integrated
    loudness of the rest of it (the voice), in place; returns each stretch's gain in dB (0 when
    there is no voice to match, or the stretch is silent)."""
    if not stretches:
        return []
    measured = meter.measure(pcm, rate, true_peak=False)
    chunk = measured.chunk
    inserted = np.zeros(measured.energy.size, dtype=bool)
    for lo, hi in stretches:
        inserted[lo // chunk:-(-hi // chunk)] = True
    voice = measured.loudness(np.where(inserted, 0.0, measured.energy))
    gains = []
    for lo, hi in stretches:
        own = np.zeros_like(measured.energy)
        own[lo // chunk:-(-hi // chunk)] = measured.energy[lo // chunk:-(-hi // chunk)]
        loudness = measured.loudness(own)
        samples = pcm.read(lo, hi)
        if not (np.isfinite(voice) and np.isfinite(loudness)) or samples.size == 0:
            gains.append(0.0)
            continue
        gain_db = voice - loudness
        peak = int(np.abs(samples.astype(np.int32)).max())
        if peak:
            gain_db = min(gain_db, 20 * np.log10(PEAK_ROOM * 32767 / peak))
        scaled = np.round(samples.astype(np.float32) * np.float32(10 ** (gain_db / 20)))
        pcm.write(lo, np.clip(scaled, -32768, 32767).astype("<i2"))
        gains.append(float(gain_db))
    return gains


INSERT_VERSION = 1     # changes whenever the way an intro or outro clip is made from its file changes
EDGE_FADE_MS = 5       # a fade at the file's own ends: no click where its first sound starts


@dataclass(frozen=True)
class Recording:
    """A whole recording put at an episode's start or end (`[audio] intro`, `outro`): no voice
    speaks it, and its clip's cache key is the file's content, so another file re-renders the
    episodes and speaks nothing again."""

    setting: str          # "intro" or "outro": the [audio] key that names it, for messages
    path: str
    digest: str           # the file's content hash

    @classmethod
    def of(cls, setting: str, name: str, root: Path | str) -> "Recording | None":
        """The recording `[audio] <setting> = name` names (relative to the config's folder); None
        when `name` is empty. A file that is missing is a ConfigError saying so."""
        if not name:
            return None
        path = Path(root or ".") / name
        if not path.is_file():
            raise ConfigError(f"[audio] {setting} = {name!r}: no such file ({path}). Put the recording there, "
                              f"fix the path (relative to podcast.toml's folder), or remove the line.")
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return cls(setting, str(path), digest.hexdigest())

    @property
    def key(self) -> str:
        payload = json.dumps({"schema": INSERT_VERSION, "recording": self.digest})
        return hashlib.sha256(payload.encode()).hexdigest()

    def clip(self) -> Clip:
        """The recording, decoded (mono), with a short fade at both ends. A file that is not
        audio, or is silent, is an InputError naming the setting."""
        try:
            decoded = decode(self.path)
        except InputError as exc:
            raise InputError(f"[audio] {self.setting}: {exc}") from None
        samples = decoded.array().astype(np.float32)
        if is_silent(samples.astype("<i2")):
            raise InputError(f"[audio] {self.setting}: {self.path} is silent (no sample above {SILENT_DBFS:g} "
                             f"dBFS). Give a recording with sound, or remove the line.")
        n = min(samples.size // 2, int(decoded.sample_rate * EDGE_FADE_MS / 1000))
        if n:
            ramp = np.linspace(0.0, 1.0, n, endpoint=False, dtype=np.float32)
            samples[:n] *= ramp
            samples[-n:] *= ramp[::-1]
        return Clip(np.clip(np.round(samples), -32768, 32767).astype("<i2").tobytes(), decoded.sample_rate)
