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
  الماضي", "1445هـ", converted to Gregorian values (``hijri``); a year
  before 1300 needs its mark ("10 محرم 61 هـ"); a Hijri month without a year
  has no value;
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

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from harness.text import hijri
from harness.text.arabic import extend_over_silent
from harness.text.calendar_words import (
    AMBIGUOUS_HIJRI,
    AMBIGUOUS_MONTHS,
    ARABIC_MONTHS,
    CURRENT,
    DAY_SHIFTS,
    ENGLISH_MONTHS,
    HIJRI_MONTHS,
    NEXT,
    PAST,
    PERIOD_WORDS,
    PREFIX_WORDS,
    SAME,
    SPOKEN_DAY_SHIFTS,
    THIS_WORDS,
    WEEKDAYS,
    alternation,
    key,
    n,
    words,
)
from harness.text.date_candidates import (
    CALENDAR_KIND,
    CLOCK_KIND,
    DAY_KIND,
    DURATION_KIND,
    Candidate,
    Context,
    iso,
    no_value,
    remember,
    valid_day,
)
from harness.text.date_joins import compose
from harness.text.daytime import CLOCK_WITH_PART
from harness.text.numbers import NumberHit, analysis_form, scan_numbers
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


# --- patterns, over the analysis form (Arabic folds, ASCII digits) ------------

_L = r"(?:(?<![^\W\d_])|(?<=(?<![^\W\d_])[وفبل]))"  # word start, a glued clitic allowed
_R = r"(?![^\W\d_])"  # no letter right after
_SEPARATORS = r"[.,\u066b\u066c]"

_MONTH = "(?:" + alternation(ARABIC_MONTHS) + ")"
_MONTH_PAIR = rf"(?P<m1>{_MONTH})(?:\s*/\s*(?P<m2>{_MONTH})|\s*\(\s*(?P<m3>{_MONTH})\s*\))?{_R}"
_DAY = rf"(?<!\d)(?P<day>0?[1-9]|[12]\d|3[01])(?!{_SEPARATORS}\d)(?!\d)"
#: A day, or a day ordinal ("الثالث من آذار").
_DAY_OR_ORDINAL = rf"(?:{_DAY}|(?P<ord>{DAY_ORDINAL}){_R})"
#: The first day of a range within one month: "بين 3 و5 أيار", "3-5 أيار".
_DAY_RANGE_START = rf"(?:(?<!\d)(?P<day0>0?[1-9]|[12]\d|3[01])\s*(?:-|\u2013|و|{n('إلى')}|{n('حتى')})\s*)"
#: A year after a slash ("رقم 1187/2022") belongs to an identifier.
_YEAR_DIGITS = rf"(?<![\d.,\u066b\u066c])(?<!\d/)(?P<year>(?:19|20)\d\d)(?!\d)(?!{_SEPARATORS}\d)"
_YEAR_WORD = "(?:" + alternation(words("عام", "سنة", "العام", "السنة", "عامي", "سنتي", "العامين")) + ")"
_YEAR_PART = rf"(?:\s*[،,]?\s*(?:{_YEAR_WORD}\s+)?{_YEAR_DIGITS}(?:\s*م{_R})?)"
_REL_WORDS = "(?:" + alternation(PAST | CURRENT | NEXT) + ")"
_REL = rf"(?:\s+(?P<rel>{_REL_WORDS}){_R})"
_PREFIX_WORDS = alternation(PREFIX_WORDS)
_PREFIX = rf"(?:(?P<prefix>{_PREFIX_WORDS})\s+)"
_SHAHR = rf"(?:(?P<shahr>{n('شهر')})\s+)"
_WEEKDAY_ALT = "(?:" + alternation(WEEKDAYS) + ")"
_WEEKDAY_BEFORE = rf"(?:(?:{n('يوم')}\s+)?(?P<wd>{_WEEKDAY_ALT})\s*[،,]?\s*)"
_DAY_ARTICLE = r"(?:ال\s*)?"
_MIN = n("من")


def _ends_with_one_of(*phrases: str) -> re.Pattern:
    """Matches when a searched window ends with one of ``phrases`` (then whitespace)."""
    return re.compile(r"(?:^|[^\w])(?:" + alternation(words(*phrases)) + r")\s*$")


_TEMPORAL_PREPOSITION_BEFORE = _ends_with_one_of("في", "خلال", "منذ", "حتى", "قبل", "بعد", "من", "إلى", "مع")

