"""A reciter's recordings in place of the voice (recite/): the folder, the word timings, the cuts at
the reciter's pauses, the clips, which quotations are recited, and every bad input. Fake reciters
(`tests/fake_reciter.py`: a tone per word) are made here; builds are in test_recitation_build.py."""

import functools
import json

import numpy as np
import pytest

from hijra_audio.config import bundled_config_path
from hijra_audio.errors import ConfigError, RecitationError
from hijra_audio.pipeline import BuildRequest, prepare
from hijra_audio.rebuild.cache import ClipCache
from hijra_audio.rebuild.schedule import make_recordings
from hijra_audio.recite import Recitation, clip
from hijra_audio.recite.cut import WHOLE, stretch
from hijra_audio.recite.folder import Reciter
from hijra_audio.recite.timing import Timings, VerseTiming, word_map
from hijra_audio.text.quran import QuranIndex, fold
from hijra_audio.text.tokens import Quoted
from tests.fake_reciter import EDGE_MS, GAP_MS, PAUSE_MS, WORD_MS, FakeReciter, verse_words, words_heard
from tests.fakes import FakeEngine


@pytest.fixture(scope="module")
def index():
    return QuranIndex.load()


def _quoted(index, verse, first, end, **kw):
    v = index.verses.index(verse)
    return Quoted(index.verse_start[v] + first, index.verse_start[v] + end, **{"matched": end - first, **kw})


def _recitation(reciter, timings=True, formulas=False):
    found = Timings.load(reciter.folder.parent / "timings.json") if timings else None
    return Recitation(Reciter(reciter.folder), found, formulas)


def _request(tmp_path, reciter=None, **recitation):
    given = {"recitation": str(reciter.folder), "recitation_credit": "تلاوة للاختبار",
             "recitation_timing": str(reciter.folder.parent / "timings.json")} if reciter else {}
    given.update(recitation)
    return BuildRequest(config_path=bundled_config_path(), output=tmp_path / "out", jobs=1,
                        engine_factory=functools.partial(FakeEngine, str(tmp_path / "engine.log")),
                        recitation={k: v for k, v in given.items() if v is not None})


def _recited(prepared):
    return [(d.episode.number, p) for d in prepared.decisions for p in d.parts if p.recited is not None]


# --- the timings ---------------------------------------------------------------------------------

def test_quran_align_json_is_read_as_published(reciter, tmp_path):
    timings = Timings.load(tmp_path / "timings.json")
    verse = timings.get((9, 40))
    assert verse.words == verse_words((9, 40)) and verse.segments[0].start_ms == EDGE_MS
    assert timings.get((2, 255)) is None


def test_the_word_tier_of_quranic_universal_audio_is_read_too(tmp_path):
    path = tmp_path / "qul.json"
    path.write_text(json.dumps({"9:40": {"segments": [[1, 0, 300], [2, 300, 700], [3, 900, 1200]]}}))
    verse = Timings.load(path).get((9, 40))
    assert [(s.first, s.end, s.start_ms, s.end_ms) for s in verse.segments] == [(0, 1, 0, 300), (1, 2, 300, 700),
                                                                                (2, 3, 900, 1200)]
    assert verse.pauses() == {0: 0, 2: 800, 3: -1}


@pytest.mark.parametrize("text, complaint", [
    ("not json", "not a JSON file"),
    ('{"title": "another format"}', "another known format"),
    ('[{"surah": 9, "ayah": 40, "segments": [[0, 1, 500]]}]', "another known format"),
    ('[{"sura": 9, "aya": 40}]', "another known format"),
    ("[]", "another known format"),
])
def test_a_timing_file_of_another_format_is_refused(tmp_path, text, complaint):
    path = tmp_path / "timings.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RecitationError, match=complaint) as caught:
        Timings.load(path)
    assert str(path) in str(caught.value)


def test_the_reciters_pauses_are_the_gaps_between_segments(reciter, tmp_path):
    verse = Timings.load(tmp_path / "timings.json").get((9, 40))
    pauses = verse.pauses()
    # a pause after every 4th word: cut in the middle of its gap; the verse's ends are the file's
    assert pauses[0] == 0 and pauses[verse.words] == -1
    assert pauses[4] == EDGE_MS + 4 * WORD_MS + 3 * GAP_MS + PAUSE_MS // 2
    assert set(pauses) == {0, verse.words} | set(range(4, verse.words, 4))
    assert 5 not in pauses


