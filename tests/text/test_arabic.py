"""Arabic folds, name comparison keys, and finding a phrase through them."""

from __future__ import annotations

import pytest

from harness.text.arabic import (
    find_normalized,
    normalize_arabic,
    normalize_arabic_str,
    normalize_for_matching,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أكد", "اكد"),
        ("إرهابي", "ارهابي"),
        ("آذار", "اذار"),
        ("ٱلله", "الله"),
    ],
)
def test_alef_forms_fold_to_bare_alef(raw, expected):
    assert normalize_arabic(raw).text == expected


def test_alef_maqsura_folds_to_yeh_and_teh_marbuta_to_heh():
    assert normalize_arabic("مستشفى").text == "مستشفي"
    assert normalize_arabic("منظمة دولية").text == "منظمه دوليه"


def test_diacritics_and_superscript_alef_are_removed():
    assert normalize_arabic("أُسْتُشْهِدَ").text == "استشهد"
    assert normalize_arabic("هٰذا").text == "هذا"
    assert normalize_arabic("عنصرًا").text == "عنصرا"


def test_tatweel_is_removed_and_keeps_offsets_of_the_letters():
    mapped = normalize_arabic("الـ 12")
    assert mapped.text == "ال 12"
    assert mapped.raw_slice(3, 5) == "12"


def test_bidi_and_zero_width_controls_are_removed():
    raw = "\u200fداعش\u200b\u202bقوات\u202c\u2066X\u2069\ufeff"
    assert normalize_arabic(raw).text == "داعشقواتX"


def test_lam_alef_ligature_expands_and_both_letters_map_to_it():
    mapped = normalize_arabic("ﻻ يزال")
    assert mapped.text == "لا يزال"
    assert mapped.to_raw(0, 1) == (0, 1)
    assert mapped.to_raw(1, 2) == (0, 1)
    assert mapped.to_raw(0, 3) == (0, 2)


def test_presentation_forms_become_ordinary_letters():
    assert normalize_arabic("ﺩﺍﻋﺶ").text == "داعش"


def test_decomposed_alef_with_hamza_composes_then_folds():
    assert normalize_arabic("\u0627\u0654\u0645\u0633").text == "امس"
    assert normalize_arabic("\u064a\u0654").text == "ئ"


def test_isolated_form_of_a_diacritic_does_not_turn_into_a_space():
    assert normalize_arabic("كتب\ufe70").text == "كتب"


def test_hamza_carriers_latin_accents_and_whitespace_are_kept():
    assert normalize_arabic("مسؤول رئيس جزء").text == "مسؤول رئيس جزء"
    assert normalize_arabic("café\n  x").text == "café\n  x"


def test_names_spelled_differently_share_one_comparison_key():
    assert normalize_arabic_str("أبو بكر البغدادي") == normalize_arabic_str(" ابو  بَكْر\nالبغدادى ")
    assert normalize_arabic_str("قوات سوريا الديمقراطية") == "قوات سوريا الديمقراطيه"


def test_model_quote_without_diacritics_is_found_in_the_vocalised_source():
    doc = "أُسْتُشْهِدَ الآلاف من مُقاتلي قوات سوريا الديمقراطية"
    spans = find_normalized(doc, "استشهد الالاف من مقاتلي")
    assert [doc[s:e] for s, e in spans] == ["أُسْتُشْهِدَ الآلاف من مُقاتلي"]


def test_phrase_is_found_across_line_breaks_and_double_spaces():
    doc = "يتوجب علينا  أن نُضاعف\nالجهود"
    [(start, end)] = find_normalized(doc, "علينا أن نضاعف الجهود")
    assert doc[start:end] == "علينا  أن نُضاعف\nالجهود"


def test_phrase_with_ascii_digits_and_quotes_matches_arabic_digits_and_curly_quotes():
    doc = "قال المتحدث إن “داعش” خسر في ٢٠١٩ معاقله"
    [(start, end)] = find_normalized(doc, '"داعش" خسر في 2019')
    assert doc[start:end] == "“داعش” خسر في ٢٠١٩"


def test_every_occurrence_is_returned_in_order():
    doc = "داعش في سوريا، ولداعش خلايا في العراق"
    assert find_normalized(doc, "داعش") == [(0, 4), (17, 21)]
    assert find_normalized(doc, "داعش", whole_words=True) == [(0, 4)]


def test_needle_never_matches_half_of_a_ligature_or_a_letter_without_its_accent():
    assert find_normalized("ﻻ بد", "ل") == []
    assert find_normalized("ﻻ بد", "لا") == [(0, 1)]
    assert find_normalized("cafe\u0301", "cafe") == []


def test_needle_without_content_and_missing_phrase_find_nothing():
    assert find_normalized("نص ما", "  \u200f ") == []
    assert find_normalized("نص ما", "غائب") == []


def test_matching_form_collapses_whitespace_and_folds_dashes():
    assert normalize_for_matching("قوة المهام المشتركة –  عملية").text == "قوه المهام المشتركه - عمليه"
