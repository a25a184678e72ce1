"""The episode files a build writes, with the fast fake engine: durations, transcripts, chapters,
tags, cover, and what rebuilds them. (Loudness on real and varied audio: test_audio.py and
test_end_to_end.py; the fake engine's clips are a steady tone.)"""

import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from PIL import Image

from hijra_audio.audio import render
from hijra_audio.config import bundled_config_path, load_config
from hijra_audio.engines.base import resample
from hijra_audio.errors import ConfigError
from hijra_audio.pipeline import BuildRequest, build
from hijra_audio.plan import plan_files
from hijra_audio.publish import transcript
from hijra_audio.rebuild.decide import pauses_for as _pauses
from tests.fakes import FakeEngine
from tests.measure import decode

pytestmark = pytest.mark.slow   # builds real audio


def _show(tmp_path, lecture, extra_top: str = "", extra_audio: str = "") -> Path:
    """A copy of the bundled show's config and lecture, with lines added."""
    folder = tmp_path / "show"
    folder.mkdir(exist_ok=True)
    (folder / "hijra-lecture.txt").write_text(lecture.read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("hijra-lecture.lexicon", "cover.png"):
        (folder / name).write_bytes((bundled_config_path().parent / name).read_bytes())
    text = bundled_config_path().read_text(encoding="utf-8")
    if "image =" in extra_top:
        text = "\n".join(line for line in text.splitlines() if not line.startswith("image ="))
    text = text.replace('narration = ["hijra-lecture.txt"]', f'narration = ["hijra-lecture.txt"]\n{extra_top}')
    text = text.replace("[audio]\n", f"[audio]\n{extra_audio}\n")
    (folder / "podcast.toml").write_text(text, encoding="utf-8")
    return folder / "podcast.toml"


def _build(tmp_path, fake_engine, config=None, **kw):
    return build(BuildRequest(output=tmp_path / "out", jobs=2, engine_factory=fake_engine, config_path=config, **kw))


def _vtt_starts(path: Path) -> list[float]:
    starts = []
    for h, m, s in re.findall(r"^(\d\d):(\d\d):(\d\d\.\d\d\d) --> ", path.read_text(encoding="utf-8"), re.M):
        starts.append(int(h) * 3600 + int(m) * 60 + float(s))
    return starts


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One build shared by the tests that only read its files."""
    import functools
    from importlib import resources

    tmp_path = tmp_path_factory.mktemp("files")
    words = (resources.files("hijra_audio") / "data" / "hijra-lecture.txt").read_text(encoding="utf-8").split()
    parts = [words[len(words) * k // 5:len(words) * (k + 1) // 5] for k in range(5)]
    narration = tmp_path / "lecture.txt"
    narration.write_text("\n\n".join(f"## القسم {k + 1}\n" + " ".join(p) for k, p in enumerate(parts)),
                         encoding="utf-8")
    report = _build(tmp_path, functools.partial(FakeEngine, str(tmp_path / "calls.log")),
                    config=bundled_config_path(), inputs=(narration,))
    return tmp_path / "out", report, narration


def test_cues_start_where_the_segments_start_in_the_mp3(built):
    out, report, narration = built
    config = load_config()
    engine = FakeEngine(str(out.parent / "unused.log"))
    for episode, result in zip(plan_files(config, (narration,)).episodes, report.episodes):
        placements, at = [], 0.0
        for segment, pause in zip(episode.segments, _pauses(config, episode)):
            spoken = engine.synthesize(segment.speech)
            clip = resample(spoken.array(), spoken.sample_rate, 44100)
            at += pause / 1000
            start = at
            at += render.trim(clip, 44100, config.audio.trim_silence_db).size / 44100
            placements.append(render.Placed(start, at))
        # each segment's cues (one, or more for a long one) start where its sound does
        texts = tuple(s.display for s in episode.segments)
        expected = [c.start for c in transcript.cues(tuple(placements), texts)]
        cues = _vtt_starts(out / f"{episode.slug}.vtt")
        assert len(cues) == len(expected) >= len(episode.segments)
        assert max(abs(a - b) for a, b in zip(cues, expected)) <= 0.050
        assert all(any(abs(c - p.start) <= 0.050 for c in cues) for p in placements)
        srt = (out / f"{episode.slug}.srt").read_text(encoding="utf-8")
        assert srt.count(" --> ") == len(cues)
        vtt = (out / f"{episode.slug}.vtt").read_text(encoding="utf-8")
        shown = [line for block in vtt.strip().split("\n\n")[1:] for line in block.split("\n")[2:]]
        assert " ".join(shown).split() == " ".join(texts).split()


def test_duration_is_the_same_decoded_in_the_tags_and_in_the_manifest(built):
    out, report, narration = built
    manifest = json.loads((out / "manifest.json").read_text())
    for entry in manifest["episodes"].values():
        samples, rate, channels = decode(out / entry["file"])
        assert (rate, channels) == (44100, 1)
        decoded = samples.size / rate
        assert MP3(str(out / entry["file"])).info.length == pytest.approx(decoded, abs=0.002)
        assert entry["duration"] == pytest.approx(decoded, abs=0.002)


def test_chapters_are_ordered_inside_the_episode_one_per_section(built):
    out, report, narration = built
    episodes = plan_files(load_config(), (narration,)).episodes
    for episode, result in zip(episodes, report.episodes):
        length = MP3(str(result.file)).info.length
        data = json.loads((out / f"{episode.slug}.chapters.json").read_text(encoding="utf-8"))
        assert data["version"] == "1.2.0"
        chapters = data["chapters"]
        starts = [c["startTime"] for c in chapters]
        assert starts == sorted(starts) and starts[0] == 0 and all(0 <= s < length for s in starts)
        assert all(c["endTime"] <= length + 0.001 for c in chapters)
        headings = [s.display for s in episode.segments if s.is_heading]
        titles = [c["title"] for c in chapters]
        assert titles[-len(headings):] == headings if headings else len(titles) == 1
        assert len(titles) == len(headings) + (not episode.segments[0].is_heading)
        id3 = ID3(str(result.file))
        chaps = sorted(id3.getall("CHAP"), key=lambda c: c.start_time)
        assert [str(c.sub_frames["TIT2"]) for c in chaps] == titles
        assert [c.start_time for c in chaps] == [round(s * 1000) for s in starts]
        assert all(c.end_time <= round(length * 1000) + 1 for c in chaps)
        (toc,) = id3.getall("CTOC")
        assert toc.child_element_ids == [c.element_id for c in chaps]


def test_tags_read_back_and_the_cover_is_made(built):
    out, report, narration = built
    config = load_config()
    assert sum(len(ID3(str(r.file)).getall("CHAP")) for r in report.episodes) >= 5   # the five sections
    for result in report.episodes:
        id3 = ID3(str(result.file))
        assert id3.version == (2, 4, 0)
        assert str(id3["TIT2"]) == result.title and str(id3["TALB"]) == config.title
        assert str(id3["TPE1"]) == config.author and str(id3["TRCK"]) == f"{result.number}/{len(report.episodes)}"
        assert str(id3["TLAN"]) == "ara" and re.fullmatch(r"\d{4}", str(id3["TDRC"]))
        assert id3.getall("COMM")[0].text == [config.description]
        (picture,) = id3.getall("APIC")
        image = Image.open(io.BytesIO(picture.data))
        assert image.format == "JPEG" and max(image.size) <= 800 and len(picture.data) <= 300_000
    full = Image.open(out / "cover.jpg")
    assert full.size == (1400, 1400) and full.mode == "RGB"   # the bundled show's cover.png, as JPEG


def test_loudness_target_change_rebuilds_and_nothing_else_does(tmp_path, fake_engine, lecture, tree_snapshot):
    config = _show(tmp_path, lecture)
    _build(tmp_path, fake_engine, config)
    before = tree_snapshot(tmp_path / "out")
    again = _build(tmp_path, fake_engine, config)
    assert {e.action for e in again.episodes} == {"kept"}
    assert tree_snapshot(tmp_path / "out") == before
    (tmp_path / "out" / "episode-002.vtt").unlink()
    redone = _build(tmp_path, fake_engine, config)
    assert [(e.action, e.reason) for e in redone.episodes if e.action == "built"] == [("built", "file missing")]
    config = _show(tmp_path, lecture, extra_audio="loudness_lufs = -23")
    quieter = _build(tmp_path, fake_engine, config)
    assert {(e.action, e.reason) for e in quieter.episodes} == {("built", "settings changed ([audio] loudness_lufs)")}


def test_a_user_cover_that_is_not_square_stops_the_build_before_output(tmp_path, fake_engine, lecture, tree_snapshot):
    config = _show(tmp_path, lecture)
    _build(tmp_path, fake_engine, config)
    before = tree_snapshot(tmp_path / "out")
    Image.new("RGB", (1400, 1600), "white").save(config.parent / "art.png")
    config = _show(tmp_path, lecture, extra_top='image = "art.png"')
    with pytest.raises(ConfigError, match="art.png.*not square"):
        _build(tmp_path, fake_engine, config)
    assert tree_snapshot(tmp_path / "out") == before
    Image.new("RGB", (1400, 1400), (200, 30, 30)).save(config.parent / "art.png")
    report = _build(tmp_path, fake_engine, config)
    assert {(e.action, e.reason) for e in report.episodes} == {("built", "settings changed (image)")}
    pixels = np.asarray(Image.open(tmp_path / "out" / "cover.jpg"))
    assert pixels.shape == (1400, 1400, 3) and abs(int(pixels[700, 700, 0]) - 200) < 5
