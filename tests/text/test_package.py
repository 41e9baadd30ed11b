"""The package re-exports the names other rooms import."""

from __future__ import annotations


def test_public_names_are_importable_from_the_package():
    import harness.text as text

    names = (
        "MappedText", "normalize_arabic", "normalize_arabic_str", "find_normalized",
        "normalize_digits", "parse_number", "find_numbers", "NumberMatch", "find_quantities",
        "QuantityMatch", "canonical_unit", "find_dates", "parse_date", "DateMatch",
    )
    for name in names:
        assert callable(getattr(text, name)), name
    assert set(names) <= set(text.__all__)
