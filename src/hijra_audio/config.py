"""The show's settings (`podcast.toml`) as frozen dataclasses, with defaults.

Each table of the file maps onto one dataclass; unknown keys and wrong types are refused with
the file, the key and what is expected, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tomllib
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from hijra_audio.engines import EngineConfig
from hijra_audio.errors import ConfigError

BUNDLED_CONFIG = "podcast.toml"
MONO_LUFS, STEREO_LUFS = -19.0, -16.0    # the podcast loudness norm (AES TD1008) by channel layout


@dataclass(frozen=True)
class AudioConfig:
    sample_rate: int = 44100
    sentence_pause_ms: int = 450
    section_pause_ms: int = 1200
    bitrate_kbps: int = 64
    # 1: mono; 2: stereo, the same voice on both sides (for hosts or players that ask for stereo).
    channels: int = 1
    # Integrated loudness of each whole episode (ITU-R BS.1770), measured as the file is laid out:
    # -19 LUFS is the podcast norm for mono files, -16 for stereo (AES TD1008: a mono file plays on
    # both speakers). When a podcast.toml sets channels = 2 and no loudness_lufs, it is -16.
    loudness_lufs: float = -19.0
    true_peak_dbtp: float = -1.0        # ceiling for the true peak (4x oversampled)
    trim_silence_db: float = -50.0      # each clip's leading/trailing audio below this is cut; 0: keep it
    lame_quality: int = 5               # LAME's -q: 0 (slowest) .. 9; see benchmarks/quality/lame_quality.py
    # A recording each episode opens with, and one it ends with (relative to podcast.toml's folder;
    # any format miniaudio decodes), brought to the voice's loudness (audio/insert.py). "": none.
    intro: str = ""
    outro: str = ""


@dataclass(frozen=True)
class OwnerConfig:
    """`[owner]`: who podcast directories contact about the show (itunes:owner)."""
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class ClusterConfig:
    """`[cluster]`: build on a Dask cluster instead of this machine's cores (rebuild/cluster.py)."""
    scheduler: str = ""          # tcp://HOST:8786 or tls://HOST:8786; empty: build here
    scheduler_file: str = ""     # a Dask scheduler file, relative to the config file


@dataclass(frozen=True)
class QuranConfig:
    """`[quran]`: who recites the Quran quotations (recite/, docs/recitation.md)."""
    recitation: str = ""          # a reciter's folder (relative to the config file); "voice"; "": not set
    recitation_credit: str = ""   # required with a folder: the show notes and the feed carry it
    recitation_timing: str = ""   # word timings of the recordings (cpfair/quran-align JSON)
    recite_formulas: bool = False  # the basmala, the hamdala ... recited too (else said by the voice)

    @property
    def recited(self) -> bool:
        """A reciter's recordings are configured (not the voice)."""
        return self.recitation not in ("", VOICE)


VOICE = "voice"


@dataclass(frozen=True)
class AudiobookConfig:
    """`[audiobook]`: the show as one audiobook file, `OUTPUT/NAME.m4b` (publish/audiobook.py)."""
    write: bool = False          # every build writes it (build --audiobook: this build)
    name: str = ""               # the file's name without .m4b; empty: the show's title
    bitrate_kbps: int = 64       # AAC-LC
    parts: int = 1               # files of about equal length, split between episodes
    parts_by_section: bool = False   # a file per top-level section (`# `) instead


SHOW_TYPES = ("episodic", "serial")
SHOW_NOTES = ("short", "full")      # what each feed item carries of its episode's text (publish/notes.py)
REQUIRED = ("title",)      # never blank: a feed without a title is refused by apps (and by feedgen)


