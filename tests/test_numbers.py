"""The number reader: numbers in words (numbers.py) and read in their context (numerals.py)."""

import re

import pytest

from hijra_audio.text import clean_text
from hijra_audio.text.numbers import number_words, ordinal_words
from hijra_audio.text.numerals import counted_gender, number_case, spell_numbers

# --- numbers in their case (issue 14) -----------------------------------------------------------



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


# --- every number is read (issue 25): the forms a reader of Arabic expects ------------------------

@pytest.mark.parametrize("text, expected", [
    # grouped up to the trillions, in case; beyond, digit by digit
    ("1000000000000", "تريليون"),
    ("2000000000000", "تريليونان"),
    ("بعد 2000000000000", "بعد تريليونين"),
    ("3000000000000", "ثلاثة تريليونات"),
    ("11000000000000", "أحد عشر تريليونا"),
    ("999999999999999", "تسعمائة وتسعة وتسعون تريليونا وتسعمائة وتسعة وتسعون مليارا وتسعمائة وتسعة وتسعون "
                        "مليونا وتسعمائة وتسعة وتسعون ألفا وتسعمائة وتسعة وتسعون"),
    ("1000000000000000", "واحد" + " صفر" * 15),
    ("14369890360359738", "واحد أربعة ثلاثة ستة تسعة ثمانية تسعة صفر ثلاثة ستة صفر ثلاثة خمسة تسعة سبعة "
                          "ثلاثة ثمانية"),                        # the traceback
    ("1234567", "مليون ومئتان وأربعة وثلاثون ألفا وخمسمائة وسبعة وستون"),
    # thousands separators, Arabic-Indic and Persian digits (and other scripts' digits)
    ("1,234,567", "مليون ومئتان وأربعة وثلاثون ألفا وخمسمائة وسبعة وستون"),
    ("١٬٢٣٤", "ألف ومئتان وأربعة وثلاثون"),
    ("۱۲۳۴", "ألف ومئتان وأربعة وثلاثون"),
    ("في ۱۲", "في اثني عشر"),
    ("१२३", "مائة وثلاثة وعشرون"),
    ("1,23", "واحد,ثلاثة وعشرون"),                              # no group of three: two numbers
    # a leading zero: digit by digit
    ("007", "صفر صفر سبعة"),
    ("05", "صفر خمسة"),
    ("0", "صفر"),
    # decimals
    ("3.5", "ثلاثة فاصلة خمسة"),
    ("٣٫٥", "ثلاثة فاصلة خمسة"),
    ("12.25", "اثنا عشر فاصلة خمسة وعشرون"),
    ("0.05", "صفر فاصلة صفر خمسة"),
    ("3.14159", "ثلاثة فاصلة واحد أربعة واحد خمسة تسعة"),
    ("1,234.5", "ألف ومئتان وأربعة وثلاثون فاصلة خمسة"),
    ("في 2.5", "في اثنين فاصلة خمسة"),
    ("3.", "ثلاثة."),                                           # a full stop, not a decimal mark
    ("1.2.3", "واحد نقطة اثنان نقطة ثلاثة"),
    # percentages
    ("50%", "خمسون بالمائة"),
    ("50٪", "خمسون بالمائة"),
    ("٪50", "خمسون بالمائة"),
    ("12.5%", "اثنا عشر فاصلة خمسة بالمائة"),
    ("بنسبة 50%", "بنسبة خمسين بالمائة"),
    # dates: day, month, year (or year, month, day)
    ("12/3/2020", "الثاني عشر من الشهر الثالث سنة ألفين وعشرين"),
    ("2020-03-12", "الثاني عشر من الشهر الثالث سنة ألفين وعشرين"),
    ("١٢/٠٣/٢٠٢٠", "الثاني عشر من الشهر الثالث سنة ألفين وعشرين"),
    ("في 31.12.1999", "في الحادي والثلاثين من الشهر الثاني عشر سنة ألف وتسعمائة وتسعة وتسعين"),
    ("1/1/1445هـ", "الأول من الشهر الأول سنة ألف وأربعمائة وخمسة وأربعين للهجرة"),
    ("32/13/2020", "اثنان وثلاثون/ثلاثة عشر/ألفان وعشرون"),       # no such date: each number
    # times
    ("الساعة 10:30", "الساعة العاشرة والنصف"),
    ("الساعة 10:15", "الساعة العاشرة والربع"),
    ("الساعة 10:00", "الساعة العاشرة"),
    ("الساعة 9:05", "الساعة التاسعة وخمس دقائق"),
    ("الساعة 1:01", "الساعة الواحدة ودقيقة واحدة"),
    ("الساعة 12:02", "الساعة الثانية عشرة ودقيقتان"),
    ("الساعة 11:20", "الساعة الحادية عشرة وعشرون دقيقة"),
    ("الساعة 23:11", "الساعة الثالثة والعشرون وإحدى عشرة دقيقة"),
    ("الساعة 21:45", "الساعة الحادية والعشرون وخمس وأربعون دقيقة"),
    ("8:30 مساء", "الثامنة والنصف مساء"),
    ("10:30:15", "العاشرة والنصف وخمس عشرة ثانية"),
    ("الساعة 10", "الساعة العاشرة"),
    ("الساعة 08", "الساعة الثامنة"),
    # phone numbers: digit by digit, a pause between the groups as written
    ("0555123456", "صفر خمسة خمسة خمسة واحد اثنان ثلاثة أربعة خمسة ستة"),
    ("055-123-4567", "صفر خمسة خمسة، واحد اثنان ثلاثة، أربعة خمسة ستة سبعة"),
    ("+966551234567", "زائد تسعة ستة ستة خمسة خمسة واحد اثنان ثلاثة أربعة خمسة ستة سبعة"),
    ("+966 55 123 4567", "زائد تسعة ستة ستة، خمسة خمسة، واحد اثنان ثلاثة، أربعة خمسة ستة سبعة"),
    ("0555 123 456", "صفر خمسة خمسة خمسة، واحد اثنان ثلاثة، أربعة خمسة ستة"),
    ("10-20-30", "عشرة-عشرون-ثلاثون"),                          # three numbers, no phone
    # what is written against a number
    ("سنة 1445هـ", "سنة ألف وأربعمائة وخمسة وأربعين للهجرة"),
    ("سنة 2020م", "سنة ألفين وعشرين للميلاد"),
    ("عام2020", "عام ألفين وعشرين"),
    ("و3", "وثلاثة"),
    ("H2O", "H اثنان O"),
    ("1-2", "واحد-اثنان"),
    ("في 05 رمضان", "في الخامس رمضان"),
])
def test_every_number_is_read_as_a_reader_expects(text, expected):
    assert spell_numbers(text) == expected


@pytest.mark.parametrize("raw, speech", [
    ("وصل الساعة 10:30 صباحا", "وصل الساعة العاشرة والنصف صباحا"),     # a time, not a verse reference
    ("قال تعالى 8:30 ثم", "قال تعالى سورة ثمانية، الآية ثلاثون ثم"),     # a reference, as before
    ("اتصل على +966 55 123 4567 الآن", "اتصل على زائد تسعة ستة ستة، خمسة خمسة، واحد اثنان ثلاثة، "
                                      "أربعة خمسة ستة سبعة الآن"),
    ("قال 14369890360359738 رجلا", "قال واحد أربعة ثلاثة ستة تسعة ثمانية تسعة صفر ثلاثة ستة صفر ثلاثة خمسة "
                                   "تسعة سبعة ثلاثة ثمانية رجلا"),
])
def test_clean_reads_every_number(raw, speech):
    cleaned = clean_text(raw, quran=False)
    assert cleaned.speech == speech
    assert cleaned.display == raw                              # the listener reads the digits
