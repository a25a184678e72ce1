"""Every command explains itself, the README starts with the two commands, and the configuration
page is what the code says now."""

import dataclasses
import importlib.util
import re
import sys
import typing
from pathlib import Path

import click
import pytest

from hijra_audio.cli import main
from hijra_audio.config import ShowConfig

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
README = ROOT / "README.md"
GENERATED = DOCS / "configuration.md"
REGENERATE = ".venv/bin/python scripts/make_docs.py"


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))


def _make_docs():
    spec = importlib.util.spec_from_file_location("make_docs", ROOT / "scripts" / "make_docs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_docs", module)     # its dataclasses look their module up
    spec.loader.exec_module(sys.modules["make_docs"])
    return sys.modules["make_docs"]


def test_every_command_and_option_has_help():
    assert main.help
    for path, command in _commands(main):
        assert command.help, f"{' '.join(path)} has no help text"
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{' '.join(path)} {param.opts[0]} has no help text"


def test_readme_opens_with_the_two_commands():
    readme = README.read_text(encoding="utf-8")
    head = readme[:800]
    assert "scripts/build.sh" in head and "scripts/test.sh" in head


def test_the_configuration_page_is_what_the_code_says():
    written = GENERATED.read_text(encoding="utf-8") if GENERATED.is_file() else ""
    assert written == _make_docs().configuration_reference(), (
        f"docs/configuration.md is out of date with init's template or the config classes: run {REGENERATE}")


def _section(page: str, table: str | None) -> str:
    """The part of the configuration page about `[table]` (None: the top-level keys)."""
    parts = re.split(r"^## ", page, flags=re.M)
    if table is None:
        return "\n".join(p for p in parts[1:] if not p.startswith("["))
    return next(p for p in parts if p.startswith(f"[{table}]\n"))


def _tables():
    yield None, ShowConfig
    for name, hint in typing.get_type_hints(ShowConfig).items():
        if dataclasses.is_dataclass(hint):
            yield name, hint


def test_every_setting_is_in_the_configuration_page():
    page = GENERATED.read_text(encoding="utf-8")
    tables = dict(_tables())
    assert set(tables) == {None, "audio", "engine", "owner", "cluster"}
    for table, cls in tables.items():
        section = _section(page, table)
        for f in dataclasses.fields(cls):
            if f.name == "root" or (table is None and f.name in tables):
                continue
            row = next((line for line in section.splitlines()
                        if line.startswith("| ") and f"`{f.name}`" in line.split(" | ")[0]), None)
            where = f"[{table}] {f.name}" if table else f.name
            assert row is not None, f"{where} is not in docs/configuration.md: run {REGENERATE}"
            assert row.split(" | ")[3].strip(" |"), f"{where} has no explanation in docs/configuration.md"


@pytest.mark.parametrize("template, complaint", [
    ("drop", "does not explain"),           # a setting the template leaves out
    ("default", "its default is"),          # a value that is not the setting's default
    ("unknown", "the config classes do not"),
])
def test_the_generator_stops_when_the_template_and_the_classes_disagree(template, complaint):
    make_docs = _make_docs()
    text = make_docs.TEMPLATE
    broken = {"drop": text.replace("episode_minutes = 10.0\n", ""),
              "default": text.replace("episode_minutes = 10.0\n", "episode_minutes = 12.0\n"),
              "unknown": text.replace("episode_minutes = 10.0\n", "episode_minutes = 10.0\n# A typo.\nepisode_minute = 1\n"),
              }[template]
    assert broken != text
    with pytest.raises(SystemExit, match=complaint):
        make_docs.configuration_reference(broken)
