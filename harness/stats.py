"""Confidence intervals and paired significance tests over documents.

Why documents: the claims and entities of one article are not independent
(one badly parsed article loses all of them at once), so the unit that is
resampled or swapped is the document, never the single claim. Every corpus
metric of the harness is computed from per-document counts that add up, so a
resample is only a re-weighted sum of those counts and costs almost nothing.

Two entry points per method:

* the generic one takes a sequence of per-document objects (any type) and a
  ``metric`` callable from a list of them to a float, and calls it once per
  resample; use it for metrics that are not a function of summed counts;
* the ``*_counts`` one takes a matrix of per-document counts (one row per
  document, one column per count, e.g. TP / FP / FN) and a metric vectorised
  over the rows of a matrix of summed counts (:func:`micro_f1` and friends).
  It draws the very same resamples as the generic one for the same seed and
  number of documents, so both agree to the last bit where the metric agrees.

Methods (facts from the literature, implemented here from their definitions):

* bootstrap percentile interval: draw ``n`` documents with replacement ``R``
  times, recompute the metric, report the ``(1 - level) / 2`` and
  ``(1 + level) / 2`` quantiles of the ``R`` values (Efron & Tibshirani 1993;
  applied to MT/NLP test sets by Koehn 2004);
* paired bootstrap (Koehn 2004): resample documents once per round and score
  both systems on the same resample, giving the distribution of the
  difference B - A. Koehn reads off how often one system wins; here the
  p-value is two-sided instead: the resampled differences are shifted by the
  observed difference ``d`` so that they describe "no difference", and
  ``p = (1 + #{|d* - d| >= |d|}) / (R + 1)``;
* approximate randomisation (Noreen 1989; used for NLP metrics such as F1 by
  Yeh 2000): under the null hypothesis the two systems' outputs on a document
  are exchangeable, so each round swaps each document's pair of counts with
  probability 0.5 and recomputes the difference;
  ``p = (1 + #{|d'| >= |d|}) / (R + 1)``. A randomisation test gives no
  interval, so its result carries the paired bootstrap interval of the same
  seed and says so in ``interval_method``.

The ``+ 1`` in both p-values counts the observed data as one of the rounds:
a p-value is never 0 (the smallest is ``1 / (R + 1)``), and two identical
systems get exactly 1. Ties count against the alternative (``>=``, with a
tolerance of :data:`TIE_TOLERANCE` for floating-point noise).

This module depends on numpy only (no part of the harness), so any room may
use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

T = TypeVar("T")

#: Resamples (or randomisation rounds) unless told otherwise.
DEFAULT_RESAMPLES = 1000
#: Confidence level of the intervals unless told otherwise.
DEFAULT_LEVEL = 0.95
#: Seed of the random generator unless told otherwise: same inputs, same numbers.
DEFAULT_SEED = 0
#: Differences closer than this to the observed one count as ties.
TIE_TOLERANCE = 1e-12
#: Upper bound on the cells of one block of resampled indices (memory, not result).
_BLOCK_CELLS = 1_000_000

#: Column order of the count matrices read by :func:`micro_f1` and friends.
TP, FP, FN = 0, 1, 2

BOOTSTRAP_METHOD = "bootstrap percentile interval over documents"
PAIRED_BOOTSTRAP_METHOD = "paired bootstrap over documents (Koehn 2004)"
RANDOMISATION_METHOD = "approximate randomisation over documents (Noreen 1989; Yeh 2000)"

Metric = Callable[[list[T]], float]
#: A metric over summed counts: (rounds, columns) -> (rounds,).
VectorMetric = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Interval:
    """A bootstrap confidence interval of one corpus metric."""

    #: The metric on the documents as given (not a resample mean).
    estimate: float
    #: Lower bound: the ``(1 - level) / 2`` quantile of the resampled metric.
    low: float
    #: Upper bound: the ``(1 + level) / 2`` quantile of the resampled metric.
    high: float
    #: Nominal coverage, e.g. 0.95.
    level: float
    #: Number of bootstrap resamples drawn.
    resamples: int
    #: Seed of the generator: the same seed and inputs give the same interval.
    seed: int
    #: Number of documents resampled.
    documents: int
    #: How the interval was computed.
    method: str = BOOTSTRAP_METHOD


@dataclass(frozen=True)
class PairedComparison:
    """System B against system A on the same documents."""

    #: Name and reference of the test that produced ``p_value``.
    method: str
    #: The metric of system A on all documents.
    metric_a: float
    #: The metric of system B on all documents.
    metric_b: float
    #: ``metric_b - metric_a``: positive when B is better.
    difference: float
    #: Lower bound of the interval of the difference.
    low: float
    #: Upper bound of the interval of the difference.
    high: float
    #: Nominal coverage of the interval, e.g. 0.95.
    level: float
    #: Two-sided p-value of "A and B do not differ"; in (0, 1], never NaN.
    p_value: float
    #: Rounds of the test (bootstrap resamples or random swaps).
    resamples: int
    #: Seed of the generator.
    seed: int
    #: Number of paired documents.
    documents: int
    #: How ``low`` and ``high`` were computed.
    interval_method: str = PAIRED_BOOTSTRAP_METHOD


# --- metrics over summed counts (vectorised) ---------------------------------


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise ratio, 0.0 where the denominator is 0 (the harness's convention)."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    out = np.zeros(np.broadcast(numerator, denominator).shape)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def micro_precision(sums: np.ndarray) -> np.ndarray:
    """TP / (TP + FP) per row of summed ``[TP, FP, FN]`` counts; 0 when nothing predicted."""
    sums = np.asarray(sums, dtype=float)
    return _safe_divide(sums[..., TP], sums[..., TP] + sums[..., FP])


def micro_recall(sums: np.ndarray) -> np.ndarray:
    """TP / (TP + FN) per row of summed ``[TP, FP, FN]`` counts; 0 when no gold."""
    sums = np.asarray(sums, dtype=float)
    return _safe_divide(sums[..., TP], sums[..., TP] + sums[..., FN])


def micro_f1(sums: np.ndarray) -> np.ndarray:
    """2 TP / (2 TP + FP + FN) per row: the harmonic mean of the two rates above."""
    sums = np.asarray(sums, dtype=float)
    return _safe_divide(2 * sums[..., TP], 2 * sums[..., TP] + sums[..., FP] + sums[..., FN])


# --- argument checks ---------------------------------------------------------


def _check_settings(resamples: int, level: float) -> None:
    if isinstance(resamples, bool) or not isinstance(resamples, int) or resamples < 1:
        raise ValueError(f"resamples must be a positive int, got {resamples!r}")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")


def _count_matrix(counts: object, name: str) -> np.ndarray:
    matrix = np.asarray(counts, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] == 0 or matrix.shape[1] == 0:
        raise ValueError(f"{name} must be a non-empty (documents, counts) matrix, got shape {matrix.shape}")
    if not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
        raise ValueError(f"{name} must hold finite non-negative counts")
    return matrix


def _finite(values: np.ndarray, what: str) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(values)):
        raise ValueError(f"the metric returned a non-finite value on {what}; it must return a finite float")
    return values


def _bounds(values: np.ndarray, level: float) -> tuple[float, float]:
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(values, [tail, 1.0 - tail])
    return float(low), float(high)


def _p_value(extreme: int, rounds: int) -> float:
    return (1 + extreme) / (rounds + 1)


# --- the random draws, shared by the generic and the vectorised paths --------


def _block_sizes(documents: int, rounds: int) -> Iterator[int]:
    block = max(1, _BLOCK_CELLS // documents)
    done = 0
    while done < rounds:
        size = min(block, rounds - done)
        yield size
        done += size


def _resample_blocks(rng: np.random.Generator, documents: int, rounds: int) -> Iterator[np.ndarray]:
    """Blocks of rows of document indices drawn with replacement."""
    for size in _block_sizes(documents, rounds):
        yield rng.integers(0, documents, size=(size, documents))


def _swap_blocks(rng: np.random.Generator, documents: int, rounds: int) -> Iterator[np.ndarray]:
    """Blocks of rows of booleans: swap this document's pair of outputs or not."""
    for size in _block_sizes(documents, rounds):
        yield rng.random((size, documents)) < 0.5


