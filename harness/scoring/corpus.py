"""Corpus scoring: per-document results, then the ``metrics.json`` document through the metric table.

:func:`score_corpus` scores every document once (:mod:`harness.scoring.document`)
and turns the results into ``metrics.json`` (shape: ``docs/metrics.md``) by
iterating over the metric table (:mod:`harness.scoring.metric_table`): each
count metric's block holds precision, recall, F1, the counts and a bootstrap
interval over documents. :func:`metrics_document` does the same from stored
results, so a run record's metrics can be rebuilt without its predictions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.annotations import GoldDocument, Prediction
from harness.scoring.claims import CLAIM_MODES
from harness.scoring.counts import MatchCounts, sum_counts
from harness.scoring.document import score_document
from harness.scoring.entities import MODES, scores_from_counts, sum_documents
from harness.scoring.metric_table import Metric, TableContext, build_table
from harness.scoring.results import DECLARED, DocumentResult
from harness.scoring.settings import IntervalSettings, ScoringSettings
from harness.stats import bootstrap_interval_counts

#: Version of the ``metrics.json`` shape; ``docs/metrics.md`` says what each version changed.
SCHEMA_VERSION = 2


@dataclass(frozen=True)
class ScoredCorpus:
    """One run scored: the per-document results and the metrics document built from them."""

    results: tuple[DocumentResult, ...]
    metrics: dict[str, Any]


def score_documents(
    corpus: Sequence[GoldDocument], predictions: Sequence[Prediction], settings: ScoringSettings
) -> tuple[DocumentResult, ...]:
    """One result per gold document, in corpus order (a document without a prediction failed)."""
    by_id = {p.doc_id: p for p in predictions}
    return tuple(score_document(g, by_id.get(g.document.doc_id), settings) for g in corpus)


def score_corpus(corpus: Sequence[GoldDocument], predictions: Sequence[Prediction], settings: ScoringSettings) -> ScoredCorpus:
    """Score a run: per-document results and ``metrics.json`` (plain JSON types only)."""
    results = score_documents(corpus, predictions, settings)
    return ScoredCorpus(results, metrics_document(results, settings))


# --- intervals -------------------------------------------------------------------------


def credit_matrix(per_document: Sequence[MatchCounts], partial_credit: float) -> np.ndarray:
    """(units, 3): credit, predicted count, gold count. F1 = 2 credit / (predicted + gold)."""
    return np.array(
        [(c.correct + partial_credit * c.partial, c.actual, c.possible) for c in per_document], dtype=float
    ).reshape(-1, 3)


def f1_of_credit_sums(sums: np.ndarray) -> np.ndarray:
    """F1 of each row of summed credit matrices (intervals here, paired tests of comparisons)."""
    denominator = sums[:, 1] + sums[:, 2]
    return np.divide(2 * sums[:, 0], denominator, out=np.zeros_like(denominator), where=denominator > 0)


def precision_of_credit_sums(sums: np.ndarray) -> np.ndarray:
    return np.divide(sums[:, 0], sums[:, 1], out=np.zeros_like(sums[:, 0]), where=sums[:, 1] > 0)


def recall_of_credit_sums(sums: np.ndarray) -> np.ndarray:
    return np.divide(sums[:, 0], sums[:, 2], out=np.zeros_like(sums[:, 0]), where=sums[:, 2] > 0)


#: Each rate of a count metric as a function of summed credit matrices.
RATE_FUNCTIONS = {"f1": f1_of_credit_sums, "precision": precision_of_credit_sums, "recall": recall_of_credit_sums}


def _f1_interval(per_document: Sequence[MatchCounts], partial_credit: float, intervals: IntervalSettings) -> list[float]:
    interval = bootstrap_interval_counts(
        credit_matrix(per_document, partial_credit),
        f1_of_credit_sums,
        resamples=intervals.resamples,
        level=intervals.level,
        seed=intervals.seed,
    )
    return [round(interval.low, 6), round(interval.high, 6)]


def count_block(counts: MatchCounts, partial_credit: float, per_document: Sequence[MatchCounts] | None, intervals: IntervalSettings) -> dict[str, Any]:
    """The ``metrics.json`` block of one count metric (``f1_ci`` only when ``per_document`` is given)."""
    prf = counts.prf(partial_credit)
    block: dict[str, Any] = {"precision": round(prf.precision, 6), "recall": round(prf.recall, 6), "f1": round(prf.f1, 6)}
    if per_document is not None:
        block["f1_ci"] = _f1_interval(per_document, partial_credit, intervals)
    block.update(
        correct=counts.correct,
        incorrect=counts.incorrect,
        partial=counts.partial,
        missed=counts.missed,
        spurious=counts.spurious,
        possible=counts.possible,
        actual=counts.actual,
    )
    return block


def per_document_counts(metric: Metric, results: Sequence[DocumentResult]) -> list[MatchCounts] | None:
    """The counts each document contributes to a count metric; None when the run did not score it."""
    assert metric.counts is not None
    counts = [metric.counts(r) for r in results]
    if any(c is None for c in counts):
        return None
    return counts  # type: ignore[return-value]


def _put(document: dict[str, Any], dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    node = document
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    if isinstance(value, dict) and isinstance(node.get(parts[-1]), dict):
        node[parts[-1]].update(value)
    else:
        node[parts[-1]] = value


# --- metrics.json ----------------------------------------------------------------------


def metrics_document(
    results: Sequence[DocumentResult], settings: ScoringSettings, table: Sequence[Metric] | None = None
) -> dict[str, Any]:
    """The metrics document of a run (``docs/metrics.md``) from its per-document results."""
    table = build_table(results) if table is None else table
    context = TableContext.of(results)
    document: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "documents": len(results)}
    document["entities"] = {"labels": list(context.declared_labels)}
    for metric in table:
        if metric.scalar is not None:
            _put(document, metric.key, _plain(metric.scalar(results)))
            continue
        per_document = per_document_counts(metric, results)
        if per_document is None:
            continue
        _put(document, metric.key, count_block(sum_counts(per_document), metric.partial_credit, per_document if metric.interval else None, settings.intervals))
    if context.declared_labels:
        declared = sum_documents([r.scope(DECLARED) for r in results], context.declared_labels)  # type: ignore[misc]
        scores = scores_from_counts(declared)
        document["entities"]["macro"] = {
            mode: {
                "precision": round(scores.mode(mode).macro.precision, 6),
                "recall": round(scores.mode(mode).macro.recall, 6),
                "f1": round(scores.mode(mode).macro.f1, 6),
            }
            for mode in MODES
        }
    for name, _rows in context.conventions:
        document.setdefault("conventions", {}).setdefault(name, {})["labels"] = list(context.declared_labels)
    if context.claim_modes:
        document["claims"]["modes"] = list(context.claim_modes)
        document["claims"]["ungrounded_claims"] = sum(len(r.claims.ungrounded) for r in results if r.claims is not None)
        for mode in context.claim_modes:
            if mode not in CLAIM_MODES and isinstance(document["claims"].get(mode), dict):
                # a judged mode: pairs the judge left unjudged are outside its counts, counted here
                document["claims"][mode]["unjudged"] = sum(r.claims.unjudged(mode) for r in results if r.claims is not None)
    else:
        document["claims"] = None
    document["failure_details"] = [{"doc_id": r.doc_id, "reason": r.failure} for r in results if r.failure is not None]
    document["ungrounded_items"] = [
        {"doc_id": r.doc_id, "item": u.item, "index": u.index, "id": u.id, "field": u.field, "reason": u.reason}
        for r in results
        for u in r.ungrounded
    ]
    document["scoring"] = {"min_overlap": settings.min_overlap, "conventions": [c.name for c in settings.conventions]}
    document["bootstrap"] = {"unit": "document", **settings.intervals.to_dict(), "interval": "percentile"}
    return _ordered(document)


def _plain(value: float) -> int | float:
    """A whole number as an int (counts stay integers in JSON)."""
    return int(value) if float(value).is_integer() else round(float(value), 6)


_TOP_ORDER = ("schema_version", "documents", "entities", "conventions", "claims", "failures", "failure_details", "ungrounded", "ungrounded_items", "scoring", "bootstrap")


def _ordered(document: dict[str, Any]) -> dict[str, Any]:
    """Top-level keys in a fixed, readable order."""
    return {key: document[key] for key in (*_TOP_ORDER, *sorted(set(document) - set(_TOP_ORDER))) if key in document}
