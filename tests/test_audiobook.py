"""The show as an audiobook (`build --audiobook`, `[audiobook]`): an .m4b of AAC-LC made from the
mastered PCM (never from the MP3), a chapter per episode and per section, title, author, cover;
checked as players read it (mutagen, PyAV, ffprobe), made again only where episodes changed, and
never left half written."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from hijra_audio.audio.aac import AacWriter
from hijra_audio.cli import main
from hijra_audio.config import AudiobookConfig, AudioConfig, ShowConfig, bundled_config_path, load_config
from hijra_audio.console import Given
from hijra_audio.publish import audiobook
from hijra_audio.publish.audiobook import AudiobookError, BookEpisode, file_stem, split, write_book

RATE = 44100


def _tone(seconds: float, hz: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (np.sin(2 * np.pi * hz * t) * 6000).astype(np.int16)


def _episode_aac(folder: Path, name: str, seconds: float, chapters=(), bitrate: int = 64) -> Path:
    """An episode's AAC as a worker makes it: the blocks through AacWriter, closed with chapters."""
    writer = AacWriter(RATE, 1, bitrate)
    samples = _tone(seconds)
    writer.encode(samples[i:i + 65536] for i in range(0, samples.size, 65536))
    path = folder / name
    path.write_bytes(writer.close(chapters or [(0.0, seconds, name)], name))
    return path


