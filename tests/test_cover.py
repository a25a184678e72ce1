import io

import numpy as np
import pytest
from PIL import Image

from hijra_audio.config import ShowConfig
from hijra_audio.errors import ConfigError
from hijra_audio.publish import cover


def test_generated_cover_is_3000_square_rgb_jpeg_with_the_title_drawn():
    config = ShowConfig(title="الهجرة النبوية")
    data = cover.cover_jpeg(config)
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.size == (3000, 3000) and image.mode == "RGB"
    pixels = np.asarray(image.convert("L"))
    centre = pixels[1200:1800, 500:2500]
    assert (centre > 200).mean() > 0.02        # light letters on the dark field
    assert (pixels[:100, :100] < 100).all()    # the field stays dark at the corners


def test_the_title_is_shaped_joined_and_right_to_left():
    """With raqm the word is drawn with joined letter forms: narrower than its isolated letters
    one after another, and its first letter (alef) sits at the right end."""
    from PIL import ImageDraw, ImageFont, features

    assert features.check("raqm")
    import fontpkg_amiri

    font = ImageFont.truetype(str(fontpkg_amiri.ROOT / "files" / "Amiri-Bold.ttf"), 200,
                              layout_engine=ImageFont.Layout.RAQM)
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    word = "الهجرة"
    joined = draw.textlength(word, font=font, direction="rtl", language="ar")
    isolated = sum(draw.textlength(letter, font=font) for letter in word)
    assert joined < isolated * 0.9
    image = Image.new("L", (1400, 300))
    ImageDraw.Draw(image).text((50, 20), word, font=font, fill=255, direction="rtl", language="ar")
    alef = Image.new("L", (1400, 300))
    ImageDraw.Draw(alef).text((50, 20), "ا", font=font, fill=255)
    columns = np.flatnonzero(np.asarray(image).any(axis=0))
    alef_width = np.flatnonzero(np.asarray(alef).any(axis=0)).size
    right = np.asarray(image)[:, columns[-1] - alef_width - 5:columns[-1] + 1]
    assert right.any()    # ink at the right end, where the first letter of the word goes
    # the alef is a tall stroke: the rightmost columns hold the tallest ink of the word
    tall = np.asarray(image)[:, columns[-1] - alef_width:columns[-1] + 1].any(axis=1).sum()
    assert tall >= np.asarray(image)[:, columns[0]:columns[0] + alef_width].any(axis=1).sum()


def test_embedded_copy_is_small():
    data = cover.embedded(cover.cover_jpeg(ShowConfig(title="الهجرة")))
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and max(image.size) <= 800 and len(data) <= 300_000


def _image(path, size, mode="RGB", kind="PNG"):
    Image.new(mode, size, "white" if mode != "CMYK" else (0, 0, 0, 0)).save(path, kind)
    return path


@pytest.mark.parametrize("size,mode,kind,message", [
    ((1400, 1500), "RGB", "PNG", "not square"),
    ((1000, 1000), "RGB", "PNG", "1400 to 3000"),
    ((3200, 3200), "RGB", "JPEG", "1400 to 3000"),
    ((1400, 1400), "RGBA", "PNG", "not RGB"),
    ((1400, 1400), "CMYK", "JPEG", "not RGB"),
    ((1400, 1400), "RGB", "GIF", "not JPEG or PNG"),
])
def test_a_cover_directories_would_refuse_is_refused(tmp_path, size, mode, kind, message):
    path = _image(tmp_path / f"c.{kind.lower()}", size, mode if kind != "GIF" else "P", kind)
    with pytest.raises(ConfigError, match=message) as info:
        cover.check_image(path)
    assert str(path) in str(info.value) and "podcast.toml" in str(info.value)


def test_a_good_user_cover_becomes_cover_jpg(tmp_path):
    _image(tmp_path / "art.png", (1400, 1400))
    config = ShowConfig(image="art.png", root=str(tmp_path))
    cover.check_image(cover.image_path(config))
    data = cover.cover_jpeg(config)
    assert Image.open(io.BytesIO(data)).format == "JPEG"
    _image(tmp_path / "art.jpg", (2000, 2000), kind="JPEG")
    config = ShowConfig(image="art.jpg", root=str(tmp_path))
    assert cover.cover_jpeg(config) == (tmp_path / "art.jpg").read_bytes()   # a JPEG is kept as it is


