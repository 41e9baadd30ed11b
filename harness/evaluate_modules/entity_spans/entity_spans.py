"""``evaluate`` module: SemEval-2013 entity scores over character spans.

Each prediction and reference is one document's list of entities
``{"start": int, "end": int, "label": str}``. Returns, for each mode (strict,
exact, partial, type), micro precision / recall / F1 and the match counts,
plus per-label strict F1. Pass ``labels=[...]`` to restrict scoring to the
labels a system emits.
"""

import datasets
import evaluate

from harness.scoring.entities import (
    MODES,
    count_document,
    scores_from_counts,
    sum_documents,
)

_SPAN = {"start": datasets.Value("int64"), "end": datasets.Value("int64"), "label": datasets.Value("string")}


class _Span:
    __slots__ = ("start", "end", "label")

    def __init__(self, item):
        self.start, self.end, self.label = int(item["start"]), int(item["end"]), item["label"]


class EntitySpans(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=__doc__,
            citation="Segura-Bedmar, Martinez and Herrero Zazo, SemEval-2013 Task 9",
            inputs_description="predictions, references: one list of {start, end, label} per document",
            features=datasets.Features(
                {"predictions": datasets.List(_SPAN), "references": datasets.List(_SPAN)}
            ),
        )

    def _compute(self, predictions, references, labels=None):
        counts = sum_documents(
            (count_document([_Span(g) for g in gold], [_Span(p) for p in pred], labels) for pred, gold in zip(predictions, references)),
            labels,
        )
        scores = scores_from_counts(counts)
        out = {}
        for mode in MODES:
            score = scores.mode(mode)
            c = score.counts
            out[mode] = {
                "precision": score.micro.precision,
                "recall": score.micro.recall,
                "f1": score.micro.f1,
                "correct": c.correct,
                "incorrect": c.incorrect,
                "partial": c.partial,
                "missed": c.missed,
                "spurious": c.spurious,
            }
        out["per_label_strict_f1"] = {row.label: row.prf.f1 for row in scores.strict.per_label}
        return out
