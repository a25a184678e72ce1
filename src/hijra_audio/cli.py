"""The command line (Click only): parse options, call the pipeline, print results, map errors to
exit codes (1 for a library error, 2 for a usage error). Results go to stdout; progress and logs
to stderr.
"""

from __future__ import annotations

import functools
import os
import shlex
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


def _plural(count: int, one: str, many: str | None = None) -> str:
    """`1 episode`, `2 episodes`."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _discover(config_path: Path | None, inputs=(), fallback: str = "the bundled show"):
    """The config a command uses by the one rule (-c FILE, else ./podcast.toml, else none) and the
    line that says so. Returns (path or None, line)."""
    from hijra_audio.config import discover
    from hijra_audio.plan import show_title

    found = discover(config_path)
    if found.how == "given":
        return found.path, f"config: {found.path}"
    if found.how == "found":
        return found.path, f"config: ./{found.path} (found in this folder; -c FILE for another)"
    if inputs and fallback == "the bundled show":
        return None, (f"config: none (no -c, no ./podcast.toml): default settings, the show titled "
                      f"\"{show_title(Path(inputs[0]))}\" after {inputs[0]}; `hijra-audio init` writes a podcast.toml")
    return None, f"config: {fallback} (no -c, no ./podcast.toml here; `hijra-audio init` starts your own)"


class _Once:
    """Says `line` on stderr once: before the first progress report, or when called. A build that
    stops on a bad input says only what is wrong."""

    def __init__(self, line: str, then=None):
        self.line, self.then = line, then

    def __call__(self, *args) -> None:
        if self.line:
            click.echo(self.line, err=True)
            self.line = ""
        if self.then is not None and args:
            self.then(*args)


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


class _Commands(click.Group):
    """Commands, and a "did you mean" for a mistyped one."""

    def resolve_command(self, ctx, args):
        import difflib

        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.5)
            if close:
                ctx.fail(f"No such command '{name}'. Did you mean {' or '.join(repr(c) for c in close)}?")
        return super().resolve_command(ctx, args)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
@_config_option("The show's podcast.toml (title, author, base URL, episode length...). "
                "Default: ./podcast.toml when there is one, else the bundled show.")
@click.option("--base-url", help="Address the output folder is served from; the feed's links start with it. "
                                 "Kept for later builds into the same folder.")
@click.option("--save", is_flag=True, help="Also write the base URL and the show's podcast:guid into the "
                                           "podcast.toml in use, so the config says where the show lives.")
@_ENGINE
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True,
              help="Worker processes for synthesis.")
@click.option("--dry-run", is_flag=True, help="Print what would be built or kept, and why; write nothing.")
@click.option("--force", is_flag=True, help="Rebuild every episode (clips still come from the cache).")
@click.option("--only", metavar="EPISODE", help="Build only this episode: its number or file name (episode-002).")
@_VOICE
@_RATE
@click.option("--scheduler", metavar="ADDRESS", help="Build on a Dask cluster: its scheduler's address, tcp://HOST:8786 "
              "or tls://HOST:8786 (default: $HIJRA_AUDIO_SCHEDULER, else [cluster] in the config, else here).")
@click.option("--scheduler-file", type=click.Path(dir_okay=False, path_type=Path),
              help="Build on the Dask cluster whose scheduler wrote this file (dask scheduler --scheduler-file).")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the clip and plan caches (default: .hijra-audio/cache beside podcast.toml, "
                   "else beside the output folder; never inside it). Overrides cache_dir in the config.")
@verbosity_options
@library_errors
def build(files, output, config_path, base_url, save, engine, jobs, dry_run, force, only, voice, rate,
          scheduler, scheduler_file, cache_dir):
    """Build the podcast from narration FILES (UTF-8 text, or folders of .txt files).

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

    config_path, line = _discover(config_path, files)
    if save and config_path is None:
        raise click.UsageError("--save writes into the show's podcast.toml, and there is none here: "
                               "run `hijra-audio init` first, or give one with -c.")
    announce = _Once(line if _verbosity() >= 0 else "")   # -q: stderr only for warnings and errors
    request = BuildRequest(inputs=tuple(files), output=output, config_path=config_path,
                           base_url=base_url, engine=engine, jobs=jobs, force=force, only=only,
                           voice=voice, rate=rate, scheduler=scheduler, scheduler_file=scheduler_file,
                           cache_dir=cache_dir)
    if dry_run:
        prepared = prepare(request)
        announce()
        _say_address(prepared.address.moved, prepared.address.kept and prepared.address.base_url)
        _warn(prepared.warnings)
        if prepared.cluster is not None:
            _print_cluster(prepared)
        for d in prepared.decisions:
            action = "skipped" if d.action == "skip" else d.action
            click.echo(f"{action:5}  {d.file}  {d.reason:16}  {d.episode.title}")
        building = len(prepared.decisions.to_build)
        click.echo(f"{building} of {_plural(len(prepared.decisions), 'episode')} to build (dry run: nothing written)")
        _timings(prepared.timings)
        return
    progress = _Progress(enabled=_verbosity() >= 0, terminal=sys.stderr.isatty())
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
    if report.adopted:
        progress.note(f"moved {report.adopted} clips from {output / '.cache'} to {report.cache.root} "
                      f"(the cache is kept outside the output folder now)")
    _say_address(report.address.moved, report.address.kept and report.address.base_url)
    for episode in (*report.episodes, *report.skipped):
        why = f"  ({episode.reason})" if episode.action in ("built", "skipped") else ""
        click.echo(f"{episode.action:5}  {episode.file}  {_duration(episode.duration)}  {episode.title}{why}")
    for name in report.removed:
        click.echo(f"removed  {output / name}")
    skipped = f"; {len(report.skipped)} skipped (not selected)" if report.skipped else ""
    click.echo(f"{_plural(len(report.episodes), 'episode')}, {_duration(report.duration)} in all "
               f"({_plural(report.clips_synthesized, 'segment')} spoken, {report.clips_cached} from cache){skipped}")
    if report.site is not None:
        click.echo(f"page: {report.site}")
    click.echo(f"feed: {report.feed}")
    _timings(report.timings)
    if _verbosity() > 0 and report.cache is not None:
        click.echo(f"cache: {report.cache.root} ({report.cache.why})", err=True)
    if save:
        from hijra_audio.config import save_keys

        values = {"base_url": report.address.base_url, "guid": report.address.guid}
        save_keys(config_path, values)
        click.echo(f"saved in {config_path}: " + ", ".join(f"{k} = {v}" for k, v in values.items()))
    _warn(report.warnings)   # last, where they are seen: what to fix before others subscribe