@dataclass(frozen=True)
class ShowConfig:
    title: str = "بودكاست"
    author: str = ""
    description: str = ""
    language: str = "ar"
    base_url: str = "http://127.0.0.1:8000/"
    link: str = ""
    image: str = ""
    narration: tuple[str, ...] = ()
    episode_minutes: float = 10.0
    words_per_minute: float = 120.0
    max_segment_chars: int = 160
    # Titles made from an episode's opening words start `الحلقة N: ` (Apple asks for no episode
    # numbers in titles: itunes:episode carries them). Headings are titles as they are.
    numbered_titles: bool = False
    audio: AudioConfig = field(default_factory=AudioConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    subtitle: str = ""
    copyright: str = ""
    category: str = "Religion & Spirituality"   # an Apple Podcasts category...
    subcategory: str = "Islam"                  # ...and one of its subcategories ("" for none)
    explicit: bool = False
    type: str = "serial"                        # "serial": play in order; "episodic": newest first
    show_notes: str = "short"                   # "short": opening, headings, links; "full": the whole text
    complete: bool = False                      # no more episodes will come (itunes:complete)
    seasons: bool = False                       # a season per top-level section (`# ` heading)
    locked: bool = True                         # podcast:locked: other hosts may not import the feed
    guid: str = ""                              # podcast:guid; empty: derived from the feed URL
    owner: OwnerConfig = field(default_factory=OwnerConfig)
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    quran: QuranConfig = field(default_factory=QuranConfig)
    audiobook: AudiobookConfig = field(default_factory=AudiobookConfig)
    # Where the file was read from; relative paths in it (narration, image) resolve against this.
    root: str = ""
    lexicon: str = ""    # the user's lexicon file (text/lexicon.py), relative to the config file
    cache_dir: str = ""  # where the clip and plan caches live, relative to the config file
                         # (empty: .hijra-audio/cache beside it; see rebuild/location.py)

    def cache_dir_path(self) -> Path | None:
        return Path(self.root) / self.cache_dir if self.cache_dir else None

    @property
    def site_link(self) -> str:
        return self.link or self.base_url

    def narration_paths(self) -> list[Path]:
        return [Path(self.root) / name for name in self.narration]

    def lexicon_path(self) -> Path | None:
        return Path(self.root) / self.lexicon if self.lexicon else None

    def with_overrides(self, **changes) -> "ShowConfig":
        """A copy with the given fields replaced; `engine_name=`, `engine_voice=`, `engine_rate=`
        replace the engine's (a new engine name drops the config's voice, meant for the other one)."""
        engine_name = changes.pop("engine_name", None)
        engine_voice = changes.pop("engine_voice", None)
        engine_rate = changes.pop("engine_rate", None)
        cfg = dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})
        if engine_name and engine_name != cfg.engine.name:
            # A voice names something different for each engine: the config's is not carried over.
            cfg = dataclasses.replace(cfg, engine=dataclasses.replace(cfg.engine, name=engine_name, voice=""))
        if engine_voice is not None:
            cfg = dataclasses.replace(cfg, engine=dataclasses.replace(cfg.engine, voice=engine_voice))
        if engine_rate is not None:
            cfg = dataclasses.replace(cfg, engine=dataclasses.replace(cfg.engine, rate=engine_rate))
        if changes.get("base_url"):
            cfg = dataclasses.replace(cfg, base_url=_check_url(cfg.base_url, "--base-url"))
        return cfg


def bundled_config_path() -> Path:
    return Path(str(resources.files("hijra_audio") / "data" / BUNDLED_CONFIG))


@dataclass(frozen=True)
class Discovered:
    """Which podcast.toml a command uses, and how it was found."""

    path: Path | None     # None: no config of the user's (the bundled show, or defaults for narration)
    how: str              # "given" (-c), "found" (./podcast.toml), "none" (no config here)


def discover(given: Path | None = None, folder: Path | None = None) -> Discovered:
    """The one rule every command follows: `-c FILE` when given (it must exist), else
    `podcast.toml` in `folder` (default: the current folder) when it exists, else none."""
    if given is not None:
        given = Path(given)
        if not given.is_file():
            raise ConfigError(_missing_config(given))
        return Discovered(given, "given")
    here = Path(folder if folder is not None else Path.cwd()) / BUNDLED_CONFIG
    if here.is_file():
        return Discovered(Path(BUNDLED_CONFIG) if folder is None else here, "found")
    return Discovered(None, "none")


