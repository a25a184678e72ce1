"""The gTTS adapter against a local fake of the service (tests/fake_gtts.py): cutting, retries,
timeouts, rate limiting, joining and resampling, and builds that go offline half-way.
Never the real service."""

import socket
import time

import numpy as np
import pytest
from click.testing import CliRunner

from hijra_audio.cli import main
from hijra_audio.config import EngineConfig
from hijra_audio.engines import create_engine
from hijra_audio.engines.gtts import (
    MAX_CHARS,
    URL_ENV,
    GttsEngine,
    RateLimiter,
    split_text,
    trim_silence,
)
from hijra_audio.errors import ConfigError, EngineError, EngineUnavailable
from tests.fake_gtts import PROXY_VARIABLES, SECONDS_PER_CHAR, FakeGtts
from tests.fakes import cache_location
from tests.measure import decode

LONG = ("فلما اشتد الأذى على المسلمين في مكة، وضاقت بهم السبل، أذن لهم النبي بالهجرة إلى المدينة؛ "
        "فهل كانت الهجرة فرارا من الأذى؟ لا، بل كانت بناء لدولة جديدة يعبد فيها الله وحده، "
        "وتقام فيها شعائر الدين بلا خوف")
UNPUNCTUATED = ("ثم خرج رسول الله صلى الله عليه وسلم من بيته والمشركون على بابه ينتظرون خروجه ليقتلوه "
                "فأخذ حفنة من تراب فجعل يذرها على رؤوسهم وهو يتلو آيات من سورة يس حتى فرغ منها "
                "ثم انصرف الى بيت ابي بكر")


@pytest.fixture
def server(monkeypatch):
    for name in PROXY_VARIABLES:   # gTTS sends through the environment's proxies: none for 127.0.0.1
        monkeypatch.delenv(name, raising=False)
    with FakeGtts() as fake:
        yield fake


def engine_for(server, **settings) -> GttsEngine:
    settings = {"backoff": 0.01, "requests_per_second": 0, "timeout": 5.0, **settings}
    return GttsEngine(base_url=server.url, **settings)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]   # nothing listens once the socket is closed


@pytest.mark.parametrize("text, expected", [
    ("قصير", ["قصير"]),
    ("  جملة   قصيرة  ", ["جملة قصيرة"]),
    (LONG, ["فلما اشتد الأذى على المسلمين في مكة، وضاقت بهم السبل، أذن لهم النبي بالهجرة إلى المدينة؛",
            "فهل كانت الهجرة فرارا من الأذى؟",
            "لا، بل كانت بناء لدولة جديدة يعبد فيها الله وحده، وتقام فيها شعائر الدين بلا خوف"]),
    # no punctuation: cut before the clause openers (فأخذ, ثم), never inside a clause
    (UNPUNCTUATED, ["ثم خرج رسول الله صلى الله عليه وسلم من بيته والمشركون على بابه ينتظرون خروجه ليقتلوه",
                    "فأخذ حفنة من تراب فجعل يذرها على رؤوسهم وهو يتلو آيات من سورة يس حتى فرغ منها",
                    "ثم انصرف الى بيت ابي بكر"]),
    ("The Hijra began in 622. It changed everything; the calendar counts from it? Yes, from that year "
     "on, and Muslims date their years by it.",
     ["The Hijra began in 622. It changed everything; the calendar counts from it?",
      "Yes, from that year on, and Muslims date their years by it."]),
])
def test_split_text(text, expected):
    pieces = split_text(text)
    assert pieces == expected
    assert all(len(p) < MAX_CHARS for p in pieces)
    assert " ".join(pieces) == " ".join(text.split())   # nothing lost, nothing added


def test_long_sentence_cuts_at_question_mark_and_semicolon():
    pieces = split_text(LONG)
    assert [p[-1] for p in pieces[:-1]] == ["؛", "؟"]


def test_a_clause_longer_than_the_limit_is_cut_at_a_word_boundary():
    text = " ".join(["كلمة"] * 60)
    pieces = split_text(text)
    assert all(len(p) < MAX_CHARS for p in pieces) and len(pieces) == 3
    assert all(set(p.split()) == {"كلمة"} for p in pieces)


def test_long_sentence_goes_out_in_those_pieces_and_comes_back_as_one_clip(server):
    clip = engine_for(server).synthesize(LONG)
    assert server.texts() == split_text(LONG)
    assert all(r.lang == "ar" for r in server.received)
    assert clip.sample_rate == 44100
    # each piece's tone (0.06 s a character) without the fake's 0.2 s of silence around it,
    # plus a short pause after ؛ and ؟
    tone = sum(len(p) for p in split_text(LONG)) * SECONDS_PER_CHAR
    assert tone + 0.3 < clip.duration < tone + 0.6


