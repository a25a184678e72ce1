import functools
import json
import re
from pathlib import Path

import pytest

from hijra_audio.audio.render import Placed
from hijra_audio.audio.tags import Chapter
from hijra_audio.publish import transcript

PLACEMENTS = (Placed(0.0, 1.25), Placed(1.7, 3.0005), Placed(3.0, 3.0), Placed(3600 + 61.5, 3600 + 62.0))
TEXTS = ("## الهجرة", "قال تعالى ﴿إِلَّا تَنصُرُوهُ فَقَدْ نَصَرَهُ اللَّهُ﴾ & <b>", "", "آخر  \n سطر")


def test_one_cue_per_spoken_segment_with_display_text():
    cues = transcript.cues(PLACEMENTS, TEXTS)
    assert [(c.start, c.end) for c in cues] == [(0.0, 1.25), (1.7, 3.0005), (3661.5, 3662.0)]
    assert cues[1].text == TEXTS[1]          # the Quran quotation keeps its marks
    assert cues[2].text == "آخر سطر"


def _parse_vtt(data: bytes):
    text = data.decode("utf-8")
    assert text.startswith("WEBVTT\n")
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        lines = block.split("\n")
        start, end = re.fullmatch(r"(\S+) --> (\S+)", lines[1]).groups()
        cues.append((start, end, "\n".join(lines[2:])))
    return cues


def test_webvtt_times_and_escaping():
    cues = _parse_vtt(transcript.webvtt(transcript.cues(PLACEMENTS, TEXTS), "ar"))
    assert cues[0][:2] == ("00:00:00.000", "00:00:01.250")
    assert cues[1][:2] == ("00:00:01.700", "00:00:03.000") or cues[1][:2] == ("00:00:01.700", "00:00:03.001")
    assert cues[2][:2] == ("01:01:01.500", "01:01:02.000")
    assert "&amp; &lt;b&gt;" in cues[1][2] and "﴿" in cues[1][2]


def test_srt_uses_commas_and_numbers():
    text = transcript.srt(transcript.cues(PLACEMENTS, TEXTS)).decode("utf-8")
    blocks = text.strip().split("\n\n")
    assert [b.split("\n")[0] for b in blocks] == ["1", "2", "3"]
    assert blocks[0].split("\n")[1] == "00:00:00,000 --> 00:00:01,250"
    assert "<b>" in blocks[1]


def test_chapters_json_is_podcasting_2():
    data = json.loads(transcript.chapters_json((Chapter(0.0, 5.0, "أ"), Chapter(5.0, 9.5, "ب")), "عنوان"))
    assert data["version"] == "1.2.0" and data["title"] == "عنوان"
    assert data["chapters"] == [{"startTime": 0.0, "endTime": 5.0, "title": "أ"},
                                {"startTime": 5.0, "endTime": 9.5, "title": "ب"}]


def test_file_names_beside_the_mp3():
    files = transcript.files("episode-001", PLACEMENTS, TEXTS, (Chapter(0.0, 1.0, "x"),))
    assert sorted(files) == ["episode-001.chapters.json", "episode-001.srt", "episode-001.vtt"]


def test_one_placement_per_text():
    with pytest.raises(ValueError):
        transcript.cues(PLACEMENTS, TEXTS[:2])


# --- Cues a player can show: at most 7 s, two lines of at most 42 characters -------------------

QUOTE = ("﴿إِلَّا تَنصُرُوهُ فَقَدْ نَصَرَهُ اللَّهُ إِذْ أَخْرَجَهُ الَّذِينَ كَفَرُوا ثَانِيَ اثْنَيْنِ إِذْ هُمَا فِي "
         "الْغَارِ إِذْ يَقُولُ لِصَاحِبِهِ لَا تَحْزَنْ إِنَّ اللَّهَ مَعَنَا﴾ [9:40]")
SHORT_QUOTE = "﴿ثَانِيَ اثْنَيْنِ إِذْ هُمَا فِي الْغَارِ﴾ [9:40]"
MID_QUOTE = ("﴿إِلَّا تَنصُرُوهُ فَقَدْ نَصَرَهُ اللَّهُ إِذْ أَخْرَجَهُ الَّذِينَ كَفَرُوا ثَانِيَ اثْنَيْنِ إِذْ هُمَا فِي "
             "الْغَارِ﴾ [9:40]")


@pytest.mark.parametrize("text, width", [
    ("قال", 3), ("قال له", 6), ("ثَانِيَ", 4), ("﴿ثَانِيَ اثْنَيْنِ﴾ [9:40]", 19), ("a\u200fb", 2), ("", 0),
])
def test_width_counts_what_a_reader_sees(text, width):
    assert transcript.width(text) == width


