"""Episodes -> `index.html`: the show's web page in the output folder.

Right to left (for Arabic and the other RTL languages), set in Amiri (the OFL font from the
`fontpkg-amiri` wheel, copied beside the page as a web font with its licence), with the show's
cover, title and description, each episode with its title, duration, an `<audio controls
preload="none">` player and its transcript, and the feed link with how to subscribe. Each episode
is an anchor (`#episode-3`: `episode_anchor`), where the feed's show notes send for its whole text.
Every link on the page is relative, so it works from whatever address serves the folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote

from hijra_audio.config import ShowConfig
from hijra_audio.files import atomic_write
from hijra_audio.publish.feed import feed_url, xml_text
from hijra_audio.publish.names import COVER_NAME, FEED_NAME, FONT_DIR, PAGE_NAME
from hijra_audio.text.tokens import REFERENCE

FONT_FILES = ("Amiri-Regular.ttf", "Amiri-Bold.ttf")
RTL_LANGUAGES = {"ar", "fa", "he", "ur", "ps", "sd", "ug", "yi", "dv", "ckb"}


@dataclass(frozen=True)
class SiteEpisode:
    number: int
    title: str
    file: str                                  # the MP3, relative to the output folder
    duration: float                            # seconds
    paragraphs: tuple[tuple[bool, str], ...]   # (is a heading, display text), in order
    transcript: str = ""                       # its WebVTT file when there is one
    credit: str = ""                           # lines after its text (the reciter's, the voice's), not part of it


def duration_text(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def episode_anchor(number: int) -> str:
    """The id of episode `number` on the page: the feed's show notes link to it (`#episode-3`)."""
    return f"episode-{number}"


def _font_source() -> Path | None:
    try:
        import fontpkg_amiri
    except ImportError:
        return None
    folder = Path(fontpkg_amiri.ROOT) / "files"
    return folder if all((folder / name).is_file() for name in FONT_FILES) else None


def _text(value: str) -> str:
    return escape(xml_text(value), quote=True)


# A verse reference in brackets, `[1:1-2]`: read left to right inside right-to-left text (else a
# browser lays it out as `[2-1:1]`).
_VERSE_REFERENCE = re.compile(r"\[(" + REFERENCE.pattern + r")\]")


def _paragraph(value: str) -> str:
    """A paragraph's text as HTML, its verse references isolated left to right."""
    return _VERSE_REFERENCE.sub(lambda m: f'[<bdi dir="ltr">{m.group(1)}</bdi>]', _text(value))


_STYLE = """
body { font-family: "Amiri", "Noto Naskh Arabic", "Scheherazade New", "Arial", serif; font-size: 1.15rem;
  line-height: 1.8; max-width: 46rem; margin: 0 auto; padding: 1rem; color: #1d1d1f; background: #fbf8f1; }
header { display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
header img { width: 10rem; height: 10rem; object-fit: cover; border-radius: 0.5rem; }
h1 { margin: 0; font-size: 2rem; }
.subtitle { margin: 0; color: #555; }
.episode { border-top: 1px solid #d8cfbd; padding: 0.75rem 0; }
.episode:target { background: #f3ead7; }
.episode h2 { font-size: 1.35rem; margin: 0; }
.duration { color: #555; font-size: 0.95rem; }
audio { width: 100%; margin: 0.4rem 0; }
details summary { cursor: pointer; color: #6b4f1d; }
.transcript h3 { font-size: 1.1rem; margin: 0.5rem 0 0; }
.subscribe { background: #efe7d6; padding: 0.75rem 1rem; border-radius: 0.5rem; }
.subscribe code { direction: ltr; unicode-bidi: embed; user-select: all; word-break: break-all; }
"""


def render_page(config: ShowConfig, episodes: list[SiteEpisode], *, font: bool = True) -> str:
    lang = _text(config.language or "ar")
    direction = "rtl" if (config.language or "ar").split("-")[0].lower() in RTL_LANGUAGES else "ltr"
    parts = [_head(config, lang, direction, font), _header(config)]
    url = feed_url(config)
    parts.append(f"""<section class="subscribe" id="subscribe">
<h2>الاشتراك</h2>
<p>انسخ رابط الخلاصة وأضفه في تطبيق البودكاست، من خيار «إضافة عبر رابط» (<bdi dir="ltr">Add by URL</bdi>):</p>
<p><a href="{FEED_NAME}"><code>{_text(url)}</code></a></p>
</section>
<main>""")
    parts.extend(_episode(episode, lang) for episode in episodes)
    parts.append("</main>\n</body>\n</html>\n")
    return "\n".join(parts)


