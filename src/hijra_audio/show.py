"""The show a command works on, resolved once.

A command says which podcast.toml (`console.discover_config`: -c FILE, else ./podcast.toml, else
none), the narration files, the output folder and its overrides (engine, voice, rate, base URL,
cache folder, cluster) in a `ShowRequest`; `resolve` turns it into a `Show`, in one place: the
show's settings with those overrides (`own`), the engine that speaks it, and, for its output
folder, where it is published (base URL and podcast:guid, kept in the manifest: `address`), its
settings as published (`config`), where its caches are (`cache`) and where its episodes are built
(`cluster`). `build`, `check`, `say`, `engines`, `clean` and `cache` all start from it. Each part
is worked out when first asked, once: `say` never reads a manifest, `check` never an engine.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from hijra_audio.config import ShowConfig, bundled_config_path, check_quran, load_config
from hijra_audio.engines import create_engine
from hijra_audio.engines.base import Engine
from hijra_audio.errors import ManifestError
from hijra_audio.publish import address as addresses
from hijra_audio.publish.check import check_feed, check_show
from hijra_audio.publish.manifest import Manifest
from hijra_audio.publish.names import FEED_NAME
from hijra_audio.rebuild import location as locations


@dataclass(frozen=True)
class ShowRequest:
    """What a command says about the show; None: not given (the config's, else the default)."""

    config_path: Path | None = None        # the show's podcast.toml; None: the bundled show (or, with
                                           # narration files, the default settings)
    inputs: tuple[Path, ...] = ()          # narration files or folders; empty: the config's narration
    output: Path = Path("output")
    base_url: str | None = None
    engine: str | None = None
    voice: str | None = None               # overrides [engine] voice
    rate: int | None = None                # overrides [engine] rate
    scheduler: str | None = None           # a Dask scheduler's address: build on that cluster
    scheduler_file: Path | None = None     # or its scheduler file (see rebuild/cluster.py)
    cache_dir: Path | None = None          # overrides cache_dir in the config (rebuild/location.py)
    engine_factory: Callable[[], Engine] | None = None   # another engine (tests give a fake one)
    recitation: dict[str, str] | None = None   # overrides [quran] recitation, recitation_credit, recitation_timing


@dataclass(frozen=True)
class Show:
    request: ShowRequest
    own: ShowConfig                        # the show's settings, with the request's engine overrides
    engine_factory: Callable[[], Engine]   # builds the engine (in each worker process)

    @property
    def output(self) -> Path:
        return Path(self.request.output)

    @property
    def has_file(self) -> bool:
        """False for narration built without any podcast.toml (the default settings)."""
        return self.request.config_path is not None or not self.request.inputs

    @cached_property
    def manifest(self) -> Manifest:
        """What the last build into the output folder recorded (empty when there was none)."""
        return Manifest.load(self.output)

    @cached_property
    def address(self) -> addresses.Address:
        """Where the show is published and its podcast:guid (`publish.address`)."""
        return addresses.resolve(self.own, self.request.base_url, self.manifest.show)

    @cached_property
    def config(self) -> ShowConfig:
        """The show's settings as published: at its address, with its guid."""
        return addresses.apply(self.own, self.address)

    @cached_property
    def cache(self) -> locations.CacheLocation:
        """Where the clip and plan caches of the output folder are (`rebuild.location`)."""
        config_file = self.request.config_path
        if config_file is not None and Path(config_file).resolve() == bundled_config_path().resolve():
            config_file = None      # the bundled show's folder is the package's: beside the output instead
        return locations.locate(self.output, cache_dir=self.request.cache_dir,
                                config_cache_dir=self.own.cache_dir_path(), config_file=config_file,
                                recorded=self.manifest.cache)

    @cached_property
    def cluster(self) -> locations.Target | None:
        """The Dask cluster the episodes are built on; None: this machine."""
        return locations.target(self.request.scheduler, self.request.scheduler_file, self.own)

    def warnings(self, feed: bool = True) -> tuple[str, ...]:
        """What to fix before others subscribe (`publish.check`), for the show at its address and,
        unless `feed` is False, for the feed built in its output folder."""
        try:
            address, unreadable = self.address, ()
        except ManifestError as exc:     # `check` says so and goes on; a build stops on it (`prepare`)
            address, unreadable = addresses.resolve(self.own, self.request.base_url, {}), (str(exc),)
        found = unreadable + check_show(self.own, address, has_file=self.has_file)
        return found + (check_feed(self.own, self.output / FEED_NAME) if feed else ())


def resolve(request: ShowRequest) -> Show:
    """The show `request` names: its settings read once, with the overrides, and its engine."""
    own = load_show(request.config_path, tuple(request.inputs)).with_overrides(
        engine_name=request.engine, engine_voice=request.voice, engine_rate=request.rate)
    if request.recitation:
        own = dataclasses.replace(own, quran=dataclasses.replace(own.quran, **request.recitation))
        check_quran(own.quran, "the command line")
    factory = request.engine_factory or functools.partial(create_engine, own.engine,
                                                          sample_rate=own.audio.sample_rate)
    return Show(request, own, factory)


def load_show(config_path: Path | None = None, inputs: tuple[Path, ...] = ()) -> ShowConfig:
    """The show's settings: the config named, or the bundled show's when neither a config nor
    narration files are given; narration without a config gets the defaults, titled after its
    first file or folder (`show_title`)."""
    if config_path is None and inputs:
        return ShowConfig(title=show_title(Path(inputs[0])), root=str(Path.cwd()))
    return load_config(config_path)


def show_title(path: Path) -> str:
    """The title of a show without a config: its file's name without the extension, or its
    folder's name, as written (`.` is the folder's own name)."""
    path = Path(path)
    name = path.stem if path.is_file() or (path.suffix and not path.is_dir()) else path.resolve().name
    return name.strip() or ShowConfig.title
