"""`hijra-audio init`: a commented podcast.toml that loads, explains every field, never overwrites."""

from __future__ import annotations

import dataclasses
import re

import pytest
from click.testing import CliRunner

from hijra_audio.cli import main
from hijra_audio.config import (
    AudiobookConfig,
    AudioConfig,
    ClusterConfig,
    EngineConfig,
    OwnerConfig,
    ShowConfig,
    load_config,
)
from hijra_audio.scaffold import TEMPLATE

TABLES = {"owner", "audio", "engine", "cluster", "quran", "audiobook"}


def _keys(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if f.name != "root"]


def test_init_writes_a_file_that_loads_with_the_defaults(tmp_path):
    result = CliRunner().invoke(main, ["init", str(tmp_path / "show")])
    assert result.exit_code == 0, result.output
    path = tmp_path / "show" / "podcast.toml"
    assert f"wrote {path}" in result.output
    config = load_config(path)
    defaults = ShowConfig()
    for name in ("language", "base_url", "category", "subcategory", "explicit", "type", "locked", "guid",
                 "episode_minutes", "words_per_minute", "max_segment_chars", "audio", "engine", "owner", "cluster", "audiobook", "complete", "seasons"):
        assert getattr(config, name) == getattr(defaults, name), name
    assert config.category == "Religion & Spirituality" and config.subcategory == "Islam"
    assert config.explicit is False and config.type == "serial" and config.language == "ar"


@pytest.mark.parametrize("table, cls", [(None, ShowConfig), ("owner", OwnerConfig), ("audio", AudioConfig),
                                        ("engine", EngineConfig), ("cluster", ClusterConfig),
                                        ("audiobook", AudiobookConfig)])
def test_every_field_is_in_the_template_with_a_comment_above(table, cls):
    text = TEMPLATE
    if table:
        text = text.split(f"[{table}]\n", 1)[1].split("\n[", 1)[0]
    else:
        text = text.split("\n[", 1)[0]
    lines = text.splitlines()
    for name in _keys(cls):
        if name in TABLES:
            assert f"\n[{name}]\n" in TEMPLATE
            continue
        index = next((i for i, line in enumerate(lines) if re.match(rf"{name} = ", line)), None)
        assert index is not None, f"{name} missing from the template"
        above = lines[index - 1]
        assert above.startswith("#") or re.match(r"\w+ = ", above), f"{name} has no explanation"


def test_init_never_overwrites(tmp_path):
    path = tmp_path / "podcast.toml"
    path.write_text('title = "mine"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 1
    assert "already exists" in result.output and str(path) in result.output
    assert path.read_text(encoding="utf-8") == 'title = "mine"\n'


def test_init_into_a_file_is_an_error(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", str(tmp_path / "file")])
    assert result.exit_code == 1 and "not a folder" in result.output
