"""Quran quotations in a line of words: each found in the Tanzil text (`quran.QuranIndex`) becomes
one token, the canonical text marked `﴿...﴾ [sura:aya]` for display and the diacritized verse for
speech, and the verse reference written after it (`8: 30`, `[التوبة: 40]`) is taken with it.
A cleaning rule (`clean.py`, step 3).
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from hijra_audio.text import fragments
from hijra_audio.text.numbers import ascii_digits
from hijra_audio.text.numerals import is_time
from hijra_audio.text.quran import fold, introductions
from hijra_audio.text.suras import named_reference
from hijra_audio.text.tokens import TRAILING, Change, Quoted, Token, VerseRef, split_punct

_REFERENCE_TOKENS = 4


def mark(tokens: list[Token], index, changes: list[Change], context: tuple[tuple[int, int], ...] = ()):
    """Replace each Quran quotation by one token; absorb the verse reference written after it
    (once: a reference written a few words later for the same verses is taken too). `context`:
    the Quran spans the lines just before quote (`fragments.add`)."""
    words = [t.core if not t.quran else "" for t in tokens]
    anchors = {}
    for i, t in enumerate(tokens):
        written = written_reference(tokens, i)[0] if t.display[:1].isdigit() else None
        if written:
            anchors[i] = written.verses()
    introduced = introductions(words)
    matches = index.find(words, anchors=anchors, introduced=introduced)
    matches = fragments.add(index, index.word_ids(words), matches, enclosed(tokens), introduced, context, anchors)
    refs: list[tuple[str, str]] = []
    if not matches:
        return tokens, [], refs
    out: list[Token] = []
    found: list[Token] = []
    pos = 0
    for m in matches:
        out.extend(tokens[pos:m.start])
        gap, written, used = _reference_after(tokens, m, index)
        tail = gap if gap and _verse_goes_on(tokens[m.end:m.end + gap], index, m) else 0
        qend = m.qend + tail
        reference = index.reference(m.qstart, qend)
        span, kept, end = tokens[m.start:m.end + tail], [], m.end + tail
        trail = span[-1].trail
        cited = not written and _cited_by_name(tokens, end, index.verses_of(m.qstart, qend))
        how = "announced" if m.start in introduced else ""
        if written:
            refs.append((str(written), reference))
            if written.verses() & set(index.verses_of(m.qstart, qend)):
                how = "reference"
                trail = split_punct(tokens[m.end + gap + used - 1].display)[2].lstrip("-")
                kept = tokens[m.end + tail:m.end + gap]         # words between that are not the verse's
                end = m.end + gap + used
                if kept:                                         # the reference is taken, they stay
                    reference_tokens = tokens[m.end + gap:end]
                    changes.append(Change(reference_tokens[0].line, reference_tokens[0].word,
                                          " ".join(t.display for t in reference_tokens), "", "quran"))
                    kept[-1] = kept[-1].with_(display=kept[-1].display + trail)
                    trail = span[-1].trail
                else:
                    span = tokens[m.start:end]
        quoted = Quoted(m.qstart, qend, m.matched + tail, m.errors, how)
        out.append(_quoted(index, quoted, span, trail, reference, changes, shown=not cited))
        found.append(out[-1])
        out.extend(kept)
        pos = end
    out.extend(tokens[pos:])
    return out, found, refs


_CLOSING = {"«": "»", "“": "”", "(": ")", '"': '"'}


def enclosed(tokens: list[Token]) -> dict[int, int]:
    """Runs of words between quotation marks (`«يخوف أولياءه»`): first word -> one past the last."""
    out = {}
    for i, token in enumerate(tokens):
        lead = split_punct(token.display)[0]
        closing = next((_CLOSING[c] for c in lead if c in "«“\""), None)
        if closing is None or token.quran:
            continue
        for j in range(i, min(len(tokens), i + fragments.ENCLOSED_MAX_WORDS)):
            if tokens[j].quran:
                break
            if closing in tokens[j].trail or (j > i and closing in split_punct(tokens[j].display)[0]):
                if closing in tokens[j].trail:
                    out[i] = j + 1
                break
    return out


def _cited_by_name(tokens: list[Token], start: int, verses) -> bool:
    """Do the tokens from `start` begin with a reference by sura name to one of `verses`
    (`[التوبة: 40]`)? Then it is the quotation's reference, shown as the writer wrote it."""
    if start >= len(tokens) or tokens[start].display[:1] not in "[(":
        return False
    found = named_reference(" ".join(t.display for t in tokens[start:start + 6]))
    return found is not None and bool(found.verses() & set(verses))


