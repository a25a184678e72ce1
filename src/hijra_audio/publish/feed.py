"""Episodes -> podcast RSS (`feed.xml`): RSS 2.0 with the iTunes, Podcasting 2.0 (`podcast:`),
Atom and content namespaces.

The only module that knows XML namespaces. feedgen writes the RSS core, `atom:link`,
`content:encoded` and most `itunes:` tags. What it cannot write correctly is written by our own
feedgen extension (`PodcastIndexExtension`, registered with `FeedGenerator.register_extension`):
- `itunes:explicit` as `true`/`false` (feedgen only accepts yes/no/clean, which Apple no longer wants);
- `itunes:owner` with a name but no email (feedgen insists on both);
- the whole `podcast:` namespace (guid, locked, medium, transcript, chapters, updateFrequency,
  season), which feedgen lacks;
- `itunes:complete` as Apple spells it (`Yes`; feedgen writes `yes`);
- CDATA around the channel and item descriptions (feedgen writes them as escaped text).
lxml does all escaping, so `&`, `<`, quotes and mixed Arabic/Latin text come out as given.
Each item's description and show notes are publish/notes.py's, as `show_notes` says; with the
default ("short"), the item's `<link>` is its anchor on the show's page, where its whole text is.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem
from lxml import etree

from hijra_audio.config import ShowConfig
from hijra_audio.publish.names import CHAPTERS_TYPE, COVER_NAME, FEED_NAME, PAGE_NAME
from hijra_audio.publish.notes import (  # noqa: F401 - the feed's text helpers, imported from here too
    DESCRIPTION_LIMIT,
    clip_bytes,
    clip_text,
    episode_notes,
    notes_html,
    xml_text,
)

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
# The namespace the Podcasting 2.0 spec fixes for podcast:guid (UUIDv5 of the feed URL).
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")

@dataclass(frozen=True)
class FeedItem:
    title: str
    guid: str
    pub_date: datetime
    file: str       # path relative to the output folder
    bytes: int
    duration: float
    number: int
    description: str = ""
    transcript: str = ""   # the episode's WebVTT file, relative to the output folder; "" when none
    chapters: str = ""     # its chapters JSON file, likewise
    paragraphs: tuple[tuple[bool, str], ...] = ()   # its whole text: (is a heading, text), for the show notes
    anchor: str = ""       # its id on the show's page (index.html), where its whole text is; "" when none
    credit: str = ""       # credits its notes end with, a line each (the reciter's, the voice's)
    season: int = 0        # its season's number (0: the feed has no seasons) and name
    season_name: str = ""


def episode_guid(config: ShowConfig, key: str) -> str:
    """Stable across regenerations and base URLs: from the show's title and the episode's key,
    never from its audio. The pipeline persists it in the manifest and reuses it from there."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"hijra-audio:{config.title}#{key}"))


def media_url(config: ShowConfig, file: str) -> str:
    """The absolute URL of `file` (relative to the output folder). Spaces and non-ASCII letters in
    the base URL are percent-encoded; what is already encoded stays as it is."""
    return quote(config.base_url, safe=":/?#[]@!$&'()*+,;=%~") + quote(file)


def feed_url(config: ShowConfig) -> str:
    return media_url(config, FEED_NAME)


def show_guid(url: str) -> str:
    """podcast:guid: UUIDv5 (Podcasting 2.0 namespace) of the feed URL without its scheme and
    trailing slashes, as https://podcastindex.org/namespace/1.0#guid defines it."""
    bare = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", url.strip()).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


def page_url(config: ShowConfig, anchor: str = "") -> str:
    """The address of the show's page (index.html, in the output folder), at `anchor` when given."""
    return media_url(config, PAGE_NAME) + (f"#{quote(anchor)}" if anchor else "")


def image_url(config: ShowConfig) -> str:
    """The show's cover: an `image` address as it is, else the cover.jpg every build writes
    (the user's image, checked, or one made from the title)."""
    if "://" in config.image:
        return config.image
    return media_url(config, COVER_NAME)


def _cdata(text: str):
    # A CDATA section cannot hold "]]>"; such text is written escaped instead, which XML readers
    # treat the same.
    return text if "]]>" in text else etree.CDATA(text)


def _boolean(value: bool) -> str:
    return "true" if value else "false"


class PodcastIndexExtension(BaseExtension):
    """Channel-level tags feedgen cannot write (see the module docstring)."""

    def __init__(self):
        self.explicit = False
        self.guid = ""
        self.locked: bool | None = None
        self.locked_owner = ""
        self.medium = "podcast"
        self.owner = ("", "")  # itunes:owner name and email (feedgen insists on both)
        self.complete = False  # no more episodes will come: itunes:complete, podcast:updateFrequency

    def extend_ns(self):
        return {"podcast": PODCAST_NS}

    def extend_rss(self, rss_feed):
        channel = rss_feed[0]
        description = channel.find("description")
        if description is not None and description.text:
            description.text = _cdata(description.text)
        xml_elem(f"{{{ITUNES_NS}}}explicit", channel).text = _boolean(self.explicit)
        name, email = self.owner
        if name or email:
            owner = xml_elem(f"{{{ITUNES_NS}}}owner", channel)
            if name:
                xml_elem(f"{{{ITUNES_NS}}}name", owner).text = name
            if email:
                xml_elem(f"{{{ITUNES_NS}}}email", owner).text = email
        if self.guid:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self.guid
        if self.locked is not None:
            locked = xml_elem(f"{{{PODCAST_NS}}}locked", channel)
            locked.text = "yes" if self.locked else "no"
            if self.locked_owner:
                locked.attrib["owner"] = self.locked_owner
        xml_elem(f"{{{PODCAST_NS}}}medium", channel).text = self.medium
        if self.complete:
            xml_elem(f"{{{ITUNES_NS}}}complete", channel).text = "Yes"
            xml_elem(f"{{{PODCAST_NS}}}updateFrequency", channel, complete="true").text = "Complete"
        return rss_feed