_DAY_MONTH = re.compile(
    rf"{_L}{_WEEKDAY_BEFORE}?{_DAY_RANGE_START}?{_DAY_ARTICLE}{_DAY_OR_ORDINAL}\s+(?:{_MIN}\s+)?{_SHAHR}?{_MONTH_PAIR}"
    rf"(?:{_YEAR_PART}|{_REL})?"
)
_MONTH_ONLY = re.compile(rf"{_L}{_PREFIX}?{_SHAHR}?{_MONTH_PAIR}(?:{_YEAR_PART}|{_REL})?")

# Hijri: the year is 13xx-15xx, marked هـ / هجري / للهجرة (optional after a month name).
_HIJRI_MONTH = "(?:" + alternation(HIJRI_MONTHS) + ")"
_HIJRI_MARK = "(?:" + alternation(words("هـ", "هجري", "هجرية", "للهجرة")) + rf"){_R}"
_HIJRI_YEAR_DIGITS = r"(?<![\d.,\u066b\u066c/])(?P<hyear>1[3-5]\d\d)(?!\d)"
#: Any year with the mark ("25 ذي الحجة 634 هـ" in history pages), a modern one without it.
_HIJRI_YEAR_PART = (
    rf"(?:\s*[،,]?\s*(?:{_YEAR_WORD}\s+)?"
    rf"(?:(?<![\d.,\u066b\u066c/])(?P<oldyear>[1-9]\d{{0,3}})(?!\d)\s*{_HIJRI_MARK}"
    rf"|{_HIJRI_YEAR_DIGITS}(?:\s*{_HIJRI_MARK})?))"
)
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

_YAWM = n("يوم")
_RELATIVE_DAY_WORDS = alternation(
    words("أمس الأول", "أول أمس", "أول من أمس", "بعد غد", "البارحة", "غداً", *SPOKEN_DAY_SHIFTS)
)
_RELATIVE_DAY = re.compile(
    rf"{_L}(?:{_YAWM}\s+)?(?P<relday>{_RELATIVE_DAY_WORDS}"
    rf"|{n('أمس')}(?!\s+{n('الحاجة')})"  # not "في أمس الحاجة" (in dire need)
    rf"|{n('اليوم')}(?=\s+{_WEEKDAY_ALT}{_R}))"  # "اليوم" alone: see _TODAY
    rf"(?:\s*[،,]?\s*(?P<wd>{_WEEKDAY_ALT}))?{_R}"
)
#: "اليوم" alone is today, except where it means "the day": before a definite
#: word or a number (اليوم التالي، اليوم العالمي، اليوم 5), after a
#: demonstrative, في (per day), كل or طوال, with ب or ل glued (باليوم = per day).
_TODAY = re.compile(
    rf"(?:(?<![^\W\d_])|(?<=(?<![^\W\d_])[وف])){n('اليوم')}{_R}"
    rf"(?!\s*(?:ال[^\W\d_]{{2,}}|\d|{alternation(SAME)}))"
)
_NOT_TODAY_BEFORE = _ends_with_one_of("هذا", "ذلك", "ذات", "نفس", "في", "كل", "طوال", "طيلة", "مدار")
_WEEKDAY_ONLY = re.compile(rf"{_L}(?:{_YAWM}\s+)?(?P<wd>{_WEEKDAY_ALT}){_R}(?:\s+(?P<rel>{_REL_WORDS}){_R})?")

_PERIOD = re.compile(
    rf"{_L}{_PREFIX}?(?:(?P<this>{alternation(THIS_WORDS)})|(?P<period>{alternation(PERIOD_WORDS)})"
    rf"\s+(?P<prel>{alternation(PAST | CURRENT | NEXT | SAME)})){_R}"
)
_DAY_OF_MONTH = re.compile(
    rf"{_L}{_DAY_ARTICLE}{_DAY_OR_ORDINAL}\s+{_MIN}\s+(?:{n('هذا')}\s+)?{n('الشهر')}"
    rf"(?:\s+(?:(?P<rel>{_REL_WORDS})|(?P<same>{alternation(SAME)})))?{_R}"
)

_DURATION_UNITS = frozenset({"years", "months", "weeks", "days", "hours", "minutes", "decades"})
_DURATION_TAIL = re.compile(
    r"\s+(?:"
    + alternation(
        words(
            "الماضيين", "الأخيرين", "المقبلين", "القادمين", "الماضية", "الأخيرة", "المقبلة", "القادمة",
            "الماضي", "الأخير", "المقبل", "القادم", "الأولى", "الأول", "الأوائل",
        )
    )
    + ")"
    + _R
)
_BARE_UNITS = {
    n("عام"): "years", n("سنة"): "years", n("شهر"): "months", n("أسبوع"): "weeks", n("يوم"): "days",
}
_BARE_DURATION = re.compile(_L + "(?P<unit>" + alternation(_BARE_UNITS) + ")" + _R)
_BARE_CONTEXT_BEFORE = _ends_with_one_of("مرور", "بعد", "قبل", "منذ", "خلال")
_BARE_CONTEXT_AFTER = re.compile(r"\s+" + n("على") + _R)
_COUNT_BACK_BEFORE = _ends_with_one_of("قبل", "منذ")


