"""Reading model answers as JSON: the repairs small models need, and nothing more."""

from __future__ import annotations

from harness.extractors.llm.parsing import (
    EMPTY,
    FAILED,
    OK,
    REPAIRED,
    TRUNCATED,
    parse_output,
)


def test_clean_json_parses_without_repairs():
    result = parse_output('{"claims": [{"text": "أ"}], "entities": []}')
    assert result.status == OK
    assert result.repairs == ()
    assert result.data == {"claims": [{"text": "أ"}], "entities": []}


def test_code_fences_around_the_json_are_removed():
    result = parse_output('Here it is:\n```json\n{"claims": [], "entities": []}\n```\nDone.')
    assert result.status == REPAIRED
    assert "fences" in result.repairs
    assert result.data == {"claims": [], "entities": []}


def test_trailing_commas_are_removed_outside_strings_only():
    result = parse_output('{"claims": [{"text": "a, ]"},], "entities": [],}')
    assert result.status == REPAIRED
    assert result.repairs == ("trailing_commas",)
    assert result.data["claims"] == [{"text": "a, ]"}]


def test_list_cut_by_the_token_limit_keeps_its_complete_items():
    cut = '{"claims": [{"text": "الأول", "kind": "fact"}, {"text": "الثاني", "kind": "fa'
    result = parse_output(cut, cut_by_limit=True)
    assert result.status == TRUNCATED
    assert result.data == {"claims": [{"text": "الأول", "kind": "fact"}]}


def test_item_cut_inside_a_nested_value_is_dropped_whole():
    cut = '{"claims": [{"text": "a"}, {"text": "b", "extra": {"x": 1}, "kind": "fa'
    result = parse_output(cut)
    assert result.data == {"claims": [{"text": "a"}]}


def test_cut_in_the_entities_list_keeps_every_claim():
    cut = '{"claims": [{"text": "a"}], "entities": [{"text": "x", "label": "ORG"}, {"text": "y", "lab'
    result = parse_output(cut)
    assert result.data == {"claims": [{"text": "a"}], "entities": [{"text": "x", "label": "ORG"}]}


def test_text_after_the_json_is_ignored():
    result = parse_output('{"claims": []} and then {"claims": [{"text": "x"}]}')
    assert result.data == {"claims": []}


def test_bare_list_is_read_as_the_claims():
    result = parse_output('[{"text": "a"}]')
    assert result.data == {"claims": [{"text": "a"}]}
    assert "list_only" in result.repairs


def test_empty_output_is_reported_as_empty():
    assert parse_output("  \n").status == EMPTY


def test_prose_without_json_fails_with_a_reason():
    result = parse_output("I cannot help with that.")
    assert result.status == FAILED
    assert result.data is None
    assert "no JSON" in result.error


def test_broken_json_without_complete_items_fails():
    result = parse_output('{"claims": [{"text": ')
    assert result.status == FAILED


def test_quote_copied_from_the_text_without_escape_is_repaired():
    result = parse_output('{"claims": [{"text": "قال إن "الوضع مستقر" في المدينة", "kind": "fact"}]}')
    assert result.status == REPAIRED and "inner_quotes" in result.repairs
    assert result.data["claims"][0]["text"] == 'قال إن "الوضع مستقر" في المدينة'


def test_inner_quotes_and_a_cut_list_are_repaired_together():
    cut = '{"claims": [{"text": "وصف "مهم" للحدث"}, {"text": "ثان'
    result = parse_output(cut, cut_by_limit=True)
    assert result.status == TRUNCATED
    assert result.data == {"claims": [{"text": 'وصف "مهم" للحدث'}]}


def test_string_closed_by_a_typographic_quote_and_full_width_comma_is_repaired():
    raw = '{"claims": [{"text": "قال إن “المعركة لم تنته”， "kind": "opinion"}]}'
    result = parse_output(raw)
    assert "typographic_close" in result.repairs
    assert result.data["claims"][0] == {"text": "قال إن “المعركة لم تنته”", "kind": "opinion"}