@pytest.fixture
def episodes(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    made = [BookEpisode("الأول", "", _episode_aac(cache, "a.m4a", 10.0, [(0, 4, "بدء الوحي"), (4, 10, "إسلام خديجة")]), 10.0),
            BookEpisode("الثاني", "", _episode_aac(cache, "b.m4a", 7.5), 7.5),
            BookEpisode("الثالث", "", _episode_aac(cache, "c.m4a", 12.25), 12.25)]
    return made


def _config(description: str = "السيرة النبوية", **book) -> ShowConfig:
    return ShowConfig(title="سيرة ابن هشام", author="ابن هشام", description=description,
                      audiobook=AudiobookConfig(**book))


def _read(path: Path):
    from mutagen.mp4 import MP4

    return MP4(path)


def test_the_book_is_the_episodes_joined_with_their_chapters_and_tags(tmp_path, episodes):
    out = tmp_path / "out"
    out.mkdir()
    cover = (Path(load_config().root) / "cover.png").read_bytes()
    [book] = write_book(_config(), episodes, out, cover=cover, year="2026", language="ara")
    assert book.path == out / "سيرة ابن هشام.m4b" and book.written and book.episodes == 3
    found = _read(book.path)
    assert found.info.codec == "mp4a.40.2" and found.info.sample_rate == RATE and found.info.channels == 1
    # each episode's sections are chapters, each where its episode's sound starts in the book
    starts = [c.start for c in found.chapters]
    assert [c.title for c in found.chapters] == ["بدء الوحي", "إسلام خديجة", "b.m4a", "c.m4a"]
    assert starts[:2] == pytest.approx([0.0, 4.0], abs=0.002)
    assert starts[2] == pytest.approx(10.0, abs=0.05) and starts[3] == pytest.approx(17.5, abs=0.1)
    assert book.chapters == 4 and book.duration == pytest.approx(29.75, abs=0.15)
    assert found.info.length == pytest.approx(book.duration)
    tags = found.tags
    assert tags["©nam"] == ["سيرة ابن هشام"] and tags["©ART"] == ["ابن هشام"] and tags["©gen"] == ["Audiobook"]
    assert tags["stik"] == [2] and tags["©day"] == ["2026"] and bytes(tags["covr"][0]) == cover
    # what a player plays: every episode's sound, in order (the tones decoded back)
    samples = _decoded(book.path)
    assert samples.size / RATE == pytest.approx(book.duration, abs=0.03)
    assert np.sqrt(np.mean(samples ** 2)) == pytest.approx(6000 / 32768 / np.sqrt(2), rel=0.05)


def _decoded(path: Path) -> np.ndarray:
    """What a player plays of the file, decoded by FFmpeg (through PyAV), full scale 1."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        return np.concatenate([frame.to_ndarray().reshape(-1) for frame in container.decode(stream)]).astype(np.float64)


def test_an_unchanged_book_is_left_as_it_is_and_a_changed_one_is_joined_again(tmp_path, episodes):
    out = tmp_path / "out"
    out.mkdir()
    [first] = write_book(_config(), episodes, out)
    before = first.path.stat().st_mtime_ns, first.path.read_bytes()
    [again] = write_book(_config(), episodes, out)
    assert not again.written and again.duration == pytest.approx(first.duration) and again.chapters == first.chapters
    assert (first.path.stat().st_mtime_ns, first.path.read_bytes()) == before
    renamed = [dataclasses.replace(episodes[0], title="عنوان جديد"), *episodes[1:]]
    [changed] = write_book(_config(), renamed, out)
    assert changed.written and changed.path.read_bytes() != before[1]


def test_a_book_failing_half_way_leaves_the_previous_one_whole(tmp_path, episodes, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    [first] = write_book(_config(), episodes, out)
    before = first.path.read_bytes()

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(audiobook, "_tag", broken)
    with pytest.raises(OSError, match="disk full"):
        write_book(_config(description="another"), episodes, out)
    assert first.path.read_bytes() == before
    assert not list(out.glob(".*.tmp")), "a temporary file was left behind"


def test_a_damaged_episode_in_the_cache_is_removed_and_said(tmp_path, episodes):
    out = tmp_path / "out"
    out.mkdir()
    [first] = write_book(_config(), episodes, out)
    before = first.path.read_bytes()
    episodes[1].aac.write_bytes(b"not an mp4 at all")
    with pytest.raises(AudiobookError, match="«الثاني» in the cache cannot be read.*build again"):
        write_book(_config(description="another"), episodes, out)
    assert not episodes[1].aac.exists() and first.path.read_bytes() == before


def test_parts_split_between_episodes_and_old_parts_go(tmp_path, episodes):
    out = tmp_path / "out"
    out.mkdir()
    (out / "سيرة ابن هشام.m4b").write_bytes(b"from a build with one file")
    (out / "سيرة ابن هشام notes.m4b").write_bytes(b"not ours")
    made = write_book(_config(parts=2), episodes, out)
    assert [b.path.name for b in made] == ["سيرة ابن هشام-part1.m4b", "سيرة ابن هشام-part2.m4b"]
    assert [b.episodes for b in made] == [2, 1]          # 17.5 s and 12.25 s: the nearest to halves
    assert [_read(b.path).tags["trkn"] for b in made] == [[(1, 2)], [(2, 2)]]
    assert [_read(b.path).tags["©nam"] for b in made] == [["سيرة ابن هشام (1/2)"], ["سيرة ابن هشام (2/2)"]]
    assert not (out / "سيرة ابن هشام.m4b").exists() and (out / "سيرة ابن هشام notes.m4b").exists()
    [whole] = write_book(_config(), episodes, out)
    assert sorted(p.name for p in out.glob("*.m4b")) == ["سيرة ابن هشام notes.m4b", whole.path.name]


def test_a_file_per_top_level_section(tmp_path, episodes):
    out = tmp_path / "out"
    out.mkdir()
    parted = [dataclasses.replace(episodes[0], part="الجزء الأول"), dataclasses.replace(episodes[1], part="الجزء الأول"),
              dataclasses.replace(episodes[2], part="الجزء الثاني")]
    made = write_book(_config(parts_by_section=True), parted, out)
    assert [(b.path.name, b.episodes) for b in made] == [("سيرة ابن هشام-part1.m4b", 2), ("سيرة ابن هشام-part2.m4b", 1)]
    assert _read(made[1].path).tags["©nam"] == ["سيرة ابن هشام: الجزء الثاني"]


def test_past_the_chapter_list_s_room_a_chapter_per_episode(tmp_path, episodes, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.setattr(audiobook, "MAX_CHAPTERS", 3)      # the episodes have 4 sections
    [book] = write_book(_config(), episodes, out)
    assert [c.title for c in _read(book.path).chapters] == ["الأول", "الثاني", "الثالث"]


def test_the_unused_aac_of_earlier_episodes_leaves_the_cache(tmp_path, episodes):
    out = tmp_path / "out"
    out.mkdir()
    old = _episode_aac(episodes[0].aac.parent, "old.m4a", 1.0)
    write_book(_config(), episodes, out)
    assert not old.exists() and all(e.aac.exists() for e in episodes)


@pytest.mark.parametrize("durations, parts, expected", [
    ([10, 10, 10, 10], 2, [2, 2]),
    ([30, 5, 5, 5, 5], 2, [1, 4]),
    ([10, 10, 10], 5, [1, 1, 1]),          # never an empty file
    ([1, 1, 1, 100], 3, [2, 1, 1]),
    ([10, 10, 10], 1, [3]),
])
def test_split_into_parts_of_about_equal_length(durations, parts, expected):
    found = split([BookEpisode(str(i), "", Path(f"{i}.m4a"), d) for i, d in enumerate(durations)], parts, False)
    assert [len(group) for group in found] == expected


@pytest.mark.parametrize("title, name, expected", [
    ("سيرة ابن هشام", "", "سيرة ابن هشام"), ("a/b: c?", "", "a b c"), ("x", "my-book", "my-book"), ("...", "", "audiobook")])
def test_the_file_is_named_after_the_show(title, name, expected):
    assert file_stem(ShowConfig(title=title, audiobook=AudiobookConfig(name=name))) == expected


def test_the_aac_is_made_of_the_same_mastered_sound_as_the_mp3(tmp_path):
    """Rendering with the AAC asked for changes nothing in the MP3, and the AAC decodes to the
    sound the MP3 does (the same blocks went into both encoders): same length, same loudness."""
    import miniaudio
    import pyloudnorm

    from hijra_audio.audio.render import render
    from hijra_audio.engines.base import Clip

    clips = [Clip(_tone(s, hz).tobytes(), RATE) for s, hz in ((2.0, 220), (3.0, 330), (1.5, 180))]
    settings = AudioConfig()
    plain = render(iter(clips), [0, 450, 1200], settings)
    writer = AacWriter(RATE, 1, 64)
    both = render(iter(clips), [0, 450, 1200], settings, also=writer.encode)
    assert bytes(both.mp3) == bytes(plain.mp3)
    path = tmp_path / "e.m4a"
    path.write_bytes(writer.close([(0.0, both.duration, "e")], "e"))
    aac = _decoded(path)
    mp3 = np.frombuffer(miniaudio.decode(bytes(both.mp3), nchannels=1, sample_rate=RATE,
                                         output_format=miniaudio.SampleFormat.SIGNED16).samples, np.int16) / 32768
    meter = pyloudnorm.Meter(RATE)
    assert aac.size / RATE == pytest.approx(both.duration, abs=0.03)
    assert meter.integrated_loudness(aac) == pytest.approx(meter.integrated_loudness(mp3), abs=0.5)


# --- Builds, as a user runs them ------------------------------------------------------------------

def _ffprobe(path: Path) -> dict:
    if shutil.which("ffprobe") is None:
        pytest.skip("ffprobe is not installed (scripts/test.sh installs Debian's ffmpeg for it)")
    found = subprocess.run(["ffprobe", "-v", "error", "-show_format", "-show_chapters", "-show_streams",
                            "-of", "json", str(path)], capture_output=True, text=True, check=True)
    return json.loads(found.stdout)


@pytest.fixture
def here(tmp_path, monkeypatch, fake_engine, lecture):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lecture.txt").write_text(lecture.read_text(encoding="utf-8"), encoding="utf-8")
    return Given(engine_factory=fake_engine)


BUNDLED = str(bundled_config_path())     # the lecture in three episodes
BOOK = f"{file_stem(load_config())}.m4b"


def _run(given, *args, code=0):
    if args[:2] == ("build", "lecture.txt"):
        args = (*args, "-c", BUNDLED)
    result = CliRunner().invoke(main, list(args), obj=given)
    assert result.exit_code == code, result.output
    return result


def _lines(result, start: str) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith(start)]


def _mp3s(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.mp3"))}


@pytest.mark.slow
def test_build_audiobook_writes_an_m4b_players_read(here, tmp_path):
    _run(here, "build", "lecture.txt", "-o", "plain", "-j", "2", "-q")
    result = _run(here, "build", "lecture.txt", "--audiobook", "-j", "2")
    book = tmp_path / "output" / BOOK
    assert f"audiobook: {Path('output') / BOOK}" in result.output
    # the MP3s are the same bytes with or without the audiobook
    assert _mp3s(tmp_path / "output") == _mp3s(tmp_path / "plain")
    manifest = json.loads((tmp_path / "output" / "manifest.json").read_text(encoding="utf-8"))
    entries = sorted(manifest["episodes"].values(), key=lambda e: e["number"])
    probed = _ffprobe(book)
    [audio] = [s for s in probed["streams"] if s["codec_type"] == "audio"]
    assert audio["codec_name"] == "aac" and audio["profile"] == "LC" and int(audio["sample_rate"]) == 44100
    assert probed["format"]["tags"]["major_brand"].strip() == "M4B"
    total = sum(e["duration"] for e in entries)
    assert float(probed["format"]["duration"]) == pytest.approx(total, abs=0.05 * len(entries))
    chapters = probed["chapters"]
    assert [c["tags"]["title"] for c in chapters] == [e["title"] for e in entries]
    starts = [float(c["start_time"]) for c in chapters]
    assert starts == pytest.approx([sum(e["duration"] for e in entries[:i]) for i in range(len(entries))],
                                   abs=0.05 * len(entries))
    found = _read(book)
    assert [c.title for c in found.chapters] == [e["title"] for e in entries]
    assert found.tags["©nam"] == [load_config().title] and "covr" in found.tags


@pytest.mark.slow
def test_a_rebuild_encodes_only_the_episodes_that_changed(here, tmp_path):
    _run(here, "build", "lecture.txt", "--audiobook", "-j", "2", "-q")
    cache = next((tmp_path / ".hijra-audio" / "cache").glob("*/aac"))
    aac = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.m4a")}
    book = tmp_path / "output" / BOOK
    joined = book.read_bytes()
    unchanged = _run(here, "build", "lecture.txt", "--audiobook", "-j", "2")
    assert not _lines(unchanged, "built") and "(unchanged)" in unchanged.output
    narration = tmp_path / "lecture.txt"
    narration.write_text(narration.read_text(encoding="utf-8").replace(
        "الى ان وصلوا الى المدينة", "الى ان وصلوا الى المدينة الطيبة"), encoding="utf-8")
    edited = _run(here, "build", "lecture.txt", "--audiobook", "-j", "2")
    assert len(_lines(edited, "built")) == 1 and "(unchanged)" not in edited.output
    after = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.m4a")}
    kept = set(aac) & set(after)
    assert len(kept) == len(aac) - 1 and all(aac[name] == after[name] for name in kept)   # not encoded again
    assert len(after) == len(aac)                                                        # the old one gone
    assert book.read_bytes() != joined


@pytest.mark.slow
def test_asking_for_the_audiobook_later_renders_again_and_speaks_nothing(here, tmp_path, fake_engine):
    _run(here, "build", "lecture.txt", "-j", "2", "-q")
    mp3s, spoken = _mp3s(tmp_path / "output"), len(fake_engine.calls())
    dry = _run(here, "build", "lecture.txt", "--audiobook", "--dry-run")
    assert dry.output.count("no audiobook audio") == len(mp3s)
    _run(here, "build", "lecture.txt", "--audiobook", "-j", "2", "-q")
    assert len(fake_engine.calls()) == spoken and _mp3s(tmp_path / "output") == mp3s
    assert (tmp_path / "output" / BOOK).is_file()


@pytest.mark.slow
def test_cache_prune_drops_the_aac_no_audiobook_uses(here, tmp_path):
    """Edited and built without --audiobook: the book in the folder is made of the AACs of the
    episodes as they are now, so the edited one's old AAC is unused; without the book, all are."""
    _run(here, "build", "lecture.txt", "--audiobook", "-j", "2", "-q")
    cache = next((tmp_path / ".hijra-audio" / "cache").glob("*/aac"))
    assert len(list(cache.glob("*.m4a"))) == 3
    info = _run(here, "cache", "info", "-c", BUNDLED)
    assert "3 audiobook AAC files" in info.output and "3 used by the audiobook in output, 0 unused" in info.output
    narration = tmp_path / "lecture.txt"
    narration.write_text(narration.read_text(encoding="utf-8").replace(
        "الى ان وصلوا الى المدينة", "الى ان وصلوا الى المدينة الطيبة"), encoding="utf-8")
    plain = _run(here, "build", "lecture.txt", "-j", "2")                      # no book this time
    assert f"{BOOK} in output is from before the episodes this build changed: build with --audiobook" \
        in " ".join(plain.output.split())
    assert "is from before" not in _run(here, "build", "lecture.txt", "-j", "2").output   # nothing changed
    pruned = _run(here, "cache", "prune", "-c", BUNDLED)
    assert "removed 1 clips" in pruned.output and "removed 1 audiobook AAC files" in pruned.output
    assert len(list(cache.glob("*.m4a"))) == 2
    (tmp_path / "output" / BOOK).unlink()
    pruned = _run(here, "cache", "prune", "-c", BUNDLED)
    assert "removed 2 audiobook AAC files" in pruned.output and not list(cache.glob("*.m4a"))
    assert "removed 0 clips" in pruned.output                                  # the clips are still used


@pytest.mark.slow
def test_only_one_episode_writes_no_book_and_says_why(here, tmp_path):
    result = _run(here, "build", "lecture.txt", "--audiobook", "--only", "2", "-j", "1")
    assert "the audiobook is not written: episodes 1, 3 are not built for it" in result.output
    assert not list((tmp_path / "output").glob("*.m4b"))


@pytest.mark.slow
def test_a_book_in_parts_from_the_config(here, tmp_path):
    body = " ".join(["قال ابن إسحاق: وكان رسول الله يدعو قومه إلى الإسلام."] * 20)
    (tmp_path / "book.txt").write_text(f"# الجزء الأول\n## بدء الوحي\n{body}\n## إسلام خديجة\n{body}\n"
                                       f"# الجزء الثاني\n## الهجرة\n{body}\n", encoding="utf-8")
    (tmp_path / "podcast.toml").write_text('title = "السيرة"\nauthor = "ابن هشام"\nnarration = ["book.txt"]\n'
                                           'seasons = true\ncomplete = true\n\n'
                                           '[audiobook]\nwrite = true\nname = "sira"\nparts_by_section = true\n',
                                           encoding="utf-8")
    _run(here, "build", "-j", "2", "-q")
    books = sorted((tmp_path / "output").glob("*.m4b"))
    assert [b.name for b in books] == ["sira-part1.m4b", "sira-part2.m4b"]
    first = _ffprobe(books[0])
    assert [c["tags"]["title"] for c in first["chapters"]] == ["الجزء الأول", "بدء الوحي", "إسلام خديجة"]
    assert first["format"]["tags"]["title"] == "السيرة: الجزء الأول"
    feed = (tmp_path / "output" / "feed.xml").read_text(encoding="utf-8")
    assert '<podcast:season name="الجزء الثاني">2</podcast:season>' in feed and "<itunes:complete>Yes" in feed
