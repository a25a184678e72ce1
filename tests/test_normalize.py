import pytest

from hijra_audio.text import clean
from hijra_audio.text.normalize import collapse_whitespace, nfc, remove_invisible, remove_tatweel


@pytest.mark.parametrize("rule, raw, expected", [
    (nfc, "\u0627\u0653", "\u0622"),                          # alef + madda -> آ
    (remove_tatweel, "الهجـــرة", "الهجرة"),
    (remove_invisible, "مكة\u200f المدينة\u200b", "مكة المدينة"),
    (remove_invisible, "\u202bقريش\u202c", "قريش"),
    (remove_invisible, "\ufeffثم", "ثم"),
    (collapse_whitespace, "ثم  اذن \t لاصحابه ", "ثم اذن لاصحابه"),
    (collapse_whitespace, "## عنوان  \n\n\n\nنص", "## عنوان\n\nنص"),
    (collapse_whitespace, "سطر\r\nسطر", "سطر\nسطر"),
])
def test_rule(rule, raw, expected):
    assert rule(raw) == expected


def test_clean_applies_every_rule():
    assert clean("\ufeffفلم  فلم\u200f يتمكنوا ـــ") == "فلم يتمكنوا"
