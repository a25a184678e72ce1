"""Narration -> cleaned text -> episodes and segments: the plan of a show.

`plan(config, narrations)` takes narration values (`sources.Narration`: read from files by
`read_narrations`, or given as they are, as `say` gives its sentence), cleans each one, cuts it into
sections and the show into episodes and segments. What planning has to say about the inputs that
is not an error (a lexicon entry that never matched) comes back as warnings in the plan, as data.

`plan_cached` is what a build uses: the plan is kept in the plan cache under a hash of everything
it is made from (the narration, the lexicon, the settings and the planning code itself), so a
rebuild of an unchanged book skips reading, cleaning and cutting it; and a large narration is
planned in a process of its own, so that the parent gives back all the memory cleaning a book took.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import pickle
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from hijra_audio import config as config_module
from hijra_audio import episodes as episodes_module
from hijra_audio import sources, text
from hijra_audio.config import ShowConfig
from hijra_audio.episodes import Episode, plan_episodes, sections_from_cleaned
from hijra_audio.errors import HijraAudioError, InputError
from hijra_audio.files import atomic_write
from hijra_audio.sources import Narration
from hijra_audio.text import diacritizer

# The modules whose code decides the plan (a package stands for all its modules): a change to any
# of them plans again. Derived from the modules themselves, so that a move cannot leave one out.
# The hamza rule reads the diacritizer's letters (text/diacritizer.py), so the model's version
# shapes the plan too.
PLANNING_MODULES = (sources, text, episodes_module, config_module, sys.modules[__name__])

# Narration larger than this is planned in a process of its own. Cleaning a whole book leaves the
# parent's heap fragmented: 145 MB resident for 20 MB of plan after the Sira's 288k words, held
# all through the build beside the workers. A process that ends gives all of it back. Smaller
# narration is planned in place: a process costs about 0.4 s to start.
PLAN_APART_BYTES = 1_000_000


@dataclass(frozen=True)
class Plan:
    episodes: tuple[Episode, ...]
    warnings: tuple[str, ...] = field(default=())    # e.g. lexicon entries that never matched


def load_lexicon(config: ShowConfig, path: Path | None = None) -> text.Lexicon:
    """The lexicon named by `path`, else by the config's `lexicon` key, else an empty one."""
    path = path or config.lexicon_path()
    return text.Lexicon.load(path) if path else text.Lexicon()


def read_narrations(config: ShowConfig, inputs: tuple[Path, ...] = ()) -> list[Narration]:
    """The narration files given (folders stand for their .txt files), else the config's, read
    and checked."""
    paths = list(inputs) or config.narration_paths()
    if not paths:
        raise InputError("no narration given: name FILE(s), or list them as narration = [...] in podcast.toml.")
    return sources.read_all(paths)


def clean_all(narrations: list[Narration], lexicon: text.Lexicon) -> tuple[list[text.Cleaned], tuple[str, ...]]:
    """Each narration cleaned, and the warnings: lexicon entries that match none of them."""
    cleaned = [text.clean_text(n.text, lexicon, source=n.name) for n in narrations]
    unused = set.intersection(*(set(c.lexicon_unused) for c in cleaned)) if cleaned else set()
    if not unused or not lexicon.entries:
        return cleaned, ()
    lines = sorted(unused, key=lambda u: int(u.split(":")[0].split()[1]))
    return cleaned, (f"{lexicon.path}: {len(lines)} entr{'y' if len(lines) == 1 else 'ies'} never matched "
                     f"the narration ({'; '.join(lines)}). Check their spelling or remove them.",)


def plan(config: ShowConfig, narrations: list[Narration], lexicon: text.Lexicon | None = None) -> Plan:
    """Clean the narrations and cut them into episodes and segments."""
    lexicon = lexicon if lexicon is not None else load_lexicon(config)
    cleaned, warnings = clean_all(narrations, lexicon)
    sections = []
    for one, narration in zip(cleaned, narrations):
        found = sections_from_cleaned(one, source=narration.name)
        if not any(s.text or s.heading for s in found):
            raise InputError(f"{narration.name}: nothing left to speak after cleaning. Check the file's text.")
        sections.extend(found)
    episodes = plan_episodes(sections, episode_minutes=config.episode_minutes,
                             words_per_minute=config.words_per_minute,
                             max_segment_chars=config.max_segment_chars,
                             numbered_titles=config.numbered_titles)
    return Plan(tuple(episodes), warnings)


