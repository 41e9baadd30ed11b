"""Ordinal number words: the day of a month and the hour of a clock.

Arabic news writes days of the month as ordinals as often as in digits
("الثالث من آذار", "الحادي والعشرين من أيلول") and hours always as feminine
ordinals ("الساعة الثالثة فجراً", "الحادية عشرة ليلاً"). The forms are built
from a grammar rather than listed one by one:

- 1 to 10: a stem with the article, masculine or feminine (الثالث / الثالثة);
  one is الأول / الأولى alone and الحادي / الحادية in compounds;
- 11 to 19: the unit ordinal, then عشر (masculine) or عشرة (feminine):
  "الخامس عشر", "الحادية عشرة";
- 20, 30: العشرون / العشرين, الثلاثون / الثلاثين (no gender);
- 21 to 31: unit ordinal, و, and the tens with the article:
  "الحادي والعشرون", "الثاني والعشرين", "الحادي والثلاثين".

Everything is matched in the analysis form (``numbers.analysis_form``), so
the tables hold normalised spellings. This module imports nothing else of
the harness than ``numbers``'s normaliser.
"""

from __future__ import annotations

import re

from harness.text.numbers import analysis_form

_STEMS: tuple[tuple[int, str, str], ...] = (
    (1, "الحادي", "الحادية"),
    (2, "الثاني", "الثانية"),
    (3, "الثالث", "الثالثة"),
    (4, "الرابع", "الرابعة"),
    (5, "الخامس", "الخامسة"),
    (6, "السادس", "السادسة"),
    (7, "السابع", "السابعة"),
    (8, "الثامن", "الثامنة"),
    (9, "التاسع", "التاسعة"),
)
_ALONE = {1: ("الأول", "الأولى"), 10: ("العاشر", "العاشرة")}
_TENS = {20: ("العشرون", "العشرين"), 30: ("الثلاثون", "الثلاثين")}


def _n(phrase: str) -> str:
    return analysis_form(phrase).text


def _build() -> tuple[dict[str, int], dict[str, int]]:
    """(masculine forms, feminine forms) -> value, for 1 to 31."""
    masculine: dict[str, int] = {}
    feminine: dict[str, int] = {}
    for value, (male, female) in _ALONE.items():
        masculine[male] = value
        feminine[female] = value
    for value, male, female in _STEMS:
        if value > 1:
            masculine[male] = value
            feminine[female] = value
        masculine[f"{male} عشر"] = 10 + value
        feminine[f"{female} عشرة"] = 10 + value
    for tens, forms in _TENS.items():
        for form in forms:
            masculine[form] = feminine[form] = tens
            for value, male, female in _STEMS:
                if tens + value <= 31:
                    masculine[f"{male} و{form}"] = tens + value
                    feminine[f"{female} و{form}"] = tens + value
    return (
        {_n(form): value for form, value in masculine.items()},
        {_n(form): value for form, value in feminine.items()},
    )


#: Normalised ordinal -> value, 1 to 31, masculine (days) and feminine (hours).
MASCULINE_ORDINALS, FEMININE_ORDINALS = _build()
#: Every form of either gender.
ORDINALS: dict[str, int] = {**FEMININE_ORDINALS, **MASCULINE_ORDINALS}


def _alternation(forms) -> str:
    """Longest first; a space in a form matches any whitespace run, و may be detached."""
    escaped = set()
    for form in forms:
        words = [re.escape(word) for word in form.split()]
        pattern = r"\s+".join(words)
        escaped.add(pattern.replace(r"\s+و", r"\s+و\s*"))
    return "|".join(sorted(escaped, key=len, reverse=True))


#: A day ordinal, 1 to 31 (masculine: يوم is masculine).
DAY_ORDINAL = "(?:" + _alternation(MASCULINE_ORDINALS) + ")"
#: An hour ordinal, 1 to 12 (feminine: ساعة is feminine); "الواحدة" is one o'clock.
HOUR_ORDINAL = "(?:" + _alternation([f for f, v in FEMININE_ORDINALS.items() if v <= 12] + [_n("الواحدة")]) + ")"


def ordinal_value(phrase: str) -> int | None:
    """The value of an ordinal already in the analysis form, or None."""
    key = " ".join(phrase.split())
    key = re.sub(r" و ", " و", key)
    if key == _n("الواحدة"):
        return 1
    return ORDINALS.get(key)
