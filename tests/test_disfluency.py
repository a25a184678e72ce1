import pytest

from hijra_audio.text.disfluency import (
    broken_letters,
    filled_pauses,
    repetitions,
    self_repairs,
)
from tests.textcases import run, tokens


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
    # line by line: a repetition is never looked for across a line
    assert "\n".join(run(repetitions, line) for line in raw.split("\n")) == expected


@pytest.mark.parametrize("raw, expected", [
    # from the bundled lecture
    ("لمن يأتي به حيا لمن يأتي به حيا او ميتا", "لمن يأتي به حيا او ميتا"),
    ("امر ابن عمه امر ابن عمه علي", "امر ابن عمه علي"),
    ("بعضهم قال اطردوه اطردوه من البلد", "بعضهم قال اطردوه اطردوه من البلد"),   # emphasis kept
    ("وذهبوا الى الى المدينة", "وذهبوا الى المدينة"),
    # emphasis and written text kept
    ("رويدا رويدا يا قوم", "رويدا رويدا يا قوم"),
    ("الله الله في اصحابي", "الله الله في اصحابي"),
    ("الله اكبر الله اكبر", "الله اكبر الله اكبر"),
    ("المدينة المدينة", "المدينة المدينة"),         # a content word said twice may be meant
    ("لا، لا والله", "لا، لا والله"),                 # punctuated: written on purpose
    # Ibn Hisham: a name, not a repetition
    ("فقال الوليد بن الوليد بن المغيرة", "فقال الوليد بن الوليد بن المغيرة"),
    ("عبد الله بن عبد الله بن عمر", "عبد الله بن عبد الله بن عمر"),
    # a phrase said three times, and two repetitions in a row
    ("قال لهم قال لهم قال لهم اخرجوا", "قال لهم اخرجوا"),
    ("ثم ثم خرج من من مكة", "ثم خرج من مكة"),
    # the last saying keeps its punctuation
    ("ذهب الى الى المدينة.", "ذهب الى المدينة."),
    ("خرجوا في الليل في الليل، ثم عادوا", "خرجوا في الليل، ثم عادوا"),
    # Ibn Hisham, written text: repetitions are meant
    ("تقول: الله أكبر الله أكبر، الله أكبر الله أكبر،", "تقول: الله أكبر الله أكبر، الله أكبر الله أكبر،"),
    ("وعبد الرحمن بن عوف بن عبد عوف بن عبد بن الحارث", "وعبد الرحمن بن عوف بن عبد عوف بن عبد بن الحارث"),
    ("فيقول بلال: أحد أحد. قال: فلما رآه، قال:", "فيقول بلال: أحد أحد. قال: فلما رآه، قال:"),
    ("قال: فإذا هي هي، فلما وقفت علي انسحلت.", "قال: فإذا هي هي، فلما وقفت علي انسحلت."),
    ("فقال قيصر: يرث أهل المدر أهل المدر، ويرث أهل الوبر أهل الوبر، فورثه",
     "فقال قيصر: يرث أهل المدر أهل المدر، ويرث أهل الوبر أهل الوبر، فورثه"),
    ("كان يقول الله اكبر الله اكبر ثم", "كان يقول الله اكبر الله اكبر ثم"),   # spoken, and meant
])
def test_repetitions(raw, expected):
    assert run(repetitions, raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("فخرج اه الى المدينة", "فخرج الى المدينة"),
    ("فخرج اممم الى المدينة", "فخرج الى المدينة"),
    ("وهو أه يعني", "وهو يعني"),
    ("ثم ااه ذهب", "ثم ذهب"),
    ("ثم اه ام ذهب", "ثم ذهب"),                  # ام beside another filler
    ("ام يقولون شاعر", "ام يقولون شاعر"),          # ام alone is the word أم
    ("ام سلمة زوج النبي", "ام سلمة زوج النبي"),
    ("هم الذين", "هم الذين"),
    ("فقالوا: مم سبحتم؟", "فقالوا: مم سبحتم؟"),       # مم: from what
    ("لو أنهم أمم", "لو أنهم أمم"),                  # أمم: nations
])
def test_filled_pauses(raw, expected):
    assert run(filled_pauses, raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("قال ل ل الرئيس", "قال الرئيس"),
    ("عنده ك ك كاريزما", "عنده كاريزما"),
    ("ذهب ب بسرعة", "ذهب بسرعة"),
    ("و والله", "والله"),
    ("ح حدثنا مالك", "ح حدثنا مالك"),               # ح in a chain of narrators is written on purpose
    ("ل المدينة", "المدينة"),
    ("ب المدينة", "ب المدينة"),                     # the next word does not start with it
])
def test_broken_letters(raw, expected):
    assert run(broken_letters, raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("النبي امر عمه ابا امر ابن عمه علي", "النبي امر ابن عمه علي"),
    ("ذهب الى سوق مكة ذهب الى سوق المدينة", "ذهب الى سوق مكة ذهب الى سوق المدينة"),  # no corrected word
    ("كتب كتابا طويلا كتب كتابا قصيرا", "كتب كتابا طويلا كتب كتابا قصيرا"),          # same start: not a repair
    ("قال له لا تعجل قال له صلى الله عليه وسلم لا تعجل", "قال له لا تعجل قال له صلى الله عليه وسلم لا تعجل"),
    ("رأى رجلا طويلا، رأى ذلك الرجل طويلا", "رأى رجلا طويلا، رأى ذلك الرجل طويلا"),  # written text
])
def test_self_repairs(raw, expected):
    assert run(self_repairs, raw) == expected


def test_every_removal_is_recorded_with_its_place_and_rule():
    out, changes = repetitions(tokens("فلم فلم يتمكنوا"))
    assert [(c.line, c.word, c.before, c.after, c.rule) for c in changes] == [(1, 1, "فلم", "", "repeated-word")]
    assert [t.word for t in out] == [2, 3]
