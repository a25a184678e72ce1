"""The numbers of a text, read in their context, for the speech form: which case the word before
asks, which gender the counted noun after has, whether a number is a day of a month, an hour, a
time, a date, a phone number (the words for each are `numbers.py`'s). `spell_numbers` never raises:
whatever the digits, they are read.
"""

from __future__ import annotations

import re

from hijra_audio.text.numbers import (
    ascii_digits,
    date_words,
    decimal_words,
    digit_words,
    hour_words,
    integer_words,
    ordinal_words,
    time_words,
)
from hijra_audio.text.tokens import split_punct

_ANY_DIGIT = re.compile(r"\d")

# --- The words around a number: its case, the counted noun's gender, a day, an hour --------------

# What decides the case: the word before the number.
_GENITIVE_BEFORE = frozenset("""
في من الى إلى على عن بعد قبل منذ مذ حتى خلال حوالي حوالى نحو قرابة بين عند مع لمدة مدة طوال طيلة
سنة عام يوم شهر ساعة قرابة زهاء نسبة بنسبة ب ل ك
""".split())
# `إن` and its sisters (the number is their noun), and `كان` and its sisters with a plural subject
# already said (`وكانوا 22 رجلا`: the number is the predicate).
_ACCUSATIVE_BEFORE = frozenset("إن ان أن لكن كأن ليت لعل كانوا كن صاروا أصبحوا اصبحوا أضحوا باتوا ظلوا ليسوا".split())
# Months: a number before one (`12 من ربيع الأول`) is a day, read as an ordinal.
MONTHS = frozenset("""
محرم المحرم صفر ربيع جمادى جمادي رجب شعبان رمضان شوال ذي ذو القعدة الحجة
يناير فبراير مارس أبريل ابريل مايو يونيو يوليو أغسطس اغسطس سبتمبر أكتوبر اكتوبر نوفمبر ديسمبر
كانون شباط آذار اذار نيسان أيار ايار حزيران تموز آب اب أيلول ايلول تشرين
""".split())
# Counted nouns whose gender is not told by their ending (a sound feminine plural `ات`, or `ة`).
_FEMININE_NOUNS = frozenset("""
ليال ليالي ليلة سنين سنة نساء نسوة امرأة سور سرايا بنات أخوات اخوات دقائق صلوات رسائل مدن قرى أرض
أرضين نفس أنفس انفس عين أعين اعين يد أيد ايد رجل أرجل ارجل
""".split()) - {"رجل"}
_MASCULINE_NOUNS = frozenset("رجال رجلا رجل ايام أيام يوما يوم أشهر اشهر شهور شهرا شهر أعوام اعوام عاما عام".split())
# A number after `الساعة` is an hour; `10:30` is a time (not a verse reference) after it, before
# one of these, or when written as no reference is (`9:05`, `10:30:15`).
HOUR_BEFORE = frozenset("الساعة والساعة فالساعة بالساعة الساعه".split())
TIME_OF_DAY = frozenset("صباحا صباحًا صباحاً مساء مساءً مساءا ظهرا ظهرًا عصرا عصرًا ليلا ليلًا فجرا فجرًا "
                        "ص م am pm a.m p.m".split())
_YEAR_BEFORE = frozenset("سنة عام العام لسنة لعام وسنة وعام".split())
_PROCLITIC = re.compile("[وف]?(?:[بلك]|ال|بال|لل|كال)?")


def number_case(before: str) -> str:
    """The case a number takes after the word `before`: genitive after a preposition or as the
    second term of a construct (`في`, `سنة`, `بعد` ...), accusative after `إن` and its sisters
    and as the predicate of `كانوا` and its sisters, otherwise nominative."""
    word = before.strip()
    bare = word[1:] if word[:1] in "وف" and len(word) > 2 else word       # `وفي`, `فإن`
    if word in _GENITIVE_BEFORE or bare in _GENITIVE_BEFORE:
        return "genitive"
    if word in _ACCUSATIVE_BEFORE or bare in _ACCUSATIVE_BEFORE:
        return "accusative"
    return "nominative"


def counted_gender(noun: str) -> str | None:
    """The gender of a counted noun right after a number, when it can be told (`ليال`, `سنوات`,
    `ليلة`: feminine; `أيام`, `رجلا`: masculine); None for a word that is no counted noun we know."""
    word = noun.strip()
    if word in _MASCULINE_NOUNS:
        return "masculine"
    if word in _FEMININE_NOUNS or word.endswith("ات") or (word.endswith("ة") and not word.endswith("ية")):
        return "feminine"
    return None


