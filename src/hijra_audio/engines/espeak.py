"""The offline default engine: espeak-ng through ctypes on the library and voice data that the
`espeakng-loader` wheel ships (no system package), fed diacritized text in pausal forms.

espeak-ng keeps global state in the process: one voice, one callback. The pipeline runs this
adapter in worker processes, one instance per process, initialized once.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass

from hijra_audio.config import EngineConfig
from hijra_audio.engines import arabic
from hijra_audio.engines.base import Clip
from hijra_audio.errors import ConfigError, EngineError, EngineUnavailable

AUDIO_OUTPUT_SYNCHRONOUS = 2
POS_CHARACTER = 1
ESPEAK_CHARS_UTF8 = 1
ESPEAK_RATE, ESPEAK_PITCH = 1, 3
DEFAULT_RATE, DEFAULT_PITCH = 175, 50      # espeak-ng's own defaults, used when the option is 0
RATE_RANGE, PITCH_RANGE = (80, 450), (1, 99)

OPTIONS = (
    ("voice", "espeak-ng voice, with a variant after + for another timbre: ar, ar+m3, ar+f2 (default ar)"),
    ("rate", "words per minute, 80-450 (default 0: espeak-ng's 175)"),
    ("pitch", "base pitch, 1-99 (default 0: espeak-ng's 50)"),
)
_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class _Native:
    """The loaded library: one per process."""

    _instance: "_Native | None" = None
    _lock = threading.Lock()

    def __init__(self):
        try:
            import espeakng_loader
        except ImportError:
            raise EngineUnavailable("the espeak engine needs the espeakng-loader package: "
                                    "pip install espeakng-loader") from None
        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self.lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                          ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        self.lib.espeak_Info.restype = ctypes.c_char_p
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.sample_rate = self.lib.espeak_Initialize(
            AUDIO_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), 0)
        if self.sample_rate <= 0:
            raise EngineUnavailable("espeak-ng did not start (espeak_Initialize failed); "
                                    "reinstall it: pip install --force-reinstall espeakng-loader")
        self.version = self.lib.espeak_Info(None).decode()
        self._chunks: list[bytes] = []
        self._callback = _SYNTH_CALLBACK(self._collect)  # kept referenced for the library's lifetime
        self.lib.espeak_SetSynthCallback(self._callback)

    @classmethod
    def get(cls) -> "_Native":
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _collect(self, wav, count, _events) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    def speak(self, text: str, voice: str, rate: int, pitch: int) -> bytes:
        with self._lock:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise EngineUnavailable(f"espeak-ng has no voice {voice!r}; use 'ar' or a variant like 'ar+m3'.")
            # Always set: the library keeps the last values for the whole process.
            self.lib.espeak_SetParameter(ESPEAK_RATE, rate or DEFAULT_RATE, 0)
            self.lib.espeak_SetParameter(ESPEAK_PITCH, pitch or DEFAULT_PITCH, 0)
            data = text.encode("utf-8")
            self._chunks = []
            status = self.lib.espeak_Synth(data, len(data) + 1, 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None)
            if status != 0:
                raise EngineError(f"espeak-ng failed (status {status}) on: {text[:60]}")
            self.lib.espeak_Synchronize()
            return b"".join(self._chunks)


@dataclass(frozen=True)
class EspeakEngine:
    """espeak-ng, Arabic voice, diacritized input. `rate` in words per minute (0: the voice's)."""

    voice: str = "ar"
    rate: int = 0
    pitch: int = 0
    name: str = "espeak"

    @classmethod
    def from_config(cls, config: EngineConfig, sample_rate: int | None = None) -> "EspeakEngine":
        for option, value, (low, high) in (("rate", config.rate, RATE_RANGE), ("pitch", config.pitch, PITCH_RANGE)):
            if value and not low <= value <= high:
                raise ConfigError(f"[engine] {option} must be {low}-{high} for espeak, or 0 for the default "
                                        f"(it is {value}).")
        return cls(voice=config.voice or "ar", rate=config.rate, pitch=config.pitch)

    def identity(self) -> dict[str, str]:
        return {
            "engine": self.name,
            "voice": self.voice,
            "rate": str(self.rate),
            "pitch": str(self.pitch),
            "espeak-ng": _Native.get().version,
            "diacritizer": arabic.diacritizer_version(),
            "arabic-rules": arabic.RULES_VERSION,
        }

    def check(self) -> None:
        native = _Native.get()
        if "+" in self.voice:
            from pathlib import Path

            import espeakng_loader

            variants = Path(espeakng_loader.get_data_path()) / "voices" / "!v"
            variant = self.voice.split("+", 1)[1]
            if not (variants / variant).is_file():
                known = ", ".join(sorted(p.name for p in variants.iterdir() if p.name[:1] in "mf" and len(p.name) == 2))
                raise EngineUnavailable(f"espeak-ng has no voice variant {variant!r} (in {self.voice!r}); "
                                        f"try one of: {known}.")
        with native._lock:
            if native.lib.espeak_SetVoiceByName(self.voice.encode()) != 0:
                raise EngineUnavailable(f"espeak-ng has no voice {self.voice!r}; use 'ar' or a variant "
                                        f"like 'ar+m3' (variants: m1-m7, f1-f5, croak, whisper...).")

    def prepare(self, text: str) -> str:
        return arabic.prepare(text)

    def synthesize(self, text: str) -> Clip:
        native = _Native.get()
        return Clip(native.speak(self.prepare(text), self.voice, self.rate, self.pitch), native.sample_rate)
