"""The offline default engine: espeak-ng through ctypes on the library and voice data that the
`espeakng-loader` wheel ships (no system package), fed diacritized text in pausal forms.

espeak-ng keeps global state in the process, and carries some of it from one utterance to the next;
each utterance is spoken by a fresh instance of the library (`_Native`), so that a clip depends only
on the engine identity and the text, never on what the worker spoke before.
"""

from __future__ import annotations

import _ctypes
import ctypes
import os
import threading
from dataclasses import dataclass

from hijra_audio.engines import arabic
from hijra_audio.text import diacritizer
from hijra_audio.engines.base import Clip, configured, options, setting
from hijra_audio.errors import ConfigError, EngineError, EngineUnavailable

AUDIO_OUTPUT_SYNCHRONOUS = 2
POS_CHARACTER = 1
ESPEAK_CHARS_UTF8 = 1
ESPEAK_RATE, ESPEAK_PITCH = 1, 3
DEFAULT_RATE, DEFAULT_PITCH = 175, 50      # espeak-ng's own defaults, used when the option is 0
RATE_RANGE, PITCH_RANGE = (80, 450), (1, 99)
# How utterances are kept apart (part of the identity: clips made before it are made again).
ISOLATION = "fresh-instance"

_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
_PROBE = "ثُمَّ هَاجَرَ إِلَى الْمَدِينَةِ، فَاسْتَقْبَلَهُ الْأَنْصَارُ"   # spoken to check a voice file gives what its name does


class _Voice(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("languages", ctypes.c_char_p), ("identifier", ctypes.c_char_p),
                ("gender", ctypes.c_ubyte), ("age", ctypes.c_ubyte), ("variant", ctypes.c_ubyte),
                ("xx1", ctypes.c_ubyte), ("score", ctypes.c_int), ("spare", ctypes.c_void_p)]


class _Instance:
    """One private instance of the library: loaded (from the in-memory copy), initialized, given
    the voice; speaks once, then is terminated and unloaded, taking all its state with it."""

    def __init__(self, path: str, data_path: bytes):
        self.lib = ctypes.CDLL(path, mode=os.RTLD_LOCAL)
        lib = self.lib
        lib.espeak_Synth.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                     ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_ng_SetVoiceByFile.argtypes = [ctypes.c_char_p]
        lib.espeak_GetCurrentVoice.restype = ctypes.POINTER(_Voice)
        self.sample_rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path, 0)
        if self.sample_rate <= 0:
            self.close()
            raise EngineUnavailable("espeak-ng did not start (espeak_Initialize failed); "
                                    "reinstall it: pip install --force-reinstall espeakng-loader")
        self._chunks: list[bytes] = []
        self._callback = _SYNTH_CALLBACK(self._collect)  # referenced until the library is unloaded
        lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav, count, _events) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    def set_voice(self, voice: str) -> bool:
        """By name: espeak-ng reads every voice file to find it (2-3 ms)."""
        return self.lib.espeak_SetVoiceByName(voice.encode()) == 0

    def set_voice_file(self, path: str) -> bool:
        """By the voice's file (and +variant): only that file is read."""
        return self.lib.espeak_ng_SetVoiceByFile(path.encode()) == 0

    def voice_identifier(self) -> str:
        current = self.lib.espeak_GetCurrentVoice()
        return current.contents.identifier.decode() if current and current.contents.identifier else ""

    def speak(self, text: str, rate: int, pitch: int) -> bytes:
        self.lib.espeak_SetParameter(ESPEAK_RATE, rate or DEFAULT_RATE, 0)
        self.lib.espeak_SetParameter(ESPEAK_PITCH, pitch or DEFAULT_PITCH, 0)
        data = text.encode("utf-8")
        self._chunks = []
        status = self.lib.espeak_Synth(data, len(data) + 1, 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, None, None)
        if status != 0:
            raise EngineError(f"espeak-ng failed (status {status}) on: {text[:60]}")
        self.lib.espeak_Synchronize()
        return b"".join(self._chunks)

    def close(self) -> None:
        if self.lib is not None:
            self.lib.espeak_Terminate()
            _ctypes.dlclose(self.lib._handle)
            self.lib = None


