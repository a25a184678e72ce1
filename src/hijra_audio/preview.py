"""A quick listen before a long build (`say`), and what each engine can do here (`engines`).

`say` plans its text exactly as `build` plans a narration file (`plan.plan`: the same cleaning and
cutting), speaks it with the engine `build` would use, in this process, and renders it through the
build's own path (`audio.render`: trimmed clips, the configured pauses, the episode's loudness and
true peak, then a tag), so the preview sounds like the episode; it reports the exact text the
engine got.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from hijra_audio.audio.render import render
from hijra_audio.audio.tags import EpisodeTags, tag_mp3
from hijra_audio.config import ShowConfig
from hijra_audio.engines import ENGINES, create_engine, options
from hijra_audio.errors import HijraAudioError, InputError
from hijra_audio.files import atomic_write
from hijra_audio.plan import plan
from hijra_audio.rebuild.decide import iso639_2, pauses_for
from hijra_audio.show import Show
from hijra_audio.sources import Narration, checked

SAY_NAME = "the text to say"


@dataclass(frozen=True)
class SpokenSegment:
    speech: str                  # the segment's speech form after cleaning (what build hands the engine)
    prepared: str                # after the engine's own rewriting (diacritization, pausal forms)
    requests: tuple[str, ...] = ()   # gtts: the pieces sent, one request each
    phonemes: str = ""           # piper: the phonemes the voice speaks


@dataclass(frozen=True)
class SayReport:
    output: Path
    duration: float
    engine: dict[str, str]
    segments: tuple[SpokenSegment, ...]


def plan_sentence(config: ShowConfig, sentence: str):
    """`sentence` cleaned and cut exactly as `build` cleans and cuts a narration file."""
    return plan(config, [checked(Narration(SAY_NAME, sentence))])


FORMATS = (".mp3", ".wav")


def say(show: Show, sentence: str, output: Path, show_text: bool = False) -> SayReport:
    """Speak `sentence` into `output` (written atomically) as `build` would speak it in `show`:
    an MP3, or for a `.wav` name a WAV file (16-bit mono) of the same mastered audio."""
    config = show.own
    output = Path(output)
    if output.suffix.lower() not in FORMATS:
        raise InputError(f"{output}: say writes MP3 (.mp3) or WAV (.wav), not {output.suffix or 'a file without an extension'}. "
                         f"Name the output file NAME.mp3 or NAME.wav.")
    if not sentence.strip():
        raise InputError('nothing to say: the text is empty. Give an Arabic sentence in quotes, '
                         'like hijra-audio say "ثم هاجر إلى المدينة".')
    episodes = plan_sentence(config, sentence).episodes
    segments = [s for e in episodes for s in e.segments]
    engine = show.engine_factory()
    engine.check()
    spoken = []
    for segment in segments:
        text = segment.speech
        extra = {}
        if show_text and hasattr(engine, "pieces"):
            extra["requests"] = tuple(engine.pieces(text))
        if show_text and hasattr(engine, "phonemes"):
            extra["phonemes"] = engine.phonemes(text)
        spoken.append(SpokenSegment(text, engine.prepare(text) if show_text else "", **extra))
    clips = (engine.synthesize(s.speech) for s in segments)
    pauses = [pause for e in episodes for pause in pauses_for(config, e)]
    rendered = render(clips, pauses, config.audio, folder=output.parent if output.parent.is_dir() else None)
    tags = EpisodeTags(title=" ".join(sentence.split()[:8]), album=config.title, artist=config.author,
                       track=1, total=1, language=iso639_2(config.language))
    if output.suffix.lower() == ".wav":
        atomic_write(output, _wav(rendered.mp3, config.audio.sample_rate))
    else:
        atomic_write(output, tag_mp3(rendered.mp3, tags))
    return SayReport(output, rendered.duration, engine.identity(), tuple(spoken))


def _wav(mp3: bytes, sample_rate: int) -> bytes:
    """The mastered MP3 decoded to a 16-bit mono WAV file, as bytes."""
    import io
    import wave

    import miniaudio

    decoded = miniaudio.decode(bytes(mp3), output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1,
                               sample_rate=sample_rate)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(decoded.samples.tobytes())
    return buffer.getvalue()


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
        described = options(ENGINES[name])
        try:
            engine = create_engine(settings, sample_rate=config.audio.sample_rate)
            engine.check()
            identity = engine.identity()
        except HijraAudioError as exc:
            statuses.append(EngineStatus(name, False, str(exc), {}, described, chosen))
            continue
        statuses.append(EngineStatus(name, True, "", identity, described, chosen))
    return statuses
