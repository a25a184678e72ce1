"""Narration files in every format: plain text, SubRip, WebVTT (YouTube's rolling auto-captions
too), Whisper's JSON and TSV; round-tripped through the writers of each format, markup and times
never in the text, a malformed file refused with its line, a folder of mixed formats."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from hijra_audio import plan as planning
from hijra_audio.config import ShowConfig
from hijra_audio.errors import InputError
from hijra_audio.sources import expand, read_all, read_narration
from hijra_audio.sources.cues import PARAGRAPH_GAP_S, Cue, paragraphs_text, rolling, without_rolling_repeats

# Two paragraphs of narration, as a recognizer cuts them into cues: (start, end, text).
PARAGRAPHS = [
    ["قال ابن إسحاق: فلما رأت قريش أن رسول الله", "قد صارت له شيعة وأصحاب من غيرهم",
     "بغير بلدهم، ورأوا خروج أصحابه من المهاجرين إليهم"],
    ["عرفوا أنهم قد نزلوا دارا، وأصابوا منهم منعة،", "فحذروا خروج رسول الله إليهم"],
]


def _timed() -> list[tuple[float, float, str]]:
    """The cues of PARAGRAPHS: 2.5 s each, 0.2 s apart, and a pause longer than a paragraph's
    gap between the paragraphs."""
    out, t = [], 0.0
    for number, paragraph in enumerate(PARAGRAPHS):
        if number:
            t += PARAGRAPH_GAP_S + 1.5
        for text in paragraph:
            out.append((t, t + 2.5, text))
            t += 2.7
    return out


EXPECTED = "\n\n".join(" ".join(p) for p in PARAGRAPHS) + "\n"


def _srt() -> str:
    import srt

    return srt.compose([srt.Subtitle(i + 1, timedelta(seconds=a), timedelta(seconds=b), text)
                        for i, (a, b, text) in enumerate(_timed())])


def _vtt() -> str:
    import webvtt

    def stamp(seconds: float) -> str:
        return f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}:{seconds % 60:06.3f}"

    vtt = webvtt.WebVTT(captions=[webvtt.Caption(stamp(a), stamp(b), text) for a, b, text in _timed()])
    return vtt.content


def _whisper_json() -> str:
    return json.dumps({"text": " ".join(t for _a, _b, t in _timed()), "language": "ar",
                       "segments": [{"id": i, "seek": 0, "start": a, "end": b, "text": f" {t}", "tokens": [1, 2],
                                     "temperature": 0.0, "avg_logprob": -0.2, "compression_ratio": 1.1,
                                     "no_speech_prob": 0.01} for i, (a, b, t) in enumerate(_timed())]},
                      ensure_ascii=False, indent=2)


def _whisper_tsv() -> str:
    # as whisper's WriteTSV writes it: integer milliseconds, tabs in the text made spaces
    rows = ["start\tend\ttext"] + [f"{round(a * 1000)}\t{round(b * 1000)}\t{t}" for a, b, t in _timed()]
    return "\n".join(rows) + "\n"


WRITERS = {".srt": _srt, ".vtt": _vtt, ".json": _whisper_json, ".tsv": _whisper_tsv, ".txt": lambda: EXPECTED}


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_each_format_round_trips_to_the_narration(tmp_path, suffix):
    path = tmp_path / f"lecture{suffix}"
    path.write_text(WRITERS[suffix](), encoding="utf-8")
    assert read_narration(path).text == EXPECTED


@pytest.mark.parametrize("suffix", [".srt", ".vtt", ".json", ".tsv"])
def test_times_and_cue_numbers_never_reach_the_text(tmp_path, suffix):
    path = tmp_path / f"lecture{suffix}"
    path.write_text(WRITERS[suffix](), encoding="utf-8")
    text = read_narration(path).text
    assert not any(ch.isdigit() or ch in ":,-><" for ch in text.replace("قال ابن إسحاق:", "").replace("،", ""))


def test_a_byte_order_mark_and_windows_line_ends_are_read(tmp_path):
    path = tmp_path / "lecture.srt"
    path.write_bytes(b"\xef\xbb\xbf" + _srt().replace("\n", "\r\n").encode("utf-8"))
    assert read_narration(path).text == EXPECTED


YOUTUBE = """WEBVTT
Kind: captions
Language: ar