def test_cover_id_follows_what_the_cover_is_made_of(tmp_path):
    assert cover.cover_id(ShowConfig(title="أ")) != cover.cover_id(ShowConfig(title="ب"))
    _image(tmp_path / "art.png", (1400, 1400))
    config = ShowConfig(image="art.png", root=str(tmp_path))
    first = cover.cover_id(config)
    _image(tmp_path / "art.png", (1500, 1500))
    assert cover.cover_id(config) != first


def test_without_raqm_the_title_is_still_joined_and_right_to_left(monkeypatch):
    """Pillow's raqm layout needs the system's libfribidi; without it the cover is drawn from text
    shaped by arabic-reshaper and reordered by python-bidi (pure wheels)."""
    from PIL import ImageDraw, ImageFont, features

    real = features.check
    monkeypatch.setattr(features, "check", lambda name: False if name == "raqm" else real(name))
    layout, shape, options = cover._text_layout()
    assert layout == ImageFont.Layout.BASIC and options == {}
    import fontpkg_amiri

    font = ImageFont.truetype(str(fontpkg_amiri.ROOT / "files" / "Amiri-Bold.ttf"), 200, layout_engine=layout)
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    word = "الهجرة"
    shaped = shape(word)
    assert shaped[-1] in "\ufe8d\u0627"          # the alef, first in reading order, drawn last: at the right
    assert draw.textlength(shaped, font=font) < 0.9 * sum(draw.textlength(c, font=font) for c in word)
    image = Image.open(io.BytesIO(cover.cover_jpeg(ShowConfig(title="الهجرة النبوية"))))
    assert image.size == (3000, 3000)
    assert (np.asarray(image.convert("L"))[1200:1800, 500:2500] > 200).mean() > 0.02


TITLES = ["سيرة ابن هشام", "السيرة النبوية لابن هشام عن هجرة أبي بكر مع النبي إلى المدينة",
          "عبد الله بن أبي بكر", "الهجرة النبوية", "غزوة بدر الكبرى في رمضان"]


@pytest.mark.parametrize("title", TITLES)
@pytest.mark.parametrize("room", [2320, 1400, 900])
def test_the_cover_breaks_lines_between_words_and_never_inside_a_name(title, room):
    import fontpkg_amiri
    from PIL import Image, ImageDraw

    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font_path = str(fontpkg_amiri.ROOT / "files" / "Amiri-Bold.ttf")
    lines, font = cover._fit(draw, title, font_path, room=room, largest=420)
    assert " ".join(lines).split() == title.split()          # whole words, in order, none lost
    for line in lines[:-1]:                                    # no line ends with a word leading into the next
        last = line.split()[-1]
        assert last not in {"ابن", "بن", "أبو", "أبي", "عبد", "في", "مع", "إلى", "عن", "لابن"}, lines


def test_a_short_name_shrinks_rather_than_breaks():
    import fontpkg_amiri
    from PIL import Image, ImageDraw

    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font_path = str(fontpkg_amiri.ROOT / "files" / "Amiri-Bold.ttf")
    lines, _ = cover._fit(draw, "سيرة ابن هشام", font_path, room=900, largest=420)
    assert lines in (["سيرة ابن هشام"], ["سيرة", "ابن هشام"])   # never "سيرة ابن / هشام"


def test_a_long_title_stays_inside_the_frame():
    title = "السيرة النبوية لابن هشام عن هجرة أبي بكر مع النبي إلى المدينة"
    pixels = np.asarray(cover.generate(title, size=1000).convert("L"))
    margin = 150 * 1000 // 3000
    # outside the gold frame there is only the dark field: no letters, no rules pushed out by the text
    assert (pixels[:margin - 4] < 100).all() and (pixels[-(margin - 4):] < 100).all()
