"""Number words of speech, construct duals of scale words, decimal commas before a range.

Sentences written for these tests. Forms that parsed before these additions
keep their values (see ``test_numbers.py``); these are new forms.
"""

from __future__ import annotations

import pytest

from harness.text.numbers import find_numbers, parse_number


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("تلاتة", 3),  # Levantine, Egyptian
        ("تمانية", 8),
        ("تلاتين", 30),
        ("تمانين ألف", 80_000),
        ("حداشر", 11),
        ("اتناشر", 12),
        ("خمستاشر", 15),
        ("سبعطاشر", 17),
        ("اربعطعش", 14),  # Gulf
        ("ميتين", 200),
        ("تلتمية", 300),
        ("خمسمية ألف", 500_000),
        ("جوج", 2),  # Moroccan
        ("اتنين", 2),
        ("تلاتة وتلاتين", 33),
        ("ميتين وخمسين", 250),
    ],
)
def test_spoken_number_words_read_like_their_standard_forms(phrase, value):
    assert parse_number(phrase) == value


def test_standard_words_that_sound_like_speech_are_not_numbers():
    assert parse_number("شرب كوب مية") is None  # water
    assert parse_number("رسم تنين على الجدار") is None  # a dragon


@pytest.mark.parametrize(
    ("phrase", "value"),
    [
        ("مليوني دولار", 2_000_000),
        ("ألفي متطوع", 2_000),
        ("ملياري يورو", 2_000_000_000),
    ],
)
def test_construct_duals_of_scale_words_count_two(phrase, value):
    assert parse_number(phrase) == value


def test_the_accusative_thousand_stays_one_thousand():
    assert parse_number("ألفاً") == 1_000


def test_a_decimal_comma_before_a_range_and_a_percent_is_a_decimal():
    found = [(m.text, m.value) for m in find_numbers("ارتفع المؤشر بين 1,5 و2 بالمائة")]
    assert found == [("1,5", 1.5), ("2", 2.0)]
    found = [(m.text, m.value) for m in find_numbers("نمو 3,2 - 3,8 بالمئة")]
    assert found == [("3,2", 3.2), ("3,8", 3.8)]


def test_a_comma_list_before_a_range_word_is_still_a_list():
    assert [m.value for m in find_numbers("الفائزون هم 3,7 و9")] == [3, 7, 9]
