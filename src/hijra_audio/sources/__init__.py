"""Narration files -> their text, checked before anything is written.

Narration is plain text (`.txt`) or a transcript a speech recognizer wrote: subtitles (`.srt`,
`.vtt`: `subtitles.py`) or Whisper's `.json` and `.tsv` (`whisper.py`). A transcript's cues become
text like a `.txt` file's (`cues.py`: timestamps, cue numbers and markup dropped, a paragraph
where the speaker paused). A folder stands for the narration files in it, in name order, whatever
their format. Each problem is reported with the file (and line, where there is one) and what to
do about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hijra_audio.errors import InputError
from hijra_audio.sources import cues, subtitles, whisper
from hijra_audio.text.tokens import ARABIC_LETTER, ARABIC_SCRIPT, TATWEEL

# Each format's reader: the file's text and name -> its cues (None: plain text, read as it is).
READERS: dict[str, Callable[[str, str], list[cues.Cue]] | None] = {
    ".txt": None,
    ".srt": subtitles.srt_cues,
    ".vtt": subtitles.vtt_cues,
    ".json": whisper.json_cues,
    ".tsv": whisper.tsv_cues,
}
SUFFIXES = tuple(READERS)


@dataclass(frozen=True)
class Narration:
    name: str       # where it came from, as messages name it: the file's path, or "the text to say"
    text: str
    # a transcript's: for each line of `text` with words, the cue each word came from (else empty)
    cues: dict[int, tuple[cues.Cue, ...]] = field(default_factory=dict, compare=False, repr=False)

    def where(self, line: int, word: int) -> str:
        """Where word `word` of line `line` of the text is in the file: `line:word`, or in a
        transcript the line its cue starts on and the cue's time (`40 (00:01:02.500)`)."""
        said = self.cues.get(line)
        if not said:
            return f"{line}:{word}"
        cue = said[min(max(word, 1), len(said)) - 1]
        at = cues.timestamp(cue.start)
        return f"{cue.line} ({at})" if cue.line else at


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; a folder becomes its narration files (any of SUFFIXES) in name order. Two
    files of a folder with one name in two formats (Whisper writes lecture.txt, .srt, .vtt, .tsv
    and .json side by side) would be the same narration twice: refused."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file())
            if not found:
                raise InputError(f"{path}: the folder has no narration files ({', '.join(SUFFIXES)}). "
                                 f"Put the narration in UTF-8 files there, or name the files.")
            _refuse_twins(path, found)
            files.extend(found)
        else:
            files.append(path)
    return files


def _refuse_twins(folder: Path, files: list[Path]) -> None:
    by_stem: dict[str, list[Path]] = {}
    for file in files:
        by_stem.setdefault(file.stem, []).append(file)
    twins = next((same for same in by_stem.values() if len(same) > 1), None)
    if twins:
        names = ", ".join(p.name for p in twins)
        raise InputError(f"{folder}: {names}: one narration in {len(twins)} formats (Whisper writes one of each). "
                         f"Keep one of them in the folder (.json or .vtt keep the pauses), or name the file.")


def read_narration(path: Path) -> Narration:
    """The narration of one file, in any of the formats (by its suffix), checked."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file. Check the path, or leave out FILE to build the bundled lecture.")
    if not path.is_file():
        raise InputError(f"{path}: not a file. Give a narration file ({', '.join(SUFFIXES)}) or a folder of them.")
    text = _decoded(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        return checked(Narration(str(path), text), what="the file")
    text, said = cues.paragraphs(cues.without_rolling_repeats(reader(text.replace("\r\n", "\n"), str(path))))
    return checked(Narration(str(path), text, said), what="the file")


def _decoded(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(f"{path}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}). "
                         f"Save the file as UTF-8, e.g. iconv -f WINDOWS-1256 -t UTF-8.") from None


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