def _head(config: ShowConfig, lang: str, direction: str, font: bool) -> str:
    face = ""
    if font:
        face = "\n".join(
            f'@font-face {{ font-family: "Amiri"; font-weight: {weight}; font-display: swap; '
            f'src: url("{FONT_DIR}/{name}") format("truetype"); }}'
            for name, weight in zip(FONT_FILES, ("normal", "bold")))
    return f"""<!DOCTYPE html>
<html lang="{lang}" dir="{direction}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_text(config.title)}</title>
<link rel="alternate" type="application/rss+xml" title="{_text(config.title)}" href="{FEED_NAME}">
<style>
{face}{_STYLE}</style>
</head>
<body>
<header>"""


def _header(config: ShowConfig) -> str:
    cover = config.image if "://" in config.image else COVER_NAME   # every build writes it
    parts = []
    if cover:
        parts.append(f'<img src="{_text(quote(cover, safe=":/?=&%"))}" alt="{_text(config.title)}">')
    parts.append(f'<div><h1 dir="auto">{_text(config.title)}</h1>')
    if config.subtitle:
        parts.append(f'<p class="subtitle" dir="auto">{_text(config.subtitle)}</p>')
    if config.author:
        parts.append(f'<p class="subtitle" dir="auto">{_text(config.author)}</p>')
    parts.append("</div>\n</header>")
    if config.description:
        parts.append(f'<p class="description" dir="auto">{_text(config.description)}</p>')
    return "\n".join(parts)


def _episode(episode: SiteEpisode, lang: str) -> str:
    parts = [f'<article class="episode" id="{episode_anchor(episode.number)}">',
             f'<h2 dir="auto">{_text(episode.title)}</h2>',
             f'<span class="duration">الحلقة {episode.number} · المدة '
             f'<bdi>{duration_text(episode.duration)}</bdi></span>',
             f'<audio controls preload="none"><source src="{_text(quote(episode.file))}" type="audio/mpeg">']
    if episode.transcript:
        parts.append(f'<track kind="captions" src="{_text(quote(episode.transcript))}" '
                     f'srclang="{lang}" label="{lang}" default>')
    parts.append("</audio>")
    parts.append('<details class="transcript" open><summary>النص</summary>')
    for heading, text in episode.paragraphs:
        tag = "h3" if heading else "p"
        parts.append(f'<{tag} dir="auto">{_paragraph(text)}</{tag}>')
    for line in episode.credit.splitlines():
        if line.strip():
            parts.append(f'<p class="credit" dir="auto">{_text(line)}</p>')
    parts.append("</details>\n</article>")
    return "\n".join(parts)


def write_site(config: ShowConfig, episodes: list[SiteEpisode], output: Path) -> Path:
    """Write index.html and the web font into `output` (the cover is the pipeline's cover.jpg);
    files already right are left alone."""
    output = Path(output)
    fonts = _font_source()
    if fonts is not None:
        for name in (*FONT_FILES, "LICENSE"):
            source = fonts / name if name != "LICENSE" else fonts.parent / "LICENSE"
            target = output / FONT_DIR / ("OFL.txt" if name == "LICENSE" else name)
            _copy_if_changed(source, target)
    path = output / PAGE_NAME
    data = render_page(config, episodes, font=fonts is not None).encode("utf-8")
    if not path.is_file() or path.read_bytes() != data:
        atomic_write(path, data)
    return path


def _copy_if_changed(source: Path, target: Path) -> None:
    if not source.is_file():
        return
    data = source.read_bytes()
    if target.is_file() and target.read_bytes() == data:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, data)


__all__ = ["SiteEpisode", "render_page", "write_site", "duration_text", "episode_anchor", "PAGE_NAME"]