_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")


def is_time(word: str, before: str = "", after: str = "") -> bool:
    """Is `word` (`10:30`, `٩:٠٥`) a time of day, not a verse reference, between the words `before`
    and `after`? Yes after `الساعة`, before `صباحا`/`مساء`..., and as no reference is written:
    with seconds or a leading zero."""
    m = _TIME.fullmatch(ascii_digits(_bare(word)))
    if not m or int(m.group(1)) > 24 or int(m.group(2)) > 59 or int(m.group(3) or 0) > 59:
        return False
    written_as_time = m.group(3) is not None or m.group(1)[0] == "0" or m.group(2)[0] == "0"
    return written_as_time or _bare(_last(before)) in HOUR_BEFORE or _time_of_day(_first(after))


def _time_of_day(word: str) -> bool:
    return _bare(word).lower().rstrip(".") in TIME_OF_DAY


# --- Reading the numbers of a text ------------------------------------------------------------------

_EXPRESSION = re.compile(r"""
    (?P<date>(?P<d1>\d{1,2})(?P<s1>[/.-])(?P<m1>\d{1,2})(?P=s1)(?P<y1>\d{4})
            |(?P<y2>\d{4})(?P<s2>[/.-])(?P<m2>\d{1,2})(?P=s2)(?P<d2>\d{1,2}))(?!\d)
  | (?P<time>\d{1,2}:\d{2}(?::\d{2})?)(?![\d:])
  | (?P<phone>\+\d+(?:-\d+)*|\d+(?:-\d+){2,})(?!\d)
  | (?P<dotted>\d+(?:[.٫]\d+){2,})(?!\d)
  | (?P<pre>[%٪])?(?P<int>\d{1,3}(?:[,٬]\d{3})+(?!\d)|\d+)(?:[.٫](?P<frac>\d+))?(?P<post>[%٪])?
""", re.X)
_PLAIN = re.compile(r"\d+")
_PHONE_GROUP = re.compile(r"\+?\d+")
_PHONE_START = re.compile(r"\+\d+|0\d+")     # the first group of a phone number written in groups


def spell_numbers(text: str, before: str = "", after: str = "") -> str:
    """Digits (of any script) to Arabic words, for the speech form, in the case the word
    before them asks (`في سنة 622` -> `في سنة ستمائة واثنين وعشرين`), in the gender of the
    counted noun after them (`3 ليال` -> `ثلاث ليال`), a day before a month as an ordinal
    (`12 من ربيع الأول` -> `الثاني عشر من ربيع الأول`), and dates, times, decimals,
    percentages and phone numbers as the module docstring says. `before` and `after` are the words
    around `text` (a few: the words of a phone number written in groups are read digit by digit)."""
    text = ascii_digits(text)
    if not _ANY_DIGIT.search(text):
        return text
    words = text.split()
    earlier, later = ascii_digits(before).split(), after.split()
    out = []
    for k, word in enumerate(words):
        if _ANY_DIGIT.search(word):
            word = _spell_word(word, earlier + words[:k], words[k + 1:] + later)
        out.append(word)
    return " ".join(out)


def _spell_word(word: str, prior: list[str], following: list[str]) -> str:
    lead, core, trail = split_punct(word)
    goes_on = bool(following) and _PLAIN.fullmatch(_bare(following[0])) is not None and not trail
    if _PLAIN.fullmatch(core) and _continues_phone(prior):
        return lead + digit_words(core) + ("،" if goes_on else "") + trail     # `+966 55 123`: a pause between
    if _PHONE_START.fullmatch(core) and goes_on:
        return lead + digit_words(core) + "،" + trail
    found = list(_EXPRESSION.finditer(word))
    if len(found) != 1:                 # `1-2`, `5/7`: each alone, as it is
        return _EXPRESSION.sub(lambda m: _reading(m, "nominative", None), word)
    m = found[0]
    prefix, suffix = word[:m.start()], word[m.end():]
    glued = _PROCLITIC.fullmatch(split_punct(prefix)[1]) is not None
    prev = _bare(prior[-1]) if prior else ""
    if not glued:                       # `عام2020`: the word written against it decides
        prev = split_punct(prefix)[1]
    nxt = [_bare(w) for w in following[:2]]
    case = "genitive" if glued and re.search("[بلك]$|^لل", split_punct(prefix)[1]) else number_case(prev)
    number = int(m.group("int")) if _integer(m) and len(m.group("int")) <= 3 else None
    if number is not None and not _bare(suffix) and prev in HOUR_BEFORE and number <= 24:
        spoken = hour_words(number, case)
    elif number is not None and 1 <= number <= 31 and not _bare(suffix) and nxt and (
            nxt[0] in MONTHS or (nxt[0] == "من" and len(nxt) > 1 and nxt[1] in MONTHS)):
        spoken = ordinal_words(number, case)                         # a day of a month
    elif m.group("time") and not is_time(m.group(), prev, nxt[0] if nxt else ""):
        spoken = _PLAIN.sub(lambda n: integer_words(n.group()), m.group())
    else:
        gender = counted_gender(nxt[0]) if nxt and not _bare(suffix) else None
        spoken = _reading(m, case, gender)
    return _attach(prefix, spoken, suffix, glued, prev)


