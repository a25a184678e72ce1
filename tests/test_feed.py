"""The feed as podcast apps read it: every tag by XPath, real parsers, stable identities."""

from __future__ import annotations

import email.utils
import functools
import io
import json
from pathlib import Path

import feedparser
import lxml.html
import podcastparser
import pytest
from lxml import etree

from hijra_audio.config import load_config
from hijra_audio.pipeline import BuildRequest, build
from hijra_audio.publish.feed import (
    DESCRIPTION_LIMIT,
    clip_bytes,
    clip_text,
    notes_html,
    show_guid,
    xml_text,
)
from tests.conftest import REPO
from tests.fakes import FakeEngine

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
      "podcast": "https://podcastindex.org/namespace/1.0",
      "atom": "http://www.w3.org/2005/Atom",
      "content": "http://purl.org/rss/1.0/modules/content/"}

HOSTILE_TITLE = 'Tom & Jerry <b>"قال" \'said\'</b> — الهجرة Hijra 1446 ]]> end'
HOSTILE_AUTHOR = 'Ali & Sons <ali@example.org>'
HOSTILE_NARRATION = """## سؤال & جواب <مهم> "Q&A" عن Hijra الهجرة ]]> 'x'
خرج النبي صلى الله عليه وسلم من مكة ليلا مع صاحبه & كتب <b> "Makkah" ثم إلى المدينة في طريق طويل
## الغار Cave "ثور" <&>
اختفيا في الغار ثلاث ليال حتى هدأ الطلب ثم خرجا إلى المدينة مع الدليل عبد الله بن أريقط
"""


def _build(out: Path, fake_engine, config: Path | None = None, inputs=(), base_url=None):
    return build(BuildRequest(inputs=tuple(inputs), output=out, config_path=config, base_url=base_url,
                              jobs=1, engine_factory=fake_engine))


def _hostile_show(tmp_path: Path) -> Path:
    folder = tmp_path / "show"
    folder.mkdir()
    (folder / "talk.txt").write_text(HOSTILE_NARRATION, encoding="utf-8")
    (folder / "cover.png").write_bytes((Path(load_config().root) / "cover.png").read_bytes())
    toml = f"""
title = {json.dumps(HOSTILE_TITLE, ensure_ascii=False)}
subtitle = "عنوان فرعي & <sub>"
author = {json.dumps(HOSTILE_AUTHOR)}
description = "وصف & <وصف> \\"quoted\\" ]]> with English inside النص العربي"
copyright = "© 2026 Ali & Sons"
base_url = "https://example.org/pod cast/"
link = "https://example.org/?a=1&b=2"
image = "cover.png"
explicit = true
type = "episodic"
narration = ["talk.txt"]
episode_minutes = 0.2
[owner]
name = "Ali & <Owner>"
email = "owner@example.org"
"""
    (folder / "podcast.toml").write_text(toml, encoding="utf-8")
    return folder / "podcast.toml"


def _tree(out: Path):
    return etree.parse(str(out / "feed.xml"))


def _one(tree, path: str):
    found = tree.xpath(path, namespaces=NS)
    assert len(found) == 1, f"{path}: {len(found)} matches"
    return found[0]


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """The bundled lecture built once for the read-only tests of this module."""
    folder = tmp_path_factory.mktemp("bundled")
    out = folder / "out"
    _build(out, functools.partial(FakeEngine, str(folder / "calls.log")))
    return out


@pytest.fixture
def hostile(tmp_path, fake_engine):
    config = _hostile_show(tmp_path)
    out = tmp_path / "out"
    _build(out, fake_engine, config)
    return out, load_config(config)


