"""The command line's shared parts, for `cli.py` (Click only; the library never prints): library
errors as one-line messages, the same -q/-v on every command and the options several commands
take, the line that says which config is used, progress on stderr (a status line on a terminal,
a line per episode otherwise), a "did you mean" for a mistyped command, and what a build prints.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from hijra_audio.engines import ENGINES, EngineConfig
from hijra_audio.errors import HijraAudioError


@dataclass(frozen=True)
class Given:
    """What a program that runs the command line may hand it through Click's `obj`
    (`main(args, obj=Given(engine_factory=...))`, `CliRunner().invoke(main, args, obj=...)`): the
    tests give a fake engine this way. Nothing here: the real engines."""

    engine_factory: Callable[[], object] | None = None


def given() -> Given:
    """What the caller of the command line handed it (`Given`)."""
    found = click.get_current_context().find_object(Given)
    return found if found is not None else Given()


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
    errors (no progress, no notes); -v adds detail (a build's time per step). Read with verbosity()."""
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


def verbosity() -> int:
    """-1 with -q, 1 with -v, else 0."""
    return click.get_current_context().meta.get(_VERBOSITY, 0)


def config_option(help_text: str):
    return click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                        help=help_text)


def _doc(key: str) -> str:
    """What the `[engine]` key does, as the engines declare it (engines.EngineConfig)."""
    return EngineConfig.__dataclass_fields__[key].metadata["doc"]


ENGINE_OPTION = click.option("--engine", type=click.Choice(sorted(ENGINES)),
                             help=f"T{_doc('name')[1:]}. Default: [engine] name, else espeak.")
VOICE_OPTION = click.option("--voice", help=f"The engine's voice: {_doc('voice')}. Overrides [engine] voice.")
RATE_OPTION = click.option("--rate", type=click.IntRange(min=0),
                           help=f"espeak: {_doc('rate')}. Overrides [engine] rate.")


def recitation_options(command):
    """--recitation DIR, --recitation-credit TEXT, --recitation-timing FILE, handed to the command
    as one `recitation` argument: the `[quran]` keys they override (None: none given)."""
    @click.option("--recitation", metavar="DIR", help='A reciter\'s recordings of the verses (a folder in the '
                  'EveryAyah layout: 008030.mp3 is 8:30) recited in place of the voice where the narration '
                  'certainly quotes the Quran; "voice" for the voice. Overrides [quran] recitation.')
    @click.option("--recitation-credit", metavar="TEXT", help="Whose recitation it is (and by whose "
                  "permission): required with --recitation; the feed and the show notes carry it.")
    @click.option("--recitation-timing", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path),
                  help="Word timings of the recordings (cpfair/quran-align's JSON): a quotation of part "
                       "of a verse is cut from its recording at the reciter's pauses (else the whole verse).")
    @functools.wraps(command)
    def run(*args, recitation, recitation_credit, recitation_timing, **kwargs):
        given = {"recitation": recitation if recitation in (None, "voice") else str(Path(recitation).resolve()),
                 "recitation_credit": recitation_credit,
                 "recitation_timing": str(recitation_timing.resolve()) if recitation_timing else None}
        given = {key: value for key, value in given.items() if value is not None}
        return command(*args, recitation=given or None, **kwargs)
    return run


