"""Short Quran quotations found by their context (text/fragments.py), and what a quotation records
of how it was found (Token.quoted): the figures are benchmarks/quality/quran.py's; these are the
cases each rule is for, and the ones it must leave alone."""

import pytest

from hijra_audio.text import clean_text
from hijra_audio.text.quotations import certain


def _quotations(text):
    cleaned = clean_text(text)
    return [(t.quran, t.display.split("﴾")[0].lstrip("﴿"), t.quoted)
            for line in cleaned.lines if line for t in line.tokens if t.quran]


@pytest.mark.parametrize("text, expected", [
    # a quotation goes on after a commentary: the verse's next words are a fragment of it
    ("لولا كتاب من الله سبق لمسكم فيما أخذتم: أي من الأسارى والمغانم عذاب عظيم.",
     [("8:68", "لولا كتاب من الله سبق لمسكم فيما أخذتم"), ("8:68", "عذاب عظيم")]),
    # between quotation marks, a verse near one the line quotes
    ("قال ابن إسحاق: «حتى إذا فشلتم»: أي تخاذلتم «وتنازعتم في الأمر» أي اختلفتم في أمري "
     "وعصيتم من بعد ما أراكم ما تحبون منكم من يريد الدنيا ومنكم من يريد الآخرة",
     [("3:152", "حتى إذا فشلتم"), ("3:152", "وتنازعتم في الأمر"),
      ("3:152", "وعصيتم من بعد ما أراكم ما تحبون منكم من يريد الدنيا ومنكم من يريد الآخرة")]),
])
def test_fragments_of_a_verse_the_line_quotes(text, expected):
    assert [(ref, words) for ref, words, _ in _quotations(text)] == expected


@pytest.mark.parametrize("text", [
    # the narration's own words, which the Quran uses too
    "وذلك أن رسول الله صلى الله عليه وسلم رغب في الجهاد في سبيل الله",
    # what a divining arrow said: two words between quotation marks, no quotation near
    "فخرج السهم الذي أكره «لا يضره». قال: فأبيت إلا أن أتبعه",
    # two words after an announcement, with no quotation of their sura near: a narration
    "فدعاهم إلى الله عز وجل، وعرض عليهم الإسلام، وتلا عليهم القرآن.",
])
def test_words_the_quran_shares_with_the_narration_are_left_alone(text):
    assert _quotations(text) == []


def test_a_commentary_repeating_the_words_just_quoted_is_no_new_quotation():
    found = _quotations("يا أيها الذين آمنوا أطيعوا الله ورسوله ولا تولوا عنه وأنتم تسمعون: "
                        "أي لا تخالفوا أمره وأنتم تسمعون لقوله")
    assert [ref for ref, _, _ in found] == ["8:20"]


@pytest.mark.parametrize("text, how, recited", [
    ("قال تعالى: إلا تنصروه فقد نصره الله", "announced", True),           # قال تعالى announces
    ("ثم خرج إلا تنصروه فقد نصره الله إذ أخرجه الذين كفروا ثاني اثنين", "", False),   # by length: 11
    ("ثم خرج إلا تنصروه فقد نصره الله إذ أخرجه الذين كفروا ثاني اثنين إذ هما في الغار", "", True),
    ("﴿إلا تنصروه فقد نصره الله﴾ [9:40] ثم خرج", "marked", True),
    ("إلا تنصروه فقد نصره الله 9: 40 ثم خرج", "reference", True),
])
def test_a_quotation_records_how_it_was_found_and_whether_it_is_certain(text, how, recited):
    [(reference, _words, quoted)] = _quotations(text)
    assert reference == "9:40" and quoted.how == how and certain(quoted) is recited


def test_a_fragment_before_a_written_reference_is_of_the_verse_it_names():
    """`الحي القيوم` goes on 3:2 (the line quotes 3:1-2 up to it) and stands in 2:255 too, which the
    reference names: the reference is taken into the mark, never left doubled after `[3:2]`."""
    cleaned = clean_text("الم الله لا إله إلا هو 3: 1- 2 ليس معه غيره شريك في أمره الحي القيوم 2: 255 "
                         "الحي الذي لا يموت")
    assert cleaned.quotations == ("3:1-2", "2:255")
    assert "2: 255" not in cleaned.display and "[2:255]" in cleaned.display
