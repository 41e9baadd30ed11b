"""Numbers: digits of three scripts, separators, scale words, number words, duals."""

from __future__ import annotations

import pytest

from harness.text.digits import normalize_digits
from harness.text.numbers import find_numbers, parse_number


def test_arabic_indic_and_eastern_digits_become_ascii_one_for_one():
    mapped = normalize_digits("٢٠١٩ و۲۰۱۹ و2019")
    assert mapped.text == "2019 و2019 و2019"
    assert mapped.to_raw(6, 10) == (6, 10)


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("2254", 2254),  # a resolution number is still a number
        ("110,000", 110_000),  # seed 003
        ("42,471", 42_471),
        ("١١٠٬٠٠٠", 110_000),  # Arabic thousands separator
        ("7.7", 7.7),
        ("٧٫٧", 7.7),  # Arabic decimal mark
        ("1,234,567.5", 1_234_567.5),
        ("1.000.000", 1_000_000),  # dots as thousands separators
    ],
)
def test_digit_numbers_with_separators_parse(phrase, value):
    assert parse_number(phrase) == value


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("7.7 مليون", 7_700_000),  # seed 003
        ("25 ألف", 25_000),  # seed 004
        ("8 ملايين", 8_000_000),  # seed 004
        ("٣ آلاف", 3_000),
        ("25 ألفاً", 25_000),
        ("2 مليار و300 مليون", 2_300_000_000),
        ("مليون و 500 ألف", 1_500_000),
        ("ألف و500", 1_500),
        ("نصف مليون", 500_000),
        ("مليون ونصف", 1_500_000),
        ("1,5 مليون", 1_500_000),  # decimal comma before a scale word
        ("مليون", 1_000_000),
        ("ألفين", 2_000),
        ("مليونان", 2_000_000),
    ],
)
def test_scale_words_multiply_the_number_before_them(phrase, value):
    assert parse_number(phrase) == value


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("خمس", 5),  # seed 003: "خمس منظمات"
        ("خمسة", 5),
        ("أربع", 4),  # seed 003: "أربع سنوات"
        ("عشرين", 20),
        ("مئة", 100),
        ("مائة", 100),
        ("ثلاث مئة", 300),
        ("ثلاثمائة", 300),
        ("مئتين", 200),
        ("خمسة عشر", 15),
        ("إحدى عشرة", 11),
        ("اثنا عشر", 12),
        ("خمسة وعشرون", 25),
        ("مئة وخمسة وعشرون", 125),
        ("ثلاثة آلاف وخمسمئة", 3_500),
        ("مئة وخمسة وعشرون ألفاً", 125_000),
        ("عشرة آلاف", 10_000),
        ("مليونان وثلاثمئة ألف وخمسون", 2_300_050),
        ("واحد", 1),
    ],
)
def test_number_words_and_their_compounds_with_wa(phrase, value):
    assert parse_number(phrase) == value


@pytest.mark.parametrize("phrase", ["عامين", "سنتين", "يومين", "شهرين", "العامين"])
def test_duals_count_two(phrase):
    assert parse_number(phrase) == 2


def test_dual_match_names_the_unit_it_counts():
    [match] = find_numbers("خلال عامين")  # seed 000 headline
    assert (match.text, match.value, match.unit) == ("عامين", 2, "years")


def test_a_list_of_two_numbers_is_not_one_number():
    assert [m.value for m in find_numbers("5,6")] == [5, 6]
    assert [m.value for m in find_numbers("5 و6")] == [5, 6]
    assert parse_number("5,6") is None


def test_text_with_no_number_or_several_has_no_single_value():
    assert parse_number("لا أرقام هنا") is None
    assert parse_number("74 دولة وخمس منظمات") is None  # seed 003
    assert parse_number("") is None


def test_words_around_the_number_do_not_prevent_parsing():
    assert parse_number("حوالي 8 ملايين شخص") == 8_000_000


def test_number_followed_by_scale_word_and_noun_spans_number_and_scale():
    [match] = find_numbers("إزالة أكثر من 25 ألف مادة متفجرة")  # seed 004
    assert (match.text, match.value) == ("25 ألف", 25_000)


def test_coordinated_number_word_span_excludes_the_conjunction():
    text = "التحالف المكون من 74 دولة وخمس منظمات عالمية"  # seed 003
    assert [(m.text, m.value) for m in find_numbers(text)] == [("74", 74), ("خمس", 5)]


def test_offsets_point_into_the_raw_text_with_arabic_digits_and_diacritics():
    text = "قُتِلَ ١٢٠ شخصاً وجُرِحَ خَمْسَةٌ وعِشْرُونَ"
    matches = find_numbers(text)
    assert [(m.value, m.text) for m in matches] == [(120, "١٢٠"), (25, "خَمْسَةٌ وعِشْرُونَ")]
    assert all(text[m.start : m.end] == m.text for m in matches)


def test_digits_inside_identifiers_are_no_numbers():
    assert find_numbers("منصة SY24 وفيروس COVID-19 والرابط pic.twitter.com/6yoDUnbAhG") == []


def test_digits_after_a_glued_article_or_conjunction_are_numbers():
    assert [m.text for m in find_numbers("حتى الـ12 من الشهر و5 أيام")] == ["12", "5"]


def test_vague_plural_scale_words_and_one_of_are_no_numbers():
    assert find_numbers("أُسْتُشْهِدَ الآلاف من مُقاتلي") == []  # seed 003
    assert find_numbers("قال أحد المسؤولين يوم الاثنين إنه لست أدري") == []


def test_year_and_day_numbers_are_found_as_plain_numbers():
    values = [m.value for m in find_numbers("في 23 آذار/مارس 2019")]  # seed 003
    assert values == [23, 2019]
