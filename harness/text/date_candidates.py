"""Date candidates: what ``dates`` finds before it resolves values.

A candidate is a span of the analysis form with a ``resolve`` function that
gives its ISO value once the anchor and the dates before it are known (a
relative "الشهر ذاته" needs the month mentioned last). ``kind`` tells
``date_joins`` what may join it: a day, a clock time, a duration or anything
coarser. Pure data and small calendar helpers.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

#: A day (a date to the day, a weekday, a relative day), a clock time, a
#: duration, or anything coarser (a month, a year, a relative period).
DAY_KIND, CLOCK_KIND, DURATION_KIND, CALENDAR_KIND = "day", "clock", "duration", "calendar"


@dataclass
class Context:
    """What resolution may look at: the anchor and the previous dates of the text."""

    anchor: date | None
    year: int | None = None
    month: tuple[int | None, int] | None = None


@dataclass(frozen=True)
class Candidate:
    """A date expression at ``[start, end)`` of the analysis form."""

    start: int
    end: int
    resolve: Callable[[Context], str | None]
    kind: str = CALENDAR_KIND


def no_value(context: Context) -> str | None:
    """The resolver of an expression that names no date (a clock time alone)."""
    return None


def iso(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    """An ISO value as precise as the parts given (``--MM`` without a year)."""
    if year is None and month is None:
        return None
    if year is None:
        return f"--{month:02d}" if day is None else f"--{month:02d}-{day:02d}"
    if month is None:
        return f"{year:04d}"
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"


def valid_day(year: int | None, month: int, day: int | None) -> bool:
    """Does the month have that day (a leap year when the year is unknown)?"""
    if day is None:
        return True
    days = calendar.monthrange(year if year is not None else 2000, month)[1]
    return 1 <= day <= days


def remember(context: Context, year: int | None, month: int | None) -> None:
    """Record a resolved year and month for the relative dates after it."""
    if year is not None:
        context.year = year
    if month is not None:
        context.month = (year, month)
