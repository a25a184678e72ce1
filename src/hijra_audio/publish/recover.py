"""What a published feed.xml says of the show and its episodes, read back: when the manifest is
gone, the guids and first publication dates podcast apps know are taken from here, never made anew.

Each item gives its guid, pubDate, title, number (`itunes:episode`), file (the enclosure's name),
size, duration and text; the channel its `podcast:guid` and the address it was published at (its
`atom:link rel="self"`). The feed is read with lxml, which the feed is written with. An episode's
text is its article on the page beside the feed (index.html, found by the item's link anchor or its
number), else its show notes when they are the whole text (`show_notes = "full"`: headings and
paragraphs only); short show notes (an opening, section headings, links) are not the text, and
leave it unknown.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from hijra_audio.publish.names import FEED_NAME, PAGE_NAME

_ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
_PODCAST = "{https://podcastindex.org/namespace/1.0}"
_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_BLOCK = re.compile(r"<(h3|p)>(.*?)</\1>", re.S)     # the show notes' blocks (feed.notes_html)


@dataclass(frozen=True)
class PublishedItem:
    guid: str
    pub_date: str         # RFC 3339, UTC, as the manifest keeps it
    title: str
    number: int           # 0: not given
    file: str             # the enclosure's file name, relative to the output folder
    bytes: int
    duration: float
    paragraphs: tuple[tuple[bool, str], ...] = ()   # its text (is a heading, text); (): not known


@dataclass(frozen=True)
class PublishedFeed:
    guid: str             # the channel's podcast:guid ("" when it has none)
    base_url: str         # the address it was published at: its self link without feed.xml
    items: tuple[PublishedItem, ...]


class UnreadableFeed(ValueError):
    """A feed.xml that is no feed this tool wrote (not XML, no channel, an item without a guid)."""


def read_feed(path: Path) -> PublishedFeed:
    """The channel and items of the feed at `path`; UnreadableFeed when it cannot tell them."""
    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except (OSError, etree.XMLSyntaxError) as error:
        raise UnreadableFeed(f"not a readable RSS feed ({error})") from None
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise UnreadableFeed("not an RSS feed (no <rss><channel>)")
    self_link = next((link.get("href", "") for link in channel.findall(f"{_ATOM}link")
                      if link.get("rel") == "self"), "")
    base_url = self_link[:-len(FEED_NAME)] if self_link.endswith("/" + FEED_NAME) else ""
    page = _page_texts(Path(path).parent / PAGE_NAME)
    items = tuple(_item(item, number, page) for number, item in enumerate(channel.findall("item"), start=1))
    return PublishedFeed((channel.findtext(f"{_PODCAST}guid") or "").strip(), base_url, items)


def _item(item, position: int, page: dict[str, tuple[tuple[bool, str], ...]]) -> PublishedItem:
    guid = (item.findtext("guid") or "").strip()
    when = (item.findtext("pubDate") or "").strip()
    enclosure = item.find("enclosure")
    if not guid or not when or enclosure is None:
        raise UnreadableFeed(f"item {position} has no guid, pubDate or enclosure")
    try:
        date = parsedate_to_datetime(when)
        if date.tzinfo is None:
            raise ValueError("no time zone")
    except (TypeError, ValueError) as error:
        raise UnreadableFeed(f"item {position}: pubDate {when!r} cannot be read ({error})") from None
    file = unquote(urlsplit(enclosure.get("url", "")).path.rsplit("/", 1)[-1])
    return PublishedItem(guid=guid, pub_date=date.astimezone(timezone.utc).isoformat(),
                         title=(item.findtext("title") or "").strip(), number=_int(item.findtext(f"{_ITUNES}episode")),
                         file=file, bytes=_int(enclosure.get("length")),
                         duration=float(_int(item.findtext(f"{_ITUNES}duration"))),
                         paragraphs=_text(item, page))


def _text(item, page: dict[str, tuple[tuple[bool, str], ...]]) -> tuple[tuple[bool, str], ...]:
    """The episode's text: its article on the page, else its show notes when they are whole."""
    anchor = urlsplit((item.findtext("link") or "").strip()).fragment
    number = _int(item.findtext(f"{_ITUNES}episode"))
    found = page.get(anchor) or page.get(f"episode-{number}")
    if found:
        return found
    notes = item.findtext(f"{_CONTENT}encoded") or ""
    if "<ul" in notes or "<a " in notes:          # short show notes: not the whole text
        return ()
    return tuple((tag == "h3", html.unescape(text)) for tag, text in _BLOCK.findall(notes))


def _page_texts(path: Path) -> dict[str, tuple[tuple[bool, str], ...]]:
    """Each episode's text on the page at `path`, by its article's id ({} without a page)."""
    try:
        root = etree.parse(str(path), etree.HTMLParser()).getroot()
    except (OSError, etree.XMLSyntaxError):
        return {}
    if root is None:
        return {}
    texts = {}
    for article in root.iter("article"):
        blocks = article.xpath(".//details//*[self::h3 or self::p][not(@class='credit')]")
        texts[article.get("id", "")] = tuple((block.tag == "h3", "".join(block.itertext())) for block in blocks)
    return texts


def _int(text: str | None) -> int:
    try:
        return int((text or "").strip())
    except ValueError:
        return 0
