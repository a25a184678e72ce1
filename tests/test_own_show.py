"""A publisher's own show, as a new user makes it (issue 13): `init`, edit podcast.toml, write
narration, build, serve, rebuild, driven through the command line from inside the show's folder.
The fake engine keeps it fast."""

from __future__ import annotations

import re

import feedparser
import podcastparser
import pytest
from click.testing import CliRunner
from lxml import etree

from hijra_audio.cli import main
from hijra_audio.config import load_config
from hijra_audio.console import Given

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0",
      "atom": "http://www.w3.org/2005/Atom", "content": "http://purl.org/rss/1.0/modules/content/"}
TALK = "## الخروج\nخرج النبي من مكة ليلا مع صاحبه أبي بكر. ثم اختفيا في غار ثور ثلاث ليال.\n"
TITLE = "دروس السيرة"


@pytest.fixture
def cli(tmp_path, monkeypatch, fake_engine):
    """Run `hijra-audio ARGS` in tmp_path/show (made, and the current folder) with the fake engine;
    returns (stdout, stderr, exit code)."""
    folder = tmp_path / "show"
    folder.mkdir()
    monkeypatch.chdir(folder)

    def run(*args: str):
        try:
            runner = CliRunner(mix_stderr=False)
        except TypeError:                   # click 8.2 keeps stderr apart by itself
            runner = CliRunner()
        if args[:1] == ("build",) and "-j" not in args:
            args = (*args, "-j", "1")
        result = runner.invoke(main, list(args), obj=Given(engine_factory=fake_engine))
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.stdout, result.stderr, result.exit_code

    run.folder = folder
    run.calls = fake_engine.calls
    run.engine = fake_engine
    return run


def _own_show(folder, **keys) -> None:
    """`init`'s podcast.toml with the show's own values put in (a new user's edit)."""
    path = folder / "podcast.toml"
    text = path.read_text(encoding="utf-8")
    values = {"title": TITLE, "description": "دروس في السيرة النبوية.", "narration": ["talk.txt"], **keys}
    for key, value in values.items():
        encoded = "[" + ", ".join(f'"{v}"' for v in value) + "]" if isinstance(value, list) else f'"{value}"'
        text, count = re.subn(rf"(?m)^{key} = .*$", f"{key} = {encoded}", text, count=1)
        assert count == 1, key
    path.write_text(text, encoding="utf-8")
    (folder / "talk.txt").write_text(TALK, encoding="utf-8")


def _feed(folder):
    return etree.parse(str(folder / "output" / "feed.xml"))


def _title(folder) -> str:
    parsed = podcastparser.parse("feed.xml", (folder / "output" / "feed.xml").open("rb"))
    return parsed["title"]


# --- 1. project discovery -------------------------------------------------------------------------

@pytest.mark.slow
def test_a_plain_build_in_a_folder_made_by_init_builds_that_show(cli):
    assert cli("init")[2] == 0
    _own_show(cli.folder)
    out, err, code = cli("build")
    assert code == 0, err
    assert "config: ./podcast.toml" in err
    assert _title(cli.folder) == TITLE
    assert "الهجرة" not in (cli.folder / "output" / "feed.xml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_narration_on_the_command_line_is_built_with_the_discovered_config(cli):
    cli("init")
    _own_show(cli.folder, narration=[])
    (cli.folder / "other.txt").write_text(TALK, encoding="utf-8")
    out, err, code = cli("build", "other.txt")
    assert code == 0, err
    assert _title(cli.folder) == TITLE       # not "other"


def test_clean_and_say_use_the_discovered_config_too(cli):
    cli("init")
    _own_show(cli.folder, lexicon="mine.lexicon")
    (cli.folder / "mine.lexicon").write_text("صاحبه = رفيقه\n", encoding="utf-8")
    out, err, code = cli("clean", "talk.txt")
    assert code == 0 and "config: ./podcast.toml" in err
    assert "رفيقه" in out and "صاحبه" not in out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["سيرة ابن هشام", "talks"])
def test_a_folder_without_a_config_is_a_show_titled_after_the_folder(cli, name):
    folder = cli.folder / name
    folder.mkdir()
    (folder / "01.txt").write_text(TALK, encoding="utf-8")
    import os

    os.chdir(folder)
    out, err, code = cli("build", ".")
    assert code == 0, err                                    # used to crash in feedgen
    assert _title(folder) == name
    page = (folder / "output" / "index.html").read_text(encoding="utf-8")
    assert f"<title>{name}" in page


@pytest.mark.slow
def test_a_file_without_a_config_is_a_show_titled_after_the_file_as_written(cli):
    (cli.folder / "الهجرة إلى المدينة.txt").write_text(TALK, encoding="utf-8")
    out, err, code = cli("build", "الهجرة إلى المدينة.txt")
    assert code == 0, err
    assert _title(cli.folder) == "الهجرة إلى المدينة"
    assert "default settings" in err


