"""The command line (Click only): parse options, call the pipeline, print results, map errors to
exit codes (1 for a library error, 2 for a usage error). Results go to stdout; progress and logs
to stderr.
"""

from __future__ import annotations

import functools
import os
import sys
import time
from pathlib import Path

import click

from hijra_audio import __version__
from hijra_audio.engines import ENGINES
from hijra_audio.errors import HijraAudioError


def library_errors(command):
    """Library errors (HijraAudioError) end the command with their one-line message and exit 1."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except HijraAudioError as exc:
            raise click.ClickException(str(exc)) from None
    return run


_VERBOSITY = "hijra_audio.verbosity"


def verbosity_options(command):
    """The same -q/--quiet and -v/--verbose on every command: -q leaves stderr to warnings and
    errors (no progress, no notes); -v adds detail (a build's time per step). Read with _verbosity()."""
    @click.option("-v", "--verbose", is_flag=True,
                  help="More detail on stderr: the time each step took, where the cache is.")
    @click.option("-q", "--quiet", is_flag=True,
                  help="Nothing on stderr but warnings and errors: no progress bars or lines, no notes.")
    @functools.wraps(command)
    def run(*args, quiet: bool, verbose: bool, **kwargs):
        if quiet and verbose:
            raise click.UsageError("-q and -v ask for less and for more: give one of them.")
        click.get_current_context().meta[_VERBOSITY] = -1 if quiet else 1 if verbose else 0
        return command(*args, **kwargs)
    return run


def _verbosity() -> int:
    """-1 with -q, 1 with -v, else 0."""
    return click.get_current_context().meta.get(_VERBOSITY, 0)


def _config_option(help_text: str):
    return click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                        help=help_text)


_ENGINE = click.option("--engine", type=click.Choice(sorted(ENGINES)),
                       help="Text-to-speech engine (default: from the config, else espeak).")
_VOICE = click.option("--voice", help="The engine's voice: espeak 'ar' or a variant like 'ar+m3'; gtts a language "
                                      "code; piper the path of a .onnx voice. Overrides [engine] voice.")
_RATE = click.option("--rate", type=click.IntRange(min=0), help="espeak speaking rate in words per minute (80-450). "
                                                              "Overrides [engine] rate.")


def _warn(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


def _duration(seconds: float) -> str:
    from hijra_audio.publish.site import duration_text

    return duration_text(seconds)


class _Progress:
    """A build's progress on stderr. On a terminal: one status line, redrawn in place (cleared
    first, so a shorter line leaves nothing of a longer one). Otherwise (a pipe, a log file, CI,
    nohup): one plain line per episode built, `[12/218] episode-012.mp3 13:02 built (text
    changed)`. Silent with -q."""

    LABELS = {"segments": "speaking segments", "episodes": "writing episodes"}
    REDRAW_SECONDS = 0.1

    def __init__(self, enabled: bool, terminal: bool):
        self.enabled = enabled
        self.terminal = terminal
        self.state: dict[str, tuple[int, int]] = {}
        self.drawn = False
        self.drawn_at = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        """The stage's progress: drawn on a terminal (plain lines say it per episode)."""
        if not (self.enabled and self.terminal):
            return
        self.state[stage] = (done, total)
        now = time.monotonic()
        if done < total and now - self.drawn_at < self.REDRAW_SECONDS:
            return
        self.drawn_at = now
        line = "  ".join(f"{self.LABELS.get(name, name)} {d}/{t}" for name, (d, t) in self.state.items())
        click.echo(f"\r\x1b[2K{line}", err=True, nl=False)
        self.drawn = True

    def episode(self, result, done: int, total: int) -> None:
        """An episode is built: one line, when stderr is not a terminal."""
        if self.enabled and not self.terminal:
            click.echo(f"[{done}/{total}] {result.file.name} {_duration(result.duration)} {result.action}"
                       + (f" ({result.reason})" if result.reason else ""), err=True)

    def note(self, line: str) -> None:
        """A line of its own (the build's plan, its timings): above the status line on a terminal."""
        if self.enabled:
            self.close()
            click.echo(line, err=True)

    def close(self) -> None:
        if self.drawn:
            click.echo(err=True)   # the status line stays as it last was; what follows starts below it
            self.drawn = False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hijra-audio")
def main() -> None:
    """Turn a transcribed Arabic lecture into a podcast: cleaned text, Arabic speech, MP3
    episodes and a feed a podcast app subscribes to.

    Start with `hijra-audio build`: it builds the bundled lecture on the Hijra into ./output.
    """


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Folder the episodes, feed and manifest are written to.")
@_config_option("The show's podcast.toml (title, author, base URL, episode length...). Default: the bundled show.")
@click.option("--base-url", help="Address the output folder is served from; the feed's links start with it.")
@_ENGINE
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True,
              help="Worker processes for synthesis.")
