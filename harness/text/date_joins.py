"""Joining date candidates into the spans the guidelines ask for.

``dates`` finds calendar dates, relative days, clock times, durations and
periods one by one; the gold keeps the words that narrow a time inside one
DATE span (guidelines 1.6, 4.8). This stage joins them:

- a part of the day before a day ("مساء أمس الإثنين", "فجر اليوم"), after a
  day or a clock time ("الخميس مساءً", "النهارده الصبح");
- a relative day before a date that starts with its weekday ("اليوم الأحد 9
  حزيران 2024"), يوم before a day of the month ("يوم 5 جويلية", "اليوم
  الأول من آب");
- a clock time and the day it is on ("الساعة العاشرة من صباح الخميس",
  "يوم الخميس الساعة العاشرة");
- a part of a period and the period ("الربع الأول من 2024", "الأشهر التسعة
  الأولى من عام 2023"), taking the period's value; "اليوم الأول من رمضان"
  sets the day.

The joined span takes the value of its day (or period); a clock time alone
has none. Patterns are over the analysis form.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from harness.text.calendar_words import DAY_SHIFTS, WEEKDAYS, alternation, key, n, words
from harness.text.date_candidates import (
    CALENDAR_KIND,
    CLOCK_KIND,
    DAY_KIND,
    DURATION_KIND,
    Candidate,
    Context,
    valid_day,
)
from harness.text.daytime import PART_OF_DAY_AFTER, PART_OF_DAY_NOUN
from harness.text.numbers import NUMBER_WORDS
from harness.text.ordinals import DAY_ORDINAL, ordinal_value

_L = r"(?:(?<![^\W\d_])|(?<=(?<![^\W\d_])[وفبل]))"  # word start, a glued clitic allowed
_R = r"(?![^\W\d_])"  # no letter right after
_YAWM = n("يوم")
_MIN = n("من")
_WEEKDAY_ALT = "(?:" + alternation(WEEKDAYS) + ")"
_SPACE_BEFORE_END = r"\s+$"
#: A part of the day before a day: "مساء أمس", "صباح الثلاثاء", "فجر اليوم".
_PART_OF_DAY_BEFORE = re.compile(rf"{_L}(?P<mod>{PART_OF_DAY_NOUN}){_SPACE_BEFORE_END}")
#: A relative day before a date that starts with its weekday: "اليوم الأحد 9 حزيران".
_RELATIVE_DAY_BEFORE = re.compile(
    rf"{_L}(?P<mod>(?:{_YAWM}\s+)?(?:{alternation(DAY_SHIFTS)})){_SPACE_BEFORE_END}"
)
_STARTS_WITH_WEEKDAY = re.compile(rf"(?:{_YAWM}\s+)?{_WEEKDAY_ALT}{_R}")
#: يوم before a day of the month: "يوم 5 جويلية", "اليوم الأول من آب".
_YAWM_BEFORE = re.compile(rf"{_L}(?P<mod>(?:ال)?{_YAWM}){_SPACE_BEFORE_END}")
_STARTS_WITH_DAY = re.compile(rf"(?:ال\s*)?(?:\d|{DAY_ORDINAL})")
#: A part of the day after a day or a clock time: "الخميس مساءً", "النهارده الصبح";
#: not "مساء" that opens the next day ("الخميس مساء الجمعة").
_PART_OF_DAY_AFTER = re.compile(
    rf"\s+{PART_OF_DAY_AFTER}(?!\s+(?:{_YAWM}|{n('اليوم')}|{n('أمس')}|{_WEEKDAY_ALT}|\d))"
)
#: Definite number words ("الأربع", "والعشرين") in a part of a period.
_DEFINITE_NUMBER = "(?:و?ال(?:" + "|".join(
    sorted(
        (re.escape(w) for w, (kind, _) in NUMBER_WORDS.items() if kind in ("unit", "ten", "tens")),
        key=len,
        reverse=True,
    )
) + rf"){_R})"
_PART_QUALIFIER = rf"(?:{DAY_ORDINAL}|{_DEFINITE_NUMBER}|{alternation(words('الأخير', 'الأخيرة', 'الأوائل', 'الأواخر'))}){_R}"
_PART_NOUNS = alternation(
    words(
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


def _with_day(resolve: Callable[[Context], str | None], day: int) -> Callable[[Context], str | None]:
    """"اليوم الأول من رمضان": the value of the month, with the day set."""

    def resolved(context: Context) -> str | None:
        value = resolve(context)
        if value is None or len(value) not in (7, 4) or not valid_day(2000, int(value[-2:]), day):
            return value
        return f"{value}-{day:02d}"

    return resolved


def _extend_left(text: str, chosen: list[Candidate], i: int) -> bool:
    """Join what stands before candidate ``i`` to it (see the module doc); True if it changed."""
    c = chosen[i]
    window = max(0, c.start - 60)
    previous_end = chosen[i - 1].end if i > 0 else 0
    new: Candidate | None = None
    if c.kind == DAY_KIND:
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
    if new is None and c.kind in (DAY_KIND, CALENDAR_KIND):
        match = _PART_BEFORE.search(text, window, c.start)
        if match is not None:
            resolve = c.resolve
            if key(match.group("part")) == n("اليوم"):
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


def _join_pairs(text: str, chosen: list[Candidate]) -> bool:
    """Join neighbours that form one time: a clock and its day, a definite duration and its period."""
    for i in range(len(chosen) - 1):
        left, right = chosen[i], chosen[i + 1]
        gap = text[left.end : right.start]
        joined: Candidate | None = None
        if left.kind == CLOCK_KIND and right.kind == DAY_KIND and _CLOCK_TO_DAY.fullmatch(gap) is not None:
            joined = replace(right, start=left.start)
        elif left.kind == DAY_KIND and right.kind == CLOCK_KIND and gap.strip() == "":
            joined = replace(left, end=right.end)
        elif (
            left.kind == DURATION_KIND
            and text.startswith("ال", left.start)
            and right.kind in (CALENDAR_KIND, DAY_KIND)
            and re.fullmatch(rf"\s+{_MIN}\s+", gap)
        ):
            joined = replace(right, start=left.start)
        if joined is not None:
            chosen[i : i + 2] = [joined]
            return True
    return False


def _extend_right(text: str, chosen: list[Candidate], i: int) -> bool:
    """A part of the day after a day or a clock time joins it; True if it changed."""
    c = chosen[i]
    if c.kind not in (DAY_KIND, CLOCK_KIND):
        return False
    match = _PART_OF_DAY_AFTER.match(text, c.end)
    if match is None or (i + 1 < len(chosen) and chosen[i + 1].start < match.end()):
        return False
    chosen[i] = replace(c, end=match.end())
    return True


def compose(text: str, chosen: list[Candidate]) -> list[Candidate]:
    """The candidates (non-overlapping, in order) with neighbours joined; see the module doc."""
    chosen = list(chosen)
    changed = True
    while changed:
        changed = _join_pairs(text, chosen)
        for i in range(len(chosen)):
            if i < len(chosen) and (_extend_left(text, chosen, i) or _extend_right(text, chosen, i)):
                changed = True
                break
    return chosen
