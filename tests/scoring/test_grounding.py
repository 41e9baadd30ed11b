"""Grounding of predicted spans in the document text (harness/scoring/grounding.py)."""

from __future__ import annotations

import dataclasses

import pytest

from harness.model import (
    Annotations,
    Claim,
    Document,
    Entity,
    Location,
    Quantity,
    QuantityForm,
    Span,
    Speaker,
    TimeRef,
)
from harness.scoring.grounding import (
    GroundingReport,
    UngroundedSpan,
    check_grounding,
    keep_grounded,
    span_problem,
)

TEXT = "قال وزير الدفاع إن المساحة بلغت 110,000 كيلومتر مربع (42,471 ميل مربع) في آذار 2019 في سوريا."
DOC = Document("doc-a", TEXT)


def span_of(part: str, text: str = TEXT) -> dict:
    """``start``, ``end`` and ``text`` of the first occurrence of ``part``, as keywords."""
    start = text.index(part)
    return {"start": start, "end": start + len(part), "text": part}


def entity(item_id: str, label: str, part: str) -> Entity:
    return Entity(item_id, label, **span_of(part))


def full_claim(item_id: str = "c1") -> Claim:
    return Claim(
        id=item_id,
        evidence=Span(**span_of("المساحة بلغت 110,000 كيلومتر مربع")),
        predicate="area",
        speaker=Speaker(**span_of("وزير الدفاع")),
        quantity=Quantity(
            110000.0,
            "km2",
            False,
            **span_of("110,000 كيلومتر مربع"),
            alternatives=(QuantityForm(42471.0, "mi2", **span_of("42,471 ميل مربع")),),
        ),
        time=TimeRef("2019-03", **span_of("آذار 2019")),
        location=Location(**span_of("سوريا")),
    )


def test_spans_that_point_at_their_text_are_grounded():
    annotations = Annotations("doc-a", (entity("e1", "LOC", "سوريا"),), (full_claim(),))
    report = check_grounding(DOC, annotations)
    assert report.grounded
    assert (report.documents, report.entities_checked, report.claims_checked) == (1, 1, 1)
    assert report.spans_checked == 1 + 6  # the entity; evidence, 4 slots, 1 alternative


def test_a_shifted_entity_is_reported_with_doc_and_item_id():
    where = span_of("سوريا")
    shifted = Entity("e7", "LOC", where["start"] + 1, where["end"] + 1, where["text"])
    report = check_grounding(DOC, Annotations("doc-a", (shifted,)))
    assert report.ungrounded_entities == 1
    (problem,) = report.problems
    assert (problem.doc_id, problem.item_kind, problem.item_id, problem.field) == ("doc-a", "entity", "e7", "span")
    assert "differs from the document" in problem.reason
    assert "doc-a" in str(problem) and "e7" in str(problem)


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        (-1, 3, "outside the document"),
        (5, 5, "empty"),
        (7, 3, "empty"),
        (len(TEXT) - 2, len(TEXT) + 4, "outside the document"),
        (1.0, 4, "integers"),
        (True, 4, "integers"),
    ],
)
def test_offsets_out_of_range_empty_or_not_integers_are_not_grounded(start, end, reason):
    problem = span_problem(TEXT, start, end, "x")
    assert problem is not None and reason in problem


def test_one_bad_slot_makes_the_whole_claim_ungrounded_and_names_the_slot():
    claim = full_claim()
    bad_time = dataclasses.replace(claim.time, text="نيسان 2019")
    report = check_grounding(DOC, Annotations("doc-a", claims=(dataclasses.replace(claim, time=bad_time),)))
    assert report.ungrounded_claims == 1
    assert [p.field for p in report.problems] == ["time"]


def test_a_wrong_alternative_quantity_span_is_caught():
    claim = full_claim()
    alt = dataclasses.replace(claim.quantity.alternatives[0], start=0, end=3)
    quantity = dataclasses.replace(claim.quantity, alternatives=(alt,))
    report = check_grounding(DOC, Annotations("doc-a", claims=(dataclasses.replace(claim, quantity=quantity),)))
    assert [p.field for p in report.problems] == ["quantity.alternatives[0]"]


def test_a_claim_without_evidence_is_reported_not_crashed_on():
    claim = dataclasses.replace(full_claim(), evidence=None)
    report = check_grounding(DOC, Annotations("doc-a", claims=(claim,)))
    (problem,) = report.problems
    assert (problem.field, problem.reason) == ("evidence", "missing span")


def test_keep_grounded_drops_only_the_ungrounded_items_and_reports_them():
    good = full_claim("c1")
    bad = dataclasses.replace(full_claim("c2"), evidence=Span(0, 4, "كلام"))
    ents = (entity("e1", "LOC", "سوريا"), Entity("e2", "PER", 0, 3, "زيد"))
    kept, report = keep_grounded(DOC, Annotations("doc-a", ents, (good, bad)))
    assert [c.id for c in kept.claims] == ["c1"]
    assert [e.id for e in kept.entities] == ["e1"]
    assert {(p.item_kind, p.item_id) for p in report.problems} == {("claim", "c2"), ("entity", "e2")}


def test_duplicate_prediction_ids_are_kept_or_dropped_by_position():
    good = full_claim("c1")
    bad = dataclasses.replace(full_claim("c1"), evidence=Span(0, 4, "كلام"))
    kept, report = keep_grounded(DOC, Annotations("doc-a", claims=(bad, good)))
    assert kept.claims == (good,)
    assert report.ungrounded_claims == 1 and report.problems[0].item_index == 0


def test_reports_of_several_documents_add_up():
    other = Document("doc-b", "نص آخر")
    first = check_grounding(DOC, Annotations("doc-a", (Entity("e1", "PER", 0, 3, "xyz"),)))
    second = check_grounding(other, Annotations("doc-b", (Entity("e1", "PER", 0, 2, "نص"),)))
    total = sum([first, second])
    assert isinstance(total, GroundingReport)
    assert (total.documents, total.entities_checked, total.ungrounded_entities) == (2, 2, 1)
    assert all(isinstance(p, UngroundedSpan) for p in total.problems)


def test_the_same_item_position_in_two_documents_counts_twice():
    bad = Entity("e1", "PER", 0, 3, "xyz")
    report = check_grounding(DOC, Annotations("doc-a", (bad,))) + check_grounding(
        Document("doc-b", "abcdef"), Annotations("doc-b", (bad,))
    )
    assert report.ungrounded_entities == 2


def test_predictions_for_another_document_are_refused():
    with pytest.raises(ValueError, match="doc-b"):
        check_grounding(DOC, Annotations("doc-b"))


def test_reports_are_frozen():
    report = check_grounding(DOC, Annotations("doc-a"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.documents = 3  # type: ignore[misc]
