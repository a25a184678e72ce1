"""The manifest is never silently lost (issue 25): written whole with the previous one kept, a
manifest that cannot be read restored from that backup, guids and first dates recovered from the
published feed.xml when it is gone, and a clear refusal, never new guids or dates, when nothing
can tell them. Podcast apps see the same guid and pubDate for every episode whatever happens."""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import podcastparser
import pytest
from click.testing import CliRunner

from hijra_audio.cli import main
from hijra_audio.config import ShowConfig, bundled_config_path
from hijra_audio.console import Given
from hijra_audio.errors import ManifestError
from hijra_audio.publish.feed import FeedItem, render_feed
from hijra_audio.publish.manifest import BACKUP_NAME, MANIFEST_NAME, EpisodeEntry, Manifest
from hijra_audio.publish.recover import read_feed
from hijra_audio.publish.site import SiteEpisode, episode_anchor, write_site

CONFIG = ShowConfig(title="عرض", base_url="https://example.org/show/")


def _entry(number: int, key: str | None = None) -> EpisodeEntry:
    return EpisodeEntry(key=key or f"n-{number}", number=number, title=f"الحلقة {number}", file=f"episode-{number:03d}.mp3",
                        bytes=1000 + number, duration=60.0 + number, guid=f"guid-{number}",
                        pub_date=datetime(2024, 1, number, 12, 0, tzinfo=timezone.utc).isoformat(),
                        hashes={"text": "t"}, clips=[f"c{number}"], paragraphs=[[False, f"نص {number}"]])


def _published(folder: Path, count: int = 2, show_notes: str = "full", page: bool = False) -> Manifest:
    """A folder as a build leaves it: a manifest of `count` episodes, their files, and the feed
    (with the show notes of `show_notes`), and the page when `page`."""
    manifest = Manifest(folder, {e.key: e for e in map(_entry, range(1, count + 1))},
                        show={"guid": "show-guid", "base_url": CONFIG.base_url, "config_base_url": CONFIG.base_url})
    manifest.save(complete=True)
    for entry in manifest.episodes.values():
        (folder / entry.file).write_bytes(b"\xff" * entry.bytes)
    texts = {e.number: ((True, "عنوان <1> & ما بعده"), *map(tuple, e.paragraphs)) for e in manifest.episodes.values()}
    items = [FeedItem(title=e.title, guid=e.guid, pub_date=datetime.fromisoformat(e.pub_date), file=e.file,
                      bytes=e.bytes, duration=e.duration, number=e.number, paragraphs=texts[e.number],
                      anchor=episode_anchor(e.number) if page else "")
             for e in manifest.episodes.values()]
    config = CONFIG.with_overrides(guid="show-guid")
    config = dataclasses.replace(config, show_notes=show_notes)
    (folder / "feed.xml").write_bytes(render_feed(config, items, datetime(2024, 2, 1, tzinfo=timezone.utc)))
    if page:
        write_site(config, [SiteEpisode(e.number, e.title, e.file, e.duration, texts[e.number], credit="بإذن القارئ")
                            for e in manifest.episodes.values()], folder)
    return manifest


def test_a_save_is_whole_and_a_complete_build_leaves_its_record_as_the_backup(tmp_path):
    manifest = _published(tmp_path)
    first = (tmp_path / MANIFEST_NAME).read_bytes()
    assert (tmp_path / BACKUP_NAME).read_bytes() == first
    build = Manifest.load(tmp_path)                                # the next build
    build.episodes["n-3"] = _entry(3)
    build.save()                                                   # saved as it goes
    assert (tmp_path / BACKUP_NAME).read_bytes() == first, "the backup is the last complete build's"
    build.episodes["n-4"] = _entry(4)
    build.save(complete=True)                                      # done
    assert (tmp_path / BACKUP_NAME).read_bytes() == (tmp_path / MANIFEST_NAME).read_bytes() != first
    assert set(Manifest.load(tmp_path).episodes) == {"n-1", "n-2", "n-3", "n-4"}
    assert not list(tmp_path.glob(".*.tmp"))
    assert manifest.episodes.keys() == {"n-1", "n-2"}


