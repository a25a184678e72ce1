"""The show's cover art: the user's image checked, or one made from the show's title.

A user's image (`image` in podcast.toml) must be what podcast directories accept: square, 1400 to
3000 pixels a side, JPEG or PNG, RGB. It is checked while the inputs are checked, before anything
in the output folder is touched. Without one, a 3000x3000 cover is drawn with the show's title in
Arabic, shaped and right to left (Pillow's raqm layout, the Amiri font of `fontpkg-amiri`). Either
way the output folder gets `cover.jpg`, and each episode's tag embeds a copy of at most 800x800
pixels and 300 KB. Pillow is imported only when a cover is checked or made.
"""

from __future__ import annotations

import hashlib
import io
from importlib import metadata
from pathlib import Path

from hijra_audio.config import ShowConfig
from hijra_audio.errors import ConfigError

COVER_VERSION = 2            # changes when the generated cover's design changes
SIZE = 3000
MIN_SIDE, MAX_SIDE = 1400, 3000
EMBED_SIDE = 800
EMBED_MAX_BYTES = 300_000
BACKGROUND_TOP, BACKGROUND_BOTTOM = (14, 62, 54), (6, 28, 25)
GOLD = (222, 186, 110)
IVORY = (246, 240, 226)


def is_url(config: ShowConfig) -> bool:
    """An `image` given as an address (https://...) is linked as it is: not checked (no download
    happens at build time), not embedded, no cover.jpg."""
    return "://" in config.image


def image_path(config: ShowConfig) -> Path | None:
    """The user's cover file (relative to podcast.toml), or None: make one (or a URL: none)."""
    return Path(config.root or ".") / config.image if config.image and not is_url(config) else None


def check_image(path: Path) -> None:
    """Refuse a cover podcast directories would refuse, naming the file and the fix."""
    from PIL import Image, UnidentifiedImageError

    fix = "Give a square JPEG or PNG of 1400 to 3000 pixels in RGB as image = in podcast.toml, or leave image out to have one made."
    if not path.is_file():
        raise ConfigError(f"{path}: cover image not found. {fix}")
    try:
        with Image.open(path) as image:
            kind, mode, (width, height) = image.format, image.mode, image.size
    except (UnidentifiedImageError, OSError):
        raise ConfigError(f"{path}: not an image Pillow can read. {fix}") from None
    if kind not in ("JPEG", "PNG"):
        raise ConfigError(f"{path}: the cover is {kind}, not JPEG or PNG. {fix}")
    if width != height:
        raise ConfigError(f"{path}: the cover is {width}x{height}, not square. Crop it to a square. {fix}")
    if not MIN_SIDE <= width <= MAX_SIDE:
        raise ConfigError(f"{path}: the cover is {width}x{height}; it must be 1400 to 3000 pixels a side. {fix}")
    if mode != "RGB":
        raise ConfigError(f"{path}: the cover's colour mode is {mode}, not RGB. Save it as RGB "
                          f"(no alpha, no palette, no CMYK). {fix}")


def cover_id(config: ShowConfig) -> str:
    """A hash of everything the cover is made from: a change rebuilds the episodes that embed it."""
    path = image_path(config)
    h = hashlib.sha256(f"cover {COVER_VERSION}\n".encode())
    if is_url(config):
        h.update(config.image.encode())
    elif path is not None:
        h.update(path.read_bytes())
    else:
        h.update(config.title.encode())
        for package in ("pillow", "fontpkg-amiri"):
            h.update(f"{package} {metadata.version(package)}\n".encode())
    return h.hexdigest()[:16]


def cover_jpeg(config: ShowConfig) -> bytes:
    """The full-size cover as JPEG bytes: the user's JPEG as it is, a PNG converted, or one made."""
    path = image_path(config)
    if path is None:
        return _jpeg(generate(config.title), quality=90)
    check_image(path)
    data = path.read_bytes()
    if data[:3] == b"\xff\xd8\xff":
        return data
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return _jpeg(image.convert("RGB"), quality=92)


def embedded(cover: bytes) -> bytes:
    """A copy of the cover for the ID3 tag: at most 800x800 pixels and 300 KB, JPEG."""
    from PIL import Image

    with Image.open(io.BytesIO(cover)) as image:
        small = image.convert("RGB")
        small.thumbnail((EMBED_SIDE, EMBED_SIDE), Image.Resampling.LANCZOS)
    for quality in (88, 80, 70, 60, 50, 40):
        data = _jpeg(small, quality)
        if len(data) <= EMBED_MAX_BYTES:
            return data
    return data


