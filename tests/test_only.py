"""`build --only` publishes what the audio says, everywhere (issue 25): an episode left as it was
keeps, beside its old MP3, its old title, description, show notes (`content:encoded`), page text,
captions (WebVTT and SRT) and chapters; the episode built gets its new text in every one; and in
every build each published text has the words its captions (made with the audio) have."""

from __future__ import annotations

import html
import re
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from hijra_audio.cli import main
from hijra_audio.config import bundled_config_path
from hijra_audio.console import Given
from hijra_audio.publish.transcript import webvtt_texts
from tests.fakes import whole_text_config

BUNDLED = str(bundled_config_path())
# the first episode's text, and the third's opening words (so its title) and text
EDITS = (("هيأ الرواحل", "جهز بسرعة الرواحل"), ("ثم خرج وذهب هو وابو بكر", "ثم خرج مسرعا وذهب هو وابو بكر"))
NEW_WORDS = ("جهز", "مسرعا")


def _words(text: str) -> list[str]:
    return html.unescape(re.sub(r"<[^>]+>", " ", re.sub(r"</?bdi[^>]*>", "", text))).split()


def published(out: Path) -> dict[str, dict[str, object]]:
    """Every published field of each episode, by its file: what an app or a browser shows."""
    fields = {}
    feed = feedparser.parse(str(out / "feed.xml"))
    page = (out / "index.html").read_text(encoding="utf-8")
    for entry in feed.entries:
        file = entry.enclosures[0].href.rsplit("/", 1)[-1]
        stem = file.removesuffix(".mp3")
        number = int(stem.rsplit("-", 1)[-1])
        article = re.search(rf'<article class="episode" id="episode-{number}">.*?</article>', page, re.S).group()
        fields[file] = {
            "mp3": (out / file).read_bytes(), "guid": entry.id, "date": entry.published, "title": entry.title,
            "description": entry.description, "notes": entry.content[0].value, "page": article,
            "vtt": (out / f"{stem}.vtt").read_bytes(), "srt": (out / f"{stem}.srt").read_bytes(),
            "chapters": (out / f"{stem}.chapters.json").read_bytes(),
        }
    return fields


def said_and_shown_agree(out: Path, whole: bool) -> None:
    """Each episode's page text and description have the words its captions have (the captions
    are written with the audio, from the segments it speaks), and so have its show notes: all of
    them when they are its whole text (`whole`: show_notes = "full"), else their opening; its
    title is its chapters' title."""
    import json

    for file, episode in published(out).items():
        said = " ".join(webvtt_texts(episode["vtt"])).split()
        if whole:
            assert _words(episode["notes"]) == said, file
        else:
            opening = _words(re.search(r"<p>(.*?)</p>", episode["notes"], re.S).group(1))
            assert opening == said[:len(opening)] or opening[:-1] == said[:len(opening) - 1], file
        paragraphs = re.findall(r"<(?:p|h3) dir=\"auto\">(.*?)</(?:p|h3)>", episode["page"], re.S)
        assert _words(" ".join(paragraphs)) == said, file
        description = episode["description"].split()
        assert description == said[:len(description)] or description[:-1] == said[:len(description) - 1], file
        assert json.loads(episode["chapters"])["title"] == episode["title"], file


@pytest.mark.slow
def test_only_publishes_what_each_episodes_audio_says_in_every_field(tmp_path, monkeypatch, fake_engine, lecture):
    """With the whole text in the feed (show_notes = "full"), so that every word of it is checked;
    the default short notes are checked as the opening of the same text."""
    monkeypatch.chdir(tmp_path)
    config = whole_text_config(tmp_path)
    narration = tmp_path / "lecture.txt"
    narration.write_text(lecture.read_text(encoding="utf-8"), encoding="utf-8")

    def build(*args: str) -> str:
        result = CliRunner(mix_stderr=False).invoke(main, ["build", "lecture.txt", "-c", config, "-j", "1", "-q", *args],
                                                    obj=Given(engine_factory=fake_engine))
        assert result.exit_code == 0, result.output + result.stderr
        return result.output

    out = tmp_path / "output"
    build()
    said_and_shown_agree(out, whole=True)
    before = published(out)
    text = narration.read_text(encoding="utf-8")
    for old, new in EDITS:
        assert text.count(old) == 1
        text = text.replace(old, new)
    narration.write_text(text, encoding="utf-8")

    done = build("--only", "1")
    assert re.search(r"^skipped\s+\S*episode-003\.mp3 .*\(not selected: text changed\)$", done, re.M), done
    after = published(out)
    said_and_shown_agree(out, whole=True)
    assert after["episode-003.mp3"] == before["episode-003.mp3"], "the episode left as it was changed somewhere"
    assert after["episode-002.mp3"] == before["episode-002.mp3"]
    first, was = after["episode-001.mp3"], before["episode-001.mp3"]
    assert first["mp3"] != was["mp3"] and (first["guid"], first["date"]) == (was["guid"], was["date"])
    for field in ("description", "notes", "page", "vtt", "srt"):
        shown = first[field] if isinstance(first[field], str) else first[field].decode("utf-8")
        assert "جهز" in shown and "هيأ الرواحل" not in shown, field
    assert not any(word in str(value) for value in after["episode-003.mp3"].values() for word in NEW_WORDS)

    build()                                                         # the whole show: the third catches up
    final = published(out)
    said_and_shown_agree(out, whole=True)
    third, was = final["episode-003.mp3"], before["episode-003.mp3"]
    assert (third["guid"], third["date"]) == (was["guid"], was["date"])
    assert "مسرعا" in third["title"] and all("مسرعا" in str(third[f]) for f in ("description", "notes", "page"))
    assert "مسرعا" in third["vtt"].decode("utf-8") and "مسرعا" in third["chapters"].decode("utf-8")


@pytest.mark.slow
def test_the_default_short_notes_open_with_what_the_audio_says(tmp_path, monkeypatch, fake_engine):
    monkeypatch.chdir(tmp_path)
    result = CliRunner(mix_stderr=False).invoke(main, ["build", "-c", BUNDLED, "-j", "1", "-q"],
                                                obj=Given(engine_factory=fake_engine))
    assert result.exit_code == 0, result.output + result.stderr
    said_and_shown_agree(tmp_path / "output", whole=False)
