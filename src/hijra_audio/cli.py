"""The command line (Click only): parse options, call the pipeline, print results, map errors to
exit codes (1 for a library error, 2 for a usage error). Results go to stdout; progress and logs
to stderr.
"""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import click

from hijra_audio import __version__
from hijra_audio.console import (
    ENGINE_OPTION,
    RATE_OPTION,
    VOICE_OPTION,
    Commands,
    Once,
    Progress,
    announce_config,
    config_option,
    discover_config,
    duration,
    given,
    library_errors,
    plural,
    print_dry_run,
    print_report,
    recitation_options,
    show_request,
    verbosity,
    verbosity_options,
    warn,
)
from hijra_audio.cli_voices import voices
from hijra_audio.engines import ENGINES


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hijra-audio")
def main() -> None:
    """Turn a transcribed Arabic lecture into a podcast: cleaned text, Arabic speech, MP3
    episodes and a feed a podcast app subscribes to.

    Start with `hijra-audio build`: in a folder without a podcast.toml it builds the bundled
    lecture on the Hijra into ./output. `hijra-audio init` starts a show of your own there; every
    command then uses its ./podcast.toml (or the one -c names).
    """


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Folder the episodes, feed and manifest are written to.")
@config_option("The show's podcast.toml (title, author, base URL, episode length...). "
                "Default: ./podcast.toml when there is one, else the bundled show.")
@click.option("--base-url", help="Address the output folder is served from; the feed's links start with it. "
                                 "Kept for later builds into the same folder.")
@click.option("--save", is_flag=True, help="Also write the base URL and the show's podcast:guid into the "
                                           "podcast.toml in use, so the config says where the show lives.")
@ENGINE_OPTION
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True,
              help="Worker processes for synthesis.")
@click.option("--dry-run", is_flag=True, help="Print what would be built or kept, and why; write nothing.")
@click.option("--force", is_flag=True, help="Rebuild every episode (clips still come from the cache).")
@click.option("--only", metavar="EPISODE", help="Build only this episode: its number or file name (episode-002).")
@click.option("--audiobook", is_flag=True, help="Also write the show as an audiobook, OUTPUT/NAME.m4b (AAC, a "
                                                "chapter per episode), as [audiobook] write = true does.")
@VOICE_OPTION
@RATE_OPTION
@click.option("--scheduler", metavar="ADDRESS", help="Build on a Dask cluster: its scheduler's address, tcp://HOST:8786 "
              "or tls://HOST:8786 (default: $HIJRA_AUDIO_SCHEDULER, else [cluster] in the config, else here).")
@click.option("--scheduler-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Build on the Dask cluster whose scheduler wrote this file (dask scheduler --scheduler-file).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the clip and plan caches (default: .hijra-audio/cache beside podcast.toml, "
                   "else beside the output folder; never inside it). Overrides cache_dir in the config.")
@recitation_options
@verbosity_options
@library_errors
def build(files, output, config_path, base_url, save, engine, jobs, dry_run, force, only, audiobook, voice, rate,
          scheduler, scheduler_file, cache_dir, recitation):
    """Build the podcast from narration FILES (UTF-8 text, transcripts: .srt, .vtt, Whisper's
    .json/.tsv, or folders of them).

    The show's settings come from -c FILE, else ./podcast.toml when there is one; with neither,
    FILES get the default settings and a show titled after the first of them, and no FILES build
    the bundled lecture. With no FILES, builds the narration the config names. Lines starting with
    `## ` are headings: each opens a section. Only what changed since the last build into the same
    folder is redone; a new --base-url rewrites only the feed and the page. SIGTERM and SIGHUP stop
    it as Ctrl-C does: finished episodes are kept and the feed matches them (exit 143, 129, 130).
    """
    from hijra_audio.pipeline import BuildRequest, prepare
    from hijra_audio.pipeline import build as run_build
    from hijra_audio.stopping import Stopped, stop_on_signals

    config_path, line = discover_config(config_path, files)
    if save and config_path is None:
        raise click.UsageError("--save writes into the show's podcast.toml, and there is none here: "
                               "run `hijra-audio init` first, or give one with -c.")
    announce = Once(line if verbosity() >= 0 else "")   # -q: stderr only for warnings and errors
    request = BuildRequest(inputs=tuple(files), output=output, config_path=config_path,
                           base_url=base_url, engine=engine, jobs=jobs, force=force, only=only, audiobook=audiobook,
                           voice=voice, rate=rate, scheduler=scheduler, scheduler_file=scheduler_file,
                           cache_dir=cache_dir, engine_factory=given().engine_factory, recitation=recitation)
    if dry_run:
        prepared = prepare(request)
        announce()
        print_dry_run(prepared)
        return
    progress = Progress(enabled=verbosity() >= 0, terminal=sys.stderr.isatty())
    announce.then = progress     # the config line comes before the first progress report
    try:
        with stop_on_signals():
            report = run_build(request, progress=announce, finished=progress.episode)
    except KeyboardInterrupt as stop:
        progress.close()
        how = f"stopped by {stop.name}" if isinstance(stop, Stopped) else "interrupted"
        click.echo(f"{how}: finished episodes and every clip made so far are kept; "
                   "run the same build again to finish.", err=True)
        sys.exit(stop.exit_code if isinstance(stop, Stopped) else 130)
    finally:
        progress.close()
    announce()
    print_report(report, output, progress)
    if save:
        from hijra_audio.config import save_keys

        values = {"base_url": report.address.base_url, "guid": report.address.guid}
        save_keys(config_path, values)
        click.echo(f"saved in {config_path}: " + ", ".join(f"{k} = {v}" for k, v in values.items()))
    warn(report.warnings)   # last, where they are seen: what to fix before others subscribe