CHANNEL_BUNDLED = [
    ("/rss/@version", "2.0"),
    ("/rss/channel/title/text()", "الهجرة النبوية"),
    ("/rss/channel/link/text()", "http://127.0.0.1:8000/"),
    ("/rss/channel/language/text()", "ar"),
    ("/rss/channel/copyright/text()", "نص المحاضرة لأصحابه؛ الصوت مولّد آليا"),
    ("/rss/channel/atom:link[@rel='self']/@href", "http://127.0.0.1:8000/feed.xml"),
    ("/rss/channel/atom:link[@rel='self']/@type", "application/rss+xml"),
    ("/rss/channel/itunes:image/@href", "http://127.0.0.1:8000/cover.jpg"),
    ("/rss/channel/image/url/text()", "http://127.0.0.1:8000/cover.jpg"),
    ("/rss/channel/image/title/text()", "الهجرة النبوية"),
    ("/rss/channel/image/link/text()", "http://127.0.0.1:8000/"),
    ("/rss/channel/itunes:category/@text", "Religion & Spirituality"),
    ("/rss/channel/itunes:category/itunes:category/@text", "Islam"),
    ("/rss/channel/itunes:explicit/text()", "false"),
    ("/rss/channel/itunes:author/text()", "hijra-audio"),
    ("/rss/channel/itunes:owner/itunes:name/text()", "hijra-audio"),
    ("/rss/channel/itunes:type/text()", "serial"),
    ("/rss/channel/itunes:subtitle/text()", "من مكة إلى المدينة"),
    ("/rss/channel/podcast:guid/text()", show_guid("http://127.0.0.1:8000/feed.xml")),
    ("/rss/channel/podcast:medium/text()", "podcast"),
]


@pytest.mark.slow
@pytest.mark.parametrize("path, expected", CHANNEL_BUNDLED)
def test_channel_tag_of_the_bundled_show(bundled, path, expected):
    assert _one(_tree(bundled), path) == expected


@pytest.mark.slow
def test_the_bundled_show_claims_no_lock_without_an_owner_email(bundled):
    # podcast:locked without its owner is ignored by Podcasting 2.0 readers: the demo has no owner email
    assert load_config().owner.email == ""
    assert _tree(bundled).xpath("/rss/channel/podcast:locked", namespaces=NS) == []


@pytest.mark.slow
def test_channel_description_and_build_date(bundled):
    raw = (bundled / "feed.xml").read_bytes().decode("utf-8")
    config = load_config()
    assert f"<description><![CDATA[{config.description}]]></description>" in raw
    tree = _tree(bundled)
    built = email.utils.parsedate_to_datetime(_one(tree, "/rss/channel/lastBuildDate/text()"))
    dates = [email.utils.parsedate_to_datetime(d) for d in tree.xpath("//item/pubDate/text()")]
    assert built == max(dates)   # the feed only changes when an episode does


@pytest.mark.slow
def test_every_item_tag_of_the_bundled_show(bundled):
    tree = _tree(bundled)
    manifest = json.loads((bundled / "manifest.json").read_text(encoding="utf-8"))["episodes"]
    entries = sorted(manifest.values(), key=lambda e: e["number"])
    items = tree.xpath("/rss/channel/item")
    assert len(items) == len(entries) == 3
    raw = (bundled / "feed.xml").read_text(encoding="utf-8")
    for item, entry in zip(items, entries):
        one = lambda path: _one(item, path)  # noqa: E731
        assert one("title/text()") == entry["title"]
        assert one("guid/text()") == entry["guid"] and one("guid/@isPermaLink") == "false"
        assert email.utils.parsedate_to_datetime(one("pubDate/text()")).isoformat() == entry["pub_date"]
        description = one("description/text()")
        assert description and len(description.encode()) <= DESCRIPTION_LIMIT
        assert f"<description><![CDATA[{description}]]></description>" in raw
        assert one("content:encoded/text()").startswith("<p>")
        assert one("enclosure/@url") == f"http://127.0.0.1:8000/{entry['file']}"
        assert int(one("enclosure/@length")) == (bundled / entry["file"]).stat().st_size == entry["bytes"]
        assert one("enclosure/@type") == "audio/mpeg"
        assert one("itunes:duration/text()") == str(int(round(entry["duration"])))
        assert one("itunes:episode/text()") == str(entry["number"])
        assert one("itunes:episodeType/text()") == "full"
        assert one("itunes:explicit/text()") == "false"
        stem = entry["file"].removesuffix(".mp3")
        assert one("podcast:transcript/@url") == f"http://127.0.0.1:8000/{stem}.vtt"
        assert one("podcast:chapters/@url") == f"http://127.0.0.1:8000/{stem}.chapters.json"