@pytest.mark.parametrize("text, lines", [
    ("خرج النبي ليلا", ("خرج النبي ليلا",)),
    # 42 characters exactly: one line
    ("ثم اذن لاصحابه بالهجرة الى المدينة فهاجروا", ("ثم اذن لاصحابه بالهجرة الى المدينة فهاجروا",)),
    # 43: two, as even as they can be
    ("ثم اذن لاصحابه بالهجرة الى المدينة فهاجروا،", ("ثم اذن لاصحابه بالهجرة", "الى المدينة فهاجروا،")),
    ("فلما كان الليل اجتمعوا على بابه يرصدونه حتى ينام فيثبون عليه",
     ("فلما كان الليل اجتمعوا على بابه", "يرصدونه حتى ينام فيثبون عليه")),
    (SHORT_QUOTE, (SHORT_QUOTE,)),          # 50 characters, 35 without the vowel marks: one line
    ("كلمةطويلةجدا" * 4, ("كلمةطويلةجدا" * 4,)),                          # one word: not cut
])
def test_wrap_into_at_most_two_even_lines(text, lines):
    assert transcript.wrap(text) == lines


def _show(cues):
    return [(round(c.start, 3), round(c.end, 3), c.lines) for c in cues]


LONG = ("فلما كان الليل اجتمعوا على بابه يرصدونه حتى ينام فيثبون عليه، فلما رأى رسول الله صلى الله عليه "
        "وسلم مكانهم قال لعلي بن أبي طالب: نم على فراشي")


@pytest.mark.parametrize("start, end, text, expected", [
    # fits: one cue, the segment's times
    (1.0, 3.0, "خرج النبي ليلا", [(1.0, 3.0, ("خرج النبي ليلا",))]),
    # 60 characters in 6 s: one cue of two lines
    (0.0, 6.0, "فلما كان الليل اجتمعوا على بابه يرصدونه حتى ينام فيثبون عليه",
     [(0.0, 6.0, ("فلما كان الليل اجتمعوا على بابه", "يرصدونه حتى ينام فيثبون عليه"))]),
    # the same in 10 s is too long on screen: two cues, timed by their share of the characters
    (0.0, 10.0, "فلما كان الليل اجتمعوا على بابه يرصدونه حتى ينام فيثبون عليه",
     [(0.0, 5.333, ("فلما كان الليل اجتمعوا على بابه",)), (5.333, 10.0, ("يرصدونه حتى ينام فيثبون عليه",))]),
    # 141 characters in 8 s: two cues of two lines, cut after the comma (62 of 141 characters:
    # 8 s x 62 / 141), though a word off even
    (20.0, 28.0, LONG,
     [(20.0, 23.518, ("فلما كان الليل اجتمعوا على بابه", "يرصدونه حتى ينام فيثبون عليه،")),
      (23.518, 28.0, ("فلما رأى رسول الله صلى الله عليه وسلم", "مكانهم قال لعلي بن أبي طالب: نم على فراشي"))]),
])
def test_a_segment_is_split_into_cues_at_words(start, end, text, expected):
    assert _show(transcript.split_segment(start, end, text)) == expected


@pytest.mark.parametrize("text, seconds", [
    (f"قال تعالى: {SHORT_QUOTE} وهذا في الهجرة", 6.0),
    (f"قال تعالى: {SHORT_QUOTE} وهذا في الهجرة، فلما وصلوا الى المدينة نزلوا في قباء", 9.0),
    (f"قال تعالى: {QUOTE} وهذا في الهجرة", 6.0),
    (f"قال تعالى: {QUOTE} وهذا في الهجرة", 30.0),
    (f"{QUOTE}", 3.0),
    (f"{QUOTE}", 40.0),
    # two cues: the even cut would fall inside the quotation, which fits in one
    (f"فلما وصلوا الى الغار قال ابو بكر {SHORT_QUOTE} ثم خرجوا منه بعد ثلاث ليال", 6.0),
    # and here just before the reference
    (f"{MID_QUOTE} وهذا في الهجرة، فلما خرجوا", 7.0),
])
def test_a_quotation_is_cut_only_when_it_does_not_fit_and_keeps_its_reference(text, seconds):
    cues = transcript.split_segment(0.0, seconds, text)
    texts = [c.text for c in cues]
    assert " ".join(texts) == text
    quote = next(q for q in (QUOTE, MID_QUOTE, SHORT_QUOTE) if q in text)
    fits_alone = len(transcript.split_segment(0.0, seconds * len(quote) / len(text), quote)) == 1
    if fits_alone:   # never cut: one cue has all of it
        assert any(quote in t for t in texts)
    # the reference is never alone nor at a cue's start, and it goes with the closing mark
    assert all(not t.startswith("[") for t in texts)
    assert all(not line.startswith("[") for c in cues for line in c.lines)
    assert sum("﴾ [9:40]" in t for t in texts) == 1
    if not fits_alone:
        assert len(cues) > 1 and all(_fits(c) for c in cues)