def plan_files(config: ShowConfig, inputs: tuple[Path, ...] = ()) -> Plan:
    """`plan` of the narration files given, else the config's."""
    return plan(config, read_narrations(config, inputs))


# --- The plan cache ---------------------------------------------------------------------------------

class PlanCache:
    """The plan of a show, kept under a hash of everything planning reads. One entry is kept."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def get(self, key: str) -> Plan | None:
        path = self.root / f"{key}.pickle"
        try:
            value = pickle.loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except Exception:            # a damaged or outdated entry is dropped and planned again
            path.unlink(missing_ok=True)
            return None
        return value if isinstance(value, Plan) else None

    def put(self, key: str, value: Plan) -> None:
        atomic_write(self.root / f"{key}.pickle", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        for old in self.root.glob("*.pickle"):
            if old.stem != key:
                old.unlink(missing_ok=True)


def plan_cached(config: ShowConfig, inputs: tuple[Path, ...], cache_dir: Path,
                meanwhile: Callable[[], None] | None = None) -> tuple[Plan, Callable[[], None]]:
    """`plan_files()`, reused from the plan cache in `cache_dir` when nothing it reads has changed.
    Returns the plan and a function that stores a fresh plan (called once the build is sure).
    `meanwhile` is called just before a narration small enough to plan in this process is
    planned (the build starts its workers then: they load their models while this one plans;
    a large one is planned in a process of its own, and the workers wait for its memory to go)."""
    try:
        key = plan_key(config, inputs)
    except (OSError, HijraAudioError):
        key = None                      # planning itself says what is wrong with the inputs
    cache = PlanCache(cache_dir)
    if key is not None:
        found = cache.get(key)
        if found is not None:
            return found, lambda: None
    large = _narration_bytes(config, inputs) > PLAN_APART_BYTES
    if not large and meanwhile is not None:
        meanwhile()
    made = _plan_apart(config, inputs) if large else plan_files(config, inputs)
    return made, (lambda: cache.put(key, made)) if key is not None else (lambda: None)


def planning_sources() -> list[Path]:
    """The source files of the planning code, in a fixed order."""
    files: list[Path] = []
    for module in PLANNING_MODULES:
        path = Path(module.__file__)
        files.extend(sorted(path.parent.rglob("*.py")) if path.name == "__init__.py" else [path])
    return files


def plan_key(config: ShowConfig, inputs: tuple[Path, ...]) -> str:
    digest = hashlib.sha256()
    for path in planning_sources():
        digest.update(path.read_bytes())
    # [quran] decides who recites, never what is planned: another reciter plans nothing again
    planned = dataclasses.replace(config, quran=config_module.QuranConfig())
    digest.update(json.dumps(asdict(planned), ensure_ascii=False, sort_keys=True, default=str).encode())
    digest.update(f"diacritizer {_version('text2tashkeel')}/{diacritizer.SPELLING_MODEL}\n".encode())
    for path in sources.expand(list(inputs) or config.narration_paths()):
        digest.update(str(path).encode() + b"\0" + path.read_bytes())
    lexicon = config.lexicon_path()
    if lexicon is not None and lexicon.is_file():
        digest.update(lexicon.read_bytes())
    return digest.hexdigest()


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return ""


def _narration_bytes(config: ShowConfig, inputs: tuple[Path, ...]) -> int:
    try:
        return sum(path.stat().st_size for path in sources.expand(list(inputs) or config.narration_paths()))
    except (OSError, HijraAudioError):
        return 0                        # planning itself says what is wrong with the inputs


def _plan_apart(config: ShowConfig, inputs: tuple[Path, ...]) -> Plan:
    """`plan_files()` in a spawned process; its errors are raised here."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(plan_files, config, inputs).result()