def _say_address(moved, kept: str = "") -> None:
    """The base URL: a move (old -> new), or one kept from an earlier build."""
    if moved:
        click.echo(f"base URL: {moved[0]} -> {moved[1]} (the feed and page are rewritten; the MP3s are kept)",
                   err=True)
    elif kept:
        click.echo(f"base URL: {kept} (kept from the last build; --base-url to change)", err=True)


def _timings(timings: dict[str, float]) -> None:
    """With -v: how long each step of the build took (plan, decide, schedule, publish)."""
    if _verbosity() > 0 and timings:
        click.echo("time: " + ", ".join(f"{step} {seconds:.2f} s" for step, seconds in timings.items()), err=True)


@main.command()
@_config_option("The show's podcast.toml. Default: ./podcast.toml when there is one, else the bundled show.")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="The build's output folder: where the address and guid of earlier builds are kept.")
@click.option("--base-url", help="Check as if building with this --base-url.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when there is any warning (for CI).")
@verbosity_options
@library_errors
def check(config_path, output, base_url, strict):
    """Say what to fix before others subscribe: init's placeholder text left in podcast.toml, a
    lock without an owner email, an address only this machine reaches, a podcast:guid not kept
    in the config, a cover directories refuse, descriptions over Apple's limits.

    The same warnings end every build; they never stop one. Writes nothing.
    """
    from hijra_audio.config import load_config
    from hijra_audio.publish.check import check_folder

    config_path, line = _discover(config_path)
    if _verbosity() >= 0:
        click.echo(line, err=True)
    found = check_folder(load_config(config_path), output, base_url)
    _warn(found)
    click.echo(f"{_plural(len(found), 'warning')}" + (": fix them in podcast.toml" if found else ": ready to publish"))
    if strict and found:
        sys.exit(1)


def _print_cluster(prepared) -> None:
    from hijra_audio.rebuild.cluster import describe

    def count(n: int, what: str) -> str:
        return f"{n} {what}{'' if n == 1 else 's'}"

    status = describe(prepared.cluster, prepared.engine_factory, prepared.identity)
    click.echo(f"cluster {status.where}: {count(len(status.workers), 'worker')}, {count(status.threads, 'thread')}")
    for worker in status.workers:
        name = f" ({worker.name})" if worker.name else ""
        click.echo(f"  {worker.address}{name}  {count(worker.threads, 'thread')}  "
                   f"{worker.problem or 'same versions'}")
    if status.problems:
        click.echo(f"  {len(status.problems)} workers differ from this machine: a build would stop before "
                   f"any task runs", err=True)


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
@_config_option("The show's podcast.toml, named in the rebuild command printed when the feed was built "
                "for another address. Default: ./podcast.toml when there is one.")
