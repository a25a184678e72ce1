"""Disfluencies of transcribed speech: filled pauses, broken-off letters, repeated words and
phrases, self-repairs. Conservative: a word is only removed when it is a filler, a lone letter
that the next word starts with, part of a stretch the speaker says again right after, or the
abandoned start of a self-repair that the repair nearly copies.

Each rule takes the tokens of one line (and the doublings to keep) and returns the tokens it keeps
and the changes it made. Of a repeated stretch the last saying is kept (it carries the punctuation
that follows it). Nothing is removed from written text (`is_written`: a punctuated line, poetry, a
quotation): a writer's repetition is meant. A doubling said on purpose (`رويدا رويدا`, listed in
`data/doublings.txt` and the lexicon's `+` entries) and a number said twice are kept. A self-repair
the rule is not sure of is kept and reported as a suggestion (a change of form "suggestion",
which changes no text).
"""

from __future__ import annotations

import functools
import re
from difflib import SequenceMatcher
from importlib import resources

from hijra_audio.text.quran import fold
from hijra_audio.text.tokens import Change, Token

# Particles, prepositions, pronouns and other short function words: said twice, it is a stutter.
FUNCTION_WORDS = frozenset("""
في من على الى إلى عن مع او أو ثم لا لم لن ما ان إن أن انه إنه أنه كان قد هو هي هم هن انا أنا نحن انت أنت
هذا هذه ذلك تلك التي الذي الذين فلم ولم فلما لما ولما اذا إذا فاذا فإذا اذ إذ حتى كل بعض له لها لهم
به بها بهم فيه فيها منه منها عنه عليه عليها معه معها يا و ف ب ل ك بل لكن ولكن قال فقال وقال قالوا
يعني يعنى هل بين عند الا إلا
""".split())
# Name parts and words that repeat in genealogies and formulae: never a sign of a self-repair.
NAME_WORDS = frozenset("ابن بن بنت ابو أبو ابي أبي ابا أبا عبد ام أم آل ال الله رسول النبي".split())
# Doublings: the folded words of each phrase said on purpose (`data/doublings.txt`).
Doublings = frozenset[tuple[str, ...]]


def parse_doublings(text: str) -> Doublings:
    """One doubling a line (`رويدا رويدا`), `#` comments; each as its folded words."""
    entries = set()
    for line in text.splitlines():
        words = tuple(fold(w) for w in line.split("#", 1)[0].split())
        if len(words) >= 2:
            entries.add(words)
    return frozenset(entries)


@functools.lru_cache(maxsize=1)
def bundled_doublings() -> Doublings:
    """The doublings shipped in `data/doublings.txt`."""
    return parse_doublings((resources.files("hijra_audio") / "data" / "doublings.txt").read_text(encoding="utf-8"))


# Number words (folded, with or without a leading و): said twice in a row they are kept (a year
# said `عشرين عشرين`, `ثلاثة ثلاثة` "three by three"); in a row they are a list, never a repair.
_NUMBER_WORDS = frozenset(fold(w) for w in """
واحد واحدة احد احدى اثنان اثنين اثنا اثني اثنتان اثنتين اثنتا اثنتي ثلاث ثلاثة اربع اربعة خمس
خمسة ست ستة سبع سبعة ثمان ثماني ثمانية تسع تسعة عشر عشرة عشرون عشرين ثلاثون ثلاثين اربعون
اربعين خمسون خمسين ستون ستين سبعون سبعين ثمانون ثمانين تسعون تسعين مائة مئة مئتان مئتين مائتان
مائتين ثلاثمائة اربعمائة خمسمائة ستمائة سبعمائة ثمانمائة تسعمائة الف الفان الفين الاف
""".split())
# Words that join parallel items: a stretch holding one is a list (`وإما اقتراض داخلي وإما ...`).
_CONJUNCTIONS = frozenset(fold(w) for w in "و او أو ثم إما اما وإما واما بل أم ام".split())
# اه أه آه ااه, اا, اممم ممم هممم (مم and أمم are words: مِمَّ "from what", أُمَم "nations")
_FILLER = re.compile(r"^(?:[اأآ]+ه+|ا{2,}|ا?م{3,}|ه?م{3,}|ايي+)$")
_AMBIGUOUS_FILLERS = frozenset({"ام", "أم", "اه"})   # also words (أم "or", "mother"; آه): fillers only next to one
# Lone letters that are abbreviations in written Arabic (ح for a change of chain in hadith, ص ...).
_ABBREVIATION_LETTERS = frozenset("حصعهرمق")
MAX_PHRASE = 8
_GENEALOGY = frozenset({"بن", "بنت", "ابنة"})
_NAME_LINKS = frozenset("بن ابن بنت ابنة ابو أبو ابي أبي ابا أبا".split())


