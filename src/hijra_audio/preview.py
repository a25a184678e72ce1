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
from hijra_audio.rebuild.decide import iso639_2, parts_for, pauses_for
from hijra_audio.rebuild.workers import make_clip
from hijra_audio.recite import Recitation
from hijra_audio.show import Show
from hijra_audio.sources import Narration, checked

SAY_NAME = "the text to say"


@dataclass(frozen=True)
class SpokenSegment:
    speech: str                  # the segment's speech form after cleaning (what build hands the engine)
    prepared: str                # after the engine's own rewriting (diacritization, pausal forms)
    requests: tuple[str, ...] = ()   # gtts: the pieces sent, one request each
    phonemes: str = ""           # piper: the phonemes the voice speaks
    recited: str = ""            # a quotation recited from the reciter's recordings: which, cut where


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
    recitation = Recitation.of(config)
    parts = [part for e in episodes for s, pause in zip(e.segments, pauses_for(config, e))
             for part in parts_for(s, pause, {}, recitation, config.audio.sentence_pause_ms, "the text to say")]
    engine = show.engine_factory()
    engine.check()
    spoken = []
    for part in parts:
        text = part.speech
        extra = {}
        if part.recited is not None:
            extra["recited"] = recited_text(part.recited)
        elif show_text and hasattr(engine, "pieces"):
            extra["requests"] = tuple(engine.pieces(text))
        if show_text and part.recited is None and hasattr(engine, "phonemes"):
            extra["phonemes"] = engine.phonemes(text)
        spoken.append(SpokenSegment(text, engine.prepare(text) if show_text and part.recited is None else "", **extra))
    clips = (make_clip(part, lambda: engine) for part in parts)
    rendered = render(clips, [part.pause_ms for part in parts], config.audio,
                      folder=output.parent if output.parent.is_dir() else None,
                      inserted=[part.recited is not None for part in parts])
    tags = EpisodeTags(title=" ".join(sentence.split()[:8]), album=config.title, artist=config.author,
                       track=1, total=1, language=iso639_2(config.language))
    if output.suffix.lower() == ".wav":
        atomic_write(output, _wav(rendered.mp3, config.audio.sample_rate))
    else:
        atomic_write(output, tag_mp3(rendered.mp3, tags))
    return SayReport(output, rendered.duration, engine.identity(), tuple(spoken))


def recited_text(recited) -> str:
    """`9:40 from 009040.mp3 1.20-4.85 s` (a take of a whole recording: `whole`)."""
    takes = ", ".join(f"{Path(t.path).name} " + ("whole" if t.whole else
                                                 f"{t.start_ms / 1000:.2f}-{'end' if t.end_ms < 0 else f'{t.end_ms / 1000:.2f}'} s")
                      for t in recited.takes)
    return f"{recited.reference} from {takes}"


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
