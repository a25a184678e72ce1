"""Every command explains itself, and the README starts with the two commands."""

from pathlib import Path

import click

from hijra_audio.cli import main


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))


def test_every_command_and_option_has_help():
    assert main.help
    for path, command in _commands(main):
        assert command.help, f"{' '.join(path)} has no help text"
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{' '.join(path)} {param.opts[0]} has no help text"


def test_readme_opens_with_the_two_commands():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    head = readme[:800]
    assert "scripts/build.sh" in head and "scripts/test.sh" in head