@main.command()
@config_option("The show's podcast.toml. Default: ./podcast.toml when there is one, else the bundled show.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="The build's output folder: where the address and guid of earlier builds are kept.")
@click.option("--base-url", help="Check as if building with this --base-url.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when there is any warning (for CI).")
@verbosity_options
@library_errors
def check(config_path, output, base_url, strict):
    """Say what to fix before others subscribe: init's placeholder text left in podcast.toml, a
    lock without an owner email, an address only this machine reaches, a podcast:guid not kept
    in the config, a cover directories refuse, descriptions over Apple's limits, a built feed over
    1 MB (or over what a known podcast client refuses) and the setting that made it so.

    The same warnings end every build; they never stop one. Writes nothing.
    """
    from hijra_audio.show import resolve

    config_path = announce_config(config_path)
    found = resolve(show_request(config_path, output=output, base_url=base_url)).warnings()
    warn(found)
    click.echo(f"{plural(len(found), 'warning')}" + (": fix them in podcast.toml" if found else ": ready to publish"))
    if strict and found:
        sys.exit(1)


@main.command()
@click.argument("folder", required=False, default=".", type=click.Path(path_type=Path))
@verbosity_options
@library_errors
def init(folder):
    """Write a commented podcast.toml into FOLDER (default: here) to start a show.

    Every field is explained in the file; edit it, then run `hijra-audio check` and
    `hijra-audio build` in that folder. An existing podcast.toml is never replaced.
    """
    from hijra_audio.scaffold import write_template

    click.echo(f"wrote {write_template(folder)}")


@main.command()
@click.argument("folder", required=False, default=Path("output"),
                type=click.Path(file_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. 0.0.0.0 lets phones on the same network subscribe.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@config_option("The show's podcast.toml, named in the rebuild command printed when the feed was built "
                "for another address. Default: ./podcast.toml when there is one.")
@verbosity_options
@library_errors
def serve(folder, host, port, config_path):
    """Serve the built FOLDER (default: output) over HTTP for podcast apps and browsers.

    Supports the byte ranges podcast apps seek with, and never serves anything outside FOLDER.
    Listens on 127.0.0.1 (this machine only) unless --host says otherwise. Stop with Ctrl-C.
    """
    from hijra_audio.serve import feed_self_url, make_server, public_url

    config_path = announce_config(config_path, fallback="none")
    log = None if verbosity() < 0 else (lambda line: click.echo(line, err=True))   # -q: no request log
    server = make_server(folder, host, port, log=log)
    bound_port = server.server_address[1]
    base = public_url(host, bound_port)
    click.echo(f"serving {folder} at {base}")
    click.echo(f"page: {base}")
    click.echo(f"feed: {base}feed.xml  (subscribe to this address in a podcast app)")
    written = feed_self_url(folder)
    if written and not written.startswith(base):
        with_config = f" -c {shlex.quote(str(config_path))}" if config_path is not None else ""
        click.echo(f"note: the feed's links point at {written.rsplit('/', 1)[0]}/, not this address. "
                   f"Rebuild with `hijra-audio build{with_config} --base-url {base} -o "
                   f"{shlex.quote(str(folder))}` (later builds keep that address) so apps "
                   f"{'on your network ' if host in ('0.0.0.0', '::') else ''}can fetch the episodes.")
    if host in ("0.0.0.0", "::"):
        click.echo("Phones must be on the same network; anyone on that network can reach this server.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


main.add_command(voices)


@main.group(cls=Commands)
def cache() -> None:
    """Inspect or prune the clip cache of an output folder's show.

    The cache is never inside the output folder (which is what you upload): by default it is
    .hijra-audio/cache beside podcast.toml, or beside the output folder; each output folder has
    its own part of it."""


_output_option = click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
                              default=Path("output"), show_default=True, help="The build's output folder.")
_cache_dir_option = click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
                                 help="The cache folder the build was given with --cache-dir "
                                      "(default: where the last build into OUTPUT kept it).")


def _cache_command(function):
    """A `cache` subcommand: OUTPUT, -c and --cache-dir find the cache as the build does."""
    for decorator in (library_errors, verbosity_options, _cache_dir_option,
                      config_option("The show's podcast.toml (its cache_dir). Default: ./podcast.toml when there is one."),
                      _output_option, cache.command()):
        function = decorator(function)
    return function


@_cache_command
def info(output, config_path, cache_dir):
    """Where the cache is, how many clips it holds, their size, and how many the current episodes use."""
    from hijra_audio.caches import cache_info
    from hijra_audio.show import resolve

    config_path = announce_config(config_path, fallback="none")
    report = cache_info(resolve(show_request(config_path, output=output, cache_dir=cache_dir)))
    click.echo(f"{report.folder}: {report.entries} clips, {report.bytes / 1e6:.1f} MB; "
               f"{report.used} used by the episodes of the last build, {report.entries - report.used} unused")
    if report.aac:
        click.echo(f"{report.folder}: {report.aac} audiobook AAC files, {report.aac_bytes / 1e6:.1f} MB; "
                   f"{report.aac_used} used by the audiobook in {output}, {report.aac - report.aac_used} unused")
    if verbosity() > 0:
        click.echo(f"cache: {report.why}", err=True)


@_cache_command
def prune(output, config_path, cache_dir):
    """Delete the clips no episode of the last build uses, and the audiobook's AAC files the
    .m4b in OUTPUT is not made of (only this output folder's own files)."""
    from hijra_audio.caches import cache_prune
    from hijra_audio.show import resolve

    config_path = announce_config(config_path, fallback="none")
    report = cache_prune(resolve(show_request(config_path, output=output, cache_dir=cache_dir)))
    click.echo(f"removed {report.removed} clips ({report.freed / 1e6:.1f} MB); "
               f"{report.entries} left, {report.bytes / 1e6:.1f} MB")
    if report.aac_removed or report.aac:
        click.echo(f"removed {report.aac_removed} audiobook AAC files ({report.aac_freed / 1e6:.1f} MB); "
                   f"{report.aac} left, {report.aac_bytes / 1e6:.1f} MB")


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--diff", "show_diff", is_flag=True,
              help="List every change instead of the text: line:word (in a transcript: the cue's "
                   "line and time), rule, before -> after; then the count of changes per rule.")
@click.option("--speech", is_flag=True,
              help="Print the speech form (what the engine is given) instead of the display form; "
                   "with --diff, list the speech-only changes too.")
@config_option("The show's podcast.toml, for its lexicon. Default: ./podcast.toml when there is one, else "
                "the bundled show's.")
@click.option("--lexicon", "lexicon_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A lexicon file to use instead of the one podcast.toml names.")
@verbosity_options
@library_errors
def clean(file, show_diff, speech, config_path, lexicon_path):
    """Print the cleaned narration of FILE, as `build` would speak it.

    Cleaning normalizes the text, applies the lexicon's corrections, marks Quran quotations
    as ﴿...﴾ [sura:aya] with the canonical verse, removes disfluencies (fillers, broken-off
    letters, repetitions, self-repairs) and adds punctuation. --diff shows what changed and why.
    """
    from hijra_audio.plan import clean_all, load_lexicon
    from hijra_audio.show import load_show
    from hijra_audio.sources import read_narration

    if file.is_dir():
        raise click.UsageError(f"{file}: give one narration file, not a folder.")
    config_path = announce_config(config_path, fallback="the bundled show's lexicon")
    narration = read_narration(file)
    [cleaned], warnings = clean_all([narration], load_lexicon(load_show(config_path), lexicon_path))
    warn(warnings)
    if not show_diff:
        click.echo(cleaned.speech if speech else cleaned.display)
        return
    shown = [c for c in cleaned.changes if speech or c.form != "speech"]   # a suggestion changes no text
    for change in sorted(shown, key=lambda c: (c.line, c.word)):
        form = "" if change.form == "display" else f" ({change.form})"
        click.echo(f"{narration.where(change.line, change.word)}\t{change.rule}{form}\t{change.before} -> {change.after or '(removed)'}")
    counts: dict[str, int] = {}
    for change in shown:
        key = change.rule + (" (suggestion)" if change.form == "suggestion" else "")
        counts[key] = counts.get(key, 0) + 1
    click.echo(f"{len(shown)} changes: " + ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items())))


