"""What the benchmarks share: where things are, timing, the bundled show's speech, the context line.

Every benchmark runs from the repository's root as a module, with the project's venv:

    .venv/bin/python -m benchmarks.<kind>.<script> --help

This module imports nothing of hijra_audio at its top (the scoring step of
quality/lame_quality_mos.py runs in a venv without it); the two functions that need the package
import it inside.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WALL, CPU = time.perf_counter, time.process_time
MB = 1e6
SAMPLE_RATE = 44100                      # the rate the audio benchmarks speak and encode at


# --- paths ------------------------------------------------------------------------------------------

def shared_candidates() -> tuple[Path, ...]:
    """Where the read-only shared data folder is looked for: `shared` beside the repository (as
    the tests look for it), and for a git worktree, beside the main checkout it belongs to."""
    places = [REPO.parent / "shared"]
    dot_git = REPO / ".git"
    if dot_git.is_file():                # a worktree: ".git" names its folder inside the main .git
        gitdir = REPO / dot_git.read_text(encoding="utf-8").split("gitdir:", 1)[-1].strip()
        common = gitdir / "commondir"
        main_git = (gitdir / common.read_text(encoding="utf-8").strip()).resolve() if common.is_file() else None
        if main_git is not None and main_git.parent.parent / "shared" not in places:
            places.append(main_git.parent.parent / "shared")
    return tuple(places)


@functools.cache
def shared_folder() -> Path | None:
    """The shared data folder (found once), or None when it is in none of `shared_candidates`."""
    return next((place for place in shared_candidates() if place.is_dir()), None)


def find_shared(*parts: str) -> Path | None:
    """A file or folder of the shared data (`find_shared("data", "sira")`), or None when absent."""
    root = shared_folder()
    path = root.joinpath(*parts) if root else None
    return path if path is not None and path.exists() else None


def absent(*parts: str) -> str:
    """What to say when shared data is missing: what, where it was looked for, and the fix."""
    places = " or ".join(str(place.joinpath(*parts)) for place in shared_candidates())
    return (f"{'/'.join(parts) or 'the shared data folder'} is not here (looked for {places}): this benchmark "
            f"reads the read-only shared data folder; put it beside the repository (CI has it) and run again")


def shared(*parts: str) -> Path:
    """A file or folder of the shared data (`shared("data", "sira", "ibnhisham-full.txt")`); when it
    is absent, exit with a message saying what is missing and where it was looked for."""
    path = find_shared(*parts)
    if path is None:
        raise SystemExit(absent(*parts))
    return path


def existing(path: Path) -> Path:
    """`path` when it is a file; else exit with a message naming it."""
    if not Path(path).is_file():
        raise SystemExit(f"{path}: no such file")
    return Path(path)


def bundled(name: str) -> Path:
    """A file the package ships in hijra_audio/data (the lecture, its lexicon, the show's config)."""
    return Path(str(resources.files("hijra_audio") / "data" / name))


def venv_tool(name: str) -> Path:
    """A command installed beside this Python (`hijra-audio`, `dask`); exit when it is not there."""
    path = Path(sys.executable).parent / name
    if not path.is_file():
        raise SystemExit(f"{path} is not here: run the benchmark with the project's venv "
                         f"(.venv/bin/python -m benchmarks...) after `bash scripts/setup.sh test`")
    return path


# --- command line -----------------------------------------------------------------------------------

def argument_parser(doc: str, file: str) -> argparse.ArgumentParser:
    """The script's parser: its --help prints the module's docstring whole (what it measures, the
    data it needs, the command) under the `python -m` name it runs by."""
    module = ".".join(Path(file).resolve().relative_to(REPO).with_suffix("").parts)
    return argparse.ArgumentParser(prog=f"python -m {module}", description=doc,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)


def context(code: Path = REPO) -> str:
    """One line of where the figures come from: the commit of the code measured (this repository,
    or the checkout `code` is in) and the machine (its cores and their load: it is often shared)."""
    return (f"# code {_commit(Path(code))}; {_cpu()}, {os.cpu_count()} cores, load "
            f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}; Python {platform.python_version()}")


def print_context(code: Path = REPO) -> None:
    print(context(code), flush=True)


def _commit(code: Path) -> str:
    def git(folder: Path, *args: str) -> str:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=10,
                              check=True).stdout.strip()
    try:
        top = Path(git(code, "rev-parse", "--show-toplevel"))
        head = git(top, "rev-parse", "--short", "HEAD")
        changed = git(top, "status", "--porcelain", "--", "src", "benchmarks")
    except (OSError, subprocess.SubprocessError):
        return f"of {code}, at an unknown commit (not a git checkout)"
    return (f"of {top} at {head}" + (" with uncommitted changes in src/ or benchmarks/" if changed else ""))


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


