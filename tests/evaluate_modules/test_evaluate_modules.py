"""The `evaluate` modules load from local paths (no hub) and give the harness's own numbers."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import evaluate
import pytest
from seqeval.metrics import classification_report

import harness.evaluate_modules
from harness.annotations import Annotations, Prediction, Span
from harness.corpus.gold import load_gold_corpus
from harness.scoring.claims import (
    CLAIM_MODES,
    HEADLINE_CLAIM_MODE,
    score_claims,
    total_counts,
)
from harness.scoring.entities import score_entities
from harness.serialize import annotations_to_dict

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example"


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_EVALUATE_OFFLINE", "1")


def test_unknown_module_name_lists_the_available_ones():
    with pytest.raises(KeyError, match="entity_spans"):
        harness.evaluate_modules.path("bleu")


def test_entity_spans_module_equals_the_scorer():
    gold = [[{"start": 0, "end": 4, "label": "PER"}, {"start": 10, "end": 14, "label": "LOC"}], [{"start": 2, "end": 5, "label": "ORG"}]]
    pred = [[{"start": 0, "end": 4, "label": "PER"}, {"start": 10, "end": 12, "label": "LOC"}], []]
    result = evaluate.load(harness.evaluate_modules.path("entity_spans")).compute(predictions=pred, references=gold)

    class Span:
        def __init__(self, d):
            self.start, self.end, self.label = d["start"], d["end"], d["label"]

    direct = score_entities([([Span(g) for g in gs], [Span(p) for p in ps]) for gs, ps in zip(gold, pred)])
    for mode in ("strict", "exact", "partial", "type"):
        assert result[mode]["f1"] == direct.mode(mode).micro.f1
    assert result["partial"]["partial"] == 1
    assert (result["strict"]["incorrect"], result["strict"]["missed"]) == (1, 1)


def test_conlleval_tags_module_agrees_with_seqeval_default_mode():
    refs = [["B-PER", "I-PER", "O", "B-LOC"], ["O", "I-ORG", "I-ORG", "O"]]
    preds = [["B-PER", "I-PER", "O", "O"], ["O", "B-ORG", "I-ORG", "O"]]
    result = evaluate.load(harness.evaluate_modules.path("conlleval_tags")).compute(predictions=preds, references=refs)
    expected = classification_report(refs, preds, output_dict=True)
    assert result["overall_f1"] == pytest.approx(expected["micro avg"]["f1-score"])
    for label in ("PER", "ORG", "LOC"):
        assert result[label]["f1"] == pytest.approx(expected[label]["f1-score"])


def claim_module(doc, claims, **options) -> dict:
    """The claim_alignment module's result for one predicted claim list on ``doc``."""
    reference = {**annotations_to_dict(doc.gold), "text": doc.document.text}
    prediction = annotations_to_dict(Annotations(doc.document.doc_id, doc.gold.entities, tuple(claims)))
    return evaluate.load(harness.evaluate_modules.path("claim_alignment")).compute(
        predictions=[json.dumps(prediction, ensure_ascii=False)], references=[json.dumps(reference, ensure_ascii=False)], **options
    )


def test_claim_alignment_module_equals_the_claim_scorer():
    (doc,) = load_gold_corpus(EXAMPLE / "gold", EXAMPLE / "seeds")
    c1 = doc.gold.claims[0]
    # The right words and number without the speaker: correct in the evidence mode, not in the strict mode.
    no_speaker = replace(c1, id="p1", speaker=None)
    result = claim_module(doc, [no_speaker])
    direct = total_counts(score_claims([doc], [Prediction("ex1", Annotations("ex1", doc.gold.entities, (no_speaker,)))]))
    assert result["headline"] == HEADLINE_CLAIM_MODE
    assert set(result["claims"]) == set(CLAIM_MODES)
    for mode in CLAIM_MODES:
        assert result["claims"][mode]["f1"] == direct.part(mode).prf().f1
        assert result["claims"][mode]["by_kind"]["fact"]["f1"] == direct.part(f"{mode}.fact").prf().f1
    assert result["claims"]["evidence"]["f1"] == pytest.approx(2 / 3)
    assert result["claims"]["strict"]["f1"] == 0.0 and result["claims"]["strict"]["incorrect"] == 1
    assert result["slots"]["quantity"]["precision"] == 1.0
    assert (result["slots"]["speaker"]["recall"], result["slots"]["speaker"]["missed"]) == (0.0, 2)
    assert (result["failures"], result["ungrounded_claims"]) == (0, 0)


def test_claim_alignment_module_applies_the_minimum_evidence_overlap():
    (doc,) = load_gold_corpus(EXAMPLE / "gold", EXAMPLE / "seeds")
    c1 = doc.gold.claims[0]
    # Evidence cut down to the quantity's words: 8 of the gold's 35 characters (IoU 0.23).
    short = replace(c1, id="p1", evidence=Span(c1.quantity.start, c1.quantity.end, c1.quantity.text))
    assert claim_module(doc, [short])["claims"]["evidence"]["correct"] == 1
    strict_overlap = claim_module(doc, [short], min_overlap=0.5)["claims"]["evidence"]
    assert (strict_overlap["correct"], strict_overlap["missed"], strict_overlap["spurious"]) == (0, 2, 1)
