"""Corpus metrics: the documented shape, grounding and failures, reproducible intervals."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from harness.corpus.gold import load_gold_corpus
from harness.model import Annotations, Entity, Prediction
from harness.scoring.corpus import ScoringSettings, score_corpus

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example"
(GOLD_DOC,) = load_gold_corpus(EXAMPLE / "gold", EXAMPLE / "seeds")
SETTINGS = ScoringSettings(resamples=200)


def perfect() -> Prediction:
    return Prediction(GOLD_DOC.document.doc_id, GOLD_DOC.gold)


def test_perfect_predictions_score_one_everywhere_with_the_documented_keys():
    metrics = score_corpus([GOLD_DOC], [perfect()], SETTINGS)
    for mode in ("strict", "exact", "partial", "type"):
        assert metrics["entities"][mode]["f1"] == 1.0
        assert metrics["entities"][mode]["f1_ci"] == [1.0, 1.0]
    assert metrics["entities"]["per_label"]["PER"]["strict"]["f1"] == 1.0
    assert metrics["claims"]["f1"] == 1.0
    assert set(metrics["claims"]["slots"]) == {"speaker", "quantity", "unit", "time", "location"}
    assert metrics["claims"]["slots"]["quantity"]["f1"] == 1.0
    assert (metrics["failures"], metrics["ungrounded"]) == (0, 0)


def test_a_failed_document_scores_its_gold_as_missed_and_is_reported():
    failed = Prediction(GOLD_DOC.document.doc_id, Annotations(GOLD_DOC.document.doc_id), error="ValueError: bad JSON")
    metrics = score_corpus([GOLD_DOC], [failed], SETTINGS)
    assert metrics["failures"] == 1
    assert metrics["failure_details"] == [{"doc_id": "ex1", "reason": "ValueError: bad JSON"}]
    assert metrics["entities"]["strict"]["missed"] == len(GOLD_DOC.gold.entities)
    assert metrics["entities"]["strict"]["f1"] == 0.0
    assert metrics["claims"]["missed"] == len(GOLD_DOC.gold.claims)


def test_an_ungrounded_entity_is_counted_spurious_and_listed():
    entities = list(GOLD_DOC.gold.entities)
    wrong_text = replace(entities[0], text="اسم آخر")
    prediction = Prediction("ex1", Annotations("ex1", tuple([wrong_text, *entities[1:]]), GOLD_DOC.gold.claims))
    metrics = score_corpus([GOLD_DOC], [prediction], SETTINGS)
    strict = metrics["entities"]["strict"]
    assert (strict["correct"], strict["missed"], strict["spurious"]) == (len(entities) - 1, 1, 1)
    assert metrics["ungrounded"] == 1
    assert metrics["ungrounded_items"][0]["item"] == "entity"


def test_scores_are_restricted_to_the_declared_labels_and_also_given_over_all():
    only_people = Prediction("ex1", Annotations("ex1", tuple(e for e in GOLD_DOC.gold.entities if e.label == "PER")))
    metrics = score_corpus([GOLD_DOC], [only_people], replace(SETTINGS, entity_labels=("PER",), score_claims=False))
    assert metrics["entities"]["labels"] == ["PER"]
    assert metrics["entities"]["strict"]["f1"] == 1.0
    assert metrics["entities"]["all_labels"]["strict"]["recall"] == 1 / len(GOLD_DOC.gold.entities)
    assert metrics["claims"] is None


def test_a_missing_prediction_is_a_failure_not_a_crash():
    metrics = score_corpus([GOLD_DOC], [], SETTINGS)
    assert metrics["failures"] == 1 and metrics["failure_details"][0]["reason"] == "no prediction for this document"


def test_same_inputs_give_bit_identical_metrics():
    spurious = Entity("x1", "LOC", 0, 3, GOLD_DOC.document.text[0:3])
    prediction = Prediction("ex1", Annotations("ex1", GOLD_DOC.gold.entities[:3] + (spurious,), GOLD_DOC.gold.claims[:1]))
    assert score_corpus([GOLD_DOC], [prediction], SETTINGS) == score_corpus([GOLD_DOC], [prediction], SETTINGS)
