"""The show's settings (`podcast.toml`) as frozen dataclasses, with defaults.

Each table of the file maps onto one dataclass; unknown keys and wrong types are refused with
the file, the key and what is expected, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import tomllib
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from hijra_audio.errors import ConfigError

BUNDLED_CONFIG = "podcast.toml"


@dataclass(frozen=True)
class AudioConfig:
    sample_rate: int = 44100
    sentence_pause_ms: int = 450
    section_pause_ms: int = 1200
    bitrate_kbps: int = 64
    loudness_lufs: float = -16.0        # integrated loudness of each whole episode (ITU-R BS.1770)
    true_peak_dbtp: float = -1.0        # ceiling for the true peak (4x oversampled)
    trim_silence_db: float = -50.0      # each clip's leading/trailing audio below this is cut; 0: keep it


@dataclass(frozen=True)
class EngineConfig:
    name: str = "espeak"
    voice: str = ""
    rate: int = 0
    pitch: int = 0
    speed: float = 1.0                 # piper: 1.2 speaks 20% faster
    speaker: str = ""                  # piper: speaker name or number of a multi-speaker voice
    tld: str = "com"                   # gtts: translate.google.<tld>
    timeout: float = 10.0              # gtts: seconds to wait for each request
    retries: int = 3                   # gtts: retries after 429, 5xx or a connection error
    requests_per_second: float = 2.0   # gtts: rate limit shared by all workers (0: none)


@dataclass(frozen=True)
class OwnerConfig:
    """`[owner]`: who podcast directories contact about the show (itunes:owner)."""
    name: str = ""
    email: str = ""


SHOW_TYPES = ("episodic", "serial")


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
    audio: AudioConfig = field(default_factory=AudioConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    subtitle: str = ""
    copyright: str = ""
    category: str = "Religion & Spirituality"   # an Apple Podcasts category...
    subcategory: str = "Islam"                  # ...and one of its subcategories ("" for none)
    explicit: bool = False
    type: str = "serial"                        # "serial": play in order; "episodic": newest first
    locked: bool = True                         # podcast:locked: other hosts may not import the feed
    guid: str = ""                              # podcast:guid; empty: derived from the feed URL
    owner: OwnerConfig = field(default_factory=OwnerConfig)
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


def load_config(path: Path | None = None) -> ShowConfig:
    """Read `path` (the bundled show's file when None) into a ShowConfig."""
    path = Path(path) if path is not None else bundled_config_path()
    if not path.is_file():
        raise ConfigError(f"{path}: no such config file. Write one with the fields in the README, "
                          f"or leave out -c to build the bundled show.")
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text. Save it as UTF-8.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}). Fix the line it names.") from None
    cfg = _build(ShowConfig, table, str(path), skip={"root"})
    cfg = dataclasses.replace(cfg, root=str(path.parent.resolve()),
                              base_url=_check_url(cfg.base_url, f"{path}: base_url"))
    if cfg.episode_minutes <= 0:
        raise ConfigError(f"{path}: episode_minutes must be above 0 (it is {cfg.episode_minutes}).")
    if cfg.max_segment_chars < 40:
        raise ConfigError(f"{path}: max_segment_chars must be at least 40.")
    if cfg.type not in SHOW_TYPES:
        raise ConfigError(f"{path}: type must be \"serial\" or \"episodic\" (it is {cfg.type!r}).")
    _check_audio(cfg.audio, path)
    return cfg


def _check_audio(audio: AudioConfig, path: Path) -> None:
    """MP3 (MPEG-1 layer III) rates and bitrates, and a loudness target podcast apps can play."""
    if audio.sample_rate not in (32000, 44100, 48000):
        raise ConfigError(f"{path} [audio]: sample_rate {audio.sample_rate} is not an MP3 rate; use 44100.")
    if audio.bitrate_kbps not in (32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320):
        raise ConfigError(f"{path} [audio]: bitrate_kbps {audio.bitrate_kbps} is not an MP3 bitrate; "
                          f"use one of 32, 48, 64, 96, 128 (64 suits speech).")
    if not -40 <= audio.loudness_lufs <= -5:
        raise ConfigError(f"{path} [audio]: loudness_lufs {audio.loudness_lufs} is out of range; "
                          f"use -16 (podcasts) or a value from -40 to -5.")
    if not -9 <= audio.true_peak_dbtp <= 0:
        raise ConfigError(f"{path} [audio]: true_peak_dbtp {audio.true_peak_dbtp} is out of range; "
                          f"use -1 or a value from -9 to 0.")
    if audio.trim_silence_db > 0 or audio.trim_silence_db < -90:
        raise ConfigError(f"{path} [audio]: trim_silence_db {audio.trim_silence_db} is out of range; "
                          f"use -50, or 0 to keep each clip's silence.")


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
