"""A reciter's recordings in place of the voice for the Quran quotations (docs/recitation.md).

folder.py      the user's folder of verse recordings (EveryAyah layout) and their content hashes
timing.py      word timings (cpfair/quran-align's JSON), mapped onto the project's Quran words
cut.py         which stretch of which recordings recites a quotation (`Recited`, its cache key)
recitation.py  the show's recitation: which quotations are recited, and their stretches
recording.py   the clip made from a `Recited` (decoded, cut, faded), checked

The recordings are never shipped nor fetched: the user supplies them, like a Piper voice.
"""

from hijra_audio.recite.cut import Recited, Take
from hijra_audio.recite.recitation import Recitation
from hijra_audio.recite.recording import clip

__all__ = ["Recitation", "Recited", "Take", "clip"]