# --- timing -----------------------------------------------------------------------------------------

def clocked(fn: Callable[[], object], clock: Callable[[], float] = WALL) -> Callable[[], float]:
    """A case for `alternate`: one call of `fn`, returning its seconds by `clock`."""
    def case() -> float:
        start = clock()
        fn()
        return clock() - start
    return case


def timed(fn: Callable[[], object], runs: int = 5, clock: Callable[[], float] = WALL) -> tuple[float, object]:
    """Median time of `runs` calls of `fn` (wall time; `clock=CPU`: this process's CPU time,
    steadier on a shared machine), and the last call's result."""
    times, result = [], None
    for _ in range(runs):
        start = clock()
        result = fn()
        times.append(clock() - start)
    return statistics.median(times), result


def alternate(cases: Mapping[str, Callable[[], float]], runs: int) -> dict[str, list[float]]:
    """Each case's seconds in `runs` rounds, every round calling the cases one after the other in
    their order, so that a busy spell of a shared machine weighs on all of them alike. A case times
    itself (returns its seconds); `clocked` makes one of a plain function."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, case in cases.items():
            times[name].append(case())
    return times


def medians(times: Mapping[str, Sequence[float]]) -> dict[str, float]:
    return {name: statistics.median(values) for name, values in times.items()}


def hours(samples: int, rate: int = SAMPLE_RATE) -> float:
    """Hours of audio in `samples` samples: the audio benchmarks give seconds per hour of audio."""
    return samples / rate / 3600


def per_run(values: Sequence[float]) -> str:
    """`1.29, 1.34, 1.60`: figures of each run, as the benchmarks print ratios beside their median."""
    return ", ".join(f"{v:.2f}" for v in values)


# --- the show's speech ------------------------------------------------------------------------------

def spoken_texts(config, inputs: tuple[Path, ...] = ()) -> list[str]:
    """The exact text the build of `inputs` (none: the config's narration) hands the engine, one
    item a segment."""
    from hijra_audio.plan import plan_files

    return [s.speech for e in plan_files(config, inputs).episodes for s in e.segments]


def speech(minutes: float, inputs: tuple[Path, ...] = ()):
    """`minutes` of espeak-ng speech of the bundled show (or of the narration files `inputs`, with
    the bundled show's settings), joined with pauses as an episode is, at 44.1 kHz, repeated when
    shorter: a numpy int16 array."""
    import numpy as np

    from hijra_audio.audio import meter, render
    from hijra_audio.config import load_config
    from hijra_audio.engines import create_engine

    config = load_config()
    engine = create_engine(config.engine)
    clips = [engine.synthesize(text) for text in spoken_texts(config, inputs)]
    with meter.PcmFile() as joined:
        render.join(joined, clips, [450] * len(clips), SAMPLE_RATE, config.audio.trim_silence_db)
        pcm = joined.read(0, joined.size).copy()
    repeat = int(np.ceil(minutes * 60 * SAMPLE_RATE / pcm.size))
    return np.tile(pcm, repeat)[:int(minutes * 60 * SAMPLE_RATE)]
