"""TTS engines behind one interface (`base.Engine`), looked up by name."""

from __future__ import annotations

from hijra_audio.config import EngineConfig
from hijra_audio.engines.base import Clip, Engine
from hijra_audio.errors import EngineUnavailable

# name -> "module:Class"; imported only when used, so an engine's heavy imports stay in its adapter.
ENGINES = {
    "espeak": "hijra_audio.engines.espeak:EspeakEngine",
}


def create_engine(config: EngineConfig) -> Engine:
    """The engine `config.name` names, built from its settings."""
    target = ENGINES.get(config.name)
    if target is None:
        raise EngineUnavailable(f"unknown engine {config.name!r}; known engines: {', '.join(ENGINES)}.")
    module_name, class_name = target.split(":")
    module = __import__(module_name, fromlist=[class_name])
    return getattr(module, class_name).from_config(config)


__all__ = ["Clip", "Engine", "ENGINES", "create_engine"]