def test_pieces_join_without_gaps(server):
    text = " ".join(["كلمة"] * 30)   # one clause cut at word boundaries: no pause belongs there
    clip = engine_for(server).synthesize(text)
    assert len(server.received) == 2
    samples = clip.array().astype(np.float64)
    window = clip.sample_rate // 100
    rms = np.sqrt(np.mean(samples[:samples.size // window * window].reshape(-1, window) ** 2, axis=1))
    quiet = rms < 300
    longest = max((len(run) for run in "".join("q" if q else "." for q in quiet).split(".")), default=0)
    assert longest * 10 <= 60, f"a {longest * 10} ms gap inside one clause"
    tone = sum(len(p) for p in server.texts()) * SECONDS_PER_CHAR
    assert clip.duration == pytest.approx(tone, abs=0.15)


def test_silence_around_each_piece_is_trimmed():
    rate = 24000
    tone = (np.sin(np.arange(rate) * 2 * np.pi * 300 / rate) * 8000).astype("<i2")
    padded = np.concatenate([np.zeros(rate // 2, "<i2"), tone, np.zeros(rate // 2, "<i2")])
    trimmed = trim_silence(padded, rate)
    assert 1.0 <= trimmed.size / rate <= 1.06


def test_429_then_success_is_retried(server):
    server.script(["429", "ok"])
    clip = engine_for(server).synthesize("هاجر النبي إلى المدينة")
    assert len(server.received) == 2 and clip.duration > 1.0


def test_5xx_and_connection_drops_are_retried_a_bounded_number_of_times(server):
    server.script(["500", "503", "ok"])
    engine_for(server, retries=2).synthesize("هاجر النبي")
    assert len(server.received) == 3


def test_five_500s_give_a_clear_error_naming_the_segment(server):
    server.script(["500"] * 5)
    with pytest.raises(EngineError) as caught:
        engine_for(server, retries=4).synthesize("خرج النبي من مكة ليلا")
    message = str(caught.value)
    assert "HTTP 500" in message and "5 attempts" in message
    assert "خرج النبي من مكة ليلا" in message and "--engine espeak" in message
    assert len(server.received) == 5


def test_garbage_is_not_retried_and_says_what_to_do(server):
    server.script(["garbage"])
    with pytest.raises(EngineError, match="answered without audio.*pip install -U gTTS"):
        engine_for(server).synthesize("خرج النبي")
    assert len(server.received) == 1


def test_a_server_that_never_answers_times_out_within_the_limit(server):
    server.script(["hang"] * 3)
    started = time.monotonic()
    with pytest.raises(EngineError, match="needs internet access.*within 1 s"):
        engine_for(server, timeout=1.0, retries=1).synthesize("خرج النبي")
    elapsed = time.monotonic() - started
    assert elapsed < 2 * 1.0 + 1.0, elapsed      # two attempts of 1 s each, plus backoff
    assert len(server.received) == 2


def test_requests_are_rate_limited(server):
    started = time.monotonic()
    engine_for(server, requests_per_second=10).synthesize(" ".join(["كلمة"] * 60))
    assert len(server.received) == 3
    # three requests at most ten a second: at least two intervals of 0.1 s (a lower bound that a
    # busy machine only makes longer)
    assert time.monotonic() - started >= 0.2 * 0.95


def test_rate_limiter_spaces_callers_sharing_its_file(tmp_path):
    limiter = RateLimiter(20, tmp_path / "rate")
    started = time.monotonic()
    for _ in range(4):
        limiter.wait()
    assert time.monotonic() - started >= 3 * 0.05 * 0.95   # a lower bound: load only adds to it


def _take_slots(path: str, count: int) -> list[tuple[float, float]]:
    limiter = RateLimiter(20, path)
    taken = []
    for _ in range(count):
        slot = limiter.wait()
        taken.append((slot, time.time()))
    return taken


@pytest.mark.slow
def test_rate_limit_is_shared_by_worker_processes(tmp_path):
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    path = str(tmp_path / "rate")
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        taken = sorted(sum(pool.map(_take_slots, [path, path], [3, 3]), []))
    slots = [slot for slot, _woke in taken]
    # six slots, one every 1/20 s, whichever process reserved them; nobody goes before its slot
    assert all(b - a >= 0.05 - 1e-6 for a, b in zip(slots, slots[1:])), slots
    assert all(woke >= slot for slot, woke in taken)


def test_offline_check_fails_at_once_naming_the_offline_engine():
    engine = GttsEngine(base_url=f"http://127.0.0.1:{closed_port()}", timeout=2.0)
    started = time.monotonic()
    with pytest.raises(EngineUnavailable, match="needs internet access.*--engine espeak"):
        engine.check()
    assert time.monotonic() - started < 2.0


def test_identity_has_what_changes_the_sound_and_the_url_only_when_not_google():
    ident = GttsEngine(voice="ar", tld="com.eg").identity()
    assert ident["engine"] == "gtts" and ident["tld"] == "com.eg" and ident["sample_rate"] == "44100"
    assert "url" not in ident
    assert GttsEngine(base_url="http://127.0.0.1:1").identity()["url"] == "http://127.0.0.1:1"
    assert GttsEngine(sample_rate=22050).identity() != GttsEngine().identity()


@pytest.mark.parametrize("settings, message", [
    ({"timeout": 0}, "timeout must be above 0"),
    ({"retries": -1}, "retries must be 0 or more"),
    ({"requests_per_second": -1}, "requests_per_second"),
])
def test_bad_settings_are_refused(settings, message):
    with pytest.raises(ConfigError, match=message):
        create_engine(EngineConfig(name="gtts", **settings))


def test_unknown_language_is_refused_by_check(server):
    with pytest.raises(EngineUnavailable, match="no language 'xx'"):
        engine_for(server, voice="xx").check()


# ---- whole builds through the command line ---------------------------------------------------

NARRATION = "خرج النبي من مكة ليلا. ومعه صاحبه أبو بكر. فدخلا الغار ثلاث ليال. ثم سارا إلى المدينة.\n"


def _show(tmp_path, **engine):
    narration = tmp_path / "lecture.txt"
    narration.write_text(NARRATION, encoding="utf-8")
    settings = {"name": "gtts", "timeout": 1.0, "retries": 0, "requests_per_second": 0, **engine}
    table = "\n".join(f"{k} = {v!r}".replace("'", '"') for k, v in settings.items())
    config = tmp_path / "podcast.toml"
    config.write_text(f'title = "t"\nnarration = ["lecture.txt"]\nmax_segment_chars = 40\n'
                      f"[engine]\n{table}\n", encoding="utf-8")
    return config


@pytest.mark.slow   # builds real audio
def test_build_with_gtts_writes_44k_episodes(tmp_path, server, monkeypatch):
    monkeypatch.setenv(URL_ENV, server.url)
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "-c", str(_show(tmp_path)), "-o", str(out), "-j", "1", "-q"])
    assert result.exit_code == 0, result.output
    samples, rate, channels = decode(out / "episode-001.mp3")
    assert rate == 44100 and channels == 1
    assert len(server.received) == 4 and samples.size / rate > 4 * 1.0


@pytest.mark.slow
def test_offline_build_fails_quickly_with_the_message_and_keeps_the_clips(tmp_path, server, monkeypatch):
    config = _show(tmp_path)
    out = tmp_path / "out"
    monkeypatch.setenv(URL_ENV, server.url)
    server.script(["ok", "ok", "hang"])     # the network goes away half-way
    started = time.monotonic()
    result = CliRunner().invoke(main, ["build", "-c", str(config), "-o", str(out), "-j", "1", "-q"])
    assert result.exit_code == 1
    assert "needs internet access" in result.output and "--engine espeak" in result.output
    assert time.monotonic() - started < 8
    # the two clips answered before the failure are kept (the worker may have gone on to another
    # segment before the failure reached the build: that one may be kept too)
    kept = len(list(cache_location(out).clips.rglob("*.clip")))
    assert 2 <= kept <= len(server.received) - 1

    # Offline from the start: the check fails within the timeout, before any request.
    monkeypatch.setenv(URL_ENV, f"http://127.0.0.1:{closed_port()}")
    started = time.monotonic()
    result = CliRunner().invoke(main, ["build", "-c", str(config), "-o", str(out), "-j", "1", "-q"])
    assert result.exit_code == 1 and "gtts needs internet access" in result.output
    assert time.monotonic() - started < 1.0 + 0.5
    assert len(list(cache_location(out).clips.rglob("*.clip"))) == kept

    # Back online: only the missing segments are asked for.
    monkeypatch.setenv(URL_ENV, server.url)
    before = len(server.received)
    result = CliRunner().invoke(main, ["build", "-c", str(config), "-o", str(out), "-j", "1", "-q"])
    assert result.exit_code == 0, result.output
    assert len(server.received) - before == 4 - kept
    assert f"{kept} from cache" in result.output
