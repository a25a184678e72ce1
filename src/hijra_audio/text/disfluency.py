"""Disfluencies of transcribed speech: filled pauses, broken-off letters, repeated words and
phrases, self-repairs. Conservative: a word is only removed when it is a filler, a lone letter
that the next word starts with, or part of a stretch the speaker says again right after.

Each rule takes the tokens of one line and returns the tokens it keeps and the changes it made.
Of a repeated stretch the last saying is kept (it carries the punctuation that follows it).
Repetitions and self-repairs are only looked for in transcribed speech: a punctuated, written
line (`is_written`) keeps them.
"""

from __future__ import annotations

import re

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
# Words a speaker repeats on purpose; said twice they stay.
EMPHATIC = frozenset({
    ("رويدا",), ("اطردوه",), ("الله",), ("حقا",), ("دكا",), ("صفا",), ("قليلا",), ("شيئا",),
    ("الله", "اكبر"), ("الله", "أكبر"), ("لبيك",), ("اللهم", "لبيك"), ("يا", "رب"),
})
# اه أه آه ااه, اا, اممم ممم هممم (مم and أمم are words: مِمَّ "from what", أُمَم "nations")
_FILLER = re.compile(r"^(?:[اأآ]+ه+|ا{2,}|ا?م{3,}|ه?م{3,}|ايي+)$")
_AMBIGUOUS_FILLERS = frozenset({"ام", "أم", "اه"})   # also words (أم "or", "mother"; آه): fillers only next to one
# Lone letters that are abbreviations in written Arabic (ح for a change of chain in hadith, ص ...).
_ABBREVIATION_LETTERS = frozenset("حصعهرمق")
MAX_PHRASE = 8
_GENEALOGY = frozenset({"بن", "بنت", "ابنة"})
_NAME_LINKS = frozenset("بن ابن بنت ابنة ابو أبو ابي أبي ابا أبا".split())


def is_written(tokens: list[Token]) -> bool:
    """A punctuated line (two marks or more, one every 25 words or more) or a line of poetry is
    written text, not
    transcribed speech: its repetitions (`أحد أحد`, poetry, genealogies) are meant and kept."""
    punctuated = sum(1 for t in tokens if t.trail)
    if any(t.display in ("...", "…") for t in tokens):       # a line of poetry: two half-lines
        return True
    return punctuated >= 2 and punctuated * 25 > len(tokens)


def is_filler(token: Token, neighbours: tuple[Token | None, Token | None] = (None, None)) -> bool:
    core = token.core
    if not core or token.trail.strip("،,"):
        return False
    if core in _AMBIGUOUS_FILLERS - {"اه"}:
        return any(n is not None and n.core != core and _FILLER.match(n.core) for n in neighbours)
    return bool(_FILLER.match(core))


def filled_pauses(tokens: list[Token]) -> tuple[list[Token], list[Change]]:
    """`فخرج اه اممم الى المدينة` -> `فخرج الى المدينة`."""
    keep, changes = [], []
    for i, token in enumerate(tokens):
        before = tokens[i - 1] if i else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if is_filler(token, (before, after)):
            changes.append(_removed(token, "filled-pause"))
        else:
            keep.append(token)
    return keep, changes


def broken_letters(tokens: list[Token]) -> tuple[list[Token], list[Change]]:
    """`ك ك كاريزما` -> `كاريزما`, `ل ل الرئيس` -> `الرئيس`: a lone letter (said once or more)
    before a word that starts with it (or with ال and it)."""
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
    """May a repetition of `words` be removed? A phrase of two or more words: yes, unless it is a
    known emphatic one. One word: only a short or function word (a content word said twice may be
    emphasis: `اطردوه اطردوه`)."""
    if words in EMPHATIC or words[-1] in _NAME_LINKS or _GENEALOGY & set(words):
        return False                  # `الوليد بن الوليد بن المغيرة`, `عوف بن عبد عوف بن عبد`: names
    if len(words) > 1:
        return True
    return words[0] in FUNCTION_WORDS or len(words[0]) <= 3


def repetitions(tokens: list[Token]) -> tuple[list[Token], list[Change]]:
    """`او او معه معه رمح` -> `او معه رمح`; `لمن يأتي به حيا لمن يأتي به حيا او ميتا` ->
    `لمن يأتي به حيا او ميتا`. A stretch of up to 8 words said again at once is said once; its
    first saying must have no punctuation inside or after it (a written `لا، لا` is meant)."""
    if is_written(tokens):
        return tokens, []
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
                    if _repeatable(tuple(first)):
                        found = n
                    else:
                        kept = 2 * n          # meant: step over both sayings (`الله اكبر الله اكبر`)
                    break
        if kept:
            i += kept
        elif found:
            rule = "repeated-word" if found == 1 else "repeated-phrase"
            for k in range(i, i + found):
                removed[k] = True
                changes.append(_removed(tokens[k], rule))
            i += found
        else:
            i += 1
    return [t for t, r in zip(tokens, removed) if not r], changes


def self_repairs(tokens: list[Token]) -> tuple[list[Token], list[Change]]:
    """`امر عمه ابا امر ابن عمه` -> `امر ابن عمه`: the speaker says a word, breaks off within a
    few words, and starts again from the same word with a corrected phrase that takes up a word of
    the abandoned one. Only in unpunctuated speech (a written text is not repaired) and never
    from or on function words and name parts."""
    if not tokens or is_written(tokens):
        return tokens, []
    cores = [t.core for t in tokens]
    removed = [False] * len(tokens)
    changes: list[Change] = []
    i = 0
    while i < len(tokens):
        word = cores[i]
        cut = 0
        if len(word) >= 3 and word not in FUNCTION_WORDS and word not in NAME_WORDS:
            for j in range(i + 2, min(i + 6, len(tokens))):
                if cores[j] != word:
                    continue
                fragment, restart = cores[i + 1:j], cores[j + 1:j + 5]
                shared = (set(fragment) & set(restart)) - FUNCTION_WORDS - NAME_WORDS
                if all(fragment) and all(restart) and shared and restart and fragment[0] != restart[0] \
                        and not any(t.trail or t.quran for t in tokens[i:j + 1]):
                    cut = j
                    break
        if cut:
            for k in range(i, cut):
                removed[k] = True
                changes.append(_removed(tokens[k], "self-repair"))
            i = cut
        else:
            i += 1
    return [t for t, r in zip(tokens, removed) if not r], changes


def _removed(token: Token, rule: str) -> Change:
    return Change(token.line, token.word, token.display, "", rule)


RULES = [
    ("filled-pause", filled_pauses),
    ("broken-letter", broken_letters),
    ("repetition", repetitions),
    ("self-repair", self_repairs),
]

