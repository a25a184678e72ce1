"""A quick listen before a long build (`say`), and what each engine can do here (`engines`).

`say` reads, cleans and cuts its text exactly as `build` does (`pipeline.plan_sentence`) and speaks
it with the engine `build` would use, in this process; it reports the exact text the engine got.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hijra_audio.audio import master
from hijra_audio.config import ShowConfig
from hijra_audio.engines import ENGINES, create_engine, engine_module
from hijra_audio.engines.base import Engine
from hijra_audio.errors import HijraAudioError
from hijra_audio.rebuild.cache import atomic_write


@dataclass(frozen=True)
class SpokenSegment:
    text: str                    # the segment after cleaning (what build hands the engine)
    prepared: str                # after the engine's own rewriting (diacritization, pausal forms)
    requests: tuple[str, ...] = ()   # gtts: the pieces sent, one request each
    phonemes: str = ""           # piper: the phonemes the voice speaks


@dataclass(frozen=True)
class SayReport:
    output: Path
    duration: float
    engine: dict[str, str]
    segments: tuple[SpokenSegment, ...]


def say(config: ShowConfig, sentence: str, output: Path,
        engine_factory: Callable[[], Engine] | None = None, show_text: bool = False) -> SayReport:
    """Speak `sentence` into the MP3 `output` (written atomically), as `build` would speak it."""
    from hijra_audio.pipeline import plan_sentence

    episodes = plan_sentence(config, sentence)
    segments = [s for e in episodes for s in e.segments]
    engine = (engine_factory or functools.partial(create_engine, config.engine,
                                                  sample_rate=config.audio.sample_rate))()
    engine.check()
    spoken = []
    for segment in segments:
        text = segment.spoken
        extra = {}
        if show_text and hasattr(engine, "pieces"):
            extra["requests"] = tuple(engine.pieces(text))
        if show_text and hasattr(engine, "phonemes"):
            extra["phonemes"] = engine.phonemes(text)
        spoken.append(SpokenSegment(text, engine.prepare(text) if show_text else "", **extra))
    clips = [engine.synthesize(s.spoken) for s in segments]
    pauses = [0] + [config.audio.section_pause_ms if s.starts_section else config.audio.sentence_pause_ms
                    for s in segments[1:]]
    joined = master.join(clips, pauses, config.audio.sample_rate)
    mp3 = master.encode_mp3(joined.audio, config.audio.bitrate_kbps)
    atomic_write(Path(output), mp3)
    return SayReport(Path(output), joined.duration, engine.identity(), tuple(spoken))


@dataclass(frozen=True)
class EngineStatus:
    name: str
    usable: bool
    reason: str                          # why not, when not usable
    identity: dict[str, str]
    options: tuple[tuple[str, str], ...]  # (option, what it does)
    configured: bool                     # the engine the config (or --engine) picks


def engine_statuses(config: ShowConfig) -> list[EngineStatus]:
    """Every known engine: usable here or why not, its identity with the config's settings (the
    voice only for the configured engine) and its options."""
    statuses = []
    for name in ENGINES:
        chosen = name == config.engine.name
        settings = config.engine if chosen else dataclasses.replace(config.engine, name=name, voice="")
        options = tuple(engine_module(name).OPTIONS)
        try:
            engine = create_engine(settings, sample_rate=config.audio.sample_rate)
            engine.check()
            identity = engine.identity()
        except HijraAudioError as exc:
            statuses.append(EngineStatus(name, False, str(exc), {}, options, chosen))
            continue
        statuses.append(EngineStatus(name, True, "", identity, options, chosen))
    return statuses