def test_a_blank_title_stops_the_build_before_any_audio(cli):
    cli("init")
    _own_show(cli.folder, title="")
    out, err, code = cli("build")
    assert code == 1 and "title is empty" in err and "podcast.toml" in err
    assert cli.calls() == [] and not (cli.folder / "output").exists()


def test_a_missing_config_file_suggests_init(cli):
    out, err, code = cli("build", "-c", "missing.toml")
    assert code == 1 and "no such config file" in err and "hijra-audio init" in err


@pytest.mark.slow
def test_serve_names_the_command_that_fixes_the_address_with_its_config(cli, monkeypatch):
    cli("init")
    _own_show(cli.folder)
    assert cli("build", "-c", "podcast.toml")[2] == 0

    class Server:
        server_address = ("0.0.0.0", 8123)

        def serve_forever(self):
            raise KeyboardInterrupt

        def server_close(self):
            pass

    import hijra_audio.serve

    monkeypatch.setattr(hijra_audio.serve, "make_server", lambda *a, **k: Server())
    monkeypatch.setattr(hijra_audio.serve, "public_url", lambda host, port: "http://192.168.1.20:8123/")
    out, err, code = cli("serve", "--host", "0.0.0.0", "-c", "podcast.toml")
    assert code == 0
    assert "`hijra-audio build -c podcast.toml --base-url http://192.168.1.20:8123/ -o output`" in out


# --- 3. the publishing address is part of the show -------------------------------------------------

def _mp3s(folder):
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (folder / "output").glob("*.mp3")}


@pytest.mark.slow
def test_a_base_url_given_once_is_kept_and_a_move_rewrites_only_feed_and_page(cli):
    cli("init")
    _own_show(cli.folder)
    assert cli("build", "--base-url", "http://192.168.1.20:8000/")[2] == 0
    mp3s = _mp3s(cli.folder)
    calls = len(cli.calls())
    out, err, code = cli("build")                         # a plain build keeps the address
    assert code == 0 and "kept from the last build" in err
    assert "config: ./podcast.toml" in err                # said by a build with nothing to do, too
    urls = _feed(cli.folder).xpath("//item/enclosure/@url")
    assert urls and all(u.startswith("http://192.168.1.20:8000/") for u in urls)
    page = (cli.folder / "output" / "index.html").read_text(encoding="utf-8")
    assert "http://192.168.1.20:8000/feed.xml" in page

    out, err, code = cli("build", "--base-url", "https://example.org/sira/")
    assert code == 0
    assert "http://192.168.1.20:8000/ -> https://example.org/sira/" in err
    assert re.search(r"(?m)^kept\s+\S*episode-001\.mp3", out)
    assert _mp3s(cli.folder) == mp3s and len(cli.calls()) == calls     # no MP3 rewritten, nothing spoken
    assert _feed(cli.folder).xpath("//item/enclosure/@url")[0] == "https://example.org/sira/episode-001.mp3"
    assert "https://example.org/sira/feed.xml" in (cli.folder / "output" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_editing_base_url_in_the_config_wins_over_the_kept_one(cli):
    cli("init")
    _own_show(cli.folder)
    cli("build", "--base-url", "http://192.168.1.20:8000/")
    _own_show(cli.folder, base_url="https://example.org/p/")
    out, err, code = cli("build")
    assert code == 0 and "http://192.168.1.20:8000/ -> https://example.org/p/" in err
    assert _feed(cli.folder).xpath("//item/enclosure/@url")[0].startswith("https://example.org/p/")


@pytest.mark.slow
def test_save_writes_the_address_and_guid_into_the_config(cli):
    cli("init")
    _own_show(cli.folder)
    out, err, code = cli("build", "--base-url", "https://example.org/p", "--save")
    assert code == 0, err
    config = load_config(cli.folder / "podcast.toml")
    guid = _feed(cli.folder).xpath("string(/rss/channel/podcast:guid)", namespaces=NS)
    assert config.base_url == "https://example.org/p/" and config.guid == guid
    assert "# The show's name." in (cli.folder / "podcast.toml").read_text(encoding="utf-8")  # comments kept
    assert "base_url" not in " ".join(check_lines(cli))


@pytest.mark.slow
def test_the_show_guid_is_its_own_and_kept_when_the_show_moves(cli, tmp_path):
    cli("init")
    _own_show(cli.folder)
    cli("build")
    first = _feed(cli.folder).xpath("string(/rss/channel/podcast:guid)", namespaces=NS)
    bundled = etree.parse(str(_bundled_feed(tmp_path))).xpath("string(/rss/channel/podcast:guid)", namespaces=NS)
    assert first and first != bundled                  # two shows on the default address, two guids
    cli("build", "--base-url", "https://example.org/p/")
    assert _feed(cli.folder).xpath("string(/rss/channel/podcast:guid)", namespaces=NS) == first


def _bundled_feed(tmp_path):
    from hijra_audio.pipeline import BuildRequest, build
    from tests.fakes import FakeEngine

    out = tmp_path / "bundled"
    import functools

    build(BuildRequest(output=out, jobs=1, engine_factory=functools.partial(FakeEngine, str(tmp_path / "b.log"))))
    return out / "feed.xml"


# --- 7. check ------------------------------------------------------------------------------------

def check_lines(cli, *args):
    out, err, code = cli("check", *args)
    return [line for line in err.splitlines() if line.startswith("warning:")]


def test_check_names_what_init_left_and_what_is_unsafe(cli):
    cli("init")
    found = " | ".join(check_lines(cli))
    assert "title is still init's example" in found and "description is still init's example" in found
    assert "[owner] email is empty" in found
    assert "http://127.0.0.1:8000/ is this machine only" in found
    assert "podcast:guid is" in found and "not set in podcast.toml" in found
    assert cli("check", "--strict")[2] == 1
    assert cli("check")[2] == 0


def test_check_passes_a_show_ready_to_publish_and_strict_exits_0(cli):
    cli("init")
    _own_show(cli.folder, base_url="https://example.org/p/", guid="917393e3-1b1e-5cef-ace4-edaa54e1f810")
    path = cli.folder / "podcast.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('email = ""', 'email = "me@example.org"')
                    .replace('recitation = ""', 'recitation = "voice"'), encoding="utf-8")
    out, err, code = cli("check", "--strict")
    assert code == 0 and "0 warnings" in out, err


