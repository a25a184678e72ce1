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
    ('[audio]\nloudness_lufs = 3', "loudness_lufs 3.0 is out of range"),
    ('[audio]\ntrue_peak_dbtp = 1', "true_peak_dbtp 1.0 is out of range"),
    ('[audio]\nbitrate_kbps = 65', "not an MP3 bitrate"),
    ('[audio]\nsample_rate = 22050', "not an MP3 rate"),
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