_QUOTE_MARKS = "«»“”"


def is_written(tokens: list[Token]) -> bool:
    """A punctuated line (two marks or more, one every 25 words or more), a line of poetry or a
    line holding a quotation (`«...»`) is written text, not transcribed speech: its repetitions
    (`أحد أحد`, poetry, genealogies) are meant and nothing in it is removed."""
    punctuated = sum(1 for t in tokens if t.trail)
    if any(t.display in ("...", "…") for t in tokens):       # a line of poetry: two half-lines
        return True
    if any(ch in _QUOTE_MARKS for t in tokens if not t.quran for ch in t.display):
        return True
    return punctuated >= 2 and punctuated * 25 > len(tokens)


def is_number(core: str) -> bool:
    """A number in digits or in words (`622`, `عشرين`, `وثلاثة`)."""
    if core[:1].isdigit():
        return True
    folded = fold(core)
    return folded in _NUMBER_WORDS or (folded[:1] == "و" and folded[1:] in _NUMBER_WORDS)


def protected(tokens: list[Token], doublings: Doublings | None = None) -> set[int]:
    """Places of the words inside a doubling said on purpose: no rule removes them."""
    doublings = bundled_doublings() if doublings is None else doublings
    folded = [fold(t.core) for t in tokens]
    firsts = {d[0] for d in doublings}
    places: set[int] = set()
    for i, word in enumerate(folded):
        if word not in firsts:
            continue
        for d in doublings:
            if d[0] == word and tuple(folded[i:i + len(d)]) == d:
                places.update(range(i, i + len(d)))
    return places


def is_filler(token: Token, neighbours: tuple[Token | None, Token | None] = (None, None)) -> bool:
    core = token.core
    if not core or token.trail.strip("،,"):
        return False
    if core in _AMBIGUOUS_FILLERS - {"اه"}:
        return any(n is not None and n.core != core and _FILLER.match(n.core) for n in neighbours)
    return bool(_FILLER.match(core))


def filled_pauses(tokens: list[Token], doublings: Doublings | None = None) -> tuple[list[Token], list[Change]]:
    """`فخرج اه اممم الى المدينة` -> `فخرج الى المدينة`."""
    if is_written(tokens):
        return tokens, []
    keep, changes = [], []
    for i, token in enumerate(tokens):
        before = tokens[i - 1] if i else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if is_filler(token, (before, after)):
            changes.append(_removed(token, "filled-pause"))
        else:
            keep.append(token)
    return keep, changes


def broken_letters(tokens: list[Token], doublings: Doublings | None = None) -> tuple[list[Token], list[Change]]:
    """`ك ك كاريزما` -> `كاريزما`, `ل ل الرئيس` -> `الرئيس`: a lone letter (said once or more)
    before a word that starts with it (or with ال and it)."""
    if is_written(tokens):
        return tokens, []
    keep, changes = [], []
    for i, token in enumerate(tokens):
        core = token.core
        if len(core) == 1 and not token.trail and core not in _ABBREVIATION_LETTERS:
            j = i + 1
            while j < len(tokens) and tokens[j].core == core and not tokens[j].trail:
                j += 1
            following = tokens[j].core if j < len(tokens) else ""
            if len(following) > 1 and core in following[:2] and (following[0] == core or following.startswith("ال")):
                changes.append(_removed(token, "broken-letter"))
                continue
        keep.append(token)
    return keep, changes


def _repeatable(words: tuple[str, ...]) -> bool:
    """May a repetition of `words` be removed? Yes (a stutter: `قررت قررت قررت`, `القضية القضية`),
    unless it is a name (`الوليد بن الوليد بن المغيرة`) or a number said twice (`عشرين عشرين`).
    Doublings said on purpose are kept before this is asked (`protected`)."""
    if len(words) > 1 and (words[-1] in _NAME_LINKS or _GENEALOGY & set(words)):
        return False                  # `الوليد بن الوليد بن المغيرة`, `عوف بن عبد عوف بن عبد`: names
    if not any(ch.isalpha() for word in words for ch in word):
        return False                  # `👍 👍 👍`: pictures, written (never said), are not a stutter
    return not (len(words) == 1 and is_number(words[0]))


