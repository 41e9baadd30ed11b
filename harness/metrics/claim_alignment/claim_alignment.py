"""``evaluate`` module: claim precision / recall / F1 by optimal alignment.

Claims need their document (spans are checked against its text), so each
reference is a gold document and each prediction an annotation set, both as
JSON strings in the project's gold format (``gold/README.md``):
reference ``{"doc_id", "text", "entities", "claims"}``, prediction
``{"doc_id", "entities", "claims"}`` (a prediction may carry ``"error"``).
Returns the headline claim scores, facts and opinions apart, and one F1 per
slot, exactly as ``harness run`` reports them.
"""

import json

import datasets
import evaluate

from harness.model import Document, GoldDocument, Prediction
from harness.scoring.claims import score_claims
from harness.serialize import annotations_from_dict


class ClaimAlignment(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=__doc__,
            citation="",
            inputs_description="predictions, references: JSON strings, one document each",
            features=datasets.Features({"predictions": datasets.Value("string"), "references": datasets.Value("string")}),
        )

    def _compute(self, predictions, references):
        gold, predicted = [], []
        for pred_json, ref_json in zip(predictions, references):
            ref, pred = json.loads(ref_json), json.loads(pred_json)
            gold.append(GoldDocument(Document(ref["doc_id"], ref["text"]), annotations_from_dict(ref)))
            predicted.append(Prediction(pred["doc_id"], annotations_from_dict(pred), error=pred.get("error")))
        scores = score_claims(gold, predicted)

        def prf(value):
            return {"precision": value.precision, "recall": value.recall, "f1": value.f1}

        return {
            "claims": prf(scores.claims),
            "facts": prf(scores.facts),
            "opinions": prf(scores.opinions),
            "slots": {slot: prf(value) for slot, value in scores.slots.items()},
            "failures": len(scores.failures),
            "ungrounded_claims": scores.counts.ungrounded,
        }