def warn(warnings: tuple[str, ...]) -> None:
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 episode`, `2 episodes`."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def discover_config(config_path: Path | None, inputs=(), fallback: str = "the bundled show"):
    """The config a command uses by the one rule (-c FILE, else ./podcast.toml, else none) and the
    line that says so. Returns (path or None, line)."""
    from hijra_audio.config import discover
    from hijra_audio.show import show_title

    found = discover(config_path)
    if found.how == "given":
        return found.path, f"config: {found.path}"
    if found.how == "found":
        return found.path, f"config: ./{found.path} (found in this folder; -c FILE for another)"
    if inputs and fallback == "the bundled show":
        return None, (f"config: none (no -c, no ./podcast.toml): default settings, the show titled "
                      f"\"{show_title(Path(inputs[0]))}\" after {inputs[0]}; `hijra-audio init` writes a podcast.toml")
    return None, f"config: {fallback} (no -c, no ./podcast.toml here; `hijra-audio init` starts your own)"


def announce_config(config_path: Path | None, inputs=(), fallback: str = "the bundled show") -> Path | None:
    """`discover_config`, with its line said on stderr (but with -q); returns the config's path."""
    config_path, line = discover_config(config_path, inputs, fallback)
    if verbosity() >= 0:
        click.echo(line, err=True)
    return config_path


def show_request(config_path: Path | None, **given_options):
    """The `ShowRequest` of a command: its config (as `announce_config` found it), its options, and
    the engine the caller handed it (`Given`)."""
    from hijra_audio.show import ShowRequest

    return ShowRequest(config_path=config_path, engine_factory=given().engine_factory, **given_options)


class Once:
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


def duration(seconds: float) -> str:
    from hijra_audio.publish.site import duration_text

    return duration_text(seconds)


class Progress:
    """A build's progress on stderr. On a terminal: one status line, redrawn in place (cleared
    first, so a shorter line leaves nothing of a longer one). Otherwise (a pipe, a log file, CI,
    nohup): one plain line per episode built, `[12/218] episode-012.mp3 13:02 built (text
    changed)`. Silent with -q."""

    LABELS = {"reciting": "cutting recitations", "recordings": "reading the intro and outro",
              "segments": "speaking segments", "episodes": "writing episodes"}
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
            click.echo(f"[{done}/{total}] {result.file.name} {duration(result.duration)} {result.action}"
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


class Commands(click.Group):
    """Commands, and a "did you mean" for a mistyped one."""

    def resolve_command(self, ctx, args):
        import difflib

        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            close = difflib.get_close_matches(name, self.list_commands(ctx), n=3, cutoff=0.5)
            if close:
                ctx.fail(f"No such command '{name}'. Did you mean {' or '.join(repr(c) for c in close)}?")
        return super().resolve_command(ctx, args)


# --- What a build prints ----------------------------------------------------------------------

def print_dry_run(prepared) -> None:
    """Per episode: build, keep or skip, and why; then how many are to build."""
    _say_address(prepared.address.moved, prepared.address.kept and prepared.address.base_url)
    warn(prepared.warnings)
    if prepared.cluster is not None:
        _print_cluster(prepared)
    for d in prepared.decisions:
        action = "skipped" if d.action == "skip" else d.action
        click.echo(f"{action:5}  {d.file}  {d.reason:16}  {d.episode.title}")
    building = len(prepared.decisions.to_build)
    click.echo(f"{building} of {plural(len(prepared.decisions), 'episode')} to build (dry run: nothing written)")
    _timings(prepared.timings)


def print_report(report, output: Path, progress: Progress) -> None:
    """Each episode built, kept or skipped (stdout), the removed ones, the totals, the page and feed."""
    if report.adopted:
        progress.note(f"moved {report.adopted} clips from {output / '.cache'} to {report.cache.root} "
                      f"(the cache is kept outside the output folder now)")
    _say_address(report.address.moved, report.address.kept and report.address.base_url)
    for episode in (*report.episodes, *report.skipped):
        why = f"  ({episode.reason})" if episode.action in ("built", "skipped") else ""
        click.echo(f"{episode.action:5}  {episode.file}  {duration(episode.duration)}  {episode.title}{why}")
    for name in report.removed:
        click.echo(f"removed  {output / name}")
    skipped = f"; {len(report.skipped)} skipped (not selected)" if report.skipped else ""
    click.echo(f"{plural(len(report.episodes), 'episode')}, {duration(report.duration)} in all "
               f"({plural(report.clips_synthesized, 'segment')} spoken, "
               + (f"{plural(report.clips_recited, 'recitation')} cut, " if report.clips_recited else "")
               + f"{report.clips_cached} from cache){skipped}")
    if report.site is not None:
        click.echo(f"page: {report.site}")
    click.echo(f"feed: {report.feed}")
    for book in report.audiobook:
        click.echo(f"audiobook: {book.path}  {duration(book.duration)}  {plural(book.chapters, 'chapter')}, "
                   f"{plural(book.episodes, 'episode')}{'' if book.written else ' (unchanged)'}")
    _timings(report.timings)
    if verbosity() > 0 and report.cache is not None:
        click.echo(f"cache: {report.cache.root} ({report.cache.why})", err=True)


def _say_address(moved, kept: str = "") -> None:
    """The base URL: a move (old -> new), or one kept from an earlier build."""
    if moved:
        click.echo(f"base URL: {moved[0]} -> {moved[1]} (the feed and page are rewritten; the MP3s are kept)",
                   err=True)
    elif kept:
        click.echo(f"base URL: {kept} (kept from the last build; --base-url to change)", err=True)


def _timings(timings: dict[str, float]) -> None:
    """With -v: how long each step of the build took (plan, decide, schedule, publish)."""
    if verbosity() > 0 and timings:
        click.echo("time: " + ", ".join(f"{step} {seconds:.2f} s" for step, seconds in timings.items()), err=True)


def _print_cluster(prepared) -> None:
    from hijra_audio.rebuild.cluster import describe

    def count(n: int, what: str) -> str:
        return f"{n} {what}{'' if n == 1 else 's'}"

    status = describe(prepared.cluster, prepared.show.engine_factory, prepared.identity)
    click.echo(f"cluster {status.where}: {count(len(status.workers), 'worker')}, {count(status.threads, 'thread')}")
    for worker in status.workers:
        name = f" ({worker.name})" if worker.name else ""
        click.echo(f"  {worker.address}{name}  {count(worker.threads, 'thread')}  "
                   f"{worker.problem or 'same versions'}")
    if status.problems:
        click.echo(f"  {len(status.problems)} workers differ from this machine: a build would stop before "
                   f"any task runs", err=True)
