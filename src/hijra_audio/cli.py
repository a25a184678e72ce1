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
@click.option("--voice", help="The engine's voice: espeak 'ar' or a variant like 'ar+m3'; gtts a language code; "
                              "piper the path of a .onnx voice. Overrides [engine] voice.")
@click.option("--rate", type=click.IntRange(min=0), help="espeak speaking rate in words per minute (80-450). "
                                                         "Overrides [engine] rate.")
def build(files, output, config_path, base_url, engine, jobs, quiet, voice, rate):
    """Build the podcast from narration FILES (UTF-8 text, or folders of .txt files).

    With no FILES, builds the narration the config names; with no config either, the bundled
    lecture. Lines starting with `## ` are headings: each opens a section. Only what changed since
    the last build into the same folder is redone.
    """
    from hijra_audio.pipeline import BuildRequest, build as run_build

    bars = _Bars(enabled=not quiet and sys.stderr.isatty())
    request = BuildRequest(inputs=tuple(files), output=output, config_path=config_path,
                           base_url=base_url, engine=engine, jobs=jobs, voice=voice, rate=rate)
    try:
        report = run_build(request, progress=bars)
    except HijraAudioError as exc:
        raise _fail(exc) from None
    finally:
        bars.close()
    for episode in report.episodes:
        click.echo(f"{episode.action:5}  {episode.file}  {_duration(episode.duration)}  {episode.title}")
    for name in report.removed:
        click.echo(f"removed  {output / name}")
    click.echo(f"{len(report.episodes)} episodes, {_duration(report.duration)} in all "
               f"({report.clips_synthesized} segments spoken, {report.clips_cached} from cache)")
    click.echo(f"feed: {report.feed}")


def _show_config(config_path, engine, voice, rate):
    from hijra_audio.config import load_config

    config = load_config(config_path)
    return config.with_overrides(engine_name=engine, engine_voice=voice, engine_rate=rate)


@main.command()
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="podcast.toml whose [engine] settings to use. Default: the bundled show.")
@click.option("--engine", type=click.Choice(sorted(ENGINES)), help="Which engine counts as chosen (default: the config's).")
@click.option("--voice", help="Voice for the chosen engine (overrides [engine] voice).")
def engines(config_path, engine, voice):
    """List the text-to-speech engines: whether each is usable here (and why not), its identity
    (what goes into the clip cache key) and its options ([engine] keys in podcast.toml)."""
    from hijra_audio.preview import engine_statuses

    try:
        statuses = engine_statuses(_show_config(config_path, engine, voice, None))
    except HijraAudioError as exc:
        raise _fail(exc) from None
    for status in statuses:
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
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="podcast.toml whose engine and audio settings to use. Default: the bundled show.")
@click.option("--engine", type=click.Choice(sorted(ENGINES)), help="Text-to-speech engine (default: from the config, else espeak).")
@click.option("--voice", help="The engine's voice (overrides [engine] voice), as for build.")
@click.option("--rate", type=click.IntRange(min=0), help="espeak speaking rate in words per minute (80-450).")
@click.option("--show-text", is_flag=True, help="Also print the exact text the engine received: after cleaning, "
                                                "then after the engine's own diacritization and pausal forms.")
def say(text, output, config_path, engine, voice, rate, show_text):
    """Speak TEXT into a short MP3 for a quick listen, through the same cleaning and engine as
    build. Use --show-text to see why a word is said the way it is."""
    from hijra_audio.preview import say as run_say

    try:
        config = _show_config(config_path, engine, voice, rate)
        report = run_say(config, text, output, show_text=show_text)
    except HijraAudioError as exc:
        raise _fail(exc) from None
    if show_text:
        for number, segment in enumerate(report.segments, start=1):
            click.echo(f"segment {number} cleaned:  {segment.text}")
            click.echo(f"segment {number} engine:   {segment.prepared}")
            for index, piece in enumerate(segment.requests, start=1):
                click.echo(f"segment {number} request {index}: {piece}")
            if segment.phonemes:
                click.echo(f"segment {number} phonemes: {segment.phonemes}")
    click.echo(f"{report.output}  {_duration(report.duration)}  ({report.engine.get('engine', '')})")
