"""MappedText: raw spans of normalised characters, and composing two mappings."""

from __future__ import annotations

import pytest

from harness.text.arabic import normalize_arabic
from harness.text.digits import normalize_digits
from harness.text.offsets import MappedText, MappedTextBuilder, compose, map_chars


def test_identity_maps_each_character_to_itself():
    mapped = MappedText.identity("abc")
    assert mapped.text == "abc"
    assert [mapped.to_raw(i, i + 1) for i in range(3)] == [(0, 1), (1, 2), (2, 3)]
    assert mapped.starts[-1] == 3


def test_empty_span_maps_to_the_raw_start_of_the_next_character():
    mapped = normalize_arabic("بـ\u200bا")  # tatweel and a zero-width space vanish
    assert mapped.text == "با"
    assert mapped.to_raw(1, 1) == (3, 3)
    assert mapped.to_raw(2, 2) == (4, 4)


def test_span_outside_the_normalised_text_is_rejected():
    mapped = MappedText.identity("abc")
    with pytest.raises(ValueError, match="not within"):
        mapped.to_raw(2, 4)
    with pytest.raises(ValueError, match="not within"):
        mapped.to_raw(2, 1)


def test_inconsistent_mapping_is_rejected_with_the_reason():
    with pytest.raises(ValueError, match="len\\(text\\)\\+1"):
        MappedText("ab", "ab", (0, 1), (1, 2))
    with pytest.raises(ValueError, match="before the previous"):
        MappedText("ab", "ab", (1, 0, 2), (2, 1))
    with pytest.raises(ValueError, match="empty or outside"):
        MappedText("a", "ab", (1, 2), (1,))


def test_an_expansion_maps_every_output_character_to_its_source():
    builder = MappedTextBuilder("xﻻy")
    builder.emit("x", 0, 1)
    builder.emit("لا", 1, 2)
    builder.emit("y", 2, 3)
    mapped = builder.build()
    assert mapped.text == "xلاy"
    assert mapped.to_raw(1, 2) == (1, 2)
    assert mapped.to_raw(2, 3) == (1, 2)
    assert mapped.raw_slice(0, 2) == "xﻻ"


def test_diacritics_stay_with_their_letter_in_the_raw_span():
    raw = "قَالَ محمد"
    mapped = normalize_arabic(raw)
    assert mapped.text == "قال محمد"
    assert mapped.raw_slice(0, 3) == "قَالَ"


def test_composition_of_arabic_and_digit_folds_maps_back_to_raw():
    raw = "في ٢٣ آذارَ ٢٠١٩"
    mapped = normalize_arabic(raw).then(normalize_digits)
    assert mapped.text == "في 23 اذار 2019"
    start = mapped.text.index("2019")
    assert mapped.raw_slice(start, start + 4) == "٢٠١٩"
    start = mapped.text.index("اذار")
    assert mapped.raw_slice(start, start + 4) == "آذارَ"


def test_compose_rejects_mappings_that_do_not_chain():
    first = MappedText.identity("abc")
    with pytest.raises(ValueError, match="second mapping must normalise"):
        compose(first, MappedText.identity("xyz"))


def test_map_chars_drops_and_expands_characters():
    mapped = map_chars("a-b", lambda c: "" if c == "-" else c * 2)
    assert mapped.text == "aabb"
    assert mapped.to_raw(2, 4) == (2, 3)

