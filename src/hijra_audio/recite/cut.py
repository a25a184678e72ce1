"""Which stretch of which recordings recites a quotation.

A quotation of whole verses is their recordings, whole. A quotation of part of a verse (the usual
case) is the quoted words cut from the verse's recording by the word timings, each end moved
outwards to the nearest pause of the reciter (`timing.VerseTiming.pauses`), so that no phrase is
cut in its middle and no quoted word is left out; when that stretch is much longer than the quoted
words (MUCH_LONGER times, and by MUCH_LONGER_MS: the reciter did not pause near them), or there
are no timings for the verse, the whole verse is recited. A quotation that runs over several verses is a stretch of each.

A recited clip's cache key is made of the recordings' content hashes and the cuts (`Recited.key`):
another reciter or other timings make other clips, and the same ones are never cut twice.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from hijra_audio.recite.timing import VerseTiming

RECITE_VERSION = 1     # changes whenever the way a clip is cut from its recordings changes
# A stretch cut at pauses more than MUCH_LONGER times the quoted words, and longer than them by more
# than MUCH_LONGER_MS, recites the whole verse (the reciter did not pause near the quote).
MUCH_LONGER, MUCH_LONGER_MS = 2.0, 5000
WHOLE = (0, -1)        # (start_ms, end_ms) of a whole recording


@dataclass(frozen=True)
class Take:
    """A stretch of one verse's recording: from `start_ms` to `end_ms` (-1: its end)."""

    verse: tuple[int, int]
    path: str
    digest: str               # the recording's content hash
    start_ms: int = 0
    end_ms: int = -1
    timed_ms: int = 0         # how long the timings say the recording is at least (0: no timings)

    @property
    def whole(self) -> bool:
        return (self.start_ms, self.end_ms) == WHOLE


@dataclass(frozen=True)
class Recited:
    """What a recited part plays: its takes, one after the other."""

    reference: str            # "9:40"
    quotation: str            # the quotation and where it is, for messages
    takes: tuple[Take, ...]

    @property
    def key(self) -> str:
        """The clip's cache key: the recordings' content and the cuts (never their paths)."""
        payload = json.dumps({"schema": RECITE_VERSION, "takes": [[t.digest, t.start_ms, t.end_ms] for t in self.takes]})
        return hashlib.sha256(payload.encode()).hexdigest()


def stretch(first: int, end: int, timing: VerseTiming, mapping: list[int]) -> tuple[int, int]:
    """The (start_ms, end_ms) to cut for the verse's words first..end-1 (the project's words,
    `mapping` giving the timing file's word of each): ends moved out to the reciter's pauses;
    WHOLE when that stretch is the whole verse, is much longer than the words, or the timings do
    not cover them."""
    if first == 0 and end == len(mapping):
        return WHOLE
    words_first, words_end = mapping[first], mapping[end - 1] + 1
    spoken = timing.span_ms(words_first, words_end)
    pauses = timing.pauses()
    start = max(p for p in pauses if p <= words_first)
    stop = min(p for p in pauses if p >= words_end)
    if spoken is None or (start, stop) == (0, timing.words):
        return WHOLE
    start_ms, end_ms = pauses[start], pauses[stop]
    length, quoted = (timing.end_ms if end_ms == -1 else end_ms) - start_ms, spoken[1] - spoken[0]
    if length > MUCH_LONGER * quoted and length - quoted > MUCH_LONGER_MS:
        return WHOLE
    return start_ms, end_ms