@pytest.mark.slow
def test_transcript_and_chapters_are_linked_where_their_files_exist(tmp_path, fake_engine):
    bundled = tmp_path / "out"
    _build(bundled, fake_engine)
    tree = _tree(bundled)
    transcripts = tree.xpath("//item/podcast:transcript", namespaces=NS)
    assert [t.getparent().findtext("itunes:episode", namespaces=NS) for t in transcripts] == ["1", "2", "3"]
    for tag in transcripts:
        assert dict(tag.attrib) == {"url": tag.get("url"), "type": "text/vtt", "language": "ar", "rel": "captions"}
    assert [t.get("url") for t in transcripts] == [f"http://127.0.0.1:8000/episode-00{n}.vtt" for n in (1, 2, 3)]
    chapters = tree.xpath("//item/podcast:chapters", namespaces=NS)
    assert [c.get("url") for c in chapters] == [f"http://127.0.0.1:8000/episode-00{n}.chapters.json"
                                                for n in (1, 2, 3)]
    assert {c.get("type") for c in chapters} == {"application/json+chapters"}



@pytest.mark.slow
def test_hostile_text_comes_back_exactly(hostile):
    out, config = hostile
    tree = _tree(out)
    assert _one(tree, "/rss/channel/title/text()") == HOSTILE_TITLE
    assert _one(tree, "/rss/channel/itunes:author/text()") == HOSTILE_AUTHOR
    assert _one(tree, "/rss/channel/description/text()") == config.description
    assert _one(tree, "/rss/channel/itunes:subtitle/text()") == "عنوان فرعي & <sub>"
    assert _one(tree, "/rss/channel/copyright/text()") == "© 2026 Ali & Sons"
    assert _one(tree, "/rss/channel/link/text()") == "https://example.org/?a=1&b=2"
    assert _one(tree, "/rss/channel/itunes:owner/itunes:name/text()") == "Ali & <Owner>"
    assert _one(tree, "/rss/channel/itunes:owner/itunes:email/text()") == "owner@example.org"
    assert _one(tree, "/rss/channel/podcast:locked/@owner") == "owner@example.org"
    assert _one(tree, "/rss/channel/itunes:explicit/text()") == "true"
    assert _one(tree, "/rss/channel/itunes:type/text()") == "episodic"
    assert _one(tree, "/rss/channel/atom:link[@rel='self']/@href") == "https://example.org/pod%20cast/feed.xml"
    assert _one(tree, "/rss/channel/podcast:guid/text()") == show_guid("https://example.org/pod%20cast/feed.xml")
    titles = tree.xpath("//item/title/text()")
    assert titles == ['سؤال & جواب <مهم> "Q&A" عن Hijra الهجرة ]]> \'x\'', 'الغار Cave "ثور" <&>']
    assert tree.xpath("//item/itunes:explicit/text()", namespaces=NS) == ["true", "true"]
    assert tree.xpath("//item/enclosure/@url") == ["https://example.org/pod%20cast/episode-001.mp3",
                                                   "https://example.org/pod%20cast/episode-002.mp3"]
    descriptions = tree.xpath("//item/description/text()")
    assert 'كتب <b> "Makkah' in descriptions[0]   # (cleaning may add punctuation after the word)


