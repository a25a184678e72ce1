"""TTS engines behind one interface (`base.Engine`), looked up by name."""

from __future__ import annotations

from hijra_audio.config import EngineConfig
from hijra_audio.engines.base import Clip, Engine
from hijra_audio.errors import EngineUnavailable

# name -> "module:Class"; imported only when used, so an engine's heavy imports stay in its adapter.
ENGINES = {
    "espeak": "hijra_audio.engines.espeak:EspeakEngine",
    "gtts": "hijra_audio.engines.gtts:GttsEngine",
    "piper": "hijra_audio.engines.piper:PiperEngine",
}


def engine_module(name: str):
    """The module of engine `name` (its adapter, with its OPTIONS)."""
    target = ENGINES.get(name)
    if target is None:
        raise EngineUnavailable(f"unknown engine {name!r}; known engines: {', '.join(ENGINES)}.")
    module_name = target.split(":")[0]
    return __import__(module_name, fromlist=["OPTIONS"])


def create_engine(config: EngineConfig, sample_rate: int | None = None) -> Engine:
    """The engine `config.name` names, built from its settings. `sample_rate`: the episode rate,
    for engines that resample themselves (gtts)."""
    target = ENGINES.get(config.name)
    if target is None:
        raise EngineUnavailable(f"unknown engine {config.name!r}; known engines: {', '.join(ENGINES)}.")
    module_name, class_name = target.split(":")
    module = __import__(module_name, fromlist=[class_name])
    return getattr(module, class_name).from_config(config, sample_rate=sample_rate)


__all__ = ["Clip", "Engine", "ENGINES", "create_engine", "engine_module"]
