"""Verse references written with the sura's name: `[التوبة: 40]`, `(سورة آل عمران، الآية 3)`.

A quotation is shown with its canonical reference (`﴿...﴾ [9:40]`); when the writer put the
reference by the sura's name right after it, that one is kept and the canonical one is not added
(`quotations.mark`), so a reader does not see the same verse cited twice.
"""

from __future__ import annotations

import re

from hijra_audio.text.numbers import ascii_digits
from hijra_audio.text.quran import fold
from hijra_audio.text.tokens import LETTERS, VerseRef

# The 114 suras in order (Hafs names, as printed in the Madani mushaf), each with the other names
# writers use for it.
NAMES = (
    "الفاتحة", "البقرة", "آل عمران", "النساء", "المائدة", "الأنعام", "الأعراف", "الأنفال", "التوبة|براءة",
    "يونس", "هود", "يوسف", "الرعد", "إبراهيم", "الحجر", "النحل", "الإسراء|بني إسرائيل", "الكهف", "مريم",
    "طه", "الأنبياء", "الحج", "المؤمنون", "النور", "الفرقان", "الشعراء", "النمل", "القصص", "العنكبوت",
    "الروم", "لقمان", "السجدة", "الأحزاب", "سبأ", "فاطر", "يس", "الصافات", "ص", "الزمر", "غافر|المؤمن",
    "فصلت", "الشورى", "الزخرف", "الدخان", "الجاثية", "الأحقاف", "محمد|القتال", "الفتح", "الحجرات", "ق",
    "الذاريات", "الطور", "النجم", "القمر", "الرحمن", "الواقعة", "الحديد", "المجادلة", "الحشر",
    "الممتحنة", "الصف", "الجمعة", "المنافقون", "التغابن", "الطلاق", "التحريم", "الملك", "القلم",
    "الحاقة", "المعارج", "نوح", "الجن", "المزمل", "المدثر", "القيامة", "الإنسان|الدهر", "المرسلات",
    "النبأ", "النازعات", "عبس", "التكوير", "الانفطار", "المطففين", "الانشقاق", "البروج", "الطارق",
    "الأعلى", "الغاشية", "الفجر", "البلد", "الشمس", "الليل", "الضحى", "الشرح|الانشراح", "التين", "العلق",
    "القدر", "البينة", "الزلزلة", "العاديات", "القارعة", "التكاثر", "العصر", "الهمزة", "الفيل", "قريش",
    "الماعون", "الكوثر", "الكافرون", "النصر", "المسد|اللهب", "الإخلاص", "الفلق", "الناس",
)
_BY_NAME = {" ".join(fold(w) for w in name.split()): number
            for number, names in enumerate(NAMES, 1) for name in names.split("|")}
# [ or ( ; سورة ; the name (one or two words) ; : or ، ; آية/الآية/الآيات ; first[-last] ; ] or )
# (the name's second word is tried only when one will not do: `[التوبة الآية 40]`, `[آل عمران: 3]`)
_NAMED = re.compile(rf"[\[(]\s*(?:سورة\s+)?(?P<name>[{LETTERS}]+(?:\s[{LETTERS}]+)??)\s*[:،]?\s*"
                    rf"(?:(?:ال)?[آا]ي(?:ة|ات)\s*)?(?P<first>\d{{1,3}})(?:\s?-\s?(?P<last>\d{{1,3}}))?\s*[\])]")


def named_reference(text: str) -> VerseRef | None:
    """The reference by sura name `text` starts with (`[التوبة: 40]`); None when it starts with
    none, or with a name that is no sura's."""
    m = _NAMED.match(ascii_digits(text))
    if not m:
        return None
    sura = _BY_NAME.get(" ".join(fold(w) for w in m.group("name").split()))
    if sura is None:
        return None
    first = int(m.group("first"))
    last = int(m.group("last")) if m.group("last") else first
    return VerseRef(sura, first, last, sura) if 0 < first <= last else None
