"""Every command explains itself; the README starts with the two commands and stays short; the
docs/ pages name every command and option `--help` lists, with the defaults it shows, and link
to each other soundly; the configuration page is what the code says now."""

import dataclasses
import importlib.util
import os
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


def _options():
    """(command path, option) for every option of every command, and of `hijra-audio` itself."""
    for param in main.params:
        if isinstance(param, click.Option):
            yield (), param
    for path, command in _commands(main):
        for param in command.params:
            if isinstance(param, click.Option):
                yield path, param
        if not isinstance(command, click.Group):
            yield path, command.get_help_option(click.Context(command))


def _make_docs():
    spec = importlib.util.spec_from_file_location("make_docs", ROOT / "scripts" / "make_docs.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_docs", module)     # its dataclasses look their module up
    spec.loader.exec_module(sys.modules["make_docs"])
    return sys.modules["make_docs"]


def _written_pages() -> dict[str, str]:
    """The README and the docs pages written by hand (not the generated reference)."""
    pages = {"README.md": README.read_text(encoding="utf-8")}
    for page in sorted(DOCS.glob("*.md")):
        if page != GENERATED:
            pages[f"docs/{page.name}"] = page.read_text(encoding="utf-8")
    return pages


def _paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def _names(text: str, option: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


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


def test_readme_is_at_most_150_lines_and_links_every_page():
    readme = README.read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150, "the README is for a first show: move the rest to docs/"
    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)", readme))
    pages = {f"docs/{page.name}" for page in DOCS.glob("*.md")}
    assert pages - linked == set(), "pages the README does not link to"
    assert {"docs/own-show.md", "docs/configuration.md", "docs/feed.md", "docs/rebuilds.md", "docs/cluster.md",
            "docs/cleaning.md", "docs/audio.md", "docs/development.md"} <= pages


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_links_between_the_pages_resolve():
    pages = [README, *sorted(DOCS.glob("*.md")), ROOT / "benchmarks" / "README.md"]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"\w+://", target):
                continue
            file, _, anchor = target.partition("#")
            path = (page.parent / file).resolve() if file else page
            assert path.exists(), f"{page.relative_to(ROOT)} links to {target}: no such file"
            if anchor:
                headings = re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), flags=re.M)
                assert anchor in {_slug(h) for h in headings}, \
                    f"{page.relative_to(ROOT)} links to {target}: no such heading"


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
    assert set(tables) == {None, "audio", "engine", "owner", "cluster", "quran", "audiobook"}
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


def test_every_command_and_option_of_help_is_in_the_docs():
    pages = "\n".join(_written_pages().values())
    for path, _ in _commands(main):
        assert f"hijra-audio {' '.join(path)}" in pages, f"`hijra-audio {' '.join(path)}` is on no docs page"
    for path, option in _options():
        for name in option.opts + option.secondary_opts:
            if name.startswith("--"):
                assert _names(pages, name), f"hijra-audio {' '.join(path)} {name} is on no docs page"


# Defaults that depend on the machine, and what the docs say of them.
DYNAMIC = {("build", "--jobs"): ("default: the number of cores", os.cpu_count() or 1)}


def test_the_defaults_help_shows_are_the_docs():
    """An option whose help shows its default: some paragraph of the docs names the option with
    that default (e.g. `serve --port` and 8000)."""
    paragraphs = [p for text in _written_pages().values() for p in _paragraphs(text)]
    checked = 0
    for path, option in _options():
        if not option.show_default or option.is_flag:
            continue
        long = next(name for name in option.opts if name.startswith("--"))
        names = option.opts + option.secondary_opts
        said, default = DYNAMIC.get((*path, long), (str(option.default), option.default))
        assert option.default == default, f"{' '.join(path)} {long}: the default changed; say so in the docs"
        found = [p for p in paragraphs
                 if any(_names(p, name) for name in names) and said in p and (path or ("hijra-audio",))[-1] in p]
        assert found, f"no docs paragraph says hijra-audio {' '.join(path)} {long} defaults to {said}"
        checked += 1
    assert checked >= 7
