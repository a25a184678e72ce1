"""Narration files -> their text, checked before anything is written.

A folder stands for the `.txt` files in it, in name order. Each problem is reported with the
file (and line, where there is one) and what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hijra_audio.errors import InputError
from hijra_audio.text.tokens import ARABIC_LETTER, ARABIC_SCRIPT, TATWEEL


@dataclass(frozen=True)
class Narration:
    name: str       # where it came from, as messages name it: the file's path, or "the text to say"
    text: str


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; a folder becomes its `.txt` files in name order."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix == ".txt" and p.is_file())
            if not found:
                raise InputError(f"{path}: the folder has no .txt narration files. "
                                 f"Put the narration in UTF-8 .txt files there, or name the files.")
            files.extend(found)
        else:
            files.append(path)
    return files


def read_narration(path: Path) -> Narration:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file. Check the path, or leave out FILE to build the bundled lecture.")
    if not path.is_file():
        raise InputError(f"{path}: not a file. Give a UTF-8 text file or a folder of them.")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}). "
                         f"Save the file as UTF-8, e.g. iconv -f WINDOWS-1256 -t UTF-8.") from None
    return checked(Narration(str(path), text), what="the file")


def checked(narration: Narration, what: str = "the text") -> Narration:
    """`narration`, refused when it is empty or has no Arabic letters (`what` it is, for the message)."""
    if not narration.text.strip():
        raise InputError(f"{narration.name}: {what} is empty. Put the narration text in it.")
    if not ARABIC_LETTER.search(narration.text) and not any(
            c.isalpha() and c != TATWEEL for c in ARABIC_SCRIPT.findall(narration.text)):   # a PDF's letter shapes
        raise InputError(f"{narration.name}: no Arabic letters found. hijra-audio reads Arabic narration; "
                         f"check that this is the right {'file' if what == 'the file' else 'text'}.")
    return narration


def read_all(paths: list[Path]) -> list[Narration]:
    return [read_narration(p) for p in expand(paths)]
