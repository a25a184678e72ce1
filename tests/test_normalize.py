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
    latin_punctuation,
    number_words,
    spell_honorifics,
    spell_numbers,
    spell_reference,
)


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


# --- numbers in their case (issue 14) -----------------------------------------------------------

import re  # noqa: E402

from hijra_audio.text.normalize import counted_gender, number_case, ordinal_words  # noqa: E402


@pytest.mark.parametrize("number, case, gender, expected", [
    (622, "nominative", "masculine", "ستمائة واثنان وعشرون"),
    (622, "genitive", "masculine", "ستمائة واثنين وعشرين"),
    (622, "accusative", "masculine", "ستمائة واثنين وعشرين"),
    (12, "nominative", "masculine", "اثنا عشر"),
    (12, "genitive", "masculine", "اثني عشر"),
    (12, "genitive", "feminine", "اثنتي عشرة"),
    (12, "nominative", "feminine", "اثنتا عشرة"),
    (11, "nominative", "feminine", "إحدى عشرة"),
    (11, "nominative", "masculine", "أحد عشر"),
    (13, "nominative", "masculine", "ثلاثة عشر"),
    (13, "nominative", "feminine", "ثلاث عشرة"),
    (3, "nominative", "masculine", "ثلاثة"),
    (3, "nominative", "feminine", "ثلاث"),
    (8, "genitive", "feminine", "ثماني"),
    (10, "nominative", "feminine", "عشر"),
    (1, "nominative", "feminine", "واحدة"),
    (2, "genitive", "feminine", "اثنتين"),
    (21, "nominative", "feminine", "إحدى وعشرون"),
    (21, "genitive", "masculine", "واحد وعشرين"),
    (22, "genitive", "feminine", "اثنتين وعشرين"),
    (40, "genitive", "masculine", "أربعين"),
    (100, "nominative", "masculine", "مائة"),
    (200, "nominative", "masculine", "مئتان"),
    (200, "genitive", "masculine", "مئتين"),
    (2000, "nominative", "masculine", "ألفان"),
    (2000, "genitive", "masculine", "ألفين"),
    (1445, "genitive", "masculine", "ألف وأربعمائة وخمسة وأربعين"),
    (3000, "nominative", "masculine", "ثلاثة آلاف"),
    (11000, "nominative", "masculine", "أحد عشر ألفا"),
    (110000, "nominative", "masculine", "مائة وعشرة آلاف"),
    (2000000, "genitive", "masculine", "مليونين"),
    (0, "nominative", "masculine", "صفر"),
])
def test_number_words_in_case_and_gender(number, case, gender, expected):
    assert number_words(number, case, gender) == expected


def test_construct_duals():
    assert number_words(200, construct=True) == "مئتا"
    assert number_words(2000, "genitive", construct=True) == "ألفي"


@pytest.mark.parametrize("number", [21, 122, 1622, 12, 2002])
def test_one_number_is_in_one_case(number):
    nominative = {"اثنان", "اثنا", "عشرون", "مئتان", "ألفان"}
    oblique = {"اثنين", "اثني", "عشرين", "مئتين", "ألفين"}
    words = {w.removeprefix("و") for w in number_words(number, "genitive").split()}
    assert words & oblique and not words & nominative


def test_the_nominative_is_num2words_where_num2words_is_right():
    from num2words import num2words

    wrong_in_num2words = {200, 1200, 2000, 2200, 21000, 99000}     # `مئتا`, `ألفا`, `ألف` for `ألفا`
    for n in [*range(0, 1300), 2001, 2500, 3000, 3500, 10000, 100000, 1000000, 1976]:
        if n not in wrong_in_num2words:
            assert number_words(n) == re.sub(r"و\s+", "و", num2words(n, lang="ar")).strip(), n


@pytest.mark.parametrize("number, case, expected", [
    (1, "nominative", "الأول"),
    (2, "genitive", "الثاني"),
    (10, "nominative", "العاشر"),
    (11, "nominative", "الحادي عشر"),
    (12, "nominative", "الثاني عشر"),
    (12, "genitive", "الثاني عشر"),
    (20, "genitive", "العشرين"),
    (21, "nominative", "الحادي والعشرون"),
    (27, "genitive", "السابع والعشرين"),
    (30, "nominative", "الثلاثون"),
])
def test_ordinal_words(number, case, expected):
    assert ordinal_words(number, case) == expected


