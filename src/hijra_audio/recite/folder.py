"""A reciter's recordings as the user supplies them: a folder in the EveryAyah layout, one file per
verse named by its sura and verse in three digits each (`008030.mp3` is 8:30), in any format
miniaudio decodes (MP3, WAV, FLAC, Ogg Vorbis). The folder is never shipped nor fetched: the
recordings carry no open licence, so the user brings them (docs/recitation.md).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from hijra_audio.errors import RecitationError

SUFFIXES = (".mp3", ".wav", ".flac", ".ogg")
_NAME = re.compile(r"^(\d{3})(\d{3})(\.[A-Za-z0-9]+)$")


def verse_name(verse: tuple[int, int], suffix: str = ".mp3") -> str:
    """`(8, 30)` -> `008030.mp3`."""
    return f"{verse[0]:03d}{verse[1]:03d}{suffix}"


class Reciter:
    """The verse files of a folder, found once; their content hashes, read once each."""

    def __init__(self, folder: Path | str):
        self.folder = Path(folder)
        if not self.folder.is_dir():
            raise RecitationError(f"{self.folder}: no such folder of recordings. Give a reciter's folder in the "
                                  f"EveryAyah layout (one file per verse: 001001.mp3, 001002.mp3 ...) with "
                                  f"--recitation or [quran] recitation in podcast.toml.")
        self.files: dict[tuple[int, int], Path] = {}
        for path in sorted(self.folder.iterdir()):
            found = _NAME.match(path.name)
            if found and found.group(3).lower() in SUFFIXES and path.is_file():
                self.files.setdefault((int(found.group(1)), int(found.group(2))), path)
        if not self.files:
            raise RecitationError(f"{self.folder}: no verse recordings in this folder: the EveryAyah layout names "
                                  f"each verse's file SSSAAA.mp3 (008030.mp3 for 8:30; .wav, .flac and .ogg too). "
                                  f"Point --recitation at the folder that holds them.")
        self._digests: dict[Path, str] = {}

    def file(self, verse: tuple[int, int], quotation: str) -> Path:
        """The recording of `verse`; a RecitationError naming the file and `quotation` when it is missing."""
        path = self.files.get(verse)
        if path is None:
            raise RecitationError(f"{self.folder / verse_name(verse)}: no such file: the recording of "
                                  f"{verse[0]}:{verse[1]}, which {quotation} needs. Add it to the folder (its "
                                  f"name is the sura and verse in three digits each), or set [quran] recitation "
                                  f"= \"voice\" to have the voice read the verses.")
        return path

    def digest(self, path: Path) -> str:
        """The file's content hash (sha256), read once: what a recited clip's cache key is made of."""
        if path not in self._digests:
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            self._digests[path] = digest.hexdigest()
        return self._digests[path]