@pytest.mark.parametrize("damage", [
    lambda data: data[:len(data) // 2],                            # cut in half
    lambda data: b"",                                              # emptied
    lambda data: b"\x00" * len(data),                              # zeroed (a crash on some file systems)
    lambda data: data.replace(b'"guid"', b'"gu1d"'),               # an entry damaged
    lambda data: data.replace(b'"version": 2', b'"version": 9'),   # another version's
])
def test_a_manifest_that_cannot_be_read_is_restored_from_the_backup_with_a_warning(tmp_path, damage):
    _published(tmp_path, 2)
    later = Manifest.load(tmp_path)
    later.episodes["n-3"] = _entry(3)
    later.save()                                                    # a build under way: the backup has 1 and 2
    path = tmp_path / MANIFEST_NAME
    path.write_bytes(damage(path.read_bytes()))
    restored = Manifest.load(tmp_path)
    assert restored.source == BACKUP_NAME
    assert set(restored.episodes) == {"n-1", "n-2"}
    assert restored.episodes["n-1"].guid == "guid-1" and restored.episodes["n-1"].pub_date.startswith("2024-01-01")
    (warning,) = restored.warnings
    assert str(path) in warning and "restored from manifest.json.bak" in warning
    backup = (tmp_path / BACKUP_NAME).read_bytes()
    restored.save()                                                 # only a complete build replaces the backup
    assert (tmp_path / BACKUP_NAME).read_bytes() == backup
    assert Manifest.load(tmp_path).source == MANIFEST_NAME


@pytest.mark.parametrize("damage, what", [(lambda data: data[:len(data) // 2], "cut short or damaged"),
                                          (lambda data: b"", "empty")])
def test_without_a_backup_an_unreadable_manifest_stops_with_how_to_recover(tmp_path, damage, what):
    _published(tmp_path)
    (tmp_path / BACKUP_NAME).unlink()
    path = tmp_path / MANIFEST_NAME
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(ManifestError) as refused:
        Manifest.load(tmp_path)
    message = str(refused.value)
    assert str(path) in message and what in message
    assert "put back a copy of it" in message and "or delete it" in message and "feed.xml" in message
    path.unlink()                                                   # as the message says
    recovered = Manifest.load(tmp_path)
    assert recovered.source == "feed.xml"
    assert [(i.guid, i.pub_date) for i in recovered.published] == [("guid-1", "2024-01-01T12:00:00+00:00"),
                                                                   ("guid-2", "2024-01-02T12:00:00+00:00")]


def test_a_deleted_manifest_is_restored_from_the_backup(tmp_path):
    _published(tmp_path)
    (tmp_path / MANIFEST_NAME).unlink()
    restored = Manifest.load(tmp_path)
    assert restored.source == BACKUP_NAME and "is missing; restored from manifest.json.bak" in restored.warnings[0]


def test_a_deleted_manifest_and_backup_are_recovered_from_the_feed(tmp_path):
    _published(tmp_path)
    (tmp_path / MANIFEST_NAME).unlink()
    (tmp_path / BACKUP_NAME).unlink()
    recovered = Manifest.load(tmp_path)
    assert recovered.source == "feed.xml" and recovered.episodes == {}
    assert recovered.show["guid"] == "show-guid" and recovered.show["base_url"] == CONFIG.base_url
    assert "the 2 episodes" in recovered.warnings[0]
    feed = read_feed(tmp_path / "feed.xml")
    assert [(i.file, i.bytes, i.number, i.title) for i in feed.items] == [
        ("episode-001.mp3", 1001, 1, "الحلقة 1"), ("episode-002.mp3", 1002, 2, "الحلقة 2")]


def test_without_manifest_backup_or_feed_built_episodes_are_not_published_anew(tmp_path):
    _published(tmp_path)
    (tmp_path / MANIFEST_NAME).unlink()
    (tmp_path / BACKUP_NAME).unlink()
    (tmp_path / "feed.xml").unlink()
    with pytest.raises(ManifestError, match="episode files .* but no manifest.json, manifest.json.bak or feed.xml"
                                            ".*Put the published feed.xml back"):
        Manifest.load(tmp_path)
    (tmp_path / "feed.xml").write_text("<html>not found</html>", encoding="utf-8")
    with pytest.raises(ManifestError, match="feed.xml is not an RSS feed"):
        Manifest.load(tmp_path)
    assert Manifest.load(tmp_path / "new").source == ""            # a new folder: a new show, no warning


def test_adopt_gives_the_plan_the_feeds_guids_and_dates(tmp_path):
    from types import SimpleNamespace

    from hijra_audio.publish.feed import episode_guid

    _published(tmp_path)
    (tmp_path / MANIFEST_NAME).unlink()
    (tmp_path / BACKUP_NAME).unlink()
    # episode 1 is found by the guid it would get (rewrite the feed's), episode 2 by its file and title
    feed = (tmp_path / "feed.xml").read_text(encoding="utf-8").replace("guid-1", episode_guid(CONFIG, "h-one"))
    (tmp_path / "feed.xml").write_text(feed, encoding="utf-8")
    recovered = Manifest.load(tmp_path)
    plan = [SimpleNamespace(key="h-one", number=1, slug="episode-001", title="عنوان آخر"),
            SimpleNamespace(key="n-2", number=2, slug="episode-002", title="الحلقة 2"),
            SimpleNamespace(key="n-3", number=3, slug="episode-003", title="الحلقة 3")]
    assert recovered.adopt(plan, CONFIG) == 2
    assert recovered.episodes["h-one"].guid == episode_guid(CONFIG, "h-one")
    assert (recovered.episodes["n-2"].guid, recovered.episodes["n-2"].pub_date) == ("guid-2", "2024-01-02T12:00:00+00:00")
    assert "n-3" not in recovered.episodes and recovered.episodes["n-2"].hashes == {}
    assert recovered.episodes["n-2"].paragraphs == [[True, "عنوان <1> & ما بعده"], [False, "نص 2"]]


@pytest.mark.parametrize("show_notes, page, text", [
    ("full", False, ((True, "عنوان <1> & ما بعده"), (False, "نص 2"))),   # the whole text is in the notes
    ("short", True, ((True, "عنوان <1> & ما بعده"), (False, "نص 2"))),   # the page has it (not its credit)
    ("short", False, ()),               # short notes are not the text: unknown (the plan's is shown)
])
def test_the_text_is_recovered_from_the_page_else_from_whole_show_notes(tmp_path, show_notes, page, text):
    _published(tmp_path, show_notes=show_notes, page=page)
    assert read_feed(tmp_path / "feed.xml").items[1].paragraphs == text


# --- through the build: what podcast apps see -------------------------------------------------------

BUNDLED = bundled_config_path()


def _seen(out: Path) -> dict[str, tuple[str, int]]:
    """Each episode's guid and pubDate as a podcast app reads them (podcastparser, as gPodder)."""
    with open(out / "feed.xml", "rb") as handle:
        parsed = podcastparser.parse(str(out / "feed.xml"), handle)
    return {e["enclosures"][0]["url"].rsplit("/", 1)[-1]: (e["guid"], e["published"]) for e in parsed["episodes"]}


def _build(out: Path, fake_engine, when: int, *args: str) -> object:
    return CliRunner(mix_stderr=False).invoke(main, ["build", "-o", str(out), "-j", "1", *args],
                                              obj=Given(engine_factory=fake_engine),
                                              env={"SOURCE_DATE_EPOCH": str(when)})


@pytest.fixture
def published(tmp_path, fake_engine, monkeypatch):
    """The bundled show built into `out` on day one; apps have seen its feed."""
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    result = _build(out, fake_engine, 1_700_000_000)
    assert result.exit_code == 0, result.stderr
    assert Manifest.parse(out, out / BACKUP_NAME).episodes
    return out, _seen(out)


LATER = 1_800_000_000      # a build years later: an episode given new dates would show it


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["cut", "emptied", "deleted", "deleted with its backup"])
def test_a_lost_manifest_never_changes_what_apps_see(published, fake_engine, damage):
    out, seen = published
    path = out / MANIFEST_NAME
    if damage == "cut":
        path.write_bytes(path.read_bytes()[:path.stat().st_size // 2])
    elif damage == "emptied":
        path.write_bytes(b"")
    else:
        path.unlink()
        if damage == "deleted with its backup":
            (out / BACKUP_NAME).unlink()
    result = _build(out, fake_engine, LATER)
    assert result.exit_code == 0, result.stderr
    assert _seen(out) == seen
    assert "warning: " in result.stderr and ("restored from manifest.json.bak" in result.stderr
                                             or "are taken from it" in result.stderr)
    assert Manifest.load(out).source == MANIFEST_NAME                 # a whole record again
    again = _build(out, fake_engine, LATER)
    assert again.exit_code == 0 and "warning: " + str(path) not in again.stderr and _seen(out) == seen
    if damage == "deleted with its backup":                        # rebuilt once (how it was made is not known)
        assert "record recovered" in result.stdout and "built " not in again.stdout


@pytest.mark.slow
def test_a_renamed_show_keeps_its_episodes_guids_from_the_feed(published, fake_engine, tmp_path):
    out, seen = published
    for name in ("hijra-lecture.txt", "hijra-lecture.lexicon", "cover.png"):
        shutil.copy(Path(BUNDLED).parent / name, tmp_path / name)
    config = tmp_path / "podcast.toml"
    config.write_text(BUNDLED.read_text(encoding="utf-8").replace('title = "الهجرة النبوية"', 'title = "اسم جديد"'),
                      encoding="utf-8")
    assert "اسم جديد" in config.read_text(encoding="utf-8")
    (out / MANIFEST_NAME).unlink()
    (out / BACKUP_NAME).unlink()
    result = _build(out, fake_engine, LATER, "-c", str(config))
    assert result.exit_code == 0, result.stderr
    assert _seen(out) == seen


@pytest.mark.slow
def test_without_any_record_the_build_refuses_and_touches_nothing(published, fake_engine, tree_snapshot):
    out, seen = published
    for name in (MANIFEST_NAME, BACKUP_NAME, "feed.xml"):
        (out / name).unlink()
    before = tree_snapshot(out)
    result = _build(out, fake_engine, LATER)
    assert result.exit_code == 1
    assert "Put the published feed.xml back" in result.stderr and "Traceback" not in result.stderr
    assert tree_snapshot(out) == before


@pytest.mark.slow
def test_a_cut_manifest_without_backup_refuses_until_deleted_then_recovers(published, fake_engine, tree_snapshot):
    out, seen = published
    (out / BACKUP_NAME).unlink()
    path = out / MANIFEST_NAME
    path.write_bytes(path.read_bytes()[:100])
    before = tree_snapshot(out)
    refused = _build(out, fake_engine, LATER)
    assert refused.exit_code == 1 and "or delete it, and the next build takes the guids" in refused.stderr
    assert tree_snapshot(out) == before                             # nothing touched, the feed as it was
    path.unlink()
    result = _build(out, fake_engine, LATER)
    assert result.exit_code == 0, result.stderr
    assert _seen(out) == seen
    manifest = json.loads(path.read_text(encoding="utf-8"))
    assert {e["guid"] for e in manifest["episodes"].values()} == {guid for guid, _ in seen.values()}


@pytest.mark.slow
def test_after_a_recovery_only_keeps_the_text_published_with_each_audio(published, fake_engine, tmp_path):
    import feedparser

    out, seen = published
    lecture = tmp_path / "lecture.txt"
    lecture.write_text((Path(BUNDLED).parent / "hijra-lecture.txt").read_text(encoding="utf-8")
                       .replace("الى ان وصلوا الى المدينة", "الى ان وصلوا الى المدينة الطيبة"), encoding="utf-8")
    before = {e.id: (e.description, e.content[0].value) for e in feedparser.parse(str(out / "feed.xml")).entries}
    (out / MANIFEST_NAME).unlink()
    (out / BACKUP_NAME).unlink()
    result = _build(out, fake_engine, LATER, "-c", str(BUNDLED), str(lecture), "--only", "1")
    assert result.exit_code == 0, result.stderr
    assert "not selected: record recovered" in result.stdout
    after = {e.id: (e.description, e.content[0].value) for e in feedparser.parse(str(out / "feed.xml")).entries}
    assert after == before and "الطيبة" not in str(after)          # the third's old text, beside its old audio
    assert _seen(out) == seen
