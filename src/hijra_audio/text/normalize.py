"""Unicode, letters and stray marks, and the speech forms of honorifics, numbers and verse
references: each rule a small `str -> str` function, named in `WORD_RULES` so `clean --diff` can say
which one changed a word."""

from __future__ import annotations

import re
import unicodedata

from hijra_audio.text.tokens import ARABIC_LETTER, TATWEEL, split_punct

# Zero-width and bidi controls that transcription and copy-paste leave behind:
# ZWSP, ZWNJ, ZWJ, LRM, RLM, ALM, LRE..RLO, LRI..PDI, word joiner, BOM, soft hyphen.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u2060\ufeff\u00ad]")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def remove_tatweel(text: str) -> str:
    return text.replace(TATWEEL, "")


def remove_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


# --- Word rules: applied to each word of the transcript, so `clean --diff` can say where. ---

_LATIN_PUNCT = {",": "،", ";": "؛", "?": "؟"}


def latin_punctuation(word: str) -> str:
    """`قال,` -> `قال،`: Latin comma, semicolon and question mark after an Arabic word become
    Arabic ones (after a Latin word or a number they stay)."""
    if not ARABIC_LETTER.search(word):
        return word
    end = len(word)
    while end and word[end - 1] in _LATIN_PUNCT:
        end -= 1
    return word[:end] + "".join(_LATIN_PUNCT[c] for c in word[end:])


WORD_RULES = [
    ("nfc", nfc),
    ("tatweel", remove_tatweel),
    ("invisible", remove_invisible),
    ("latin-punctuation", latin_punctuation),
]
HEADING_RULES = WORD_RULES[:3]

# --- Speech-form rules: what the engine is given; the display form keeps what was written. ---

# Honorific ligatures and the words they stand for.
HONORIFICS = {
    "\ufdfa": "صلى الله عليه وسلم",      # ﷺ
    "\ufdfb": "جل جلاله",                 # ﷻ
    "\ufdf2": "الله",                      # ﷲ
    "\ufdf3": "أكبر",                      # ﷳ
    "\ufdf4": "محمد",                      # ﷴ
    "\ufdf5": "صلعم",                      # ﷵ (abbreviation, spelled below)
    "\ufdf6": "رسول",                      # ﷶ
    "\ufdf7": "عليه",                      # ﷷ
    "\ufdf8": "وسلم",                      # ﷸ
    "\ufdf9": "صلى",                       # ﷹ
    "\ufd40": "رحمه الله",                 # ﵀
    "\ufd41": "رحمها الله",
    "\ufd42": "رحمهما الله",
    "\ufd43": "رحمهم الله",
    "\ufd44": "حفظه الله",
    "\ufd45": "حفظها الله",
    "\ufd47": "عليه السلام",               # ﵇
    "\ufd48": "عليها السلام",
    "\ufd4a": "عليهم السلام",
    "\ufd4d": "تبارك وتعالى",
    "\ufd4e": "سبحانه وتعالى",
    "\ufd4f": "عز وجل",
}
_ABBREVIATIONS = {"صلعم": "صلى الله عليه وسلم"}
_HONORIFIC = re.compile("[" + "".join(HONORIFICS) + "]")


def spell_honorifics(text: str) -> str:
    """`محمد ﷺ` -> `محمد صلى الله عليه وسلم` (speech form)."""
    text = _HONORIFIC.sub(lambda m: f" {HONORIFICS[m.group()]} ", text)
    text = " ".join(_ABBREVIATIONS.get(w, w) for w in text.split())
    return text


DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NUMBER = re.compile(r"\d+")

