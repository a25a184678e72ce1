import pytest

from hijra_audio.episodes import (
    NEAR_TARGET,
    TITLE_CHARS,
    ends_sentence,
    opening_words,
    past_opening_formulas,
    plan_episodes,
    sections_from_cleaned,
)
from hijra_audio.text import clean, clean_text
from tests.textcases import sections


def test_headings_open_sections():
    found = sections("مقدمة قصيرة\n## الباب الاول\nنص الاول\nتتمة\n## الباب الثاني\nنص الثاني")
    assert [(s.heading, s.text) for s in found] == [
        (None, "مقدمة قصيرة"), ("الباب الاول", "نص الاول تتمة"), ("الباب الثاني", "نص الثاني")]


def test_a_top_level_heading_opens_a_part_and_an_episode():
    body = " ".join(["كلمة"] * 10)
    text = (f"مقدمة {body}\n# الجزء الأول\n## الباب الأول\n{body}\n## الباب الثاني\n{body}\n"
            f"# (الجزء الثاني)\n{body}\n## الباب الثالث\n{body}")
    found = sections(text)
    assert [(s.heading, s.top, s.breaks) for s in found] == [
        (None, False, False), ("الجزء الأول", True, True), ("الباب الأول", False, False),
        ("الباب الثاني", False, False), ("(الجزء الثاني)", True, True), ("الباب الثالث", False, False)]
    episodes = _plan(text, minutes=10.0)      # room for all of it: only the parts cut it
    # titled by a section's heading where there is one: the part is named apart (a season)
    assert [(e.part, e.title) for e in episodes[1:]] == [("الجزء الأول", "الباب الأول"),
                                                         ("الجزء الثاني", "الباب الثالث")]
    assert episodes[0].part == "" and episodes[0].title.startswith("مقدمة")
    # the part's heading is spoken, and shown as a heading (a chapter)
    assert [s.display for s in episodes[1].segments if s.is_heading] == ["الجزء الأول", "الباب الأول", "الباب الثاني"]


def test_cleaning_keeps_a_top_level_heading_apart():
    cleaned = clean_text("# الجزء الأول\n## الباب الأول\nقال ابن إسحاق", quran=False)
    assert [(line.heading, line.top) for line in cleaned.lines] == [(True, True), (True, False), (False, False)]
    assert cleaned.display.splitlines()[:2] == ["# الجزء الأول", "## الباب الأول"]


def _plan(text, minutes=1.0, wpm=100.0):
    return plan_episodes(sections(text), episode_minutes=minutes, words_per_minute=wpm,
                         max_segment_chars=120)


def test_bundled_lecture_makes_two_to_four_episodes(lecture):
    from hijra_audio.config import load_config

    config = load_config()
    text = clean(lecture.read_text(encoding="utf-8"))
    episodes = plan_episodes(sections(text), episode_minutes=config.episode_minutes,
                             words_per_minute=config.words_per_minute,
                             max_segment_chars=config.max_segment_chars)
    assert 2 <= len(episodes) <= 4
    # every word is spoken once, in order
    assert " ".join(s.display for e in episodes for s in e.segments).split() == text.split()
    # titled by their opening words, without an episode number (itunes:episode carries it)
    for episode in episodes:
        assert not episode.title.startswith("الحلقة")
        assert " ".join(s.display for s in episode.segments).startswith(episode.title.rstrip("…"))
    assert len({e.key for e in episodes}) == len(episodes)


def test_sections_are_grouped_near_the_target_and_titled_by_heading():
    body = " ".join(["كلمة"] * 40)
    text = "\n".join(f"## باب {i}\n{body}" for i in range(1, 7))
    episodes = _plan(text, minutes=1.0, wpm=100.0)   # 100 words an episode: 2 or 3 sections each
    assert 2 <= len(episodes) <= 3
    assert episodes[0].title == "باب 1"
    assert all(e.words <= 150 for e in episodes)
    assert episodes[0].segments[0].is_heading and episodes[0].segments[0].starts_section
    headed = [s for e in episodes for s in e.segments if s.is_heading]
    assert [s.display for s in headed] == [f"باب {i}" for i in range(1, 7)]


