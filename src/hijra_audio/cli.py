"""The command line (Click only): parse options, call the pipeline, print results, map errors to
exit codes (1 for a library error, 2 for a usage error). Results go to stdout; progress and logs
to stderr.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from hijra_audio import __version__
from hijra_audio.engines import ENGINES
from hijra_audio.errors import HijraAudioError


def _fail(exc: HijraAudioError) -> click.ClickException:
    return click.ClickException(str(exc))


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class _Bars:
    """Progress bars on stderr, one per stage; silent when stderr is not a terminal or --quiet."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bars: dict[str, object] = {}
        self.done: dict[str, int] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        bar = self.bars.get(stage)
        if bar is None:
            label = {"segments": "speaking segments", "episodes": "writing episodes"}.get(stage, stage)
            bar = click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True)
            bar.__enter__()
            self.bars[stage] = bar
            self.done[stage] = 0
        bar.update(done - self.done[stage])
        self.done[stage] = done

    def close(self) -> None:
        for bar in self.bars.values():
            bar.__exit__(None, None, None)


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
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The show's podcast.toml (title, author, base URL, episode length...). "
                   "Default: the bundled show.")
@click.option("--base-url", help="Address the output folder is served from; the feed's links start with it.")
@click.option("--engine", type=click.Choice(sorted(ENGINES)), help="Text-to-speech engine (default: from the config, else espeak).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default=True,
              help="Worker processes for synthesis.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars, only the results.")
def build(files, output, config_path, base_url, engine, jobs, quiet):
    """Build the podcast from narration FILES (UTF-8 text, or folders of .txt files).

    With no FILES, builds the narration the config names; with no config either, the bundled
    lecture. Lines starting with `## ` are headings: each opens a section. Only what changed since
    the last build into the same folder is redone.
    """
    from hijra_audio.pipeline import BuildRequest, build as run_build

    bars = _Bars(enabled=not quiet and sys.stderr.isatty())
    request = BuildRequest(inputs=tuple(files), output=output, config_path=config_path,
                           base_url=base_url, engine=engine, jobs=jobs)
    import warnings

    from hijra_audio.errors import LexiconWarning

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", LexiconWarning)
            report = run_build(request, progress=bars)
    except HijraAudioError as exc:
        raise _fail(exc) from None
    finally:
        bars.close()
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    for episode in report.episodes:
        click.echo(f"{episode.action:5}  {episode.file}  {_duration(episode.duration)}  {episode.title}")
    for name in report.removed:
        click.echo(f"removed  {output / name}")
    click.echo(f"{len(report.episodes)} episodes, {_duration(report.duration)} in all "
               f"({report.clips_synthesized} segments spoken, {report.clips_cached} from cache)")
    click.echo(f"feed: {report.feed}")


@main.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--diff", "show_diff", is_flag=True,
              help="List every change instead of the text: line:word, rule, before -> after; "
                   "then the count of changes per rule.")
@click.option("--speech", is_flag=True,
              help="Print the speech form (what the engine is given) instead of the display form; "
                   "with --diff, list the speech-only changes too.")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The show's podcast.toml, for its lexicon. Default: the bundled show.")
@click.option("--lexicon", "lexicon_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A lexicon file to use instead of the one podcast.toml names.")
def clean(file, show_diff, speech, config_path, lexicon_path):
    """Print the cleaned narration of FILE, as `build` would speak it.

    Cleaning normalizes the text, applies the lexicon's corrections, marks Quran quotations
    as ﴿...﴾ [sura:aya] with the canonical verse, removes disfluencies (fillers, broken-off
    letters, repetitions, self-repairs) and adds punctuation. --diff shows what changed and why.
    """
    import warnings

    from hijra_audio.config import load_config
    from hijra_audio.errors import LexiconWarning
    from hijra_audio.pipeline import clean_all, load_lexicon

    if file.is_dir():
        raise click.UsageError(f"{file}: give one narration file, not a folder.")
    try:
        config = load_config(config_path)
        lexicon = load_lexicon(config, lexicon_path)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", LexiconWarning)
            [(cleaned, _narration)] = clean_all(config, [file], lexicon)
    except HijraAudioError as exc:
        raise _fail(exc) from None
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
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
