"""Two runs side by side: paired tests on every metric they share, and a per-document diff.

``harness compare A B`` answers two questions a leaderboard cannot:

* *Is B really better than A, or is the difference within the noise of a few
  documents?* For every metric of the metric table both runs have, the
  per-document counts stored with each run (``documents.jsonl``) give the
  paired tests of :mod:`harness.stats`: B - A with its paired bootstrap
  interval, and the p-value of a paired permutation test, exact over all
  2^n swaps when there are few units (with the smallest p-value n units can
  give), or of a finer unit (paragraphs) with its assumption stated.
* *What changed?* Per document, from the stored alignments: the gold claims
  one run got right (headline mode) and the other did not, slot values that
  differ between the two runs' predictions for the same gold claim, and the
  entities gained or lost in strict mode.

Nothing is scored again for records that keep their per-document results;
records written before them (``metrics.json`` schema 1) are scored once from
their predictions, and the comparison says so. Runs scored against different
gold are refused: their numbers measure different things.

The parts live in rooms of their own: the two sides and whether they pair
(:mod:`harness.runs.sides`), the paired tests of one metric
(:mod:`harness.runs.paired`), the per-document diff
(:mod:`harness.runs.document_diff`). This module puts them together into a
:class:`Comparison`; the text of the report is :mod:`harness.report.text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.corpus.load import Corpus
from harness.runs.document_diff import (
    DIFF_SLOTS,
    ClaimFound,
    DocumentDiff,
    EntityChange,
    SlotChange,
    document_diff,
    excerpt,
    slot_value,
)
from harness.runs.paired import (
    MetricComparison,
    UnknownMetric,
    compare_metric,
    metric_requests,
    shared_metrics,
    total,
    unit_matrix,
)
from harness.runs.record import InSample
from harness.runs.sides import (
    ComparisonRefused,
    RunSide,
    check_comparable,
    check_same_gold,
    corpus_of,
    results_of,
    side_from_predictions,
    side_from_record,
    spec_from_json,
)
from harness.scoring.metric_table import build_table
from harness.scoring.settings import DEFAULT_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED

# The rooms of a comparison, re-exported for readers that import them from here.
__all__ = [
    "DIFF_SLOTS",
    "UNITS",
    "ClaimFound",
    "Comparison",
    "ComparisonRefused",
    "DocumentDiff",
    "EntityChange",
    "MetricComparison",
    "RunSide",
    "SlotChange",
    "UnknownMetric",
    "check_comparable",
    "check_same_gold",
    "compare_metric",
    "compare_records",
    "compare_sides",
    "corpus_of",
    "document_diff",
    "excerpt",
    "results_of",
    "shared_metrics",
    "side_from_predictions",
    "side_from_record",
    "slot_value",
    "spec_from_json",
    "total",
    "unit_matrix",
]

#: Resampling units a comparison can use.
UNITS: tuple[str, ...] = ("document", "paragraph")


@dataclass(frozen=True)
class Comparison:
    """Run B against run A on one corpus: paired tests per metric and the per-document diff."""

    run_a: str
    run_b: str
    corpus: str
    gold_sha256: str
    #: Entity labels of each run's headline scope.
    labels_a: tuple[str, ...]
    labels_b: tuple[str, ...]
    claims_compared: bool
    #: Documents of the corpus.
    document_count: int
    metrics: tuple[MetricComparison, ...]
    documents: tuple[DocumentDiff, ...]
    seed: int
    resamples: int
    level: float
    unit: str = "document"
    #: Why some metrics were not compared.
    notes: tuple[str, ...] = ()
    #: In-sample marking of each run on this corpus.
    in_sample_a: InSample = InSample()
    in_sample_b: InSample = InSample()
    #: Sides whose results had to be scored from their predictions (records from before results were kept).
    rescored: tuple[str, ...] = ()

    @property
    def entity_labels(self) -> tuple[str, ...]:
        return tuple(label for label in self.labels_a if label in self.labels_b)

    def metric(self, name: str) -> MetricComparison:
        for item in self.metrics:
            if item.metric == name:
                return item
        raise KeyError(f"metric {name!r} not compared (compared: {', '.join(m.metric for m in self.metrics)})")


def compare_sides(
    a: RunSide,
    b: RunSide,
    corpus: Corpus,
    *,
    metrics: Sequence[str] | None = None,
    seed: int = DEFAULT_SEED,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    unit: str = "document",
    with_diff: bool = True,
) -> Comparison:
    """Compare two runs on ``corpus``; ``metrics`` (paths) default to every count metric both share."""
    if unit not in UNITS:
        raise ValueError(f"unknown resampling unit {unit!r} (known: {', '.join(UNITS)})")
    check_comparable(a, b, corpus)
    results_a, rescored_a = results_of(a, corpus)
    results_b, rescored_b = results_of(b, corpus)
    table_a, table_b = build_table(results_a), build_table(results_b)
    shared, notes = shared_metrics(table_a, table_b, a, b)
    requests = metric_requests(metrics, table_a, shared)
    compared = []
    for metric, rate in requests:
        if unit != "document" and metric.rows is None:
            continue
        compared.append(
            compare_metric(metric, results_a, results_b, rate, seed=seed, resamples=resamples, level=level, unit=unit, corpus=corpus)
        )
    if unit != "document":
        notes += (f"by {unit}: only metrics that keep alignment rows (entity modes, claim modes) are compared",)
    diffs: tuple[DocumentDiff, ...] = ()
    if with_diff:
        pred_a, pred_b = a.by_doc(), b.by_doc()
        comparable = set(a.entity_labels) == set(b.entity_labels)
        diffs = tuple(
            document_diff(g, ra, rb, pred_a.get(g.document.doc_id), pred_b.get(g.document.doc_id), comparable)
            for g, ra, rb in zip(corpus.documents, results_a, results_b)
        )
    return Comparison(
        run_a=a.name,
        run_b=b.name,
        corpus=corpus.source,
        gold_sha256=corpus.gold_sha256,
        labels_a=a.entity_labels,
        labels_b=b.entity_labels,
        claims_compared=a.has_claims and b.has_claims and corpus.has_claims,
        document_count=len(corpus.documents),
        metrics=tuple(compared),
        documents=diffs,
        seed=seed,
        resamples=resamples,
        level=level,
        unit=unit,
        notes=notes,
        in_sample_a=a.in_sample,
        in_sample_b=b.in_sample,
        rescored=tuple(side.name for side, again in ((a, rescored_a), (b, rescored_b)) if again),
    )


def compare_records(record_a: Path, record_b: Path, corpus: Corpus | None = None, **options: Any) -> Comparison:
    """Compare two run record directories (B - A); the corpus defaults to the one run A names."""
    a, b = side_from_record(record_a), side_from_record(record_b)
    check_same_gold(a, b)
    return compare_sides(a, b, corpus if corpus is not None else corpus_of(a), **options)
