"""Per-document views: marks and claim statuses come from the run's stored results (the scorers' own alignment)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from harness.annotations import Annotations, Claim, Entity, Prediction, Span
from harness.common.paths import PROJECT_ROOT
from harness.corpus.load import load_corpus
from harness.report.document_view import (
    ViewedRun,
    build_corpus_view,
    entity_marks,
    label_class,
    setup_view,
)
from harness.report.highlight import Node
from harness.scoring.claims import HEADLINE_CLAIM_MODE, align_document
from harness.scoring.corpus import score_documents
from harness.scoring.document import score_document
from harness.scoring.entities import count_document
from harness.scoring.results import from_json, to_json
from harness.scoring.settings import ScoringSettings

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


def view(gold, prediction: Prediction, labels=ALL_LABELS, **settings):
    """The view of one run on the document, from the result the scorer stores for it."""
    result = score_document(gold, prediction, ScoringSettings(entity_labels=labels, **settings))
    return setup_view("rules", labels, gold, prediction, result)


def marks_of(gold, predicted, labels=ALL_LABELS, **settings):
    prediction = Prediction("ex1", Annotations("ex1", entities=tuple(predicted)))
    result = score_document(gold, prediction, ScoringSettings(entity_labels=labels, **settings))
    return entity_marks(gold.gold.entities, predicted, labels, result, set())


def test_entity_marks_carry_label_and_strict_outcome_on_both_sides(gold):
    text = gold.document.text
    predicted = [
        entity(text, "PER", "سامر الحلبي", "p1"),  # correct
        entity(text, "ORG", "40 عملية", "p2"),  # same span, wrong label: incorrect
        entity(text, "LOC", "السكان", "p3"),  # nothing in the gold: spurious
    ]
    gold_marks, predicted_marks = marks_of(gold, predicted)
    by_gold = marks_by_text(text, gold_marks)
    by_predicted = marks_by_text(text, predicted_marks)
    assert by_gold["سامر الحلبي"] == {("ent", "lab-PER", "out-correct")}
    assert by_gold["40 عملية"] == {("ent", "lab-QUANTITY", "out-incorrect")}
    assert by_gold["أيار 2020"] == {("ent", "lab-DATE", "out-missed")}
    assert by_predicted["40 عملية"] == {("ent", "lab-ORG", "out-incorrect")}
    assert by_predicted["السكان"] == {("ent", "lab-LOC", "out-spurious")}
    (incorrect,) = [m for m in gold_marks if "out-incorrect" in m.classes]
    assert incorrect.title == "gold QUANTITY · incorrect: predicted ORG «40 عملية»"


def test_marks_follow_the_stored_alignment_of_the_run_settings(gold):
    text = gold.document.text
    # "عملية" alone: overlaps the gold QUANTITY "40 عملية" (5 of 8 characters, IoU 0.625) with other boundaries.
    overlapping = [entity(text, "QUANTITY", "عملية", "p1")]
    gold_marks, predicted_marks = marks_of(gold, overlapping)
    assert marks_by_text(text, gold_marks)["40 عملية"] == {("ent", "lab-QUANTITY", "out-incorrect")}
    # Scored with a minimum overlap above the pair's, the stored alignment has a miss and a spurious item: so do the marks.
    gold_marks, predicted_marks = marks_of(gold, overlapping, min_overlap=0.7)
    assert marks_by_text(text, gold_marks)["40 عملية"] == {("ent", "lab-QUANTITY", "out-missed")}
    assert marks_by_text(text, predicted_marks)["عملية"] == {("ent", "lab-QUANTITY", "out-spurious")}


def test_entities_of_labels_the_run_was_not_scored_on_are_drawn_as_unscored(gold):
    text = gold.document.text
    gold_marks, _ = marks_of(gold, [entity(text, "PER", "سامر الحلبي", "p1")], labels=("PER",))
    outcomes = {text[m.start : m.end]: m.classes[-1] for m in gold_marks}
    assert outcomes["سامر الحلبي"] == "out-correct"
    assert outcomes["أيار 2020"] == "out-unscored"


def test_unknown_labels_share_one_css_class_never_built_from_the_label():
    assert label_class("PER") == "lab-PER"
    assert label_class('x" onmouseover="alert(1)') == "lab-other"


def test_claim_rows_give_each_gold_and_predicted_claim_its_status(gold):
    text = gold.document.text
    c1 = next(c for c in gold.gold.claims if c.id == "c1")
    found = replace(c1, id="p-c1")
    far = Claim("p-far", Span(72, 82, text[72:82]), "guess")
    ungrounded = Claim("p-bad", Span(0, 5, "not the text"), "bad offsets")
    shown = view(gold, Prediction("ex1", Annotations("ex1", claims=(found, far, ungrounded))))
    statuses = {(r.gold.id if r.gold else None, r.predicted.id if r.predicted else None): r.status for r in shown.claim_rows}
    assert statuses[("c1", "p-c1")] == "correct"
    assert statuses[(None, "p-bad")] == "ungrounded"
    # p-far overlaps a third of c2's evidence: aligned, but without c2's quantity it is not correct.
    assert statuses[("c2", "p-far")] == "incorrect"
    assert len(shown.claim_rows) == 3
    (pair,) = [r for r in shown.claim_rows if r.gold and r.gold.id == "c1"]
    assert pair.verdicts == (("evidence", True), ("strict", True))
    assert ("speaker", "correct") in pair.slots and all(outcome != "absent" for _, outcome in pair.slots)
    (bad,) = [r for r in shown.claim_rows if r.status == "ungrounded"]
    assert "evidence" in bad.problem and bad.predicted.snippet == (Node(text="not the text"),)


def test_a_claim_with_the_right_words_and_missing_slots_is_incorrect_in_the_headline_mode(gold):
    c1 = next(c for c in gold.gold.claims if c.id == "c1")
    words_only = replace(c1, id="p-c1", speaker=None, time=None, location=None)
    shown = view(gold, Prediction("ex1", Annotations("ex1", claims=(words_only,))))
    (pair,) = [r for r in shown.claim_rows if r.gold and r.gold.id == "c1"]
    assert HEADLINE_CLAIM_MODE == "strict"
    assert pair.status == "incorrect"
    assert pair.verdicts == (("evidence", True), ("strict", False))
    assert dict(pair.slots) == {"speaker": "missed", "quantity": "correct", "unit": "correct", "time": "missed", "location": "missed"}


def test_a_claim_snippet_marks_the_evidence_and_the_slots_around_it(gold):
    shown = view(gold, Prediction("ex1", Annotations("ex1")))
    (c1,) = [r.gold for r in shown.claim_rows if r.gold and r.gold.id == "c1"]
    marked = [node.mark.title for node in c1.snippet if node.mark is not None]
    assert marked[0] == "speaker" and "evidence" in marked
    assert dict(c1.values) == {"speaker": "سامر الحلبي", "quantity": "40 operations", "time": "2020-05", "location": "حلب"}


def test_the_view_counts_are_the_scorers_counts(gold):
    text = gold.document.text
    c2 = next(c for c in gold.gold.claims if c.id == "c2")
    prediction = Prediction("ex1", Annotations("ex1", (entity(text, "PER", "سامر الحلبي", "p1"),), (replace(c2, id="p-c2"),)))
    shown = view(gold, prediction)
    assert shown.entity_counts == count_document(gold.gold.entities, prediction.annotations.entities, ALL_LABELS).overall.strict
    assert shown.claim_counts == align_document(gold, prediction).counts().part(HEADLINE_CLAIM_MODE)
    assert (shown.entity_counts.correct, shown.claim_counts.correct, shown.claim_counts.missed) == (1, 1, 1)


def test_a_view_from_a_stored_result_read_back_is_the_same_view(gold):
    text = gold.document.text
    c1 = next(c for c in gold.gold.claims if c.id == "c1")
    prediction = Prediction(
        "ex1",
        Annotations("ex1", (entity(text, "PER", "سامر الحلبي", "p1"), entity(text, "LOC", "السكان", "p2")), (replace(c1, id="p1", time=None),)),
    )
    result = score_document(gold, prediction, ScoringSettings(entity_labels=ALL_LABELS))
    stored = from_json(to_json(result))
    assert setup_view("rules", ALL_LABELS, gold, prediction, stored) == setup_view("rules", ALL_LABELS, gold, prediction, result)


def test_a_run_without_claim_scores_shows_no_claim_rows(gold):
    shown = view(gold, Prediction("ex1", Annotations("ex1", claims=gold.gold.claims)), score_claims=False)
    assert not shown.claims_scored and shown.claim_rows == () and shown.claim_counts is None


def test_a_failed_document_shows_its_reason_and_all_gold_missed(gold):
    shown = view(gold, Prediction("ex1", Annotations("ex1"), error="timeout after 30 s"))
    assert shown.failure == "timeout after 30 s"
    assert shown.entity_counts.missed == len(gold.gold.entities) and shown.entity_counts.correct == 0
    assert {r.status for r in shown.claim_rows} == {"missed"}
    assert all(node.mark is None for node in shown.predicted)


def test_a_long_corpus_shows_its_first_documents_and_says_how_many_there_are():
    corpus = load_corpus(PROJECT_ROOT)
    results = score_documents(corpus.documents, [], ScoringSettings(entity_labels=ALL_LABELS))
    empty = ViewedRun("r", ALL_LABELS, (), results)
    corpus_view = build_corpus_view(corpus, [empty], limit=2)
    assert [d.doc_id for d in corpus_view.documents] == [g.document.doc_id for g in corpus.documents[:2]]
    assert corpus_view.total_documents == len(corpus.documents) > 2
    assert all(s.failure == "no prediction for this document" for d in corpus_view.documents for s in d.setups)
    assert all(len(d.setups) == 1 for d in corpus_view.documents)
