"""Raw transcript -> clean, speakable text, in two forms: the display form listeners read and the
speech form the engine is given. The ordered stages are in `clean.py`; each rule lives in its own
module (`normalize`, `lexicon`, `quran`, `disfluency`, `sentences`) and works on `tokens`.
"""

from hijra_audio.text.clean import Cleaned, Line, clean, clean_text
from hijra_audio.text.lexicon import Lexicon
from hijra_audio.text.tokens import Change, Token

__all__ = ["Cleaned", "Line", "Lexicon", "Token", "Change", "clean", "clean_text"]