def _index_weights(indices: np.ndarray, documents: int) -> np.ndarray:
    """How often each document was drawn in each row: (rows, documents)."""
    rows = indices.shape[0]
    flat = indices + (np.arange(rows) * documents)[:, None]
    return np.bincount(flat.ravel(), minlength=rows * documents).reshape(rows, documents).astype(float)


# --- bootstrap interval ------------------------------------------------------


def bootstrap_interval(
    documents: Sequence[T],
    metric: Metric,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
) -> Interval:
    """Percentile bootstrap interval of ``metric`` over ``documents``.

    ``documents`` holds one object per document (e.g. its match counts) and
    ``metric`` maps a list of them to the corpus value (e.g. micro F1 of their
    sum). Calls ``metric`` ``resamples + 1`` times; for F1-like metrics of
    summed counts, :func:`bootstrap_interval_counts` does the same in numpy.
    """
    _check_settings(resamples, level)
    items = list(documents)
    if not items:
        raise ValueError("cannot bootstrap over zero documents")
    estimate = float(_finite(np.array([metric(items)]), "all documents")[0])
    values = np.empty(resamples)
    row = 0
    rng = np.random.default_rng(seed)
    for block in _resample_blocks(rng, len(items), resamples):
        for indices in block:
            values[row] = metric([items[i] for i in indices])
            row += 1
    low, high = _bounds(_finite(values, "a resample"), level)
    return Interval(estimate, low, high, level, resamples, seed, len(items))