@click.option("--dry-run", is_flag=True, help="Print what would be built or kept, and why; write nothing.")
@click.option("--force", is_flag=True, help="Rebuild every episode (clips still come from the cache).")
@click.option("--only", metavar="EPISODE", help="Build only this episode: its number or file name (episode-002).")
@_VOICE
@_RATE
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the clip and plan caches (default: .hijra-audio/cache beside podcast.toml, "
                   "else beside the output folder; never inside it). Overrides cache_dir in the config.")
@verbosity_options
@library_errors
def build(files, output, config_path, base_url, engine, jobs, dry_run, force, only, voice, rate, cache_dir):
    """Build the podcast from narration FILES (UTF-8 text, or folders of .txt files).

    With no FILES, builds the narration the config names; with no config either, the bundled
    lecture. Lines starting with `## ` are headings: each opens a section. Only what changed since
    the last build into the same folder is redone. SIGTERM and SIGHUP stop it as Ctrl-C does:
    finished episodes are kept and the feed matches them (exit 143, 129, 130).
    """
    from hijra_audio.pipeline import BuildRequest, prepare
    from hijra_audio.pipeline import build as run_build
    from hijra_audio.stopping import Stopped, stop_on_signals

    request = BuildRequest(inputs=tuple(files), output=output, config_path=config_path,
                           base_url=base_url, engine=engine, jobs=jobs, force=force, only=only,
                           voice=voice, rate=rate, cache_dir=cache_dir)
    if dry_run:
        prepared = prepare(request)
        _warn(prepared.warnings)
        for d in prepared.decisions:
            action = "skipped" if d.action == "skip" else d.action
            click.echo(f"{action:5}  {d.file}  {d.reason:16}  {d.episode.title}")
        building = len(prepared.decisions.to_build)
        click.echo(f"{building} of {len(prepared.decisions)} episodes to build (dry run: nothing written)")
        _timings(prepared.timings)
        return
    progress = _Progress(enabled=_verbosity() >= 0, terminal=sys.stderr.isatty())
    try:
        with stop_on_signals():
            report = run_build(request, progress=progress, finished=progress.episode)
    except KeyboardInterrupt as stop:
        progress.close()
        how = f"stopped by {stop.name}" if isinstance(stop, Stopped) else "interrupted"
        click.echo(f"{how}: finished episodes and every clip made so far are kept; "
                   "run the same build again to finish.", err=True)
        sys.exit(stop.exit_code if isinstance(stop, Stopped) else 130)
    finally:
        progress.close()
    if report.adopted:
        progress.note(f"moved {report.adopted} clips from {output / '.cache'} to {report.cache.root} "
                      f"(the cache is kept outside the output folder now)")
    _warn(report.warnings)
    for episode in (*report.episodes, *report.skipped):
        why = f"  ({episode.reason})" if episode.action in ("built", "skipped") else ""
        click.echo(f"{episode.action:5}  {episode.file}  {_duration(episode.duration)}  {episode.title}{why}")
    for name in report.removed:
        click.echo(f"removed  {output / name}")
    skipped = f"; {len(report.skipped)} skipped (not selected)" if report.skipped else ""
    click.echo(f"{len(report.episodes)} episodes, {_duration(report.duration)} in all "
               f"({report.clips_synthesized} segments spoken, {report.clips_cached} from cache){skipped}")
    if report.site is not None:
        click.echo(f"page: {report.site}")
    click.echo(f"feed: {report.feed}")
    _timings(report.timings)
    if _verbosity() > 0 and report.cache is not None:
        click.echo(f"cache: {report.cache.root} ({report.cache.why})", err=True)


def _timings(timings: dict[str, float]) -> None:
    """With -v: how long each step of the build took (plan, decide, schedule, publish)."""
    if _verbosity() > 0 and timings:
        click.echo("time: " + ", ".join(f"{step} {seconds:.2f} s" for step, seconds in timings.items()), err=True)