# --- candidates ---------------------------------------------------------------

def _rel_key(rel: str | None) -> str | None:
    return key(rel) if rel is not None else None


def _month_year(month: int, rel: str | None, anchor: date | None) -> int | None:
    """The year of "<month> <rel>" seen from the anchor."""
    if rel is None or anchor is None:
        return None
    if rel in PAST:
        return anchor.year if month < anchor.month else anchor.year - 1
    if rel in CURRENT:
        return anchor.year
    return anchor.year if month > anchor.month else anchor.year + 1


def _calendar_candidate(
    start: int, end: int, year: int | None, month: int, day: int | None, rel: str | None, kind: str | None = None
) -> Candidate | None:
    """A day/month/year date; None when the day does not exist in that month."""
    if not valid_day(year, month, day):
        return None

    def resolve(context: Context) -> str | None:
        resolved_year = year if year is not None else _month_year(month, rel, context.anchor)
        if day is not None and not valid_day(resolved_year, month, day):
            return None
        remember(context, resolved_year, month)
        return iso(resolved_year, month, day)

    return Candidate(start, end, resolve, kind or (DAY_KIND if day is not None else CALENDAR_KIND))


def _arabic_month(match: re.Match) -> int:
    return ARABIC_MONTHS[key(match.group("m1"))]


def _month_is_clear(text: str, match: re.Match, has_day: bool, ambiguous: frozenset[str] = AMBIGUOUS_MONTHS) -> bool:
    """An ambiguous month name needs a sign that it is a month."""
    if key(match.group("m1")) not in ambiguous or has_day:
        return True
    groups = match.groupdict()
    if any(groups.get(name) for name in ("m2", "m3", "year", "hyear", "oldyear", "rel", "shahr", "prefix")):
        return True
    window_start = max(0, match.start() - 12)
    return _TEMPORAL_PREPOSITION_BEFORE.search(text, window_start, match.start()) is not None


def _day_of(match: re.Match) -> int:
    """The day of a match of ``_DAY_OR_ORDINAL``: digits or an ordinal."""
    if match.group("ord"):
        return ordinal_value(match.group("ord")) or 0
    return int(match.group("day"))


def _arabic_calendar(text: str) -> list[Candidate]:
    found = []
    for pattern, has_day in ((_DAY_MONTH, True), (_MONTH_ONLY, False)):
        for match in pattern.finditer(text):
            if not _month_is_clear(text, match, has_day):
                continue
            year = int(match.group("year")) if match.group("year") else None
            day = _day_of(match) if has_day else None
            month, rel = _arabic_month(match), _rel_key(match.group("rel"))
            kind = None
            if day is not None and match.group("day0"):
                if not int(match.group("day0")) < day or not valid_day(year, month, day):
                    continue
                day, kind = None, DAY_KIND  # a range of days: the month holds it
            candidate = _calendar_candidate(match.start(), match.end(), year, month, day, rel, kind)
            if candidate:
                found.append(candidate)
    return found


def _hijri_year_of(month: int, rel: str | None, anchor: date | None) -> int | None:
    """The Hijri year of "<Hijri month> <rel>" seen from the anchor."""
    if rel is None or anchor is None:
        return None
    anchor_year, anchor_month, _ = hijri.from_gregorian(anchor)
    if rel in PAST:
        return anchor_year if month < anchor_month else anchor_year - 1
    if rel in CURRENT:
        return anchor_year
    return anchor_year if month > anchor_month else anchor_year + 1


def _hijri_candidate(
    start: int, end: int, year: int | None, month: int | None, day: int | None, rel: str | None
) -> Candidate:
    """A Hijri date, month (``day`` None) or year (``month`` None)."""

    def resolve(context: Context) -> str | None:
        resolved = year
        if resolved is None and month is not None:
            resolved = _hijri_year_of(month, rel, context.anchor)
        if resolved is None:
            return None
        value = hijri.iso_value(resolved, month, day)
        if value is not None and len(value) >= 7:
            remember(context, int(value[:4]), int(value[5:7]))
        return value

    return Candidate(start, end, resolve, DAY_KIND if day is not None else CALENDAR_KIND)


