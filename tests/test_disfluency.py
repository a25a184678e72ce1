import pytest

from hijra_audio.text.disfluency import repeated_word


@pytest.mark.parametrize("raw, expected", [
    ("فلم فلم يتمكنوا", "فلم يتمكنوا"),
    ("رجل معه رمح او او معه معه رمح", "رجل معه رمح او معه رمح"),
    ("ذهبوا الى الى المدينة", "ذهبوا الى المدينة"),
    ("لا لا لا", "لا"),
    ("الى الاسلام", "الى الاسلام"),                 # a word that begins with the one before is kept
    ("من منهم", "من منهم"),
    ("## باب\nباب الهجرة", "## باب\nباب الهجرة"),   # never across a line (a heading stays whole)
])
def test_repeated_word(raw, expected):
    assert repeated_word(raw) == expected
