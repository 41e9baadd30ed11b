"""Per-document views: marks and claim statuses come from the scorers' own alignment."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from harness.corpus.load import load_corpus
from harness.model import Annotations, Claim, Entity, Prediction, Span
from harness.report.document_view import build_corpus_view, entity_marks, label_class, setup_view
from harness.report.highlight import Node
from harness.runs.compare import RunSide
from harness.scoring.corpus import ScoringSettings, score_document_all

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example"
ALL_LABELS = ("PER", "ORG", "LOC", "MISC", "DATE", "QUANTITY")


@pytest.fixture(scope="module")
def gold():
    (document,) = load_corpus(EXAMPLE).documents
    return document


def entity(text: str, label: str, part: str, id: str, occurrence: int = 0) -> Entity:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return Entity(id, label, start, start + len(part), part)


def marks_by_text(text: str, marks) -> dict[str, set[tuple[str, ...]]]:
    found: dict[str, set[tuple[str, ...]]] = {}
    for mark in marks:
        found.setdefault(text[mark.start : mark.end], set()).add(mark.classes)
    return found


def test_entity_marks_carry_label_and_strict_outcome_on_both_sides(gold):
    text = gold.document.text
    predicted = [
        entity(text, "PER", "سامر الحلبي", "p1"),  # correct
        entity(text, "ORG", "40 عملية", "p2"),  # same span, wrong label: incorrect
        entity(text, "LOC", "السكان", "p3"),  # nothing in the gold: spurious
    ]
    gold_marks, predicted_marks = entity_marks(gold.gold.entities, predicted, ALL_LABELS)
    by_gold = marks_by_text(text, gold_marks)
    by_predicted = marks_by_text(text, predicted_marks)
    assert by_gold["سامر الحلبي"] == {("ent", "lab-PER", "out-correct")}
    assert by_gold["40 عملية"] == {("ent", "lab-QUANTITY", "out-incorrect")}
    assert by_gold["أيار 2020"] == {("ent", "lab-DATE", "out-missed")}
    assert by_predicted["40 عملية"] == {("ent", "lab-ORG", "out-incorrect")}
    assert by_predicted["السكان"] == {("ent", "lab-LOC", "out-spurious")}
    (incorrect,) = [m for m in gold_marks if "out-incorrect" in m.classes]
    assert incorrect.title == "gold QUANTITY · incorrect: predicted ORG «40 عملية»"


def test_entities_of_labels_the_run_was_not_scored_on_are_drawn_as_unscored(gold):
    text = gold.document.text
    gold_marks, _ = entity_marks(gold.gold.entities, [entity(text, "PER", "سامر الحلبي", "p1")], ("PER",))
    outcomes = {text[m.start : m.end]: m.classes[-1] for m in gold_marks}
    assert outcomes["سامر الحلبي"] == "out-correct"
    assert outcomes["أيار 2020"] == "out-unscored"


def test_unknown_labels_share_one_css_class_never_built_from_the_label():
    assert label_class("PER") == "lab-PER"
    assert label_class('x" onmouseover="alert(1)') == "lab-other"


def test_claim_rows_give_each_gold_and_predicted_claim_its_status(gold):
    text = gold.document.text
    c1 = next(c for c in gold.gold.claims if c.id == "c1")
    found = replace(c1, id="p-c1", speaker=None, time=None, location=None)
    far = Claim("p-far", Span(72, 82, text[72:82]), "guess")
    ungrounded = Claim("p-bad", Span(0, 5, "not the text"), "bad offsets")
    prediction = Prediction("ex1", Annotations("ex1", claims=(found, far, ungrounded)))
    view = setup_view("rules", ALL_LABELS, True, gold, prediction)
    statuses = {(r.gold.id if r.gold else None, r.predicted.id if r.predicted else None): r.status for r in view.claim_rows}
    assert statuses[("c1", "p-c1")] == "correct"
    assert statuses[(None, "p-bad")] == "ungrounded"
    # p-far overlaps a third of c2's evidence: aligned, but without c2's quantity it is not correct.
    assert statuses[("c2", "p-far")] == "incorrect"
    assert len(view.claim_rows) == 3
    (pair,) = [r for r in view.claim_rows if r.gold and r.gold.id == "c1"]
    assert ("speaker", "missed") in pair.slots and all(outcome != "absent" for _, outcome in pair.slots)
    (bad,) = [r for r in view.claim_rows if r.status == "ungrounded"]
    assert "evidence" in bad.problem and bad.predicted.snippet == (Node(text="not the text"),)


def test_a_claim_snippet_marks_the_evidence_and_the_slots_around_it(gold):
    view = setup_view("rules", ALL_LABELS, True, gold, Prediction("ex1", Annotations("ex1")))
    (c1,) = [r.gold for r in view.claim_rows if r.gold and r.gold.id == "c1"]
    marked = [node.mark.title for node in c1.snippet if node.mark is not None]
    assert marked[0] == "speaker" and "evidence" in marked
    assert dict(c1.values) == {"speaker": "سامر الحلبي", "quantity": "40 operations", "time": "2020-05", "location": "حلب"}


def test_the_view_counts_are_the_scorers_counts(gold):
    text = gold.document.text
    prediction = Prediction("ex1", Annotations("ex1", entities=(entity(text, "PER", "سامر الحلبي", "p1"),)))
    view = setup_view("rules", ALL_LABELS, True, gold, prediction)
    scores = score_document_all(gold, prediction, ScoringSettings(entity_labels=ALL_LABELS))
    assert view.entity_counts == scores.entities_declared.overall.strict
    assert view.claim_counts == scores.claims.claims


def test_a_failed_document_shows_its_reason_and_all_gold_missed(gold):
    view = setup_view("llm", ALL_LABELS, True, gold, Prediction("ex1", Annotations("ex1"), error="timeout after 30 s"))
    assert view.failure == "timeout after 30 s"
    assert view.entity_counts.missed == len(gold.gold.entities) and view.entity_counts.correct == 0
    assert {r.status for r in view.claim_rows} == {"missed"}
    assert all(node.mark is None for node in view.predicted)


def test_a_long_corpus_shows_its_first_documents_and_says_how_many_there_are():
    corpus = load_corpus(Path(__file__).resolve().parents[2])
    empty = RunSide("r", "r", corpus.gold_sha256, ALL_LABELS, True, ())
    view = build_corpus_view(corpus, [("r", ALL_LABELS, empty)], limit=2)
    assert [d.doc_id for d in view.documents] == [g.document.doc_id for g in corpus.documents[:2]]
    assert view.total_documents == len(corpus.documents) > 2
    assert all(s.failure == "no prediction for this document" for d in view.documents for s in d.setups)
