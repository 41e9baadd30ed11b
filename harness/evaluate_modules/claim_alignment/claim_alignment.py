"""``evaluate`` module: claim precision / recall / F1 in every claim mode, by optimal alignment.

Claims need their document (spans are checked against its text), so each
reference is a gold document and each prediction an annotation set, both as
JSON strings in the project's gold format (``gold/README.md``):
reference ``{"doc_id", "text", "entities", "claims"}``, prediction
``{"doc_id", "entities", "claims"}`` (a prediction may carry ``"error"``).

Claims are aligned once per document and each pair judged in every mode of
:mod:`harness.scoring.claims` (``evidence``: the evidence overlaps and the
number agrees; ``strict``, the headline: the evidence overlaps and every slot
agrees). Returns, per mode, precision, recall, F1 and the counts, with facts
and opinions apart (``claims.<mode>.by_kind.<kind>``), one score per slot
(``slots.<slot>``), failures and ungrounded claims: the numbers ``harness run``
writes to ``metrics.json``. ``min_overlap`` (IoU of the evidence spans, 0 =
any shared character) is the run setting of the same name.
"""

import json

import datasets
import evaluate

from harness.annotations import Document, GoldDocument, Prediction
from harness.scoring.claims import (
    CLAIM_KINDS,
    CLAIM_MODES,
    HEADLINE_CLAIM_MODE,
    SCORED_SLOTS,
    score_claims,
    total_counts,
)
from harness.serialize import annotations_from_dict


def _block(counts, with_counts=True):
    prf = counts.prf()
    block = {"precision": prf.precision, "recall": prf.recall, "f1": prf.f1}
    if with_counts:
        block.update(correct=counts.correct, incorrect=counts.incorrect, missed=counts.missed, spurious=counts.spurious)
    return block


class ClaimAlignment(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=__doc__,
            citation="",
            inputs_description="predictions, references: JSON strings, one document each; min_overlap: float in [0, 1]",
            features=datasets.Features({"predictions": datasets.Value("string"), "references": datasets.Value("string")}),
        )

    def _compute(self, predictions, references, min_overlap=0.0):
        gold, predicted = [], []
        for pred_json, ref_json in zip(predictions, references):
            ref, pred = json.loads(ref_json), json.loads(pred_json)
            gold.append(GoldDocument(Document(ref["doc_id"], ref["text"]), annotations_from_dict(ref)))
            predicted.append(Prediction(pred["doc_id"], annotations_from_dict(pred), error=pred.get("error")))
        alignments = score_claims(gold, predicted, min_overlap=float(min_overlap))
        counts = total_counts(alignments)
        return {
            "headline": HEADLINE_CLAIM_MODE,
            "claims": {
                mode: {
                    **_block(counts.part(mode)),
                    "by_kind": {kind: _block(counts.part(f"{mode}.{kind}")) for kind in CLAIM_KINDS},
                }
                for mode in CLAIM_MODES
            },
            "slots": {slot: _block(counts.part(f"slot.{slot}")) for slot in SCORED_SLOTS},
            "failures": counts.failed_documents,
            "ungrounded_claims": counts.ungrounded,
        }
