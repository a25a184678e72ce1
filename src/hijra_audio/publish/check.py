"""What a publisher should fix before others subscribe: `hijra-audio check`, and the same warnings
at the end of every build. Returned as data (one line each, naming the key and the fix); never
printed here and never an error: a warning does not stop a build (`check --strict` makes them
fail a CI job).

- placeholder text that `init` wrote and nobody replaced;
- `locked = true` without an owner email: Podcasting 2.0 readers ignore a `podcast:locked` without
  its `owner`, so the feed leaves the lock out until there is one;
- a base URL that only this machine can reach, in a show of the user's own;
- a `podcast:guid` that is not in podcast.toml (derived, or kept only in the output folder's
  manifest): a show that moves or is built elsewhere must keep it;
- a cover directories would refuse (checked again here, so `check` reports it as a warning);
- descriptions over Apple's limits, which the feed has to cut;
- (`check_feed`) a built feed over 1 MB, or over what a named podcast client is known to refuse,
  with the setting that made it so.
- the voice reading the Quran because `[quran] recitation` is not set, or a reciter's recordings
  about to be published (their rights holder must agree).
"""

from __future__ import annotations

from pathlib import Path

from hijra_audio.config import MONO_LUFS, STEREO_LUFS, ShowConfig, is_bundled
from hijra_audio.errors import ConfigError
from hijra_audio.publish import cover
from hijra_audio.publish.address import Address, local_kind
from hijra_audio.publish.feed import DESCRIPTION_LIMIT
from hijra_audio.scaffold import PLACEHOLDERS

SUBTITLE_LIMIT = 255          # characters: what Apple Podcasts shows of itunes:subtitle
FEED_LIMIT = 1_000_000        # bytes: every app fetches the whole feed on each refresh; proxies and
                              # some apps give up on larger feeds
# Feed sizes named clients are known to refuse: (client, bytes, where that is recorded), smallest
# first. goread reads at most 1<<21 bytes of a feed; Pocket Casts refused feeds of 3 MB and more.
CLIENT_LIMITS = (
    ("goread", 2 * 1024 * 1024, "goread issue 343"),
    ("Pocket Casts", 3_000_000, "MinusPod issue 67"),
)


def check_show(config: ShowConfig, address: Address, has_file: bool = True) -> tuple[str, ...]:
    """The warnings for `config` (the show's own settings) published at `address`; `has_file`:
    False for narration built without any podcast.toml (default settings)."""
    own = not is_bundled(config)
    found: list[str] = []
    if not has_file:
        found.append("no podcast.toml: the show has the default settings and no author, owner or "
                     "description. `hijra-audio init` writes one to fill in (the keys below are its keys).")
    for key, placeholder in PLACEHOLDERS.items():
        if getattr(config, key).strip() == placeholder:
            found.append(f"{key} is still init's example ({placeholder!r}): it would go into the feed, the "
                         f"tags and the page. Write the show's own {key} in podcast.toml.")
    for key in ("intro", "outro"):
        name = getattr(config.audio, key)
        if name and not (Path(config.root or ".") / name).is_file():
            found.append(f"[audio] {key} = {name!r}: no such file ({Path(config.root or '.') / name}): a build stops "
                         f"on it. Put the recording there, fix the path (relative to podcast.toml), or remove the line.")
    if config.locked and not config.owner.email.strip():
        found.append("locked = true but [owner] email is empty: podcast apps ignore podcast:locked without "
                     "its owner, so the feed leaves the lock out. Set email under [owner] in podcast.toml "
                     "(or locked = false).")
    if own and local_kind(address.base_url) == "loopback":
        found.append(f"the base URL {address.base_url} is this machine only: no phone or other listener can "
                     f"fetch the episodes. Build with --base-url set to the address you serve from "
                     f"(`hijra-audio serve --host 0.0.0.0` prints the one for your network).")
    if own and address.guid_from != "config":
        source = {"kept": "kept from the first build in this output folder",
                  "address": "derived from the feed's address",
                  "title": "derived from the title"}[address.guid_from]
        found.append(f"podcast:guid is {address.guid} ({source}), not set in podcast.toml: once the show is "
                     f"public, add guid = \"{address.guid}\" to podcast.toml (or build with --save) so that "
                     f"a move or a rename keeps it the same show for apps.")
    if config.audio.channels == 2 and config.audio.loudness_lufs == MONO_LUFS:
        found.append(f"[audio] channels = 2 with loudness_lufs = {MONO_LUFS:g}: that is the mono norm, and the "
                     f"stereo episodes will sound 3 dB quieter than other podcasts. Set loudness_lufs = "
                     f"{STEREO_LUFS:g} (or remove it: with channels = 2 it is the default).")
    found.extend(recitation_warnings(config))
    path = cover.image_path(config)
    if path is not None:
        try:
            cover.check_image(path)
        except ConfigError as exc:
            found.append(str(exc))
    size = len(config.description.encode("utf-8"))
    if size > DESCRIPTION_LIMIT:
        found.append(f"description is {size} bytes; Apple Podcasts takes {DESCRIPTION_LIMIT}, so the feed cuts it. "
                     f"Shorten it in podcast.toml.")
    if len(config.subtitle) > SUBTITLE_LIMIT:
        found.append(f"subtitle is {len(config.subtitle)} characters; Apple Podcasts shows {SUBTITLE_LIMIT}. "
                     f"Shorten it in podcast.toml.")
    if not config.description.strip() and own:
        found.append("description is empty: the feed repeats the title instead. Say what the show is about "
                     "in description = in podcast.toml.")
    return tuple(found)