def generate(title: str, size: int = SIZE):
    """A square cover with `title` in Arabic (Amiri, shaped, right to left) on a dark green field."""
    import fontpkg_amiri
    from PIL import Image, ImageDraw

    font_path = str(fontpkg_amiri.ROOT / "files" / "Amiri-Bold.ttf")
    scale = size / SIZE
    image = Image.new("RGB", (size, size))
    draw = ImageDraw.Draw(image)
    for y in range(size):   # a vertical gradient, one line at a time
        t = y / (size - 1)
        draw.line([(0, y), (size, y)], fill=tuple(round(a + (b - a) * t) for a, b in
                                                 zip(BACKGROUND_TOP, BACKGROUND_BOTTOM)))
    margin, width = round(150 * scale), max(2, round(14 * scale))
    draw.rectangle([margin, margin, size - margin, size - margin], outline=GOLD, width=width)
    inner = margin + round(40 * scale)
    draw.rectangle([inner, inner, size - inner, size - inner], outline=GOLD, width=max(1, width // 3))

    layout, shape, options = _text_layout()
    lines, font = _fit(draw, title, font_path, room=size - 2 * inner - round(300 * scale),
                       largest=round(420 * scale), layout=layout, shape=shape, options=options,
                       height=size - 2 * inner - round(600 * scale))
    lines = [shape(line) for line in lines]
    heights = [draw.textbbox((0, 0), line, font=font, **options)[3] for line in lines]
    gap = round(font.size * 0.35)
    total = sum(heights) + gap * (len(lines) - 1)
    y = (size - total) / 2
    for line, height in zip(lines, heights):
        draw.text((size / 2, y + height / 2), line, font=font, fill=IVORY, anchor="mm", **options)
        y += height + gap
    rule = round(500 * scale)
    for yy in ((size - total) / 2 - round(180 * scale), (size + total) / 2 + round(180 * scale)):
        draw.line([(size / 2 - rule / 2, yy), (size / 2 + rule / 2, yy)], fill=GOLD, width=width)
    return image


def _text_layout():
    """How to lay Arabic out here: Pillow's raqm layout when it has one (it loads the system's
    libfribidi), else the basic layout fed text already shaped and reordered by arabic-reshaper
    and python-bidi (pure wheels), so the letters join and read right to left either way.
    Returns (layout engine, text -> text to draw, keyword options for drawing)."""
    from PIL import ImageFont, features

    if features.check("raqm"):
        return ImageFont.Layout.RAQM, (lambda text: text), {"direction": "rtl", "language": "ar"}
    import arabic_reshaper
    from bidi import get_display

    return ImageFont.Layout.BASIC, (lambda text: get_display(arabic_reshaper.reshape(text))), {}


def _fit(draw, title: str, font_path: str, room: int, largest: int, layout=None, shape=None, options=None,
         height: int | None = None):
    """The title in as few lines as fit `room` pixels wide (and `height` high, lines and gaps
    together), at the largest size that fits. Lines
    break only between words, never after a word that leads into the next (`ابن هشام`, `أبو بكر`,
    `في المدينة`: `_phrases`); where no such breaking fits, the type shrinks instead."""
    from PIL import ImageFont

    if layout is None:
        layout, shape, options = _text_layout()
    phrases = _phrases(title.split()) or [title]
    font = None
    for size in range(largest, 60, -20):
        font = ImageFont.truetype(font_path, size, layout_engine=layout)
        widths: dict[str, float] = {}

        def width(line: str) -> float:
            if line not in widths:
                widths[line] = draw.textlength(shape(line), font=font, **options)
            return widths[line]

        ascent, descent = font.getmetrics()
        for count in range(1, min(len(phrases), 4) + 1):
            if height is not None and count * (ascent + descent) + (count - 1) * round(size * 0.35) > height:
                break
            lines = min(_splits(phrases, count), key=lambda ls: max(width(line) for line in ls))
            if max(width(line) for line in lines) <= room:
                return lines, font
    return _split(phrases, min(len(phrases), 4)), font


# Words that lead into the word after them: a name's first part (ابن هشام, أبو بكر, عبد الله),
# a preposition, "and". A line never ends with one.
_LEADS = frozenset("ابن بن بنت ابنة أبو ابو أبي ابي أم ام عبد آل ذو ذي في من إلى الى على عن مع و يا بين عند بعد قبل حتى".split())


def _phrases(words: list[str]) -> list[str]:
    """`words` grouped into the pieces a line may not break inside: each leading word joined
    with the word after it."""
    phrases: list[str] = []
    joining = False
    for word in words:
        if joining and phrases:
            phrases[-1] += " " + word
        else:
            phrases.append(word)
        # also with a one-letter prefix written onto it: لابن, وأبو, بعبد
        joining = word in _LEADS or (len(word) > 2 and word[0] in "وفبلك" and word[1:] in _LEADS)
    return phrases


def _splits(phrases: list[str], count: int):
    """Every way to set `phrases`, in order, on `count` lines."""
    from itertools import combinations

    for cuts in combinations(range(1, len(phrases)), count - 1):
        bounds = (0, *cuts, len(phrases))
        yield [" ".join(phrases[a:b]) for a, b in zip(bounds, bounds[1:])]


def _split(words: list[str], count: int) -> list[str]:
    """`words` (or phrases) in `count` lines of about the same number."""
    per = -(-len(words) // count)
    return [" ".join(words[i:i + per]) for i in range(0, len(words), per)]


def _jpeg(image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()