def test_a_long_section_is_split_between_episodes():
    text = "## الباب الطويل\n" + " ".join(_sentence(10) for _ in range(50))
    episodes = _plan(text, minutes=1.0, wpm=100.0)
    assert len(episodes) >= 4
    assert episodes[0].title == "الباب الطويل"
    assert episodes[1].title == "الباب الطويل (2)"


def test_keys_are_stable_when_text_changes():
    first = _plan("## باب الهجرة\nنص اول\n## باب الغار\nنص ثان", minutes=0.01)
    second = _plan("## باب الهجرة\nنص مختلف تماما\n## باب الغار\nنص ثان", minutes=0.01)
    assert [e.key for e in first] == [e.key for e in second]


def test_cleaned_sections_keep_headings_keys_and_give_both_forms(shared):
    from hijra_audio.episodes import sections_from_cleaned
    from hijra_audio.text import clean_text

    cleaned = clean_text((shared / "data" / "sira" / "ibnhisham-hijra.txt").read_text(encoding="utf-8"))
    plain = sections(cleaned.display)
    rich = sections_from_cleaned(cleaned)
    assert [(s.heading, s.text) for s in rich] == [(s.heading, s.text) for s in plain]
    options = dict(episode_minutes=10, words_per_minute=120, max_segment_chars=160)
    from_rich, from_plain = plan_episodes(rich, **options), plan_episodes(plain, **options)
    assert [e.key for e in from_rich] == [e.key for e in from_plain]
    assert [e.title for e in from_rich] == [e.title for e in from_plain]
    segments = [s for e in from_rich for s in e.segments]
    assert " ".join(s.display for s in segments).split() == " ".join(
        f"{s.heading} {s.text}" if s.heading else s.text for s in plain).split()
    spoken = [s for s in segments if s.speech]
    assert spoken and all("﴿" not in s.speech for s in spoken)
    assert all(len(s.display) <= 160 or "﴿" in s.display for s in segments)


def test_a_heading_used_twice_still_gives_every_episode_its_own_key():
    # found on Ibn Hisham's whole book: `تفسير ابن هشام لبعض الغريب` opens several episodes
    body = " ".join(["كلمة"] * 120)
    text = "\n".join(f"## {heading}\n{body}" for heading in ["باب", "تفسير الغريب", "باب آخر", "تفسير الغريب"])
    episodes = _plan(text, minutes=1.0, wpm=100.0)
    assert [e.title for e in episodes] == ["باب", "تفسير الغريب", "باب آخر", "تفسير الغريب"]
    keys = [e.key for e in episodes]
    assert len(set(keys)) == 4 and keys[3] == keys[1] + "-2"


# --- Episodes end at sentence ends -----------------------------------------------------------------

_WORD_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهي"


