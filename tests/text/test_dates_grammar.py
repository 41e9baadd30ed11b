"""The date grammar beyond digits and month names: ordinals, Hijri, speech, parts of periods.

Every sentence here was written for these tests. ``ANCHOR`` stands for an
article dated Tuesday 12 March 2024.
"""

from __future__ import annotations

import pytest

from harness.text.dates import find_dates

ANCHOR = "2024-03-12"  # a Tuesday


def dates(text: str, anchor: str | None = None) -> list[tuple[str, str | None]]:
    found = find_dates(text, anchor)
    for match in found:
        assert text[match.start : match.end] == match.text
    return [(m.text, m.value) for m in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("افتُتح المعرض في الثالث من أيار 2023.", [("الثالث من أيار 2023", "2023-05-03")]),
        ("تنتهي المهلة في الحادي والعشرين من أيلول.", [("الحادي والعشرين من أيلول", "--09-21")]),
        ("وُقّع الاتفاق في الخامس عشر من شهر تموز الماضي", [("الخامس عشر من شهر تموز الماضي", "--07-15")]),
        ("تبدأ الدورة في الأول من يناير 2025", [("الأول من يناير 2025", "2025-01-01")]),
    ],
)
def test_ordinal_days_of_a_month_are_dates(text, expected):
    assert dates(text) == expected


def test_an_ordinal_day_of_the_same_month_keeps_sama_inside_and_takes_that_month():
    text = "بدأ الإضراب في الثاني من نيسان واستمر حتى العاشر من الشهر نفسه."
    assert dates(text) == [("الثاني من نيسان", "--04-02"), ("العاشر من الشهر نفسه", "--04-10")]


def test_a_range_of_days_in_one_month_is_one_span_valued_by_the_month():
    assert dates("تقام الفعاليات بين 3 و5 تشرين الثاني 2023") == [("3 و5 تشرين الثاني 2023", "2023-11")]
    assert dates("من 14-16 شباط") == [("14-16 شباط", "--02")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("صدر القرار في 3 محرم 1446هـ", [("3 محرم 1446هـ", "2024-07-10")]),
        ("حتى نهاية جمادى الآخرة 1446 هـ", [("نهاية جمادى الآخرة 1446 هـ", "2024-12")]),
        ("خلال شهر رمضان 1445", [("شهر رمضان 1445", "2024")]),
        ("تأسست الجمعية عام 1420 هجرية", [("عام 1420 هجرية", None)]),
        ("في العاشر من ذي الحجة", [("العاشر من ذي الحجة", None)]),  # no year: no Gregorian value
    ],
)
def test_hijri_dates_get_gregorian_values(text, expected):
    assert dates(text) == expected


def test_hijri_month_with_a_modifier_resolves_against_the_anchor():
    # 12 March 2024 is in Ramadan 1445: last Shaaban is Shaaban 1445 (Feb-Mar 2024).
    assert dates("وزعت الجمعية خلال شعبان الماضي", ANCHOR) == [("شعبان الماضي", "2024")]


def test_hijri_month_names_that_are_given_names_need_a_sign():
    assert dates("قال رمضان إن الموسم جيد") == []
    assert dates("وصل رجب متأخراً") == []
    assert dates("يُصرف الراتب في رمضان") == [("رمضان", None)]


def test_paired_hijri_and_gregorian_dates_are_two_spans_with_one_day():
    text = "الخميس 5 شوال 1445هـ الموافق 14 أبريل 2024م"
    assert dates(text) == [("الخميس 5 شوال 1445هـ", "2024-04-14"), ("14 أبريل 2024م", "2024-04-14")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("وصل الوفد اليوم إلى الميناء", [("اليوم", "2024-03-12")]),
        ("لم يصدر رد حتى اليوم", [("اليوم", "2024-03-12")]),
        ("أعلن الفريق اليوم الثلاثاء أن", [("اليوم الثلاثاء", "2024-03-12")]),
        ("ثلاث وجبات في اليوم", []),  # per day
        ("في اليوم التالي عاد الهدوء", []),  # the next day
        ("احتفل العالم باليوم العالمي للمياه", []),
        ("لن ننسى ذلك اليوم", []),
    ],
)
def test_today_alone_is_a_date_only_where_it_means_today(text, expected):
    assert dates(text, ANCHOR) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("امبارح سكروا الطريق", [("امبارح", "2024-03-11")]),  # Levantine
        ("النهارده الصبح فتحوا المعبر", [("النهارده الصبح", "2024-03-12")]),  # Egyptian
        ("بكرة رح يبلشوا الشغل", [("بكرة", "2024-03-13")]),
        ("البارح وصلت الشحنة", [("البارح", "2024-03-11")]),  # Gulf
        ("غدوة نمشيو للسوق", [("غدوة", "2024-03-13")]),  # Maghrebi
        ("الأسعار طلعت عن السنة اللي فاتت", [("السنة اللي فاتت", "2023")]),
        ("الشهر الجاي بتفتح المدارس", [("الشهر الجاي", "2024-04")]),
        ("هالشهر الغلاء زاد", [("هالشهر", "2024-03")]),
        ("هاد العام الصابة مزيانة", [("هاد العام", "2024")]),
        ("الشهر ده الأسعار ولعت", [("الشهر ده", "2024-03")]),
    ],
)
def test_relative_dates_of_speech(text, expected):
    assert dates(text, ANCHOR) == expected


