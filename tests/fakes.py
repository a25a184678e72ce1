"""A fake engine for fast pipeline tests: silence whose length is set by the text."""

from __future__ import annotations

from dataclasses import dataclass

from hijra_audio.engines.base import Clip

RATE = 22050
SECONDS_PER_CHAR = 0.02


def fake_duration(text: str) -> float:
    return len(text) * SECONDS_PER_CHAR


@dataclass(frozen=True)
class FakeEngine:
    log: str
    delay: float = 0.0     # seconds per call, so that a test can stop a build part-way
    name: str = "fake"
    fail_on: str = ""      # a text containing this fails, as an engine error would
    identity_env: str = ""  # an environment variable whose value joins the identity (a worker's voice)

    def identity(self) -> dict[str, str]:
        if self.identity_env:
            import os

            return {"engine": self.name, "version": "1", "voice": os.environ.get(self.identity_env, "")}
        return {"engine": self.name, "version": "1"}

    def check(self) -> None:
        pass

    def prepare(self, text: str) -> str:
        return text

    def synthesize(self, text: str) -> Clip:
        if self.fail_on and self.fail_on in text:
            from hijra_audio.errors import EngineError

            raise EngineError(f"fake engine failed on segment: {text[:40]}")
        if self.delay:
            import time

            time.sleep(self.delay)
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(text.replace("\n", " ") + "\n")
        frames = int(round(fake_duration(text) * RATE))
        # A quiet tone, not pure silence, so that audio checks can tell clips from pauses.
        import numpy as np

        tone = (np.sin(np.arange(frames) * 2 * np.pi * 220 / RATE) * 3000).astype("<i2")
        return Clip(tone.tobytes(), RATE)


def cache_location(output, config_path=None):
    """Where a build into `output` keeps its caches, found as the build finds them."""
    from pathlib import Path

    from hijra_audio.show import ShowRequest, resolve

    return resolve(ShowRequest(config_path=config_path, output=Path(output))).cache


def whole_text_config(folder):
    """The bundled show's podcast.toml with show_notes = "full" (and the files it names) written
    into `folder`: the feed carries each episode's whole text, so a test can tell which text."""
    from pathlib import Path

    from hijra_audio.config import bundled_config_path

    source = bundled_config_path()
    for name in ("cover.png", "hijra-lecture.lexicon"):
        (Path(folder) / name).write_bytes((source.parent / name).read_bytes())
    text = source.read_text(encoding="utf-8").replace('type = "serial"\n', 'type = "serial"\nshow_notes = "full"\n')
    if 'show_notes = "full"' not in text:
        raise ValueError("the bundled podcast.toml has no `type = \"serial\"` line to put show_notes after")
    (Path(folder) / "whole.toml").write_text(text, encoding="utf-8")
    return str(Path(folder) / "whole.toml")