@pytest.mark.slow
@pytest.mark.parametrize("show", ["bundled", "hostile"])
def test_podcastparser_and_feedparser_read_the_same_items(show, request):
    fixture = request.getfixturevalue(show)
    out = fixture[0] if isinstance(fixture, tuple) else fixture
    data = (out / "feed.xml").read_bytes()
    tree = _tree(out)
    expected = [(i.findtext("guid"), i.findtext("title"), _one(i, "enclosure/@url"),
                 int(_one(i, "enclosure/@length"))) for i in tree.xpath("//item")]

    parsed = podcastparser.parse("https://example.org/feed.xml", io.BytesIO(data))
    # podcastparser lists the newest first; ours are a second apart in order
    episodes = sorted(parsed["episodes"], key=lambda e: e["published"])
    got = [(e["guid"], e["title"], e["enclosures"][0]["url"], e["enclosures"][0]["file_size"]) for e in episodes]
    assert got == expected
    assert parsed["title"] == tree.findtext("channel/title")
    assert all(e["enclosures"][0]["mime_type"] == "audio/mpeg" for e in episodes)
    assert [e["total_time"] for e in episodes] == [int(d) for d in tree.xpath("//item/itunes:duration/text()",
                                                                              namespaces=NS)]

    fp = feedparser.parse(data)
    assert not fp.bozo, fp.get("bozo_exception")
    got = [(e.id, e.title, e.enclosures[0].href, int(e.enclosures[0].length)) for e in fp.entries]
    assert got == expected
    assert fp.feed.title == tree.findtext("channel/title")
    assert fp.feed.language == "ar"


NODE_MODULES = REPO / ".venv" / "js" / "node_modules"   # where scripts/test.sh installs the JS parsers


@pytest.mark.slow   # starts node
@pytest.mark.parametrize("show", ["bundled", "hostile"])
def test_javascript_podcast_parsers_read_the_same_items(show, request):
    """podcast-partytime (the Podcast Index's parser: the podcast: namespace too) and rss-parser,
    as podcast apps written in JavaScript read feeds, find every item, its enclosure and duration,
    and partytime its transcript and chapters."""
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None or not (NODE_MODULES / "podcast-partytime").is_dir():
        pytest.skip("node, or podcast-partytime and rss-parser (scripts/test.sh installs them from npm), are missing")
    fixture = request.getfixturevalue(show)
    out = fixture[0] if isinstance(fixture, tuple) else fixture
    tree = _tree(out)
    run = subprocess.run([node, str(REPO / "tests" / "js" / "read_feed.js"), str(out / "feed.xml")],
                         capture_output=True, text=True, timeout=60, env={"NODE_PATH": str(NODE_MODULES)})
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    items = tree.xpath("//item")
    expected = [(i.findtext("guid"), i.findtext("title"), _one(i, "enclosure/@url"), int(_one(i, "enclosure/@length")),
                 int(i.findtext("itunes:duration", namespaces=NS))) for i in items]
    for parser in ("partytime", "rssparser"):
        got = [(i["guid"], i["title"], i["url"], int(i["length"]), int(i["duration"])) for i in found[parser]["items"]]
        assert sorted(got) == sorted(expected), parser
        assert found[parser]["title"] == tree.findtext("channel/title")
    party = found["partytime"]
    assert party["guid"] == tree.findtext("channel/podcast:guid", namespaces=NS) and party["language"] == "ar"
    assert all(i["type"] == "audio/mpeg" for i in party["items"])
    linked = {i.findtext("guid"): ([[t.get("url"), t.get("type")] for t in i.xpath("podcast:transcript", namespaces=NS)],
                                   (i.xpath("podcast:chapters/@url", namespaces=NS) or [None])[0]) for i in items}
    assert {i["guid"]: (i["transcripts"], i["chapters"]) for i in party["items"]} == linked
    assert any(transcripts for transcripts, _chapters in linked.values())


@pytest.mark.slow
@pytest.mark.parametrize("show", ["bundled", "hostile"])
def test_the_feed_has_what_validators_require(show, request):
    fixture = request.getfixturevalue(show)
    out = fixture[0] if isinstance(fixture, tuple) else fixture
    assert feed_problems((out / "feed.xml").read_bytes()) == []