@main.command()
@click.argument("folder", required=False, default=".", type=click.Path(path_type=Path))
@verbosity_options
@library_errors
def init(folder):
    """Write a commented podcast.toml into FOLDER (default: here) to start a show.

    Every field is explained in the file; edit it, then `hijra-audio build TEXT -c podcast.toml`.
    An existing podcast.toml is never replaced.
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
@verbosity_options
@library_errors
def serve(folder, host, port):
    """Serve the built FOLDER (default: output) over HTTP for podcast apps and browsers.

    Supports the byte ranges podcast apps seek with, and never serves anything outside FOLDER.
    Listens on 127.0.0.1 (this machine only) unless --host says otherwise. Stop with Ctrl-C.
    """
    from hijra_audio.serve import feed_self_url, make_server, public_url

    log = None if _verbosity() < 0 else (lambda line: click.echo(line, err=True))   # -q: no request log
    server = make_server(folder, host, port, log=log)
    bound_port = server.server_address[1]
    base = public_url(host, bound_port)
    click.echo(f"serving {folder} at {base}")
    click.echo(f"page: {base}")
    click.echo(f"feed: {base}feed.xml  (subscribe to this address in a podcast app)")
    written = feed_self_url(folder)
    if written and not written.startswith(base):
        click.echo(f"note: the feed's links point at {written.rsplit('/', 1)[0]}/, not this address. "
                   f"Rebuild with `hijra-audio build --base-url {base} -o {folder}` so apps "
                   f"{'on your network ' if host in ('0.0.0.0', '::') else ''}can fetch the episodes.")
    if host in ("0.0.0.0", "::"):
        click.echo("Phones must be on the same network; anyone on that network can reach this server.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.group()
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


@cache.command()
@_output_option
@_cache_dir_option
@verbosity_options
@library_errors
def info(output, cache_dir):
    """Where the cache is, how many clips it holds, their size, and how many the current episodes use."""
    from hijra_audio.pipeline import cache_info

    report = cache_info(output, cache_dir=cache_dir)
    click.echo(f"{report.folder}: {report.entries} clips, {report.bytes / 1e6:.1f} MB; "
               f"{report.used} used by the episodes of the last build, {report.entries - report.used} unused")
    if _verbosity() > 0:
        click.echo(f"cache: {report.why}", err=True)


@cache.command()
@_output_option
@_cache_dir_option
@verbosity_options
@library_errors
def prune(output, cache_dir):
    """Delete the clips no episode of the last build uses (only this output folder's own clips)."""
    from hijra_audio.pipeline import cache_prune

    report = cache_prune(output, cache_dir=cache_dir)
    click.echo(f"removed {report.removed} clips ({report.freed / 1e6:.1f} MB); "
               f"{report.entries} left, {report.bytes / 1e6:.1f} MB")


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--diff", "show_diff", is_flag=True,
              help="List every change instead of the text: line:word, rule, before -> after; "
                   "then the count of changes per rule.")
@click.option("--speech", is_flag=True,
              help="Print the speech form (what the engine is given) instead of the display form; "
                   "with --diff, list the speech-only changes too.")
@_config_option("The show's podcast.toml, for its lexicon. Default: the bundled show.")
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
    from hijra_audio.config import load_config
    from hijra_audio.plan import clean_all, load_lexicon
    from hijra_audio.sources import read_narration

    if file.is_dir():
        raise click.UsageError(f"{file}: give one narration file, not a folder.")
    config = load_config(config_path)
    [cleaned], warnings = clean_all([read_narration(file)], load_lexicon(config, lexicon_path))
    _warn(warnings)
    if not show_diff:
        click.echo(cleaned.speech if speech else cleaned.display)
        return
    shown = [c for c in cleaned.changes if speech or c.form == "display"]
    for change in sorted(shown, key=lambda c: (c.line, c.word)):
        form = "" if change.form == "display" else " (speech)"
        click.echo(f"{change.line}:{change.word}\t{change.rule}{form}\t{change.before} -> {change.after or '(removed)'}")
    counts: dict[str, int] = {}
    for change in shown:
        counts[change.rule] = counts.get(change.rule, 0) + 1
    click.echo(f"{len(shown)} changes: " + ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items())))


def _show_config(config_path, engine=None, voice=None, rate=None):
    from hijra_audio.config import load_config

    config = load_config(config_path)
    return config.with_overrides(engine_name=engine, engine_voice=voice, engine_rate=rate)


@main.command()
@_config_option("podcast.toml whose [engine] settings to use. Default: the bundled show.")
@click.option("--engine", type=click.Choice(sorted(ENGINES)), help="Which engine counts as chosen (default: the config's).")
@click.option("--voice", help="Voice for the chosen engine (overrides [engine] voice).")
@verbosity_options
@library_errors
def engines(config_path, engine, voice):
    """List the text-to-speech engines: whether each is usable here (and why not), its identity
    (what goes into the clip cache key) and its options ([engine] keys in podcast.toml)."""
    from hijra_audio.preview import engine_statuses

    for status in engine_statuses(_show_config(config_path, engine, voice)):
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
              show_default=True, help="MP3 file to write.")
@_config_option("podcast.toml whose engine and audio settings to use. Default: the bundled show.")
@_ENGINE
@_VOICE
@_RATE
@click.option("--show-text", is_flag=True, help="Also print the exact text the engine received: after cleaning, "
                                                "then after the engine's own diacritization and pausal forms.")
@verbosity_options
@library_errors
def say(text, output, config_path, engine, voice, rate, show_text):
    """Speak TEXT into a short MP3 for a quick listen, through the same cleaning, engine and
    mastering as build. Use --show-text to see why a word is said the way it is."""
    from hijra_audio.preview import say as run_say

    # the show's lexicon is for its narration: that most of it never matches one sentence is no news
    report = run_say(_show_config(config_path, engine, voice, rate), text, output, show_text=show_text)
    if show_text:
        for number, segment in enumerate(report.segments, start=1):
            click.echo(f"segment {number} cleaned:  {segment.text}")
            click.echo(f"segment {number} engine:   {segment.prepared}")
            for index, piece in enumerate(segment.requests, start=1):
                click.echo(f"segment {number} request {index}: {piece}")
            if segment.phonemes:
                click.echo(f"segment {number} phonemes: {segment.phonemes}")
    click.echo(f"{report.output}  {_duration(report.duration)}  ({report.engine.get('engine', '')})")