def _fits(cue) -> bool:
    return (cue.end - cue.start <= transcript.MAX_CUE_SECONDS + 1e-9 and len(cue.lines) <= transcript.MAX_LINES
            and all(transcript.width(line) <= transcript.MAX_LINE_CHARS for line in cue.lines))


def _placements(texts, seconds_per_char):
    """Segments one after another, each as long as its characters at this rate, 0.45 s apart."""
    out, t = [], 0.0
    for text in texts:
        length = transcript.width(text) * seconds_per_char
        out.append(Placed(t, t + length))
        t += length + 0.45
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _segment_texts(path: Path) -> tuple[str, ...]:
    """The display text of every segment of a narration, as a build cuts it (default settings)."""
    from hijra_audio.episodes import plan_episodes, sections_from_cleaned
    from hijra_audio.text import clean_text

    cleaned = clean_text(path.read_text(encoding="utf-8"))
    episodes = plan_episodes(sections_from_cleaned(cleaned), episode_minutes=10, words_per_minute=120,
                             max_segment_chars=160)
    return tuple(s.display for e in episodes for s in e.segments)


@pytest.mark.parametrize("seconds_per_char", [0.02, 0.0967, 0.2])   # fast; espeak's on Ibn Hisham; slow
def test_the_hijra_chapter_gives_cues_a_player_can_show(shared, seconds_per_char):
    texts = _segment_texts(shared / "data" / "sira" / "ibnhisham-hijra.txt")
    placements = _placements(texts, seconds_per_char)
    cues = transcript.cues(placements, texts)
    assert all(_fits(c) for c in cues)
    assert " ".join(c.text for c in cues).split() == " ".join(texts).split()       # every word, in order
    # the cues of each segment tile it: from its start to its end, one after another
    pos = 0
    for placement, text in zip(placements, texts):
        own = []
        while pos < len(cues) and cues[pos].start < placement.end - 1e-9:
            own.append(cues[pos])
            pos += 1
        assert own[0].start == placement.start and own[-1].end == placement.end
        assert all(a.end == b.start for a, b in zip(own, own[1:]))
        assert " ".join(c.text for c in own) == " ".join(text.split())
    assert all(not c.text.startswith("[") for c in cues)
    assert sum(c.text.count("﴿") for c in cues) == sum(c.text.count("﴾") for c in cues) > 0


def test_webvtt_and_srt_parsed_back_agree_and_keep_the_limits(tmp_path):
    webvtt = pytest.importorskip("webvtt", reason="webvtt-py (the test extra) parses the captions back")
    srt = pytest.importorskip("srt", reason="srt (the test extra) parses the SRT back")
    texts = (LONG, f"قال تعالى: {QUOTE} وهذا في الهجرة", "خرج النبي ليلا", LONG + " " + LONG)
    placements = _placements(texts, 0.15)
    files = transcript.files("episode-001", placements, texts, (), "عنوان", "ar")
    (tmp_path / "episode-001.vtt").write_bytes(files["episode-001.vtt"])
    captions = webvtt.read(str(tmp_path / "episode-001.vtt"))
    subtitles = list(srt.parse(files["episode-001.srt"].decode("utf-8")))
    assert len(captions) == len(subtitles) == len(transcript.cues(placements, texts)) > len(texts)
    for caption, subtitle in zip(captions, subtitles):
        lines = caption.text.split("\n")
        assert len(lines) <= 2 and all(transcript.width(line) <= 42 for line in lines)
        assert _seconds(caption.end) - _seconds(caption.start) <= 7.0
        assert caption.text == subtitle.content
        assert _seconds(caption.start) == subtitle.start.total_seconds()
        assert _seconds(caption.end) == subtitle.end.total_seconds()
    words = " ".join(c.text.replace("\n", " ") for c in captions).split()
    assert words == " ".join(texts).split()


def _seconds(clock: str) -> float:
    hours, minutes, seconds = clock.split(":")
    return round(int(hours) * 3600 + int(minutes) * 60 + float(seconds), 3)


def test_chapters_do_not_change_with_cues():
    chapters = (Chapter(0.0, 20.0, "الهجرة"), Chapter(20.0, 31.5, "الغار"))
    texts = (LONG, LONG)
    placements = (Placed(0.0, 19.0), Placed(20.0, 31.5))
    files = transcript.files("e", placements, texts, chapters, "عنوان")
    assert files["e.chapters.json"] == transcript.chapters_json(chapters, "عنوان")
    assert len(transcript.cues(placements, texts)) > 2


@pytest.mark.parametrize("text", ["ثم هاجر إلى المدينة", "a < b & c --> d", "﴿إِذْ يَمْكُرُ﴾ [8:30]"])
def test_webvtt_texts_reads_back_what_webvtt_wrote(text):
    cues = (transcript.Cue(0.0, 1.0, text), transcript.Cue(1.5, 2.0, "وبعد"))
    assert transcript.webvtt_texts(transcript.webvtt(cues, "ar")) == (text, "وبعد")
