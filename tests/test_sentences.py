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
