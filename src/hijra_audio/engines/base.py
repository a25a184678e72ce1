"""The one small interface every TTS engine adapter implements, and the Clip it returns."""

from __future__ import annotations

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