def _integer(m: re.Match) -> bool:
    """A whole number of one to three digits (`05` too: a day or an hour may be written so)."""
    return bool(m.group("int")) and not (m.group("frac") or m.group("pre") or m.group("post")) \
        and (m.group("int")[0] != "0" or len(m.group("int")) == 2)


def _reading(m: re.Match, case: str, gender: str | None) -> str:
    """The words for one expression `_EXPRESSION` found."""
    gender = gender or "masculine"
    if m.group("date"):
        day, month, year = (m.group("d1"), m.group("m1"), m.group("y1")) if m.group("d1") else \
            (m.group("d2"), m.group("m2"), m.group("y2"))
        if 1 <= int(day) <= 31 and 1 <= int(month) <= 12 and int(year):
            return date_words(int(day), int(month), int(year), case)
        return _PLAIN.sub(lambda n: integer_words(n.group()), m.group())
    if m.group("time"):
        parts = [int(p) for p in m.group("time").split(":")]
        if parts[0] <= 24 and all(p <= 59 for p in parts[1:]):
            return time_words(parts[0], parts[1], parts[2] if len(parts) > 2 else None, case)
        return _PLAIN.sub(lambda n: integer_words(n.group()), m.group())
    if m.group("phone"):
        groups = m.group("phone").split("-")
        if m.group("phone")[0] == "+" or groups[0][0] == "0" or sum(map(len, groups)) >= 7:
            return "، ".join(digit_words(g) for g in groups)
        return _PLAIN.sub(lambda n: integer_words(n.group()), m.group())
    if m.group("dotted"):
        return " نقطة ".join(integer_words(p) for p in re.split("[.٫]", m.group("dotted")))
    whole = re.sub("[,٬]", "", m.group("int"))
    words = decimal_words(whole, m.group("frac"), case, gender) if m.group("frac") else integer_words(whole, case, gender)
    return words + " بالمائة" if m.group("pre") or m.group("post") else words


def _attach(prefix: str, spoken: str, suffix: str, glued: bool, prev: str) -> str:
    """The words read, with what was written against the number: a proclitic joined (`ب2` ->
    `باثنين`), another word kept apart; `1445هـ` -> `... للهجرة`."""
    if prefix and not glued and prefix[-1:].isalpha():
        prefix += " "
    core = split_punct(suffix)[1]
    if suffix[:1].isalpha():
        if core in ("ه", "هـ"):
            suffix = " للهجرة" + suffix[len(core):]
        elif core == "م" and prev in _YEAR_BEFORE:
            suffix = " للميلاد" + suffix[len(core):]
        else:
            suffix = " " + suffix
    return prefix + spoken + suffix


def _continues_phone(prior: list[str]) -> bool:
    """Are the words just before a group of digits a phone number written in groups
    (`+966 55 123`, `0555 123`)? Its first group starts with `+` or `0`."""
    run = []
    for word in reversed(prior[-6:]):
        bare = split_punct(word)[1]
        if not _PHONE_GROUP.fullmatch(bare):
            break
        run.append(bare)
    return bool(run) and (run[-1][0] == "+" or (run[-1][0] == "0" and len(run[-1]) > 1))


def _first(text: str) -> str:
    words = text.split()
    return words[0] if words else ""


def _last(text: str) -> str:
    words = text.split()
    return words[-1] if words else ""


def _bare(word: str) -> str:
    return split_punct(word)[1]