@verbosity_options
@library_errors
def serve(folder, host, port, config_path):
    """Serve the built FOLDER (default: output) over HTTP for podcast apps and browsers.

    Supports the byte ranges podcast apps seek with, and never serves anything outside FOLDER.
    Listens on 127.0.0.1 (this machine only) unless --host says otherwise. Stop with Ctrl-C.
    """
    from hijra_audio.serve import feed_self_url, make_server, public_url

    config_path, line = _discover(config_path, fallback="none")
    if _verbosity() >= 0:
        click.echo(line, err=True)
    log = None if _verbosity() < 0 else (lambda line: click.echo(line, err=True))   # -q: no request log
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


@main.group(cls=_Commands)
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
@_config_option("The show's podcast.toml (its cache_dir). Default: ./podcast.toml when there is one.")
@_cache_dir_option
@verbosity_options
@library_errors
def info(output, config_path, cache_dir):
    """Where the cache is, how many clips it holds, their size, and how many the current episodes use."""
    from hijra_audio.pipeline import cache_info

    config_path, line = _discover(config_path, fallback="none")
    if _verbosity() >= 0:
        click.echo(line, err=True)
    report = cache_info(output, config_path, cache_dir)
    click.echo(f"{report.folder}: {report.entries} clips, {report.bytes / 1e6:.1f} MB; "
               f"{report.used} used by the episodes of the last build, {report.entries - report.used} unused")
    if _verbosity() > 0:
        click.echo(f"cache: {report.why}", err=True)


@cache.command()
@_output_option
@_config_option("The show's podcast.toml (its cache_dir). Default: ./podcast.toml when there is one.")
@_cache_dir_option
@verbosity_options
@library_errors
def prune(output, config_path, cache_dir):
    """Delete the clips no episode of the last build uses (only this output folder's own clips)."""
    from hijra_audio.pipeline import cache_prune

    config_path, line = _discover(config_path, fallback="none")
    if _verbosity() >= 0:
        click.echo(line, err=True)
    report = cache_prune(output, config_path, cache_dir)
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
@_config_option("The show's podcast.toml, for its lexicon. Default: ./podcast.toml when there is one, else "
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
    from hijra_audio.config import load_config
    from hijra_audio.plan import clean_all, load_lexicon
    from hijra_audio.sources import read_narration

    if file.is_dir():
        raise click.UsageError(f"{file}: give one narration file, not a folder.")
    config_path, line = _discover(config_path, fallback="the bundled show's lexicon")
    if _verbosity() >= 0:
        click.echo(line, err=True)
    config = load_config(config_path)
    [cleaned], warnings = clean_all([read_narration(file)], load_lexicon(config, lexicon_path))
    _warn(warnings)
    if not show_diff:
        click.echo(cleaned.speech if speech else cleaned.display)
        return
    shown = [c for c in cleaned.changes if speech or c.form != "speech"]   # a suggestion changes no text
    for change in sorted(shown, key=lambda c: (c.line, c.word)):
        form = "" if change.form == "display" else f" ({change.form})"
        click.echo(f"{change.line}:{change.word}\t{change.rule}{form}\t{change.before} -> {change.after or '(removed)'}")
    counts: dict[str, int] = {}
    for change in shown:
        key = change.rule + (" (suggestion)" if change.form == "suggestion" else "")
        counts[key] = counts.get(key, 0) + 1
    click.echo(f"{len(shown)} changes: " + ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items())))


def _show_config(config_path, engine=None, voice=None, rate=None):
    from hijra_audio.config import load_config

    config_path, line = _discover(config_path)
    if _verbosity() >= 0:
        click.echo(line, err=True)
    config = load_config(config_path)
    return config.with_overrides(engine_name=engine, engine_voice=voice, engine_rate=rate)


@main.command()
@_config_option("podcast.toml whose [engine] settings to use. Default: ./podcast.toml when there is one, "
                "else the bundled show.")
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
              show_default=True, help="File to write: NAME.mp3 (MP3) or NAME.wav (WAV, 16-bit mono).")
@_config_option("podcast.toml whose engine and audio settings to use. Default: ./podcast.toml when there "
                "is one, else the bundled show.")
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