def _identity(out: Path) -> dict[str, tuple[str, str]]:
    tree = _tree(out)
    return {i.findtext("guid"): (i.findtext("pubDate"), i.findtext("title")) for i in tree.xpath("//item")}


@pytest.mark.slow
def test_guids_and_dates_survive_a_rebuild_an_edit_a_new_title_and_a_new_address(tmp_path, fake_engine, lecture):
    narration = tmp_path / "lecture.txt"
    text = lecture.read_text(encoding="utf-8")
    narration.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    show = Path(load_config().root) / "podcast.toml"
    _build(out, fake_engine, show, inputs=[narration])
    first = _identity(out)
    assert len(first) == 3

    _build(out, fake_engine, show, inputs=[narration])
    assert _identity(out) == first

    narration.write_text(text.replace("هيأ الرواحل والزاد", "جهز الرواحل والزاد كله"), encoding="utf-8")
    report = _build(out, fake_engine, show, inputs=[narration])
    assert [e.action for e in report.episodes].count("built") == 1
    assert _identity(out) == first

    config = tmp_path / "podcast.toml"
    bundled = Path(load_config().root) / "podcast.toml"
    config.write_text(bundled.read_text(encoding="utf-8").replace('title = "الهجرة النبوية"',
                                                                  'title = "الهجرة"'), encoding="utf-8")
    for name in ("cover.png", "hijra-lecture.lexicon"):
        (tmp_path / name).write_bytes((Path(load_config().root) / name).read_bytes())
    report = _build(out, fake_engine, config, inputs=[narration], base_url="https://example.net/h/")
    assert {e.action for e in report.episodes} == {"built"}   # the album tag changed: new audio
    assert _identity(out) == first                            # same episodes to an app
    assert _tree(out).xpath("//item/enclosure/@url")[0] == "https://example.net/h/episode-001.mp3"


