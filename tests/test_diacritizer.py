import re
import unicodedata

import pytest

from hijra_audio.engines import arabic
from hijra_audio.text import diacritizer
from hijra_audio.text.diacritizer import diacritize, on_letters, spelling

_VOWELS = re.compile("[\u064b-\u0652\u0670]")


def letters(text: str) -> str:
    """The text without its vowel marks, composed: what a reader sees as its letters."""
    return unicodedata.normalize("NFC", _VOWELS.sub("", unicodedata.normalize("NFD", text)))


@pytest.mark.parametrize("text, marked, expected", [
    # the diacritizer's own letters are not taken: a correct hamza stays, a hamza it adds goes
    ("هيأ", "هَيَا", "هَيَأ"),
    ("ابو بكر", "أَبُو بَكْرٍ", "اَبُو بَكْرٍ"),
    ("إن", "أَنَّ", "إِنَّ"),
    # a madda keeps no vowel of its own (آ is said aa); a letter the text already vowels keeps it
    ("آمن", "أَمَنَ", "آمَنَ"),
    ("مُحمد", "مَحَمَّدٌ", "مُحَمَّدٌ"),
    # a symbol the diacritizer dropped does not shift the marks onto the wrong letters
    ("قال ﷺ له", "قَالَ  لَهُ", "قَالَ ﷺ لَهُ"),
    ("", "", ""),
])
def test_on_letters_takes_only_the_vowels(text, marked, expected):
    assert on_letters(text, marked) == unicodedata.normalize("NFC", expected)


@pytest.mark.parametrize("text", [
    "فلما هيأ الله له أمره خرج",
    "قال ابو بكر ان الله معنا",           # bare alefs stay bare: the display form decides the letters
    "وأوى إليهم من المسلمين، أمر رسول الله أصحابه",
    "فسألوه عن رؤيا رآها في بئر",
])
def test_diacritize_never_changes_a_letter(text):
    spoken = diacritize(text)
    assert letters(spoken) == unicodedata.normalize("NFC", text)
    assert diacritizer.has_diacritics(spoken)


def test_diacritizer_alone_rewrites_letters_which_diacritize_undoes():
    # the reason for on_letters: text2tashkeel drops the hamza of هيأ and adds others
    raw = diacritizer._diacritizer().diacritize("هيأ")
    assert letters(raw) != "هيأ"
    assert letters(diacritize("هيأ")) == "هيأ"


def test_spelling_is_the_diacritizers_letters_without_vowels():
    read = spelling("اذن لاصحابه الى المدينة")
    assert not _VOWELS.search(unicodedata.normalize("NFD", read))
    assert read.translate(str.maketrans("أإآ", "ااا")) == "اذن لاصحابه الى المدينة"
    assert "لأصحابه" in read.split() and "إلى" in read.split()
    assert spelling("123") == "123"


def test_rules_version_names_the_change():
    assert arabic.RULES_VERSION == "3"