@pytest.mark.parametrize("verse, joined", [((2, 21), 1), ((3, 66), 1), ((9, 40), 0)])
def test_the_uthmani_words_are_mapped_onto_the_projects(index, verse, joined):
    """quran-align counts Tanzil's Uthmani words: يَا أَيُّهَا and هَا أَنتُمْ are one word there."""
    v = index.verses.index(verse)
    words = [fold(w) for w in index.diacritized[index.verse_start[v]:index.verse_start[v + 1]]]
    marks = [0] * len(words)
    assert word_map(words, marks, len(words)) == list(range(len(words)))
    mapping = word_map(words, marks, len(words) - joined)
    assert mapping is not None and mapping[-1] == len(words) - 1 - joined
    if joined:
        particle = next(i for i, w in enumerate(words) if w in ("يا", "ها"))
        assert mapping[particle] == mapping[particle + 1]
    assert word_map(words, marks, len(words) + 5) is None


# --- the cuts ------------------------------------------------------------------------------------

def _timing(words, pause_after=(), gap=40, pause=400):
    segments, now = [], 300
    from hijra_audio.recite.timing import Segment

    for i in range(words):
        segments.append(Segment(i, i + 1, now, now + 200))
        now += 200 + (pause if i + 1 in pause_after else gap)
    return VerseTiming(tuple(segments))


# 12 words of 200 ms from 300 ms, 40 ms apart, but 400 ms after the 4th and the 8th word: the pauses
# are at words 4 (cut at 1420 ms, the middle of 1220-1620) and 8 (at 2740 ms)
@pytest.mark.parametrize("first, end, expected", [
    (0, 12, WHOLE),                     # the whole verse
    (4, 8, (1420, 2740)),               # a phrase between two pauses: cut in the pauses' middles
    (5, 7, (1420, 2740)),               # inside it: both ends moved out to the pauses
    (1, 3, (0, 1420)),                  # from the recording's start
    (8, 10, (2740, -1)),                # to the recording's end
    (1, 11, WHOLE),                     # the stretch is the whole verse
])
def test_a_part_of_a_verse_is_cut_at_the_reciters_pauses(first, end, expected):
    timing = _timing(12, pause_after=(4, 8))
    assert stretch(first, end, timing, list(range(12))) == expected


def test_a_stretch_much_longer_than_the_quote_is_the_whole_verse():
    timing = _timing(40, pause_after=(38,))
    assert stretch(5, 7, timing, list(range(40))) == WHOLE        # no pause near: 38 words (9 s) for 2
    assert stretch(35, 37, _timing(40, pause_after=(34, 38)), list(range(40))) != WHOLE


# --- the clips -----------------------------------------------------------------------------------

