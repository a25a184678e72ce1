"""Piper's voices: the collection's index, and the voices downloaded into the user's data folder
(`hijra-audio voices`).

The collection (rhasspy/piper-voices on Hugging Face) lists its voices in `voices.json`: per
voice its language, quality, speakers and files, each with `size_bytes` and `md5_digest`.
`HIJRA_AUDIO_VOICES_URL` points at a mirror of its `resolve/main/` folder (the tests' local
server). A voice is downloaded into `FOLDER/NAME/` (FOLDER: `HIJRA_AUDIO_VOICES_DIR`, else the
user's data folder): its `.onnx`, `.onnx.json`, `MODEL_CARD`, and its entry of the index
(`index-entry.json`, so the voice is listed offline too). The files are fetched into
`FOLDER/.NAME.partial/`, each checked against the index's size and MD5, and the folder is moved
into place only when all are whole: an interrupted download leaves nothing a build could pick
up, and the next one resumes it (HTTP ranges) or starts the file again.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from hijra_audio.engines import fetch
from hijra_audio.errors import DownloadError
from hijra_audio.files import exclusive

COLLECTION_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/main/"
URL_ENV = "HIJRA_AUDIO_VOICES_URL"
DIR_ENV = "HIJRA_AUDIO_VOICES_DIR"
INDEX_NAME = "voices.json"
ENTRY_NAME = "index-entry.json"        # the voice's entry of the index, kept beside its files
CARD_NAME = "MODEL_CARD"
ARABIC = "ar"
CARDS_LISTED = 12                      # a listing this short fetches the model cards (licences) too
HINT = f", or set {URL_ENV} to a mirror of the collection"

Progress = Callable[[str, int, int], None]   # (file name, bytes done, bytes in all) of a download


@dataclass(frozen=True)
class VoiceFile:
    path: str          # in the collection, e.g. ar/ar_JO/kareem/medium/ar_JO-kareem-medium.onnx
    size: int
    md5: str

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Voice:
    """A voice of the index: `ar_JO-kareem-medium`."""

    name: str
    language: str       # ar_JO
    family: str         # ar
    language_name: str  # Arabic (Jordan)
    quality: str
    speakers: int
    files: tuple[VoiceFile, ...]
    aliases: tuple[str, ...] = ()
    entry: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)   # as the index has it

    @property
    def size(self) -> int:
        return sum(f.size for f in self.files)

    @classmethod
    def from_entry(cls, name: str, entry: dict) -> "Voice":
        language = entry.get("language") or {}
        files = tuple(VoiceFile(str(path), int(info["size_bytes"]), str(info["md5_digest"]).lower())
                      for path, info in (entry.get("files") or {}).items())
        if not any(f.name.endswith(".onnx") for f in files):
            raise ValueError(f"{name}: no .onnx file")
        country = language.get("country_english", "")
        return cls(name=name, language=str(language.get("code", "")), family=str(language.get("family", "")),
                   language_name=str(language.get("name_english", "")) + (f" ({country})" if country else ""),
                   quality=str(entry.get("quality", "")), speakers=int(entry.get("num_speakers", 1)),
                   files=files, aliases=tuple(entry.get("aliases") or ()), entry=entry)


@dataclass(frozen=True)
class Licence:
    """What a voice's model card says of its licence: `text` ("CC BY 4.0"), the data's `url`, and
    whether the licence asks for credit (Creative Commons BY licences)."""

    text: str = ""
    url: str = ""

    @property
    def asks_credit(self) -> bool:
        return bool(re.search(r"\bCC[- ]?BY\b|\battribution\b", self.text, re.IGNORECASE))


# --- where things are ------------------------------------------------------------------------------

def collection_url() -> str:
    """The collection's `resolve/main/` folder: HIJRA_AUDIO_VOICES_URL, else Hugging Face's."""
    url = os.environ.get(URL_ENV, "").strip() or COLLECTION_URL
    return url if url.endswith("/") else url + "/"


def voices_dir(folder: Path | str | None = None) -> Path:
    """Where voices are downloaded: `folder`, else HIJRA_AUDIO_VOICES_DIR, else `voices` in the
    user's data folder (~/.local/share/hijra-audio/voices on Linux)."""
    if folder:
        return Path(folder).expanduser()
    if os.environ.get(DIR_ENV, "").strip():
        return Path(os.environ[DIR_ENV].strip()).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("hijra-audio", appauthor=False)) / "voices"


