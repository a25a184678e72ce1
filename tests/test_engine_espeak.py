import numpy as np
import pytest

from hijra_audio.config import EngineConfig
from hijra_audio.engines import ENGINES, arabic, create_engine
from hijra_audio.errors import ConfigError, EngineUnavailable
from hijra_audio.text import diacritizer

pytestmark = pytest.mark.slow   # builds real audio

SENTENCE = "ثم اذن لاصحابه بالهجرة الى المدينة فهاجروا افرادا وجماعات"


@pytest.fixture(scope="module")
def engine():
    return create_engine(EngineConfig(name="espeak"))


def test_a_known_sentence_gives_speech_of_plausible_length(engine):
    clip = engine.synthesize(SENTENCE)
    assert clip.sample_rate == 22050
    # nine words of Arabic: a few seconds, not a fraction of one nor a minute
    assert 2.0 < clip.duration < 10.0
    samples = clip.array().astype(np.float64)
    rms = np.sqrt(np.mean(samples ** 2))
    assert rms > 500, "the clip is (nearly) silent"


def test_undiacritized_input_reaches_espeak_diacritized(engine):
    spoken = engine.prepare(SENTENCE)
    assert not diacritizer.has_diacritics(SENTENCE)
    assert diacritizer.has_diacritics(spoken)
    # the same letters, with marks added
    assert "".join(c for c in spoken if not ("\u064b" <= c <= "\u0652")).replace(" ", "").startswith("ثم")


def test_diacritized_text_sounds_longer_than_consonant_runs(engine):
    from hijra_audio.engines.espeak import _Native

    native = _Native.get()
    raw = len(native.speak("فهاجروا", "ar", 0, 0))
    diacritized = len(native.speak(engine.prepare("فهاجروا"), "ar", 0, 0))
    assert diacritized > 0 and raw > 0


@pytest.mark.parametrize("word, pausal", [
    ("الْمَدِينَةِ", "الْمَدِينَهْ"),
    ("قُرَيْشٍ", "قُرَيْش"),
    ("أَفْرَادًا", "أَفْرَادَا"),
    ("الْمَاكِرِينَ", "الْمَاكِرِين"),
    ("الْحَقُّ", "الْحَقّ"),
    ("مَكَّةَ", "مَكَّهْ"),
    ("فِي", "فِي"),
])
def test_pausal_word(word, pausal):
    assert arabic.pausal_word(word) == pausal


def test_pausal_forms_at_pauses_only_and_silent_alef():
    text = "خَرَجُوا مِنْ مَكَّةَ، وَذَهَبُوا إِلَى الْمَدِينَةِ"
    assert arabic.pausal_forms(text) == "خَرَجُو مِنْ مَكَّهْ، وَذَهَبُو إِلَى الْمَدِينَهْ"


def test_unknown_engine_is_refused_with_the_known_names():
    with pytest.raises(EngineUnavailable, match="known engines: espeak"):
        create_engine(EngineConfig(name="nope"))
    assert "espeak" in ENGINES


def test_identity_names_versions(engine):
    ident = engine.identity()
    assert ident["engine"] == "espeak" and ident["voice"] == "ar"
    assert ident["espeak-ng"] and ident["diacritizer"]


def test_marks_already_given_are_kept():
    from hijra_audio.text.diacritizer import diacritize

    verse = "وَإِذْ يَمْكُرُ بِكَ الَّذِينَ كَفَرُوا لِيُثْبِتُوكَ أَوْ يَقْتُلُوكَ"   # 8:30 as Tanzil writes it
    assert diacritize(verse) == verse
    mixed = diacritize(f"فانزل الله تعالى {verse} ثم خرج")
    assert verse in mixed and mixed != f"فانزل الله تعالى {verse} ثم خرج"
def test_rate_changes_the_duration():
    slow = create_engine(EngineConfig(name="espeak", rate=120)).synthesize(SENTENCE)
    fast = create_engine(EngineConfig(name="espeak", rate=300)).synthesize(SENTENCE)
    default = create_engine(EngineConfig(name="espeak")).synthesize(SENTENCE)
    assert fast.duration < 0.7 * default.duration < 0.7 * slow.duration
    # back to the default after another rate was used in the same process
    assert create_engine(EngineConfig(name="espeak")).synthesize(SENTENCE).duration == pytest.approx(
        default.duration, rel=0.02)


def _pitch(clip) -> float:
    """Median fundamental frequency of the voiced frames, by autocorrelation."""
    samples = clip.array().astype(np.float64)
    rate, frame = clip.sample_rate, 1024
    found = []
    for start in range(0, samples.size - frame, frame):
        x = samples[start:start + frame]
        if np.sqrt(np.mean(x ** 2)) < 1000:
            continue
        x = x - x.mean()
        corr = np.correlate(x, x, "full")[frame - 1:]
        low, high = rate // 400, rate // 60
        found.append(rate / (low + int(np.argmax(corr[low:high]))))
    return float(np.median(found))


def test_pitch_and_variant_change_the_voice():
    base = create_engine(EngineConfig(name="espeak")).synthesize(SENTENCE)
    high = create_engine(EngineConfig(name="espeak", pitch=90)).synthesize(SENTENCE)
    assert _pitch(high) > 1.2 * _pitch(base)
    variant = create_engine(EngineConfig(name="espeak", voice="ar+f2"))
    variant.check()
    assert _pitch(variant.synthesize(SENTENCE)) > 1.3 * _pitch(base)   # a female variant
    assert variant.identity()["voice"] == "ar+f2"


@pytest.mark.parametrize("settings, message", [
    ({"voice": "ar+zzz"}, "no voice variant 'zzz'.*m3"),
    ({"voice": "xx"}, "no voice 'xx'"),
])
def test_unknown_voice_or_variant_is_refused_by_check(settings, message):
    with pytest.raises(EngineUnavailable, match=message):
        create_engine(EngineConfig(name="espeak", **settings)).check()


@pytest.mark.parametrize("settings, message", [
    ({"rate": 20}, "rate must be 80-450"),
    ({"rate": 900}, "rate must be 80-450"),
    ({"pitch": 150}, "pitch must be 1-99"),
])
def test_out_of_range_rate_or_pitch_is_refused(settings, message):
    with pytest.raises(ConfigError, match=message):
        create_engine(EngineConfig(name="espeak", **settings))


def test_the_same_sentence_spoken_twice_in_one_process_gives_the_same_clip(engine):
    # espeak-ng carries state from one utterance to the next; each is spoken by a fresh instance
    first = engine.synthesize(SENTENCE)
    engine.synthesize("وخرج رسول الله من مكة ليلا مع ابي بكر")
    second = engine.synthesize(SENTENCE)
    third = engine.synthesize(SENTENCE)
    assert first.samples == second.samples == third.samples
    assert first.sample_rate == second.sample_rate


@pytest.mark.slow
def test_a_worker_speaks_a_sentence_the_same_whatever_it_spoke_before(tmp_path):
    from functools import partial

    from hijra_audio.rebuild.cache import ClipCache
    from hijra_audio.rebuild.workers import Part, WorkerPool

    texts = [SENTENCE, "فلما بلغا الغار دخلا فيه", SENTENCE]
    with WorkerPool(partial(create_engine, EngineConfig(name="espeak")), tmp_path, 1) as pool:
        for i, text in enumerate(texts):
            pool.speak(Part(f"{i:064x}", text, text, False, 0)).result()
    cache = ClipCache(tmp_path)
    first, other, again = (cache.get(f"{i:064x}") for i in range(3))
    assert first.samples == again.samples != other.samples
