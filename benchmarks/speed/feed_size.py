"""How large is a long book's feed per hour of audio, with each `show_notes` setting, and what
does `serve` send of it gzipped?

The feed (and the page) a build writes for FILE, computed without audio: the narration is planned
as a build plans it (cleaning, sections, episodes; default settings, titled after the file, as
`hijra-audio build FILE` does without a podcast.toml), each episode is recorded in a manifest as a
build records it (its guid, first date, text), with a sparse file of its estimated size in place of
its MP3 and empty captions and chapters beside it, and `publish.release.publish` writes the feed and
the page from that, as at the end of a build. Only the byte counts of enclosures and durations
differ from a real build's (their digits only).

Hours of audio: the plan's estimate (the words at `words_per_minute`, 120) is printed, and the
figures per hour are given against it, and against the real hours of a built show when `--hours`
gives them (a real espeak build: the Hijra chapters 1.31 h, the whole Sira 41.82 h; see
benchmarks/README.md, speed/regen). `show_notes = "full"` writes the feed byte for byte as every
build did before the setting (tests/test_feed.py), so it is the "before" figure.

Data: FILE(s), by default shared data/sira/ibnhisham-hijra.txt and ibnhisham-full.txt.

    .venv/bin/python -m benchmarks.speed.feed_size [FILE ...] [--hours H ...] [--episode-minutes M]
        [--base-url https://example.org/podcast/]
"""

from __future__ import annotations

import dataclasses
import gzip
import os
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks.common import argument_parser, existing, print_context, shared

KB = 1000


def planned(path: Path, episode_minutes: float | None, base_url: str):
    """The show `hijra-audio build FILE --base-url URL` builds, and its plan (no audio)."""
    from hijra_audio.plan import plan_files
    from hijra_audio.show import load_show

    config = load_show(None, (path,))
    config = dataclasses.replace(config, base_url=base_url,
                                 episode_minutes=episode_minutes or config.episode_minutes)
    started = time.perf_counter()
    plan = plan_files(config, (path,))
    return config, plan.episodes, time.perf_counter() - started


def fake_build(config, episodes, folder: Path):
    """The manifest and files a build leaves, with sparse files for MP3s; returns estimated seconds."""
    from hijra_audio.publish.feed import episode_guid
    from hijra_audio.publish.manifest import EpisodeEntry, Manifest
    from hijra_audio.publish.names import CHAPTERS_SUFFIX, VTT_SUFFIX, beside

    manifest = Manifest(folder)
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    total = 0.0
    for episode in episodes:
        seconds = episode.words / config.words_per_minute * 60
        total += seconds
        file = f"{episode.slug}.mp3"
        size = int(seconds * config.audio.bitrate_kbps * 1000 / 8)
        with open(folder / file, "wb") as handle:
            handle.truncate(size)                      # sparse: no disk used
        for suffix in (VTT_SUFFIX, CHAPTERS_SUFFIX):
            (folder / beside(file, suffix)).write_bytes(b"")
        manifest.episodes[episode.key] = EpisodeEntry(
            key=episode.key, number=episode.number, title=episode.title, file=file, bytes=size,
            duration=round(seconds, 3), guid=episode_guid(config, episode.key),
            pub_date=(now - timedelta(seconds=len(episodes) - episode.number)).isoformat(),
            hashes={}, clips=[], paragraphs=[list(p) for p in episode.paragraphs])
    return manifest, total


def measure(path: Path, real_hours: float | None, episode_minutes: float | None, base_url: str) -> None:
    from hijra_audio.publish.release import publish

    config, episodes, plan_seconds = planned(path, episode_minutes, base_url)
    print(f"{path.name}: {len(episodes)} episodes of {config.episode_minutes:g} min "
          f"(planned in {plan_seconds:.1f} s)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        manifest, seconds = fake_build(config, episodes, folder)
        estimated = seconds / 3600
        against = f"{estimated:.2f} h estimated" + (f", {real_hours:.2f} h built" if real_hours else "")
        print(f"  hours of audio: {against}")
        for notes in ("full", "short"):
            show = dataclasses.replace(config, show_notes=notes)
            started = time.perf_counter()
            published = publish(show, episodes, manifest, folder, now=datetime.now(timezone.utc))
            elapsed = time.perf_counter() - started
            data = published.feed.read_bytes()
            packed = len(gzip.compress(data, compresslevel=6, mtime=0))
            per_hour = f"{len(data) / KB / estimated:.1f} KB/h estimated"
            if real_hours:
                per_hour += f", {len(data) / KB / real_hours:.1f} KB/h built"
            setting = f'"{notes}"'
            print(f"  show_notes = {setting:7s} feed {len(data):>10,} B ({len(data) / len(episodes) / KB:.2f} KB "
                  f"an episode; {per_hour}); gzipped {packed:,} B ({packed / len(data):.0%}); "
                  f"page {os.path.getsize(published.site):,} B; feed and page written in {elapsed:.2f} s")


def main(argv: list[str] | None = None) -> None:
    parser = argument_parser(__doc__, __file__)
    parser.add_argument("files", nargs="*", type=Path, help="narration files (default: the Hijra chapters "
                                                            "and the whole Sira)")
    parser.add_argument("--hours", type=float, nargs="*", default=[],
                        help="the real hours of audio of each FILE's built show, in the same order")
    parser.add_argument("--episode-minutes", type=float, help="another episode_minutes than the default 10")
    parser.add_argument("--base-url", default="https://example.org/podcast/",
                        help="the address the feed's links start with (default: %(default)s)")
    args = parser.parse_args(argv)
    files = [existing(f) for f in args.files] or [shared("data", "sira", "ibnhisham-hijra.txt"),
                                                  shared("data", "sira", "ibnhisham-full.txt")]
    print_context()
    for index, path in enumerate(files):
        hours = args.hours[index] if index < len(args.hours) else None
        measure(path, hours, args.episode_minutes, args.base_url)


if __name__ == "__main__":
    main()