def _missing_config(path: Path) -> str:
    if path.exists():
        return f"{path}: not a file. Give the show's podcast.toml with -c."
    return (f"{path}: no such config file. Start one with `hijra-audio init {path.parent}` "
            f"(it writes {path.parent / BUNDLED_CONFIG}), or leave out -c to use ./podcast.toml or the bundled show.")


def is_bundled(config: ShowConfig) -> bool:
    """The bundled show (the Hijra lecture), not one of the user's."""
    return bool(config.root) and Path(config.root) == bundled_config_path().parent.resolve()


def load_config(path: Path | None = None) -> ShowConfig:
    """Read `path` (the bundled show's file when None) into a ShowConfig."""
    path = Path(path) if path is not None else bundled_config_path()
    if not path.is_file():
        raise ConfigError(_missing_config(path))
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text. Save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}). Fix the line it names.") from None
    cfg = _build(ShowConfig, table, str(path), skip={"root"})
    audio_table = table.get("audio") if isinstance(table.get("audio"), dict) else {}
    if cfg.audio.channels == 2 and "loudness_lufs" not in audio_table:
        cfg = dataclasses.replace(cfg, audio=dataclasses.replace(cfg.audio, loudness_lufs=STEREO_LUFS))
    for required in REQUIRED:
        if required in table and not str(table[required]).strip():
            raise ConfigError(f"{path}: {required} is empty; the feed, the page and the tags need it. "
                              f"Write it as {required} = \"...\" near the top of the file.")
    if "title" not in table:     # like a show without a config: titled after its folder
        cfg = dataclasses.replace(cfg, title=path.resolve().parent.name or cfg.title)
    cfg = dataclasses.replace(cfg, root=str(path.parent.resolve()),
                              base_url=_check_url(cfg.base_url, f"{path}: base_url"))
    if cfg.episode_minutes <= 0:
        raise ConfigError(f"{path}: episode_minutes must be above 0 (it is {cfg.episode_minutes}).")
    if cfg.max_segment_chars < 40:
        raise ConfigError(f"{path}: max_segment_chars must be at least 40.")
    if cfg.type not in SHOW_TYPES:
        raise ConfigError(f"{path}: type must be \"serial\" or \"episodic\" (it is {cfg.type!r}).")
    if cfg.show_notes not in SHOW_NOTES:
        raise ConfigError(f"{path}: show_notes must be \"short\" (an opening, the section headings and links "
                          f"to the whole text) or \"full\" (the whole text) (it is {cfg.show_notes!r}).")
    _check_audio(cfg.audio, path)
    check_quran(cfg.quran, str(path))
    _check_audiobook(cfg.audiobook, path)
    return cfg


def check_quran(quran: QuranConfig, where: str) -> None:
    """A reciter's recordings need their credit (the feed and the show notes name the reciter)."""
    if quran.recited and not quran.recitation_credit.strip():
        raise ConfigError(f"{where}: [quran] recitation names a reciter's recordings but recitation_credit is "
                          f"empty. Say whose recitation it is (and by whose permission), e.g. recitation_credit = "
                          f"\"التلاوة: الشيخ ... (بإذن ...)\", or pass --recitation-credit.")


def save_keys(path: Path, values: dict[str, str]) -> None:
    """Set top-level text keys of the podcast.toml at `path`, keeping its comments and layout: the
    key's line is replaced, or a missing key is added before the first [table]. The file must load
    before and after."""
    path = Path(path)
    load_config(path)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    first_table = next((i for i, line in enumerate(lines) if re.match(r"\s*\[", line)), len(lines))
    insert_at = first_table
    while insert_at > 0 and lines[insert_at - 1].lstrip().startswith("#"):   # above the table's comment
        insert_at -= 1
    for key, value in values.items():
        if key not in {f.name for f in dataclasses.fields(ShowConfig)}:
            raise ConfigError(f"{key}: not a podcast.toml key.")
        line = f"{key} = {json.dumps(value, ensure_ascii=False)}\n"
        at = next((i for i, old in enumerate(lines[:first_table]) if re.match(rf"{key}\s*=", old)), None)
        if at is None:
            lines.insert(insert_at, line)
            insert_at += 1
            first_table += 1
        else:
            lines[at] = line
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text("".join(lines), encoding="utf-8")
    try:
        load_config(temporary)
    except ConfigError:
        temporary.unlink(missing_ok=True)
        raise
    os.replace(temporary, path)


