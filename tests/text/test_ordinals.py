"""Ordinal words: days of the month (masculine) and clock hours (feminine)."""

from __future__ import annotations

import re

import pytest

from harness.text.numbers import analysis_form
from harness.text.ordinals import DAY_ORDINAL, HOUR_ORDINAL, ordinal_value


def normalised(text: str) -> str:
    return analysis_form(text).text


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("الأول", 1),
        ("الثاني", 2),
        ("العاشر", 10),
        ("الحادي عشر", 11),
        ("الخامس عشر", 15),
        ("العشرين", 20),
        ("الحادي والعشرين", 21),
        ("الثاني والعشرون", 22),
        ("التاسع والعشرين", 29),
        ("الثلاثين", 30),
        ("الحادي والثلاثين", 31),
        ("الثالثة", 3),  # feminine, as hours are written
        ("الحادية عشرة", 11),
        ("الواحدة", 1),
    ],
)
def test_ordinal_words_read_as_their_number(phrase, value):
    assert ordinal_value(normalised(phrase)) == value


def test_a_detached_wa_and_extra_spaces_still_read():
    assert ordinal_value(normalised("الخامس  و العشرين")) == 25


def test_days_stop_at_thirty_one_and_non_ordinals_are_none():
    assert ordinal_value(normalised("الثاني والثلاثين")) is None
    assert ordinal_value(normalised("الأخير")) is None


def test_day_pattern_takes_the_longest_ordinal():
    match = re.search(DAY_ORDINAL, normalised("في السابع والعشرين من الشهر"))
    assert match is not None and ordinal_value(match.group()) == 27


def test_hour_pattern_covers_one_to_twelve_only():
    assert re.fullmatch(HOUR_ORDINAL, normalised("الثانية عشرة"))
    assert re.fullmatch(HOUR_ORDINAL, normalised("الواحدة"))
    assert not re.fullmatch(HOUR_ORDINAL, normalised("الثالثة عشرة"))
