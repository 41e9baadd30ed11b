"""Dates in Arabic news text, as ISO-8601 values that may be partial.

A claim's time is compared by value: "23 آذار/مارس 2019", "23 مارس 2019" and
"March 23, 2019" are all ``2019-03-23``. Values are as precise as the text:
``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``, and ``--MM`` / ``--MM-DD`` (ISO 8601
without a year) when the year is not stated. ``None`` means the text names
a time that cannot be placed (a duration, "الشهر الماضي" with no anchor).

Recognised (spans follow the gold guidelines: prepositions such as في، خلال،
منذ، قبل outside; narrowing nouns such as مطلع، شهر، عام and relative
modifiers such as الماضي، الجاري inside):
- day + month (+ year or modifier): "23 آذار/مارس 2019", "في 23 من آذار
  2018", "26 تشرين الأول/أكتوبر الماضي", "الأربعاء 24 آذار";
- month (+ year or modifier): "أيلول 2018", "شهر آذار/مارس الجاري",
  "مطلع شباط/فبراير الماضي". Month names: the standard ones (يناير ...
  ديسمبر, with Maghreb variants جانفي، فيفري، أفريل، ماي، جوان، جويلية، أوت،
  يوليوز، غشت، شتنبر، نونبر، دجنبر) and the Levantine ones (كانون الثاني،
  شباط، آذار، نيسان، أيار، حزيران، تموز، آب، أيلول، تشرين الأول، تشرين
  الثاني، كانون الأول), alone or paired ("آذار/مارس", "آذار (مارس)");
- English: "March 24, 2021", "24 March 2021", "March 2021";
- numeric: "23/3/2019", "23-03-2019", "2019-03-23";
- years 1900-2099: "في 2014", "عام 2014", unless the number counts
  something ("2000 جندي");
- relative days: "أمس", "أمس الأول", "أمس الأربعاء", "اليوم الإثنين",
  "غداً", and day names ("الإثنين");
- relative periods: "العام الماضي", "الشهر الجاري", "هذا العام", "الـ 12 من
  الشهر";
- durations: "عامين", "أربع سنوات", "العامين الماضيين", and a bare "عام"
  after مرور، بعد، قبل، منذ، خلال or before على ("عام على هزيمة داعش").

Relative expressions resolve against ``anchor`` (the article's date, ISO
``YYYY-MM-DD``) only when one is given; otherwise the value stays partial
("آذار/مارس الجاري" -> ``--03``) or None ("العام الماضي"). Rules:
- "<month> الماضي" is the last such month before the anchor's month (the
  year before when it is the same month), "الجاري/الحالي" the anchor's year,
  "المقبل/القادم" the next such month after the anchor's month;
- "أمس" is the day before the anchor, "أمس الأول" two days before;
- a day name alone is the latest such day on or before the anchor;
- a duration after قبل or منذ ("قبل عامين") counts back from the anchor;
  other durations have no date (None);
- "الشهر ذاته/نفسه" and "العام ذاته/نفسه" take the month or year of the
  previous date in the same text; "الـ 12 من الشهر" takes the previous
  date's month, else the anchor's.
Ambiguous month names that are also common words (آب "father", مارس "he
practised", نيسان, تموز, ماي, جوان) need a day, a year, a modifier, a pair,
شهر or a preposition before them to count as months.

Grammar added on top of these forms (each piece is a pattern over the
analysis form; the pieces then join, see ``_compose``):
- ordinal days: "الثالث من آذار", "الحادي والعشرين من أيلول 2023",
  "الرابع والعشرين من الشهر نفسه" (``ordinals``);
- day ranges in one month: "بين 3 و5 أيار" (value: the month);
- Hijri dates: "14 رمضان 1445هـ", "نهاية ذي الحجة 1445هـ", "شهر شعبان
  الماضي", "1445هـ", converted to Gregorian values (``hijri``); a Hijri month
  without a year has no value;
- times of day (``daytime``): clock times ("الساعة الثالثة فجراً", "10:45 م")
  and parts of the day, which join the day they narrow ("مساء أمس الأربعاء",
  "الساعة العاشرة من صباح الخميس", "النهارده الصبح");
- a relative day or يوم before a date joins it ("اليوم الأحد 9 حزيران 2024",
  "يوم 5 جويلية"); a weekday takes its modifier ("الأحد الماضي" is the last
  Sunday before the anchor, "الخميس المقبل" the next one);
- "اليوم" alone is today, except where it means "the day" ("اليوم التالي",
  "في اليوم", "ذلك اليوم");
- parts of a period ("الربع الأول من 2024", "الأشهر التسعة الأولى من عام
  2023", "الأسبوع الأخير من آذار") are one span with the value of the period;
- durations in hours and minutes ("18 ساعة", "9 دقائق") and decades, like
  other durations; "خمسة أشهر ونصف";
- speech: relative days (امبارح، البارح، النهارده، بكرة، غدوة), modifiers
  (اللي فات، الجاي، اللي طاف) and demonstratives (هالأسبوع، هاد الشهر، الشهر
  ده), seasons before a year ("صيف 2023"), Maghrebi متم ("end of") and
  الثلاثي ("quarter");
- month/year in digits ("3/2019"); a year after a slash of an identifier
  ("القضية رقم 1187/2022") is no date.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from harness.text import hijri
from harness.text.arabic import extend_over_silent
from harness.text.daytime import CLOCK_WITH_PART, PART_OF_DAY_AFTER, PART_OF_DAY_NOUN
from harness.text.numbers import NUMBER_WORDS, NumberHit, analysis_form, scan_numbers
from harness.text.offsets import MappedText
from harness.text.ordinals import DAY_ORDINAL, ordinal_value
from harness.text.quantities import QuantityHit, scan_quantities


@dataclass(frozen=True)
class DateMatch:
    """A date or time expression found in a text, with raw offsets."""

    start: int
    end: int
    #: ISO-8601, possibly partial (YYYY, YYYY-MM, YYYY-MM-DD, --MM, --MM-DD), or None.
    value: str | None
    text: str


def _n(phrase: str) -> str:
    return analysis_form(phrase).text


def _alternation(phrases) -> str:
    escaped = {r"\s+".join(re.escape(word) for word in p.split()) for p in phrases}
    return "|".join(sorted(escaped, key=len, reverse=True))


def _key(phrase: str) -> str:
    return " ".join(phrase.split())


_ARABIC_MONTHS_RAW: dict[str, int] = {
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
ARABIC_MONTHS: dict[str, int] = {_n(name): number for name, number in _ARABIC_MONTHS_RAW.items()}
_AMBIGUOUS_MONTHS = frozenset(_n(w) for w in ("آب", "مارس", "نيسان", "تموز", "ماي", "جوان"))

ENGLISH_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(calendar.month_name[1:], 1):
    ENGLISH_MONTHS[_name.lower()] = _number
    ENGLISH_MONTHS[_name[:3].lower()] = _number
ENGLISH_MONTHS["sept"] = 9

_WEEKDAYS_RAW = {
    "الإثنين": 0, "الاثنين": 0, "الثلاثاء": 1, "الأربعاء": 2,
    "الخميس": 3, "الجمعة": 4, "السبت": 5, "الأحد": 6,
}
WEEKDAYS: dict[str, int] = {_n(name): number for name, number in _WEEKDAYS_RAW.items()}


def _words(*words: str) -> set[str]:
    return {_n(w) for w in words}


_PAST = _words(
    "الماضي", "الماضية", "المنصرم", "المنصرمة", "الفائت", "الفائتة", "السابق",
    # speech
    "اللي فات", "اللي فاتت", "الفايت", "الفايتة", "اللي طاف", "اللي طافت", "اللي راح", "اللي راحت",
)
_CURRENT = _words("الجاري", "الجارية", "الحالي", "الحالية")
_NEXT = _words("المقبل", "المقبلة", "القادم", "القادمة", "الجاي", "الجاية", "اللي جاي", "اللي جاية")
_SAME = _words("ذاته", "ذاتها", "نفسه", "نفسها")

HIJRI_MONTHS: dict[str, int] = {_n(name): number for name, number in hijri.HIJRI_MONTHS_RAW.items()}
_AMBIGUOUS_HIJRI = frozenset(_n(w) for w in hijri.AMBIGUOUS_HIJRI_MONTHS)

# --- patterns, over the analysis form (Arabic folds, ASCII digits) ------------

_L = r"(?:(?<![^\W\d_])|(?<=(?<![^\W\d_])[وفبل]))"  # word start, a glued clitic allowed
_R = r"(?![^\W\d_])"  # no letter right after
_SEPARATORS = r"[.,\u066b\u066c]"

_MONTH = "(?:" + _alternation(ARABIC_MONTHS) + ")"
_MONTH_PAIR = rf"(?P<m1>{_MONTH})(?:\s*/\s*(?P<m2>{_MONTH})|\s*\(\s*(?P<m3>{_MONTH})\s*\))?{_R}"
_DAY = rf"(?<!\d)(?P<day>0?[1-9]|[12]\d|3[01])(?!{_SEPARATORS}\d)(?!\d)"
#: A day, or a day ordinal ("الثالث من آذار").
_DAY_OR_ORDINAL = rf"(?:{_DAY}|(?P<ord>{DAY_ORDINAL}){_R})"
#: The first day of a range within one month: "بين 3 و5 أيار", "3-5 أيار".
_DAY_RANGE_START = rf"(?:(?<!\d)(?P<day0>0?[1-9]|[12]\d|3[01])\s*(?:-|\u2013|و|{_n('إلى')}|{_n('حتى')})\s*)"
#: A year after a slash ("رقم 1187/2022") belongs to an identifier.
_YEAR_DIGITS = rf"(?<![\d.,\u066b\u066c])(?<!\d/)(?P<year>(?:19|20)\d\d)(?!\d)(?!{_SEPARATORS}\d)"
_YEAR_WORD = "(?:" + _alternation(_words("عام", "سنة", "العام", "السنة", "عامي", "سنتي", "العامين")) + ")"
_YEAR_PART = rf"(?:\s*[،,]?\s*(?:{_YEAR_WORD}\s+)?{_YEAR_DIGITS}(?:\s*م{_R})?)"
_REL_WORDS = "(?:" + _alternation(_PAST | _CURRENT | _NEXT) + ")"
_REL = rf"(?:\s+(?P<rel>{_REL_WORDS}){_R})"
_PREFIX_WORDS = _alternation(
    _words(
        "مطلع", "بداية", "بدايات", "أوائل", "منتصف", "أواسط", "أواخر", "نهاية", "نهايات", "مستهل", "آخر", "غرة",
        "متم",  # Maghrebi: "end of"
        "صيف", "شتاء", "خريف", "ربيع",  # seasons, before a year or a period
    )
)
_PREFIX = rf"(?:(?P<prefix>{_PREFIX_WORDS})\s+)"
_SHAHR = rf"(?:(?P<shahr>{_n('شهر')})\s+)"
_WEEKDAY_ALT = "(?:" + _alternation(WEEKDAYS) + ")"
_WEEKDAY_BEFORE = rf"(?:(?:{_n('يوم')}\s+)?(?P<wd>{_WEEKDAY_ALT})\s*[،,]?\s*)"
_DAY_ARTICLE = r"(?:ال\s*)?"
_MIN = _n("من")


def _ends_with_one_of(*words: str) -> re.Pattern:
    """Matches when a searched window ends with one of ``words`` (then whitespace)."""
    return re.compile(r"(?:^|[^\w])(?:" + _alternation(_words(*words)) + r")\s*$")


_TEMPORAL_PREPOSITION_BEFORE = _ends_with_one_of("في", "خلال", "منذ", "حتى", "قبل", "بعد", "من", "إلى", "مع")

_DAY_MONTH = re.compile(
    rf"{_L}{_WEEKDAY_BEFORE}?{_DAY_RANGE_START}?{_DAY_ARTICLE}{_DAY_OR_ORDINAL}\s+(?:{_MIN}\s+)?{_SHAHR}?{_MONTH_PAIR}"
    rf"(?:{_YEAR_PART}|{_REL})?"
)
_MONTH_ONLY = re.compile(rf"{_L}{_PREFIX}?{_SHAHR}?{_MONTH_PAIR}(?:{_YEAR_PART}|{_REL})?")

# Hijri: the year is 13xx-15xx, marked هـ / هجري / للهجرة (optional after a month name).
_HIJRI_MONTH = "(?:" + _alternation(HIJRI_MONTHS) + ")"
_HIJRI_MARK = "(?:" + _alternation(_words("هـ", "هجري", "هجرية", "للهجرة")) + rf"){_R}"
_HIJRI_YEAR_DIGITS = r"(?<![\d.,\u066b\u066c/])(?P<hyear>1[3-5]\d\d)(?!\d)"
_HIJRI_YEAR_PART = rf"(?:\s*[،,]?\s*(?:{_YEAR_WORD}\s+)?{_HIJRI_YEAR_DIGITS}(?:\s*{_HIJRI_MARK})?)"
_HIJRI_DAY_MONTH = re.compile(
    rf"{_L}{_WEEKDAY_BEFORE}?{_DAY_ARTICLE}{_DAY_OR_ORDINAL}\s+(?:{_MIN}\s+)?{_SHAHR}?(?P<m1>{_HIJRI_MONTH}){_R}"
    rf"(?:{_HIJRI_YEAR_PART}|{_REL})?"
)
_HIJRI_MONTH_ONLY = re.compile(
    rf"{_L}{_PREFIX}?{_SHAHR}?(?P<m1>{_HIJRI_MONTH}){_R}(?:{_HIJRI_YEAR_PART}|{_REL})?"
)
_HIJRI_YEAR_ONLY = re.compile(rf"{_L}(?:{_YEAR_WORD}\s+)?{_HIJRI_YEAR_DIGITS}\s*{_HIJRI_MARK}")

_EN_MONTH = "(?P<mon>" + "|".join(sorted(ENGLISH_MONTHS, key=len, reverse=True)) + r")\.?"
_EN_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)"
_EN_DAY = r"(?P<day>0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?(?!\d)"
_ENGLISH = [
    re.compile(rf"\b{_EN_MONTH}\s+{_EN_DAY}(?:\s*,\s*|\s+){_EN_YEAR}", re.IGNORECASE),
    re.compile(rf"\b{_EN_DAY}\s+(?:of\s+)?{_EN_MONTH}(?:\s*,?\s+{_EN_YEAR})?\b", re.IGNORECASE),
    re.compile(rf"\b{_EN_MONTH}\s+{_EN_DAY}\b", re.IGNORECASE),
    re.compile(rf"\b{_EN_MONTH}\s*,?\s+{_EN_YEAR}", re.IGNORECASE),
]
_NUMERIC = [
    re.compile(  # day/month/year, as Arabic news writes it
        r"(?<![\d/.\-])(?P<day>0?[1-9]|[12]\d|3[01])(?P<sep>[/.\-])(?P<month>0?[1-9]|1[0-2])(?P=sep)"
        r"(?P<year>(?:19|20)\d\d)(?![\d/.\-]\d|\d)"
    ),
    re.compile(  # ISO year-month-day
        r"(?<![\d/.\-])(?P<year>(?:19|20)\d\d)-(?P<month>0[1-9]|1[0-2])-(?P<day>0[1-9]|[12]\d|3[01])"
        r"(?![\d\-])"
    ),
]
_NUMERIC_MONTH_YEAR = re.compile(  # month/year: "3/2019"
    r"(?<![\d/.\-])(?P<month>0?[1-9]|1[0-2])/(?P<year>(?:19|20)\d\d)(?![\d/])"
)
_YEAR_ONLY = re.compile(rf"{_L}{_PREFIX}?(?:{_YEAR_WORD}\s+)?{_YEAR_DIGITS}(?:\s*م{_R})?")

_SPOKEN_DAY_SHIFTS = {
    # Levantine, Egyptian, Gulf and Maghrebi speech
    "امبارح": -1, "إمبارح": -1, "مبارح": -1, "البارح": -1, "أول امبارح": -2,
    "النهارده": 0, "النهاردة": 0, "النهاردا": 0,
    "بكرة": 1, "بكرا": 1, "بكره": 1, "غدوة": 1, "غدوا": 1,
}
_DAY_SHIFTS = {
    _n("أمس الأول"): -2, _n("أول أمس"): -2, _n("أول من أمس"): -2, _n("أمس"): -1, _n("البارحة"): -1,
    _n("اليوم"): 0, _n("غداً"): 1, _n("بعد غد"): 2,
    **{_n(word): shift for word, shift in _SPOKEN_DAY_SHIFTS.items()},
}
_YAWM = _n("يوم")
_RELATIVE_DAY_WORDS = _alternation(
    _words("أمس الأول", "أول أمس", "أول من أمس", "بعد غد", "البارحة", "غداً", *_SPOKEN_DAY_SHIFTS)
)
_RELATIVE_DAY = re.compile(
    rf"{_L}(?:{_YAWM}\s+)?(?P<relday>{_RELATIVE_DAY_WORDS}"
    rf"|{_n('أمس')}(?!\s+{_n('الحاجة')})"  # not "في أمس الحاجة" (in dire need)
    rf"|{_n('اليوم')}(?=\s+{_WEEKDAY_ALT}{_R}))"  # "اليوم" alone: see _TODAY
    rf"(?:\s*[،,]?\s*(?P<wd>{_WEEKDAY_ALT}))?{_R}"
)
#: "اليوم" alone is today, except where it means "the day": before a definite
#: word or a number (اليوم التالي، اليوم العالمي، اليوم 5), after a
#: demonstrative, في (per day), كل or طوال, with ب or ل glued (باليوم = per day).
_TODAY = re.compile(
    rf"(?:(?<![^\W\d_])|(?<=(?<![^\W\d_])[وف])){_n('اليوم')}{_R}"
    rf"(?!\s*(?:ال|\d|{_alternation(_SAME)}|{_n('الواحد')}))"
)
_NOT_TODAY_BEFORE = _ends_with_one_of("هذا", "ذلك", "ذات", "نفس", "في", "كل", "طوال", "طيلة", "مدار")
_WEEKDAY_ONLY = re.compile(rf"{_L}(?:{_YAWM}\s+)?(?P<wd>{_WEEKDAY_ALT}){_R}(?:\s+(?P<rel>{_REL_WORDS}){_R})?")

_PERIOD_WORDS = {_n("العام"): "year", _n("السنة"): "year", _n("الشهر"): "month", _n("الأسبوع"): "week"}
_THIS_WORDS = {
    _n(phrase): unit
    for phrase, unit in (
        ("هذا العام", "year"), ("هذه السنة", "year"), ("هذا الشهر", "month"), ("هذا الأسبوع", "week"),
        # speech: Levantine ها-، Maghrebi هاد، Gulf هذي، Egyptian ده / دي after the noun
        ("هالعام", "year"), ("هالسنة", "year"), ("هالشهر", "month"), ("هالأسبوع", "week"),
        ("هاد العام", "year"), ("هاد السنة", "year"), ("هادي السنة", "year"), ("هاد الشهر", "month"),
        ("هاد الأسبوع", "week"), ("هذي السنة", "year"), ("السنة دي", "year"), ("العام ده", "year"),
        ("الشهر ده", "month"), ("الأسبوع ده", "week"),
    )
}
_PERIOD = re.compile(
    rf"{_L}{_PREFIX}?(?:(?P<this>{_alternation(_THIS_WORDS)})|(?P<period>{_alternation(_PERIOD_WORDS)})"
    rf"\s+(?P<prel>{_alternation(_PAST | _CURRENT | _NEXT | _SAME)})){_R}"
)
_DAY_OF_MONTH = re.compile(
    rf"{_L}{_DAY_ARTICLE}{_DAY_OR_ORDINAL}\s+{_MIN}\s+(?:{_n('هذا')}\s+)?{_n('الشهر')}"
    rf"(?:\s+(?:(?P<rel>{_REL_WORDS})|(?P<same>{_alternation(_SAME)})))?{_R}"
)

_DURATION_UNITS = frozenset({"years", "months", "weeks", "days", "hours", "minutes", "decades"})
_DURATION_TAIL = re.compile(
    r"\s+(?:"
    + _alternation(
        _words(
            "الماضيين", "الأخيرين", "المقبلين", "القادمين", "الماضية", "الأخيرة", "المقبلة", "القادمة",
            "الماضي", "الأخير", "المقبل", "القادم", "الأولى", "الأول", "الأوائل",
        )
    )
    + ")"
    + _R
)
_BARE_UNITS = {
    _n("عام"): "years", _n("سنة"): "years", _n("شهر"): "months", _n("أسبوع"): "weeks", _n("يوم"): "days",
}
_BARE_DURATION = re.compile(_L + "(?P<unit>" + _alternation(_BARE_UNITS) + ")" + _R)
_BARE_CONTEXT_BEFORE = _ends_with_one_of("مرور", "بعد", "قبل", "منذ", "خلال")
_BARE_CONTEXT_AFTER = re.compile(r"\s+" + _n("على") + _R)
_COUNT_BACK_BEFORE = _ends_with_one_of("قبل", "منذ")


# --- candidates ---------------------------------------------------------------

#: Kinds of candidates, for joining them (``_compose``): a day (a date to the
#: day, a weekday, a relative day), a clock time, a duration, or anything
#: coarser (a month, a year, a relative period).
_DAY_KIND, _CLOCK_KIND, _DURATION_KIND, _CALENDAR_KIND = "day", "clock", "duration", "calendar"


@dataclass
class _Context:
    """What resolution may look at: the anchor and the previous dates of the text."""

    anchor: date | None
    year: int | None = None
    month: tuple[int | None, int] | None = None


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    resolve: Callable[[_Context], str | None]
    kind: str = _CALENDAR_KIND


def _no_value(context: _Context) -> str | None:
    return None


def _iso(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    if year is None and month is None:
        return None
    if year is None:
        return f"--{month:02d}" if day is None else f"--{month:02d}-{day:02d}"
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"


def _valid_day(year: int | None, month: int, day: int | None) -> bool:
    if day is None:
        return True
    days = calendar.monthrange(year if year is not None else 2000, month)[1]
    return 1 <= day <= days


def _rel_key(rel: str | None) -> str | None:
    return _key(rel) if rel is not None else None


def _month_year(month: int, rel: str | None, anchor: date | None) -> int | None:
    """The year of "<month> <rel>" seen from the anchor."""
    if rel is None or anchor is None:
        return None
    if rel in _PAST:
        return anchor.year if month < anchor.month else anchor.year - 1
    if rel in _CURRENT:
        return anchor.year
    return anchor.year if month > anchor.month else anchor.year + 1


def _remember(context: _Context, year: int | None, month: int | None) -> None:
    if year is not None:
        context.year = year
    if month is not None:
        context.month = (year, month)


def _calendar_candidate(
    start: int, end: int, year: int | None, month: int, day: int | None, rel: str | None, kind: str | None = None
) -> _Candidate | None:
    """A day/month/year date; None when the day does not exist in that month."""
    if not _valid_day(year, month, day):
        return None

    def resolve(context: _Context) -> str | None:
        resolved_year = year if year is not None else _month_year(month, rel, context.anchor)
        if day is not None and not _valid_day(resolved_year, month, day):
            return None
        _remember(context, resolved_year, month)
        return _iso(resolved_year, month, day)

    return _Candidate(start, end, resolve, kind or (_DAY_KIND if day is not None else _CALENDAR_KIND))


def _arabic_month(match: re.Match) -> int:
    return ARABIC_MONTHS[_key(match.group("m1"))]


def _month_is_clear(text: str, match: re.Match, has_day: bool, ambiguous: frozenset[str] = _AMBIGUOUS_MONTHS) -> bool:
    """An ambiguous month name needs a sign that it is a month."""
    if _key(match.group("m1")) not in ambiguous or has_day:
        return True
    groups = match.groupdict()
    if any(groups.get(name) for name in ("m2", "m3", "year", "hyear", "rel", "shahr", "prefix")):
        return True
    window_start = max(0, match.start() - 12)
    return _TEMPORAL_PREPOSITION_BEFORE.search(text, window_start, match.start()) is not None


def _day_of(match: re.Match) -> int:
    """The day of a match of ``_DAY_OR_ORDINAL``: digits or an ordinal."""
    if match.group("ord"):
        return ordinal_value(match.group("ord")) or 0
    return int(match.group("day"))


def _arabic_calendar(text: str) -> list[_Candidate]:
    found = []
    for pattern, has_day in ((_DAY_MONTH, True), (_MONTH_ONLY, False)):
        for match in pattern.finditer(text):
            if not _month_is_clear(text, match, has_day):
                continue
            year = int(match.group("year")) if match.group("year") else None
            day = _day_of(match) if has_day else None
            month, rel = _arabic_month(match), _rel_key(match.group("rel"))
            kind = None
            if has_day and match.group("day0"):
                if not int(match.group("day0")) < day or not _valid_day(year, month, day):
                    continue
                day, kind = None, _DAY_KIND  # a range of days: the month holds it
            candidate = _calendar_candidate(match.start(), match.end(), year, month, day, rel, kind)
            if candidate:
                found.append(candidate)
    return found


def _hijri_year_of(month: int, rel: str | None, anchor: date | None) -> int | None:
    """The Hijri year of "<Hijri month> <rel>" seen from the anchor."""
    if rel is None or anchor is None:
        return None
    anchor_year, anchor_month, _ = hijri.from_gregorian(anchor)
    if rel in _PAST:
        return anchor_year if month < anchor_month else anchor_year - 1
    if rel in _CURRENT:
        return anchor_year
    return anchor_year if month > anchor_month else anchor_year + 1


def _hijri_candidate(
    start: int, end: int, year: int | None, month: int | None, day: int | None, rel: str | None
) -> _Candidate:
    """A Hijri date, month (``day`` None) or year (``month`` None)."""

    def resolve(context: _Context) -> str | None:
        resolved = year
        if resolved is None and month is not None:
            resolved = _hijri_year_of(month, rel, context.anchor)
        if resolved is None:
            return None
        value = hijri.iso_value(resolved, month, day)
        if value is not None and len(value) >= 7:
            _remember(context, int(value[:4]), int(value[5:7]))
        return value

    return _Candidate(start, end, resolve, _DAY_KIND if day is not None else _CALENDAR_KIND)


def _hijri_calendar(text: str) -> list[_Candidate]:
    """Hijri dates, months and years (see ``hijri`` for the conversion)."""
    found = []
    for pattern, has_day in ((_HIJRI_DAY_MONTH, True), (_HIJRI_MONTH_ONLY, False)):
        for match in pattern.finditer(text):
            if not _month_is_clear(text, match, has_day, _AMBIGUOUS_HIJRI):
                continue
            month = HIJRI_MONTHS[_key(match.group("m1"))]
            year = int(match.group("hyear")) if match.group("hyear") else None
            day = _day_of(match) if has_day else None
            if day is not None and not 1 <= day <= 30:
                continue
            found.append(_hijri_candidate(match.start(), match.end(), year, month, day, _rel_key(match.group("rel"))))
    for match in _HIJRI_YEAR_ONLY.finditer(text):
        found.append(_hijri_candidate(match.start(), match.end(), int(match.group("hyear")), None, None, None))
    return found


def _english_and_numeric(text: str) -> list[_Candidate]:
    found = []
    for pattern in _ENGLISH:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            month = ENGLISH_MONTHS[match.group("mon").lower()]
            year = int(groups["year"]) if groups.get("year") else None
            day = int(groups["day"]) if groups.get("day") else None
            candidate = _calendar_candidate(match.start(), match.end(), year, month, day, None)
            if candidate:
                found.append(candidate)
    for pattern in _NUMERIC:
        for match in pattern.finditer(text):
            year, month, day = (int(match.group(name)) for name in ("year", "month", "day"))
            candidate = _calendar_candidate(match.start(), match.end(), year, month, day, None)
            if candidate:
                found.append(candidate)
    for match in _NUMERIC_MONTH_YEAR.finditer(text):
        candidate = _calendar_candidate(
            match.start(), match.end(), int(match.group("year")), int(match.group("month")), None, None
        )
        if candidate:
            found.append(candidate)
    return found


def _years(text: str, numbers: list[NumberHit], quantities: list[QuantityHit]) -> list[_Candidate]:
    """Bare years; not a number that counts something ("2000 جندي") or has a scale."""
    counted = {q.start for q in quantities}
    longer_numbers = {n.start: n.end for n in numbers}
    found = []
    for match in _YEAR_ONLY.finditer(text):
        digits_start, digits_end = match.span("year")
        if digits_start in counted or longer_numbers.get(digits_start, digits_end) > digits_end:
            continue
        year = int(match.group("year"))

        def resolve(context: _Context, year: int = year) -> str | None:
            _remember(context, year, None)
            return _iso(year)

        found.append(_Candidate(match.start(), match.end(), resolve))
    return found


def _latest_weekday(anchor: date, weekday: int) -> date:
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


def _weekday_date(anchor: date, weekday: int, rel: str | None) -> date:
    """A weekday seen from the anchor: the latest one on or before it, or the last / next one."""
    if rel in _PAST:
        return anchor - timedelta(days=(anchor.weekday() - weekday - 1) % 7 + 1)
    if rel in _NEXT:
        return anchor + timedelta(days=(weekday - anchor.weekday() - 1) % 7 + 1)
    return _latest_weekday(anchor, weekday)


def _shifted_day(shift: int) -> Callable[[_Context], str | None]:
    def resolve(context: _Context) -> str | None:
        if context.anchor is None:
            return None
        day = context.anchor + timedelta(days=shift)
        _remember(context, day.year, day.month)
        return day.isoformat()

    return resolve


def _relative_days(text: str) -> list[_Candidate]:
    found = []
    for match in _RELATIVE_DAY.finditer(text):
        found.append(_Candidate(match.start(), match.end(), _shifted_day(_DAY_SHIFTS[_key(match.group("relday"))]), _DAY_KIND))
    for match in _TODAY.finditer(text):
        if _NOT_TODAY_BEFORE.search(text, max(0, match.start() - 8), match.start()) is None:
            found.append(_Candidate(match.start(), match.end(), _shifted_day(0), _DAY_KIND))
    for match in _WEEKDAY_ONLY.finditer(text):
        weekday, rel = WEEKDAYS[match.group("wd")], _rel_key(match.group("rel"))

        def resolve(context: _Context, weekday: int = weekday, rel: str | None = rel) -> str | None:
            if context.anchor is None:
                return None
            return _weekday_date(context.anchor, weekday, rel).isoformat()

        found.append(_Candidate(match.start(), match.end(), resolve, _DAY_KIND))
    return found


_CLOCK = re.compile(rf"(?<![^\W\d_]){CLOCK_WITH_PART}")


def _clocks(text: str) -> list[_Candidate]:
    """Clock times; their value is the day they are joined to (``_compose``)."""
    return [_Candidate(m.start(), m.end(), _no_value, _CLOCK_KIND) for m in _CLOCK.finditer(text)]


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _periods(text: str) -> list[_Candidate]:
    found = []
    for match in _PERIOD.finditer(text):
        if match.group("this"):
            unit, rel = _THIS_WORDS[_key(match.group("this"))], _n("الجاري")
        else:
            unit, rel = _PERIOD_WORDS[match.group("period")], _key(match.group("prel"))

        def resolve(context: _Context, unit: str = unit, rel: str = rel) -> str | None:
            if rel in _SAME:
                if unit == "year" and context.year is not None:
                    return _iso(context.year)
                if unit == "month" and context.month is not None:
                    return _iso(*context.month)
                return None
            anchor = context.anchor
            if anchor is None or unit == "week":
                return None
            delta = -1 if rel in _PAST else 1 if rel in _NEXT else 0
            if unit == "year":
                _remember(context, anchor.year + delta, None)
                return _iso(anchor.year + delta)
            year, month = _shift_month(anchor.year, anchor.month, delta)
            _remember(context, year, month)
            return _iso(year, month)

        found.append(_Candidate(match.start(), match.end(), resolve))
    for match in _DAY_OF_MONTH.finditer(text):
        day, rel, same = _day_of(match), _rel_key(match.group("rel")), match.group("same") is not None

        def resolve(
            context: _Context, day: int = day, rel: str | None = rel, same: bool = same
        ) -> str | None:
            anchor = context.anchor
            if rel is not None:
                if anchor is None:
                    return None
                delta = -1 if rel in _PAST else 1 if rel in _NEXT else 0
                year, month = _shift_month(anchor.year, anchor.month, delta)
            elif context.month is not None:
                year, month = context.month
            elif anchor is not None and not same:
                year, month = anchor.year, anchor.month
            else:
                return None
            return _iso(year, month, day) if _valid_day(year, month, day) else None

        found.append(_Candidate(match.start(), match.end(), resolve, _DAY_KIND))
    return found


def _count_back(anchor: date, amount: float, unit: str) -> str | None:
    """The time ``amount`` units before the anchor, as precise as the unit."""
    if amount != int(amount):
        return None
    n = int(amount)
    if unit in ("years", "decades"):
        n = n * 10 if unit == "decades" else n
        return _iso(anchor.year - n) if anchor.year - n >= 1 else None
    if unit == "months":
        year, month = _shift_month(anchor.year, anchor.month, -n)
        return _iso(year, month) if year >= 1 else None
    if unit in ("weeks", "days"):
        days = n * 7 if unit == "weeks" else n
        return (anchor - timedelta(days=days)).isoformat()
    return None  # hours and minutes ago: no more precise than the anchor itself


def _duration_candidate(text: str, start: int, end: int, amount: float, unit: str) -> _Candidate:
    tail = _DURATION_TAIL.match(text, end)
    if tail is not None:
        end = tail.end()
    counts_back = _COUNT_BACK_BEFORE.search(text, max(0, start - 10), start) is not None

    def resolve(context: _Context) -> str | None:
        if not counts_back or context.anchor is None:
            return None
        return _count_back(context.anchor, amount, unit)

    return _Candidate(start, end, resolve, _DURATION_KIND)


def _durations(text: str, quantities: list[QuantityHit]) -> list[_Candidate]:
    """Counted time units ("عامين", "أربع سنوات") and a bare "عام" where it means one year."""
    found = []
    for hit in quantities:
        if hit.unit in _DURATION_UNITS:
            found.append(_duration_candidate(text, hit.start, hit.end, float(hit.value), hit.unit))
    for match in _BARE_DURATION.finditer(text):
        before = _BARE_CONTEXT_BEFORE.search(text, max(0, match.start() - 10), match.start())
        if before is None and _BARE_CONTEXT_AFTER.match(text, match.end()) is None:
            continue
        unit = _BARE_UNITS[match.group("unit")]
        found.append(_duration_candidate(text, match.start(), match.end(), 1, unit))
    return found


# --- joining candidates -------------------------------------------------------

_SPACE_BEFORE_END = r"\s+$"
#: A part of the day before a day: "مساء أمس", "صباح الثلاثاء", "فجر اليوم".
_PART_OF_DAY_BEFORE = re.compile(rf"{_L}(?P<mod>{PART_OF_DAY_NOUN}){_SPACE_BEFORE_END}")
#: A relative day before a date that starts with its weekday: "اليوم الأحد 9 حزيران".
_RELATIVE_DAY_BEFORE = re.compile(
    rf"{_L}(?P<mod>(?:{_YAWM}\s+)?(?:{_RELATIVE_DAY_WORDS}|{_n('أمس')}|{_n('اليوم')})){_SPACE_BEFORE_END}"
)
_STARTS_WITH_WEEKDAY = re.compile(rf"(?:{_YAWM}\s+)?{_WEEKDAY_ALT}{_R}")
#: يوم before a day of the month: "يوم 5 جويلية".
_YAWM_BEFORE = re.compile(rf"{_L}(?P<mod>{_YAWM}){_SPACE_BEFORE_END}")
_STARTS_WITH_DAY = re.compile(rf"(?:ال\s*)?(?:\d|{DAY_ORDINAL})")
#: A part of the day after a day or a clock time: "الخميس مساءً", "النهارده الصبح";
#: not "مساء" that opens the next day ("الخميس مساء الجمعة").
_PART_OF_DAY_AFTER = re.compile(
    rf"\s+{PART_OF_DAY_AFTER}(?!\s+(?:{_YAWM}|{_n('اليوم')}|{_n('أمس')}|{_WEEKDAY_ALT}|\d))"
)
#: Definite number words ("الأربع", "والعشرين") in a part of a period.
_DEFINITE_NUMBER = "(?:و?ال(?:" + "|".join(
    sorted(
        (re.escape(w) for w, (kind, _) in NUMBER_WORDS.items() if kind in ("unit", "ten", "tens")),
        key=len,
        reverse=True,
    )
) + rf"){_R})"
_PART_QUALIFIER = rf"(?:{DAY_ORDINAL}|{_DEFINITE_NUMBER}|{_alternation(_words('الأخير', 'الأخيرة', 'الأوائل', 'الأواخر'))}){_R}"
_PART_NOUNS = _alternation(
    _words(
        "النصف", "الربع", "الثلث", "الثلاثي", "السداسي", "الفصل", "العشر", "العشرة",
        "الأسبوع", "الأسابيع", "الأسبوعين", "الشهر", "الأشهر", "الشهور", "الشهرين", "الأيام", "اليوم", "اليومين",
    )
)
#: A part of a period before "من" + the period: "الربع الأول من", "الأشهر التسعة الأولى من".
_PART_BEFORE = re.compile(
    rf"{_L}(?P<mod>(?P<part>{_PART_NOUNS})(?:\s+{_PART_QUALIFIER}){{1,3}})\s+{_MIN}{_SPACE_BEFORE_END}"
)
#: Between a clock time and its day: nothing, or "من" ("الساعة العاشرة من صباح الخميس").
_CLOCK_TO_DAY = re.compile(rf"\s+(?:{_MIN}\s+)?$")


def _with_day(resolve: Callable[[_Context], str | None], day: int) -> Callable[[_Context], str | None]:
    """"اليوم الأول من رمضان": the value of the month, with the day set."""

    def resolved(context: _Context) -> str | None:
        value = resolve(context)
        if value is None or len(value) not in (7, 4) or not _valid_day(2000, int(value[-2:]), day):
            return value
        return f"{value}-{day:02d}"

    return resolved


def _extend_left(text: str, chosen: list[_Candidate], i: int) -> bool:
    """Join what stands before candidate ``i`` to it (see ``_compose``); True if it changed."""
    c = chosen[i]
    window = max(0, c.start - 60)
    previous_end = chosen[i - 1].end if i > 0 else 0
    new: _Candidate | None = None
    if c.kind == _DAY_KIND:
        starts = text[c.start : c.end]
        for pattern, condition in (
            (_PART_OF_DAY_BEFORE, True),
            (_RELATIVE_DAY_BEFORE, _STARTS_WITH_WEEKDAY.match(starts) is not None),
            (_YAWM_BEFORE, _STARTS_WITH_DAY.match(starts) is not None),
        ):
            match = pattern.search(text, max(window, previous_end), c.start) if condition else None
            if match is not None:
                new = replace(c, start=match.start("mod"))
                break
    if new is None and c.kind in (_DAY_KIND, _CALENDAR_KIND):
        match = _PART_BEFORE.search(text, window, c.start)
        if match is not None:
            resolve = c.resolve
            if _key(match.group("part")) == _n("اليوم"):
                day = ordinal_value(match.group("mod")[len(match.group("part")) :].strip())
                resolve = _with_day(resolve, day) if day else resolve
            new = replace(c, start=match.start("mod"), resolve=resolve)
    if new is None:
        return False
    # What the extension covers of earlier candidates (a duration, a clock) joins it.
    while i > 0 and chosen[i - 1].end > new.start:
        if chosen[i - 1].start < new.start:
            return False
        del chosen[i - 1]
        i -= 1
    chosen[i] = new
    return True


def _join_pairs(text: str, chosen: list[_Candidate]) -> bool:
    """Join neighbours that form one time: a clock and its day, a definite duration and its period."""
    for i in range(len(chosen) - 1):
        left, right = chosen[i], chosen[i + 1]
        gap = text[left.end : right.start]
        joined: _Candidate | None = None
        if left.kind == _CLOCK_KIND and right.kind == _DAY_KIND and _CLOCK_TO_DAY.fullmatch(gap) is not None:
            joined = replace(right, start=left.start)
        elif left.kind == _DAY_KIND and right.kind == _CLOCK_KIND and gap.strip() == "":
            joined = replace(left, end=right.end)
        elif (
            left.kind == _DURATION_KIND
            and text.startswith("ال", left.start)
            and right.kind in (_CALENDAR_KIND, _DAY_KIND)
            and re.fullmatch(rf"\s+{_MIN}\s+", gap)
        ):
            joined = replace(right, start=left.start)
        if joined is not None:
            chosen[i : i + 2] = [joined]
            return True
    return False


def _extend_right(text: str, chosen: list[_Candidate], i: int) -> bool:
    c = chosen[i]
    if c.kind not in (_DAY_KIND, _CLOCK_KIND):
        return False
    match = _PART_OF_DAY_AFTER.match(text, c.end)
    if match is None or (i + 1 < len(chosen) and chosen[i + 1].start < match.end()):
        return False
    chosen[i] = replace(c, end=match.end())
    return True


def _compose(text: str, chosen: list[_Candidate]) -> list[_Candidate]:
    """Join candidates and the words around them into the spans the guidelines ask for.

    - a part of the day before a day ("مساء أمس الإثنين"), after it
      ("الخميس مساءً", "النهارده الصبح") or after a clock time;
    - a relative day before a date that starts with its weekday ("اليوم الأحد
      9 حزيران 2024"), يوم before a day of the month ("يوم 5 جويلية");
    - a clock time and the day it is on ("الساعة العاشرة من صباح الخميس",
      "يوم الخميس الساعة العاشرة");
    - a part of a period and the period ("الربع الأول من 2024", "الأشهر
      التسعة الأولى من عام 2023"), taking the period's value; "اليوم الأول من
      رمضان" sets the day.

    The joined span takes the value of its day (or period); a clock time
    alone has none.
    """
    chosen = list(chosen)
    changed = True
    while changed:
        changed = _join_pairs(text, chosen)
        for i in range(len(chosen)):
            if i < len(chosen) and (_extend_left(text, chosen, i) or _extend_right(text, chosen, i)):
                changed = True
                break
    return chosen


def _candidates(text: str) -> list[_Candidate]:
    """All date expressions; where they overlap the longest wins, then the earliest; then joined."""
    numbers = scan_numbers(text)
    quantities = scan_quantities(text, numbers)
    candidates = (
        _arabic_calendar(text)
        + _hijri_calendar(text)
        + _english_and_numeric(text)
        + _years(text, numbers, quantities)
        + _relative_days(text)
        + _periods(text)
        + _durations(text, quantities)
        + _clocks(text)
    )
    candidates.sort(key=lambda c: (-(c.end - c.start), c.start))
    chosen: list[_Candidate] = []
    for candidate in candidates:
        if all(candidate.end <= c.start or candidate.start >= c.end for c in chosen):
            chosen.append(candidate)
    chosen.sort(key=lambda c: c.start)
    return _compose(text, chosen)


def _parse_anchor(anchor: str | None) -> date | None:
    if anchor is None:
        return None
    if not isinstance(anchor, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?", anchor):
        raise ValueError(f"anchor must be an ISO date 'YYYY-MM-DD', got {anchor!r}")
    try:
        return date.fromisoformat(anchor[:10])
    except ValueError as error:
        raise ValueError(f"anchor {anchor!r} is not a valid date: {error}") from None


def _scan(mapped: MappedText, anchor: date | None) -> list[DateMatch]:
    context = _Context(anchor)
    matches = []
    for candidate in _candidates(mapped.text):
        try:
            value = candidate.resolve(context)
        except (OverflowError, ValueError):  # counted back or forward out of the calendar
            value = None
        start, end = mapped.to_raw(candidate.start, candidate.end)
        end = extend_over_silent(mapped.raw, end)
        matches.append(DateMatch(start, end, value, mapped.raw[start:end]))
    return matches


def find_dates(text: str, anchor: str | None = None) -> list[DateMatch]:
    """Every date, relative date and duration in ``text``, in reading order.

    ``anchor`` is the ISO date (``YYYY-MM-DD``) relative expressions are
    resolved against, usually the article's date; without it they stay
    partial or None.
    """
    return _scan(analysis_form(text), _parse_anchor(anchor))


_ISO_VALUE = re.compile(
    r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?"
    r"|--(?P<month2>\d{2})(?:-(?P<day2>\d{2}))?"
)


def _iso_value(text: str) -> str | None:
    """An ISO value as the harness writes it, validated, else None."""
    match = _ISO_VALUE.fullmatch(text)
    if match is None:
        return None
    year = int(match.group("year")) if match.group("year") else None
    month_text = match.group("month") or match.group("month2")
    day_text = match.group("day") or match.group("day2")
    month = int(month_text) if month_text else None
    day = int(day_text) if day_text else None
    if month is not None and not 1 <= month <= 12:
        return None
    if month is not None and not _valid_day(year, month, day):
        return None
    return _iso(year, month, day)


def parse_date(text: str, anchor: str | None = None) -> str | None:
    """The ISO value of the one date stated in ``text``, or None.

    An ISO value itself ("2019-03", "--03-12") parses to itself, an invalid
    one ("2019-02-30") to None. When the
    text holds several dates with different values the answer is None rather
    than an arbitrary one of them.
    """
    stripped = text.strip()
    if _ISO_VALUE.fullmatch(stripped):
        return _iso_value(stripped)
    values = {match.value for match in find_dates(text, anchor)}
    return values.pop() if len(values) == 1 else None
