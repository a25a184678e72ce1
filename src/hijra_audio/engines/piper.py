"""Piper (offline neural voices) through the optional `piper-tts` package:
`pip install 'hijra-audio[piper]'`.

A voice is a `.onnx` model with its `.onnx.json` beside it, given by path or by the name of a
voice `hijra-audio voices download` fetched (`engines/voices.py`); no voice given is the Arabic
one, `ar_JO-kareem-medium`. It phonemizes through espeak-ng like our espeak engine, so Arabic text
gets the same diacritization and pausal forms (`engines/arabic.py`) before it reaches the voice;
Piper's own diacritizer is switched off. The voice is loaded once per process, its noise made an
input seeded by each sentence's phonemes (`engines/piper_noise.py`), so that a clip is a function
of the identity and the text, whatever was spoken before it, on one onnxruntime session.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from hijra_audio.engines import arabic, voices
from hijra_audio.engines.piper_noise import NOISE_VERSION, SeededSession, noise_as_input
from hijra_audio.text import diacritizer
from hijra_audio.engines.base import Clip, configured, options, setting
from hijra_audio.errors import ConfigError, EngineError, EngineUnavailable

INSTALL = "pip install 'hijra-audio[piper]'"
ARABIC_VOICE = "ar_JO-kareem-medium"   # the voice when none is given
SENTENCE_SILENCE_MS = 200   # between the sentences Piper speaks one after another in a segment


def _piper():
    try:
        import onnx  # noqa: F401  (the voice's noise is made an input: piper_noise)
        import piper
    except ImportError as exc:
        raise EngineUnavailable(f"the piper engine needs the piper-tts and onnx packages ({exc.name} is "
                                f"missing): {INSTALL}") from None
    return piper


def check_installed() -> str:
    """"" when the piper engine's packages are installed, else what to install."""
    try:
        _piper()
    except EngineUnavailable as exc:
        return str(exc)
    return ""


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
    """The voice, once per process: its settings, and a session whose noise is seeded by what it
    speaks (`piper_noise`)."""
    piper = _piper()
    with open(config, encoding="utf-8") as handle:
        settings = json.load(handle)
    voice = piper.PiperVoice(config=piper.PiperConfig.from_dict(settings), session=_session(model))
    voice.use_tashkeel = False  # we diacritize ourselves (arabic.prepare), offline and the same as espeak
    return voice


def _session(model: str) -> SeededSession:
    """The voice's onnxruntime session, its noise made inputs: one thread (a build runs a worker
    per core), and no graph optimizations: they start the session in half the time (0.43 s of
    CPU against 0.77) and run no faster (benchmarks/speed/piper_engine.py times it against
    Piper's own, optimized session)."""
    import onnx
    import onnxruntime

    graph = onnx.load(model)
    try:
        streams = noise_as_input(graph)
    except ValueError as exc:
        raise EngineUnavailable(f"piper voice {Path(model).name}: {exc}, so its clips would not be "
                                f"reproducible; use another voice.") from None
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = onnxruntime.InferenceSession(graph.SerializeToString(), sess_options=options,
                                           providers=["CPUExecutionProvider"])
    return SeededSession(session, streams)


@dataclass(frozen=True)
class PiperEngine:
    """A Piper voice. `voice` is a downloaded voice's name or a .onnx path; see OPTIONS."""

    voice: str = setting("", f"a voice `hijra-audio voices download` fetched, by name (default "
                             f"{ARABIC_VOICE}), or the path of a .onnx file, its .onnx.json beside it")
    speed: float = setting(1.0, "1.0 is the voice's pace; 1.25 speaks a quarter faster (default 1.0)")
    speaker: str = setting("", "speaker name or number, for voices with several (default: the voice's)")
    name: str = "piper"

    @classmethod
    def from_config(cls, table, sample_rate: int | None = None) -> "PiperEngine":
        """The engine `table` (the [engine] table) sets up; the voice speaks at its own rate."""
        engine = cls(**configured(cls, table))
        if engine.speed <= 0:
            raise ConfigError(f"[engine] speed must be above 0 for piper (it is {engine.speed}); 1.0 is the voice's pace.")
        voice = engine.voice or ARABIC_VOICE
        return dataclasses.replace(engine, voice=voice if voices.is_name(voice) else str(Path(voice).expanduser()))

    # -- the voice files

    @property
    def model_path(self) -> Path:
        """The .onnx file: the path given, or where the voice of that name is downloaded."""
        voice = self.voice or ARABIC_VOICE
        return voices.model_path(voice) if voices.is_name(voice) else Path(voice)

    @property
    def config_path(self) -> Path:
        return Path(f"{self.model_path}.json")

    def _settings(self) -> dict:
        stat = self.config_path.stat()
        return _read_settings(str(self.config_path), stat.st_size, stat.st_mtime_ns)

    def check(self) -> None:
        _piper()
        voice = self.voice or ARABIC_VOICE
        if voices.is_name(voice) and not self.model_path.is_file():
            default = " (the piper engine's Arabic voice, used when no --voice is given)" if voice == ARABIC_VOICE else ""
            raise EngineUnavailable(f"piper voice {voice}{default} is not downloaded: run `hijra-audio voices "
                                    f"download {voice}` once (`hijra-audio voices` lists the Arabic voices), "
                                    f"or give the path of a .onnx file with --voice.")
        if not self.model_path.is_file():
            raise EngineUnavailable(f"piper voice not found: looked for {self.model_path.resolve()}. Give the path "
                                    f"of a .onnx voice file, or a voice's name: `hijra-audio voices download "
                                    f"{ARABIC_VOICE}` fetches the Arabic one.")
        if not self.config_path.is_file():
            raise EngineUnavailable(f"piper voice config not found: looked for {self.config_path.resolve()}. "
                                    f"Put the voice's .onnx.json beside the .onnx file.")
        try:
            settings = self._settings()
        except (OSError, ValueError) as exc:
            raise EngineUnavailable(f"{self.config_path}: not a Piper voice config ({exc}). "
                                    f"Download the voice's .onnx.json again.") from None
        self._speaker_id(settings)

    def licence(self) -> voices.Licence:
        """What the voice's MODEL_CARD (beside its .onnx) says of its licence."""
        return voices.licence(self.model_path.parent)

    def credit(self) -> str:
        """The line the show notes carry when the voice's licence asks for credit, else ""."""
        found = self.licence()
        if not found.asks_credit:
            return ""
        data = f", trained on {found.url}" if found.url else ""
        return f"Voice: {self.model_path.stem} (Piper){data}; licence: {found.text}."

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
            "noise": f"seeded-by-phonemes-{NOISE_VERSION}",   # piper_noise: one session, kept
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
        voice = _load_voice(str(self.model_path), str(self.config_path))
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
