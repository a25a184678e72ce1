"""TTS engines behind one interface (`base.Engine`), looked up by name, and the `[engine]` table
of podcast.toml, made of the settings each adapter declares.

Each adapter owns its settings: its fields declared with `base.setting(default, doc)`. The
`[engine]` table (`EngineConfig`) is composed from them here: `name`, then each adapter's keys
(a key two engines share, `voice`, is one key, empty by default: each engine's own Arabic voice).
`engines` lists them, and `init`'s template and docs/configuration.md are written from the same
docs. An adapter's heavy imports (onnxruntime, gTTS, piper) stay inside it, made when it runs.
"""

from __future__ import annotations

import dataclasses

from hijra_audio.engines.base import Clip, Engine, options, settings_fields
from hijra_audio.engines.espeak import EspeakEngine
from hijra_audio.engines.gtts import GttsEngine
from hijra_audio.engines.piper import PiperEngine
from hijra_audio.errors import EngineUnavailable

ENGINES = {"espeak": EspeakEngine, "gtts": GttsEngine, "piper": PiperEngine}
DEFAULT_ENGINE = "espeak"
NAME_DOC = ('the text-to-speech engine: "espeak" (offline, nothing else to install), "gtts" '
            '(Google\'s voice, online) or "piper" (a neural voice, offline, once downloaded)')
_EMPTY = {"str": "", "int": 0, "float": 0.0}


def _engine_table():
    """The `[engine]` table as a frozen dataclass: `name`, then every adapter's settings once, in
    the order of ENGINES. Its metadata says which engines read each key."""
    owners: dict[str, list[tuple[str, dataclasses.Field]]] = {}
    for name, adapter in ENGINES.items():
        for f in settings_fields(adapter):
            owners.setdefault(f.name, []).append((name, f))
    spec = [("name", "str", dataclasses.field(default=DEFAULT_ENGINE,
                                               metadata={"doc": NAME_DOC, "engines": ()}))]
    for key, owned in owners.items():
        kinds = {f.type for _, f in owned}
        if len(kinds) != 1:
            raise TypeError(f"[engine] {key}: the engines declare it with different types {kinds}")
        shared = len(owned) > 1
        doc = ("; ".join(f"{name}: {f.metadata['doc']}" for name, f in owned) if shared
               else owned[0][1].metadata["doc"])
        default = _EMPTY[owned[0][1].type] if shared else owned[0][1].default
        spec.append((key, owned[0][1].type, dataclasses.field(
            default=default, metadata={"doc": doc, "engines": tuple(name for name, _ in owned)})))
    table = dataclasses.make_dataclass("EngineConfig", spec, frozen=True)
    table.__module__ = __name__
    table.__doc__ = "`[engine]` in podcast.toml: the engine's name and the settings of every engine."
    return table


EngineConfig = _engine_table()


def engine_class(name: str):
    """The adapter of engine `name`."""
    adapter = ENGINES.get(name)
    if adapter is None:
        raise EngineUnavailable(f"unknown engine {name!r}; known engines: {', '.join(ENGINES)}.")
    return adapter


def create_engine(config, sample_rate: int | None = None) -> Engine:
    """The engine `config.name` names (`config`: an EngineConfig), built from its settings.
    `sample_rate`: the episode rate, for engines that resample themselves (gtts)."""
    return engine_class(config.name).from_config(config, sample_rate=sample_rate)


__all__ = ["Clip", "Engine", "ENGINES", "EngineConfig", "create_engine", "engine_class", "options"]