@pytest.mark.parametrize("url, guid", [
    # the example in the Podcasting 2.0 namespace's description of podcast:guid
    ("https://mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),
    ("http://mp3s.nashownotes.com/pc20rss.xml", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),
    ("https://mp3s.nashownotes.com/pc20rss.xml/", "917393e3-1b1e-5cef-ace4-edaa54e1f810"),
])
def test_show_guid_is_the_namespace_uuid5_of_the_feed_url(url, guid):
    assert show_guid(url) == guid


@pytest.mark.slow
def test_a_configured_show_guid_wins(tmp_path, fake_engine):
    config = tmp_path / "podcast.toml"
    config.write_text('title = "س"\nguid = "917393e3-1b1e-5cef-ace4-edaa54e1f810"\n', encoding="utf-8")
    out = tmp_path / "out"
    (tmp_path / "t.txt").write_text("خرج النبي من مكة ليلا مع صاحبه", encoding="utf-8")
    _build(out, fake_engine, config, inputs=[tmp_path / "t.txt"])
    assert _one(_tree(out), "/rss/channel/podcast:guid/text()") == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    # no image configured: the build makes cover.jpg from the title, and the feed links it
    assert _one(_tree(out), "/rss/channel/itunes:image/@href") == "http://127.0.0.1:8000/cover.jpg"
    assert (out / "cover.jpg").is_file()


@pytest.mark.slow
def test_a_long_description_is_cut_to_4000_bytes(tmp_path, fake_engine):
    config = tmp_path / "podcast.toml"
    config.write_text('title = "س"\ndescription = "' + "كلمة " * 1500 + '"\n', encoding="utf-8")
    (tmp_path / "t.txt").write_text("خرج النبي من مكة ليلا مع صاحبه", encoding="utf-8")
    out = tmp_path / "out"
    _build(out, fake_engine, config, inputs=[tmp_path / "t.txt"])
    description = _one(_tree(out), "/rss/channel/description/text()")
    assert len(description.encode("utf-8")) <= DESCRIPTION_LIMIT and description.endswith("كلمة…")
    assert not feedparser.parse(str(out / "feed.xml")).bozo


@pytest.mark.parametrize("text, limit, expected", [
    ("abc", 3, "abc"),
    ("abcdef", 5, "ab…"),
    ("عربي", 8, "عربي"),         # 8 bytes exactly
    ("عربية", 8, "عر…"),         # never half a letter
    ("a b  c d", 7, "a b…"),
])
def test_clip_bytes(text, limit, expected):
    assert clip_bytes(text, limit) == expected
    assert len(clip_bytes(text, limit).encode()) <= limit


@pytest.mark.parametrize("text, expected", [
    ("a\x00b\x1fc\td\ne", "abc\td\ne"),
    ("ok \ufffe", "ok "),
    ("عربي & <x>", "عربي & <x>"),
])
def test_xml_text_drops_what_xml_cannot_carry(text, expected):
    assert xml_text(text) == expected


def test_notes_html_escapes_and_keeps_whole_paragraphs():
    assert notes_html(["a & <b>", "]]> x"]) == "<p>a &amp; &lt;b&gt;</p><p>]]&gt; x</p>"
    assert notes_html(["x" * 10, "y" * 10], limit=20) == "<p>xxxxxxxxxx</p>"


@pytest.mark.parametrize("text, limit, expected", [
    ("قصير", 100, "قصير"),
    ("جملة أولى هنا. وجملة ثانية", 40, "جملة أولى هنا. …"),           # after the last whole sentence
    ("كلمة أخرى وكلمة ثالثة", 30, "كلمة أخرى…"),                       # no sentence end: between words
    ("لا؟ ثم خرج النبي من مكة ليلا مع صاحبه", 40, "لا؟ ثم خرج النبي من…"),   # too short a sentence to stop at
])
def test_clip_text_cuts_at_a_sentence_or_a_word(text, limit, expected):
    from hijra_audio.publish.feed import clip_text

    assert clip_text(text, limit) == expected
    assert len(clip_text(text, limit).encode()) <= limit


def test_clip_text_never_cuts_inside_a_word():
    from hijra_audio.publish.feed import clip_text

    text = " ".join(f"كلمة{i}" for i in range(2000))
    for limit in range(50, 4000, 97):
        kept = clip_text(text, limit).removesuffix("…").rstrip()
        assert text.startswith(kept) and text[len(kept)] == " "


# --- show notes: small by default, the whole text on the page ---------------------------------------

SECTIONS = "\n".join(
    f"## {heading}\n" + " ".join(f"{sentence} {n}." for n in range(1, 13))
    for heading, sentence in [("الإذن بالهجرة", "أذن النبي صلى الله عليه وسلم لأصحابه بالهجرة إلى المدينة"),
                              ("ليلة الخروج", "خرج النبي صلى الله عليه وسلم من بيته والمشركون على الباب"),
                              ("الغار", "اختفى النبي وصاحبه في غار ثور ثلاث ليال حتى هدأ الطلب"),
                              ("سراقة", "لحق سراقة بن مالك بالنبي وصاحبه فساخت قوائم فرسه في الأرض"),
                              ("قباء", "نزل النبي صلى الله عليه وسلم بقباء أياما وأسس مسجدها الأول")]) + "\n"
APPLE_TAGS = {"p", "ul", "ol", "li", "a"}       # what Apple's apps render of episode notes


def _sections_show(tmp_path: Path, **keys) -> Path:
    """A show of five titled sections, two or three to an episode, served from an https address."""
    (tmp_path / "talk.txt").write_text(SECTIONS, encoding="utf-8")
    extra = "".join(f"{key} = {json.dumps(value)}\n" for key, value in keys.items())
    config = tmp_path / "podcast.toml"
    config.write_text('title = "الهجرة"\ndescription = "السيرة."\nbase_url = "https://example.org/hijra/"\n'
                      'narration = ["talk.txt"]\nepisode_minutes = 0.9\n' + extra, encoding="utf-8")
    return config


def feed_problems(data: bytes) -> list[str]:
    """What the W3C feed validator and Apple's feed checks would refuse, checked here (the validator
    itself is an online service): the required RSS 2.0 and iTunes elements, absolute links, and
    item text that is well-formed HTML in CDATA."""
    tree = etree.fromstring(data)
    problems = []
    channel = tree.find("channel")
    for path in ("title", "link", "description", "language", "itunes:image/@href", "itunes:category/@text",
                 "itunes:explicit", "atom:link[@rel='self']/@href"):
        if not channel.xpath(path, namespaces=NS):
            problems.append(f"channel: no {path}")
    for number, item in enumerate(channel.findall("item"), 1):
        for path in ("title", "description", "guid", "pubDate", "enclosure/@url", "enclosure/@length",
                     "enclosure/@type", "itunes:duration", "content:encoded"):
            if not item.xpath(path, namespaces=NS):
                problems.append(f"item {number}: no {path}")
        email.utils.parsedate_to_datetime(item.findtext("pubDate"))        # an RFC 822 date
        for url in item.xpath("link/text() | enclosure/@url | podcast:transcript/@url", namespaces=NS):
            if not url.startswith(("http://", "https://")):
                problems.append(f"item {number}: relative URL {url}")
        notes = item.findtext("content:encoded", namespaces=NS)
        try:
            fragment = etree.fromstring(f"<div>{notes}</div>")
        except etree.XMLSyntaxError as exc:
            problems.append(f"item {number}: content:encoded is not well-formed ({exc})")
            continue
        problems.extend(f"item {number}: relative link {a.get('href')}" for a in fragment.iter("a")
                        if not a.get("href", "").startswith(("http://", "https://")))
        if len(item.findtext("description").encode()) > DESCRIPTION_LIMIT:
            problems.append(f"item {number}: description over {DESCRIPTION_LIMIT} bytes")
    return problems


@pytest.mark.slow
def test_show_notes_link_each_episodes_anchor_on_the_page_and_its_transcript(tmp_path, fake_engine):
    out = tmp_path / "out"
    _build(out, fake_engine, _sections_show(tmp_path))
    data = (out / "feed.xml").read_bytes()
    assert feed_problems(data) == []
    page = lxml.html.parse(str(out / "index.html"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["episodes"]
    texts = {e["number"]: e["paragraphs"] for e in manifest.values()}
    items = etree.fromstring(data).xpath("//item")
    assert len(items) >= 2
    for item in items:
        number = int(item.findtext("itunes:episode", namespaces=NS))
        anchor = f"https://example.org/hijra/index.html#episode-{number}"
        transcript = _one(item, "podcast:transcript/@url")
        assert item.findtext("link") == anchor
        notes = etree.fromstring(f"<div>{item.findtext('content:encoded', namespaces=NS)}</div>")
        assert [a.get("href") for a in notes.iter("a")] == [anchor, transcript]
        assert {e.tag for e in notes.iter()} - {"div"} <= APPLE_TAGS
        assert anchor not in item.findtext("description")     # the opening only (the item's link has it)
        # the anchor is on the page, and there is the episode's whole text
        [article] = page.xpath(f"//*[@id='episode-{number}']")
        assert article.findtext("h2") == item.findtext("title")
        shown = [e.text_content() for e in article.xpath(".//details/*[self::p or self::h3]")]
        assert shown == [text for _heading, text in texts[number]]
        # the headings after the title's are listed; the rest of the text is on the page only
        headings = [text for heading, text in texts[number] if heading]
        assert notes.xpath("ul/li/text()") == headings[1:]
        assert texts[number][-1][1] not in item.findtext("description") + etree.tostring(notes, encoding=str)
    parsed = podcastparser.parse("https://example.org/hijra/feed.xml", io.BytesIO(data))
    for episode in parsed["episodes"]:
        assert episode["link"].startswith("https://example.org/hijra/index.html#episode-")
        assert f'href="{episode["link"]}"' in episode["description_html"]
    fp = feedparser.parse(data)
    assert not fp.bozo
    assert [e.link for e in fp.entries] == [i.findtext("link") for i in items]
    assert all(e.link in e.content[0].value for e in fp.entries)


def _item_text(out: Path) -> list[tuple[str, str]]:
    tree = _tree(out)
    return [(i.findtext("description"), i.findtext("content:encoded", namespaces=NS)) for i in tree.xpath("//item")]


@pytest.mark.slow
def test_show_notes_full_is_the_whole_text_as_before(tmp_path, fake_engine):
    out = tmp_path / "out"
    _build(out, fake_engine, _sections_show(tmp_path, show_notes="full"))
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["episodes"]
    expected = []
    for entry in sorted(manifest.values(), key=lambda e: e["number"]):
        paragraphs = tuple((bool(heading), text) for heading, text in entry["paragraphs"])
        expected.append((clip_text("\n".join(text for _heading, text in paragraphs)), notes_html(paragraphs)))
    assert _item_text(out) == expected
    assert _tree(out).xpath("//item/link") == []
    assert feed_problems((out / "feed.xml").read_bytes()) == []


def _published(out: Path) -> list[tuple]:
    """What tells an app which episodes it has: guid, date, enclosure, duration, number, title."""
    return [(i.findtext("guid"), i.findtext("pubDate"), dict(i.find("enclosure").attrib),
             i.findtext("itunes:duration", namespaces=NS), i.findtext("itunes:episode", namespaces=NS),
             i.findtext("title")) for i in _tree(out).xpath("//item")]


@pytest.mark.slow
def test_short_show_notes_leave_guids_dates_and_enclosures_as_they_were(tmp_path, fake_engine, tree_snapshot):
    """A show built with the whole text in its feed (as every feed was before show_notes) and built
    again with the default: apps see the same episodes, and no audio is made again."""
    out = tmp_path / "out"
    config = _sections_show(tmp_path, show_notes="full")
    _build(out, fake_engine, config)
    before, full_feed = _published(out), (out / "feed.xml").read_bytes()
    audio = {name: value for name, value in tree_snapshot(out).items() if name.endswith(".mp3")}
    config.write_text(config.read_text(encoding="utf-8").replace('show_notes = "full"\n', ""), encoding="utf-8")
    report = _build(out, fake_engine, config)
    assert "built" not in {e.action for e in report.episodes}
    assert _published(out) == before
    assert {n: v for n, v in tree_snapshot(out).items() if n.endswith(".mp3")} == audio
    short_feed = (out / "feed.xml").read_bytes()
    assert len(short_feed) < len(full_feed)
    config.write_text(config.read_text(encoding="utf-8") + 'show_notes = "full"\n', encoding="utf-8")
    _build(out, fake_engine, config)
    assert (out / "feed.xml").read_bytes() == full_feed          # and back, byte for byte


@pytest.mark.slow
def test_a_build_warns_about_the_feed_it_wrote(tmp_path, fake_engine, monkeypatch):
    from hijra_audio.publish import check

    monkeypatch.setattr(check, "FEED_LIMIT", 3000)      # the show is small: a small limit stands for 1 MB
    out = tmp_path / "out"
    report = _build(out, fake_engine, _sections_show(tmp_path, show_notes="full"))
    [warning] = [w for w in report.warnings if w.startswith("feed.xml is")]
    assert 'show_notes = "full"' in warning
    config = _sections_show(tmp_path)
    monkeypatch.setattr(check, "FEED_LIMIT", 1000)
    [warning] = [w for w in _build(out, fake_engine, config).warnings if w.startswith("feed.xml is")]
    assert "episode_minutes" in warning and "show_notes" not in warning
    size = (out / "feed.xml").stat().st_size
    monkeypatch.setattr(check, "FEED_LIMIT", size)
    assert not [w for w in _build(out, fake_engine, config).warnings if w.startswith("feed.xml")]