def check_feed(config: ShowConfig, feed: Path) -> tuple[str, ...]:
    """The warning for the built feed at `feed` (none when it is missing): over `FEED_LIMIT`, and
    over what the clients of `CLIENT_LIMITS` accept, saying which setting made it so."""
    try:
        data = Path(feed).read_bytes()
    except OSError:
        return ()
    size = len(data)
    if size <= FEED_LIMIT:
        return ()
    episodes = data.count(b"<item>")
    refused = [f"{client} ({_size(limit)}, {where})" for client, limit, where in CLIENT_LIMITS if size > limit]
    found = (f"{feed.name} is {_size(size)} ({episodes} episodes, {_size(size / max(episodes, 1))} each): "
             f"podcast apps fetch all of it on every refresh, and proxies and some apps give up on a feed "
             f"over 1 MB" + (f"; it is over what {' and '.join(refused)} accept" if refused else "") + ". ")
    if config.show_notes == "full":
        found += ('show_notes = "full" puts each episode\'s whole text in it twice: remove that line from '
                  'podcast.toml (the default, "short", gives an opening, the section headings and a link to '
                  'the whole text on the page: about 3 KB an episode).')
    else:
        found += (f"That is the size of {episodes} episodes' entries: longer episodes (episode_minutes, now "
                  f"{config.episode_minutes:g}) make fewer of them, and so does splitting the narration into "
                  f"several shows.")
    return (found,)


def _size(count: float) -> str:
    if count >= 1024 * 1024 and count % (1024 * 1024) == 0:
        return f"{count / (1024 * 1024):g} MiB"
    return f"{count / 1e6:.1f} MB" if count >= 1e6 else f"{count / 1e3:.1f} KB"


def recitation_warnings(config: ShowConfig) -> list[str]:
    """The voice reading the Quran unasked, or a reciter's recordings published (their rights)."""
    quran = config.quran
    if quran.recited:
        from hijra_audio.errors import RecitationError
        from hijra_audio.recite import Recitation

        found = [f"[quran] recitation: the episodes that quote the Quran carry recordings from {quran.recitation}; "
                 f"publishing them needs the permission of their rights holder (the reciter or whoever published "
                 f"the recordings), which recitation_credit should name. Have it before others subscribe."]
        try:
            Recitation.of(config)          # the folder and the timings as a build reads them
        except RecitationError as exc:
            found.append(str(exc))
        return found
    if not quran.recitation:
        return ["[quran] recitation is not set, so the voice reads the Quran verses the narration quotes; scholarly "
                "guidance asks for a proficient reciter's recordings instead of a synthesized recitation. Set "
                "recitation = \"FOLDER\" (a reciter's recordings, see docs/recitation.md) with recitation_credit, "
                "or recitation = \"voice\" to keep the voice."]
    return []
