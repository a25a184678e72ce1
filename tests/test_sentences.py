import pytest

from hijra_audio.text.sentences import split_segments


def test_cuts_at_punctuation_and_keeps_it():
    text = "قال يا ابا بكر ما ظنك باثنين؟ الله ثالثهما. فانزل الله سكينته عليه، وايده بجنود لم تروها"
    assert split_segments(text, 60) == [
        "قال يا ابا بكر ما ظنك باثنين؟ الله ثالثهما.",   # a short sentence joins the one before
        "فانزل الله سكينته عليه،",
        "وايده بجنود لم تروها",
    ]


@pytest.mark.parametrize("limit", [40, 80, 160])
def test_pieces_stay_under_the_limit_and_keep_every_word(lecture, limit):
    from hijra_audio.text import clean

    text = clean(lecture.read_text(encoding="utf-8"))
    pieces = split_segments(text, limit)
    assert all(len(p) <= limit for p in pieces)
    assert " ".join(pieces).split() == text.split()


def test_unpunctuated_text_is_cut_before_a_clause_marker():
    text = ("اجتمعت قريش في دار الندوة يتشاورون في امره وقالوا لا يلحق باصحابه "
            "ثم خرج وذهب هو وابو بكر الى غار ثور")
    pieces = split_segments(text, 90)
    assert pieces[-1].startswith("ثم خرج")


def test_without_any_boundary_cuts_at_a_word():
    text = " ".join(["كلمة"] * 50)
    pieces = split_segments(text, 50)
    assert all(len(p) <= 50 for p in pieces) and all(p.split() == ["كلمة"] * len(p.split()) for p in pieces)


from hijra_audio.text.sentences import (  # noqa: E402
    clause_marks,
    colon_before_quotation,
    colon_before_speech,
    full_stop_at_line_end,
    split_tokens,
)
from hijra_audio.text.tokens import Token  # noqa: E402
from tests.textcases import run, tokens  # noqa: E402


@pytest.mark.parametrize("rule, raw, expected", [
    (colon_before_speech, "قال له لا تعجل", "قال له: لا تعجل"),
    (colon_before_speech, "قال يا ابا بكر ما ظنك باثنين", "قال: يا ابا بكر ما ظنك باثنين"),
    (colon_before_speech, "وقالوا هذا هو الصواب", "وقالوا: هذا هو الصواب"),
    (colon_before_speech, "قال له صلى الله عليه وسلم", "قال له صلى الله عليه وسلم"),   # no words said follow
    (colon_before_speech, "قال ابن إسحاق: فحدثني", "قال ابن إسحاق: فحدثني"),
    (clause_marks, "اجتمعت قريش في دار الندوة وقالوا لا يلحق باصحابه",
     "اجتمعت قريش في دار الندوة، وقالوا لا يلحق باصحابه"),
    (clause_marks, "وكان متواعدا مع ابي بكر في مكان ثم خرج وذهب هو وابو بكر الى غار ثور",
     "وكان متواعدا مع ابي بكر في مكان، ثم خرج وذهب هو وابو بكر الى غار ثور"),     # short: a comma
    (clause_marks, "والرسول خرج من بينهم وهم جالسون ينتظرون ولم يشعروا به وذر التراب على رؤوسهم وكان متواعدا مع ابي بكر ثم خرج",
     "والرسول خرج من بينهم وهم جالسون ينتظرون ولم يشعروا به وذر التراب على رؤوسهم، وكان متواعدا مع ابي بكر. ثم خرج"),
    (clause_marks, "حتى يموت في السجن بعضهم قال اطردوه", "حتى يموت في السجن بعضهم قال اطردوه"),  # not between markers
    (clause_marks, "ذهبوا الى المدينة، ثم عادوا", "ذهبوا الى المدينة، ثم عادوا"),
    (clause_marks, "هجرة النبي من مكة الى المدينة وما كان فيها من العبر",          # كان belongs to ما
     "هجرة النبي من مكة الى المدينة وما كان فيها من العبر"),
    (clause_marks, "وهذا هو الرجل الصالح الذي كان يحرس الغار", "وهذا هو الرجل الصالح الذي كان يحرس الغار"),
    (full_stop_at_line_end, "ثم ذهبوا الى المدينة الى ان وصلوا الى المدينة",
     "ثم ذهبوا الى المدينة الى ان وصلوا الى المدينة."),
    (full_stop_at_line_end, "فلم يتمكنوا", "فلم يتمكنوا"),                        # too short to be a sentence
    (full_stop_at_line_end, "ما ظنك باثنين الله ثالثهما وهو معنا؟", "ما ظنك باثنين الله ثالثهما وهو معنا؟"),
])
def test_punctuation(rule, raw, expected):
    assert run(rule, raw) == expected


def test_colon_before_a_quotation():
    words = tokens("فانزل الله تعالى")
    quote = Token("﴿إلا تنصروه﴾ [9:40]", "إِلَّا تَنصُرُوهُ", 1, 4, quran="9:40")
    out, changes = colon_before_quotation(words + [quote])
    assert out[2].display == "تعالى:" and changes[0].rule == "punctuation"


def test_a_quotation_is_never_cut_and_keeps_its_speech_form():
    verse = " ".join(["كلمة"] * 40)
    quote = Token(f"﴿{verse}﴾ [2:255]", "مَنطُوق", 1, 5, quran="2:255")
    pieces = split_tokens(tokens("ثم قال الله تعالى في كتابه") + [quote] + tokens("ثم خرجوا الى المدينة"), 60)
    assert (quote.display, "مَنطُوق") in pieces             # longer than the limit, still whole
    assert pieces[0][0] == "ثم قال الله تعالى في كتابه"
    assert " ".join(d for d, _s in pieces).split() == ("ثم قال الله تعالى في كتابه " + quote.display
                                                      + " ثم خرجوا الى المدينة").split()
