"""Show notes: what a feed item carries of its episode's text (publish/notes.py), as tables. The
same in a built feed, read by the parsers apps use: tests/test_feed.py."""

from __future__ import annotations

import pytest
from lxml import etree

from hijra_audio.publish.notes import (
    DESCRIPTION_LIMIT,
    FULL_TEXT,
    HEADINGS_BYTES,
    IN_THIS_EPISODE,
    MORE_SECTIONS,
    OPENING_CHARS,
    TRANSCRIPT,
    clip_chars,
    clip_text,
    episode_notes,
    notes_html,
    opening_paragraphs,
)

PAGE = "https://example.org/pod/index.html#episode-3"
VTT = "https://example.org/pod/episode-003.vtt"
SENTENCE = "خرج النبي صلى الله عليه وسلم من مكة ليلا مع صاحبه أبي بكر. "
LONG = SENTENCE * 30          # some 1,800 characters: far more than an opening
TEXT = ((True, "(الهجرة)"), (False, LONG), (True, "الغار"), (False, "اختفيا في الغار ثلاث ليال."),
        (True, "الطريق إلى المدينة"), (False, "ثم خرجا مع الدليل."))


def _fragment(html: str):
    """The show notes parsed as XHTML: they must be well-formed for any reader of content:encoded."""
    return etree.fromstring(f"<div>{html}</div>")


def test_short_notes_of_a_long_episode():
    notes = episode_notes(TEXT, "الهجرة", page=PAGE, transcript=VTT)
    opening = notes.description
    assert len(opening) <= OPENING_CHARS and opening.endswith(". …")      # after a whole sentence
    assert LONG.startswith(opening.removesuffix(" …"))
    tree = _fragment(notes.html)
    assert tree.findtext("p") == opening
    # the headings but the one the title repeats, in order; then the links
    assert tree.xpath("ul/li/text()") == ["الغار", "الطريق إلى المدينة"]
    assert tree.xpath("p/text()")[1] == IN_THIS_EPISODE
    assert [(a.get("href"), a.text) for a in tree.iter("a")] == [(PAGE, FULL_TEXT), (VTT, TRANSCRIPT)]
    assert {e.tag for e in tree.iter()} <= {"div", "p", "ul", "li", "a"}   # what Apple's apps render
    assert "اختفيا" not in notes.html and "اختفيا" not in notes.description   # not the book


def test_short_notes_are_a_few_kilobytes_however_long_the_episode():
    headings = tuple((True, f"قسم رقم {n} من أقسام هذا الباب الطويل") for n in range(200))
    notes = episode_notes(((False, LONG * 10),) + headings, "باب", page=PAGE, transcript=VTT)
    items = _fragment(notes.html).xpath("ul/li/text()")
    assert items[-1] == MORE_SECTIONS and 5 < len(items) < 200
    assert len("".join(f"<li>{i}</li>" for i in items[:-1]).encode()) <= HEADINGS_BYTES
    assert len(notes.html.encode()) + len(notes.description.encode()) < 3000


def test_short_notes_of_a_short_episode_are_all_of_it():
    notes = episode_notes(((False, "قصير."),), "قصير", page=PAGE)
    assert notes.description == "قصير."
    assert notes.html == f'<p>قصير.</p><p><a href="{PAGE}">{FULL_TEXT}</a></p>'


def test_short_notes_without_a_page_or_a_transcript_link_nothing():
    notes = episode_notes(((False, "قصير."),), "قصير")
    assert (notes.description, notes.html) == ("قصير.", "<p>قصير.</p>")


def test_an_episode_of_headings_only_opens_with_its_title():
    notes = episode_notes(((True, "أ"), (True, "ب")), "أ")
    assert notes.description == "أ"
    assert _fragment(notes.html).xpath("ul/li/text()") == ["ب"]


def test_hostile_text_is_escaped_in_the_notes():
    hostile = ((True, "سؤال & <b>جواب</b> ]]>"), (False, 'قال "Q&A" <script>x</script> ]]> \x00 تم.'))
    notes = episode_notes(hostile, "عنوان", page=PAGE + '?a=1&b="2"', transcript=VTT)
    tree = _fragment(notes.html)
    assert tree.findtext("p") == 'قال "Q&A" <script>x</script> ]]>  تم.'
    assert tree.xpath("ul/li/text()") == ["سؤال & <b>جواب</b> ]]>"]
    assert tree.find("p/a").get("href") == PAGE + '?a=1&b="2"'
    assert "]]>" not in notes.html and "<script>" not in notes.html and "\x00" not in notes.description


def test_full_notes_are_the_whole_text_as_before():
    notes = episode_notes(TEXT, "الهجرة", mode="full", page=PAGE, transcript=VTT)
    whole = "\n".join(text for _heading, text in TEXT)
    assert notes.description == clip_text(whole) and len(notes.description.encode()) <= DESCRIPTION_LIMIT
    assert notes.html == notes_html(TEXT)
    assert PAGE not in notes.html + notes.description


@pytest.mark.parametrize("paragraphs, chars, expected", [
    (((False, "أ. ب."),), 100, ["أ. ب."]),
    (((True, "ع"), (False, "أ."), (False, "ب.")), 100, ["أ.", "ب."]),        # a heading first: skipped
    (((False, "أ."), (True, "ع"), (False, "ب.")), 100, ["أ."]),               # never into the next section
    (((False, "جملة أولى هنا. وجملة ثانية طويلة"), ), 20, ["جملة أولى هنا. …"]),
    (((False, "أ" * 35), (False, "ب" * 100)), 40, ["أ" * 35]),                # a few letters more: no use
    (((False, "أ" * 5), (False, "كلمة " * 40)), 60, ["أ" * 5, clip_chars("كلمة " * 40, 54)]),
    (((True, "ع"),), 100, []),
])
def test_opening_paragraphs(paragraphs, chars, expected):
    assert opening_paragraphs(paragraphs, chars) == expected


@pytest.mark.parametrize("mode", ["short", "full"])
def test_credits_end_the_notes_and_leave_the_description_alone(mode):
    credits = "التلاوة بصوت القارئ، بإذن ناشر التسجيلات\nVoice: x (Piper); licence: CC BY 4.0."
    notes = episode_notes(TEXT, "الهجرة", mode=mode, page=PAGE, transcript=VTT, credit=credits)
    bare = episode_notes(TEXT, "الهجرة", mode=mode, page=PAGE, transcript=VTT)
    assert notes.html == bare.html + "<p>التلاوة بصوت القارئ، بإذن ناشر التسجيلات</p><p>Voice: x (Piper); licence: CC BY 4.0.</p>"
    assert notes.description == bare.description