class PodcastIndexEntryExtension(BaseEntryExtension):
    """Item-level tags feedgen cannot write (see the module docstring)."""

    def __init__(self):
        self.explicit = False
        self.transcript_url = ""
        self.chapters_url = ""
        self.language = "ar"
        self.season = (0, "")   # podcast:season: its number (0: none) and name

    def extend_rss(self, item):
        description = item.find("description")
        if description is not None and description.text:
            description.text = _cdata(description.text)
        xml_elem(f"{{{ITUNES_NS}}}explicit", item).text = _boolean(self.explicit)
        if self.transcript_url:
            xml_elem(f"{{{PODCAST_NS}}}transcript", item, url=self.transcript_url, type="text/vtt",
                     language=self.language, rel="captions")
        if self.chapters_url:
            xml_elem(f"{{{PODCAST_NS}}}chapters", item, url=self.chapters_url,
                     type=CHAPTERS_TYPE)
        number, name = self.season
        if number:
            season = xml_elem(f"{{{PODCAST_NS}}}season", item)
            season.text = str(number)
            if name:
                season.attrib["name"] = xml_text(name)
        return item


def render_feed(config: ShowConfig, items: list[FeedItem], built: datetime) -> bytes:
    fg = FeedGenerator()
    fg.load_extension("podcast")  # feedgen's iTunes extension (named "podcast" in feedgen)
    fg.register_extension("podcastindex", PodcastIndexExtension, PodcastIndexEntryExtension)
    title = xml_text(config.title)
    self_url = feed_url(config)
    fg.title(title)
    # feedgen writes the last link given as the RSS <link>: the site, so it comes after "self".
    fg.link(href=self_url, rel="self", type="application/rss+xml")
    fg.link(href=config.site_link, rel="alternate")
    fg.description(clip_text(xml_text(config.description or config.title)))
    fg.language(config.language)
    fg.lastBuildDate(built)
    fg.generator("hijra-audio")
    if config.copyright:
        fg.copyright(xml_text(config.copyright))
    if config.author:
        fg.podcast.itunes_author(xml_text(config.author))
    if config.subtitle:
        fg.podcast.itunes_subtitle(xml_text(config.subtitle))
    fg.podcastindex.owner = (xml_text(config.owner.name or config.author), xml_text(config.owner.email))
    cover = image_url(config)
    if cover:
        fg.image(cover, title=title, link=config.site_link)
        fg.podcast.itunes_image(cover)
    if config.category:
        category = {"cat": config.category}
        if config.subcategory:
            category["sub"] = config.subcategory
        fg.podcast.itunes_category(category)
    fg.podcast.itunes_type(config.type)
    fg.podcastindex.explicit = config.explicit
    fg.podcastindex.guid = config.guid or show_guid(self_url)
    # Podcasting 2.0 readers ignore a podcast:locked without its owner: with the owner's email, or not at all.
    fg.podcastindex.locked = config.locked if config.owner.email.strip() else None
    fg.podcastindex.locked_owner = xml_text(config.owner.email.strip())
    fg.podcastindex.complete = config.complete
    for item in items:
        _add_item(fg, config, item)
    return fg.rss_str(pretty=True)


def _add_item(fg: FeedGenerator, config: ShowConfig, item: FeedItem) -> None:
    """The item of one episode, after the ones added before it."""
    entry = fg.add_entry(order="append")
    entry.title(xml_text(item.title))
    entry.guid(item.guid, permalink=False)
    entry.pubDate(item.pub_date)
    notes = _notes(config, item)
    entry.description(notes.description)
    entry.content(notes.html, type="CDATA")
    if config.show_notes != "full" and item.anchor:
        entry.link(href=page_url(config, item.anchor))
    entry.enclosure(media_url(config, item.file), str(item.bytes), "audio/mpeg")
    entry.podcast.itunes_duration(int(round(item.duration)))
    entry.podcast.itunes_episode(item.number)
    if item.season:
        entry.podcast.itunes_season(item.season)
        entry.podcastindex.season = (item.season, item.season_name)
    entry.podcast.itunes_episode_type("full")
    entry.podcastindex.explicit = config.explicit
    entry.podcastindex.language = config.language
    if item.transcript:
        entry.podcastindex.transcript_url = media_url(config, item.transcript)
    if item.chapters:
        entry.podcastindex.chapters_url = media_url(config, item.chapters)


def _notes(config: ShowConfig, item: FeedItem):
    """The item's description and show notes (publish/notes.py), as `show_notes` says."""
    paragraphs = item.paragraphs or tuple((False, line) for line in (item.description or item.title).split("\n"))
    return episode_notes(paragraphs, item.title, mode=config.show_notes, credit=item.credit,
                         page=page_url(config, item.anchor) if item.anchor else "",
                         transcript=media_url(config, item.transcript) if item.transcript else "")
