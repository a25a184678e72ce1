"""The one small interface every TTS engine adapter implements, the Clip it returns, and how an
adapter declares its settings (the keys of podcast.toml's `[engine]` table it reads)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Clip:
    """Mono 16-bit PCM (little endian) at `sample_rate`: what an engine returns for one segment."""

    samples: bytes
    sample_rate: int

    @property
    def frames(self) -> int:
        return len(self.samples) // 2

    @property
    def duration(self) -> float:
        return self.frames / self.sample_rate

    def array(self) -> np.ndarray:
        return np.frombuffer(self.samples, dtype="<i2")


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """int16 `samples` at `rate` brought to `target` (libsoxr, high quality), as int16."""
    if rate == target or samples.size == 0:
        return samples
    import soxr

    return soxr.resample(samples, rate, target, quality="HQ").astype("<i2", copy=False)


class Engine(Protocol):
    name: str

    def identity(self) -> dict[str, str]:
        """Everything that changes the sound: voice, rate, versions. Part of every cache key."""

    def check(self) -> None:
        """Raise EngineUnavailable, naming the fix, when the engine cannot run here."""

    def prepare(self, text: str) -> str:
        """The exact text the engine speaks for `text` (after its own rewriting)."""

    def synthesize(self, text: str) -> Clip:
        """Speak `text`; no files."""


def setting(default, doc: str):
    """A field of an engine adapter that `[engine]` in podcast.toml (and --voice, --rate) sets.
    `doc` says what it does, once: `engines` lists it, and `init`'s template and the docs are
    written from it."""
    return dataclasses.field(default=default, metadata={"doc": doc})


def settings_fields(engine_class) -> tuple[dataclasses.Field, ...]:
    """The fields of an adapter that are settings (declared with `setting`), in order."""
    return tuple(f for f in dataclasses.fields(engine_class) if "doc" in f.metadata)


def options(engine_class) -> tuple[tuple[str, str], ...]:
    """(key, what it does) of each of an adapter's settings."""
    return tuple((f.name, f.metadata["doc"]) for f in settings_fields(engine_class))


def configured(engine_class, table) -> dict:
    """The adapter's settings as `table` (the `[engine]` table, `engines.EngineConfig`) gives
    them; a key the table leaves at its default leaves the adapter's own default (a voice left
    empty is each engine's Arabic voice)."""
    defaults = {f.name: f.default for f in dataclasses.fields(table)}
    return {f.name: getattr(table, f.name) for f in settings_fields(engine_class)
            if getattr(table, f.name) != defaults[f.name]}
