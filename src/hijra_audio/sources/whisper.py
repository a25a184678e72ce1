"""Whisper's own outputs -> cues: its `.json` (`segments[]`, each with start, end and text, as
openai-whisper, faster-whisper and WhisperX write it) and its `.tsv` (a `start end text` header,
then a line per segment, the times in milliseconds). Read with the standard library's json and
csv; a file that is not one gets an error naming its line.
"""

from __future__ import annotations

import csv
import json

from hijra_audio.errors import InputError
from hijra_audio.sources.cues import Cue

JSON_FIX = "Give the .json Whisper writes (--output_format json), or save the text as .txt."
TSV_FIX = "Give the .tsv Whisper writes (--output_format tsv): start, end (milliseconds) and text, tab-separated."


def json_cues(text: str, name: str) -> list[Cue]:
    """The segments of a Whisper JSON transcript."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: line {exc.lineno}: not JSON ({exc.msg}). {JSON_FIX}") from None
    segments = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(segments, list):
        raise InputError(f"{name}: no \"segments\" list: not a Whisper transcript. {JSON_FIX}")
    cues = []
    for index, segment in enumerate(segments):
        if not isinstance(segment, dict) or not isinstance(segment.get("text"), str):
            raise InputError(f"{name}: segments[{index}] has no \"text\". {JSON_FIX}")
        start, end = segment.get("start", 0.0), segment.get("end", 0.0)
        if not all(isinstance(t, (int, float)) and not isinstance(t, bool) for t in (start, end)):
            raise InputError(f"{name}: segments[{index}]: start and end must be numbers of seconds. {JSON_FIX}")
        cues.append(Cue(float(start), float(end), tuple(segment["text"].split("\n"))))
    return cues


def tsv_cues(text: str, name: str) -> list[Cue]:
    """The rows of a Whisper TSV transcript (its header line, then start, end, text)."""
    rows = list(csv.reader(text.split("\n"), delimiter="\t", quoting=csv.QUOTE_NONE))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if header[:3] != ["start", "end", "text"]:
        raise InputError(f"{name}: line 1: expected the header start, end, text (tab-separated). {TSV_FIX}")
    cues = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 3:
            raise InputError(f"{name}: line {number}: expected start, end and text separated by tabs. {TSV_FIX}")
        try:
            start, end = int(row[0]) / 1000, int(row[1]) / 1000
        except ValueError:
            raise InputError(f"{name}: line {number}: start and end must be whole milliseconds "
                             f"({row[0]!r}, {row[1]!r}). {TSV_FIX}") from None
        cues.append(Cue(start, end, ("\t".join(row[2:]),), number))
    return cues