def _show(config_path, engine=None, voice=None, rate=None, recitation=None):
    """The show `engines` and `say` use: its config and engine, with the options."""
    from hijra_audio.show import resolve

    return resolve(show_request(announce_config(config_path), engine=engine, voice=voice, rate=rate,
                                recitation=recitation))


@main.command()
@config_option("podcast.toml whose [engine] settings to use. Default: ./podcast.toml when there is one, "
                "else the bundled show.")
@click.option("--engine", type=click.Choice(sorted(ENGINES)), help="Which engine counts as chosen (default: the config's).")
@click.option("--voice", help="Voice for the chosen engine (overrides [engine] voice).")
@verbosity_options
@library_errors
def engines(config_path, engine, voice):
    """List the text-to-speech engines: whether each is usable here (and why not), its identity
    (what goes into the clip cache key) and its options ([engine] keys in podcast.toml)."""
    from hijra_audio.preview import engine_statuses

    for status in engine_statuses(_show(config_path, engine, voice).own):
        mark = " (chosen)" if status.configured else ""
        state = "usable" if status.usable else "not usable"
        click.echo(f"{status.name}{mark}: {state}")
        if not status.usable:
            click.echo(f"  why: {status.reason}")
        else:
            click.echo("  identity: " + ", ".join(f"{k}={v}" for k, v in status.identity.items()))
        for option, meaning in status.options:
            click.echo(f"  {option}: {meaning}")


