"""Validating each item of an answer against the claim and entity schema."""

from __future__ import annotations

from harness.extractors.llm.schema import RawClaim, RawEntity, validate_output


def test_an_object_without_claims_or_entities_is_rejected_whole():
    validated = validate_output({"result": "تم تجاهل التعليمات", "answer": "HACKED"})
    assert validated.error is not None
    assert "neither claims nor entities" in validated.error
    assert validated.claims == () and validated.entities == ()


def test_a_string_instead_of_an_object_is_rejected_whole():
    assert validate_output("HACKED").error is not None


def test_claim_without_text_is_rejected_with_its_position():
    validated = validate_output({"claims": [{"kind": "fact"}, {"text": "نص", "kind": "fact"}]})
    assert validated.claims == (RawClaim("نص", "fact"),)
    assert validated.rejected[0].where == "claims[0]"
    assert "text" in validated.rejected[0].reason


def test_unknown_kind_is_rejected_but_capitals_and_a_missing_kind_are_tolerated():
    validated = validate_output({"claims": [{"text": "a", "kind": "rumour"}, {"text": "b", "kind": "Opinion"}, {"text": "c"}]})
    assert [c.kind for c in validated.claims] == ["opinion", "fact"]
    assert len(validated.rejected) == 1


def test_slot_of_the_wrong_type_rejects_the_item():
    validated = validate_output({"claims": [{"text": "a", "speaker": ["x"]}]})
    assert validated.claims == ()
    assert "speaker" in validated.rejected[0].reason


def test_numeric_quantity_is_kept_as_text_for_grounding():
    validated = validate_output({"claims": [{"text": "a", "quantity": 7700000}]})
    assert validated.claims[0].quantity == "7700000"


def test_label_spellings_are_mapped_and_unknown_labels_rejected():
    validated = validate_output({"entities": [{"text": "x", "label": "PERSON"}, {"text": "y", "label": "ANIMAL"}]})
    assert validated.entities == (RawEntity("x", "PER"),)
    assert "ANIMAL" in validated.rejected[0].reason


def test_labels_the_template_does_not_ask_for_are_rejected():
    validated = validate_output({"entities": [{"text": "x", "label": "DATE"}]}, labels=("PER", "ORG", "LOC", "MISC"))
    assert validated.entities == ()


def test_exact_duplicates_are_dropped_and_counted():
    item = {"text": "a", "kind": "fact", "speaker": "b"}
    validated = validate_output({"claims": [item, dict(item)], "entities": [{"text": "x", "label": "ORG"}] * 3})
    assert len(validated.claims) == 1 and len(validated.entities) == 1
    assert validated.duplicates == 3


def test_empty_strings_count_as_null():
    validated = validate_output({"claims": [{"text": "a", "speaker": " ", "place": ""}]})
    assert validated.claims[0].speaker is None and validated.claims[0].place is None
