import pytest

from hijra_audio.text import clean, clean_text
from hijra_audio.text.normalize import (
    nfc,
    remove_invisible,
    remove_tatweel,
)


@pytest.mark.parametrize("rule, raw, expected", [
    (nfc, "\u0627\u0653", "\u0622"),                          # alef + madda -> آ
    (remove_tatweel, "الهجـــرة", "الهجرة"),
    (remove_invisible, "مكة\u200f المدينة\u200b", "مكة المدينة"),
    (remove_invisible, "\u202bقريش\u202c", "قريش"),
    (remove_invisible, "\ufeffثم", "ثم"),
    (clean, "ثم  اذن \t لاصحابه ", "ثم أذن لأصحابه"),          # whitespace: one space between words (and hamza)
    (clean, "## عنوان  \n\n\n\nنص", "## عنوان\n\nنص"),         # one blank line between paragraphs
    (clean, "سطر\r\nسطر", "سطر\nسطر"),
])
def test_rule(rule, raw, expected):
    assert rule(raw) == expected


def test_clean_applies_every_rule():
    assert clean("\ufeffفلم  فلم\u200f يتمكنوا ـــ") == "فلم يتمكنوا"


from hijra_audio.text.normalize import (  # noqa: E402
    drop_symbols,
    latin_punctuation,
    presentation_forms,
    spell_honorifics,
    spell_reference,
)
from hijra_audio.text.numbers import number_words  # noqa: E402
from hijra_audio.text.numerals import spell_numbers  # noqa: E402


@pytest.mark.parametrize("rule, raw, expected", [
    (latin_punctuation, "قال,", "قال،"),
    (latin_punctuation, "باثنين?", "باثنين؟"),
    (latin_punctuation, "الندوة;", "الندوة؛"),
    (latin_punctuation, "2,", "2,"),                               # after a number it stays
    (latin_punctuation, "Medina,", "Medina,"),
    (spell_honorifics, "محمد \ufdfa", "محمد صلى الله عليه وسلم"),
    (spell_honorifics, "الله \ufdfb", "الله جل جلاله"),
    (spell_honorifics, "النبي صلعم", "النبي صلى الله عليه وسلم"),
    (spell_honorifics, "عمر \ufd44", "عمر حفظه الله"),
    (spell_honorifics, "\ufdfd", "بسم الله الرحمن الرحيم"),
    (presentation_forms, "\ufed7\ufe8e\ufedd", "قال"),                 # a PDF's letters
    (presentation_forms, "\ufefb", "لا"),                                # lam-alef
    (presentation_forms, "محمد \ufdfa", "محمد \ufdfa"),                 # an honorific stays (spoken below)
    (remove_invisible, "قال\x00 ثم\x1b", "قال ثم"),                    # NUL would end espeak-ng's text
    (drop_symbols, "شكرا 🙏🏽", "شكرا"),                                # an emoji with its skin tone
    (drop_symbols, "👨‍👩‍👧 الأسرة", "الأسرة"),                 # joined by ZWJ
    (drop_symbols, "❤️★©✅", ""),                                  # nothing left to say
    (drop_symbols, "1️⃣", "1"),                               # a keycap: its digit stays
    (drop_symbols, "قال: «نعم».", "قال: «نعم»."),                      # punctuation stays
    (drop_symbols, "100$ و 5%", "100$ و 5%"),                          # currency and percent are read
    (spell_numbers, "سنة 622", "سنة ستمائة واثنين وعشرين"),        # genitive: the second term of a construct
    (spell_numbers, "سنة ٦٢٢", "سنة ستمائة واثنين وعشرين"),       # Arabic-Indic digits
    (spell_numbers, "3 ليال", "ثلاث ليال"),                          # ليلة is feminine: ثلاث
    (spell_numbers, "ليس فيه رقم", "ليس فيه رقم"),
])
def test_word_and_speech_rules(rule, raw, expected):
    assert rule(raw) == expected


def test_number_words_and_references():
    assert number_words(40) == "أربعون"
    assert spell_reference(8, 30) == "سورة ثمانية، الآية ثلاثون"
    assert spell_reference(52, 30, 31) == "سورة اثنان وخمسون، الآيات ثلاثون إلى واحد وثلاثون"