class _Native:
    """espeak-ng for this process: a private copy of the shared object, in memory (memfd), so that
    nothing else in the process (Piper's own espeak, another loader) holds it.

    espeak-ng carries state from one utterance to the next in dozens of file-level statics
    (wavegen.c's phase, sample count, flutter index, pitch and amplitude envelopes, breath
    resonators and echo buffer; the translator's clause context...), none exported and none reset by
    espeak_Terminate/espeak_Initialize or the random seed: the same text spoken second gives other
    samples. So each utterance gets a fresh instance of the library: dlopen, initialize, speak,
    terminate, dlclose, which unmaps it and drops every static (under 1 ms of CPU per segment, the
    voice set by its file rather than by name: see benchmarks/speed/engines.py). A clip is then a function of the engine identity and the text."""

    _instance: "_Native | None" = None
    _lock = threading.Lock()

    def __init__(self):
        try:
            import espeakng_loader
        except ImportError:
            raise EngineUnavailable("the espeak engine needs the espeakng-loader package: "
                                    "pip install espeakng-loader") from None
        library = espeakng_loader.get_library_path()
        self.data_path = espeakng_loader.get_data_path().encode()
        self._fd = os.memfd_create("hijra-audio-espeak-ng", os.MFD_CLOEXEC)
        with open(library, "rb") as handle:
            os.write(self._fd, handle.read())
        self.path = f"/proc/self/fd/{self._fd}"
        self._pid = os.getpid()
        # the voice data through a short path (espeak-ng keeps a voice file's path in 60 bytes)
        self._data_fd = os.open(self.data_path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        self._voice_files: dict[str, str | None] = {}
        probe = _Instance(self.path, self.data_path)
        try:
            self.sample_rate = probe.sample_rate
            self.version = probe.lib.espeak_Info(None).decode()
        finally:
            probe.close()
        if not self.unloaded():
            raise EngineError("espeak-ng stayed loaded after dlclose: its clips would depend on the "
                              "order of the segments")

    @classmethod
    def get(cls) -> "_Native":
        with cls._lock:
            if cls._instance is None or cls._instance._pid != os.getpid():
                cls._instance = cls()
            return cls._instance

    def unloaded(self) -> bool:
        """True when no copy of our library is mapped in this process."""
        with open("/proc/self/maps") as maps:
            return "hijra-audio-espeak-ng" not in maps.read()

    def has_voice(self, voice: str) -> bool:
        with self._lock:
            instance = _Instance(self.path, self.data_path)
            try:
                return instance.set_voice(voice)
            finally:
                instance.close()

    def _speak_once(self, text: str, rate: int, pitch: int, voice: str = "", voice_file: str = "") -> bytes | None:
        instance = _Instance(self.path, self.data_path)
        try:
            if not (instance.set_voice_file(voice_file) if voice_file else instance.set_voice(voice)):
                return None
            return instance.speak(text, rate, pitch)
        finally:
            instance.close()

    def _voice_file(self, voice: str) -> str | None:
        """The file espeak-ng loads for `voice` (with its +variant), as a short path, once it is
        checked to speak exactly as the name does; None: set it by name (slower, the same sound)."""
        if voice not in self._voice_files:
            found = None
            instance = _Instance(self.path, self.data_path)
            try:
                identifier = instance.voice_identifier().split("+", 1)[0] if instance.set_voice(voice) else ""
            finally:
                instance.close()
            variant = voice.split("+", 1)[1] if "+" in voice else ""
            for folder in ("lang", "voices"):
                if identifier and os.path.isfile(os.path.join(self.data_path.decode(), folder, identifier)):
                    candidate = f"/proc/self/fd/{self._data_fd}/{folder}/{identifier}" + (f"+{variant}" if variant else "")
                    by_name = self._speak_once(_PROBE, 0, 0, voice=voice)
                    if len(candidate) < 60 and by_name and self._speak_once(_PROBE, 0, 0, voice_file=candidate) == by_name:
                        found = candidate
                    break
            self._voice_files[voice] = found
        return self._voice_files[voice]

    def speak(self, text: str, voice: str, rate: int, pitch: int) -> bytes:
        """`text` spoken by a fresh instance of the library: the same bytes whatever was spoken
        before in this process."""
        with self._lock:
            voice_file = self._voice_file(voice)
            instance = _Instance(self.path, self.data_path)
            try:
                if not (instance.set_voice_file(voice_file) if voice_file else instance.set_voice(voice)):
                    raise EngineUnavailable(f"espeak-ng has no voice {voice!r}; use 'ar' or a variant like 'ar+m3'.")
                return instance.speak(text, rate, pitch)
            finally:
                instance.close()


@dataclass(frozen=True)
class EspeakEngine:
    """espeak-ng, Arabic voice, diacritized input. `rate` in words per minute (0: the voice's)."""

    voice: str = setting("ar", "espeak-ng voice, with a variant after + for another timbre: ar, ar+m3, ar+f2 "
                               "(default ar)")
    rate: int = setting(0, "words per minute, 80-450 (default 0: espeak-ng's 175)")
    pitch: int = setting(0, "base pitch, 1-99 (default 0: espeak-ng's 50)")
    name: str = "espeak"

    @classmethod
    def from_config(cls, table, sample_rate: int | None = None) -> "EspeakEngine":
        """The engine `table` (the [engine] table) sets up; espeak-ng speaks at its own rate."""
        engine = cls(**configured(cls, table))
        for option, value, (low, high) in (("rate", engine.rate, RATE_RANGE), ("pitch", engine.pitch, PITCH_RANGE)):
            if value and not low <= value <= high:
                raise ConfigError(f"[engine] {option} must be {low}-{high} for espeak, or 0 for the default "
                                  f"(it is {value}).")
        return engine

    def identity(self) -> dict[str, str]:
        return {
            "engine": self.name,
            "voice": self.voice,
            "rate": str(self.rate),
            "pitch": str(self.pitch),
            "espeak-ng": _Native.get().version,
            "isolation": ISOLATION,
            "diacritizer": diacritizer.diacritizer_version(),
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
        if not native.has_voice(self.voice):
            raise EngineUnavailable(f"espeak-ng has no voice {self.voice!r}; use 'ar' or a variant "
                                    f"like 'ar+m3' (variants: m1-m7, f1-f5, croak, whisper...).")

    def prepare(self, text: str) -> str:
        return arabic.prepare(text)

    def synthesize(self, text: str) -> Clip:
        native = _Native.get()
        return Clip(native.speak(self.prepare(text), self.voice, self.rate, self.pitch), native.sample_rate)


OPTIONS = options(EspeakEngine)