def test_a_quotation_of_part_of_a_verse_plays_the_quoted_words_to_the_nearest_pauses(index, reciter):
    recitation = _recitation(reciter)
    recited = recitation.recited(_quoted(index, (9, 40), 5, 14, how="announced"), "9:40", "the test quotation")
    made = clip(recited)
    assert words_heard(made.array(), made.sample_rate) == list(range(4, 16))
    # words 4-15, from the middle of the pause before the 4th to the middle of the one after the 15th
    phrase = 12 * WORD_MS + 9 * GAP_MS + 2 * PAUSE_MS + 2 * (PAUSE_MS // 2)
    assert made.duration == pytest.approx(phrase / 1000, abs=0.005)


def test_a_quotation_of_whole_verses_plays_their_recordings_whole(index, reciter):
    recited = _recitation(reciter).recited(_quoted(index, (8, 30), 0, verse_words((8, 30))), "8:30", "q")
    made = clip(recited)
    assert words_heard(made.array(), made.sample_rate) == list(range(verse_words((8, 30))))
    assert recited.takes[0].whole


def test_a_quotation_over_two_verses_plays_a_stretch_of_each(index, tmp_path):
    fake = FakeReciter(tmp_path / "reciter")
    fake.add((9, 40))
    fake.add((9, 41))
    fake.write_timings(tmp_path / "timings.json")
    start = _quoted(index, (9, 40), 30, verse_words((9, 40)))
    quoted = Quoted(start.start, _quoted(index, (9, 41), 0, 3).end, matched=20)
    recited = _recitation(fake).recited(quoted, "9:40-41", "q")
    assert [t.verse for t in recited.takes] == [(9, 40), (9, 41)]
    made = clip(recited)
    assert words_heard(made.array(), made.sample_rate) == list(range(28, verse_words((9, 40)))) + [0, 1, 2, 3]


def test_one_word_of_a_verse_at_the_edge_of_a_quotation_is_not_recited(index, tmp_path):
    """`... وآتيناه من كل شيء سببا فأتبع سببا حتى انتهى إلى آخر قصة خبره`: حتى opens 18:86 too."""
    fake = FakeReciter(tmp_path / "reciter")
    for verse in ((18, 84), (18, 85), (18, 86)):
        fake.add(verse)
    quoted = Quoted(_quoted(index, (18, 84), 0, 1).start, _quoted(index, (18, 86), 0, 1).end, matched=20)
    recited = Recitation(Reciter(fake.folder), None).recited(quoted, "18:84-86", "q")
    assert [t.verse for t in recited.takes] == [(18, 84), (18, 85)]


def test_without_timings_part_of_a_verse_is_recited_whole_and_it_is_said(index, reciter):
    recitation = _recitation(reciter, timings=False)
    recited = recitation.recited(_quoted(index, (9, 40), 5, 14, how="announced"), "9:40", "q")
    assert recited.takes[0].whole
    assert any("no word timings" in note for note in recitation.notes)


def test_a_verse_the_timing_file_does_not_have_is_recited_whole_and_it_is_said(index, reciter, tmp_path):
    reciter.timings = [e for e in reciter.timings if e["ayah"] != 40]
    reciter.write_timings(tmp_path / "timings.json")
    recitation = _recitation(reciter)
    recited = recitation.recited(_quoted(index, (9, 40), 5, 14, how="announced"), "9:40",
                                 "the quotation of 9:40 in episode-003")
    assert recited.takes[0].whole
    [note] = recitation.notes
    assert "has no timings for 9:40" in note and "episode-003" in note and "whole" in note


def test_the_cache_key_is_the_recordings_content_and_the_cut(index, reciter, tmp_path):
    quoted = _quoted(index, (9, 40), 5, 14, how="announced")
    timings = Timings.load(tmp_path / "timings.json")
    key = _recitation(reciter).recited(quoted, "9:40", "q").key
    moved = reciter.folder.rename(tmp_path / "elsewhere")          # the same recordings elsewhere
    assert Recitation(Reciter(moved), timings).recited(quoted, "9:40", "q").key == key
    louder = FakeReciter(tmp_path / "reciter", amplitude=20000)   # another recording of the verse
    louder.add((9, 40))
    assert Recitation(Reciter(louder.folder), timings).recited(quoted, "9:40", "q").key != key
    other_cut = Recitation(Reciter(moved), timings).recited(_quoted(index, (9, 40), 5, 7, how="marked"), "9:40", "q")
    assert other_cut.key != key


# --- what is recited -----------------------------------------------------------------------------

@pytest.mark.parametrize("quoted, recited", [
    (dict(matched=15, errors=1), True),                 # long: certain despite a slip
    (dict(matched=9), False),                           # by its length alone, too short
    (dict(matched=5, how="announced"), True),           # `قال الله تعالى:` then five words
    (dict(matched=4, how="announced"), False),
    (dict(matched=3, how="reference"), True),           # a written reference names it
    (dict(matched=20, errors=4), False),                # too many slips
])
def test_only_quotations_matched_with_certainty_are_recited(index, reciter, quoted, recited):
    start = index.verse_start[index.verses.index((9, 40))]
    found = Quoted(start, start + 25, **quoted)
    assert (_recitation(reciter).recited(found, "9:40", "q") is not None) is recited


def test_formulas_are_the_voices_unless_asked(index, tmp_path):
    fake = FakeReciter(tmp_path / "reciter")
    for verse in ((1, 1), (1, 2)):
        fake.add(verse)
    basmala = Quoted(index.verse_start[0], index.verse_start[2], matched=8, how="marked")
    assert Recitation(Reciter(fake.folder), None).recited(basmala, "1:1-2", "q") is None
    assert Recitation(Reciter(fake.folder), None, formulas=True).recited(basmala, "1:1-2", "q") is not None


def test_a_build_recites_the_certain_quotations_between_the_voices_words(tmp_path, reciter):
    prepared = prepare(_request(tmp_path, reciter))
    recited = _recited(prepared)
    assert [(n, p.recited.reference) for n, p in recited] == [(1, "8:30"), (3, "9:40"), (3, "9:40")]
    for _n, part in recited:
        assert part.display.startswith("﴿") and part.display.split("﴾")[1].strip().startswith("[")
        assert part.pause_ms > 0
    assert "recitation" in prepared.decisions[0].hashes and "recitation" not in prepared.decisions[1].hashes
    made = make_recordings(prepared.decisions, ClipCache(tmp_path / "clips"))
    assert made == (3, 0) and make_recordings(prepared.decisions, ClipCache(tmp_path / "clips")) == (0, 0)


def test_the_voice_reads_the_verses_without_a_recitation_exactly_as_before(tmp_path):
    before = prepare(_request(tmp_path))
    assert _recited(before) == []
    voice = prepare(_request(tmp_path, recitation="voice"))
    assert [d.parts for d in voice.decisions] == [d.parts for d in before.decisions]
    assert all(len(d.parts) == len(d.episode.segments) for d in before.decisions)


# --- bad input -----------------------------------------------------------------------------------

def test_a_missing_verse_file_names_the_file_and_the_quotation(tmp_path, reciter):
    (reciter.folder / "009040.mp3").unlink()
    with pytest.raises(RecitationError) as caught:
        prepare(_request(tmp_path, reciter))
    message = str(caught.value)
    assert "009040.mp3: no such file" in message and "9:40" in message and "episode-003" in message
    assert "«إلا تنصروه فقد نصره…»" in message


@pytest.mark.parametrize("damage, complaint", [
    (lambda path: path.write_bytes(b"not audio at all" * 100), "not a recording miniaudio can decode"),
    (lambda path: path.write_bytes(FakeReciter(path.parent, amplitude=0).add((9, 40)).read_bytes()), "silent"),
    (lambda path: path.write_bytes(path.read_bytes()[:len(path.read_bytes()) // 3]), "cut short"),
])
def test_a_corrupt_or_silent_recording_stops_the_build_before_anything_is_written(tmp_path, reciter, damage,
                                                                                  complaint):
    damage(reciter.folder / "009040.mp3")
    prepared = prepare(_request(tmp_path, reciter))
    with pytest.raises(RecitationError, match=complaint) as caught:
        make_recordings(prepared.decisions, ClipCache(tmp_path / "clips"))
    assert "009040.mp3" in str(caught.value) and "9:40" in str(caught.value)


def test_timings_of_another_recording_are_found_out(tmp_path, reciter):
    reciter.timings = [dict(e, segments=[[a, b, s + 60000, t + 60000] for a, b, s, t in e["segments"]])
                       for e in reciter.timings]
    reciter.write_timings(tmp_path / "timings.json")
    prepared = prepare(_request(tmp_path, reciter))
    with pytest.raises(RecitationError, match="another recording's"):
        make_recordings(prepared.decisions, ClipCache(tmp_path / "clips"))


def test_a_folder_without_verses_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("no verses here")
    with pytest.raises(RecitationError, match="no verse recordings in this folder"):
        prepare(_request(tmp_path, recitation=str(tmp_path / "empty"), recitation_credit="x"))
    with pytest.raises(RecitationError, match="no such folder"):
        prepare(_request(tmp_path, recitation=str(tmp_path / "nowhere"), recitation_credit="x"))


def test_a_recitation_needs_its_credit(tmp_path, reciter):
    with pytest.raises(ConfigError, match="recitation_credit"):
        prepare(_request(tmp_path, reciter, recitation_credit=""))


def test_a_wav_folder_is_read_too(index, tmp_path):
    fake = FakeReciter(tmp_path / "reciter", suffix=".wav")
    fake.add((9, 40))
    fake.write_timings(tmp_path / "timings.json")
    made = clip(_recitation(fake).recited(_quoted(index, (9, 40), 5, 14, how="announced"), "9:40", "q"))
    assert words_heard(made.array(), made.sample_rate) == list(range(4, 16))
    assert np.abs(made.array()).max() > 10000


# --- check, and the build's warnings -------------------------------------------------------------

def _config(tmp_path, **quran):
    import dataclasses

    from hijra_audio.config import QuranConfig, ShowConfig

    return ShowConfig(title="t", root=str(tmp_path), quran=dataclasses.replace(QuranConfig(), **quran))


def test_check_warns_while_the_voice_reads_the_quran_unasked(tmp_path, reciter):
    from hijra_audio.publish.check import recitation_warnings

    [unset] = recitation_warnings(_config(tmp_path))
    assert "[quran] recitation is not set" in unset and "voice" in unset
    assert recitation_warnings(_config(tmp_path, recitation="voice")) == []
    [rights] = recitation_warnings(_config(tmp_path, recitation="reciter", recitation_credit="c"))
    assert "permission of their rights holder" in rights
    bad = recitation_warnings(_config(tmp_path, recitation="nowhere", recitation_credit="c"))
    assert len(bad) == 2 and "no such folder of recordings" in bad[1]


def test_a_verse_without_timings_is_recited_whole_and_the_build_says_so(tmp_path, reciter):
    reciter.timings = [e for e in reciter.timings if e["ayah"] != 40]
    reciter.write_timings(tmp_path / "timings.json")
    prepared = prepare(_request(tmp_path, reciter))
    assert any("has no timings for 9:40" in w and "recited whole" in w for w in prepared.warnings)
    assert all(p.recited.takes[0].whole for _n, p in _recited(prepared))
