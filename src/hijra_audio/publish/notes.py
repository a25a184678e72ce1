"""An episode's text as its feed item carries it: the `description` and the show notes
(`content:encoded`), from the paragraphs its MP3 was built from; and the text helpers the feed and
the page share (what XML cannot carry, cuts at a sentence or between words).

`show_notes = "short"` (the default) gives show notes, not the book: the feed is fetched whole on
every refresh, and apps and the services between them refuse feeds of a few megabytes (the whole
Sira's text twice over made 3.6 MB). What apps show decides the cut:
- `description`: the episode's opening, cut after a sentence within `OPENING_CHARS` characters.
  Apps show the description in the episode list (Apple: its first two or three lines) and, where
  there are no show notes, on the episode's page, beside the item's `<link>` (the feed sets it to
  the episode's anchor on the show's page: Apple's "Episode Website").
- `content:encoded`: the same opening, the episode's section headings (`In this episode:`, within
  `HEADINGS_BYTES`), and links to its whole text on the show's page (the episode's anchor) and to
  its timed transcript. Most apps show these on the episode's page in preference to the description.
Each item is then about 3 KB, whatever the episode's length (a third of it the enclosure, guid and
links every item has): some 15-20 KB of feed per hour of audio with the default 10-minute episodes,
more with shorter ones (about 28 KB with 5-minute episodes: benchmarks/speed/feed_size.py).

`show_notes = "full"` is the feed as it was before: the whole text as the description (cut to
Apple's 4,000 bytes) and all of it again as the show notes, for a small show that wants it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

DESCRIPTION_LIMIT = 4000  # bytes of UTF-8: Apple's limit for descriptions
OPENING_CHARS = 300       # the opening: a few sentences, past what an episode list shows
HEADINGS_BYTES = 800      # the list of an episode's sections (most of the Sira's take 400-900)
# The show's page and its labels are Arabic (publish/site.py); so are these.
IN_THIS_EPISODE = "في هذه الحلقة:"
MORE_SECTIONS = "وأقسام أخرى في النص الكامل"
FULL_TEXT = "النص الكامل على صفحة البرنامج"
TRANSCRIPT = "النص مع توقيته (WebVTT)"

# Characters XML 1.0 cannot carry at all (lxml refuses them): C0 controls but tab, LF, CR; lone
# surrogates; U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Where a sentence ends: its mark (and a closing quote or bracket), then a space.
_SENTENCE_END = re.compile(r"[.!?؟۔…](?:[\"'»”’)\]﴾﴿]|\s*\[[0-9: ]+\])*(?=\s)")


@dataclass(frozen=True)
class Notes:
    description: str    # plain text, within DESCRIPTION_LIMIT bytes
    html: str           # content:encoded


def xml_text(text: str) -> str:
    """`text` without the characters XML cannot carry."""
    return _NOT_XML.sub("", text)


def clip_bytes(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """`text` cut to at most `limit` bytes of UTF-8, at a character boundary, marked with `…`."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", errors="ignore").rstrip() + "…"


