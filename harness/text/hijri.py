"""The Hijri calendar: month names and conversion to Gregorian ISO values.

Gulf and religious news dates events in the Hijri calendar ("14 رمضان
1445هـ"), often paired with the Gregorian date ("الموافق 24 مارس 2024م").
Claims compare times as Gregorian ISO values, so a Hijri date is converted.

The conversion is the arithmetic (tabular) Islamic calendar: 30-year cycles
with leap years 2, 5, 7, 10, 13, 16, 18, 21, 24, 26 and 29 and the civil
epoch 16 July 622 (Julian). Official calendars (Umm al-Qura, moon sighting)
agree with it on most days and differ by a day on some month starts: 1
Muharram 1446 is 7 July 2024 in Umm al-Qura and 8 July here. A day-level
value may therefore be one day off; month and year values, which take the
smallest Gregorian unit holding the whole Hijri month or year, rarely are.

Pure functions over ``datetime.date``; nothing here knows about text except
the table of month names.
"""

from __future__ import annotations

from datetime import date, timedelta

#: Month names as news writes them (ordinary spelling), -> month number.
HIJRI_MONTHS_RAW: dict[str, int] = {
    "محرم": 1, "المحرم": 1, "صفر": 2,
    "ربيع الأول": 3, "ربيع الاول": 3, "ربيع أول": 3,
    "ربيع الآخر": 4, "ربيع الثاني": 4, "ربيع ثاني": 4,
    "جمادى الأولى": 5, "جمادى الأول": 5, "جمادى الاولى": 5,
    "جمادى الآخرة": 6, "جمادى الثانية": 6, "جمادى الآخر": 6, "جمادى الثاني": 6,
    "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10,
    "ذو القعدة": 11, "ذي القعدة": 11, "ذا القعدة": 11,
    "ذو الحجة": 12, "ذي الحجة": 12, "ذا الحجة": 12,
}

#: Month names that are also common words or given names: they need a sign
#: (a day, a year, شهر, a modifier, a preposition) to count as months.
AMBIGUOUS_HIJRI_MONTHS: frozenset[str] = frozenset({"محرم", "صفر", "رجب", "شعبان", "رمضان", "شوال"})

_EPOCH = date(622, 7, 19).toordinal() - 1  # day before 1 Muharram 1 (Julian 16 July 622)


def _days_before_year(year: int) -> int:
    return (year - 1) * 354 + (3 + 11 * year) // 30


def _days_before_month(month: int) -> int:
    # Months alternate 30 and 29 days, the last one 30 in leap years.
    return 29 * (month - 1) + month // 2


def month_length(year: int, month: int) -> int:
    """Days in a Hijri month (tabular calendar)."""
    if month < 12:
        return 30 if month % 2 == 1 else 29
    return _days_before_year(year + 1) - _days_before_year(year) - _days_before_month(12)


def to_gregorian(year: int, month: int, day: int) -> date:
    """The Gregorian date of a Hijri date; ValueError for a day the month lacks."""
    if not (1 <= month <= 12 and 1 <= day <= month_length(year, month) and year >= 1):
        raise ValueError(f"no Hijri date {year}-{month}-{day}")
    return date.fromordinal(_EPOCH + _days_before_year(year) + _days_before_month(month) + day)


def from_gregorian(day: date) -> tuple[int, int, int]:
    """The Hijri (year, month, day) of a Gregorian date."""
    days = day.toordinal() - _EPOCH
    year = (30 * days + 10646) // 10631
    while _days_before_year(year + 1) < days:
        year += 1
    while _days_before_year(year) >= days:
        year -= 1
    rest = days - _days_before_year(year)
    month = 1
    while month < 12 and _days_before_month(month + 1) < rest:
        month += 1
    return year, month, rest - _days_before_month(month)


def _iso_span(first: date, last: date) -> str | None:
    """The smallest Gregorian unit holding [first, last]: YYYY-MM-DD, YYYY-MM, YYYY or None."""
    if first == last:
        return first.isoformat()
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.year:04d}-{first.month:02d}"
    if first.year == last.year:
        return f"{first.year:04d}"
    return None


def iso_value(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """The Gregorian ISO value of a Hijri date, month or year (see module doc)."""
    try:
        if month is None:
            first = to_gregorian(year, 1, 1)
            last = to_gregorian(year, 12, month_length(year, 12))
        elif day is None:
            first = to_gregorian(year, month, 1)
            last = first + timedelta(days=month_length(year, month) - 1)
        else:
            first = last = to_gregorian(year, month, day)
    except (ValueError, OverflowError):
        return None
    return _iso_span(first, last)
