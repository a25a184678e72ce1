"""The show's web page (index.html): structure by XPath, assets beside it, and in headless Chromium."""

from __future__ import annotations

import functools
import http.client
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from lxml import html as lxml_html

from hijra_audio.config import load_config
from hijra_audio.errors import ConfigError
from hijra_audio.pipeline import BuildRequest, build
from hijra_audio.plan import plan_files
from hijra_audio.publish.site import SiteEpisode, duration_text, render_page
from hijra_audio.serve import make_server, serve_in_thread
from tests.fakes import FakeEngine

BROWSER_TIMEOUT = 60


def _build(out: Path, engine, **kw):
    return build(BuildRequest(output=out, jobs=1, engine_factory=engine, **kw))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    out = folder / "out"
    report = _build(out, functools.partial(FakeEngine, str(folder / "calls.log")))
    return out, report


@pytest.mark.slow
def test_page_structure(site):
    out, report = site
    assert report.site == out / "index.html"
    page = lxml_html.parse(str(out / "index.html")).getroot()
    config = load_config()
    assert page.get("dir") == "rtl" and page.get("lang") == "ar"
    assert page.xpath("string(//title)") == config.title
    assert page.xpath("string(//h1)") == config.title
    assert page.xpath("string(//p[@class='description'])") == config.description
    assert page.xpath("//header/img/@src") == ["cover.jpg"]
    assert 'font-family: "Amiri"' in page.xpath("string(//style)")
    assert page.xpath("//link[@rel='alternate']/@href") == ["feed.xml"]
    assert page.xpath("//section[@id='subscribe']//a/@href") == ["feed.xml"]
    assert "http://127.0.0.1:8000/feed.xml" in page.xpath("string(//section[@id='subscribe'])")

    episodes = plan_files(config).episodes
    articles = page.xpath("//article[@class='episode']")
    assert len(articles) == len(episodes) == len(report.episodes)
    for article, episode, result in zip(articles, episodes, report.episodes):
        assert article.xpath("string(h2)") == episode.title
        assert duration_text(result.duration) in article.xpath("string(span[@class='duration'])")
        audio = article.xpath("audio")[0]
        assert audio.get("controls") is not None and audio.get("preload") == "none"
        assert audio.xpath("source/@src") == [result.file.name]
        assert audio.xpath("source/@type") == ["audio/mpeg"]
        shown = "".join(article.xpath("details//text()")).split()   # blocks are a line each
        spoken = " ".join(s.display for s in episode.segments).split()
        assert shown == ["النص", *spoken]   # the summary, then every word of the transcript


@pytest.mark.slow
def test_assets_beside_the_page(site):
    out, _ = site
    import fontpkg_amiri

    source = Path(fontpkg_amiri.ROOT) / "files"
    for name in ("Amiri-Regular.ttf", "Amiri-Bold.ttf"):
        assert (out / "fonts" / name).read_bytes() == (source / name).read_bytes()
    assert "SIL OPEN FONT LICENSE" in (out / "fonts" / "OFL.txt").read_text(encoding="utf-8").upper()
    from PIL import Image

    with Image.open(out / "cover.jpg") as cover, Image.open(Path(load_config().root) / "cover.png") as given:
        assert cover.format == "JPEG" and cover.size == given.size   # the show's image, checked and served


def test_hostile_text_is_escaped_and_keeps_its_direction():
    config = load_config().with_overrides(title='A & B <script>alert("x")</script> الهجرة',
                                          description="وصف & <i>not markup</i>")
    page_text = render_page(config, [SiteEpisode(1, 'حلقة "1" & <b>Intro</b>', "episode 1.mp3", 61.4,
                                                 ((True, "عنوان <h>"), (False, "نص & English <x>")),
                                                 "episode 1.vtt")])
    assert "<script>" not in page_text
    page = lxml_html.fromstring(page_text)
    assert page.xpath("string(//h1)") == 'A & B <script>alert("x")</script> الهجرة'
    assert page.xpath("//h1/@dir") == ["auto"]
    assert page.xpath("string(//article/h2)") == 'حلقة "1" & <b>Intro</b>'
    assert page.xpath("//audio/source/@src") == ["episode%201.mp3"]
    assert page.xpath("//audio//track/@src") == ["episode%201.vtt"]
    assert page.xpath("//audio//track/@srclang") == ["ar"]
    assert page.xpath("string(//article//h3)") == "عنوان <h>"
    assert page.xpath("string(//article//p)") == "نص & English <x>"
    assert "1:01" in page.xpath("string(//span[@class='duration'])")