def _quoted(index, quoted: Quoted, span: list[Token], trail: str, reference: str,
            changes: list[Change], shown: bool = True) -> Token:
    """The one token of a quotation; quotation marks around it give way to ﴿﴾. `shown`: with
    the canonical reference (not when the writer's, by sura name, follows)."""
    for opening in split_punct(span[0].display)[0]:
        closing = _CLOSING.get(opening)
        if closing and closing in trail:
            trail = trail.replace(closing, "", 1)
    display = index.display(quoted.start, quoted.end, reference=shown) + trail
    changes.append(Change(span[0].line, span[0].word, " ".join(t.display for t in span), display, "quran"))
    return Token(display, index.speech(quoted.start, quoted.end) + trail, span[0].line, span[0].word,
                 quran=reference, quoted=quoted)


_REFERENCE_GAP = 3      # words between a quotation and the reference written for it


def _reference_after(tokens: list[Token], m, index) -> tuple[int, VerseRef | None, int]:
    """The reference written right after match `m`, or a few words later when it names the verses
    matched (`﴿...﴾ يستهزؤن 6: 10`): the words between, the reference, and its tokens."""
    written, used = written_reference(tokens, m.end)
    if written:
        return 0, written, used
    verses = set(index.verses_of(m.qstart, m.qend))
    for gap in range(1, _REFERENCE_GAP + 1):
        if m.end + gap >= len(tokens) or tokens[m.end + gap - 1].quran:
            break
        written, used = written_reference(tokens, m.end + gap)
        if written:
            return (gap, written, used) if written.verses() & verses else (0, None, 0)
    return 0, None, 0


def _verse_goes_on(between: list[Token], index, m) -> bool:
    """Are the words `between` a quotation and its reference the verse's next words, in another
    spelling (`يستهزؤن`, `وأولوا العلم`)? A quotation never runs past its last verse."""
    words = [fold(t.core) for t in between]
    last_verse = index.verse_of[m.qend - 1]
    verse_end = index.verse_start[last_verse + 1] if last_verse + 1 < len(index.verse_start) else len(index.ids)
    if not all(words) or m.qend + len(words) > verse_end:
        return False
    quran = [fold(w) for w in index.plain[m.qend:m.qend + len(words)]]
    return all(SequenceMatcher(None, a, b).ratio() >= 0.6 for a, b in zip(words, quran))


def written_reference(tokens: list[Token], start: int) -> tuple[VerseRef | None, int]:
    """A reference like `8: 30` or `52: 30- 31` right after a quotation, and the tokens it uses
    (not a time of day: `الساعة 10:30`)."""
    if start < len(tokens) and is_time(tokens[start].display, tokens[start - 1].display if start else "",
                                       tokens[start + 1].display if start + 1 < len(tokens) else ""):
        return None, 0
    for used in range(1, _REFERENCE_TOKENS + 1):
        if start + used > len(tokens):
            break
        text = " ".join(t.display for t in tokens[start:start + used])
        found = VerseRef.at_start(ascii_digits(text))
        if found and found[1] >= len(text.rstrip(TRAILING)):            # `24».`
            nxt = ascii_digits(tokens[start + used].display) if start + used < len(tokens) else ""
            if re.match(r"^-?\s?\d", nxt) and not found[0].ranged:
                continue          # `30-` `31`: the range goes on
            return found[0], used
    return None, 0


# Which quotations are matched with certainty, so that a reciter's recording may stand in for them
# (recite/): a recording where the lecturer did not quote is worse than a verse the voice reads.
# Chosen on the whole Sira without its references (benchmarks/quality/quran.py, `--recited N`).
CERTAIN_WORDS = 12        # agreeing words a quotation found by its length alone needs
CERTAIN_ANNOUNCED = 5     # ... or one announced (`قال الله تعالى:`, `فأنزل الله فيه:`)
CERTAIN_ERRORS_EVERY = 8  # and at most one slip, missing or extra word for every this many words


def certain(quoted: Quoted | None) -> bool:
    """Is the quotation certainly the verses it names? One the text marks or a written reference
    names; one announced with CERTAIN_ANNOUNCED words, or one of CERTAIN_WORDS; not too many
    slips. Shorter ones are as often a commentary that reuses the verse's words, or someone's
    saying the Quran reports (`لئن رجعنا إلى المدينة ليخرجن الأعز منها الأذل`), as a quotation."""
    if quoted is None:
        return False
    if quoted.how in ("marked", "reference"):
        return True
    enough = CERTAIN_ANNOUNCED if quoted.how == "announced" else CERTAIN_WORDS
    return quoted.matched >= enough and quoted.errors * CERTAIN_ERRORS_EVERY <= quoted.matched