def repetitions(tokens: list[Token], doublings: Doublings | None = None) -> tuple[list[Token], list[Change]]:
    """`او او معه معه رمح` -> `او معه رمح`; `لمن يأتي به حيا لمن يأتي به حيا او ميتا` ->
    `لمن يأتي به حيا او ميتا`; `قررت قررت قررت` -> `قررت`. A stretch of up to 8 words said again
    at once is said once; its first saying must have no punctuation inside or after it (a written
    `لا، لا` is meant), and a doubling said on purpose (`رويدا رويدا`) is kept."""
    if is_written(tokens):
        return tokens, []
    keep = protected(tokens, doublings)
    cores = [t.core for t in tokens]
    removed = [False] * len(tokens)
    changes: list[Change] = []
    i = 0
    n_tokens = len(tokens)
    while i < n_tokens:
        found = kept = 0
        if cores[i]:
            for n in range(min(MAX_PHRASE, (n_tokens - i) // 2), 0, -1):
                if cores[i + n] != cores[i]:
                    continue
                first = cores[i:i + n]
                if first == cores[i + n:i + 2 * n] and all(first) \
                        and not any(t.trail for t in tokens[i:i + n]):
                    if _repeatable(tuple(first)) and not keep.intersection(range(i, i + 2 * n)):
                        found = n
                    else:
                        kept = 2 * n          # meant: step over both sayings (`الله اكبر الله اكبر`)
                    break
        if found == 1:                        # one word: all its sayings in a row at once
            run = 1
            while i + run < n_tokens and cores[i + run] == cores[i] and not tokens[i + run - 1].trail:
                run += 1
            if _meant(cores, i, run):
                changes.append(Change(tokens[i].line, tokens[i].word, " ".join(t.display for t in tokens[i:i + run]),
                                      tokens[i + run - 1].display, "repeated-word", "suggestion"))
                found, kept = 0, run
            else:
                found = run - 1
        if kept:
            i += kept
        elif found:
            rule = "repeated-word" if found == 1 or len(set(cores[i:i + found])) == 1 else "repeated-phrase"
            for k in range(i, i + found):
                removed[k] = True
                changes.append(_removed(tokens[k], rule))
            i += found
        else:
            i += 1
    return [t for t, r in zip(tokens, removed) if not r], changes


# After these a word said twice is a condition and its answer (`فإن أقاموا أقاموا بشر مقام`,
# `فلما خرج خرج إليه حمزة`), not a stutter.
_CONDITIONALS = frozenset(fold(w) for w in "إن ان فإن فان وإن وان إذا اذا فإذا فاذا وإذا واذا لما فلما ولما "
                          "متى كلما لو فلو ولو".split())
# Adverbs ending in alef that a speaker stutters (`أولا أولا أولا`): not a distributive doubling.
_ADVERBS = frozenset(fold(w) for w in "أولا ثانيا ثالثا رابعا أيضا طبعا إذا اذا هكذا كذا هذا أبدا تماما "
                     "فعلا أصلا مثلا خصوصا عموما".split())


_NAMED = frozenset({"رسول"})     # `رسول رسول الله`: the messenger of the Messenger


def _meant(cores: list[str], i: int, run: int) -> bool:
    """Is a word said `run` times from `i` meant? A name part (`رسول`) or the start of a name
    (`جمح بن عمرو عمرو بن أبي`), a condition and its answer (`فإن أقاموا أقاموا`), or said exactly twice as an
    indefinite noun (`عضوا عضوا`, `ركعة ركعة`, `ركعتين ركعتين`: one by one)."""
    word = cores[i]
    before = fold(cores[i - 1]) if i else ""
    after = cores[i + run] if i + run < len(cores) else ""
    links = _GENEALOGY | {"ابن"}
    if word in _NAMED or (before in links and after in links):
        return True
    if before in _CONDITIONALS:
        return True
    folded = fold(word)
    if run == 2 and not folded.startswith("ال") and len(folded) >= 3 and folded not in _ADVERBS \
            and folded not in FUNCTION_WORDS and folded.endswith(("ا", "ين", "ه")):
        return True
    return False


def self_repairs(tokens: list[Token], doublings: Doublings | None = None) -> tuple[list[Token], list[Change]]:
    """`امر عمه ابا امر ابن عمه علي` -> `امر ابن عمه علي`: the speaker says a word, breaks off within
    a few words, and starts again from the same word with a repair that nearly copies the abandoned
    start (`_near_copy`). Only in unpunctuated speech (a written text is not repaired), never from
    or on function words and name parts, and never in a list (`_listlike`: `زينب بنت جحش وأم حبيب
    بنت جحش`, `وإما اقتراض داخلي وإما اقتراض خارجي`). A start that looks abandoned but is not
    nearly copied, or is a list, is kept and reported as a suggestion (form "suggestion")."""
    if not tokens or is_written(tokens):
        return tokens, []
    keep = protected(tokens, doublings)
    cores = [t.core for t in tokens]
    removed = [False] * len(tokens)
    changes: list[Change] = []
    i = 0
    while i < len(tokens):
        word = cores[i]
        cut = doubt = 0
        if len(word) >= 3 and word not in FUNCTION_WORDS and word not in NAME_WORDS:
            for j in range(i + 2, min(i + 6, len(tokens))):
                if cores[j] != word:
                    continue
                fragment, restart = cores[i:j], cores[j:j + 5]
                shared = (set(fragment[1:]) & set(restart[1:])) - FUNCTION_WORDS - NAME_WORDS
                if all(fragment) and all(restart) and shared and len(restart) > 1 \
                        and fragment[1] != restart[1] and not any(t.trail or t.quran for t in tokens[i:j + 1]):
                    sure = _near_copy(fragment, restart[:len(fragment) + 1]) \
                        and not _listlike(fragment + restart[:len(fragment) + 1]) \
                        and not keep.intersection(range(i, j + len(fragment) + 1))
                    cut, doubt = (j, 0) if sure else (0, j)
                    break
        if cut:
            for k in range(i, cut):
                removed[k] = True
                changes.append(_removed(tokens[k], "self-repair"))
            i = cut
        elif doubt:
            changes.append(Change(tokens[i].line, tokens[i].word, " ".join(t.display for t in tokens[i:doubt]),
                                  "", "self-repair", "suggestion"))
            i = doubt
        else:
            i += 1
    return [t for t, r in zip(tokens, removed) if not r], changes


def _near_copy(fragment: list[str], restart: list[str]) -> bool:
    """Does `restart` nearly copy the abandoned `fragment` (both start with the same word)? Every
    word of the fragment but its last is said again in order, with at most one word put in, and
    its last word is said again too, or was broken off: one letter from a word of the repair
    (`امر عمه ابا` -> `امر ابن عمه علي`). A changed last word is a contrast, not a repair
    (`ذهب الى سوق مكة ذهب الى سوق المدينة`)."""
    head, last = [fold(w) for w in fragment[:-1]], fold(fragment[-1])
    words = [fold(w) for w in restart]
    matcher = SequenceMatcher(None, head, words, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if sum(b.size for b in blocks) != len(head) or blocks[0].a != 0 or blocks[0].b != 0:
        return False
    if blocks[-1].b + blocks[-1].size - len(head) > 1:      # more than one word put in
        return False
    used = {b.b + k for b in blocks for k in range(b.size)}
    others = [w for k, w in enumerate(words) if k not in used]
    return last in others or any(_one_letter_apart(last, w) for w in others)


def _one_letter_apart(a: str, b: str) -> bool:
    """One letter changed, added or dropped (`ابا`, `ابن`); or `a` a broken-off start of `b`."""
    if b.startswith(a) and len(a) >= 2:
        return True
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:k] + long_[k + 1:] == short for k in range(len(long_)))


def _listlike(words: list[str]) -> bool:
    """Parallel items, not a repair: a conjunction (`و`, `أو`, `وإما`, `ثم` ...) or a word joined to
    `و`/`ف`, a number (`ثلاث أربع خمس`), or a name with `بن`/`بنت`."""
    for w in words:
        f = fold(w)
        if f in _CONJUNCTIONS or f[:1] in ("و", "ف") or is_number(w) or w in _GENEALOGY:
            return True
    return False


def _removed(token: Token, rule: str) -> Change:
    return Change(token.line, token.word, token.display, "", rule)


RULES = [
    ("filled-pause", filled_pauses),
    ("broken-letter", broken_letters),
    ("repetition", repetitions),
    ("self-repair", self_repairs),
]

