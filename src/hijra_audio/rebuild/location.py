"""Where a show's caches live (outside the folder that is published), and where its episodes
are built (this machine, or a Dask cluster: `target`).

The clip cache (every spoken segment) and the plan cache are large and private: they are kept in
a hidden folder beside the show's podcast.toml, `.hijra-audio/cache/`, as DVC keeps `.dvc/cache`
and pytest `.pytest_cache` beside the project they belong to (without a config file: beside the
output folder). Deleting the project deletes its cache; uploading the output folder never uploads
it. `--cache-dir` or `cache_dir` in podcast.toml name another folder.

Inside that folder each output folder has its own subfolder, named after it and keyed by its path
relative to the cache folder: two shows (or two output folders) sharing one cache folder never
mix clips, and `cache prune`, which keeps what one output folder's manifest uses, never deletes
another's. The key is relative, so moving the project with its cache keeps it. The manifest
records where its cache is, so `cache info -o OUTPUT` finds it without being told.

Builds before this kept the cache in `OUTPUT/.cache/`; a build moves those clips to the new place
instead of speaking them again (`adopt_legacy`).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from hijra_audio.config import ShowConfig
from hijra_audio.errors import ClusterError, InputError

CACHE_HOME = Path(".hijra-audio") / "cache"
LEGACY_DIR = ".cache"          # OUTPUT/.cache/clips and OUTPUT/.cache/plan, before
CLIPS = "clips"
PLAN = "plan"
AAC = "aac"                    # each episode's AAC, kept for the audiobook (publish/audiobook.py)
SCHEDULER_ENV = "HIJRA_AUDIO_SCHEDULER"


@dataclass(frozen=True)
class CacheLocation:
    root: Path        # this output folder's cache: clips/, plan/ and aac/ under it
    why: str          # how it was chosen, for `cache info`

    @property
    def clips(self) -> Path:
        return self.root / CLIPS

    @property
    def plan(self) -> Path:
        return self.root / PLAN

    @property
    def aac(self) -> Path:
        return self.root / AAC


def locate(output: Path, *, cache_dir: Path | None = None, config_cache_dir: Path | None = None,
           config_file: Path | None = None, recorded: str = "") -> CacheLocation:
    """The cache of `output`: under `cache_dir` (--cache-dir), else `config_cache_dir` (the config's
    `cache_dir`), else where the manifest says the last build kept it (`recorded`, relative to the
    output folder), else `.hijra-audio/cache` beside `config_file`, or beside the output folder."""
    output = Path(output)
    if cache_dir is not None:
        found = CacheLocation(_keyed(Path(cache_dir), output), f"--cache-dir {cache_dir}")
    elif config_cache_dir is not None:
        found = CacheLocation(_keyed(config_cache_dir, output), f"cache_dir in {config_file}")
    elif recorded and (output / recorded).is_dir():
        found = CacheLocation(Path(os.path.normpath(output / recorded)), f"recorded in {output}/manifest.json")
    elif config_file is not None:
        found = CacheLocation(_keyed(Path(config_file).parent / CACHE_HOME, output), f"beside {config_file}")
    else:
        found = CacheLocation(_keyed(output.parent / CACHE_HOME, output), f"beside {output}")
    inside = _resolved(output)
    if inside == _resolved(found.root) or inside in _resolved(found.root).parents:
        raise InputError(f"{found.root}: the cache would be inside the output folder {output}, and published "
                         f"with it. Give --cache-dir (or cache_dir in podcast.toml) a folder outside it.")
    return found


def relative_to_output(location: CacheLocation, output: Path) -> str:
    """The cache's path as the manifest records it: relative to the output folder."""
    return os.path.relpath(_resolved(location.root), _resolved(Path(output)))


def adopt_legacy(output: Path, location: CacheLocation) -> int:
    """Move the clips of the old layout (OUTPUT/.cache/clips) into `location`, so that they are
    reused, not spoken again, and drop the old plan cache; returns how many clips moved. Call it
    holding the output folder's lock."""
    legacy = Path(output) / LEGACY_DIR
    if not legacy.is_dir():
        return 0
    moved = 0
    for clip in sorted((legacy / CLIPS).glob("*/*.clip")):
        target = location.clips / clip.parent.name / clip.name
        if target.is_file():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(clip, target)          # the same file system: a rename, whole or not at all
        except OSError:
            tmp = target.with_name(f".{target.name}.tmp")
            shutil.copyfile(clip, tmp)        # another file system: copied beside, then renamed
            os.replace(tmp, target)
        moved += 1
    shutil.rmtree(legacy / CLIPS, ignore_errors=True)
    shutil.rmtree(legacy / PLAN, ignore_errors=True)
    try:
        legacy.rmdir()
    except OSError:
        pass                                   # something else is in it: left alone
    return moved


def _keyed(base: Path, output: Path) -> Path:
    """`base`'s subfolder for `output`: its name, and a hash of its path relative to `base`."""
    relative = os.path.relpath(_resolved(output), _resolved(base))
    name = re.sub(r"[^\w.-]+", "_", _resolved(output).name).strip("._") or "output"
    return base / f"{name}-{hashlib.sha256(relative.encode('utf-8')).hexdigest()[:12]}"


def _resolved(path: Path) -> Path:
    return Path(os.path.realpath(Path(path).expanduser()))


# --- Where the episodes are built -----------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """Where the scheduler is: an address (tcp:// or tls://) or a scheduler file."""

    address: str = ""
    scheduler_file: str = ""

    def __str__(self) -> str:
        return self.address or f"the scheduler in {self.scheduler_file}"


def target(scheduler: str | None, scheduler_file: Path | None, config: ShowConfig) -> Target | None:
    """The cluster a build runs on, None for this machine: the options, else HIJRA_AUDIO_SCHEDULER,
    else `[cluster]` in podcast.toml. Refuses an engine that must not run on several machines."""
    if scheduler and scheduler_file:
        raise ClusterError("give --scheduler or --scheduler-file, not both.")
    if scheduler or scheduler_file:
        chosen = Target(scheduler or "", str(scheduler_file or ""))
    elif os.environ.get(SCHEDULER_ENV, "").strip():
        chosen = Target(os.environ[SCHEDULER_ENV].strip())
    elif config.cluster.scheduler or config.cluster.scheduler_file:
        file = str(Path(config.root) / config.cluster.scheduler_file) if config.cluster.scheduler_file else ""
        chosen = Target(config.cluster.scheduler if not file else "", file)
    else:
        return None
    if chosen.address and "://" not in chosen.address:
        chosen = Target(f"tcp://{chosen.address}")
    if chosen.address and not chosen.address.startswith(("tcp://", "tls://", "inproc://")):
        raise ClusterError(f"scheduler address {chosen.address!r}: use tcp://HOST:8786, or tls://HOST:8786 "
                           f"with Dask's TLS settings (see docs/cluster.md).")
    if chosen.scheduler_file and not Path(chosen.scheduler_file).is_file():
        raise ClusterError(f"{chosen.scheduler_file}: no such scheduler file. Start the scheduler with "
                           f"`dask scheduler --scheduler-file {chosen.scheduler_file}`, or give its address "
                           f"with --scheduler tcp://HOST:8786.")
    if config.engine.name == "gtts":
        raise ClusterError("the gtts engine cannot build on a cluster: its rate limit (requests_per_second) "
                           "holds per machine, so N machines would send Google N times the rate and be "
                           "blocked. Build it on one machine (without --scheduler), or use espeak or piper.")
    return chosen