@pytest.mark.slow
def test_build_ends_with_the_same_warnings_and_reports_them_as_data(cli):
    cli("init")
    (cli.folder / "talk.txt").write_text(TALK, encoding="utf-8")
    out, err, code = cli("build", "talk.txt")
    assert code == 0                                    # warnings never stop a build
    assert "warning: title is still init's example" in err
    from hijra_audio.pipeline import BuildRequest, build

    request = BuildRequest(inputs=(cli.folder / "talk.txt",), output=cli.folder / "output",
                           config_path=cli.folder / "podcast.toml", engine_factory=cli.engine, jobs=1)
    report = build(request)
    assert any("[owner] email is empty" in w for w in report.warnings)
    # and the feed carries no podcast:locked the readers would ignore
    assert _feed(cli.folder).xpath("/rss/channel/podcast:locked", namespaces=NS) == []


@pytest.mark.slow
def test_a_lock_with_the_owners_email(cli):
    cli("init")
    _own_show(cli.folder)
    path = cli.folder / "podcast.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('email = ""', 'email = "me@example.org"'),
                    encoding="utf-8")
    cli("build")
    locked = _feed(cli.folder).xpath("/rss/channel/podcast:locked", namespaces=NS)
    assert [(e.text, e.get("owner")) for e in locked] == [("yes", "me@example.org")]


def test_check_reports_an_undersized_cover(cli):
    from PIL import Image

    cli("init")
    _own_show(cli.folder, image="art.png")
    Image.new("RGB", (600, 600), "white").save(cli.folder / "art.png")
    assert any("600x600" in line for line in check_lines(cli))


def test_check_says_when_a_stereo_show_keeps_the_mono_loudness(cli):
    """init writes loudness_lufs = -19; switching to channels = 2 and keeping it would leave the
    show 3 dB quieter than the stereo norm: check says so, and the fix."""
    cli("init")
    path = cli.folder / "podcast.toml"
    text = path.read_text(encoding="utf-8")
    assert "channels = 1\n" in text and "loudness_lufs = -19.0\n" in text
    path.write_text(text.replace("channels = 1\n", "channels = 2\n"), encoding="utf-8")
    assert any("channels = 2 with loudness_lufs = -19" in line and "loudness_lufs = -16" in line
               for line in check_lines(cli))
    path.write_text(text.replace("channels = 1\n", "channels = 2\n").replace("loudness_lufs = -19.0\n", ""),
                    encoding="utf-8")
    assert not any("channels = 2" in line for line in check_lines(cli))


