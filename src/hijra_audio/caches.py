"""`hijra-audio cache info` and `cache prune`: what an output folder's cache holds, and what its
last build uses.

The cache of one output folder (`rebuild/location.py`) holds the spoken clips and, when an
audiobook was asked for, each episode's AAC (`publish/audiobook.py`). A clip is used when an
episode of the manifest is made of it; an AAC when the folder holds an audiobook and an episode of
the manifest, as it is now, at the show's audiobook bitrate, is encoded in it. `prune` deletes the
rest, and only ever this output folder's own files.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hijra_audio.errors import InputError
from hijra_audio.files import locked
from hijra_audio.publish import manifest as manifests
from hijra_audio.publish.audiobook import BOOK_SUFFIX
from hijra_audio.publish.manifest import Manifest
from hijra_audio.rebuild.cache import CacheReport, ClipCache
from hijra_audio.rebuild.decide import aac_name
from hijra_audio.rebuild.location import CacheLocation
from hijra_audio.show import Show

AAC_PATTERN = "*.m4a"


def cache_info(show: Show) -> CacheReport:
    """The cache of the show's output folder: where it is, its clips and AAC files, their size, and
    how many of them the episodes use. An output folder that does not exist is an error."""
    where = _cache_of(show)
    report = ClipCache(where.clips).report(show.manifest.clips())
    return _with_aac(report, where, _aac_used(show, show.manifest), why=where.why)


def cache_prune(show: Show) -> CacheReport:
    """Drop the clips and AAC files no episode of the last build into the show's output folder
    uses (its own cache only: no other show's or output folder's files are in it)."""
    where = _cache_of(show)
    if not where.root.is_dir():
        return cache_info(show)
    with locked(show.output):
        cache = ClipCache(where.clips)
        manifest = Manifest.load(show.output)
        if manifest.source == manifests.FEED_NAME:      # recovered: it does not know the clips
            raise InputError(f"{show.output}: {manifests.MANIFEST_NAME} is missing, so nothing says which clips "
                             f"its episodes use: build first (it records them again), then prune.")
        used = manifest.clips()
        removed, freed = cache.prune(used) if where.clips.is_dir() else (0, 0)
        aac_used = _aac_used(show, manifest)
        aac_removed = aac_freed = 0
        for path in _aac_files(where):
            if path.name not in aac_used:
                aac_freed += path.stat().st_size
                path.unlink(missing_ok=True)
                aac_removed += 1
        report = cache.report(used, removed, freed)
        return _with_aac(report, where, aac_used, aac_removed=aac_removed, aac_freed=aac_freed)


def _cache_of(show: Show) -> CacheLocation:
    if not show.output.is_dir():
        raise InputError(f"{show.output}: no such folder. Give the output folder of a build with -o "
                         f"(default: output).")
    return show.cache


def _aac_files(where: CacheLocation) -> list[Path]:
    return sorted(where.aac.glob(AAC_PATTERN)) if where.aac.is_dir() else []


def _aac_used(show: Show, manifest: Manifest) -> set[str]:
    """The AAC files the audiobook in the output folder is made of, as its episodes are now (none
    when there is no audiobook there: the AACs are kept only to join it again)."""
    if not any(show.output.glob(f"*{BOOK_SUFFIX}")):
        return set()
    kbps = show.own.audiobook.bitrate_kbps
    return {aac_name(entry.hashes, kbps) for entry in manifest.episodes.values()
            if {"text", "engine", "settings"} <= entry.hashes.keys()}


def _with_aac(report: CacheReport, where: CacheLocation, used: set[str], **more) -> CacheReport:
    files = _aac_files(where)
    return dataclasses.replace(report, aac=len(files), aac_bytes=sum(p.stat().st_size for p in files),
                               aac_used=sum(1 for p in files if p.name in used), **more)
