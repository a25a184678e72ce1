"""Raw transcript -> clean, speakable text, in two forms.

`clean_text(raw, lexicon)` splits the transcript into lines and words (tokens) and runs small named
rules over them, in this order:

1. normalize (each word): NFC, tatweel, invisible and bidi controls, Latin punctuation;
2. lexicon corrections (both forms);
3. Quran quotations (`quotations.py`): matched against the Tanzil text and replaced by one token,
   the canonical text marked `﴿...﴾ [sura:aya]` for display and the diacritized verse for speech;
4. disfluencies: filled pauses, broken-off letters, repetitions, self-repairs (in transcribed
   speech only; doublings said on purpose kept; a doubtful self-repair is only suggested);
4b. hamza (text/hamza.py): the recognizer's bare alef and final ى/ي spelled as a reader expects,
   outside Quran quotations and the words the lexicon corrected; a text whose writer spells hamza
   is left as written;
5. speech form only: lexicon pronunciations, honorific ligatures, verse references and numbers
   spelled out;
6. punctuation of the display form, for unpunctuated (transcribed) lines only: colons before
   quotations and quoted speech, commas and full stops before clause markers, a full stop at the
   end of a paragraph.

Every change is recorded with its place (line, word), before, after and rule, for `clean --diff`.
Headings (`## `, and `# ` for a top-level section: a part of a book) are normalized and corrected
by the lexicon, nothing else; their speech form gets the pronunciations and spells honorifics and
numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hijra_audio.errors import InputError
from hijra_audio.text import disfluency, hamza, normalize, numerals, quotations, sentences
from hijra_audio.text.lexicon import Lexicon, apply_corrections, apply_pronunciations
from hijra_audio.text.quran import QuranIndex
from hijra_audio.text.tokens import (
    ARABIC_SCRIPT,
    REFERENCE,
    Change,
    Quoted,
    Token,
    VerseRef,
    join,
    split_punct,
)

HEADING = re.compile(r"^##?\s+")       # `## ` a section's heading, `# ` a top-level section's (a part)
# A quotation already marked in the text, with its reference: `﴿...﴾ [8:30]`.
_MARKED = re.compile(r"﴿[^﴾]*﴾(?:\s*\[" + REFERENCE.pattern + r"\])?\S*")
_REFERENCE_IN_MARK = re.compile(r"\[(" + REFERENCE.pattern + r")\]")
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Line:
    tokens: tuple[Token, ...]
    heading: bool = False
    top: bool = False          # a top-level heading (`# `): it opens a part of the book

    @property
    def display(self) -> str:
        return self._marked(join(self.tokens))

    @property
    def speech(self) -> str:
        return self._marked(join(self.tokens, "speech"))

    def _marked(self, text: str) -> str:
        return f"{'#' if self.top else '##'} {text}" if self.heading else text


@dataclass(frozen=True)
class Cleaned:
    lines: tuple[Line | None, ...]          # None: a blank line (a paragraph break)
    changes: tuple[Change, ...] = ()
    lexicon_unused: tuple[str, ...] = ()     # "line N: entry" for entries that never matched
    quotations: tuple[str, ...] = ()         # references of the Quran quotations found, in order
    references: tuple[tuple[str, str], ...] = field(default=())   # (reference written, reference found)

    def _text(self, form: str) -> str:
        out: list[str] = []
        for line in self.lines:
            if line is None:
                if out and out[-1] != "":
                    out.append("")
            else:
                out.append(line.display if form == "display" else line.speech)
        while out and out[-1] == "":
            out.pop()
        return "\n".join(out)

    @property
    def display(self) -> str:
        return self._text("display")

    @property
    def speech(self) -> str:
        return self._text("speech")

    def counts(self) -> dict[str, int]:
        """Changes per rule; suggestions (which change nothing) apart, as `rule (suggestion)`."""
        counts: dict[str, int] = {}
        for change in self.changes:
            key = change.rule if change.form != "suggestion" else f"{change.rule} (suggestion)"
            counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items()))


def clean(text: str, lexicon: Lexicon | None = None) -> str:
    """The display form of the cleaned text."""
    return clean_text(text, lexicon).display


MAX_DISFLUENCY_ROUNDS = 4
CONTEXT_LINES = 2      # the quotations of the lines just before are a line's context (text/fragments.py)


def clean_text(raw: str, lexicon: Lexicon | None = None, *, quran: bool = True, source: str = "") -> Cleaned:
    """Clean a transcript into display and speech forms, recording every change."""
    index = QuranIndex.load() if quran else None
    lexicon = lexicon or Lexicon()
    doublings = disfluency.bundled_doublings() | lexicon.doublings()
    uses: dict[int, int] = {}
    changes: list[Change] = []
    lines: list[Line | None] = []
    written_refs: list[tuple[str, str]] = []
    quoted: list[str] = []
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    written = hamza.spells_hamza(raw)       # a typed text that spells hamza keeps its spelling
    for number, text in enumerate(raw.split("\n"), start=1):
        heading = bool(HEADING.match(text.strip()))
        top = heading and not text.strip().startswith("##")
        if heading:
            text = HEADING.sub("", text.strip())
        tokens = _tokenize(text, number, index)
        tokens = _normalize(tokens, normalize.HEADING_RULES if heading else normalize.WORD_RULES, changes)
        if not tokens:
            lines.append(None)
            continue
        mark = len(changes)
        tokens = _run(apply_corrections, tokens, changes, lexicon, uses)
        corrected = frozenset((c.line, c.word) for c in changes[mark:])     # a lexicon entry wins
        if not heading:
            if index is not None:
                context = tuple((q.start, q.end) for line in lines[-CONTEXT_LINES:] if line
                                for t in line.tokens if (q := t.quoted) is not None)
                tokens, found, refs = quotations.mark(tokens, index, changes, context)
                quoted.extend(t.quran for t in found)
                written_refs.extend(refs)
            # Until nothing more changes: removing one repetition can join the halves of another
            # (`ذهب خرج خرج ذهب خرج`), and cleaning must give the same text when run again.
            suggested = len(changes)
            for _round in range(0 if disfluency.is_written(tokens) else MAX_DISFLUENCY_ROUNDS):   # written: kept
                before = len(tokens)
                for _name, rule in disfluency.RULES:
                    tokens = _run(rule, tokens, changes, doublings)
                if len(tokens) == before:
                    break
            changes[suggested:] = _once(changes[suggested:])      # a suggestion made again each round
        # headings too: an episode's title spelled as its text is (`الهجرة إلى المدينة`)
        tokens = _run(hamza.restore, tokens, changes, corrected, written)
        tokens = _run(apply_pronunciations, tokens, changes, lexicon, uses)
        tokens = _speech_forms(tokens, changes)
        if not heading and not disfluency.is_written(tokens):      # written text keeps its own
            for _name, rule in sentences.PUNCTUATION_RULES:
                tokens = _run(rule, tokens, changes)
        lines.append(Line(tuple(tokens), heading, top) if tokens else None)
    unused = tuple(f"line {e.line}: {e.text}" for e in sorted(lexicon.entries, key=lambda e: e.line)
                   if e.line not in uses and e.kind != "doubling")
    cleaned = Cleaned(tuple(lines), tuple(changes), unused, tuple(quoted), tuple(written_refs))
    _check(cleaned, source)
    return cleaned


def _check(cleaned: Cleaned, source: str) -> None:
    where = f"{source}: " if source else ""
    if not any(line is not None for line in cleaned.lines):
        raise InputError(f"{where}nothing left to speak after cleaning. Check the file's text.")
    letters = _LETTER.findall(cleaned.display)    # tatweel and invisible marks gone, PDF letters read
    arabic = sum(1 for c in letters if ARABIC_SCRIPT.match(c))
    if letters and arabic < 0.5 * len(letters):
        raise InputError(f"{where}only {100 * arabic // len(letters)}% of the letters are Arabic: "
                         f"hijra-audio reads Arabic narration. Check that this is the right file.")


def _once(changes: list[Change]) -> list[Change]:
    """`changes` with each suggestion listed once."""
    seen: set[Change] = set()
    out = []
    for change in changes:
        if change.form == "suggestion":
            if change in seen:
                continue
            seen.add(change)
        out.append(change)
    return out


def _run(rule, tokens, changes, *args):
    tokens, made = rule(tokens, *args)
    changes.extend(made)
    return tokens


def _tokenize(text: str, line: int, index) -> list[Token]:
    """Words split at spaces; a quotation already marked `﴿...﴾ [s:a]` stays one token."""
    tokens: list[Token] = []
    pos = 0
    word = 0
    for mark in _MARKED.finditer(text):
        for w in text[pos:mark.start()].split():
            word += 1
            tokens.append(Token(w, line=line, word=word))
        word += 1
        tokens.append(_marked(mark.group(), line, word, index))
        word += len(mark.group().split()) - 1
        pos = mark.end()
    for w in text[pos:].split():
        word += 1
        tokens.append(Token(w, line=line, word=word))
    return tokens


def _marked(text: str, line: int, word: int, index) -> Token:
    """A quotation the text already marks: its speech form is the canonical verse it names."""
    inner = text[1:text.index("﴾")]
    found = _REFERENCE_IN_MARK.search(text)
    ref = VerseRef.parse(found.group(1)) if found else None
    speech = normalize.drop_symbols(inner)      # not found in the Quran: the writer's words, said as written
    reference = found.group(1) if found else "?"
    quoted = None
    if ref and index is not None:
        last = ref.first if ref.crosses_suras else ref.last
        place = index.locate(inner.split(), ref.sura, ref.first, last)
        if place:
            speech = index.speech(*place) + _after_mark(text)
            quoted = Quoted(*place, matched=place[1] - place[0], how="marked")
    return Token(text, speech if speech != text else None, line, word, quran=reference, quoted=quoted)


def _after_mark(text: str) -> str:
    return text[text.rindex("]") + 1:] if "]" in text else text[text.rindex("﴾") + 1:]


def _normalize(tokens: list[Token], rules, changes: list[Change]) -> list[Token]:
    out = []
    for token in tokens:
        if token.quran:
            out.append(token)
            continue
        text = token.display
        for name, rule in rules:
            new = rule(text)
            if new != text:
                changes.append(Change(token.line, token.word, text, new, name))
                text = new
        for part in text.split():          # a removed invisible mark may leave two words
            out.append(token.with_(display=part))
    return out


def _speech_forms(tokens: list[Token], changes: list[Change]) -> list[Token]:
    """Honorifics, verse references and numbers spelled out in the speech form."""
    out = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.quran:
            out.append(token)
            i += 1
            continue
        written, used = quotations.written_reference(tokens, i) if token.display[:1].isdigit() else (None, 0)
        if written:
            span = tokens[i:i + used]
            trail = split_punct(span[-1].display)[2].lstrip("-")
            spoken = normalize.spell_reference(written.sura, written.first, written.last if written.ranged else None,
                                               written.last_sura) + trail
            before = " ".join(t.speech for t in span)
            changes.append(Change(token.line, token.word, before, spoken, "verse-reference", "speech"))
            out.append(Token(" ".join(t.display for t in span), spoken, token.line, token.word))
            i += used
            continue
        spoken = token.speech
        for name, rule in (("honorific", lambda text, _tokens, _i: normalize.spell_honorifics(text)),
                           ("symbol", lambda text, _tokens, _i: normalize.drop_symbols(text)),
                           ("number", _spell_numbers)):
            new = rule(spoken, tokens, i)
            if new != spoken:
                changes.append(Change(token.line, token.word, spoken, new, name, "speech"))
                spoken = new
        out.append(token.with_(own_speech=spoken) if spoken != token.speech else token)
        i += 1
    return out


def _spell_numbers(text: str, tokens: list[Token], i: int) -> str:
    """Numbers in the case and gender the words around token `i` ask for."""
    if not any(c.isdigit() for c in text):
        return text
    return numerals.spell_numbers(text, " ".join(t.display for t in tokens[max(0, i - 6):i]),
                                  " ".join(t.display for t in tokens[i + 1:i + 3]))


__all__ = ["Cleaned", "Line", "Lexicon", "Token", "Change", "clean", "clean_text"]
