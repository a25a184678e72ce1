"""A finished book's feed: itunes:complete and podcast:updateFrequency when the config says the
show is complete, and named seasons from the top-level sections (`# ` headings) when asked."""

from __future__ import annotations

import dataclasses
import io
from datetime import datetime, timezone

import feedparser
import podcastparser
import pytest
from lxml import etree

from hijra_audio import plan as planning
from hijra_audio.config import ShowConfig
from hijra_audio.publish.feed import FeedItem, render_feed
from hijra_audio.publish.release import seasons
from hijra_audio.sources import Narration

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0"}
BODY = "قال ابن إسحاق: " + " ".join(["وكان رسول الله يدعو قومه إلى الإسلام."] * 12)
BOOK = (f"## تمهيد\n{BODY}\n# الجزء الأول: المبعث\n## بدء الوحي\n{BODY}\n## إسلام خديجة\n{BODY}\n"
        f"# الجزء الثاني: الهجرة\n## الخروج من مكة\n{BODY}\n")


def _planned(config: ShowConfig):
    return planning.plan(config, [Narration("book.txt", BOOK)]).episodes


def _feed(config: ShowConfig, items: list[FeedItem]):
    return etree.fromstring(render_feed(config, items, datetime(2026, 1, 1, tzinfo=timezone.utc)))


def _item(index: int, **season) -> FeedItem:
    return dataclasses.replace(FeedItem(f"episode {index}", f"guid-{index}", datetime(2026, 1, index, tzinfo=timezone.utc),
                                        f"episode-{index:03d}.mp3", 1000, 60.0, index), **season)


@pytest.mark.parametrize("complete", [True, False])
def test_a_complete_show_says_so_and_an_open_one_says_nothing(complete):
    channel = _feed(ShowConfig(complete=complete), [_item(1)]).find("channel")
    assert channel.xpath("itunes:complete/text()", namespaces=NS) == (["Yes"] if complete else [])
    frequency = channel.xpath("podcast:updateFrequency", namespaces=NS)
    assert [f.get("complete") for f in frequency] == (["true"] if complete else [])
    parsed = feedparser.parse(etree.tostring(channel.getparent()))
    assert parsed.feed.get("itunes_complete") == ("Yes" if complete else None)


def test_seasons_are_the_top_level_sections_numbered_from_one():
    config = ShowConfig(seasons=True, episode_minutes=1.0)
    episodes = _planned(config)
    assert [e.part for e in episodes] == ["", "الجزء الأول: المبعث", "الجزء الأول: المبعث", "الجزء الثاني: الهجرة"]
    found = seasons(config, episodes)
    assert [found[e.key] for e in episodes] == [
        {"season": 1, "season_name": "", "number": 1},
        {"season": 2, "season_name": "الجزء الأول: المبعث", "number": 1},
        {"season": 2, "season_name": "الجزء الأول: المبعث", "number": 2},
        {"season": 3, "season_name": "الجزء الثاني: الهجرة", "number": 1}]
    # not asked, or a narration without top-level sections: no seasons
    assert seasons(dataclasses.replace(config, seasons=False), episodes) == {}
    flat = planning.plan(config, [Narration("flat.txt", BOOK.replace("# ", "## "))]).episodes
    assert all(e.part == "" for e in flat) and seasons(config, flat) == {}


def test_the_parsers_read_the_named_seasons():
    items = [_item(1, season=1, season_name="الجزء الأول", number=1),
             _item(2, season=1, season_name="الجزء الأول", number=2),
             _item(3, season=2, season_name="الجزء الثاني & <الأخير>", number=1), _item(4)]
    data = etree.tostring(_feed(ShowConfig(seasons=True), items))
    rss = etree.fromstring(data)
    assert [(s.text, s.get("name")) for s in rss.xpath("//item/podcast:season", namespaces=NS)] == [
        ("1", "الجزء الأول"), ("1", "الجزء الأول"), ("2", "الجزء الثاني & <الأخير>")]
    episodes = podcastparser.parse("https://example.org/feed.xml", io.BytesIO(data))["episodes"]
    assert [(e.get("season"), e.get("number")) for e in episodes] == [(1, 1), (1, 2), (2, 1), (None, 4)]
    entries = feedparser.parse(data).entries
    assert [e.get("itunes_season") for e in entries] == ["1", "1", "2", None]