def _hijri_calendar(text: str) -> list[Candidate]:
    """Hijri dates, months and years (see ``hijri`` for the conversion)."""
    found = []
    for pattern, has_day in ((_HIJRI_DAY_MONTH, True), (_HIJRI_MONTH_ONLY, False)):
        for match in pattern.finditer(text):
            if not _month_is_clear(text, match, has_day, AMBIGUOUS_HIJRI):
                continue
            month = HIJRI_MONTHS[key(match.group("m1"))]
            year_text = match.group("hyear") or match.group("oldyear")
            year = int(year_text) if year_text else None
            day = _day_of(match) if has_day else None
            if day is not None and not 1 <= day <= 30:
                continue
            found.append(_hijri_candidate(match.start(), match.end(), year, month, day, _rel_key(match.group("rel"))))
    for match in _HIJRI_YEAR_ONLY.finditer(text):
        found.append(_hijri_candidate(match.start(), match.end(), int(match.group("hyear")), None, None, None))
    return found


def _english_and_numeric(text: str) -> list[Candidate]:
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


def _years(text: str, numbers: list[NumberHit], quantities: list[QuantityHit]) -> list[Candidate]:
    """Bare years; not a number that counts something ("2000 جندي") or has a scale."""
    counted = {q.start for q in quantities}
    longer_numbers = {number.start: number.end for number in numbers}
    found = []
    for match in _YEAR_ONLY.finditer(text):
        digits_start, digits_end = match.span("year")
        if digits_start in counted or longer_numbers.get(digits_start, digits_end) > digits_end:
            continue
        year = int(match.group("year"))

        def resolve(context: Context, year: int = year) -> str | None:
            remember(context, year, None)
            return iso(year)

        found.append(Candidate(match.start(), match.end(), resolve))
    return found


def _latest_weekday(anchor: date, weekday: int) -> date:
    return anchor - timedelta(days=(anchor.weekday() - weekday) % 7)


def _weekday_date(anchor: date, weekday: int, rel: str | None) -> date:
    """A weekday seen from the anchor: the latest one on or before it, or the last / next one."""
    if rel in PAST:
        return anchor - timedelta(days=(anchor.weekday() - weekday - 1) % 7 + 1)
    if rel in NEXT:
        return anchor + timedelta(days=(weekday - anchor.weekday() - 1) % 7 + 1)
    return _latest_weekday(anchor, weekday)


def _shifted_day(shift: int) -> Callable[[Context], str | None]:
    def resolve(context: Context) -> str | None:
        if context.anchor is None:
            return None
        day = context.anchor + timedelta(days=shift)
        remember(context, day.year, day.month)
        return day.isoformat()

    return resolve


def _relative_days(text: str) -> list[Candidate]:
    found = []
    for match in _RELATIVE_DAY.finditer(text):
        found.append(Candidate(match.start(), match.end(), _shifted_day(DAY_SHIFTS[key(match.group("relday"))]), DAY_KIND))
    for match in _TODAY.finditer(text):
        if _NOT_TODAY_BEFORE.search(text, max(0, match.start() - 8), match.start()) is None:
            found.append(Candidate(match.start(), match.end(), _shifted_day(0), DAY_KIND))
    for match in _WEEKDAY_ONLY.finditer(text):
        weekday, rel = WEEKDAYS[match.group("wd")], _rel_key(match.group("rel"))

        def resolve(context: Context, weekday: int = weekday, rel: str | None = rel) -> str | None:
            if context.anchor is None:
                return None
            return _weekday_date(context.anchor, weekday, rel).isoformat()

        found.append(Candidate(match.start(), match.end(), resolve, DAY_KIND))
    return found


_CLOCK = re.compile(rf"(?<![^\W\d_]){CLOCK_WITH_PART}")