def _word(i: int) -> str:
    """The i-th of many different three-letter words (cleaning finds no repetition in them)."""
    n = len(_WORD_LETTERS)
    return _WORD_LETTERS[i % n] + _WORD_LETTERS[i // n % n] + _WORD_LETTERS[i // (n * n) % n]


def _sentence(words: int, end: str = ".", first: int = 0) -> str:
    """`words` different words, `end` after the last one ("" for no mark)."""
    return " ".join(_word(first + i) for i in range(words)) + end


@pytest.mark.parametrize("text, ends", [
    ("خرج.", True), ("خرج؟", True), ("خرج!", True), ("خرج…", True), ("خرج?", True),
    ("قال: «اخرج.»", True), ("(هذا هو).", True), ("﴿ثَانِيَ اثْنَيْنِ﴾ [9:40].", True),
    ("خرج،", False), ("قال:", False), ("خرج؛", False), ("خرج", False), ("", False),
    ("﴿ثَانِيَ اثْنَيْنِ﴾ [9:40]", False), ("«اخرج»", False),
])
def test_what_ends_a_sentence(text, ends):
    assert ends_sentence(text) is ends


# Sentences (words, with a full stop or without) in one section; target 100 words an episode:
# the words of each episode. A cut is only ever after a full stop.
@pytest.mark.parametrize("sentences, expected", [
    ([(10, ".")] * 50, [100, 100, 100, 100, 100]),        # sentence ends everywhere: cuts at the target
    ([(500, "")], [500]),                                  # no sentence end: never cut, one long episode
    ([(30, "."), (300, "")], [330]),                       # the only end would leave a 30-word episode
    ([(120, "."), (140, "."), (140, ".")], [120, 140, 140]),  # the nearest end, longer or shorter
    ([(70, "."), (140, "."), (90, ".")], [70, 140, 90]),   # 70 is nearer 100 than 210
    ([(60, ""), (10, "."), (60, "")], [130]),              # 1.5 x the target or less: not split
    ([(95, ""), (10, "."), (95, "")], [105, 95]),          # more: split at its one sentence end
    ([(140, ""), (20, "."), (30, "."), (140, "")], [160, 170]),  # the end nearer the target (160, not 190)
])
def test_a_long_section_is_cut_only_at_sentence_ends(sentences, expected):
    text = "## باب\n" + " ".join(_sentence(n, end) for n, end in sentences)
    episodes = _plan(text, minutes=1.0, wpm=100.0)
    assert [sum(s.words for s in e.segments if not s.is_heading) for e in episodes] == expected
    for episode in episodes[:-1]:
        assert ends_sentence(episode.segments[-1].display)
    assert [e.title for e in episodes] == ["باب"] + [f"باب ({i})" for i in range(2, len(episodes) + 1)]


def _lecture_episodes(lecture, **options):
    from hijra_audio.config import load_config

    config = load_config()
    cleaned = clean_text(lecture.read_text(encoding="utf-8"))
    return plan_episodes(sections_from_cleaned(cleaned), episode_minutes=config.episode_minutes,
                         words_per_minute=config.words_per_minute,
                         max_segment_chars=config.max_segment_chars, **options)


# The examples, on the bundled lecture as cleaned and planned with the bundled show's settings.
@pytest.mark.parametrize("number, never", [
    (1, "end:يجتمعون عند الباب،"),                       # episode 1 ended mid-sentence
    (2, "start:فاذا طلع يطعنونه"),                       # and episode 2 started in that sentence
    (2, "title:الحلقة 2: فاذا طلع يطعنونه جميعا حتى يتفرق…"),
    (1, "title:الحلقة"), (2, "title:الحلقة"), (3, "title:الحلقة"),   # no episode numbers in titles
])
def test_the_bundled_lecture_is_cut_between_sentences(lecture, number, never):
    episodes = _lecture_episodes(lecture)
    episode = episodes[number - 1]
    text = " ".join(s.display for s in episode.segments)
    where, words = never.split(":", 1)
    got = {"end": text[-len(words):], "start": text[:len(words)], "title": episode.title[:len(words)]}[where]
    assert got != words


def test_every_bundled_episode_ends_a_sentence_and_is_titled_by_its_opening_words(lecture):
    episodes = _lecture_episodes(lecture)
    assert len(episodes) >= 2
    for episode in episodes:
        assert ends_sentence(episode.segments[-1].display), episode.segments[-1].display
        text = " ".join(s.display for s in episode.segments)
        assert text.startswith(episode.title.rstrip("…")) and len(episode.title) <= TITLE_CHARS + 1
    numbered = _lecture_episodes(lecture, numbered_titles=True)
    assert [e.title for e in numbered] == [f"الحلقة {e.number}: {e.title}" for e in episodes]
    assert [e.key for e in episodes] == [f"n-{i}" for i in range(1, len(episodes) + 1)]   # as before


QUOTE = "﴿إِلَّا تَنصُرُوهُ فَقَدْ نَصَرَهُ اللَّهُ إِذْ أَخْرَجَهُ الَّذِينَ كَفَرُوا ثَانِيَ اثْنَيْنِ﴾ [9:40]"


@pytest.mark.parametrize("text, title", [
    ("خرج النبي ليلا. ثم سار الى الغار", "خرج النبي ليلا"),                # a short first sentence
    ("خرج النبي ليلا", "خرج النبي ليلا"),                                 # all of a short text
    ("قال. ثم سكت طويلا. ثم قام", "قال. ثم سكت طويلا"),                  # a sentence of 3 words at least
    ("ثم اذن لاصحابه بالهجرة الى المدينة فهاجروا افرادا وجماعات على خفية",
     "ثم اذن لاصحابه بالهجرة الى المدينة فهاجروا…"),                     # cut at a word, at most 48
    ("فعند ذلك النبي صلى الله عليه وسلم نام في بيته، تظاهر لهم انه ينام",
     "فعند ذلك النبي صلى الله عليه وسلم نام في بيته…"),                  # without the comma
    (f"قال تعالى: {QUOTE} وهذا في الهجرة", "قال تعالى…"),                 # never inside a quotation
    (f"{QUOTE} وهذا في الهجرة", QUOTE.split(" [")[0]),                    # one that opens: all of it
])
def test_titles_from_opening_words(text, title):
    assert opening_words(text) == title
    assert len(title) <= TITLE_CHARS or "﴾" in title


@pytest.mark.parametrize("text, after", [
    ("﴿بسم الله الرحمن الرحيم﴾ [1:1] والصلاة والسلام على رسول الله أما بعد، فحديثنا عن الهجرة.",
     "فحديثنا عن الهجرة."),
    ("إن الحمد لله نحمده ونستعينه ونستغفره، أما بعد: فإن خير الحديث كتاب الله.", "فإن خير الحديث كتاب الله."),
    ("﴿بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ﴾ [1:1] خرج النبي ليلا.", "خرج النبي ليلا."),    # no أما بعد
    ("﴿بسم الله الرحمن الرحيم﴾ [1:1]", "﴿بسم الله الرحمن الرحيم﴾ [1:1]"),     # nothing after it
    ("خرج النبي ليلا. أما بعد فكذا.", "خرج النبي ليلا. أما بعد فكذا."),         # no formula first
    (f"{QUOTE} وهذا في الهجرة", f"{QUOTE} وهذا في الهجرة"),                   # a verse that opens stays
    ("الحمد لله " + "قال " * 80 + "أما بعد فكذا", "الحمد لله " + "قال " * 80 + "أما بعد فكذا"),   # too far on
])
def test_a_title_starts_after_the_opening_formulas(text, after):
    assert past_opening_formulas(text) == after


def test_a_transcribed_lecture_is_not_titled_by_its_basmala():
    from hijra_audio.config import load_config
    from hijra_audio.preview import plan_sentence

    said = ("بسم الله الرحمن الرحيم الحمد لله رب العالمين والصلاة والسلام على رسول الله وعلى آله وصحبه "
            "أجمعين أما بعد فحديثنا اليوم عن هجرة النبي صلى الله عليه وسلم من مكة إلى المدينة")
    [episode] = plan_sentence(load_config(), said).episodes
    assert "﴿" in episode.segments[0].display                 # the formulas are there, quoted
    assert episode.title == "فحديثنا اليوم عن هجرة النبي صلى الله عليه وسلم…"


def test_titles_never_number_episodes_unless_asked():
    text = "مقدمة بلا عنوان فيها كلام كثير.\n## باب الهجرة\n" + _sentence(10)
    plain = _plan(text, minutes=0.01)
    numbered = plan_episodes(sections(text), episode_minutes=0.01, words_per_minute=100,
                             max_segment_chars=120, numbered_titles=True)
    assert [e.title for e in plain] == ["مقدمة بلا عنوان فيها كلام كثير", "باب الهجرة"]
    assert [e.title for e in numbered] == ["الحلقة 1: مقدمة بلا عنوان فيها كلام كثير", "باب الهجرة"]


# --- Sections group into episodes; published episodes stay as they are -------------------------

LETTERS = "أبتثجحخدذرزسشصضطظعغفقكلمنهوي"


def _sections_text(sizes) -> str:
    """A section per size: a one-word heading (a letter) and one sentence of `size - 1` words."""
    return "\n".join(f"## {LETTERS[i]}\n{_sentence(size - 1)}" for i, size in enumerate(sizes))


# Section lengths (heading included) -> the sections of each episode; target 100 words.
@pytest.mark.parametrize("sizes, groups", [
    ([40] * 6, [3, 3]),                 # joined until the episode reaches the target
    ([100, 20], [1, 1]),                # a short last section is its own episode (no longer folded in)
    ([60, 60, 60], [2, 1]),             # 120 is within 1.5 x the target
    ([30, 30, 100], [2, 1]),            # 160 is not, and 60 is half the target: a new episode
    ([45, 100], [2]),                   # 145 is within 1.5 x
    ([55, 100], [1, 1]),                # 155 is not
])
def test_sections_are_grouped_by_what_comes_before(sizes, groups):
    episodes = _plan(_sections_text(sizes), minutes=1.0, wpm=100.0)
    assert [len(e.headings) for e in episodes] == groups


@pytest.mark.parametrize("sizes, appended", [
    ([40] * 6, [40]), ([40] * 6, [300]), ([30, 30, 100], [45, 45]), ([100], [5]), ([130], [20]),
    ([100, 100, 100], [100, 100]), ([100, 20], [100]), ([60, 60, 60], [10]),
])
def test_appending_a_section_never_changes_an_episode_that_reached_the_target(sizes, appended):
    before = _plan(_sections_text(sizes), minutes=1.0, wpm=100.0)
    after = _plan(_sections_text(sizes + appended), minutes=1.0, wpm=100.0)
    # Every episode but the last is closed; the last too once it has reached the target (a short
    # last one may take the new section in: [100, 20] + [100] makes [100], [20, 100]).
    closed = len(before) if before[-1].words >= NEAR_TARGET * 100 else len(before) - 1
    assert [(e.key, e.title, e.segments) for e in after[:closed]] == \
        [(e.key, e.title, e.segments) for e in before[:closed]]
    if closed == len(before):
        assert len(after) > len(before)


def test_appending_a_section_to_the_bundled_lecture_adds_an_episode_and_changes_none(lecture):
    raw = lecture.read_text(encoding="utf-8")
    options = dict(episode_minutes=1.5, words_per_minute=120, max_segment_chars=160)
    before = plan_episodes(sections_from_cleaned(clean_text(raw)), **options)
    added = raw.rstrip("\n") + "\n## الوصول الى المدينة\nفلما وصل النبي صلى الله عليه وسلم الى قباء فرح به الناس.\n"
    after = plan_episodes(sections_from_cleaned(clean_text(added)), **options)
    assert len(after) == len(before) + 1 and after[-1].title == "الوصول إلى المدينة"   # its hamza spelled
    assert [(e.key, e.title, e.segments) for e in after[:-1]] == [(e.key, e.title, e.segments) for e in before]


@pytest.mark.parametrize("text, titles, bodies", [
    # a `---` line starts an episode, however short the one before; it is never spoken nor shown
    ("## أ\n" + _sentence(20) + "\n---\n" + _sentence(20, first=20), ["أ", opening_words(_sentence(20, first=20))],
     [20, 20]),
    ("## أ\n" + _sentence(20) + "\n---\n## ب\n" + _sentence(20, first=20), ["أ", "ب"], [20, 20]),
    ("---\n" + _sentence(5) + "\n---\n\n---\n" + _sentence(5, first=5),
     [opening_words(_sentence(5)), opening_words(_sentence(5, first=5))], [5, 5]),
    ("## أ\n" + _sentence(20) + "\n--\n" + _sentence(20, first=20), ["أ"], [41]),   # `--` is a word
])
def test_a_dash_line_forces_an_episode_break(text, titles, bodies):
    for found in (sections(text), sections_from_cleaned(clean_text(text, quran=False))):
        episodes = plan_episodes(found, episode_minutes=10, words_per_minute=100, max_segment_chars=120)
        assert [e.title for e in episodes] == titles
        assert [sum(s.words for s in e.segments if not s.is_heading) for e in episodes] == bodies
        assert all("---" not in s.display and "---" not in s.speech for e in episodes for s in e.segments)