# --- Numbers in words, in their case and gender -------------------------------------------------
# num2words gives the nominative masculine and mis-spells some numbers (200 `مئتا`, 2000 `ألفا`,
# 11,000 `أحد عشر ألف`, 110,000 `مائة و عشرة ألف`), so the words are built here from its tables'
# words, in num2words' spelling (`مائة`, `ثلاثمائة`); the tests check them against num2words
# where it is right. `gender` is the counted noun's: a masculine noun takes `ثلاثة`, a feminine one
# `ثلاث` (3-10 take the other gender), 1 and 2 agree with it.
_ONES = {"masculine": ["", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة", "عشرة"],
         "feminine": ["", "واحدة", "اثنتان", "ثلاث", "أربع", "خمس", "ست", "سبع", "ثماني", "تسع", "عشر"]}
_ELEVEN = {"masculine": ("أحد", "عشر"), "feminine": ("إحدى", "عشرة")}
_TWELVE = {"masculine": "اثنا", "feminine": "اثنتا"}
_TENS = ["", "", "عشرون", "ثلاثون", "أربعون", "خمسون", "ستون", "سبعون", "ثمانون", "تسعون"]
_HUNDREDS = ["", "مائة", "مئتان", "ثلاثمائة", "أربعمائة", "خمسمائة", "ستمائة", "سبعمائة", "ثمانمائة", "تسعمائة"]
# one, two, three to ten, eleven and more (the counted noun after a group of thousands ...)
_GROUPS = [("ألف", "ألفان", "آلاف", "ألفا"), ("مليون", "مليونان", "ملايين", "مليونا"),
           ("مليار", "ملياران", "مليارات", "مليارا")]
# Nominative -> genitive and accusative (duals and sound plurals; the other words show no case).
_OBLIQUE = {"اثنان": "اثنين", "اثنتان": "اثنتين", "اثنا": "اثني", "اثنتا": "اثنتي", "مئتان": "مئتين",
            **{t: t[:-2] + "ين" for t in _TENS if t},
            **{g[1]: g[1][:-2] + "ين" for g in _GROUPS}}
_CONSTRUCT = {"مئتان": "مئتا", "مئتين": "مئتي", **{g[1]: g[1][:-1] for g in _GROUPS},
              **{g[1][:-2] + "ين": g[1][:-2] + "ي" for g in _GROUPS}}
CASES = ("nominative", "genitive", "accusative")
GENDERS = ("masculine", "feminine")


def _below_hundred(n: int, gender: str) -> list[str]:
    ones = _ONES[gender]
    if n <= 10:
        return [ones[n]] if n else []
    if n == 11:
        return list(_ELEVEN[gender])
    if n == 12:
        return [_TWELVE[gender], _ELEVEN[gender][1]]
    if n < 20:
        return [ones[n - 10], _ELEVEN[gender][1]]
    unit, tens = n % 10, _TENS[n // 10]
    if not unit:
        return [tens]
    first = _ELEVEN[gender][0] if unit == 1 and gender == "feminine" else ones[unit]
    return [first, "و" + tens]


def _below_thousand(n: int, gender: str) -> list[str]:
    words = [_HUNDREDS[n // 100]] if n >= 100 else []
    rest = _below_hundred(n % 100, gender)
    if words and rest:
        rest[0] = "و" + rest[0]
    return words + rest


def _cardinal(n: int, gender: str) -> list[str]:
    if n == 0:
        return ["صفر"]
    groups: list[list[str]] = []
    for level in range(len(_GROUPS), 0, -1):
        count, n = divmod(n, 1000 ** level)
        if not count:
            continue
        one, two, few, many = _GROUPS[level - 1]
        if count == 1:
            groups.append([one])
        elif count == 2:
            groups.append([two])
        elif count <= 10:
            groups.append(_below_thousand(count, "masculine") + [few])
        else:
            last = count % 100           # the noun after `مائة وعشرة` is `آلاف`, after `مائة وعشرين` `ألفا`
            noun = few if 3 <= last <= 10 else many if last >= 11 else one
            groups.append(_below_thousand(count, "masculine") + [noun])
    if n:
        groups.append(_below_thousand(n, gender))
    words = groups[0]
    for group in groups[1:]:
        words = words + ["و" + group[0]] + group[1:]
    return words


def _in_case(words: list[str], case: str, construct: bool) -> list[str]:
    out = []
    for word in words:
        prefix, bare = ("و", word[1:]) if word.startswith("و") and word[1:] in _OBLIQUE else ("", word)
        if case != "nominative":
            bare = _OBLIQUE.get(bare, bare)
        out.append(prefix + bare)
    if construct and out[-1] in _CONSTRUCT:
        out[-1] = _CONSTRUCT[out[-1]]
    return out


def number_words(number: int, case: str = "nominative", gender: str = "masculine", construct: bool = False) -> str:
    """`622` -> `ستمائة واثنان وعشرون`; genitive or accusative `ستمائة واثنين وعشرين`; before a
    feminine counted noun `3` -> `ثلاث`; `construct`: the counted noun follows (`مئتا رجل`).
    One case and one gender for the whole number."""
    if case not in CASES or gender not in GENDERS:
        raise ValueError(f"case must be one of {CASES} and gender one of {GENDERS}, not {case!r}, {gender!r}")
    if number < 0 or number >= 1000 ** (len(_GROUPS) + 1):
        raise ValueError(f"{number}: only numbers from 0 to {1000 ** (len(_GROUPS) + 1) - 1} are spelled")
    return " ".join(_in_case(_cardinal(number, gender), case, construct))


_ORDINALS = ["", "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر"]


def ordinal_words(number: int, case: str = "nominative") -> str:
    """`12` -> `الثاني عشر`, `21` -> `الحادي والعشرون` (genitive `الحادي والعشرين`): the masculine
    definite ordinal, as a day of a month is read."""
    if case not in CASES:
        raise ValueError(f"case must be one of {CASES}, not {case!r}")
    if not 1 <= number <= 99:
        raise ValueError(f"{number}: ordinals are spelled from 1 to 99")
    unit, tens = number % 10, number // 10
    first = "الحادي" if unit == 1 and number > 10 else _ORDINALS[unit]
    if number <= 10:
        return _ORDINALS[number]
    if tens == 1:
        return f"{first} عشر"
    ten = _OBLIQUE[_TENS[tens]] if case != "nominative" else _TENS[tens]
    return f"ال{ten}" if not unit else f"{first} وال{ten}"


# What decides the case: the word before the number.
_GENITIVE_BEFORE = frozenset("""
في من الى إلى على عن بعد قبل منذ مذ حتى خلال حوالي حوالى نحو قرابة بين عند مع لمدة مدة طوال طيلة
سنة عام يوم شهر ساعة قرابة زهاء ب ل ك
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


def spell_numbers(text: str, before: str = "", after: str = "") -> str:
    """Digits (Western or Arabic-Indic) to Arabic words, for the speech form, in the case the word
    before them asks (`في سنة 622` -> `في سنة ستمائة واثنين وعشرين`), in the gender of the
    counted noun after them (`3 ليال` -> `ثلاث ليال`), and a day before a month as an ordinal
    (`12 من ربيع الأول` -> `الثاني عشر من ربيع الأول`). `before` and `after` are the words around
    `text` (a word or a few)."""
    text = text.translate(DIGITS)
    if not _NUMBER.search(text):
        return text
    words = text.split()
    context_before = before.split()[-1:] if before.split() else [""]
    context_after = after.split()[:2]
    out = []
    for k, word in enumerate(words):
        m = _NUMBER.search(word)
        if not m or len(_NUMBER.findall(word)) > 1:      # `1-2`: each number alone, nominative
            out.append(_NUMBER.sub(lambda n: number_words(int(n.group())), word))
            continue
        prev = _bare(words[k - 1] if k else context_before[0])
        nxt = [_bare(w) for w in (words[k + 1:] + context_after)[:2]]
        prefix, number, suffix = word[:m.start()], int(m.group()), word[m.end():]
        case = "genitive" if prefix[-1:] in ("ب", "ل", "ك") else number_case(prev)
        day = 1 <= number <= 31 and not _bare(suffix) and bool(nxt) and (
            nxt[0] in MONTHS or (nxt[0] == "من" and len(nxt) > 1 and nxt[1] in MONTHS))
        if day:
            spoken = ordinal_words(number, case)
        else:
            gender = counted_gender(nxt[0]) if nxt and not _bare(suffix) else None
            spoken = number_words(number, case, gender or "masculine")
        out.append(prefix + spoken + suffix)
    return " ".join(out)


def _bare(word: str) -> str:
    return split_punct(word)[1]


def spell_reference(sura: int, first: int, last: int | None = None, last_sura: int | None = None) -> str:
    """`8: 30` -> `سورة ثمانية، الآية ثلاثون` (speech form of a verse reference); a range across
    suras (`2:286-3:2`) names both."""
    if last_sura is not None and last_sura != sura:
        return f"{spell_reference(sura, first)} إلى {spell_reference(last_sura, last or 1)}"
    verses = f"الآيات {number_words(first)} إلى {number_words(last)}" if last else f"الآية {number_words(first)}"
    return f"سورة {number_words(sura)}، {verses}"