def _clocks(text: str) -> list[Candidate]:
    """Clock times; their value is the day they are joined to (``_compose``)."""
    return [Candidate(m.start(), m.end(), no_value, CLOCK_KIND) for m in _CLOCK.finditer(text)]


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _periods(text: str) -> list[Candidate]:
    found = []
    for match in _PERIOD.finditer(text):
        if match.group("this"):
            unit, rel = THIS_WORDS[key(match.group("this"))], n("الجاري")
        else:
            unit, rel = PERIOD_WORDS[match.group("period")], key(match.group("prel"))

        def resolve(context: Context, unit: str = unit, rel: str = rel) -> str | None:
            if rel in SAME:
                if unit == "year" and context.year is not None:
                    return iso(context.year)
                if unit == "month" and context.month is not None:
                    return iso(*context.month)
                return None
            anchor = context.anchor
            if anchor is None or unit == "week":
                return None
            delta = -1 if rel in PAST else 1 if rel in NEXT else 0
            if unit == "year":
                remember(context, anchor.year + delta, None)
                return iso(anchor.year + delta)
            year, month = _shift_month(anchor.year, anchor.month, delta)
            remember(context, year, month)
            return iso(year, month)

        found.append(Candidate(match.start(), match.end(), resolve))
    for match in _DAY_OF_MONTH.finditer(text):
        day, day_rel, same = _day_of(match), _rel_key(match.group("rel")), match.group("same") is not None

        def resolve_day(
            context: Context, day: int = day, rel: str | None = day_rel, same: bool = same
        ) -> str | None:
            anchor = context.anchor
            year: int | None  # None: a month remembered without its year
            if rel is not None:
                if anchor is None:
                    return None
                delta = -1 if rel in PAST else 1 if rel in NEXT else 0
                year, month = _shift_month(anchor.year, anchor.month, delta)
            elif context.month is not None:
                year, month = context.month
            elif anchor is not None and not same:
                year, month = anchor.year, anchor.month
            else:
                return None
            return iso(year, month, day) if valid_day(year, month, day) else None

        found.append(Candidate(match.start(), match.end(), resolve_day, DAY_KIND))
    return found


def _count_back(anchor: date, amount: float, unit: str) -> str | None:
    """The time ``amount`` units before the anchor, as precise as the unit."""
    if amount != int(amount):
        return None
    count = int(amount)
    if unit in ("years", "decades"):
        count = count * 10 if unit == "decades" else count
        return iso(anchor.year - count) if anchor.year - count >= 1 else None
    if unit == "months":
        year, month = _shift_month(anchor.year, anchor.month, -count)
        return iso(year, month) if year >= 1 else None
    if unit in ("weeks", "days"):
        days = count * 7 if unit == "weeks" else count
        return (anchor - timedelta(days=days)).isoformat()
    return None  # hours and minutes ago: no more precise than the anchor itself


def _duration_candidate(text: str, start: int, end: int, amount: float, unit: str) -> Candidate:
    tail = _DURATION_TAIL.match(text, end)
    if tail is not None:
        end = tail.end()
    counts_back = _COUNT_BACK_BEFORE.search(text, max(0, start - 10), start) is not None

    def resolve(context: Context) -> str | None:
        if not counts_back or context.anchor is None:
            return None
        return _count_back(context.anchor, amount, unit)

    return Candidate(start, end, resolve, DURATION_KIND)


def _durations(text: str, quantities: list[QuantityHit]) -> list[Candidate]:
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


def _candidates(text: str) -> list[Candidate]:
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
    chosen: list[Candidate] = []
    for candidate in candidates:
        if all(candidate.end <= c.start or candidate.start >= c.end for c in chosen):
            chosen.append(candidate)
    chosen.sort(key=lambda c: c.start)
    return compose(text, chosen)


def _parse_anchor(anchor: str | None) -> date | None:
    if anchor is None:
        return None
    if not isinstance(anchor, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}(?:[T ].*)?", anchor):
        raise ValueError(f"anchor must be an ISO date 'YYYY-MM-DD', got {anchor!r}")
    try:
        return date.fromisoformat(anchor[:10])
    except ValueError as error:
        raise ValueError(f"anchor {anchor!r} is not a valid date: {error}") from None


def _resolve(mapped: MappedText, candidates: list[Candidate], anchor: date | None) -> list[DateMatch]:
    context = Context(anchor)
    matches = []
    for candidate in candidates:
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
    mapped = analysis_form(text)
    return _resolve(mapped, _candidates(mapped.text), _parse_anchor(anchor))


def find_dates_from_latest(text: str) -> tuple[str | None, list[DateMatch]]:
    """The latest full date ``text`` states, and every date resolved against it.

    Without metadata, the latest full date (``YYYY-MM-DD``) an article states
    is the best guess at its own date: news reports recent events. Same as
    taking the latest full value of ``find_dates(text)`` and calling
    ``find_dates(text, anchor)``, reading the text once.
    """
    mapped = analysis_form(text)
    candidates = _candidates(mapped.text)
    full = [m.value for m in _resolve(mapped, candidates, None) if m.value and _FULL_DATE.fullmatch(m.value)]
    anchor = max(full) if full else None
    return anchor, _resolve(mapped, candidates, _parse_anchor(anchor))


_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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
    if month is not None and not valid_day(year, month, day):
        return None
    return iso(year, month, day)


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
