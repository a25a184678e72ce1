"""Numbers in Arabic words, as a reader of Arabic reads them (`numerals.py` finds them in a text and
picks the reading its context asks).

Whole numbers are read in words, grouped up to the trillions (`1234` -> `ألف ومئتان وأربعة
وثلاثون`), in a case and the gender of the counted noun; longer ones, and those written with a
leading zero (`007`, a phone number), digit by digit. Ordinals (a day of a month), hours, times,
dates and decimals have their own words here.
"""

from __future__ import annotations

import re
import unicodedata

DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ANY_DIGIT = re.compile(r"\d")


def ascii_digits(text: str) -> str:
    """Every decimal digit of any script (Arabic-Indic, Persian, Devanagari, mathematical ...) as
    0-9."""
    text = text.translate(DIGITS)
    if text.isascii() or not _ANY_DIGIT.search(text):
        return text
    return _ANY_DIGIT.sub(lambda m: str(unicodedata.decimal(m.group(), 0)), text)


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
           ("مليار", "ملياران", "مليارات", "مليارا"), ("تريليون", "تريليونان", "تريليونات", "تريليونا")]
# Nominative -> genitive and accusative (duals and sound plurals; the other words show no case).
_OBLIQUE = {"اثنان": "اثنين", "اثنتان": "اثنتين", "اثنا": "اثني", "اثنتا": "اثنتي", "مئتان": "مئتين",
            **{t: t[:-2] + "ين" for t in _TENS if t},
            **{g[1]: g[1][:-2] + "ين" for g in _GROUPS}}
_CONSTRUCT = {"مئتان": "مئتا", "مئتين": "مئتي", **{g[1]: g[1][:-1] for g in _GROUPS},
              **{g[1][:-2] + "ين": g[1][:-2] + "ي" for g in _GROUPS}}
CASES = ("nominative", "genitive", "accusative")
GENDERS = ("masculine", "feminine")
# The largest number read in words: 999 trillion; longer numbers are read digit by digit.
LARGEST = 1000 ** (len(_GROUPS) + 1) - 1
DIGIT_NAMES = ("صفر", "واحد", "اثنان", "ثلاثة", "أربعة", "خمسة", "ستة", "سبعة", "ثمانية", "تسعة")


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


def _check(case: str, gender: str = "masculine") -> None:
    if case not in CASES or gender not in GENDERS:
        raise ValueError(f"case must be one of {CASES} and gender one of {GENDERS}, not {case!r}, {gender!r}")


def number_words(number: int, case: str = "nominative", gender: str = "masculine", construct: bool = False) -> str:
    """`622` -> `ستمائة واثنان وعشرون`; genitive or accusative `ستمائة واثنين وعشرين`; before a
    feminine counted noun `3` -> `ثلاث`; `construct`: the counted noun follows (`مئتا رجل`).
    One case and one gender for the whole number. Above LARGEST (999 trillion): digit by digit."""
    _check(case, gender)
    if number < 0:
        raise ValueError(f"{number}: only numbers from 0 up are spelled")
    if number > LARGEST:
        return digit_words(str(number))
    return " ".join(_in_case(_cardinal(number, gender), case, construct))


def digit_words(digits: str) -> str:
    """`0555` -> `صفر خمسة خمسة خمسة`: each digit named (a `+` is `زائد`)."""
    return " ".join("زائد" if d == "+" else DIGIT_NAMES[int(d)] for d in digits if d in "+0123456789")


def integer_words(digits: str, case: str = "nominative", gender: str = "masculine") -> str:
    """A number as written (ASCII digits): in words, or digit by digit when it has a leading zero
    or more than fifteen digits (a code, an account, a phone number)."""
    if (len(digits) > 1 and digits[0] == "0") or len(digits) > len(str(LARGEST)):
        return digit_words(digits)
    return number_words(int(digits), case, gender)


_ORDINALS = ["", "الأول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع", "العاشر"]


def ordinal_words(number: int, case: str = "nominative") -> str:
    """`12` -> `الثاني عشر`, `21` -> `الحادي والعشرون` (genitive `الحادي والعشرين`): the masculine
    definite ordinal, as a day of a month is read."""
    _check(case)
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


_HOURS = ["", "الواحدة", "الثانية", "الثالثة", "الرابعة", "الخامسة", "السادسة", "السابعة", "الثامنة", "التاسعة",
          "العاشرة"]


def hour_words(hour: int, case: str = "nominative") -> str:
    """The hour as `الساعة` is followed by it: `1` -> `الواحدة`, `11` -> `الحادية عشرة`, `21` ->
    `الحادية والعشرون`; 0 is read as twelve (`الثانية عشرة`)."""
    _check(case)
    if not 0 <= hour <= 24:
        raise ValueError(f"{hour}: hours are read from 0 to 24")
    hour = hour or 12
    if hour <= 10:
        return _HOURS[hour]
    unit = hour % 10
    first = "الحادية" if unit == 1 else _HOURS[unit]
    if hour < 20:
        return f"{first} عشرة"
    ten = "العشرين" if case != "nominative" else "العشرون"
    return ten if not unit else f"{first} و{ten}"


def counted(n: int, singular: str, dual: str, plural: str) -> str:
    """`n` of a feminine noun as counted: `دقيقة واحدة`, `دقيقتان`, `خمس دقائق`, `عشرون دقيقة`."""
    if n == 1:
        return f"{singular} واحدة"
    if n == 2:
        return dual
    noun = plural if 3 <= n % 100 <= 10 else singular
    return f"{number_words(n, gender='feminine')} {noun}"


def time_words(hour: int, minutes: int, seconds: int | None = None, case: str = "nominative") -> str:
    """`10:30` -> `العاشرة والنصف`, `9:05` -> `التاسعة وخمس دقائق`, `10:00` -> `العاشرة`."""
    words = [hour_words(hour, case)]
    if minutes == 15:
        words.append("والربع")
    elif minutes == 30:
        words.append("والنصف")
    elif minutes:
        words.append("و" + counted(minutes, "دقيقة", "دقيقتان", "دقائق"))
    if seconds:
        words.append("و" + counted(seconds, "ثانية", "ثانيتان", "ثوان"))
    return " ".join(words)


def date_words(day: int, month: int, year: int, case: str = "nominative") -> str:
    """`12/3/2020` -> `الثاني عشر من الشهر الثالث سنة ألفين وعشرين`."""
    return f"{ordinal_words(day, case)} من الشهر {ordinal_words(month, 'genitive')} سنة {number_words(year, 'genitive')}"


def decimal_words(whole: str, fraction: str, case: str = "nominative", gender: str = "masculine") -> str:
    """`3.5` -> `ثلاثة فاصلة خمسة`; a fraction with a leading zero or of more than three digits is
    read digit by digit (`0.05` -> `صفر فاصلة صفر خمسة`)."""
    if fraction[:1] == "0" or len(fraction) > 3:
        after = digit_words(fraction)
    else:
        after = number_words(int(fraction))
    return f"{integer_words(whole, case, gender)} فاصلة {after}"
