"""The words of dates: month names, weekdays, relative words, as lookup tables.

``dates`` builds its patterns from these tables, so a month name, a weekday
or a relative word is added here, in ordinary spelling; every table is keyed
by the analysis form (``numbers.analysis_form``: Arabic folds, ASCII digits),
which is how text is matched. Nothing here is a pattern.
"""

from __future__ import annotations

import calendar
import re

from harness.text import hijri
from harness.text.numbers import analysis_form


def n(phrase: str) -> str:
    """A phrase in the analysis form."""
    return analysis_form(phrase).text


def alternation(phrases) -> str:
    """A regex alternation, longest first; a space matches any whitespace run."""
    escaped = {r"\s+".join(re.escape(word) for word in p.split()) for p in phrases}
    return "|".join(sorted(escaped, key=len, reverse=True))


def key(phrase: str) -> str:
    """A matched phrase with its whitespace runs as single spaces (a table key)."""
    return " ".join(phrase.split())


def words(*phrases: str) -> set[str]:
    """Phrases in the analysis form."""
    return {n(w) for w in phrases}


ARABIC_MONTHS_RAW: dict[str, int] = {
    "يناير": 1, "جانفي": 1, "فبراير": 2, "فيفري": 2, "مارس": 3,
    "أبريل": 4, "إبريل": 4, "أفريل": 4, "مايو": 5, "ماي": 5,
    "يونيو": 6, "يونيه": 6, "جوان": 6, "يوليو": 7, "يوليه": 7, "جويلية": 7, "يوليوز": 7,
    "أغسطس": 8, "أوت": 8, "غشت": 8, "سبتمبر": 9, "شتنبر": 9, "أكتوبر": 10,
    "نوفمبر": 11, "نونبر": 11, "ديسمبر": 12, "دجنبر": 12,
    "كانون الثاني": 1, "كانون ثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4,
    "أيار": 5, "حزيران": 6, "تموز": 7, "آب": 8, "أيلول": 9,
    "تشرين الأول": 10, "تشرين أول": 10, "تشرين الثاني": 11, "تشرين ثاني": 11,
    "كانون الأول": 12, "كانون أول": 12,
}
ARABIC_MONTHS: dict[str, int] = {n(name): number for name, number in ARABIC_MONTHS_RAW.items()}
#: Month names that are also common words (آب "father", مارس "he practised").
AMBIGUOUS_MONTHS = frozenset(n(w) for w in ("آب", "مارس", "نيسان", "تموز", "ماي", "جوان"))

ENGLISH_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(calendar.month_name[1:], 1):
    ENGLISH_MONTHS[_name.lower()] = _number
    ENGLISH_MONTHS[_name[:3].lower()] = _number
ENGLISH_MONTHS["sept"] = 9

WEEKDAYS_RAW = {
    "الإثنين": 0, "الاثنين": 0, "الثلاثاء": 1, "الأربعاء": 2,
    "الخميس": 3, "الجمعة": 4, "السبت": 5, "الأحد": 6,
}
WEEKDAYS: dict[str, int] = {n(name): number for name, number in WEEKDAYS_RAW.items()}


PAST = words(
    "الماضي", "الماضية", "المنصرم", "المنصرمة", "الفائت", "الفائتة", "السابق",
    # speech
    "اللي فات", "اللي فاتت", "الفايت", "الفايتة", "اللي طاف", "اللي طافت", "اللي راح", "اللي راحت",
)
CURRENT = words("الجاري", "الجارية", "الحالي", "الحالية")
NEXT = words("المقبل", "المقبلة", "القادم", "القادمة", "الجاي", "الجاية", "اللي جاي", "اللي جاية")
SAME = words("ذاته", "ذاتها", "نفسه", "نفسها")

HIJRI_MONTHS: dict[str, int] = {n(name): number for name, number in hijri.HIJRI_MONTHS_RAW.items()}
AMBIGUOUS_HIJRI = frozenset(n(w) for w in hijri.AMBIGUOUS_HIJRI_MONTHS)

#: Relative days of speech and their shift from the anchor, in days.
SPOKEN_DAY_SHIFTS = {
    # Levantine, Egyptian, Gulf and Maghrebi speech
    "امبارح": -1, "إمبارح": -1, "مبارح": -1, "البارح": -1, "أول امبارح": -2,
    "النهارده": 0, "النهاردة": 0, "النهاردا": 0,
    "بكرة": 1, "بكرا": 1, "بكره": 1, "غدوة": 1, "غدوا": 1,
}
#: Relative days and their shift from the anchor, in days.
DAY_SHIFTS = {
    n("أمس الأول"): -2, n("أول أمس"): -2, n("أول من أمس"): -2, n("أمس"): -1, n("البارحة"): -1,
    n("اليوم"): 0, n("غداً"): 1, n("بعد غد"): 2,
    **{n(word): shift for word, shift in SPOKEN_DAY_SHIFTS.items()},
}

#: Periods that a relative word follows (العام الماضي) and "this" periods (هذا العام).
PERIOD_WORDS = {n("العام"): "year", n("السنة"): "year", n("الشهر"): "month", n("الأسبوع"): "week"}
THIS_WORDS = {
    n(phrase): unit
    for phrase, unit in (
        ("هذا العام", "year"), ("هذه السنة", "year"), ("هذا الشهر", "month"), ("هذا الأسبوع", "week"),
        # speech: Levantine ها-، Maghrebi هاد، Gulf هذي، Egyptian ده / دي after the noun
        ("هالعام", "year"), ("هالسنة", "year"), ("هالشهر", "month"), ("هالأسبوع", "week"),
        ("هاد العام", "year"), ("هاد السنة", "year"), ("هادي السنة", "year"), ("هاد الشهر", "month"),
        ("هاد الأسبوع", "week"), ("هذي السنة", "year"), ("السنة دي", "year"), ("العام ده", "year"),
        ("الشهر ده", "month"), ("الأسبوع ده", "week"),
    )
}

#: Nouns that narrow a month, a year or a period (inside the DATE span, 4.8).
PREFIX_WORDS = words(
    "مطلع", "بداية", "بدايات", "أوائل", "منتصف", "أواسط", "أواخر", "نهاية", "نهايات", "مستهل", "آخر", "غرة",
    "متم",  # Maghrebi: "end of"
    "صيف", "شتاء", "خريف", "ربيع",  # seasons, before a year or a period
)
