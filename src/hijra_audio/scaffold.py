"""`hijra-audio init`: a commented `podcast.toml` that explains every field, to start a show.

The template loads as it is (every value is the default, or an example that works), so
`hijra-audio init && hijra-audio build lecture.txt` runs; tests check that every
field of ShowConfig is explained here.
"""

from __future__ import annotations

import dataclasses
import json
import textwrap
from pathlib import Path

from hijra_audio.config import BUNDLED_CONFIG
from hijra_audio.engines import EngineConfig
from hijra_audio.engines.piper import ARABIC_VOICE
from hijra_audio.errors import ConfigError

# The template's example values, which no show means to publish: `check` warns while they are left in.
PLACEHOLDERS = {
    "title": "اسم البرنامج",
    "description": "وصف قصير للبرنامج: موضوعه ومن يلقيه.",
}

# The three voices, in two lines (above [engine] in the template, and in the README).
VOICES = ('Three voices: "espeak", a robot voice, offline (the default); "gtts", Google\'s voice, online; and "piper",',
          f'a natural voice, offline after one download: `hijra-audio voices download {ARABIC_VOICE}`.')


def engine_table() -> str:
    """The template's `[engine]` table, written from the settings each engine declares (their
    docs are what `hijra-audio engines` says of them too)."""
    lines = [f"# {VOICES[0]}", f"# {VOICES[1]}", "[engine]"]
    for f in dataclasses.fields(EngineConfig):
        readers = f.metadata["engines"]
        doc = f.metadata["doc"]
        if len(readers) == 1:
            doc = f"{readers[0]}: {doc}"
        elif readers:
            doc = f"Each engine's own {f.name}; empty: its Arabic one. {doc}"
        else:
            doc = doc[0].upper() + doc[1:] + "."
        lines += textwrap.wrap(doc, 98, initial_indent="# ", subsequent_indent="# ")
        lines.append(f"{f.name} = {toml_value(f.default)}")
    return "\n".join(lines) + "\n"


