"""Dates: calendar names of both traditions, English, relative dates, durations."""

from __future__ import annotations

import pytest

from harness.text.dates import find_dates, parse_date

ANCHOR = "2021-03-25"  # a Thursday


def only(text: str, anchor: str | None = None):
    [match] = find_dates(text, anchor)
    assert text[match.start : match.end] == match.text
    return match


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("في 23 آذار/مارس 2019 .", "23 آذار/مارس 2019", "2019-03-23"),  # seed 003
        ("وفي 23 من آذار 2018 تمكنت", "23 من آذار 2018", "2018-03-23"),  # seed 000
        ("في أيلول 2018. دعمت", "أيلول 2018", "2018-09"),  # seed 003
        ("منذ بدء العمليات في 2014، إستطاعت", "2014", "2014"),  # seed 003
        ("(@CoalitionAR) March 24, 2021", "March 24, 2021", "2021-03-24"),  # seed 000
        ("في 26 تشرين الأول/أكتوبر 2019", "26 تشرين الأول/أكتوبر 2019", "2019-10-26"),
        ("في تشرين الأول/ أكتوبر 2019", "تشرين الأول/ أكتوبر 2019", "2019-10"),
        ("صدر في 5 يناير 2020", "5 يناير 2020", "2020-01-05"),
        ("كانون الثاني/يناير 2020", "كانون الثاني/يناير 2020", "2020-01"),
        ("في أيار (مايو) 2015", "أيار (مايو) 2015", "2015-05"),
        ("في ١٥ حزيران ٢٠١٤", "١٥ حزيران ٢٠١٤", "2014-06-15"),
        ("في 3 جوان 2016", "3 جوان 2016", "2016-06-03"),
        ("عام 2014", "عام 2014", "2014"),
        ("مطلع 2019", "مطلع 2019", "2019"),
        ("24 March 2021", "24 March 2021", "2021-03-24"),
        ("بتاريخ 23/3/2019", "23/3/2019", "2019-03-23"),
        ("بتاريخ 2019-03-23", "2019-03-23", "2019-03-23"),
    ],
)
def test_calendar_dates_give_iso_values_as_precise_as_the_text(text, span, value):
    match = only(text)
    assert (match.text, match.value) == (span, value)


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("خلال شهر آذار/مارس الجاري", "شهر آذار/مارس الجاري", "--03"),  # seed 002
        ("في تشرين الأول/ أكتوبر الماضي", "تشرين الأول/ أكتوبر الماضي", "--10"),  # seed 001
        ("في 26 تشرين الأول/أكتوبر الماضي", "26 تشرين الأول/أكتوبر الماضي", "--10-26"),  # seed 001
        ("ومطلع شباط/فبراير الماضي، ذكر", "مطلع شباط/فبراير الماضي", "--02"),  # seed 004
        ("في 12 أيار", "12 أيار", "--05-12"),
    ],
)
def test_without_a_year_or_anchor_the_value_has_no_year(text, span, value):
    match = only(text)
    assert (match.text, match.value) == (span, value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("آذار/مارس الجاري", "2021-03"),
        ("تشرين الأول/ أكتوبر الماضي", "2020-10"),
        ("آذار الماضي", "2020-03"),  # the same month last year
        ("شباط الماضي", "2021-02"),
        ("نيسان المقبل", "2021-04"),
        ("شباط المقبل", "2022-02"),
        ("أمس", "2021-03-24"),
        ("أمس الاربعاء", "2021-03-24"),  # seed 000
        ("في بيان أمس الأول", "2021-03-23"),  # seed 000
        ("اليوم الخميس", "2021-03-25"),
        ("في بيانه الإثنين", "2021-03-22"),  # after seed 001
        ("العام الماضي", "2020"),
        ("نهاية العام الماضي", "2020"),
        ("هذا العام", "2021"),
        ("الشهر الماضي", "2021-02"),  # seed 003
        ("الـ 12 من الشهر", "2021-03-12"),  # seed 004
        ("الـ 12 من الشهر الماضي", "2021-02-12"),
    ],
)
def test_relative_expressions_resolve_against_the_anchor(text, value):
    assert only(text, ANCHOR).value == value