00:00:00.000 --> 00:00:02.310 align:start position:0%
 
قال<00:00:00.480><c> ابن</c><00:00:00.900><c> إسحاق</c>

00:00:02.310 --> 00:00:02.320 align:start position:0%
قال ابن إسحاق
 

00:00:02.320 --> 00:00:04.950 align:start position:0%
قال ابن إسحاق
فلما<00:00:02.800><c> رأت</c><00:00:03.200><c> قريش</c>

00:00:04.950 --> 00:00:04.960 align:start position:0%
فلما رأت قريش
 

00:00:04.960 --> 00:00:07.000 align:start position:0%
فلما رأت قريش
[موسيقى]

00:00:07.000 --> 00:00:07.010 align:start position:0%
[موسيقى]
 

00:00:12.000 --> 00:00:14.000 align:start position:0%
[موسيقى]
أن<00:00:12.300><c> رسول</c><00:00:12.700><c> الله</c>
"""


def test_youtube_rolling_captions_are_read_once_each(tmp_path):
    path = tmp_path / "youtube.ar.vtt"
    path.write_text(YOUTUBE, encoding="utf-8")
    # each line once, the word timestamps and the sound description gone, a paragraph after the pause
    assert read_narration(path).text == "قال ابن إسحاق فلما رأت قريش\n\nأن رسول الله\n"


def test_a_repeated_line_in_ordinary_subtitles_is_a_word_said_twice():
    said_twice = [Cue(0, 1, ("الله أكبر",)), Cue(1, 2, ("الله أكبر",)), Cue(2, 3, ("قال ابن إسحاق",)),
                  Cue(3, 4, ("فلما رأت قريش",)), Cue(4, 5, ("أن رسول الله",))]
    assert not rolling(said_twice)
    assert without_rolling_repeats(said_twice) == said_twice
    assert paragraphs_text(said_twice) == "الله أكبر الله أكبر قال ابن إسحاق فلما رأت قريش أن رسول الله\n"


def test_markup_never_reaches_the_text(tmp_path):
    srt_file = tmp_path / "a.srt"
    srt_file.write_text("1\n00:00:00,000 --> 00:00:02,000\n<i>قال</i> <font color=\"#ffff00\">ابن</font> إسحاق\n\n"
                        "2\n00:00:02,000 --> 00:00:03,000\n{\\an8}<b>فلما</b> رأت قريش\n", encoding="utf-8")
    assert read_narration(srt_file).text == "قال ابن إسحاق فلما رأت قريش\n"
    vtt_file = tmp_path / "a.vtt"
    vtt_file.write_text("WEBVTT\n\nNOTE written by hand\n\nSTYLE\n::cue { color: yellow }\n\n"
                        "cue-1\n00:00.000 --> 00:02.000 line:0\n<v الشيخ>قال <b>ابن</b> إسحاق &amp; غيره</v>\n\n"
                        "00:02.000 --> 00:03.000\n<c.yellow>فلما</c> رأت قريش\n",
                        encoding="utf-8")
    assert read_narration(vtt_file).text == "قال ابن إسحاق & غيره فلما رأت قريش\n"


MALFORMED = [
    ("cue.srt", "1\n00:00:00,000 --> 00:00:02,000\nقال ابن إسحاق\n\n2\n00:00:02,000 -> 00:00:03,000\nفلما رأت\n",
     "line 5: not a SubRip cue"),
    ("cue.vtt", "WEBVTT\n\n00:00.000 --> 00:02.000\nقال ابن إسحاق\n\n00:02.000 -> 00:03.000\nفلما رأت\n",
     "line 6: text outside a cue"),
    ("cue.vtt", "WEBVTT\n\n00:00.000 --> 00:02.000\nقال\n00:02.000 --> 00:03.000\nفلما رأت\n",
     "line 5: a second timing line"),
    ("cue.vtt", "WEBVTT\n\n00:00.000 --> 00:02.000\nقال\n\n00:02.0x0 --> 00:03.000\nفلما رأت\n",
     "line 6: not a WebVTT timing line"),
    ("cue.vtt", "قال ابن إسحاق\n", "line 1: not a WebVTT file"),
    ("cue.json", '{"segments": [\n  {"start": 0, "end": 1, "text": "قال"},\n  {"start": 1 "end": 2}\n]}',
     "line 3: not JSON"),
    ("cue.json", '{"text": "قال ابن إسحاق"}', 'no "segments" list'),
    ("cue.json", '{"segments": [{"start": 0, "end": 1}]}', 'segments[0] has no "text"'),
    ("cue.tsv", "start\tend\ttext\n0\t1000\tقال\n1000 2000 فلما رأت\n", "line 3: expected start, end and text"),
    ("cue.tsv", "start\tend\ttext\n0\t1000\tقال\n1.5\t2000\tفلما رأت\n", "line 3: start and end must be whole"),
    ("cue.tsv", "قال ابن إسحاق\n", "line 1: expected the header"),
]


@pytest.mark.parametrize("name, content, message", MALFORMED)
def test_a_malformed_transcript_is_refused_with_its_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)) as error:
        read_narration(path)
    assert str(error.value).startswith(f"{path}: ")


def test_a_transcript_without_arabic_is_refused_like_a_text(tmp_path):
    path = tmp_path / "english.srt"
    path.write_text("1\n00:00:00,000 --> 00:00:02,000\nThe Prophet left Mecca.\n", encoding="utf-8")
    with pytest.raises(InputError, match="no Arabic letters"):
        read_narration(path)


def test_a_folder_of_mixed_formats_is_read_in_name_order(tmp_path):
    (tmp_path / "01-opening.txt").write_text("## الافتتاح\n\nبسم الله الرحمن الرحيم.\n", encoding="utf-8")
    (tmp_path / "02-lecture.srt").write_text(_srt(), encoding="utf-8")
    (tmp_path / "03-questions.json").write_text(_whisper_json(), encoding="utf-8")
    (tmp_path / "notes.md").write_text("not narration", encoding="utf-8")
    assert [p.name for p in expand([tmp_path])] == ["01-opening.txt", "02-lecture.srt", "03-questions.json"]
    texts = [n.text for n in read_all([tmp_path])]
    assert texts[1] == texts[2] == EXPECTED
    planned = planning.plan_files(ShowConfig(root=str(tmp_path)), (tmp_path,))
    spoken = " ".join(s.display for e in planned.episodes for s in e.segments)
    assert "الافتتاح" in spoken and "فحذروا خروج رسول الله إليهم" in spoken and "-->" not in spoken


def test_one_narration_in_several_formats_is_refused(tmp_path):
    for suffix in (".txt", ".srt", ".vtt"):
        (tmp_path / f"lecture{suffix}").write_text(WRITERS[suffix](), encoding="utf-8")
    with pytest.raises(InputError, match="lecture.srt, lecture.txt, lecture.vtt: one narration in 3 formats"):
        expand([tmp_path])


def test_a_file_named_is_read_whatever_its_folder_holds(tmp_path):
    for suffix in (".txt", ".srt"):
        (tmp_path / f"lecture{suffix}").write_text(WRITERS[suffix](), encoding="utf-8")
    assert expand([tmp_path / "lecture.srt"]) == [tmp_path / "lecture.srt"]


@pytest.mark.slow
def test_a_transcript_builds_like_a_text(tmp_path, monkeypatch, fake_engine):
    """`hijra-audio build captions.vtt`, as a user runs it on YouTube's captions: the episode says
    each line once, and no time or tag reaches the feed."""
    import feedparser
    from click.testing import CliRunner

    from hijra_audio.cli import main
    from hijra_audio.console import Given

    monkeypatch.chdir(tmp_path)
    (tmp_path / "captions.ar.vtt").write_text(YOUTUBE, encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "captions.ar.vtt", "-j", "1"], obj=Given(engine_factory=fake_engine))
    assert result.exit_code == 0, result.output
    [entry] = feedparser.parse(str(tmp_path / "output" / "feed.xml")).entries
    assert "ابن إسحاق" in entry.description and entry.description.count("قريش") == 1
    assert not any(mark in entry.description for mark in ("-->", "<c>", "00:", "موسيقى"))
    assert sorted(fake_engine.calls()) == sorted(set(fake_engine.calls()))