def toml_value(value) -> str:
    """A default as podcast.toml writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


TEMPLATE = '''\
# podcast.toml: the show. Written by `hijra-audio init`; edit it, then, in this folder,
#   hijra-audio check      (what is left to fix before others subscribe)
#   hijra-audio build      (or: hijra-audio build NARRATION.txt; every command uses this file)
# Text values are in "double quotes"; true/false and numbers are bare. Lines starting with # are comments.

# --- What podcast apps and directories show ---------------------------------------------------

# The show's name. Never blank; left out, the show is named after this file's folder.
title = "اسم البرنامج"
# One short line under the title (itunes:subtitle). Optional.
subtitle = ""
# What the show is about: a few sentences (the feed keeps at most 4000 bytes).
description = "وصف قصير للبرنامج: موضوعه ومن يلقيه."
# Who speaks or made the show (itunes:author, and the artist tag of each MP3).
author = ""
# Language of the episodes, as a language code: "ar" for Arabic.
language = "ar"
# Copyright line shown by apps, e.g. "© 2026 Name". Optional.
copyright = ""
# Cover art: a square JPEG or PNG, 1400 to 3000 pixels a side. A file next to this one is copied
# into the output folder (as cover.jpg) and embedded in each MP3; a full https:// URL is linked
# as it is. Empty: a cover is made from the title.
image = ""
# Apple Podcasts category and subcategory (from Apple's list). Set subcategory = "" for none.
category = "Religion & Spirituality"
subcategory = "Islam"
# true only when episodes contain explicit content (itunes:explicit).
explicit = false
# "serial": episodes are meant to be heard in order, oldest first (a lecture series).
# "episodic": each stands alone and apps show the newest first.
type = "serial"
# What each episode's entry in the feed carries of its text. "short": its opening (a few
# sentences), its section headings, and links to its whole text on the show's page and to its
# timed transcript: about 3 KB an episode, so a long book's feed stays small (apps fetch all of
# it on every refresh, and some refuse a feed of a few MB). "full": the whole text, twice
# (description and show notes): for a small show only.
show_notes = "short"
# true once the show is finished and no episode will be added (a whole book read out): apps stop
# looking for new episodes (itunes:complete, podcast:updateFrequency complete="true").
complete = false
# true: the feed puts the episodes in seasons, one per top-level section of the narration (a line
# starting with "# "), named after its heading and numbered from 1 within it (itunes:season,
# podcast:season). Without "# " lines in the narration there are no seasons.
seasons = false

# --- Where it is published ---------------------------------------------------------------------

# The address the output folder is served from; every link in the feed starts with it. For a phone
# on your network, `hijra-audio serve --host 0.0.0.0` prints the address to put here (or pass it
# as `build --base-url`).
base_url = "http://127.0.0.1:8000/"
# The show's web site (the feed's <link>). Empty: base_url, where index.html is written.
link = ""
# podcast:locked: true asks other podcast hosts not to import this feed without the owner's
# consent (the owner email below proves who that is).
locked = true
# podcast:guid, the show's identity across moves. Empty: the one the show was first built with
# (kept in the output folder's manifest.json), else derived from the feed's URL, as the Podcasting
# 2.0 namespace defines (from the title while it is served from this machine or a home network).
# Once the show is public, write it here (`build --save` does) so it survives a move.
guid = ""

# --- How it is read and cut (the [owner], [audio], [engine] and [cluster] tables follow) ---------------------------------------------------------------------

# Narration files or folders, relative to this file: UTF-8 text (.txt; lines starting with "## "
# are headings) or transcripts (.srt, .vtt, Whisper's .json and .tsv; see docs/own-show.md).
# Leave empty and name the files on the command line instead.
narration = []
# Lexicon of corrections (wrong = right) and pronunciations (word ~ spoken), relative to this
# file; see docs/cleaning.md. Empty: none.
lexicon = ""
# Where the clip and plan caches are kept, relative to this file. Empty: .hijra-audio/cache
# beside this file. Never inside the output folder: the cache is not for publishing.
cache_dir = ""
# Target length of an episode, in minutes. Episodes break between sections or sentences near it.
episode_minutes = 10.0
# Speaking rate used to estimate lengths before any audio exists.
words_per_minute = 120.0
# Longest piece of text handed to the speech engine at once (at least 40).
max_segment_chars = 160
# An episode is titled by its first heading, or else by its opening words. true: those opening
# words come after "الحلقة N: ". Apple asks for no episode numbers in titles (apps number episodes
# from itunes:episode), so this is off.
numbered_titles = false

# Who directories contact about the show (itunes:owner; not shown to listeners).
[owner]
# The owner's name. Empty: author.
name = ""
# The owner's email. podcast:locked needs it: without it the feed leaves the lock out.
email = ""

# --- Tables: every key below a [table] line belongs to that table, so they come last. ---------

[audio]
# Silence between sentences, and before a new section, in milliseconds.
sentence_pause_ms = 450
section_pause_ms = 1200
# MP3 encoding: bit rate (kbit/s) and sample rate (Hz).
bitrate_kbps = 64
sample_rate = 44100
# 1: mono. 2: stereo, the same voice on both sides, for a host that asks for stereo (give it
# bitrate_kbps = 96 or more; loudness_lufs is then -16 unless set).
channels = 1
# Mastering of each whole episode: integrated loudness (LUFS, ITU-R BS.1770; the podcast norm is
# -19 for a mono file and -16 for stereo, since mono plays on both speakers), the
# true-peak ceiling (dBTP), and the level below which a clip's leading and trailing audio is
# trimmed before the pauses are added (dB; 0: keep it).
loudness_lufs = -19.0
true_peak_dbtp = -1.0
trim_silence_db = -50.0
# LAME's quality setting (-q): 0 is the slowest, 9 the fastest; for speech at 64 kbps, 5 leaves a
# little less coding noise than 2 in every band, in 0.83x its time; 7 takes half 5's time but
# scores lower in listening-test models (figures in docs/audio.md).
lame_quality = 5
# A recording every episode opens with, and one it ends with (a file relative to this one: MP3,
# WAV, FLAC or Ogg Vorbis; no music is bundled). Each is brought to the voice's loudness, with a
# section's pause between it and the voice; chapters and captions follow. "": none.
intro = ""
outro = ""

''' + engine_table() + '''
[quran]
# Who recites the Quran verses the narration quotes. A folder (relative to this file) of a
# reciter's recordings in the EveryAyah layout, one file per verse named by sura and verse
# (008030.mp3 is 8:30; MP3, WAV, FLAC or Ogg): each quotation matched with certainty is recited
# from them in place of the voice. "voice": the voice reads the verses. Empty: the voice reads them
# and `check` warns. The recordings are yours to supply: none ship with hijra-audio.
recitation = ""
# Whose recitation it is, and by whose permission: required with a folder; the show notes and the
# feed carry it, e.g. "التلاوة: الشيخ ... (بإذن ...)".
recitation_credit = ""
# Word timings of the recordings (cpfair/quran-align's JSON, relative to this file): a quotation
# of part of a verse is cut from its recording at the reciter's pauses. Empty: the whole verse.
recitation_timing = ""
# true: formulas a lecture says as speech (the basmala, the hamdala, إنا لله وإنا إليه راجعون ...)
# are recited too; false: the voice says them.
recite_formulas = false

[cluster]
# Build on a Dask cluster (pip install 'hijra-audio[cluster]'; see docs/cluster.md): the
# scheduler's address, tcp://HOST:8786 or tls://HOST:8786 (TLS settings come from
# Dask's own config). Empty: build on this machine. `build --scheduler` and the environment
# variable HIJRA_AUDIO_SCHEDULER override it.
scheduler = ""
# Or a scheduler file written by `dask scheduler --scheduler-file`, relative to this file.
scheduler_file = ""

[audiobook]
# The whole show as one audiobook file for audiobook players, OUTPUT/NAME.m4b: AAC-LC, a chapter
# per episode (and per section inside, while a file has at most 255), the title, author and
# cover (see docs/audio.md). true: every build writes it; `build --audiobook` writes it once.
write = false
# The file's name, without .m4b. Empty: the show's title.
name = ""
# AAC-LC bit rate (kbit/s), 24 to 320; 64 suits speech.
bitrate_kbps = 64
# Split a long book into this many files of about equal length, between episodes (some players
# struggle with a file of 40 hours): NAME-part1.m4b, NAME-part2.m4b ...
parts = 1
# true: a file per top-level section of the narration (a line starting with "# ") instead.
parts_by_section = false
'''


def write_template(folder: Path) -> Path:
    """Write `folder/podcast.toml` from the template; refuse to replace an existing file."""
    folder = Path(folder)
    path = folder / BUNDLED_CONFIG
    if path.exists():
        raise ConfigError(f"{path} already exists; not replacing it. Edit it, or run init in another folder.")
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{folder} is a file, not a folder. Give the folder to write podcast.toml into.")
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "xb") as handle:   # "x": never replaces a file made meanwhile
            handle.write(TEMPLATE.encode("utf-8"))
    except FileExistsError:
        raise ConfigError(f"{path} already exists; not replacing it.") from None
    return path
