"""An intro and an outro (`[audio] intro`, `outro`): recordings every episode opens and ends with,
brought to the voice's loudness and mastered with it; the episodes are decoded and checked for
where each plays and how long, the captions and chapters shifted exactly, and what a rebuild with
another intro redoes (it speaks nothing again)."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
from click.testing import CliRunner

from hijra_audio.audio.insert import Recording
from hijra_audio.audio.tags import chapters_for
from hijra_audio.audio.render import Placed
from hijra_audio.cli import main
from hijra_audio.config import bundled_config_path
from hijra_audio.console import Given
from hijra_audio.errors import ConfigError, InputError
from tests.measure import decode

RATE = 22050
INTRO_S, OUTRO_S = 3.0, 2.0
INTRO_HZ, OUTRO_HZ, VOICE_HZ = 880.0, 1320.0, 220.0      # the fake engine speaks a 220 Hz tone


def tone_file(path: Path, seconds: float, hz: float, amplitude: float = 0.7) -> Path:
    """A WAV file of a tone (much louder than the fake voice: matching has work to do)."""
    t = np.arange(int(RATE * seconds)) / RATE
    samples = (np.sin(2 * np.pi * hz * t) * amplitude * 32767).astype("<i2")
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes(samples.tobytes())
    return path


# --- the recording and the chapters, without a build ---------------------------------------------

def test_a_recording_is_keyed_by_its_content_not_its_path(tmp_path):
    tone_file(tmp_path / "a.wav", 1, 440)
    a = Recording.of("intro", "a.wav", tmp_path)
    tone_file(tmp_path / "b.wav", 1, 440)
    tone_file(tmp_path / "c.wav", 1, 660)
    assert a.key == Recording.of("intro", "b.wav", tmp_path).key != Recording.of("intro", "c.wav", tmp_path).key
    assert Recording.of("intro", "", tmp_path) is None
    clip = a.clip()
    assert clip.sample_rate == RATE and clip.duration == pytest.approx(1.0, abs=0.001)


@pytest.mark.parametrize("name, write, error, words", [
    ("jingle.mp3", None, ConfigError, ["[audio] intro = 'jingle.mp3'", "no such file", "remove the line"]),
    ("jingle.mp3", lambda p: p.write_bytes(b"not audio at all" * 100), InputError, ["[audio] intro", "jingle.mp3", "decode"]),
    ("jingle.wav", lambda p: tone_file(p, 1, 440, amplitude=0), InputError, ["[audio] intro", "jingle.wav", "silent"]),
])
def test_a_bad_intro_is_a_clear_error(tmp_path, name, write, error, words):
    if write is not None:
        write(tmp_path / name)
    with pytest.raises(error) as raised:
        Recording.of("intro", name, tmp_path).clip()
    assert all(word in str(raised.value) for word in words), str(raised.value)


def test_an_intro_is_part_of_the_first_chapter():
    placed = (Placed(0.0, 3.0), Placed(4.2, 6.0), Placed(6.5, 9.0), Placed(10.0, 12.0))
    texts, headings = ("", "الهجرة", "نص", "الغار"), (False, True, False, True)
    chapters = chapters_for(placed, texts, headings, 15.0, "الحلقة")
    assert [(c.start, c.end, c.title) for c in chapters] == [(0.0, 10.0, "الهجرة"), (10.0, 15.0, "الغار")]
    # an episode that opens inside a section, after its intro: a first chapter named after it, from 0
    chapters = chapters_for(placed, ("", "نص", "نص", "الغار"), (False, False, False, True), 15.0, "الحلقة")
    assert [(c.start, c.title) for c in chapters] == [(0.0, "الحلقة"), (10.0, "الغار")]


# --- builds ----------------------------------------------------------------------------------------

@pytest.fixture
def show(tmp_path, monkeypatch, fake_engine):
    """The bundled show's config in a folder of its own, with an intro and an outro beside it;
    `show.build(intro=..., outro=...)` builds it into ./out (the keys set as given)."""
    source = bundled_config_path()
    for name in ("cover.png", "hijra-lecture.lexicon"):
        (tmp_path / name).write_bytes((source.parent / name).read_bytes())
    (tmp_path / "lecture.txt").write_bytes((source.parent / "hijra-lecture.txt").read_bytes())
    tone_file(tmp_path / "intro.wav", INTRO_S, INTRO_HZ)
    tone_file(tmp_path / "outro.wav", OUTRO_S, OUTRO_HZ)
    text = source.read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    class Show:
        folder = tmp_path
        out = tmp_path / "out"

        @staticmethod
        def build(intro: str = "", outro: str = "", *args: str):
            (tmp_path / "podcast.toml").write_text(
                text.replace("[audio]\n", f'[audio]\nintro = "{intro}"\noutro = "{outro}"\n'), encoding="utf-8")
            result = CliRunner(mix_stderr=False).invoke(main, ["build", "lecture.txt", "-o", "out", "-j", "1", *args],
                                                        obj=Given(engine_factory=fake_engine))
            return result

    assert "[audio]\n" in text
    return Show


def _tone_runs(samples: np.ndarray, rate: int, hz: float) -> list[tuple[float, float]]:
    """(start, end) seconds of each run of 20 ms frames whose strongest frequency is `hz`."""
    frame = int(rate * 0.02)
    runs: list[list[float]] = []
    for k in range(samples.size // frame):
        piece = samples[k * frame:(k + 1) * frame].astype(np.float64)
        if np.abs(piece).max() < 300:
            continue
        spectrum = np.abs(np.fft.rfft(piece * np.hanning(frame)))
        if abs(np.argmax(spectrum) * rate / frame - hz) > 60:
            continue
        t = k * frame / rate
        if runs and t - runs[-1][1] < 0.05:
            runs[-1][1] = t + frame / rate
        else:
            runs.append([t, t + frame / rate])
    return [(a, b) for a, b in runs]


def _cue_starts(path: Path) -> list[float]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if "-->" in line:
            h, m, s = line.split("-->")[0].strip().split(":")
            out.append(int(h) * 3600 + int(m) * 60 + float(s))
    return out


@pytest.mark.slow
def test_every_episode_opens_and_ends_with_them_at_the_voices_loudness(show, fake_engine):
    assert show.build().exit_code == 0
    plain = {p.name: p.read_bytes() for p in show.out.iterdir() if p.suffix in (".mp3", ".vtt", ".json")}
    calls = len(fake_engine.calls())
    result = show.build("intro.wav", "outro.wav")
    assert result.exit_code == 0, result.output + result.stderr
    assert len(fake_engine.calls()) == calls, "an intro speaks nothing again"
    said = result.output + result.stderr
    assert said.count("built (settings changed ([audio] intro, [audio] outro))") == 3, said
    pause = 1.2                                                    # the bundled show's section_pause_ms
    for number in (1, 2, 3):
        mp3 = show.out / f"episode-00{number}.mp3"
        samples, rate, _ = decode(mp3)
        [intro] = _tone_runs(samples, rate, INTRO_HZ)
        [outro] = _tone_runs(samples, rate, OUTRO_HZ)
        end = samples.size / rate
        assert intro[0] == pytest.approx(0.0, abs=0.03) and intro[1] == pytest.approx(INTRO_S, abs=0.05)
        assert outro[1] == pytest.approx(end, abs=0.05) and outro[1] - outro[0] == pytest.approx(OUTRO_S, abs=0.05)
        voice = _tone_runs(samples, rate, VOICE_HZ)
        assert voice[0][0] == pytest.approx(INTRO_S + pause, abs=0.05)      # a section's pause, then the voice
        assert outro[0] - voice[-1][1] == pytest.approx(pause, abs=0.05)
        # the episode is as long as before, and the two recordings and their pauses
        before, plain_rate, _ = decode_bytes(plain[mp3.name], show.folder)
        assert end - before.size / plain_rate == pytest.approx(INTRO_S + OUTRO_S + 2 * pause, abs=0.03)
        # the recordings at the voice's loudness, the whole at the norm
        meter = pyloudnorm.Meter(rate)
        loud = {name: meter.integrated_loudness(samples[int(a * rate):int(b * rate)].astype(np.float64) / 32768)
                for name, (a, b) in (("intro", intro), ("outro", outro), ("voice", (voice[0][0], voice[-1][1])))}
        assert abs(loud["intro"] - loud["voice"]) < 1.5 and abs(loud["outro"] - loud["voice"]) < 1.5, loud
        assert meter.integrated_loudness(samples.astype(np.float64) / 32768) == pytest.approx(-19.0, abs=0.5)
        # captions shifted by the intro and its pause, exactly; the chapters too, the first from 0
        shift = INTRO_S + pause
        old_cues = _cue_starts_bytes(plain[f"episode-00{number}.vtt"], show.folder)
        new_cues = _cue_starts(show.out / f"episode-00{number}.vtt")
        assert len(new_cues) == len(old_cues)
        assert all(new == pytest.approx(old + shift, abs=0.003) for old, new in zip(old_cues, new_cues))
        old_chapters = json.loads(plain[f"episode-00{number}.chapters.json"])["chapters"]
        new_chapters = json.loads((show.out / f"episode-00{number}.chapters.json").read_text())["chapters"]
        assert new_chapters[0]["startTime"] == 0 and [c["title"] for c in new_chapters] == [c["title"] for c in old_chapters]
        assert all(new["startTime"] == pytest.approx(old["startTime"] + shift, abs=0.003)
                   for old, new in zip(old_chapters[1:], new_chapters[1:]))


def decode_bytes(data: bytes, folder: Path):
    path = folder / "decode.mp3"
    path.write_bytes(data)
    return decode(path)


def _cue_starts_bytes(data: bytes, folder: Path) -> list[float]:
    path = folder / "cues.vtt"
    path.write_bytes(data)
    return _cue_starts(path)


@pytest.mark.slow
def test_another_intro_rebuilds_every_episode_and_none_gives_back_the_same_bytes(show, fake_engine):
    assert show.build().exit_code == 0
    plain = {p.name: p.read_bytes() for p in show.out.glob("episode-*")}
    assert show.build("intro.wav").exit_code == 0
    calls = len(fake_engine.calls())
    tone_file(show.folder / "intro.wav", 2.0, 660.0)                      # the same name, other sound
    result = show.build("intro.wav")
    said = result.output + result.stderr
    assert result.exit_code == 0 and said.count("built (settings changed ([audio] intro))") == 3, said
    assert len(fake_engine.calls()) == calls
    again = show.build("intro.wav")
    assert again.output.count("kept ") == 3, "the same file: nothing to do"
    result = show.build()
    assert result.exit_code == 0 and len(fake_engine.calls()) == calls
    assert {p.name: p.read_bytes() for p in show.out.glob("episode-*")} == plain


@pytest.mark.slow
def test_a_missing_or_broken_intro_stops_the_build_and_touches_nothing(show, tree_snapshot):
    assert show.build().exit_code == 0
    before = tree_snapshot(show.out)
    result = show.build("jingle.mp3")
    assert result.exit_code == 1 and "[audio] intro = 'jingle.mp3': no such file" in result.stderr
    (show.folder / "jingle.mp3").write_bytes(b"\x00" * 5000)
    result = show.build("jingle.mp3")
    assert result.exit_code == 1 and "[audio] intro" in result.stderr and "jingle.mp3" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.output
    assert tree_snapshot(show.out) == before


def test_check_names_an_intro_that_is_not_there(tmp_path):
    import dataclasses

    from hijra_audio.config import AudioConfig, ShowConfig
    from hijra_audio.publish.address import resolve
    from hijra_audio.publish.check import check_show

    tone_file(tmp_path / "intro.wav", 1, 440)
    config = ShowConfig(title="عرض", root=str(tmp_path),
                        audio=dataclasses.replace(AudioConfig(), intro="intro.wav", outro="sounds/outro.mp3"))
    found = [w for w in check_show(config, resolve(config, None, {})) if "[audio]" in w]
    assert len(found) == 1 and "[audio] outro = 'sounds/outro.mp3': no such file" in found[0]