def clip_text(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """`text` within `limit` bytes of UTF-8 for a description: cut after its last whole sentence
    that fits (when that keeps at least half of what fits), else between words, and marked with
    `…`; never inside a word (but for a single word longer than the limit)."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = text.encode("utf-8")[: limit - len(" …".encode("utf-8"))].decode("utf-8", errors="ignore")
    ends = [m.end() for m in _SENTENCE_END.finditer(room + " ")]
    if ends and ends[-1] >= len(room) // 2:
        return room[:ends[-1]].rstrip() + " …"
    if room[len(room) - 1:].isspace() or text[len(room):len(room) + 1].isspace():
        return room.rstrip() + "…"      # the cut falls between words
    space = max(room.rfind(" "), room.rfind("\n"), room.rfind("\t"))
    if space <= 0:
        return clip_bytes(text, limit)
    return room[:space].rstrip() + "…"


def clip_chars(text: str, chars: int) -> str:
    """`text` within `chars` characters, cut as `clip_text` cuts."""
    return text if len(text) <= chars else clip_text(text, len(text[:chars].encode("utf-8")))


def notes_html(paragraphs, limit: int | None = None) -> str:
    """Show notes for `content:encoded`: each heading an escaped <h3>, each paragraph a <p>; the
    whole text, or whole blocks only within `limit` bytes. `paragraphs`: texts, or (is a heading,
    text) pairs."""
    out, used = [], 0
    for paragraph in paragraphs:
        heading, paragraph = paragraph if isinstance(paragraph, tuple) else (False, paragraph)
        tag = "h3" if heading else "p"
        block = f"<{tag}>{_html(paragraph)}</{tag}>"
        if limit is not None and used + len(block.encode("utf-8")) > limit:
            break
        out.append(block)
        used += len(block.encode("utf-8"))
    return "".join(out)


def episode_notes(paragraphs, title: str = "", *, mode: str = "short", page: str = "",
                  transcript: str = "", credit: str = "") -> Notes:
    """The description and show notes of an episode whose text is `paragraphs` ((is a heading,
    text) pairs), titled `title`; `page`: the address of its whole text (the page's anchor) and
    `transcript` of its WebVTT file, "" when there is none; `credit`: the paragraphs (a line
    each: the reciter's, the voice's) the show notes end with (the description, the episode's own
    words in an app's list, carries none). `mode`: "short" or "full" (above)."""
    paragraphs = tuple((bool(heading), xml_text(text)) for heading, text in paragraphs)
    credited = tuple((False, xml_text(line)) for line in credit.splitlines() if line.strip())
    credits = notes_html([text for _heading, text in credited])
    if mode == "full":
        text = "\n".join(text for _heading, text in paragraphs) or xml_text(title)
        return Notes(clip_text(text), notes_html(paragraphs or (text,)) + credits)
    opening = opening_paragraphs(paragraphs, OPENING_CHARS) or [xml_text(title)]
    headings = [text for heading, text in paragraphs if heading and _bare(text) != _bare(title)]
    body = notes_html(opening) + _sections(headings) + _links(page, transcript) + credits
    return Notes(clip_text("\n".join(opening)), body)


def opening_paragraphs(paragraphs, chars: int) -> list[str]:
    """The episode's first passage: the text of its first section that has text (a heading before
    it is passed over; the next heading ends it), within `chars` characters: whole paragraphs,
    the last one cut after a sentence or between words."""
    out: list[str] = []
    left = chars
    for heading, text in paragraphs:
        text = text.strip()
        if heading and out:
            break
        if heading or not text:
            continue
        if len(text) <= left:
            out.append(text)
            left -= len(text) + 1
            continue
        if not out or left >= chars // 4:      # a few words more are no use
            out.append(clip_chars(text, left))
        break
    return out


def _sections(headings: list[str]) -> str:
    items, used = [], 0
    for heading in headings:
        item = f"<li>{_html(heading)}</li>"
        if used + len(item.encode("utf-8")) > HEADINGS_BYTES:
            items.append(f"<li>{MORE_SECTIONS}</li>")
            break
        items.append(item)
        used += len(item.encode("utf-8"))
    return f"<p>{IN_THIS_EPISODE}</p><ul>{''.join(items)}</ul>" if items else ""


def _links(page: str, transcript: str) -> str:
    links = [f'<a href="{html.escape(url, quote=True)}">{label}</a>'
             for url, label in ((page, FULL_TEXT), (transcript, TRANSCRIPT)) if url]
    return f"<p>{' · '.join(links)}</p>" if links else ""


def _bare(heading: str) -> str:
    """A heading as an episode's title made from it reads (episodes.py: without its brackets)."""
    return heading.strip("()[] \n")


def _html(text: str) -> str:
    return html.escape(xml_text(text), quote=False)
