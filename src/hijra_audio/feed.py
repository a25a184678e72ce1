"""Episodes -> podcast RSS (`feed.xml`): RSS 2.0 with the iTunes namespace, written with feedgen.

The only module that knows XML namespaces.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from feedgen.feed import FeedGenerator

from hijra_audio.config import ShowConfig

FEED_NAME = "feed.xml"


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


def episode_guid(config: ShowConfig, key: str) -> str:
    """Stable across regenerations and base URLs: from the show's title and the episode's key."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"hijra-audio:{config.title}#{key}"))


def media_url(config: ShowConfig, file: str) -> str:
    return config.base_url + quote(file)


def render_feed(config: ShowConfig, items: list[FeedItem], built: datetime) -> bytes:
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.title(config.title)
    fg.link(href=config.site_link, rel="alternate")
    fg.description(config.description or config.title)
    fg.language(config.language)
    fg.lastBuildDate(built)
    fg.generator("hijra-audio")
    if config.author:
        fg.author({"name": config.author})
        fg.podcast.itunes_author(config.author)
    if config.image:
        image_url = media_url(config, config.image) if "://" not in config.image else config.image
        fg.image(image_url, title=config.title, link=config.site_link)
        fg.podcast.itunes_image(image_url)
    for item in items:
        entry = fg.add_entry(order="append")
        entry.title(item.title)
        entry.guid(item.guid, permalink=False)
        entry.pubDate(item.pub_date)
        entry.description(item.description or item.title)
        entry.enclosure(media_url(config, item.file), str(item.bytes), "audio/mpeg")
        entry.podcast.itunes_duration(int(round(item.duration)))
        entry.podcast.itunes_episode(item.number)
    return fg.rss_str(pretty=True)
