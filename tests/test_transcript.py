import json
import re

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


@pytest.mark.parametrize("text", ["ثم هاجر إلى المدينة", "a < b & c --> d", "﴿إِذْ يَمْكُرُ﴾ [8:30]"])
def test_webvtt_texts_reads_back_what_webvtt_wrote(text):
    cues = (transcript.Cue(0.0, 1.0, text), transcript.Cue(1.5, 2.0, "وبعد"))
    assert transcript.webvtt_texts(transcript.webvtt(cues, "ar")) == (text, "وبعد")
