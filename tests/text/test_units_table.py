"""The unit table file: loading, variants and errors that name the line."""

from __future__ import annotations

import pytest

from harness.text.units import TABLE_PATH, UNIT_FORMS, dual_unit, load_table


def test_the_shipped_table_loads_with_the_units_of_the_gold_contract():
    units = {entry.unit for entry in UNIT_FORMS.values()}
    gold_units = {"km2", "mi2", "percent", "people", "operations", "members", "countries",
                  "organizations", "soldiers", "fighters", "items", "years", "months", "days"}
    assert gold_units <= units
    assert TABLE_PATH.name == "units.tsv"


def test_accusative_and_construct_variants_are_added():
    assert UNIT_FORMS["عنصرا"].unit == "fighters"
    assert UNIT_FORMS["كيلومترا مربعا"].unit == "km2"
    assert UNIT_FORMS["مقاتلي"].unit == "fighters"
    assert "دولها" not in UNIT_FORMS  # teh marbuta takes no accusative alef


def test_duals_are_known_with_and_without_the_article():
    assert dual_unit("عامين") == "years"
    assert dual_unit("الدولتين") == "countries"
    assert dual_unit("مدنيين") is None  # a plural, not a dual


def test_malformed_row_is_reported_with_file_and_line(tmp_path):
    table = tmp_path / "units.tsv"
    table.write_text("# comment\npeople\tشخص\tsg\nfighters\tعنصر\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"units\.tsv:3: expected 3 tab-separated cells"):
        load_table(table)


def test_unknown_grammatical_number_is_reported(tmp_path):
    table = tmp_path / "units.tsv"
    table.write_text("people\tشخص\tplural\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"units\.tsv:1: number must be one of"):
        load_table(table)


def test_one_form_with_two_units_is_reported(tmp_path):
    table = tmp_path / "units.tsv"
    table.write_text("people\tشخص\tsg\nfighters\tشخص\tsg\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"units\.tsv:2: form 'شخص' is already unit 'people'"):
        load_table(table)
