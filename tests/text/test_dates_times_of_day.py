"""Times of day: clock times and parts of the day, joined to the day they narrow.

Sentences written for these tests; ``ANCHOR`` is an article dated Tuesday
12 March 2024.
"""

from __future__ import annotations

import pytest

from harness.text.dates import find_dates

ANCHOR = "2024-03-12"


def dates(text: str, anchor: str | None = ANCHOR) -> list[tuple[str, str | None]]:
    found = find_dates(text, anchor)
    for match in found:
        assert text[match.start : match.end] == match.text
    return [(m.text, m.value) for m in found]


@pytest.mark.parametrize(
    "clock",
    [
        "الساعة الثالثة فجراً",
        "الساعة العاشرة والنصف صباحاً",
        "الساعة الخامسة إلا ربعاً مساءً",
        "الساعة 9",
        "الساعة 14:30",
        "الساعة الحادية عشرة ليلاً",
        "الثانية ظهراً",
        "7:15 ص",
        "21:40",
        "الساعة تمانية بالليل",  # Levantine
        "الساعة سبعة الصبح",  # Egyptian, Gulf
    ],
)
def test_a_clock_time_alone_is_a_date_without_value(clock):
    assert dates(f"انطلقت القافلة عند {clock} باتجاه الحدود") == [(clock, None)]


@pytest.mark.parametrize(
    "text",
    ["على مدار الساعة", "الساعة الأخيرة من المباراة", "انتهت المباراة 2:1", "الثانية في الترتيب"],
)
def test_words_that_look_like_clock_times_are_not(text):
    assert dates(text) == []


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("هطلت الأمطار صباح الثلاثاء", "صباح الثلاثاء", "2024-03-12"),
        ("وقع الحادث مساء أمس", "مساء أمس", "2024-03-11"),
        ("ضربت العاصفة فجر اليوم", "فجر اليوم", "2024-03-12"),
        ("وصلت الطائرة ليلة الأحد", "ليلة الأحد", "2024-03-10"),
        ("سيعقد الاجتماع ظهر الخميس المقبل", "ظهر الخميس المقبل", "2024-03-14"),
        ("اندلع الحريق بعد ظهر يوم السبت", "بعد ظهر يوم السبت", "2024-03-09"),
        ("ومساء الإثنين 11 آذار 2024 أغلقت الطرق", "مساء الإثنين 11 آذار 2024", "2024-03-11"),
    ],
)
def test_a_part_of_the_day_before_a_day_joins_it(text, span, value):
    assert dates(text) == [(span, value)]


def test_a_part_of_the_day_after_a_day_joins_it_unless_it_opens_the_next_day():
    assert dates("غادر الوفد الأحد مساءً") == [("الأحد مساءً", "2024-03-10")]
    assert dates("من الأحد مساء الإثنين") == [("الأحد", "2024-03-10"), ("مساء الإثنين", "2024-03-11")]


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("عند الساعة الرابعة من فجر الجمعة", "الساعة الرابعة من فجر الجمعة", "2024-03-08"),
        ("يوم الأحد الساعة العاشرة صباحاً", "يوم الأحد الساعة العاشرة صباحاً", "2024-03-10"),
        ("في تمام الساعة 8 من مساء أمس", "الساعة 8 من مساء أمس", "2024-03-11"),
    ],
)
def test_a_clock_time_and_its_day_are_one_span_valued_by_the_day(text, span, value):
    assert dates(text) == [(span, value)]


def test_a_relative_day_before_a_full_date_with_its_weekday_is_one_span():
    text = "أعلنت الوزارة اليوم الثلاثاء 12 آذار/مارس 2024 أن"
    assert dates(text, None) == [("اليوم الثلاثاء 12 آذار/مارس 2024", "2024-03-12")]


def test_a_bare_part_of_the_day_names_no_date():
    assert dates("وصل الوفد مساءً") == []
    assert dates("تعمل اللجنة ليلاً ونهاراً") == []