def test_day_before_yesterday_has_three_spellings():
    for text in ("أول أمس", "أول من أمس", "أمس الأول"):
        assert dates(text, ANCHOR) == [(text, "2024-03-10")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("الأحد الماضي", "2024-03-10"),
        ("الثلاثاء الماضي", "2024-03-05"),  # the anchor's own weekday: a week back
        ("الخميس المقبل", "2024-03-14"),
        ("الجمعة القادمة", "2024-03-15"),
        ("يوم السبت", "2024-03-09"),  # no modifier: the latest on or before the anchor
    ],
)
def test_a_weekday_takes_its_modifier(text, value):
    assert dates(text, ANCHOR) == [(text, value)]


@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("خلال الربع الأول من 2024 تراجع", "الربع الأول من 2024", "2024"),
        ("في النصف الثاني من العام الماضي", "النصف الثاني من العام الماضي", "2023"),
        ("طوال الأسبوع الأخير من شباط 2024", "الأسبوع الأخير من شباط 2024", "2024-02"),
        ("خلال الأشهر الستة الأولى من عام 2022", "الأشهر الستة الأولى من عام 2022", "2022"),
        ("في الثلاثي الثالث من سنة 2021", "الثلاثي الثالث من سنة 2021", "2021"),  # Maghrebi quarter
        ("في الأيام العشرة الأخيرة من رمضان 1445", "الأيام العشرة الأخيرة من رمضان 1445", "2024"),
    ],
)
def test_a_part_of_a_period_is_one_span_with_the_periods_value(text, span, value):
    assert dates(text, ANCHOR) == [(span, value)]


def test_the_first_day_of_a_month_phrase_sets_the_day():
    assert dates("في اليوم الأول من آب 2022") == [("اليوم الأول من آب 2022", "2022-08-01")]


def test_a_part_of_something_else_is_not_a_date():
    assert dates("في الأسبوع الأول من الحملة") == []
    assert dates("تأهل الفريق إلى الربع النهائي") == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("استمر الحصار 36 ساعة", "36 ساعة"),
        ("بعد 20 دقيقة من الانفجار", "20 دقيقة"),
        ("انتظرنا ساعتين", "ساعتين"),
        ("خلال نصف ساعة", "نصف ساعة"),
        ("سجن ثلاث سنوات ونصف", "ثلاث سنوات ونصف"),
        ("من 5 إلى 7 أيام", "5 إلى 7 أيام"),
        ("قبل أسابيع قليلة", None),  # no number: vague
    ],
)
def test_durations_in_hours_minutes_and_halves_are_dates(text, span):
    found = dates(text)
    assert found == ([(span, None)] if span else [])


def test_durations_count_back_from_the_anchor():
    assert dates("منذ ثلاثة أسابيع", ANCHOR) == [("ثلاثة أسابيع", "2024-02-20")]
    assert dates("قبل ساعتين", ANCHOR) == [("ساعتين", None)]  # no more precise than the day


def test_seasons_and_maghrebi_end_of_narrow_a_year_or_month():
    assert dates("في صيف 2022 جفت الآبار") == [("صيف 2022", "2022")]
    assert dates("حتى متم دجنبر 2023") == [("متم دجنبر 2023", "2023-12")]


def test_years_in_identifiers_and_month_year_in_digits():
    assert dates("صدر الحكم في الملف رقم 512/2021") == []
    assert dates("بيانات الفترة 4/2023") == [("4/2023", "2023-04")]


def test_two_years_after_the_dual_year_word():
    assert dates("بين عامي 2015 و2018") == [("عامي 2015", "2015"), ("2018", "2018")]


def test_dates_from_the_latest_full_date_equal_the_two_step_reading():
    from harness.text.dates import find_dates_from_latest

    text = "دمشق، 3 آب 2023 – وصل الوفد أمس، بعد زيارة في 28 تموز 2023 استمرت يومين، ويغادر غداً."
    anchor, found = find_dates_from_latest(text)
    assert anchor == "2023-08-03"
    assert found == find_dates(text, anchor)
    assert [m.value for m in found if m.text in ("أمس", "غداً")] == ["2023-08-02", "2023-08-04"]
    assert find_dates_from_latest("لا تاريخ كاملاً هنا، فقط آذار الماضي") == (None, find_dates("لا تاريخ كاملاً هنا، فقط آذار الماضي"))


def test_an_old_hijri_year_needs_its_mark():
    # Proleptic Gregorian, like every ISO value here: Julian 9 October 680 (histories
    # say the 10th: the tabular calendar may be a day off).
    assert dates("استشهد في 10 محرم 61 هـ بكربلاء") == [("10 محرم 61 هـ", "0680-10-13")]
    assert dates("في 25 ذي الحجة 634 قتيلاً") == [("25 ذي الحجة", None)]
