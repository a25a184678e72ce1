"""`hijra-audio voices`: Piper's voices listed, downloaded and removed (Click only; the work is
`engines/voices.py`'s). Registered on the main command by `cli.py`."""

from __future__ import annotations

from pathlib import Path

import click

from hijra_audio.console import Commands, library_errors, verbosity, verbosity_options

_DIR_HELP = ("Folder the voices are downloaded into (default: $HIJRA_AUDIO_VOICES_DIR, else "
             "'voices' in your data folder, ~/.local/share/hijra-audio/voices on Linux).")
_DIR_KEY = "hijra_audio.voices_dir"


def _dir_option(function):
    return click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), help=_DIR_HELP)(function)


def _folder(folder: Path | None) -> Path | None:
    """--dir of the subcommand, else the one given before it (`voices --dir D download NAME`)."""
    return folder or click.get_current_context().meta.get(_DIR_KEY)


def _size(count: int) -> str:
    return f"{count / 1e6:.0f} MB" if count >= 1e6 else f"{count / 1e3:.0f} kB"


@click.group(cls=Commands, invoke_without_command=True)
@click.option("--all", "everything", is_flag=True, help="List every voice of the collection, not only the Arabic ones.")
@_dir_option
@verbosity_options
@library_errors
@click.pass_context
def voices(ctx, everything, folder):
    """List the neural voices Piper can speak with (the Arabic ones; --all: every language):
    name, quality, speakers, size, whether it is downloaded here, and its licence.

    `hijra-audio voices download NAME` fetches one (once; a build then runs offline),
    `hijra-audio voices remove NAME` deletes it. A downloaded voice is used by name:
    `hijra-audio build --engine piper --voice NAME` (without --voice: ar_JO-kareem-medium).
    The list comes from the rhasspy/piper-voices collection on Hugging Face, or the mirror
    HIJRA_AUDIO_VOICES_URL names.
    """
    ctx.meta[_DIR_KEY] = folder
    if ctx.invoked_subcommand is not None:
        return
    from hijra_audio.engines.voices import listing, voices_dir

    found = listing(everything, folder)
    if found.offline:
        click.echo(f"warning: {found.offline}", err=True)
        click.echo("offline: the voices downloaded here:", err=True)
    elif verbosity() >= 0:
        click.echo(f"voices: {found.index}", err=True)
    rows = [(f.voice.name, f.voice.quality, str(f.voice.speakers), _size(f.voice.size),
             "yes" if f.folder else "no",
             "?" if f.licence is None else (f.licence.text or "no model card")
             + (" (asks credit)" if f.licence.asks_credit else "")) for f in found.voices]
    header = ("name", "quality", "speakers", "size", "downloaded", "licence")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[-1])
    if not rows:
        click.echo("no voices" + ("" if everything else " for Arabic: --all lists every language"))
    elif verbosity() >= 0:
        click.echo(f"folder: {voices_dir(folder)}. Download one: hijra-audio voices download NAME; "
                   f"then: hijra-audio build --engine piper --voice NAME", err=True)


@voices.command()
@click.argument("name")
@_dir_option
@verbosity_options
@library_errors
def download(name, folder):
    """Download voice NAME (as `hijra-audio voices` lists it, e.g. ar_JO-kareem-medium) with a
    progress bar; each file is checked against the collection's size and MD5. An interrupted
    download installs nothing and resumes when run again; a voice already whole is left as it is."""
    from hijra_audio.engines.voices import download as fetch_voice

    folder = _folder(folder)
    bar = None

    def progress(file: str, done: int, total: int) -> None:
        nonlocal bar
        if verbosity() < 0:
            return
        if bar is None:
            bar = click.progressbar(length=total, label=f"downloading {name} ({_size(total)})",
                                    file=click.get_text_stream("stderr"), show_percent=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        result = fetch_voice(name, folder, progress)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    voice = result.model.stem
    click.echo(f"{'downloaded' if result.fetched else 'already downloaded, whole'}: {voice} in {result.model.parent}")
    if result.licence.text:
        asks = "; it asks for credit: builds put it in the show notes" if result.licence.asks_credit else ""
        click.echo(f"licence: {result.licence.text}{asks}")
    from hijra_audio.engines.piper import ARABIC_VOICE, check_installed

    by = voice if folder is None else str(result.model)
    default = " (or leave --voice out: it is the default)" if voice == ARABIC_VOICE and folder is None else ""
    click.echo(f"use it: hijra-audio build --engine piper --voice {by}{default}")
    missing = check_installed()
    if missing:
        click.echo(f"note: {missing}", err=True)


@voices.command()
@click.argument("name")
@_dir_option
@verbosity_options
@library_errors
def remove(name, folder):
    """Delete downloaded voice NAME (and any unfinished download of it)."""
    from hijra_audio.engines.voices import remove as remove_voice

    click.echo(f"removed {remove_voice(name, _folder(folder))}")