@pytest.mark.parametrize(
    "text", ["أمس", "أمس الاربعاء", "العام الماضي", "الشهر الماضي", "الـ 12 من الشهر", "يوم الخميس"]
)
def test_relative_expressions_without_an_anchor_have_no_value(text):
    assert only(text).value is None


def test_day_of_the_same_month_takes_the_month_mentioned_before():
    text = "منذ بداية شباط/فبراير الجاري، حتى الـ 12 من الشهر ذاته، نفّذ شركاؤنا"  # seed 004
    found = find_dates(text)
    assert [(d.text, d.value) for d in found] == [
        ("بداية شباط/فبراير الجاري", "--02"),
        ("الـ 12 من الشهر ذاته", "--02-12"),  # ذاته inside the span (guidelines 4.8)
    ]
    anchored = find_dates(text, ANCHOR)
    assert [d.value for d in anchored] == ["2021-02", "2021-02-12"]


def test_durations_are_dates_and_count_back_after_qabl():
    text = "“قبل عامين، خسر داعش المعركة” خلال العامين الماضيين"  # seed 000
    found = find_dates(text)
    assert [(d.text, d.value) for d in found] == [("عامين", None), ("العامين الماضيين", None)]
    assert [d.value for d in find_dates(text, ANCHOR)] == ["2019", None]
    assert only("منذ 5 أيام", ANCHOR).value == "2021-03-20"
    assert only("قبل شهرين", ANCHOR).value == "2021-01"
    assert only("استمرت أربع سنوات", ANCHOR).text == "أربع سنوات"  # seed 003


def test_bare_year_word_is_a_duration_only_where_it_means_one_year():
    assert only("عام على هزيمة داعش بدير الزور").text == "عام"  # seed 001
    assert only("بعد مرور عام على هزيمة تنظيم داعش").text == "عام"  # seed 001
    assert find_dates("هذا الرأي بشكل عام مقبول") == []


def test_month_names_that_are_also_words_need_a_sign_of_a_date():
    assert find_dates("الذي مارس الضغط على الحكومة") == []
    assert find_dates("زار أب وابنه المدينة") == []
    assert find_dates("اشترى سيارة نيسان") == []
    assert only("في مارس").value == "--03"
    assert only("آب 2019").value == "2019-08"
    assert find_dates("في أمس الحاجة إلى المساعدة") == []


def test_a_year_that_counts_something_is_no_date():
    assert find_dates("أرسلت 2000 جندي") == []
    assert [d.value for d in find_dates("بين 2014 و2019")] == ["2014", "2019"]


def test_parse_date_reads_one_date_or_returns_none():
    assert parse_date("23 آذار/مارس 2019") == "2019-03-23"
    assert parse_date("آذار/مارس الجاري") == "--03"
    assert parse_date("آذار/مارس الجاري", anchor=ANCHOR) == "2021-03"
    assert parse_date("من 2014 إلى 2019") is None
    assert parse_date("لا تاريخ هنا") is None


@pytest.mark.parametrize("value", ["2019-03-23", "2019-03", "2018", "--03", "--03-12"])
def test_parse_date_returns_iso_values_unchanged(value):
    assert parse_date(value) == value


def test_invalid_dates_are_not_dates():
    assert parse_date("2019-02-30") is None
    assert parse_date("--13") is None
    assert parse_date("29 شباط 2019") == "2019-02"  # the day is dropped, the month stays


def test_relative_months_cross_the_year_boundary():
    assert only("الشهر الماضي", "2021-01-10").value == "2020-12"
    assert only("كانون الأول الماضي", "2021-01-10").value == "2020-12"
    assert only("الشهر المقبل", "2020-12-31").value == "2021-01"


def test_counting_back_out_of_the_calendar_gives_no_value():
    assert only("قبل 5000 عام", "2021-03-25").value is None
    assert only("أمس", "0001-01-01").value is None


def test_a_bad_anchor_is_rejected_with_its_value():
    with pytest.raises(ValueError, match="anchor must be an ISO date"):
        find_dates("أمس", anchor="25/03/2021")
    with pytest.raises(ValueError, match="not a valid date"):
        find_dates("أمس", anchor="2021-02-30")