def test_check_warns_about_a_feed_apps_refuse_and_names_the_setting(cli):
    """The feed of the output folder (-o) as a build left it: over 1 MB and what Pocket Casts takes."""
    cli("init")
    _own_show(cli.folder, show_notes="full")
    (cli.folder / "site").mkdir()
    (cli.folder / "site" / "feed.xml").write_bytes(b"<rss>" + b"<item></item>" * 300 + b" " * 3_100_000 + b"</rss>")
    lines = check_lines(cli, "-o", "site")
    [line] = [line for line in lines if "feed.xml is 3" in line]
    # a feed beside no manifest is said to be no record this tool can recover from: check goes on
    assert any("manifest.json is missing" in line for line in lines)
    assert "3.1 MB (300 episodes" in line and "Pocket Casts" in line and 'show_notes = "full"' in line
    assert not [line for line in check_lines(cli) if "feed.xml" in line]      # ./output: no feed yet
    (cli.folder / "podcast.toml").write_text(
        (cli.folder / "podcast.toml").read_text(encoding="utf-8").replace('show_notes = "full"', 'show_notes = "long"'),
        encoding="utf-8")
    out, err, code = cli("check")
    assert code == 1 and 'show_notes must be "short"' in err and "long" in err


# --- small things -------------------------------------------------------------------------------

def test_a_mistyped_command_gets_did_you_mean(cli):
    out, err, code = cli("biuld")
    assert code == 2 and "Did you mean 'build'?" in err
    out, err, code = cli("cache", "prnue")
    assert code == 2 and "Did you mean 'prune'?" in err


def test_say_an_empty_text_talks_about_the_text(cli, monkeypatch, fake_engine):
    out, err, code = cli("say", "")
    error = err.strip().splitlines()[-1]
    assert code == 1 and "the text is empty" in error and "Give an Arabic sentence in quotes" in error
    assert "file" not in error and "in it" not in error       # not "Put the narration text in it"


def test_say_writes_wav_for_wav_and_mp3_for_mp3_and_refuses_the_rest(cli, monkeypatch, fake_engine):
    import wave

    assert cli("say", "ثم هاجر إلى المدينة", "-o", "p.wav")[2] == 0
    with wave.open(str(cli.folder / "p.wav")) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 44100)
        assert wav.getnframes() > 0
    assert cli("say", "ثم هاجر إلى المدينة", "-o", "p.mp3")[2] == 0
    data = (cli.folder / "p.mp3").read_bytes()
    assert data[:3] == b"ID3"
    out, err, code = cli("say", "ثم هاجر إلى المدينة", "-o", "p.ogg")
    assert code == 1 and "MP3 (.mp3) or WAV (.wav)" in err and not (cli.folder / "p.ogg").exists()


@pytest.mark.slow
def test_one_episode_is_one_episode(cli):
    (cli.folder / "t.txt").write_text("خرج النبي من مكة ليلا.", encoding="utf-8")
    out, err, code = cli("build", "t.txt")
    assert code == 0 and "\n1 episode, " in "\n" + out and "1 segment spoken" in out


@pytest.mark.slow
def test_settings_changed_names_the_key(cli):
    cli("init")
    _own_show(cli.folder)
    cli("build")
    path = cli.folder / "podcast.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("bitrate_kbps = 64", "bitrate_kbps = 96"),
                    encoding="utf-8")
    out, err, code = cli("build", "--dry-run")
    assert "settings changed ([audio] bitrate_kbps)" in out


@pytest.mark.slow
def test_a_long_episode_description_is_cut_at_a_sentence_and_the_page_keeps_it_all(cli):
    sentence = "ثم خرج النبي من مكة ليلا مع صاحبه أبي بكر الصديق إلى غار ثور."
    long = "## الخروج\n" + " ".join([sentence] * 120) + "\n"
    (cli.folder / "t.txt").write_text(long, encoding="utf-8")
    cli("build", "t.txt")
    item = _feed(cli.folder).xpath("//item")[0]
    description = item.findtext("description")
    assert len(description) <= 300 and description.endswith(". …")
    notes = item.findtext("content:encoded", namespaces=NS)
    assert notes.startswith(f"<p>{description}</p>") and 'href="http://127.0.0.1:8000/index.html#episode-1"' in notes
    assert notes.count(sentence) < 10
    assert (cli.folder / "output" / "index.html").read_text(encoding="utf-8").count(sentence) == 120
    # show_notes = "full": the whole text in the feed, as before
    (cli.folder / "podcast.toml").write_text('title = "t"\nshow_notes = "full"\n', encoding="utf-8")
    cli("build", "t.txt")
    item = _feed(cli.folder).xpath("//item")[0]
    description = item.findtext("description")
    assert len(description.encode("utf-8")) <= 4000 and description.endswith(". …")
    notes = item.findtext("content:encoded", namespaces=NS)
    assert notes.startswith("<h3>الخروج</h3><p>") and notes.count(sentence) == 120
    parsed = feedparser.parse(str(cli.folder / "output" / "feed.xml"))
    assert not parsed.bozo and parsed.entries[0].content[0].value == notes
