"""Paired tests of one metric between two runs on the same documents (``harness compare``, gates, ranking notes).

For a count metric of the metric table, each run's per-document (or
per-paragraph) counts become a credit matrix; the difference B - A gets a
paired bootstrap interval and a paired permutation test (exact over all 2^n
swaps when there are few units). Which metrics two runs share is decided here
too (:func:`shared_metrics`): a metric over the declared labels pairs only
runs that declared the same labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.corpus.load import Corpus
from harness.runs.sides import RunSide
from harness.scoring.corpus import RATE_FUNCTIONS, credit_matrix
from harness.scoring.counts import MatchCounts, sum_counts
from harness.scoring.metric_table import Metric, find_metric, renamed
from harness.scoring.results import DocumentResult
from harness.scoring.settings import DEFAULT_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED
from harness.scoring.units import paragraph_starts, unit_counts
from harness.stats import (
    PairedComparison,
    exact_permutation_counts,
    paired_bootstrap_counts,
)


class UnknownMetric(KeyError):
    """A metric path that no paired test is defined for."""

    def __str__(self) -> str:
        return self.args[0]


def shared_metrics(table_a: Sequence[Metric], table_b: Sequence[Metric], a: RunSide, b: RunSide) -> tuple[tuple[Metric, ...], tuple[str, ...]]:
    """Count metrics both runs have, and why others were left out.

    A metric over the declared labels compares only when both runs declared
    the same labels: otherwise one run's F1 counts labels the other's ignores.
    """
    keys_b = {m.key for m in table_b if m.is_count}
    shared, notes = [], []
    for metric in table_a:
        if not metric.is_count or metric.key not in keys_b:
            continue
        if metric.declared_scope and set(a.entity_labels) != set(b.entity_labels):
            continue
        shared.append(metric)
    if set(a.entity_labels) != set(b.entity_labels):
        notes.append(
            f"the runs declare different entity labels ({', '.join(a.entity_labels) or 'none'} vs "
            f"{', '.join(b.entity_labels) or 'none'}): entity scores are compared per label and over all labels only"
        )
    return tuple(shared), tuple(notes)


@dataclass(frozen=True)
class MetricComparison:
    """One metric of B against A: the paired bootstrap interval and the permutation test."""

    metric: str
    title: str
    #: Paired bootstrap of the difference (interval; its p-value is shown for reference only).
    bootstrap: PairedComparison
    #: The significance test: exact permutation when the units are few, else Monte Carlo.
    permutation: PairedComparison
    #: The resampling unit ("document" or "paragraph") and what resampling by it assumes.
    unit: str = "document"
    assumption: str = ""
    higher_is_better: bool = True

    @property
    def a(self) -> float:
        return self.bootstrap.metric_a

    @property
    def b(self) -> float:
        return self.bootstrap.metric_b

    @property
    def difference(self) -> float:
        return self.bootstrap.difference

    @property
    def interval(self) -> tuple[float, float]:
        return (self.bootstrap.low, self.bootstrap.high)

    @property
    def p_value(self) -> float:
        return self.permutation.p_value

    @property
    def randomisation(self) -> PairedComparison:
        """Alias kept for readers of the schema-1 comparison."""
        return self.permutation


def unit_matrix(
    metric: Metric, results: Sequence[DocumentResult], unit: str, corpus: Corpus | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """The (units, 3) credit matrix of a metric, and the document of each unit (None for documents)."""
    assert metric.counts is not None
    if unit == "document":
        counts = [metric.counts(r) for r in results]
        if any(c is None for c in counts):
            raise UnknownMetric(f"metric {metric.key} was not scored in one of the runs")
        return credit_matrix(counts, metric.partial_credit), None  # type: ignore[arg-type]
    if metric.rows is None:
        raise UnknownMetric(f"metric {metric.key} keeps no alignment rows: it can be compared by document only")
    if corpus is None:
        raise UnknownMetric("paragraph units need the corpus texts")
    matrices, groups = [], []
    for index, (result, gold) in enumerate(zip(results, corpus.documents)):
        per_unit = unit_counts(metric.rows(result), paragraph_starts(gold.document.text))
        matrices.append(credit_matrix(per_unit, metric.partial_credit))
        groups += [index] * len(per_unit)
    return np.vstack(matrices), np.array(groups)


def compare_metric(
    metric: Metric,
    results_a: Sequence[DocumentResult],
    results_b: Sequence[DocumentResult],
    rate: str = "f1",
    *,
    seed: int = DEFAULT_SEED,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    unit: str = "document",
    corpus: Corpus | None = None,
) -> MetricComparison:
    """The paired tests of one metric, B - A."""
    matrix_a, groups = unit_matrix(metric, results_a, unit, corpus)
    matrix_b, _ = unit_matrix(metric, results_b, unit, corpus)
    function = RATE_FUNCTIONS[rate]
    options: dict[str, Any] = {"resamples": resamples, "level": level, "seed": seed}
    if groups is not None:
        options.update(unit=unit, groups=groups.tolist())
    permutation = exact_permutation_counts(matrix_a, matrix_b, function, **options)
    return MetricComparison(
        f"{metric.key}.{rate}",
        metric.title,
        paired_bootstrap_counts(matrix_a, matrix_b, function, **options),
        permutation,
        unit=unit,
        assumption=permutation.assumption,
        higher_is_better=metric.higher_is_better,
    )


def metric_requests(names: Sequence[str] | None, table: Sequence[Metric], shared: Sequence[Metric]) -> list[tuple[Metric, str]]:
    """(metric, rate) of each path in ``names`` (default: the F1 of every shared metric); UnknownMetric names a path with no paired test."""
    if names is None:
        return [(metric, "f1") for metric in shared]
    keys = {m.key for m in shared}
    requests = []
    for name in names:
        note = renamed(name)
        try:
            metric, rate = find_metric(table, name)
        except KeyError:
            hint = f"; {note.why}: write {note.new}" if note is not None else ""
            raise UnknownMetric(f"no paired test for metric {name!r}: not a count metric of both runs{hint}") from None
        if not rate or metric.key not in keys:
            raise UnknownMetric(f"no paired test for metric {name!r}: it is not a count metric both runs share")
        requests.append((metric, rate))
    return requests


def total(results: Sequence[DocumentResult], metric: Metric) -> MatchCounts:
    """The summed counts of a count metric over results."""
    assert metric.counts is not None
    return sum_counts(c for c in (metric.counts(r) for r in results) if c is not None)