@main.command()
@click.argument("text")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("preview.mp3"),
              show_default=True, help="File to write: NAME.mp3 (MP3) or NAME.wav (WAV, 16-bit mono).")
@config_option("podcast.toml whose engine and audio settings to use. Default: ./podcast.toml when there "
                "is one, else the bundled show.")
@ENGINE_OPTION
@VOICE_OPTION
@RATE_OPTION
@click.option("--show-text", is_flag=True, help="Also print the exact text the engine received: after cleaning, "
                                                "then after the engine's own diacritization and pausal forms.")
@recitation_options
@verbosity_options
@library_errors
def say(text, output, config_path, engine, voice, rate, show_text, recitation):
    """Speak TEXT into a short MP3 for a quick listen, through the same cleaning, engine and
    mastering as build. Use --show-text to see why a word is said the way it is."""
    from hijra_audio.preview import say as run_say

    # the show's lexicon is for its narration: that most of it never matches one sentence is no news
    report = run_say(_show(config_path, engine, voice, rate, recitation), text, output, show_text=show_text)
    if show_text:
        for number, segment in enumerate(report.segments, start=1):
            if segment.recited:
                click.echo(f"segment {number} recited:  {segment.recited}")
                continue
            click.echo(f"segment {number} cleaned:  {segment.speech}")
            click.echo(f"segment {number} engine:   {segment.prepared}")
            for index, piece in enumerate(segment.requests, start=1):
                click.echo(f"segment {number} request {index}: {piece}")
            if segment.phonemes:
                click.echo(f"segment {number} phonemes: {segment.phonemes}")
    click.echo(f"{report.output}  {duration(report.duration)}  ({report.engine.get('engine', '')})")
