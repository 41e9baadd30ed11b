"""Corpus metrics: the documented shape (schema 2), grounding and failures, reproducible intervals."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from harness.annotations import Annotations, Entity, Prediction
from harness.corpus.gold import load_gold_corpus
from harness.scoring.claims import CLAIM_MODES, HEADLINE_CLAIM_MODE, SCORED_SLOTS
from harness.scoring.corpus import SCHEMA_VERSION, score_corpus
from harness.scoring.settings import IntervalSettings, ScoringSettings

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example"
(GOLD_DOC,) = load_gold_corpus(EXAMPLE / "gold", EXAMPLE / "seeds")
SETTINGS = ScoringSettings(intervals=IntervalSettings(resamples=200))


def perfect() -> Prediction:
    return Prediction(GOLD_DOC.document.doc_id, GOLD_DOC.gold)


def test_perfect_predictions_score_one_everywhere_with_the_documented_keys():
    metrics = score_corpus([GOLD_DOC], [perfect()], SETTINGS).metrics
    assert metrics["schema_version"] == SCHEMA_VERSION == 2
    for mode in ("strict", "exact", "partial", "type"):
        assert metrics["entities"][mode]["f1"] == 1.0
        assert metrics["entities"][mode]["f1_ci"] == [1.0, 1.0]
    assert metrics["entities"]["per_label"]["PER"]["strict"]["f1"] == 1.0
    assert metrics["claims"]["modes"] == list(CLAIM_MODES)
    for mode in CLAIM_MODES:
        assert metrics["claims"][mode]["f1"] == 1.0
        assert metrics["claims"][mode]["f1_ci"] == [1.0, 1.0]
        assert metrics["claims"][mode]["by_kind"]["fact"]["f1"] == 1.0
    assert set(metrics["claims"]["slots"]) == set(SCORED_SLOTS)
    assert metrics["claims"]["slots"]["quantity"]["f1"] == 1.0
    assert (metrics["failures"], metrics["ungrounded"]) == (0, 0)
    assert metrics["scoring"] == {"min_overlap": 0.0, "conventions": []}
    assert metrics["bootstrap"]["resamples"] == 200


def test_a_failed_document_scores_its_gold_as_missed_and_is_reported():
    failed = Prediction(GOLD_DOC.document.doc_id, Annotations(GOLD_DOC.document.doc_id), error="ValueError: bad JSON")
    scored = score_corpus([GOLD_DOC], [failed], SETTINGS)
    metrics = scored.metrics
    assert metrics["failures"] == 1
    assert metrics["failure_details"] == [{"doc_id": "ex1", "reason": "ValueError: bad JSON"}]
    assert metrics["entities"]["strict"]["missed"] == len(GOLD_DOC.gold.entities)
    assert metrics["entities"]["strict"]["f1"] == 0.0
    for mode in CLAIM_MODES:
        assert metrics["claims"][mode]["missed"] == len(GOLD_DOC.gold.claims)
    (result,) = scored.results
    assert result.failure == "ValueError: bad JSON" and result.claims is not None and result.claims.failure == "ValueError: bad JSON"


def test_an_ungrounded_entity_is_counted_spurious_and_listed():
    entities = list(GOLD_DOC.gold.entities)
    wrong_text = replace(entities[0], text="اسم آخر")
    prediction = Prediction("ex1", Annotations("ex1", tuple([wrong_text, *entities[1:]]), GOLD_DOC.gold.claims))
    metrics = score_corpus([GOLD_DOC], [prediction], SETTINGS).metrics
    strict = metrics["entities"]["strict"]
    assert (strict["correct"], strict["missed"], strict["spurious"]) == (len(entities) - 1, 1, 1)
    assert metrics["ungrounded"] == 1
    assert metrics["ungrounded_items"][0]["item"] == "entity"
    assert metrics["ungrounded_items"][0]["index"] == 0


def test_scores_are_restricted_to_the_declared_labels_and_also_given_over_all():
    only_people = Prediction("ex1", Annotations("ex1", tuple(e for e in GOLD_DOC.gold.entities if e.label == "PER")))
    metrics = score_corpus([GOLD_DOC], [only_people], replace(SETTINGS, entity_labels=("PER",), score_claims=False)).metrics
    assert metrics["entities"]["labels"] == ["PER"]
    assert metrics["entities"]["strict"]["f1"] == 1.0
    assert metrics["entities"]["all_labels"]["strict"]["recall"] == 1 / len(GOLD_DOC.gold.entities)
    assert metrics["claims"] is None


def test_a_missing_prediction_is_a_failure_not_a_crash():
    metrics = score_corpus([GOLD_DOC], [], SETTINGS).metrics
    assert metrics["failures"] == 1 and metrics["failure_details"][0]["reason"] == "no prediction for this document"


def test_same_inputs_give_bit_identical_metrics():
    spurious = Entity("x1", "LOC", 0, 3, GOLD_DOC.document.text[0:3])
    prediction = Prediction("ex1", Annotations("ex1", GOLD_DOC.gold.entities[:3] + (spurious,), GOLD_DOC.gold.claims[:1]))
    first, second = score_corpus([GOLD_DOC], [prediction], SETTINGS), score_corpus([GOLD_DOC], [prediction], SETTINGS)
    assert first == second
    assert json.dumps(first.metrics, ensure_ascii=False) == json.dumps(second.metrics, ensure_ascii=False)
    assert first.metrics["claims"][HEADLINE_CLAIM_MODE]["correct"] == 1
