"""The Hijri calendar: tabular conversion and the Gregorian value of a Hijri month."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from harness.text.hijri import from_gregorian, iso_value, month_length, to_gregorian


@pytest.mark.parametrize(
    ("hijri", "gregorian"),
    [
        ((1445, 9, 1), date(2024, 3, 11)),  # 1 Ramadan 1445, as announced
        ((1445, 10, 1), date(2024, 4, 10)),  # Eid al-Fitr 1445
        ((1440, 9, 1), date(2019, 5, 6)),
        ((1, 1, 1), date(622, 7, 19)),  # the civil epoch (16 July 622, Julian)
    ],
)
def test_known_month_starts_convert(hijri, gregorian):
    assert to_gregorian(*hijri) == gregorian


def test_the_tabular_calendar_can_be_a_day_off_an_official_one():
    # Umm al-Qura starts Muharram 1446 on 7 July 2024; the arithmetic calendar a day later.
    assert to_gregorian(1446, 1, 1) == date(2024, 7, 8)


def test_conversion_round_trips_over_a_century():
    start = date(1950, 1, 1)
    for offset in range(0, 36525, 17):
        day = start + timedelta(days=offset)
        assert to_gregorian(*from_gregorian(day)) == day


def test_months_have_29_or_30_days_and_a_year_354_or_355():
    for year in (1444, 1445, 1446):
        lengths = [month_length(year, month) for month in range(1, 13)]
        assert set(lengths) <= {29, 30}
        assert sum(lengths) in (354, 355)


def test_a_day_the_month_lacks_is_refused():
    with pytest.raises(ValueError, match="no Hijri date"):
        to_gregorian(1445, 2, 30)  # Safar has 29 days


@pytest.mark.parametrize(
    ("parts", "value"),
    [
        ((1445, 9, 14), "2024-03-24"),  # a day
        ((1445, 9, None), "2024"),  # Ramadan 1445 spans March and April
        ((1446, 6, None), "2024-12"),  # Jumada II 1446 lies within December 2024
        ((1445, None, None), None),  # 1445 spans two Gregorian years
        ((1445, 2, 30), None),  # no such day
    ],
)
def test_iso_value_is_the_smallest_gregorian_unit_holding_the_hijri_one(parts, value):
    assert iso_value(*parts) == value
