"""The `evaluate` modules load from local paths (no hub) and give the harness's own numbers."""

from __future__ import annotations

import json
from pathlib import Path

import evaluate
import pytest
from seqeval.metrics import classification_report

import harness.metrics
from harness.corpus.gold import load_gold_corpus
from harness.scoring.claims import score_claims
from harness.scoring.entities import score_entities
from harness.serialize import annotations_to_dict

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example"


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_EVALUATE_OFFLINE", "1")


def test_unknown_module_name_lists_the_available_ones():
    with pytest.raises(KeyError, match="entity_spans"):
        harness.metrics.path("bleu")


def test_entity_spans_module_equals_the_scorer():
    gold = [[{"start": 0, "end": 4, "label": "PER"}, {"start": 10, "end": 14, "label": "LOC"}], [{"start": 2, "end": 5, "label": "ORG"}]]
    pred = [[{"start": 0, "end": 4, "label": "PER"}, {"start": 10, "end": 12, "label": "LOC"}], []]
    result = evaluate.load(harness.metrics.path("entity_spans")).compute(predictions=pred, references=gold)

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
    result = evaluate.load(harness.metrics.path("conlleval_tags")).compute(predictions=preds, references=refs)
    expected = classification_report(refs, preds, output_dict=True)
    assert result["overall_f1"] == pytest.approx(expected["micro avg"]["f1-score"])
    for label in ("PER", "ORG", "LOC"):
        assert result[label]["f1"] == pytest.approx(expected[label]["f1-score"])


def test_claim_alignment_module_equals_the_claim_scorer():
    (doc,) = load_gold_corpus(EXAMPLE / "gold", EXAMPLE / "seeds")
    reference = {**annotations_to_dict(doc.gold), "text": doc.document.text}
    prediction = annotations_to_dict(doc.gold)
    prediction["claims"] = prediction["claims"][:1]
    result = evaluate.load(harness.metrics.path("claim_alignment")).compute(
        predictions=[json.dumps(prediction, ensure_ascii=False)], references=[json.dumps(reference, ensure_ascii=False)]
    )
    from harness.model import Annotations, Prediction

    direct = score_claims([doc], [Prediction("ex1", Annotations("ex1", doc.gold.entities, doc.gold.claims[:1]))])
    assert result["claims"]["f1"] == direct.claims.f1 == pytest.approx(2 / 3)
    assert result["slots"]["quantity"]["precision"] == 1.0
