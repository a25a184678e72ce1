from hijra_audio.episodes import parse_sections, plan_episodes
from hijra_audio.text import clean


def test_headings_open_sections():
    sections = parse_sections("مقدمة قصيرة\n## الباب الاول\nنص الاول\nتتمة\n## الباب الثاني\nنص الثاني")
    assert [(s.heading, s.text) for s in sections] == [
        (None, "مقدمة قصيرة"), ("الباب الاول", "نص الاول تتمة"), ("الباب الثاني", "نص الثاني")]


def _plan(text, minutes=1.0, wpm=100.0):
    return plan_episodes(parse_sections(text), episode_minutes=minutes, words_per_minute=wpm,
                         max_segment_chars=120)


def test_bundled_lecture_makes_two_to_four_episodes(lecture):
    from hijra_audio.config import load_config

    config = load_config()
    text = clean(lecture.read_text(encoding="utf-8"))
    episodes = plan_episodes(parse_sections(text), episode_minutes=config.episode_minutes,
                             words_per_minute=config.words_per_minute,
                             max_segment_chars=config.max_segment_chars)
    assert 2 <= len(episodes) <= 4
    # every word is spoken once, in order
    assert " ".join(s.text for e in episodes for s in e.segments).split() == text.split()
    assert [e.title.split(":")[0] for e in episodes] == [f"الحلقة {i}" for i in range(1, len(episodes) + 1)]
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
    assert [s.text for s in headed] == [f"باب {i}" for i in range(1, 7)]


def test_a_long_section_is_split_between_episodes():
    text = "## الباب الطويل\n" + " ".join(["كلمة"] * 500)
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
    plain = parse_sections(cleaned.display)
    rich = sections_from_cleaned(cleaned)
    assert [(s.heading, s.text) for s in rich] == [(s.heading, s.text) for s in plain]
    options = dict(episode_minutes=10, words_per_minute=120, max_segment_chars=160)
    from_rich, from_plain = plan_episodes(rich, **options), plan_episodes(plain, **options)
    assert [e.key for e in from_rich] == [e.key for e in from_plain]
    assert [e.title for e in from_rich] == [e.title for e in from_plain]
    segments = [s for e in from_rich for s in e.segments]
    assert " ".join(s.text for s in segments).split() == " ".join(
        f"{s.heading} {s.text}" if s.heading else s.text for s in plain).split()
    spoken = [s for s in segments if s.speech]
    assert spoken and all("﴿" not in s.speech for s in spoken)
    assert all(len(s.text) <= 160 or "﴿" in s.text for s in segments)


def test_a_heading_used_twice_still_gives_every_episode_its_own_key():
    # found on Ibn Hisham's whole book: `تفسير ابن هشام لبعض الغريب` opens several episodes
    body = " ".join(["كلمة"] * 120)
    text = "\n".join(f"## {heading}\n{body}" for heading in ["باب", "تفسير الغريب", "باب آخر", "تفسير الغريب"])
    episodes = _plan(text, minutes=1.0, wpm=100.0)
    assert [e.title for e in episodes] == ["باب", "تفسير الغريب", "باب آخر", "تفسير الغريب"]
    keys = [e.key for e in episodes]
    assert len(set(keys)) == 4 and keys[3] == keys[1] + "-2"