def test_a_left_to_right_show_gets_ltr():
    page = lxml_html.fromstring(render_page(load_config().with_overrides(language="en"), []))
    assert page.get("dir") == "ltr" and page.get("lang") == "en"


@pytest.mark.slow
def test_a_missing_cover_stops_the_build_before_the_output_is_touched(tmp_path, fake_engine, tree_snapshot):
    out = tmp_path / "out"
    _build(out, fake_engine)
    before = tree_snapshot(out)
    bundled = Path(load_config().root)
    config = tmp_path / "podcast.toml"
    config.write_text((bundled / "podcast.toml").read_text(encoding="utf-8")
                      .replace('image = "cover.png"', 'image = "nowhere.jpg"'), encoding="utf-8")
    for name in ("hijra-lecture.txt", "hijra-lecture.lexicon"):
        (tmp_path / name).write_bytes((bundled / name).read_bytes())
    with pytest.raises(ConfigError, match="nowhere.jpg: cover image not found"):
        _build(out, fake_engine, config_path=config)
    assert tree_snapshot(out) == before


@pytest.mark.parametrize("seconds, text", [(0, "0:00"), (59.6, "1:00"), (61.4, "1:01"), (3725, "1:02:05")])
def test_duration_text(seconds, text):
    assert duration_text(seconds) == text


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _browser(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
         f"--user-data-dir={profile}", "--window-size=900,1400", *args],
        capture_output=True, text=True, timeout=BROWSER_TIMEOUT)


@pytest.mark.slow   # starts a browser
def test_the_page_in_headless_chromium(site, tmp_path):
    binary = _chromium()
    if binary is None:
        pytest.skip("no chromium here (Debian: apt-get install chromium); the product never needs it")
    out, report = site
    requests: list[str] = []
    server = make_server(out, "127.0.0.1", 0, log=requests.append)
    serve_in_thread(server)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        dumped = _browser(binary, tmp_path / "profile-dom", "--dump-dom", url)
        assert dumped.returncode == 0, dumped.stderr[-2000:]
        shot = tmp_path / "index.png"
        taken = _browser(binary, tmp_path / "profile-shot", f"--screenshot={shot}", url)
        assert taken.returncode == 0 and shot.is_file(), taken.stderr[-2000:]
        print(f"\nscreenshot of the page: {shot}")

        page = lxml_html.fromstring(dumped.stdout)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["episodes"]
        titles = [e["title"] for e in sorted(manifest.values(), key=lambda e: e["number"])]
        assert [a.xpath("string(h2)") for a in page.xpath("//article")] == titles
        sources = page.xpath("//article/audio/source/@src")
        assert len(sources) == len(titles)
        for source in sources:
            target = urlsplit(urljoin(url, source))
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
            connection.request("GET", target.path, headers={"Range": "bytes=0-"})
            response = connection.getresponse()
            body = response.read()
            connection.close()
            assert response.status in (200, 206)
            assert len(body) == (out / source).stat().st_size
        # The browser itself loaded the page, its cover and its font from the server.
        fetched = " ".join(requests)
        for path in ("GET / ", "GET /cover.jpg ", "GET /fonts/Amiri-Regular.ttf "):
            assert path in fetched, requests
        assert shot.stat().st_size > 20_000   # a rendered page, not a blank one
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("text, references", [
    ("قال تعالى: ﴿بسم الله الرحمن الرحيم الحمد لله رب العالمين﴾ [1:1-2] ثم", ["1:1-2"]),
    ("﴿إلا تنصروه﴾ [9:40] و﴿كذا﴾ [2:255-3:2]", ["9:40", "2:255-3:2"]),
    ("في سنة 622 للميلاد [ليس مرجعا]", []),
])
def test_verse_references_read_left_to_right_in_the_page(text, references):
    """In right-to-left text a browser lays `[1:1-2]` out as `[2-1:1]` unless it is isolated."""
    page = lxml_html.fromstring(render_page(load_config(), [SiteEpisode(1, "حلقة", "e.mp3", 1.0, ((False, text),))]))
    [paragraph] = page.xpath("//article//p")
    assert paragraph.text_content() == text                      # the words as they were
    assert [(b.get("dir"), b.text) for b in paragraph.xpath(".//bdi")] == [("ltr", r) for r in references]
