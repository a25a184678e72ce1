import pytest

from hijra_audio.errors import LexiconError
from hijra_audio.text.lexicon import Lexicon, apply_corrections, apply_pronunciations
from tests.textcases import run, tokens

LEXICON = Lexicon.parse("""
# corrections
السهلا = السفلى
ودر التراب = وذر التراب   # a phrase
اللحق = ان لحق
ثور ~ ثَوْر
""")


@pytest.mark.parametrize("raw, expected", [
    ("وجعل كلمة الذين كفروا السهلا", "وجعل كلمة الذين كفروا السفلى"),
    ("ودر التراب على رؤوسهم", "وذر التراب على رؤوسهم"),
    ("التراب ودر", "التراب ودر"),                        # only the whole phrase
    ("ودر، التراب", "ودر، التراب"),                     # not across punctuation
    ("قالوا اللحق باصحابه", "قالوا ان لحق باصحابه"),     # one word to two
    ("السهلاء", "السهلاء"),                             # never part of a word
    ("(السهلا).", "(السفلى)."),                         # punctuation around it stays
])
def test_corrections(raw, expected):
    assert run(apply_corrections, raw, LEXICON, {}) == expected


def test_pronunciations_change_the_speech_form_only():
    out, changes = apply_pronunciations(tokens("غار ثور."), LEXICON, {})
    assert [t.display for t in out] == ["غار", "ثور."]
    assert [t.speech for t in out] == ["غار", "ثَوْر."]
    assert changes[0].rule == "pronunciation" and changes[0].form == "speech"


def test_uses_are_counted_by_line():
    uses = {}
    apply_corrections(tokens("السهلا السهلا ودر التراب"), LEXICON, uses)
    assert uses == {3: 2, 4: 1}


@pytest.mark.parametrize("text, message", [
    ("السهلا السفلى", "line 1: 'السهلا السفلى' needs one `=`"),
    ("\n\nا = ب ~ ج", "line 3:"),
    ("ا = ب = ج", "more than one `=`"),
    ("= السفلى", "both sides"),
    ("السهلا = ", "both sides"),
    ("ا = ب\nا = ج", "line 2: 'ا' is already given on line 1"),
])
def test_syntax_errors_name_the_file_and_line(text, message):
    with pytest.raises(LexiconError) as error:
        Lexicon.parse(text, "my.lexicon")
    assert str(error.value).startswith("my.lexicon: ") and message in str(error.value)


def test_load_errors(tmp_path):
    with pytest.raises(LexiconError, match="no such lexicon file"):
        Lexicon.load(tmp_path / "missing.lexicon")
    bad = tmp_path / "bad.lexicon"
    bad.write_bytes("كفية = خفية".encode("cp1256"))
    with pytest.raises(LexiconError, match="not UTF-8"):
        Lexicon.load(bad)


def test_the_shipped_lexicon_loads_and_every_entry_fixes_the_lecture(lecture):
    from hijra_audio.config import load_config
    from hijra_audio.text import clean_text

    config = load_config()
    lexicon = Lexicon.load(config.lexicon_path())
    assert len(lexicon.corrections()) >= 8 and lexicon.pronunciations()
    cleaned = clean_text(lecture.read_text(encoding="utf-8"), lexicon)
    assert cleaned.lexicon_unused == ()
    for wrong in ("السهلا", "كفية", "ودر", "متوعدا"):
        assert wrong not in cleaned.display.split()


def test_corrections_reach_headings_too():
    from hijra_audio.text import clean_text

    cleaned = clean_text("## غار ثور والسهلا\nثم خرجوا الى غار ثور", Lexicon.parse("السهلا = السفلى\nثور ~ ثَوْر"))
    assert cleaned.display == "## غار ثور والسهلا\nثم خرجوا إلى غار ثور"       # whole words only (إلى: hamza)
    cleaned = clean_text("## غار ثور السهلا\nثم خرجوا الى غار ثور", Lexicon.parse("السهلا = السفلى\nثور ~ ثَوْر"))
    assert cleaned.display.split("\n")[0] == "## غار ثور السفلى"
    assert cleaned.speech == "## غار ثَوْر السفلى\nثم خرجوا إلى غار ثَوْر"


def test_a_doubling_entry():
    lexicon = Lexicon.parse("+ تعال تعال   # said twice on purpose\n+ أكيد أكيد\nالسهلا = السفلى\n")
    assert lexicon.doublings() == frozenset({("تعال", "تعال"), ("اكيد", "اكيد")})    # folded
    assert [e.text for e in lexicon.entries if e.kind == "doubling"] == ["+ تعال تعال", "+ أكيد أكيد"]
    assert [e.kind for e in lexicon.corrections()] == ["correction"] and not lexicon.pronunciations()


@pytest.mark.parametrize("text, message", [
    ("+ تعال", "line 1: a doubling"),
    ("+ تعال = تعالى", "line 1: a doubling"),
    ("+ تعال تعال\n+ تعال تعال", "line 2: 'تعال تعال' is already given on line 1"),
])
def test_a_bad_doubling_entry(text, message):
    with pytest.raises(LexiconError, match=message):
        Lexicon.parse(text)
