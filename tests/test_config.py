import pytest

from hijra_audio.config import load_config
from hijra_audio.errors import ConfigError


def test_bundled_config():
    config = load_config()
    assert config.language == "ar"
    assert config.title and config.base_url.endswith("/")
    assert all(p.is_file() for p in config.narration_paths())


@pytest.mark.parametrize("body, message", [
    ('titel = "x"', "unknown key(s) titel"),
    ('episode_minutes = "ten"', "episode_minutes must be a number"),
    ('base_url = "example.org"', "is not an http(s) URL"),
    ('[audio]\nbitrate = 64', "unknown key(s) bitrate"),
    ('title = "x', "not valid TOML"),
    ('type = "weekly"', 'type must be "serial" or "episodic"'),
    ('explicit = "no"', "explicit must be true or false"),
    ('numbered_titles = "yes"', "numbered_titles must be true or false"),
    ('[owner]\nphone = "1"', "unknown key(s) phone"),
    ('owner = "me"', "[owner] must be a table"),
    ('[audio]\nloudness_lufs = 3', "loudness_lufs 3.0 is out of range"),
    ('[audio]\ntrue_peak_dbtp = 1', "true_peak_dbtp 1.0 is out of range"),
    ('[audio]\nbitrate_kbps = 65', "not an MP3 bitrate"),
    ('[audio]\nsample_rate = 22050', "not an MP3 rate"),
    ('[audio]\nchannels = 3', "channels 3 is not 1 (mono) or 2 (stereo)"),
])
def test_bad_config_names_file_and_key(tmp_path, body, message):
    path = tmp_path / "podcast.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_relative_narration_resolves_against_the_config(tmp_path):
    (tmp_path / "a.txt").write_text("نص", encoding="utf-8")
    path = tmp_path / "podcast.toml"
    path.write_text('title = "س"\nnarration = ["a.txt"]\nbase_url = "https://example.org/p"', encoding="utf-8")
    config = load_config(path)
    assert config.narration_paths() == [tmp_path / "a.txt"]
    assert config.base_url == "https://example.org/p/"


def test_show_fields_and_their_defaults(tmp_path):
    path = tmp_path / "podcast.toml"
    path.write_text('title = "س"\n[owner]\nname = "ن"\nemail = "a@example.org"\n', encoding="utf-8")
    config = load_config(path)
    assert (config.owner.name, config.owner.email) == ("ن", "a@example.org")
    assert (config.category, config.subcategory) == ("Religion & Spirituality", "Islam")
    assert (config.explicit, config.type, config.language, config.locked) == (False, "serial", "ar", True)
    bundled = load_config()
    assert bundled.image == "cover.png" and (bundled.subtitle and bundled.copyright)
def test_engine_table_takes_every_engine_option(tmp_path):
    path = tmp_path / "podcast.toml"
    path.write_text('[engine]\nname = "gtts"\nvoice = "ar"\ntld = "com.eg"\ntimeout = 5\nretries = 2\n'
                    'requests_per_second = 0.5\nspeed = 1.2\nspeaker = "3"\n', encoding="utf-8")
    engine = load_config(path).engine
    assert (engine.name, engine.tld, engine.timeout, engine.retries) == ("gtts", "com.eg", 5.0, 2)
    assert (engine.requests_per_second, engine.speed, engine.speaker) == (0.5, 1.2, "3")


@pytest.mark.parametrize("overrides, expected", [
    ({}, ("espeak", "ar+m3", 150)),
    ({"engine_rate": 200}, ("espeak", "ar+m3", 200)),
    ({"engine_voice": "ar+f2"}, ("espeak", "ar+f2", 150)),
    ({"engine_name": "espeak"}, ("espeak", "ar+m3", 150)),
    # a voice means something else to another engine: it is not carried over
    ({"engine_name": "gtts"}, ("gtts", "", 150)),
    ({"engine_name": "piper", "engine_voice": "/v/ar.onnx"}, ("piper", "/v/ar.onnx", 150)),
])
def test_engine_overrides(tmp_path, overrides, expected):
    path = tmp_path / "podcast.toml"
    path.write_text('[engine]\nname = "espeak"\nvoice = "ar+m3"\nrate = 150\n', encoding="utf-8")
    engine = load_config(path).with_overrides(**overrides).engine
    assert (engine.name, engine.voice, engine.rate) == expected


def test_numbered_titles_is_off_unless_asked(tmp_path):
    path = tmp_path / "podcast.toml"
    path.write_text('title = "س"\nnumbered_titles = true\n', encoding="utf-8")
    assert load_config(path).numbered_titles is True
    assert load_config().numbered_titles is False


@pytest.mark.parametrize("audio, lufs", [("", -19.0), ("channels = 2", -16.0),
                                         ("channels = 2\nloudness_lufs = -18", -18.0),
                                         ("channels = 1\nloudness_lufs = -23", -23.0)])
def test_the_loudness_norm_follows_the_channel_layout_unless_set(tmp_path, audio, lufs):
    """-19 LUFS for a mono file, -16 for stereo (AES TD1008); loudness_lufs, when written, wins."""
    path = tmp_path / "podcast.toml"
    path.write_text(f'title = "س"\n[audio]\n{audio}\n', encoding="utf-8")
    assert load_config(path).audio.loudness_lufs == lufs