def bootstrap_interval_counts(
    counts: object,
    metric: VectorMetric = micro_f1,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
) -> Interval:
    """Percentile bootstrap interval of a metric of summed per-document counts.

    ``counts`` is a (documents, columns) matrix, by default read as TP / FP /
    FN; ``metric`` maps a (rounds, columns) matrix of sums to (rounds,) values.
    Draws the same resamples as :func:`bootstrap_interval` with the same seed.
    """
    _check_settings(resamples, level)
    matrix = _count_matrix(counts, "counts")
    n = matrix.shape[0]
    estimate = float(_finite(metric(matrix.sum(axis=0)[None, :]), "all documents")[0])
    rng = np.random.default_rng(seed)
    parts = [metric(_index_weights(block, n) @ matrix) for block in _resample_blocks(rng, n, resamples)]
    low, high = _bounds(_finite(np.concatenate(parts), "a resample"), level)
    return Interval(estimate, low, high, level, resamples, seed, n)


# --- paired comparison -------------------------------------------------------


def _paired_lists(a: Sequence[T], b: Sequence[T]) -> tuple[list[T], list[T]]:
    items_a, items_b = list(a), list(b)
    if len(items_a) != len(items_b):
        raise ValueError(
            f"a paired comparison needs one result per document from each system: got {len(items_a)} and {len(items_b)}"
        )
    if not items_a:
        raise ValueError("cannot compare two systems on zero documents")
    return items_a, items_b


def _paired_matrices(a: object, b: object) -> tuple[np.ndarray, np.ndarray]:
    matrix_a, matrix_b = _count_matrix(a, "counts_a"), _count_matrix(b, "counts_b")
    if matrix_a.shape != matrix_b.shape:
        raise ValueError(
            f"a paired comparison needs count matrices of the same shape: got {matrix_a.shape} and {matrix_b.shape}"
        )
    return matrix_a, matrix_b


def _generic_bootstrap_differences(
    a: list[T], b: list[T], metric: Metric, resamples: int, seed: int
) -> np.ndarray:
    values = np.empty(resamples)
    row = 0
    for block in _resample_blocks(np.random.default_rng(seed), len(a), resamples):
        for indices in block:
            values[row] = metric([b[i] for i in indices]) - metric([a[i] for i in indices])
            row += 1
    return _finite(values, "a resample")


def _vector_bootstrap_differences(
    a: np.ndarray, b: np.ndarray, metric: VectorMetric, resamples: int, seed: int
) -> np.ndarray:
    n = a.shape[0]
    parts = []
    for block in _resample_blocks(np.random.default_rng(seed), n, resamples):
        weights = _index_weights(block, n)
        parts.append(metric(weights @ b) - metric(weights @ a))
    return _finite(np.concatenate(parts), "a resample")


def _bootstrap_result(
    metric_a: float,
    metric_b: float,
    differences: np.ndarray,
    level: float,
    resamples: int,
    seed: int,
    documents: int,
) -> PairedComparison:
    observed = metric_b - metric_a
    shifted = differences - observed
    extreme = int(np.count_nonzero(np.abs(shifted) >= abs(observed) - TIE_TOLERANCE))
    low, high = _bounds(differences, level)
    return PairedComparison(
        PAIRED_BOOTSTRAP_METHOD,
        metric_a,
        metric_b,
        observed,
        low,
        high,
        level,
        _p_value(extreme, resamples),
        resamples,
        seed,
        documents,
    )


def paired_bootstrap(
    a: Sequence[T],
    b: Sequence[T],
    metric: Metric,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
) -> PairedComparison:
    """Paired bootstrap of ``metric(b) - metric(a)``; ``a[i]`` and ``b[i]`` are the same document.

    Paired because both systems are scored on the same resample each round:
    the document-to-document variation they share cancels in the difference.
    """
    _check_settings(resamples, level)
    items_a, items_b = _paired_lists(a, b)
    metric_a = float(_finite(np.array([metric(items_a)]), "system A")[0])
    metric_b = float(_finite(np.array([metric(items_b)]), "system B")[0])
    differences = _generic_bootstrap_differences(items_a, items_b, metric, resamples, seed)
    return _bootstrap_result(metric_a, metric_b, differences, level, resamples, seed, len(items_a))


