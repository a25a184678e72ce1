"""Build or keep, and why: each episode of the plan against what the manifest says made it.

An episode is rebuilt when it is new, when the hashes of its text, its engine or its settings
differ from those the manifest recorded (the reason names which), when its files are missing, or
when forced; otherwise it is kept. When the audiobook is asked for, an episode whose AAC is not
in the cache is rebuilt too ("no audiobook audio": its MP3 comes out the same). With `only`, the
other episodes are left as they are: kept when up to date, else skipped ("not selected: text
changed"). Deciding reads the output folder but writes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from hijra_audio.audio.aac import AAC_VERSION
from hijra_audio.audio.insert import Recording
from hijra_audio.audio.render import RENDER_VERSION
from hijra_audio.audio.tags import EpisodeTags
from hijra_audio.config import AudioConfig, ShowConfig
from hijra_audio.episodes import Episode, Segment
from hijra_audio.errors import InputError
from hijra_audio.publish import cover
from hijra_audio.publish.manifest import EpisodeEntry, Manifest
from hijra_audio.publish.names import (
    CHAPTERS_SUFFIX,
    MP3_SUFFIX,
    SRT_SUFFIX,
    VTT_SUFFIX,
)
from hijra_audio.rebuild.cache import clip_key
from hijra_audio.rebuild.workers import Part
from hijra_audio.recite import Recitation
from hijra_audio.text.tokens import spoken


@dataclass(frozen=True)
class Decision:
    """What a build does with one episode, and why."""

    episode: Episode
    action: str            # "build", "keep" or "skip" (not selected by --only, and not up to date)
    reason: str            # new, text/engine/recitation/settings changed, file missing, forced, record
                           # recovered (publish.manifest), unchanged; when skipped, "not selected: " and
                           # the reason it would be built
    file: str
    parts: tuple[Part, ...]   # its segments as this build makes them: clip key, pause, both texts
    tags: EpisodeTags
    hashes: dict[str, str]
    aac: str = ""          # its AAC for the audiobook, in the cache (when the audiobook is asked for)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(part.key for part in self.parts)


@dataclass(frozen=True)
class Decisions:
    """The decision for every episode of the plan, in order."""

    items: tuple[Decision, ...]
    warnings: tuple[str, ...] = ()     # what the recitation fell back on (a verse recited whole...)

    def __iter__(self) -> Iterator[Decision]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Decision:
        return self.items[index]

    @property
    def to_build(self) -> list[Decision]:
        return [d for d in self.items if d.action == "build"]


def decide(config: ShowConfig, episodes: tuple[Episode, ...] | list[Episode], manifest: Manifest,
           identity: dict[str, str], *, output: Path, year: str, force: bool = False,
           only: str | None = None, recitation: Recitation | None = None, aac: Path | None = None,
           intro: Recording | None = None, outro: Recording | None = None) -> Decisions:
    """For each episode: build or keep, and why. `identity`: the engine's; `year`: this year, for
    the tags of episodes published for the first time; `recitation`: the reciter's recordings that
    stand in for the voice where a Quran quotation is certain (None: the voice reads them); `aac`:
    the folder of the episodes' AAC for the audiobook, when it is asked for; `intro`, `outro`: the
    recordings every episode opens and ends with (`[audio] intro`, `outro`)."""
    output = Path(output)
    cover_id = cover.cover_id(config)
    engine_hash = _hash(identity)
    selected = select(episodes, only) if only else None
    items = []
    for episode in episodes:
        pauses = tuple(pauses_for(config, episode))
        previous = manifest.episodes.get(episode.key)
        tags = EpisodeTags(title=episode.title, album=config.title, artist=config.author,
                           track=episode.number, total=len(episodes),
                           year=previous.pub_date[:4] if previous else year,
                           language=iso639_2(config.language), comment=config.description, cover_id=cover_id)
        parts = framed(tuple(part for s, pause in zip(episode.segments, pauses)
                             for part in parts_for(s, pause, identity, recitation, config.audio.sentence_pause_ms,
                                                   episode.slug)), intro, outro, config.audio.section_pause_ms)
        hashes = _made_of(config, episode, pauses, tags, parts, engine_hash)
        file = f"{episode.slug}{MP3_SUFFIX}"
        reason = _reason(previous, hashes, file, output, force)
        if reason in ("unchanged", "forced") and not _sidecars_present(output, episode.slug):
            reason = "file missing"
        book = str(aac / aac_name(hashes, config.audiobook.bitrate_kbps)) if aac is not None else ""
        if reason == "unchanged" and book and not Path(book).is_file():
            reason = "no audiobook audio"
        if selected is not None and episode.key != selected.key:
            # Not asked for: kept when it is up to date; else skipped, and says why it would be
            # built. A skipped episode with a file stays in the feed as it was built (its old text
            # with its old audio); one without a file stays out of it.
            if reason in ("unchanged", "forced"):
                action, reason = "keep", "unchanged"
            else:
                action, reason = "skip", f"not selected: {reason}"
        else:
            action = "keep" if reason == "unchanged" else "build"
        items.append(Decision(episode, action, reason, file, parts, tags, hashes, book))
    return Decisions(tuple(items), recitation.notes if recitation is not None else ())


def _made_of(config: ShowConfig, episode: Episode, pauses: tuple[int, ...], tags: EpisodeTags,
             parts: tuple[Part, ...], engine_hash: str) -> dict[str, str]:
    """The hashes of what makes an episode: its text, its engine, its settings (the intro and
    outro by their content, and only when there are some: a show without them keeps its hashes),
    and which recitations stand where."""
    audio = {k: v for k, v in asdict(config.audio).items() if k not in INSERTS}
    audio.update({part.inserted.setting: part.inserted.key for part in parts if part.inserted is not None})
    settings = {"pauses": pauses, "audio": audio, "tags": asdict(tags),
                "render": RENDER_VERSION, "transcript_language": config.language}
    hashes = {
        "text": _hash([[s.speech, s.display, s.starts_section, s.is_heading] for s in episode.segments]),
        "engine": engine_hash,
        "settings": _hash(settings),
        **setting_hashes(settings),
    }
    if any(part.recited is not None for part in parts):
        # which recordings, cut where, between which of the voice's clips: only an episode that
        # recites has it, so another reciter or other timings rebuild only those
        hashes["recitation"] = _hash([[part.key, part.pause_ms] for part in parts])
    return hashes


INSERTS = ("intro", "outro")     # the [audio] keys that name recordings, hashed by their content


def framed(parts: tuple[Part, ...], intro: Recording | None, outro: Recording | None,
           between_ms: int) -> tuple[Part, ...]:
    """An episode's parts after its intro and before its outro, `between_ms` of silence (a
    section's pause) between them and the voice."""
    if intro is not None:
        parts = (Part(intro.key, "", "", False, 0, inserted=intro),
                 *(dataclasses.replace(part, pause_ms=between_ms) if i == 0 else part for i, part in enumerate(parts)))
    if outro is not None:
        parts = (*parts, Part(outro.key, "", "", False, between_ms, inserted=outro))
    return parts


