"""The hamza rule: the spelling a reader expects where a speech recognizer wrote a bare alef
(`اذن لاصحابه الى` -> `أذن لأصحابه إلى`, `ابو بكر` -> `أبو بكر`) or confused a final `ى`/`ي`
(`الي` -> `إلى`, `فى` -> `في`). A token rule: `restore(tokens) -> (tokens, changes)`.

Each word is decided, in this order, by
1. a fixed correction of the hand-written list (`data/hamza-words.txt`: `فى = في`, `حتي = حتى`);
2. context, for a few words: `الي` (`إلي` before a pause, else `إلى`), `الا` (`ألا` opening a
   sentence), and `ان` with its forms (`انه`, `وان`, `فانهم` ...): `إن` at the start of a sentence,
   after a form of `قال` (`قال أبو بكر إن`), after `حتى` and `ألا`, `فإن`, `، وإن`; `أن` right after a
   preposition or a verb of wanting, telling or fearing; otherwise the diacritizer chooses;
3. the word table (`hamza_words.py`), built when the program runs from the Tanzil Quran text
   (`data/quran/`, every spelling counted) and the hand-written list (weighted above any count),
   looked up by the word with its hamzas folded, whole or behind proclitics (`و`, `ف`, `ب`, `ل`,
   `ك`, `س`) and before a pronoun. A word found whole and spelled one way nine times in ten takes that spelling; a bare word the
   hand list gives (`ابن`, `اسم`, `امرأة`, `فلان`) stays;
4. otherwise (the table spells it several ways, knows it only behind a proclitic, does not know it,
   or knows only its bare form while it starts with an alef: the Quran's `اركب` "ride!" is a
   narrator's `أركب` "I ride" too) the spelling the diacritizer (text2tashkeel, through
   `text/diacritizer.py`) reads in a window of the sentence, when the table allows it and it gives no
   hamza to a hamzat al-wasl: the article, form X (`استغفروا`), a form I imperative after a word of
   saying (`قال اثبتوه يعني اسجنوه`).

Guards: a hamza the input has is never removed and no other letter changes (`fits_letters`);
Quran quotations and the words the lexicon corrected are left alone (a lexicon entry always wins);
a line whose writer spells hamza (two words or more with one, and no bare word the table is sure
needs one) gets only the fixed corrections, and a whole text that spells hamza (`spells_hamza`:
a typed book, not a transcript) is left exactly as written.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from hijra_audio.text.diacritizer import spelling
from hijra_audio.text.hamza_words import (
    BARE,
    HAMZA_ALEF,
    PREFIXES,
    WordTable,
    fits_letters,
    table,
)
from hijra_audio.text.sentences import ADDED_MARKS
from hijra_audio.text.tokens import COMMA, SENTENCE_END, Change, Token, split_punct, without_marks

RULE = "hamza"
SURE = 0.9                     # share of the table's spellings a word needs to take one without asking
SPELLED_LINE = 2               # words with a hamza on alef that show a line's writer spells hamza
SPELLED_TEXT = 10              # ... and a whole text's, with ten times more of them than bare words the table
                               # is sure of (`الى`): such a text is taken as written
# `إن` after these (a form of قال), `أن` after these (prepositions and verbs of wanting and fearing).
SAY = frozenset("قال فقال وقال قالت فقالت وقالت قالوا فقالوا وقالوا قلت فقلت وقلت قلنا يقول فيقول "
                "ويقول تقول يقولون أقول اقول قائل قيل فقيل وقيل".split())
THAT = frozenset("من على عن في إلى الى بعد قبل غير إلا الا لولا لو أراد اراد أرادوا ارادوا يريد "
                 "يريدون أحب احب يحب خشي يخشى خاف يخاف أمر امر أمرهم امرهم أبى ابى أبوا ابوا رأى "
                 "زعم زعموا علم يعلم ينبغي يمكن يستطيع عسى كاد أوشك اوشك رجاء مخافة خشية أرى ارى "
                 "نرى ترى يرى أرجو ارجو نرجو يرجو أردت اردت أردنا اردنا شئت أحببت احببت أمره امره "
                 "أمرها امرها أخبره اخبره أخبرهم اخبرهم أخبرني اخبرني".split())
TO_WHOM = frozenset("له لها لهم لهما لي لنا لك لكم".split())
# `ان` with its pronoun suffixes: the words decided by context.
_AN = re.compile("^(?P<pre>[وف]?)(?P<an>ان)(?P<suf>|ه|ها|هم|هما|هن|ك|كم|كما|كن|ي|ني|نا|ما)$")
# Hamzat al-wasl patterns, on the word without its proclitics.
_WASL = (
    re.compile("^ال(?:....+|.+(?:ة|ات|ين|ون|ية))$"),   # the article: الفئة، بالسنة (not ألزم، أليس)
    re.compile("^است...+"),                  # form X and its masdar: استغفروا، استخراج (not أستطيع)
)


# A form I imperative with its plural, feminine or object ending (`اثبتوه`, `اركبي`, `ادخليها`),
# right after a word of saying (`قال اثبتوه يعني اسجنوه`): hamzat al-wasl, whatever the diacritizer reads.
_IMPERATIVE = re.compile("^[وف]?ا[^ا]{3}(?:وا|وه|وها|وهم|وني|ي|يه|يها|يني)$")
_BEFORE_COMMAND = SAY | frozenset("يعني يعنى أي اي يا".split())


def wasl(word: str, spelled: str) -> bool:
    """Does `spelled` put a hamza on a hamzat al-wasl of `word` (the article, forms VII, VIII, X)?"""
    for pre in sorted(PREFIXES, key=len, reverse=True):
        if word.startswith(pre) and len(word) - len(pre) >= 3:
            stem, added = word[len(pre):], spelled[len(pre):len(pre) + 1]
            if added in HAMZA_ALEF and any(p.match(stem) for p in _WASL):
                return True
            if pre:
                break
    return False


SAY_REACH = 3      # `قال أبو بكر إن`: a form of قال this many words before, in the same clause
# Formulas said after a name: the words before them are read as if they were not there
# (`قال ابن عباس رضي الله عنهما إن النبي`), unless punctuation ends them.
_AFTER_NAME = tuple(tuple(f.split()) for f in (
    "صلى الله عليه وسلم", "رضي الله عنه", "رضي الله عنها", "رضي الله عنهما", "رضي الله عنهم",
    "رحمه الله", "رحمها الله", "رحمهم الله", "عليه السلام", "عليها السلام", "عليهم السلام",
    "سبحانه وتعالى", "تبارك وتعالى", "عز وجل", "جل جلاله", "تعالى"))


_PRAYING = frozenset("اللهم ربنا نسأل نسال أسأل اسال نسألك نسالك أسألك اسالك".split())
# The prayer on the Prophet's family: `وعلى آله وصحبه`, `صلى الله عليه وآله وسلم`. The Quran, which
# the table counts, has only `إله` (a god), which there would be a jarring misreading.
_FAMILY = {"اله": ("آله", frozenset({"على", "وعلى"})), "واله": ("وآله", frozenset({"عليه", "محمد", "النبي"}))}


def _in_formula(tokens: list[Token], i: int, word: str) -> str | None:
    """The formulas told by the words around them: `آله` after `على` (the Prophet's family), not
    `إله` (a god); `آمين` ending a supplication (the line prays: `اللهم`, `نسأل الله` ...), not
    `أمين` (trustworthy); and `أستغفر الله العظيم` (I ask forgiveness), not the form X past
    `استغفر` (he asked), whose alef the rule keeps bare."""
    if word in _FAMILY and i and tokens[i - 1].core in _FAMILY[word][1]:
        return _FAMILY[word][0]
    if word in ("امين", "وامين") and (tokens[i].ends_clause or i + 1 == len(tokens) or tokens[i + 1].core == "يا") \
            and any(t.core in _PRAYING for t in tokens[:i]):
        return word[:-4] + "آمين"
    after = tuple(t.core for t in tokens[i + 1:i + 3])
    if word in ("استغفر", "واستغفر") and after == ("الله", "العظيم"):
        return word[:-6] + "أستغفر"
    return None


def _before(tokens: list[Token], i: int) -> list[Token]:
    """The SAY_REACH words before token `i`, the formulas said after a name left out."""
    out: list[Token] = []
    end = i
    while end > 0 and len(out) < SAY_REACH:
        said = next((len(f) for f in _AFTER_NAME if end >= len(f) and not tokens[end - 1].trail
                     and tuple(t.core for t in tokens[end - len(f):end]) == f), 0)
        if said:
            end -= said
            continue
        end -= 1
        out.insert(0, tokens[end])
    return out


def _an(pre: str, suf: str, before: list[Token]) -> str | None:
    """`ان` (with a proclitic `pre` and a pronoun `suf`) decided by the words before it (nearest
    last): `إن` at the start of a sentence and after a form of `قال` (`قال أبو بكر إن`), `أن`
    right after a preposition or a verb of wanting, `فإن`; None when the context does not say."""
    if before and before[-1].trail.strip()[-1:] in tuple(SENTENCE_END):
        return pre + "إن" + suf
    if not before:
        return None                  # a paragraph may go on from a line that ended with `حدثني فلان:`
    if before[-1].core in SAY or before[-1].core == "حتى":          # `حتى إن`: so much that
        return pre + "إن" + suf
    if before[-1].core in ("الا", "ألا") and (len(before) == 1 or before[-2].trail.strip()[-1:] in tuple(SENTENCE_END)):
        return pre + "إن" + suf                                       # `ألا إن` opening a sentence
    if not pre and before[-1].core in THAT and not before[-1].ends_clause:
        return "أن" + suf
    if not pre and not before[-1].ends_clause:
        # `قال أبو بكر إن`, `قال رسول الله إن`: a form of قال before its subject, but not before
        # a verb with its object (`قال له أمره أن`)
        for k in range(len(before) - 1, -1, -1):
            token = before[k]
            if token.core in SAY:
                return "إن" + suf
            if token.ends_clause and k < len(before) - 1 or token.core in THAT \
                    or token.core.endswith(("ه", "ها", "هم")) and token.core != "الله":
                break
    if pre == "ف":
        return "فإن" + suf
    if pre == "و" and before[-1].trail.strip()[-1:] in tuple(COMMA):
        return "وإن" + suf          # `، وإن`: a new clause (seven times in ten in Ibn Hisham)
    return None


@dataclass(frozen=True)
class Decision:
    spelled: str | None = None       # the word's spelling, when decided
    ask: Counter | None = None       # else the spellings the diacritizer may choose from (empty: any)


_ARTICLE = re.compile("^(?:[وف]?[بك]?ال|[وف]?لل)(?=....|.+(?:ة|ات|ين|ون|ية)$)")   # as _WASL's first


def _initial_alef(word: str) -> bool:
    """Does `word` start with an alef, behind its proclitics (`اركب`, `فاخذ`, `لاصحابه`), that is
    not the article's (`الرسول`)?"""
    return any(word[len(p):].startswith("ا") and not word[len(p):].startswith("ال")
               for p in ("", "و", "ف", "ب", "ل", "ك", "وب", "فب", "ول", "فل", "وك", "فك"))


def _open_alef(word: str) -> bool:
    """Has `word` an alef that may carry a hamza: any but the article's own (`الاصحاب` has one,
    `المدينة` none)?"""
    article = _ARTICLE.match(word)
    rest = word[article.end():] if article else word
    return "ا" in rest


def spells_hamza(text: str) -> bool:
    """Does the writer of `text` spell hamza (a typed book, not a recognizer's transcript)? Ten
    words or more with a hamza on alef, and ten times more of them than bare words the table is
    sure need one (`الى`, `ابو`), counted over the text or its first EVIDENCE such words. The hamza
    rule leaves such a text as it is written."""
    words = table()
    spelled = bare = 0
    for raw in text.split():
        word = split_punct(raw)[1]
        if any(c in word for c in HAMZA_ALEF):
            spelled += 1
            if spelled >= EVIDENCE:
                break
        elif BARE.match(word) and _sure(word, words):
            bare += 1
    return spelled >= SPELLED_TEXT and bare * 10 <= spelled


EVIDENCE = 2000     # words with a hamza on alef that settle how a long text is spelled


@lru_cache(maxsize=65536)
def _sure(word: str, words: "WordTable") -> str | None:
    """The spelling with hamza the table is sure of for the bare `word` (found whole, nine times
    in ten or more), or None."""
    if "ا" not in word:
        return None
    found, whole = words.spellings(word)
    if not found or not whole:
        return None
    top, n = found.most_common(1)[0]
    return top if top != word and n >= SURE * sum(found.values()) else None


def _decide(word: str, before: list[Token], words: WordTable, spelled_line: bool,
            pause: bool = False) -> Decision | None:
    if word in words.fixed:
        return Decision(words.fixed[word])
    if spelled_line:
        return None
    if word == "الي":
        return Decision("إلي" if pause else "إلى")
    if word == "الا" and (not before or before[-1].core in SAY or before[-1].trail.strip()[-1:] in tuple(SENTENCE_END + ":")):
        return Decision("ألا")        # `ألا إن`, `قال: ألا تعجبون`: opening a sentence, not excepting
    an = _AN.match(word)
    if an:
        pre, suf = an.group("pre"), an.group("suf")
        decided = _an(pre, suf, before)
        return Decision(decided) if decided else Decision(ask=Counter({pre + "أن" + suf: 1, pre + "إن" + suf: 1}))
    found, whole = words.spellings(word)
    if found is None:                    # unknown: the diacritizer reads it, unless its only alef
        return Decision(ask=Counter()) if _open_alef(word) else None     # is the article's (`المدينة`)
    top, n = found.most_common(1)[0]
    if top == word and word not in words.hand and _initial_alef(word):
        return Decision(ask=Counter())   # the Quran's bare `اركب` (ride!) may be another's `أركب` (I ride)
    if n >= SURE * sum(found.values()) and whole:
        return Decision(top)
    if not whole:            # known behind proclitics or before a pronoun: the word may be another one
        return Decision(ask=Counter()) if _open_alef(word) else None
    return Decision(ask=found)


def restore(tokens: list[Token], keep: frozenset = frozenset(), written: bool = False
            ) -> tuple[list[Token], list[Change]]:
    """The hamza rule over one line's tokens; `keep` holds the (line, word) places the lexicon
    corrected, left as they are; `written`: the text spells hamza (`spells_hamza`), nothing changes."""
    if written:
        return tokens, []
    words = table()
    bare_sure = hamza_words = 0
    candidates: dict[int, str] = {}
    for i, token in enumerate(tokens):
        word = _word(token)
        if not word:
            continue
        if any(c in word for c in HAMZA_ALEF):
            hamza_words += 1
        if (token.line, token.word) in keep or "ا" not in word and word not in words.fixed:
            continue
        candidates[i] = word
        if _sure(word, words):
            bare_sure += 1
    spelled_line = hamza_words >= SPELLED_LINE and not bare_sure
    decisions: dict[int, Decision] = {}
    for i, word in candidates.items():
        pause = tokens[i].ends_clause or i + 1 == len(tokens)
        formula = None if spelled_line or word in words.fixed else _in_formula(tokens, i, word)
        decision = Decision(formula) if formula else _decide(word, _before(tokens, i), words, spelled_line, pause)
        if decision is not None:
            decisions[i] = decision
    asked = [i for i, d in decisions.items() if d.spelled is None]
    # the diacritizer reads the line as this rule leaves it but for the words asked about (`فى`
    # already `في`), so that a second pass, reading the first pass's line, reads the same
    readings = _read(_respelled(tokens, candidates, decisions), asked) if asked else {}
    out = list(tokens)
    changes: list[Change] = []
    for i, decision in sorted(decisions.items()):
        word = candidates[i]
        spelled = decision.spelled
        if spelled is None:
            command = i > 0 and (tokens[i - 1].core in _BEFORE_COMMAND or tokens[i - 1].trail.endswith(":")
                                 or i > 1 and tokens[i - 1].core in TO_WHOM and tokens[i - 2].core in SAY)
            spelled = _choose(word, readings.get(i), decision.ask, command)
        if not spelled or spelled == word or not fits_letters(word, spelled):
            continue
        token = tokens[i]
        lead, core, trail = split_punct(token.display)
        display = lead + spelled + trail
        out[i] = token.with_(display=display)
        changes.append(Change(token.line, token.word, token.display, display, RULE))
    return out, changes


def _respelled(tokens: list[Token], candidates: dict[int, str], decisions: dict[int, Decision]) -> list[Token]:
    """The tokens with the spellings decided without asking put in."""
    out = list(tokens)
    for i, decision in decisions.items():
        if decision.spelled and fits_letters(candidates[i], decision.spelled):
            lead, _core, trail = split_punct(tokens[i].display)
            out[i] = tokens[i].with_(display=lead + decision.spelled + trail)
    return out


def _choose(word: str, reading: str | None, allowed: Counter | None, command: bool) -> str | None:
    """The diacritizer's reading, when the table allows it and it respects hamzat al-wasl
    (`command`: the word follows a word of saying, where `اثبتوه` is an imperative)."""
    if not reading or reading == word or not fits_letters(word, reading) or (reading[-1] != word[-1] and word[-1] != "ا"):
        return None
    if allowed:
        return reading if reading in allowed else None
    if wasl(word, reading) or command and _IMPERATIVE.match(word):
        return None
    return reading


def _word(token: Token) -> str:
    """The token's word when the rule may look at it: bare Arabic letters, no vowel marks."""
    if token.quran or token.own_speech is not None:
        return ""
    core = split_punct(token.display)[1]
    return core if BARE.match(core) else ""


WINDOW = 6      # words of context the diacritizer reads on each side of a word it is asked about


def _read(tokens: list[Token], asked: list[int]) -> dict[int, str]:
    """The diacritizer's spelling of each asked word, read in a window of its line around it."""
    spans: list[list[int]] = []
    for i in sorted(asked):
        start, end = max(0, i - WINDOW), min(len(tokens), i + WINDOW + 1)
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    readings: dict[int, str] = {}
    wanted = set(asked)
    for start, end in spans:
        pieces = [_unpunctuated(t.display) if not t.quran else "،" for t in tokens[start:end]]
        read = _spelling(" ".join(pieces)).split(" ")
        if len(read) != len(pieces):
            continue
        for k, piece in enumerate(read):
            if start + k in wanted:
                readings[start + k] = without_marks(split_punct(piece)[1])
    return readings


def _unpunctuated(display: str) -> str:
    """`display` without the marks cleaning's own punctuation puts after the word later
    (`sentences.ADDED_MARKS`), so that cleaning a cleaned text again reads it as the first time."""
    lead, core, trail = split_punct(display)
    return lead + core + trail.lstrip(ADDED_MARKS) if core else display


@lru_cache(maxsize=4096)
def _spelling(text: str) -> str:
    return spelling(text)        # the diacritizer's model loads when first asked