def paired_bootstrap_counts(
    counts_a: object,
    counts_b: object,
    metric: VectorMetric = micro_f1,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
) -> PairedComparison:
    """:func:`paired_bootstrap` on two (documents, columns) count matrices, in numpy."""
    _check_settings(resamples, level)
    matrix_a, matrix_b = _paired_matrices(counts_a, counts_b)
    metric_a = float(_finite(metric(matrix_a.sum(axis=0)[None, :]), "system A")[0])
    metric_b = float(_finite(metric(matrix_b.sum(axis=0)[None, :]), "system B")[0])
    differences = _vector_bootstrap_differences(matrix_a, matrix_b, metric, resamples, seed)
    return _bootstrap_result(metric_a, metric_b, differences, level, resamples, seed, matrix_a.shape[0])


def _randomisation_result(
    metric_a: float,
    metric_b: float,
    swapped: np.ndarray,
    bootstrap: np.ndarray,
    level: float,
    resamples: int,
    seed: int,
    documents: int,
) -> PairedComparison:
    observed = metric_b - metric_a
    extreme = int(np.count_nonzero(np.abs(swapped) >= abs(observed) - TIE_TOLERANCE))
    low, high = _bounds(bootstrap, level)
    return PairedComparison(
        RANDOMISATION_METHOD,
        metric_a,
        metric_b,
        observed,
        low,
        high,
        level,
        _p_value(extreme, resamples),
        resamples,
        seed,
        documents,
    )


def approximate_randomisation(
    a: Sequence[T],
    b: Sequence[T],
    metric: Metric,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
) -> PairedComparison:
    """Approximate randomisation test of ``metric(b) - metric(a)``, swapping per document.

    Each round swaps ``a[i]`` and ``b[i]`` with probability 0.5 for every
    document ``i``. The interval is the paired bootstrap's, same seed.
    """
    _check_settings(resamples, level)
    items_a, items_b = _paired_lists(a, b)
    metric_a = float(_finite(np.array([metric(items_a)]), "system A")[0])
    metric_b = float(_finite(np.array([metric(items_b)]), "system B")[0])
    swapped = np.empty(resamples)
    row = 0
    for block in _swap_blocks(np.random.default_rng(seed), len(items_a), resamples):
        for swap in block:
            new_a = [y if s else x for x, y, s in zip(items_a, items_b, swap)]
            new_b = [x if s else y for x, y, s in zip(items_a, items_b, swap)]
            swapped[row] = metric(new_b) - metric(new_a)
            row += 1
    bootstrap = _generic_bootstrap_differences(items_a, items_b, metric, resamples, seed)
    return _randomisation_result(
        metric_a, metric_b, _finite(swapped, "a swap"), bootstrap, level, resamples, seed, len(items_a)
    )


def approximate_randomisation_counts(
    counts_a: object,
    counts_b: object,
    metric: VectorMetric = micro_f1,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
) -> PairedComparison:
    """:func:`approximate_randomisation` on two (documents, columns) count matrices, in numpy.

    A swap moves ``b[i] - a[i]`` from B's sum to A's, so a round's sums are
    ``sum(a) + swap @ (b - a)`` and ``sum(b) - swap @ (b - a)``.
    """
    _check_settings(resamples, level)
    matrix_a, matrix_b = _paired_matrices(counts_a, counts_b)
    total_a, total_b = matrix_a.sum(axis=0), matrix_b.sum(axis=0)
    metric_a = float(_finite(metric(total_a[None, :]), "system A")[0])
    metric_b = float(_finite(metric(total_b[None, :]), "system B")[0])
    delta = matrix_b - matrix_a
    parts = []
    for block in _swap_blocks(np.random.default_rng(seed), matrix_a.shape[0], resamples):
        moved = block.astype(float) @ delta
        parts.append(metric(total_b - moved) - metric(total_a + moved))
    swapped = _finite(np.concatenate(parts), "a swap")
    bootstrap = _vector_bootstrap_differences(matrix_a, matrix_b, metric, resamples, seed)
    return _randomisation_result(
        metric_a, metric_b, swapped, bootstrap, level, resamples, seed, matrix_a.shape[0]
    )


def bonferroni(p_values: Sequence[float]) -> tuple[float, ...]:
    """Each p-value times the number of tests, capped at 1 (when ranking several systems)."""
    m = len(p_values)
    return tuple(min(1.0, p * m) for p in p_values)