def parts_for(segment: Segment, pause: int, identity: dict[str, str], recitation: Recitation | None,
              between_ms: int, where: str) -> tuple[Part, ...]:
    """The parts a segment is made of: itself, spoken; or, where a reciter recites one of its
    quotations (`recitation.recited`), the voice's words before and after it and the recitation,
    `between_ms` of silence between them (the first after the segment's own `pause`)."""
    recited = [recitation.recited(p.quoted, p.reference, _quotation(p, where)) if p.quoted else None
               for p in segment.pieces] if recitation is not None and not segment.is_heading else []
    if not any(recited):
        return (Part(clip_key(identity, segment.speech), segment.speech, segment.display, segment.is_heading, pause),)
    parts: list[Part] = []
    voice: list = []

    def said():
        if voice:
            speech = spoken(voice)
            parts.append(Part(clip_key(identity, speech), speech, " ".join(p.display for p in voice), False,
                              between_ms if parts else pause))
            voice.clear()

    for piece, recording in zip(segment.pieces, recited):
        if recording is None:
            voice.append(piece)
            continue
        said()
        parts.append(Part(recording.key, piece.speech, piece.display, False, between_ms if parts else pause,
                          recording))
    said()
    return tuple(parts)


def _quotation(piece, where: str) -> str:
    """A quotation as messages name it: `the quotation of 9:40 in episode-003 («إلا تنصروه فقد...»)`."""
    words = piece.display.strip("﴿").split("﴾")[0].split()
    return f"the quotation of {piece.reference} in {where} («{' '.join(words[:4])}{'…' if len(words) > 4 else ''}»)"


