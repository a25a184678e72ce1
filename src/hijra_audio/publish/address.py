"""Where the show is published, and who it is: its base URL and its `podcast:guid`, kept from one
build to the next in the manifest (`Manifest.show`).

The base URL of a build is, in order: `--base-url` when given; else the address the last build
used, while the config still says what it said then (so an address given once with `--base-url`
is kept, and editing `base_url` in podcast.toml wins over it); else the config's. Only the feed and
the page carry it: it goes into no MP3, tag or hash that decides a rebuild, so a move rewrites
those two files alone.

The `podcast:guid` is the config's `guid` when it has one; else the one the show was first
published with (kept); else derived: from the feed's address when that address is the show's own
(the Podcasting 2.0 rule), from the title when it is this machine's or a private network's
(every show on http://127.0.0.1:8000/ would otherwise share one guid).
"""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from hijra_audio.config import ShowConfig
from hijra_audio.publish.feed import PODCAST_GUID_NAMESPACE, feed_url, show_guid


@dataclass(frozen=True)
class Address:
    base_url: str             # the address the feed's links start with, in this build
    guid: str                 # the show's podcast:guid, in this build
    guid_from: str            # "config", "kept" (first published with it), "address" or "title"
    previous: str = ""        # the last build's address, when this build's differs
    kept: bool = False        # base_url is the one an earlier build was given (--base-url)

    @property
    def moved(self) -> tuple[str, str] | None:
        return (self.previous, self.base_url) if self.previous else None


def local_kind(url: str) -> str:
    """"loopback" for this machine only (127.0.0.1, localhost, ::1), "private" for a home or
    office network (192.168.x.x, 10.x.x.x ...), "" for an address of the wider internet."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return "loopback"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return "private" if host.endswith((".local", ".lan", ".home.arpa")) or "." not in host else ""
    if ip.is_loopback or ip.is_unspecified:
        return "loopback"
    if ip.is_private or ip.is_link_local:
        return "private"
    return ""


def derived_guid(config: ShowConfig) -> tuple[str, str]:
    """The podcast:guid a show without one gets, and what it comes from ("address" or "title")."""
    if not local_kind(config.base_url):
        return show_guid(feed_url(config)), "address"
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, f"hijra-audio/{config.title}")), "title"


def resolve(config: ShowConfig, requested: str | None, kept: dict) -> Address:
    """The address and guid of this build (see the module docstring); `config` is the show's
    own settings, `requested` the --base-url given, `kept` what the manifest kept."""
    previous = kept.get("base_url", "")
    if requested:
        url, from_kept = config.with_overrides(base_url=requested).base_url, False
    elif previous and kept.get("config_base_url") == config.base_url:
        url, from_kept = previous, previous != config.base_url
    else:
        url, from_kept = config.base_url, False
    located = config.with_overrides(base_url=url)
    if config.guid:
        guid, guid_from = config.guid, "config"
    elif kept.get("guid"):
        guid, guid_from = kept["guid"], "kept"
    else:
        guid, guid_from = derived_guid(located)
    return Address(url, guid, guid_from, previous if previous and previous != url else "", from_kept)


def apply(config: ShowConfig, address: Address) -> ShowConfig:
    """`config` published at `address`: its base URL and guid."""
    return config.with_overrides(base_url=address.base_url, guid=address.guid)


def to_keep(config: ShowConfig, address: Address) -> dict:
    """What the manifest keeps for the next build (`config`: the show's own settings)."""
    return {"base_url": address.base_url, "config_base_url": config.base_url, "guid": address.guid}
