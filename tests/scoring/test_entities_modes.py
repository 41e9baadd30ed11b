"""The four SemEval modes on small hand-made documents, Arabic and abstract."""

from __future__ import annotations

import pytest

from harness.annotations import Entity
from harness.scoring.counts import MatchCounts
from harness.scoring.entities import (
    MODES,
    DocumentCounts,
    count_document,
    score_entities,
    scores_from_counts,
    sum_documents,
)

# Written for these tests (not taken from the seeds).
TEXT = "قال وزير الخارجية المصري سامح شكري في القاهرة إن الاجتماع سيعقد يوم 12 مارس 2024."


def ent(id_: str, label: str, surface: str, text: str = TEXT, occurrence: int = 0) -> Entity:
    """An entity over ``surface`` as it occurs in ``text`` (offsets found, not typed)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(surface, start + 1)
    return Entity(id_, label, start, start + len(surface), surface)


def span(id_: str, label: str, start: int, end: int) -> Entity:
    return Entity(id_, label, start, end, "x" * (end - start))


def overall(gold, predicted, labels=None) -> dict[str, MatchCounts]:
    counts = count_document(gold, predicted, labels)
    return {mode: counts.overall.mode(mode) for mode in MODES}


def test_identical_annotations_are_correct_in_every_mode():
    gold = [ent("g1", "PER", "سامح شكري"), ent("g2", "LOC", "القاهرة")]
    predicted = [ent("p1", "PER", "سامح شكري"), ent("p2", "LOC", "القاهرة")]
    for mode, counts in overall(gold, predicted).items():
        assert counts == MatchCounts(correct=2), mode


def test_same_boundaries_with_wrong_label_fail_strict_and_type_only():
    gold = [ent("g1", "LOC", "القاهرة")]
    predicted = [ent("p1", "ORG", "القاهرة")]
    counts = overall(gold, predicted)
    assert counts["strict"] == MatchCounts(incorrect=1)
    assert counts["exact"] == MatchCounts(correct=1)
    assert counts["partial"] == MatchCounts(correct=1)
    assert counts["type"] == MatchCounts(incorrect=1)


def test_overlap_with_the_right_label_is_correct_only_in_type_mode():
    # Gold names the minister with his title; the prediction only the name.
    gold = [ent("g1", "PER", "وزير الخارجية المصري سامح شكري")]
    predicted = [ent("p1", "PER", "سامح شكري")]
    counts = overall(gold, predicted)
    assert counts["strict"] == MatchCounts(incorrect=1)
    assert counts["exact"] == MatchCounts(incorrect=1)
    assert counts["partial"] == MatchCounts(partial=1)
    assert counts["type"] == MatchCounts(correct=1)


def test_overlap_with_the_wrong_label_is_partial_or_incorrect():
    gold = [ent("g1", "DATE", "يوم 12 مارس 2024")]
    predicted = [ent("p1", "QUANTITY", "12")]
    counts = overall(gold, predicted)
    assert counts["strict"] == MatchCounts(incorrect=1)
    assert counts["exact"] == MatchCounts(incorrect=1)
    assert counts["partial"] == MatchCounts(partial=1)
    assert counts["type"] == MatchCounts(incorrect=1)


def test_disjoint_prediction_is_spurious_and_the_gold_is_missed():
    gold = [ent("g1", "PER", "سامح شكري")]
    predicted = [ent("p1", "PER", "القاهرة")]
    for mode, counts in overall(gold, predicted).items():
        assert counts == MatchCounts(missed=1, spurious=1), mode


def test_touching_spans_do_not_overlap():
    gold = [span("g", "PER", 0, 5)]
    predicted = [span("p", "PER", 5, 9)]
    assert overall(gold, predicted)["partial"] == MatchCounts(missed=1, spurious=1)


def test_partial_mode_precision_and_recall_give_half_credit():
    gold = [span("g1", "PER", 0, 5), span("g2", "LOC", 10, 15), span("g3", "ORG", 20, 25)]
    predicted = [span("p1", "PER", 0, 5), span("p2", "LOC", 12, 18), span("p3", "ORG", 40, 45)]
    scores = score_entities([(gold, predicted)])
    counts = scores.partial.counts
    assert counts == MatchCounts(correct=1, partial=1, missed=1, spurious=1)
    assert scores.partial.micro.precision == (1 + 0.5 * 1) / 3
    assert scores.partial.micro.recall == (1 + 0.5 * 1) / 3
    # The other modes give a partial match no credit.
    assert scores.exact.micro.precision == 1 / 3


def test_label_restriction_drops_undeclared_labels_from_gold_and_predictions():
    gold = [ent("g1", "PER", "سامح شكري"), ent("g2", "DATE", "12 مارس 2024")]
    predicted = [ent("p1", "PER", "سامح شكري"), ent("p2", "LOC", "القاهرة")]
    restricted = count_document(gold, predicted, labels={"PER", "LOC"})
    assert restricted.labels == ("LOC", "PER")
    assert restricted.overall.strict == MatchCounts(correct=1, spurious=1)
    assert [label for label, _ in restricted.per_label] == ["LOC", "PER"]
    everything = count_document(gold, predicted)
    assert everything.overall.strict == MatchCounts(correct=1, missed=1, spurious=1)


def test_per_label_row_is_the_label_scored_alone():
    # One wrong-label pair: a single incorrect pair overall, but a miss for
    # the gold label and a spurious item for the predicted one.
    gold = [ent("g1", "LOC", "القاهرة")]
    predicted = [ent("p1", "ORG", "القاهرة")]
    counts = count_document(gold, predicted)
    assert counts.overall.strict == MatchCounts(incorrect=1)
    assert counts.label("LOC").strict == MatchCounts(missed=1)
    assert counts.label("ORG").strict == MatchCounts(spurious=1)


def test_macro_average_covers_only_labels_that_occur():
    gold = [ent("g1", "PER", "سامح شكري"), ent("g2", "LOC", "القاهرة")]
    predicted = [ent("p1", "PER", "سامح شكري")]
    scores = score_entities([(gold, predicted)], labels={"PER", "LOC", "QUANTITY"})
    strict = scores.strict
    assert [row.label for row in strict.per_label] == ["LOC", "PER"]
    assert strict.macro.f1 == (strict.label("LOC").prf.f1 + strict.label("PER").prf.f1) / 2
    assert strict.label("QUANTITY").counts == MatchCounts()


def test_document_counts_add_up_to_the_corpus_scores():
    doc1 = ([span("a", "PER", 0, 3), span("b", "LOC", 5, 9)], [span("x", "PER", 0, 3)])
    doc2 = ([span("c", "LOC", 0, 4)], [span("y", "LOC", 1, 4), span("z", "ORG", 8, 9)])
    per_document = [count_document(g, p) for g, p in (doc1, doc2)]
    total = per_document[0] + per_document[1]
    assert sum_documents(per_document) == total
    assert total.overall.strict == per_document[0].overall.strict + per_document[1].overall.strict
    assert total.label("LOC").type == (
        per_document[0].label("LOC").type + per_document[1].label("LOC").type
    )
    assert score_entities([doc1, doc2]) == scores_from_counts(total)


def test_counts_restricted_to_different_label_sets_cannot_be_added():
    a = count_document([], [], labels={"PER"})
    b = count_document([], [], labels={"LOC"})
    with pytest.raises(ValueError, match="different label sets"):
        _ = a + b


def test_empty_corpus_scores_zero_without_rows():
    scores = score_entities([])
    for mode in MODES:
        assert scores.mode(mode).micro.f1 == 0.0
        assert scores.mode(mode).per_label == ()
    assert sum_documents([]) == DocumentCounts()


def test_empty_span_is_rejected_naming_the_entity():
    with pytest.raises(ValueError, match="predicted entity p7"):
        count_document([], [Entity("p7", "PER", 4, 4, "")])


def test_unknown_mode_and_labels_given_as_one_string_are_rejected():
    scores = score_entities([])
    with pytest.raises(ValueError, match="unknown entity scoring mode"):
        scores.mode("lenient")
    with pytest.raises(TypeError, match="collection of label names"):
        count_document([], [], labels="PER")
