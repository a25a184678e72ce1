"""Piper (offline neural voices) through the optional `piper-tts` package:
`pip install 'hijra-audio[piper]'`.

A voice is a `.onnx` model with its `.onnx.json` beside it. The Arabic voice, `ar_JO-kareem`,
phonemizes through espeak-ng like our espeak engine, so Arabic text gets the same diacritization
and pausal forms (`engines/arabic.py`) before it reaches the voice; Piper's own diacritizer is
switched off. The voice is read once per process; each utterance runs on a fresh onnxruntime session (one
thread, seeded), so that its noise does not depend on what was spoken before.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from hijra_audio.engines import arabic
from hijra_audio.text import diacritizer
from hijra_audio.engines.base import Clip, configured, options, setting
from hijra_audio.errors import ConfigError, EngineError, EngineUnavailable

INSTALL = "pip install 'hijra-audio[piper]'"
NOISE_SEED = 1   # onnxruntime's seed for the voice's noise generators
SENTENCE_SILENCE_MS = 200   # between the sentences Piper speaks one after another in a segment
ARABIC_VOICE_HINT = ("the Arabic voice is ar_JO-kareem-medium.onnx (with its .onnx.json) from the "
                     "rhasspy/piper-voices collection on Hugging Face")



def _piper():
    try:
        import piper
    except ImportError:
        raise EngineUnavailable(f"the piper engine needs the piper-tts package: {INSTALL}") from None
    return piper


def piper_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("piper-tts")
    except PackageNotFoundError:
        return ""


@lru_cache(maxsize=4)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def _digest(path: Path) -> str:
    stat = path.stat()
    return _file_digest(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4)
def _read_settings(path: str, size: int, mtime_ns: int) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=2)
def _load_voice(model: str, config: str):
    """The voice's settings, without a session (enough to phonemize); synthesis runs on a fresh
    session each time (`_fresh_voice`)."""
    piper = _piper()
    with open(config, encoding="utf-8") as handle:
        settings = json.load(handle)
    voice = piper.PiperVoice(config=piper.PiperConfig.from_dict(settings), session=None)
    voice.use_tashkeel = False  # we diacritize ourselves (arabic.prepare), offline and the same as espeak
    return voice


@lru_cache(maxsize=2)
def _model_bytes(model: str) -> bytes:
    with open(model, "rb") as handle:
        return handle.read()


def _session(model: str):
    """A new onnxruntime session of the voice, one thread, its random generators seeded with
    NOISE_SEED. VITS draws noise (its `noise_scale`, `noise_w`) from generators that each
    session's kernels create once and carry from run to run: the same text run twice on one
    session sounds (and lasts) a little different. A fresh session per utterance makes a clip a
    function of the identity and the text (it costs the session's start: see benchmarks/speed/engines.py)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    # without graph optimizations a session starts in a quarter of the time (0.14 s of CPU for a
    # medium voice, against 0.65 s) and runs as fast: that start is paid per utterance
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    onnxruntime.set_seed(NOISE_SEED)
    return onnxruntime.InferenceSession(_model_bytes(model), sess_options=options, providers=["CPUExecutionProvider"])


def _fresh_voice(model: str, config: str):

    return dataclasses.replace(_load_voice(model, config), session=_session(model))


@dataclass(frozen=True)
class PiperEngine:
    """A Piper voice. `voice` is the .onnx path; see OPTIONS."""

    voice: str = setting("", "path to the voice's .onnx file, its .onnx.json beside it")
    speed: float = setting(1.0, "1.0 is the voice's pace; 1.25 speaks a quarter faster (default 1.0)")
    speaker: str = setting("", "speaker name or number, for voices with several (default: the voice's)")
    name: str = "piper"

    @classmethod
    def from_config(cls, table, sample_rate: int | None = None) -> "PiperEngine":
        """The engine `table` (the [engine] table) sets up; the voice speaks at its own rate."""
        engine = cls(**configured(cls, table))
        if engine.speed <= 0:
            raise ConfigError(f"[engine] speed must be above 0 for piper (it is {engine.speed}); 1.0 is the voice's pace.")
        return dataclasses.replace(engine, voice=str(Path(engine.voice).expanduser()) if engine.voice else "")

    # -- the voice files

    @property
    def model_path(self) -> Path:
        return Path(self.voice)

    @property
    def config_path(self) -> Path:
        return Path(f"{self.voice}.json")

    def _settings(self) -> dict:
        stat = self.config_path.stat()
        return _read_settings(str(self.config_path), stat.st_size, stat.st_mtime_ns)

    def check(self) -> None:
        _piper()
        if not self.voice:
            raise EngineUnavailable(f"the piper engine needs a voice: --voice PATH.onnx (or voice = \"...\" "
                                    f"in [engine] of podcast.toml); {ARABIC_VOICE_HINT}.")
        if not self.model_path.is_file():
            raise EngineUnavailable(f"piper voice not found: looked for {self.model_path.resolve()}. "
                                    f"Give the path of a .onnx voice file; {ARABIC_VOICE_HINT}.")
        if not self.config_path.is_file():
            raise EngineUnavailable(f"piper voice config not found: looked for {self.config_path.resolve()}. "
                                    f"Put the voice's .onnx.json beside the .onnx file.")
        try:
            settings = self._settings()
        except (OSError, ValueError) as exc:
            raise EngineUnavailable(f"{self.config_path}: not a Piper voice config ({exc}). "
                                    f"Download the voice's .onnx.json again.") from None
        self._speaker_id(settings)

    def _speaker_id(self, settings: dict) -> int | None:
        if not self.speaker:
            return None
        speakers = settings.get("speaker_id_map") or {}
        count = int(settings.get("num_speakers", 1))
        if count <= 1:
            raise EngineUnavailable(f"piper voice {self.model_path.name} has one speaker; remove the speaker option.")
        if self.speaker in speakers:
            return int(speakers[self.speaker])
        if self.speaker.isdigit() and int(self.speaker) < count:
            return int(self.speaker)
        names = ", ".join(sorted(speakers)[:10]) or f"numbers 0-{count - 1}"
        raise EngineUnavailable(f"piper voice {self.model_path.name} has no speaker {self.speaker!r}; "
                                f"it has: {names}.")

    def _is_arabic(self) -> bool:
        return str(self._settings().get("espeak", {}).get("voice", "")).startswith("ar")

    def identity(self) -> dict[str, str]:
        ident = {
            "engine": self.name,
            "voice": self.model_path.name,
            "model": _digest(self.model_path),
            "config": _digest(self.config_path),
            "speed": repr(float(self.speed)),
            "speaker": self.speaker,
            "piper-tts": piper_version(),
            "sentence-silence-ms": str(SENTENCE_SILENCE_MS),
            "noise-seed": str(NOISE_SEED),   # and a fresh, unoptimized session per utterance
            "onnx-graph": "unoptimized",
        }
        if self._is_arabic():
            ident["diacritizer"] = diacritizer.diacritizer_version()
            ident["arabic-rules"] = arabic.RULES_VERSION
        return ident

    def prepare(self, text: str) -> str:
        return arabic.prepare(text) if self._is_arabic() else text

    def phonemes(self, text: str) -> str:
        """The phonemes the voice speaks for `text` (for `say --show-text`)."""
        voice = _load_voice(str(self.model_path), str(self.config_path))
        return " | ".join("".join(sentence) for sentence in voice.phonemize(self.prepare(text)))

    def synthesize(self, text: str) -> Clip:
        piper = _piper()
        self.check()
        voice = _fresh_voice(str(self.model_path), str(self.config_path))
        settings = piper.SynthesisConfig(speaker_id=self._speaker_id(self._settings()),
                                         length_scale=voice.config.length_scale / self.speed)
        rate = voice.config.sample_rate
        gap = np.zeros(rate * SENTENCE_SILENCE_MS // 1000, dtype=np.int16)
        parts: list[np.ndarray] = []
        try:
            for chunk in voice.synthesize(self.prepare(text), syn_config=settings):
                if parts:
                    parts.append(gap)
                parts.append(chunk.audio_int16_array)
        except Exception as exc:  # onnxruntime and the phonemizer raise their own types
            raise EngineError(f"piper failed on «{text[:50]}»: {exc}") from exc
        samples = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
        return Clip(samples.astype("<i2").tobytes(), rate)


OPTIONS = options(PiperEngine)