def pauses_for(config: ShowConfig, episode: Episode) -> list[int]:
    """The silence before each segment: none before the first, a longer one where a section opens."""
    pauses = []
    for index, segment in enumerate(episode.segments):
        if index == 0:
            pauses.append(0)
        elif segment.starts_section:
            pauses.append(config.audio.section_pause_ms)
        else:
            pauses.append(config.audio.sentence_pause_ms)
    return pauses


def select(episodes, wanted: str) -> Episode:
    """The episode `--only` names: its number, file name or key."""
    for episode in episodes:
        if wanted in (str(episode.number), episode.slug, episode.key, f"{episode.slug}{MP3_SUFFIX}"):
            return episode
    raise InputError(f"--only {wanted}: no such episode. Give a number from 1 to {len(episodes)} "
                     f"or a file name like {episodes[0].slug} (see build --dry-run).")


_ISO639_2 = {"ar": "ara", "en": "eng", "fr": "fra", "de": "deu", "ur": "urd", "tr": "tur", "id": "ind",
             "ms": "msa", "fa": "fas", "es": "spa"}


def iso639_2(language: str) -> str:
    """The ID3 language code (ISO 639-2) of a podcast language like "ar" or "ar-SA"."""
    base = language.split("-")[0].lower()
    return _ISO639_2.get(base, base if len(base) == 3 else "und")


def _reason(previous: EpisodeEntry | None, hashes: dict, file: str, output: Path, force: bool) -> str:
    if previous is None:
        return "new"
    if not previous.hashes:
        return "record recovered"        # from the published feed: its guid and date, not how it was made
    target = output / file
    if previous.file != file or not target.is_file() or target.stat().st_size != previous.bytes:
        return "file missing"
    for part in ("text", "engine", "recitation"):
        if previous.hashes.get(part) != hashes.get(part):
            return f"{part} changed"
    if previous.hashes.get("settings") != hashes["settings"]:
        # a key added or taken away (an intro) is named too; a manifest from before the per-key
        # hashes cannot say which: the bare reason
        keyed = any(k.startswith("settings:") for k in previous.hashes)
        changed = [SETTING_NAMES.get(k, k.removeprefix("settings:")) for k in {**previous.hashes, **hashes}
                   if keyed and k.startswith("settings:") and previous.hashes.get(k) != hashes.get(k)]
        named = [name for name in dict.fromkeys(changed) if name]
        return f"settings changed ({', '.join(named)})" if named else "settings changed"
    return "forced" if force else "unchanged"


# What each setting of an episode is called in podcast.toml (or where it comes from), for the reason.
SETTING_NAMES = {
    "settings:tags.album": "title", "settings:tags.artist": "author", "settings:tags.comment": "description",
    "settings:tags.language": "language", "settings:transcript_language": "language",
    "settings:tags.cover_id": "image", "settings:tags.title": "the episode's title",
    "settings:tags.track": "the episode's number", "settings:tags.total": "the number of episodes",
    "settings:tags.year": "year", "settings:render": "hijra-audio's rendering",
    "settings:pauses": "",     # follow from [audio] sentence_pause_ms and section_pause_ms, named there
    **{f"settings:audio.{name}": f"[audio] {name}" for name in AudioConfig.__dataclass_fields__},
}


def setting_hashes(settings: dict) -> dict[str, str]:
    """A hash of each setting (`settings:audio.bitrate_kbps`, `settings:tags.album`...), recorded
    beside the hash of them all so that a rebuild can name the key that changed."""
    out = {}
    for name, value in settings.items():
        if isinstance(value, dict):
            out.update({f"settings:{name}.{key}": _hash(inner) for key, inner in value.items()})
        else:
            out[f"settings:{name}"] = _hash(value)
    return out


def aac_name(hashes: dict[str, str], bitrate_kbps: int) -> str:
    """The name of an episode's AAC in the cache: a hash of what made its sound (its text, engine
    and settings, as its MP3's) and of how it is encoded."""
    made_of = [hashes["text"], hashes["engine"], hashes["settings"], bitrate_kbps, AAC_VERSION]
    return f"{_hash(made_of)}.m4a"


def _sidecars_present(output: Path, slug: str) -> bool:
    """The transcripts and chapters written beside an episode's MP3 are all there."""
    return all((output / f"{slug}{suffix}").is_file() for suffix in (VTT_SUFFIX, SRT_SUFFIX, CHAPTERS_SUFFIX))


def _hash(value) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