@pytest.mark.parametrize("text, expected", [
    # the examples
    ("في سنة 622", "في سنة ستمائة واثنين وعشرين"),
    ("في 12", "في اثني عشر"),
    ("12 من ربيع الأول", "الثاني عشر من ربيع الأول"),
    # genitive after prepositions and in construct
    ("من 5 إلى 10 أيام", "من خمسة إلى عشرة أيام"),
    ("بعد 40 سنة", "بعد أربعين سنة"),
    ("عام 2", "عام اثنين"),
    ("ب2 رجال", "باثنين رجال"),
    ("وسنة 622 هجرية", "وسنة ستمائة واثنين وعشرين هجرية"),   # an adjective after it tells no gender
    ("في سنة 622،", "في سنة ستمائة واثنين وعشرين،"),
    # accusative after إن and its sisters; nominative otherwise
    ("إن 20 رجلا", "إن عشرين رجلا"),
    ("وكانوا 22 رجلا", "وكانوا اثنين وعشرين رجلا"),             # the predicate of كانوا
    ("وخرج معه 22 رجلا", "وخرج معه اثنان وعشرون رجلا"),          # the subject: nominative
    ("خرج 22 رجلا", "خرج اثنان وعشرون رجلا"),
    # gender agreement with the counted noun next to it
    ("3 ليال", "ثلاث ليال"),
    ("مكث 3 أيام", "مكث ثلاثة أيام"),
    ("في 3 ليال", "في ثلاث ليال"),
    ("13 سنة", "ثلاث عشرة سنة"),
    ("في 11 ليلة", "في إحدى عشرة ليلة"),
    ("21 امرأة", "إحدى وعشرون امرأة"),
    ("5 غزوات", "خمس غزوات"),
    ("5 رجال", "خمسة رجال"),
    # a day before a month: an ordinal
    ("في 27 من رمضان", "في السابع والعشرين من رمضان"),
    ("ولد في 12 ربيع الأول", "ولد في الثاني عشر ربيع الأول"),
    ("ليس فيه رقم", "ليس فيه رقم"),
])
def test_numbers_read_in_their_case(text, expected):
    assert spell_numbers(text) == expected


def test_the_words_around_a_token_decide():
    assert spell_numbers("622", before="سنة") == "ستمائة واثنين وعشرين"
    assert spell_numbers("12", after="من ربيع الأول") == "الثاني عشر"
    assert spell_numbers("3", after="ليال") == "ثلاث"


@pytest.mark.parametrize("before, case", [("في", "genitive"), ("وفي", "genitive"), ("سنة", "genitive"),
                                          ("إن", "accusative"), ("كان", "nominative"), ("", "nominative")])
def test_number_case(before, case):
    assert number_case(before) == case


@pytest.mark.parametrize("noun, gender", [("ليال", "feminine"), ("سنوات", "feminine"), ("ليلة", "feminine"),
                                          ("أيام", "masculine"), ("رجلا", "masculine"), ("هجرية", None),
                                          ("من", None)])
def test_counted_gender(noun, gender):
    assert counted_gender(noun) == gender


@pytest.mark.parametrize("call", [lambda: number_words(3, "dative"), lambda: number_words(-1),
                                  lambda: ordinal_words(100), lambda: number_words(3, gender="neuter")])
def test_bad_number_arguments(call):
    with pytest.raises(ValueError):
        call()


def test_clean_speaks_numbers_in_their_case():
    cleaned = clean_text("هاجر في سنة 622 ووصل في 12 من ربيع الأول ومكث 3 ليال", quran=False)
    assert "في سنة ستمائة واثنين وعشرين ووصل في الثاني عشر من ربيع الأول ومكث ثلاث ليال" in cleaned.speech
    assert "622" in cleaned.display and "12" in cleaned.display