def _check_audio(audio: AudioConfig, path: Path) -> None:
    """MP3 (MPEG-1 layer III) rates and bitrates, and a loudness target podcast apps can play."""
    if audio.sample_rate not in (32000, 44100, 48000):
        raise ConfigError(f"{path} [audio]: sample_rate {audio.sample_rate} is not an MP3 rate; use 44100.")
    if audio.bitrate_kbps not in (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320):
        raise ConfigError(f"{path} [audio]: bitrate_kbps {audio.bitrate_kbps} is not an MP3 bitrate; "
                          f"use one of 32, 48, 64, 96, 128 (64 suits speech).")
    if audio.channels not in (1, 2):
        raise ConfigError(f"{path} [audio]: channels {audio.channels} is not 1 (mono) or 2 (stereo); "
                          f"use 1: speech needs no more.")
    if not -40 <= audio.loudness_lufs <= -5:
        raise ConfigError(f"{path} [audio]: loudness_lufs {audio.loudness_lufs} is out of range; "
                          f"use -19 (mono podcasts) or a value from -40 to -5.")
    if not -9 <= audio.true_peak_dbtp <= 0:
        raise ConfigError(f"{path} [audio]: true_peak_dbtp {audio.true_peak_dbtp} is out of range; "
                          f"use -1 or a value from -9 to 0.")
    if not (isinstance(audio.lame_quality, int) and 0 <= audio.lame_quality <= 9):
        raise ConfigError(f"{path} [audio]: lame_quality {audio.lame_quality} is out of range; "
                          f"use 5, or an integer from 0 (slowest) to 9.")
    if audio.trim_silence_db > 0 or audio.trim_silence_db < -90:
        raise ConfigError(f"{path} [audio]: trim_silence_db {audio.trim_silence_db} is out of range; "
                          f"use -50, or 0 to keep each clip's silence.")


def _check_audiobook(book: AudiobookConfig, path: Path) -> None:
    if not 24 <= book.bitrate_kbps <= 320:
        raise ConfigError(f"{path} [audiobook]: bitrate_kbps {book.bitrate_kbps} is out of range; "
                          f"use 64 (speech), or a value from 24 to 320.")
    if book.parts < 1:
        raise ConfigError(f"{path} [audiobook]: parts must be 1 or more (it is {book.parts}).")
    if any(c in book.name for c in '/\\\0') or book.name.strip() in (".", ".."):
        raise ConfigError(f"{path} [audiobook]: name {book.name!r} is a file name, not a path: "
                          f"leave out the folders (the file is written into the output folder).")


def _check_url(url: str, where: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{where}: {url!r} is not an http(s) URL. "
                          f"Give the address the podcast will be served from, like https://example.org/podcast/.")
    return url if url.endswith("/") else url + "/"


def _build(cls, table: dict, where: str, skip: frozenset | set = frozenset()):
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in skip}
    unknown = sorted(set(table) - set(fields))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}. "
                          f"Known keys here: {', '.join(fields)}.")
    values = {}
    for name, value in table.items():
        hint = hints[name]
        if dataclasses.is_dataclass(hint):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: [{name}] must be a table.")
            values[name] = _build(hint, value, f"{where} [{name}]")
        else:
            values[name] = _coerce(value, hint, f"{where}: {name}")
    return cls(**values)


def _coerce(value, hint, where: str):
    if hint is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if hint in (int, str, bool) and type(value) is hint:
        return value
    if typing.get_origin(hint) is tuple and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    expected = {float: "a number", int: "a whole number", str: "a string", bool: "true or false"}.get(
        hint, "a list of strings")
    raise ConfigError(f"{where} must be {expected}, not {value!r}.")