def is_name(voice: str) -> bool:
    """A voice given by name (`ar_JO-kareem-medium`), not by the path of its .onnx file."""
    return bool(voice) and not voice.endswith(".onnx") and "/" not in voice and os.sep not in voice \
        and not voice.startswith((".", "~"))


def model_path(name: str, folder: Path | str | None = None) -> Path:
    """Where the .onnx file of voice `name` is once downloaded (it may not be)."""
    return voices_dir(folder) / name / f"{name}.onnx"


def downloaded(folder: Path | str | None = None) -> dict[str, Path]:
    """The voices downloaded into the folder: name -> its folder."""
    root = voices_dir(folder)
    if not root.is_dir():
        return {}
    return {p.name: p for p in sorted(root.iterdir())
            if p.is_dir() and not p.name.startswith(".") and (p / f"{p.name}.onnx").is_file()}


def kept_entry(voice_folder: Path) -> Voice | None:
    """The index entry a downloaded voice was fetched with, when readable."""
    try:
        return Voice.from_entry(voice_folder.name, json.loads((voice_folder / ENTRY_NAME).read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def licence(voice_folder: Path) -> Licence:
    """The licence its MODEL_CARD names (`* License: ...`), and its data's URL; empty without one."""
    try:
        card = (Path(voice_folder) / CARD_NAME).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return Licence()
    return parse_card(card)


def parse_card(card: str) -> Licence:
    def field(name: str) -> str:
        found = re.findall(rf"^\s*[*-]?\s*{name}\s*:\s*(.+?)\s*$", card, re.IGNORECASE | re.MULTILINE)
        return "; ".join(dict.fromkeys(found))

    return Licence(field("licen[cs]e"), field("url"))


# --- the index -------------------------------------------------------------------------------------

def fetch_index() -> dict[str, Voice]:
    """Every voice of the collection's index, by name."""
    url = collection_url() + INDEX_NAME
    response = fetch.get(url, hint=HINT)
    try:
        return {name: Voice.from_entry(name, entry) for name, entry in response.json().items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DownloadError(f"{url} is not a voices.json index of Piper voices ({exc}). "
                            f"Check {URL_ENV}, or unset it to use the collection on Hugging Face.") from None
    finally:
        response.close()


def lookup(index: dict[str, Voice], name: str) -> Voice:
    """The voice `name` (or an alias of it) in the index; else an error with the closest names."""
    if name in index:
        return index[name]
    for voice in index.values():
        if name in voice.aliases:
            return voice
    close = difflib.get_close_matches(name, list(index), n=3, cutoff=0.6)
    hint = f"Did you mean {' or '.join(close)}? " if close else ""
    raise DownloadError(f"no voice {name!r} in the collection's index. {hint}"
                        f"`hijra-audio voices` lists the Arabic voices, `hijra-audio voices --all` every one.")


@dataclass(frozen=True)
class Listed:
    voice: Voice
    folder: Path | None         # where it is downloaded; None: it is not
    licence: Licence | None     # None: unknown (not downloaded, its model card not fetched)


@dataclass(frozen=True)
class Listing:
    voices: tuple[Listed, ...]
    index: str                  # the index's URL
    offline: str = ""           # why the index could not be read: the voices are the downloaded ones


def listing(everything: bool = False, folder: Path | str | None = None) -> Listing:
    """The Arabic voices of the index (every one with `everything`), and whether each is
    downloaded into `folder`; a short list has the licences of the voices not downloaded too,
    from their model cards. Offline, the downloaded voices, from the entries kept with them."""
    have = downloaded(folder)
    url = collection_url() + INDEX_NAME
    try:
        index, why = fetch_index(), ""
    except DownloadError as exc:
        if not have:
            raise
        index, why = {}, str(exc)
    for name, where in have.items():
        if name not in index and (kept := kept_entry(where)) is not None:
            index[name] = kept
    chosen = sorted((v for v in index.values() if everything or v.family == ARABIC), key=lambda v: v.name)
    cards = len(chosen) <= CARDS_LISTED and not why
    rows = tuple(Listed(v, have.get(v.name), licence(have[v.name]) if v.name in have
                        else _card_licence(v) if cards else None) for v in chosen)
    return Listing(rows, url, why)


def _card_licence(voice: Voice) -> Licence | None:
    card = next((f for f in voice.files if f.name == CARD_NAME), None)
    if card is None:
        return Licence()
    try:
        response = fetch.get(collection_url() + card.path, hint=HINT)
        try:
            return parse_card(response.content[:65536].decode("utf-8", errors="replace"))
        finally:
            response.close()
    except (DownloadError, OSError):
        return None


# --- downloading -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Downloaded:
    model: Path                 # the voice's .onnx file
    fetched: bool               # False: it was there already, whole
    licence: Licence


def download(name: str, folder: Path | str | None = None, progress: Progress | None = None) -> Downloaded:
    """Fetch voice `name`'s files (as the index lists them) into FOLDER/NAME/, each checked
    against the index's size and MD5; an older copy is replaced only once all are whole."""
    voice = lookup(fetch_index(), name)
    root = voices_dir(folder)
    root.mkdir(parents=True, exist_ok=True)
    target, stage = root / voice.name, root / f".{voice.name}.partial"
    with _locked(root / f".{voice.name}.lock", voice.name):
        if _whole(voice, target):
            return Downloaded(model_path(voice.name, root), False, licence(target))
        stage.mkdir(exist_ok=True)
        done = 0
        for item in voice.files:
            def report(got: int, item=item, base=done) -> None:
                if progress is not None:
                    progress(item.name, base + got, voice.size)

            fetch.fetch_checked(collection_url() + item.path, stage / item.name, item.size, item.md5,
                                report, hint=HINT)
            done += item.size
        (stage / ENTRY_NAME).write_text(json.dumps(voice.entry, indent=1, ensure_ascii=False), encoding="utf-8")
        _move_into_place(stage, target)
    return Downloaded(model_path(voice.name, root), True, licence(target))


def _whole(voice: Voice, target: Path) -> bool:
    """Every file of `voice` is in `target` at the index's size and MD5."""
    files = [(target / f.name, f) for f in voice.files]
    return all(path.is_file() and path.stat().st_size == f.size for path, f in files) and \
        all(fetch.md5sum(path) == f.md5 for path, f in files)


def remove(name: str, folder: Path | str | None = None) -> Path:
    """Delete downloaded voice `name` (and any unfinished download of it); returns its folder."""
    root = voices_dir(folder)
    target, partial = root / name, root / f".{name}.partial"
    if not target.is_dir() and not partial.is_dir():
        have = ", ".join(downloaded(root)) or "none"
        raise DownloadError(f"voice {name!r} is not downloaded in {root} (downloaded: {have}).")
    with _locked(root / f".{name}.lock", name):
        shutil.rmtree(target, ignore_errors=True)
        shutil.rmtree(partial, ignore_errors=True)
    (root / f".{name}.lock").unlink(missing_ok=True)
    return target


def _move_into_place(stage: Path, target: Path) -> None:
    """The whole downloaded folder replaces an older copy at once (a rename each)."""
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    os.replace(stage, target)
    shutil.rmtree(old, ignore_errors=True)


def _locked(path: Path, name: str):
    return exclusive(path, lambda: DownloadError(f"another hijra-audio is downloading or removing voice {name} in "
                                                 f"{path.parent}; wait for it to finish."))
