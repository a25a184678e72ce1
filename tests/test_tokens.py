"""One home for the letters, the punctuation and the verse references cleaning works with."""

import pytest

from hijra_audio.text.tokens import (
    ARABIC_LETTER,
    PAUSE,
    TRAILING,
    VerseRef,
    split_punct,
)


@pytest.mark.parametrize("char, letter", [
    ("ا", True), ("ء", True), ("ي", True), ("ٱ", True), ("پ", True), ("ک", True),
    ("\u0640", False),        # tatweel only stretches a word: not a letter
    ("\u064e", False),        # a vowel mark
    ("،", False), ("1", False), ("a", False),
])
def test_arabic_letter(char, letter):
    assert bool(ARABIC_LETTER.match(char)) is letter


def test_every_pause_mark_may_close_a_word():
    assert set(PAUSE) <= set(TRAILING)
    assert split_punct("«المدينة،»") == ("«", "المدينة", "،»")


@pytest.mark.parametrize("text, parsed, verses", [
    ("8:30", "8:30", {(8, 30)}),
    ("8: 30", "8:30", {(8, 30)}),
    ("52: 30- 31", "52:30-31", {(52, 30), (52, 31)}),
    ("36:1-3", "36:1-3", {(36, 1), (36, 2), (36, 3)}),
    ("2:286-3:1", "2:286-3:1", {(2, 286), (3, 1)}),
    ("nonsense", None, None),
    ("1234:5", None, None),
])
def test_verse_references(text, parsed, verses):
    ref = VerseRef.parse(text)
    assert (str(ref) if ref else None) == parsed
    if ref:
        assert ref.verses() == verses


def test_a_reference_at_the_start_of_longer_text():
    ref, end = VerseRef.at_start("8: 30، وقال")
    assert str(ref) == "8:30" and end == 5
