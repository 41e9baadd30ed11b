"""Confidence intervals and paired significance tests over documents (or finer units).

Why documents: the claims and entities of one article are not independent
(one badly parsed article loses all of them at once), so the unit that is
resampled or swapped is by default the document, never the single claim.
Every corpus metric of the harness is computed from per-document counts that
add up, so a resample is only a re-weighted sum of those counts and costs
almost nothing. A row of a count matrix may also be a paragraph or a sentence
when its document is given (``groups``); see "Few documents" below for what
each choice assumes.

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

Few documents. A paired test on ``n`` units whose only assumption is that
each unit's two outputs are exchangeable (the randomisation test) cannot give
a p-value below ``2 / 2**n``: when B wins on every unit, the observed pattern
and its mirror image (every unit swapped) are as extreme as anything, and
they are two of the ``2**n`` equally likely patterns. With five documents that
is 0.0625, so no difference on five documents is significant at 0.05 however
large it is. :func:`exact_permutation_counts` enumerates all the patterns
(exactly, up to :data:`EXACT_LIMIT` units) and every result states the
smallest p-value its test can honestly give (``smallest_p_value``);
:func:`significance_verdict` never calls a difference significant when that
floor, Bonferroni-adjusted, is not below ``alpha``. The paired bootstrap can
print p = 0.001 on five documents, but only by trusting large-sample behaviour
that five documents do not have, so its results carry the same floor.

Finer units buy resolution with assumptions, which every result states in a
one-line ``assumption`` beside its ``unit``:

* unit-level swaps (:func:`exact_permutation_counts` with ``groups``): units
  are exchangeable between the two systems independently of each other;
* stratified bootstrap (:func:`stratified_paired_bootstrap_counts`,
  :func:`stratified_bootstrap_interval_counts`): units are drawn with
  replacement within their own document; the documents are held fixed, so
  only within-document variation is measured;
* two-stage cluster bootstrap (:func:`cluster_paired_bootstrap_counts`,
  :func:`cluster_bootstrap_interval_counts`; the hierarchical resampling of
  Davison & Hinkley 1997): documents are drawn with replacement, then units
  within each drawn document; documents are independent, and so are the units
  within them.

This module depends on numpy only (no part of the harness), so any room may
use it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar, cast

import numpy as np

T = TypeVar("T")

# The project's one set of bootstrap defaults: run records, gates, `harness compare` and the
# leaderboard take them through harness.scoring.settings, which imports them from here (this
# module stays free of the rest of the harness).
#: Resamples (or randomisation rounds) unless told otherwise.
DEFAULT_RESAMPLES = 1000
#: Confidence level of the intervals unless told otherwise.
DEFAULT_LEVEL = 0.95
#: Seed of the random generator unless told otherwise: same inputs, same numbers.
DEFAULT_SEED = 13
#: Significance level of :func:`significance_verdict` unless told otherwise.
DEFAULT_ALPHA = 0.05
#: Differences closer than this to the observed one count as ties.
TIE_TOLERANCE = 1e-12
#: Upper bound on the cells of one block of resampled indices (memory, not result).
_BLOCK_CELLS = 1_000_000

#: Column order of the count matrices read by :func:`micro_f1` and friends.
TP, FP, FN = 0, 1, 2

#: Largest number of units whose 2**n swap patterns the exact test enumerates
#: (2**20 is about a million patterns, under a second); above it, Monte Carlo.
EXACT_LIMIT = 20
#: A caller may raise the limit up to this (2**24 patterns: about 10 s and 60 MB here).
MAX_EXACT_LIMIT = 24

#: The unit of the existing tests: one row per document.
DOCUMENT = "document"

BOOTSTRAP_METHOD = "bootstrap percentile interval over documents"
PAIRED_BOOTSTRAP_METHOD = "paired bootstrap over documents (Koehn 2004)"
RANDOMISATION_METHOD = "approximate randomisation over documents (Noreen 1989; Yeh 2000)"

# Method names of the tests below, filled with the plural of the unit ("sentences").
EXACT_PERMUTATION_METHOD = "exact paired permutation test over {units}: all 2^n swap patterns"
MONTE_CARLO_PERMUTATION_METHOD = (
    "Monte Carlo paired permutation test over {units} (approximate randomisation: "
    "{n} units is above the exact limit of {limit})"
)
UNIT_BOOTSTRAP_METHOD = "bootstrap percentile interval over {units}"
UNIT_PAIRED_BOOTSTRAP_METHOD = "paired bootstrap over {units} (Koehn 2004)"
STRATIFIED_BOOTSTRAP_METHOD = "bootstrap percentile interval over {units} resampled within their documents"
STRATIFIED_PAIRED_BOOTSTRAP_METHOD = "stratified paired bootstrap over {units} resampled within their documents"
CLUSTER_BOOTSTRAP_METHOD = "two-stage cluster bootstrap interval: documents, then {units} within each drawn document"
CLUSTER_PAIRED_BOOTSTRAP_METHOD = "two-stage cluster paired bootstrap: documents, then {units} within each drawn document"

# What each way of resampling assumes, one line each, for reports to print beside the number.
SWAP_ASSUMPTION = "if A and B do not differ, each {unit}'s two outputs are exchangeable, independently of the other {units}"
RESAMPLE_ASSUMPTION = "the {units} are independent draws from the texts the systems are meant for"
STRATIFIED_ASSUMPTION = (
    "the {units} of a document are independent given the document; the documents are held fixed "
    "(variation between documents is not measured)"
)
CLUSTER_ASSUMPTION = "documents are independent draws, and the {units} within a drawn document are independent draws from it"

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
    #: Number of documents resampled (or whose units were resampled).
    documents: int
    #: How the interval was computed.
    method: str = BOOTSTRAP_METHOD
    #: What one row of the count matrix is: "document", "paragraph", "sentence".
    unit: str = field(kw_only=True)
    #: Number of rows (units) resampled; equals ``documents`` when the unit is the document.
    units: int = field(kw_only=True)
    #: What the resampling assumes, in one line.
    assumption: str = field(kw_only=True)


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
    #: Rounds of the test: bootstrap resamples, random swaps, or the 2^n
    #: swap patterns of the exact permutation test.
    resamples: int
    #: Seed of the generator.
    seed: int
    #: Number of paired documents (the documents the units belong to).
    documents: int
    #: How ``low`` and ``high`` were computed.
    interval_method: str = PAIRED_BOOTSTRAP_METHOD
    #: The smallest p-value this test can honestly give with these units and
    #: rounds: ``2^(1-n)`` for ``n`` exchangeable units (see the module notes),
    #: and never below ``1 / (R + 1)`` for ``R`` random rounds. A difference
    #: is never significant when this is not below alpha (:func:`significance_verdict`).
    smallest_p_value: float = field(kw_only=True)
    #: What one row of the count matrices is: "document", "paragraph", "sentence".
    unit: str = field(kw_only=True)
    #: Number of paired rows (units); equals ``documents`` when the unit is the document.
    units: int = field(kw_only=True)
    #: What the test assumes, in one line, for reports to print beside the p-value.
    assumption: str = field(kw_only=True)
    #: Resamples behind ``low`` and ``high`` (differs from ``resamples`` for the exact test).
    interval_resamples: int = field(kw_only=True)


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


def _plural(unit: str) -> str:
    """The plural of a unit name in method and assumption texts: "sentence" -> "sentences"."""
    return unit + "s"


def _text(template: str, unit: str, **more: object) -> str:
    return template.format(unit=unit, units=_plural(unit), **more)


# --- the floor of a p-value --------------------------------------------------


def sign_flip_floor(units: int) -> float:
    """``2^(1-n)``: the smallest two-sided p-value of a paired test on ``n`` exchangeable units.

    Why: under "A and B do not differ" each of the ``2^n`` patterns of
    swapping units' outputs is equally likely, and the observed pattern and
    its mirror (every unit swapped, the difference negated) are always at
    least as extreme as the observed one. 1.0 for zero or one unit.
    """
    if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units < 0:
        raise ValueError(f"units must be a non-negative int, got {units!r}")
    return 1.0 if units <= 1 else 2.0 ** (1 - int(units))


def monte_carlo_floor(units: int, rounds: int) -> float:
    """The floor of a p-value from ``rounds`` random rounds over ``units`` units.

    ``(1 + extreme) / (R + 1)`` cannot go below ``1 / (R + 1)``; and a
    Monte Carlo estimate below :func:`sign_flip_floor` would be noise around
    an exact p-value that cannot be that small, so the larger of the two.
    The bootstrap tests use the same floor: a bootstrap p-value below it rests
    on large-sample behaviour that so few units do not have.
    """
    return max(1.0 / (rounds + 1), sign_flip_floor(units))


def fewest_units_for(alpha: float, tests: int = 1) -> int:
    """The fewest exchangeable units with which any difference can be significant at ``alpha`` over ``tests`` tests.

    The smallest ``n`` with ``tests * 2^(1-n) < alpha``: 6 for alpha 0.05 and
    one test, 8 for four tests. Printed beside a verdict, it says how many
    more documents would be needed.
    """
    _check_alpha_and_tests(alpha, tests)
    n = 1
    while min(1.0, tests * sign_flip_floor(n)) >= alpha:
        n += 1
    return n


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


# --- units and their documents -------------------------------------------------


@dataclass(frozen=True)
class _Units:
    """The rows of a count matrix: what they are and which document each belongs to."""

    unit: str
    #: Document number of each row, 0.. in order of first appearance.
    document_of: np.ndarray
    documents: int

    @property
    def units(self) -> int:
        return int(self.document_of.shape[0])

    def members(self) -> list[np.ndarray]:
        """Row indices of each document, in document order."""
        order = np.argsort(self.document_of, kind="stable")
        sizes = np.bincount(self.document_of, minlength=self.documents)
        return np.split(order, np.cumsum(sizes)[:-1])


def _units(groups: object, rows: int, unit: object, *, required: bool = False) -> _Units:
    """Check ``unit`` and ``groups`` (one document id per row) and number the documents.

    Without ``groups`` every row is its own document, which only makes sense
    when the unit is the document itself; a document may not appear twice
    when it is.
    """
    if not isinstance(unit, str) or not unit.strip():
        raise ValueError(f"unit must be a non-empty name such as 'sentence', got {unit!r}")
    unit = unit.strip()
    if groups is None:
        if required or unit != DOCUMENT:
            raise ValueError(
                f"groups is missing: with the unit {unit!r} each row needs the id of its document "
                "(a sequence with one entry per row)"
            )
        return _Units(unit, np.arange(rows), rows)
    if isinstance(groups, (str, bytes)) or _dimensions(groups) not in (1, None):
        raise ValueError(f"groups must be a flat sequence with one document id per row, got {type(groups).__name__}")
    labels = list(groups)  # type: ignore[call-overload]
    if len(labels) != rows:
        raise ValueError(f"groups has {len(labels)} entries but the count matrices have {rows} rows: one document id per row")
    numbers: dict[object, int] = {}
    document_of = np.empty(rows, dtype=np.int64)
    for row, label in enumerate(labels):
        if label is None or (isinstance(label, float) and label != label):
            raise ValueError(f"groups[{row}] is {label!r}: every row needs the id of its document")
        try:
            document_of[row] = numbers.setdefault(label, len(numbers))
        except TypeError:
            raise ValueError(f"groups[{row}] is {label!r}: a document id must be a string or a number") from None
    if unit == DOCUMENT and len(numbers) != rows:
        repeated = next(label for label in numbers if np.count_nonzero(document_of == numbers[label]) > 1)
        raise ValueError(
            f"groups names document {repeated!r} more than once, but the unit is 'document' (one row per document); "
            "pass the finer unit's name, e.g. unit='sentence'"
        )
    return _Units(unit, document_of, len(numbers))


def _dimensions(groups: object) -> int | None:
    """numpy's count of dimensions; None for a ragged list, whose odd entry is named by the row checks."""
    try:
        # np.ndim takes any object (a scalar is 0-dimensional); its stubs ask for an array-like.
        return int(np.ndim(cast("np.typing.ArrayLike", groups)))
    except ValueError:
        return None


def _length(groups: object) -> int:
    try:
        return len(groups)  # type: ignore[arg-type]
    except TypeError:
        return 0


def _uniform(size: int) -> np.ndarray:
    return np.full(size, 1.0 / size)


def _stratified_weight_blocks(rng: np.random.Generator, units: _Units, rounds: int) -> Iterator[np.ndarray]:
    """Blocks of (rounds, units) weights: each document's units drawn with replacement among themselves.

    A document of ``m`` units gets ``m`` draws every round, so its share of
    the resample never changes; a document with a single unit is the same in
    every round and uses no random numbers.
    """
    members = units.members()
    for size in _block_sizes(units.units, rounds):
        weights = np.ones((size, units.units))
        for rows in members:
            if rows.size > 1:
                weights[:, rows] = rng.multinomial(rows.size, _uniform(rows.size), size=size)
        yield weights


def _cluster_weight_blocks(rng: np.random.Generator, units: _Units, rounds: int) -> Iterator[np.ndarray]:
    """Blocks of (rounds, units) weights of the two-stage bootstrap.

    Stage one draws ``documents`` documents with replacement (the very draws
    of :func:`_resample_blocks` over documents); stage two draws, for every
    time a document of ``m`` units was drawn, ``m`` of its units with
    replacement (``c`` draws of ``m`` pooled into one multinomial of ``c * m``,
    the same distribution). So every unit of a resample comes from a drawn
    document, and with one unit per document the weights are exactly those of
    the document bootstrap with the same seed.
    """
    members = units.members()
    for size in _block_sizes(units.units, rounds):
        drawn = _index_weights(rng.integers(0, units.documents, size=(size, units.documents)), units.documents)
        weights = np.empty((size, units.units))
        for document, rows in enumerate(members):
            if rows.size == 1:
                weights[:, rows[0]] = drawn[:, document]
            else:
                draws = (drawn[:, document] * rows.size).astype(np.int64)
                weights[:, rows] = rng.multinomial(draws, _uniform(rows.size))
        yield weights


def stratified_weights(groups: Sequence[object], rounds: int, *, seed: int = DEFAULT_SEED) -> np.ndarray:
    """(rounds, units): how often each unit is in each resample of the stratified bootstrap.

    The draws of :func:`stratified_paired_bootstrap_counts` and
    :func:`stratified_bootstrap_interval_counts` with the same seed, for
    callers whose metric is not a function of summed counts.
    """
    _check_settings(rounds, DEFAULT_LEVEL)
    units = _units(groups, _length(groups), "unit", required=True)
    return np.concatenate(list(_stratified_weight_blocks(np.random.default_rng(seed), units, rounds)))


def cluster_weights(groups: Sequence[object], rounds: int, *, seed: int = DEFAULT_SEED) -> np.ndarray:
    """(rounds, units): how often each unit is in each resample of the two-stage cluster bootstrap.

    The draws of :func:`cluster_paired_bootstrap_counts` and
    :func:`cluster_bootstrap_interval_counts` with the same seed.
    """
    _check_settings(rounds, DEFAULT_LEVEL)
    units = _units(groups, _length(groups), "unit", required=True)
    return np.concatenate(list(_cluster_weight_blocks(np.random.default_rng(seed), units, rounds)))


def _plain_weight_blocks(rng: np.random.Generator, units: _Units, rounds: int) -> Iterator[np.ndarray]:
    """Blocks of (rounds, units) weights of the ordinary bootstrap: units drawn with replacement."""
    for block in _resample_blocks(rng, units.units, rounds):
        yield _index_weights(block, units.units)


def _weighted_values(matrix: np.ndarray, metric: VectorMetric, blocks: Iterator[np.ndarray]) -> np.ndarray:
    return _finite(np.concatenate([metric(weights @ matrix) for weights in blocks]), "a resample")


def _weighted_differences(
    a: np.ndarray, b: np.ndarray, metric: VectorMetric, blocks: Iterator[np.ndarray]
) -> np.ndarray:
    return _finite(np.concatenate([metric(w @ b) - metric(w @ a) for w in blocks]), "a resample")


def _movable_units(units: _Units) -> int:
    """Units that share their document with another: the only ones a stratified resample can change."""
    sizes = np.bincount(units.document_of, minlength=units.documents)
    return int(np.count_nonzero(sizes[units.document_of] > 1))


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
    return Interval(
        estimate, low, high, level, resamples, seed, len(items), unit=DOCUMENT, units=len(items),
        assumption=_text(RESAMPLE_ASSUMPTION, DOCUMENT),
    )


def bootstrap_interval_counts(
    counts: object,
    metric: VectorMetric = micro_f1,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
    unit: str = DOCUMENT,
    groups: Sequence[object] | None = None,
) -> Interval:
    """Percentile bootstrap interval of a metric of summed per-document counts.

    ``counts`` is a (documents, columns) matrix, by default read as TP / FP /
    FN; ``metric`` maps a (rounds, columns) matrix of sums to (rounds,) values.
    Draws the same resamples as :func:`bootstrap_interval` with the same seed.
    With a finer ``unit`` (one row per sentence, say, and ``groups`` naming
    each row's document) the units are resampled freely, as if independent;
    see :func:`stratified_bootstrap_interval_counts` and
    :func:`cluster_bootstrap_interval_counts` for the alternatives.
    """
    _check_settings(resamples, level)
    matrix = _count_matrix(counts, "counts")
    units = _units(groups, matrix.shape[0], unit)
    return _interval(
        matrix, metric, _plain_weight_blocks(np.random.default_rng(seed), units, resamples), units,
        _text(UNIT_BOOTSTRAP_METHOD, units.unit), _text(RESAMPLE_ASSUMPTION, units.unit), level, resamples, seed,
    )


def _interval(
    matrix: np.ndarray,
    metric: VectorMetric,
    blocks: Iterator[np.ndarray],
    units: _Units,
    method: str,
    assumption: str,
    level: float,
    resamples: int,
    seed: int,
) -> Interval:
    estimate = float(_finite(metric(matrix.sum(axis=0)[None, :]), "all units")[0])
    low, high = _bounds(_weighted_values(matrix, metric, blocks), level)
    return Interval(
        estimate, low, high, level, resamples, seed, units.documents, method,
        unit=units.unit, units=units.units, assumption=assumption,
    )


def stratified_bootstrap_interval_counts(
    counts: object,
    groups: Sequence[object],
    metric: VectorMetric = micro_f1,
    *,
    unit: str,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
) -> Interval:
    """Percentile interval from resampling each document's units among themselves.

    ``counts`` has one row per ``unit`` (e.g. "sentence"), ``groups`` the
    document id of each row. The documents are held fixed: the interval
    measures how much the metric moves with other sentences of the same
    documents, not with other documents. Refused when no document has two
    units (there is nothing to resample).
    """
    _check_settings(resamples, level)
    matrix = _count_matrix(counts, "counts")
    units = _units(groups, matrix.shape[0], unit, required=True)
    _check_stratifiable(units)
    return _interval(
        matrix, metric, _stratified_weight_blocks(np.random.default_rng(seed), units, resamples), units,
        _text(STRATIFIED_BOOTSTRAP_METHOD, units.unit), _text(STRATIFIED_ASSUMPTION, units.unit), level, resamples, seed,
    )


def cluster_bootstrap_interval_counts(
    counts: object,
    groups: Sequence[object],
    metric: VectorMetric = micro_f1,
    *,
    unit: str,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
) -> Interval:
    """Percentile interval of the two-stage bootstrap: documents, then units within each drawn document.

    Measures both sources of variation (other documents, other sentences of
    a document); with one unit per document it is the document bootstrap of
    :func:`bootstrap_interval_counts`, draw for draw.
    """
    _check_settings(resamples, level)
    matrix = _count_matrix(counts, "counts")
    units = _units(groups, matrix.shape[0], unit, required=True)
    return _interval(
        matrix, metric, _cluster_weight_blocks(np.random.default_rng(seed), units, resamples), units,
        _text(CLUSTER_BOOTSTRAP_METHOD, units.unit), _text(CLUSTER_ASSUMPTION, units.unit), level, resamples, seed,
    )


def _check_stratifiable(units: _Units) -> None:
    if _movable_units(units) == 0:
        raise ValueError(
            f"every document has a single {units.unit}: resampling {_plural(units.unit)} within their documents "
            "has nothing to draw; use the document bootstrap or the cluster bootstrap"
        )


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
    units: _Units,
    *,
    method: str,
    assumption: str,
    floor: float,
) -> PairedComparison:
    observed = metric_b - metric_a
    shifted = differences - observed
    extreme = int(np.count_nonzero(np.abs(shifted) >= abs(observed) - TIE_TOLERANCE))
    low, high = _bounds(differences, level)
    return PairedComparison(
        method,
        metric_a,
        metric_b,
        observed,
        low,
        high,
        level,
        _p_value(extreme, resamples),
        resamples,
        seed,
        units.documents,
        method,
        smallest_p_value=floor,
        unit=units.unit,
        units=units.units,
        assumption=assumption,
        interval_resamples=resamples,
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
    units = _units(None, len(items_a), DOCUMENT)
    return _bootstrap_result(
        metric_a, metric_b, differences, level, resamples, seed, units, method=PAIRED_BOOTSTRAP_METHOD,
        assumption=_text(RESAMPLE_ASSUMPTION, DOCUMENT), floor=monte_carlo_floor(units.units, resamples),
    )


def paired_bootstrap_counts(
    counts_a: object,
    counts_b: object,
    metric: VectorMetric = micro_f1,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
    unit: str = DOCUMENT,
    groups: Sequence[object] | None = None,
) -> PairedComparison:
    """:func:`paired_bootstrap` on two (documents, columns) count matrices, in numpy.

    With a finer ``unit`` (and ``groups``, the document of each row) the units
    are resampled freely, as if independent of each other.
    """
    _check_settings(resamples, level)
    matrix_a, matrix_b = _paired_matrices(counts_a, counts_b)
    units = _units(groups, matrix_a.shape[0], unit)
    metric_a, metric_b = _system_metrics(matrix_a, matrix_b, metric)
    differences = _vector_bootstrap_differences(matrix_a, matrix_b, metric, resamples, seed)
    return _bootstrap_result(
        metric_a, metric_b, differences, level, resamples, seed, units,
        method=_text(UNIT_PAIRED_BOOTSTRAP_METHOD, units.unit), assumption=_text(RESAMPLE_ASSUMPTION, units.unit),
        floor=monte_carlo_floor(units.units, resamples),
    )


def _system_metrics(matrix_a: np.ndarray, matrix_b: np.ndarray, metric: VectorMetric) -> tuple[float, float]:
    metric_a = float(_finite(metric(matrix_a.sum(axis=0)[None, :]), "system A")[0])
    metric_b = float(_finite(metric(matrix_b.sum(axis=0)[None, :]), "system B")[0])
    return metric_a, metric_b


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
        smallest_p_value=monte_carlo_floor(documents, resamples),
        unit=DOCUMENT,
        units=documents,
        assumption=_text(SWAP_ASSUMPTION, DOCUMENT),
        interval_resamples=resamples,
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


# --- the exact permutation test -----------------------------------------------------


def _pattern_blocks(units: int) -> Iterator[np.ndarray]:
    """All ``2^n`` swap patterns in blocks of rows of booleans: row ``k`` swaps unit ``i`` when bit ``i`` of ``k`` is set."""
    total = 1 << units
    block = max(1, _BLOCK_CELLS // units)
    bits = np.arange(units, dtype=np.int64)
    for start in range(0, total, block):
        codes = np.arange(start, min(total, start + block), dtype=np.int64)
        yield ((codes[:, None] >> bits) & 1).astype(bool)


def _check_exact_limit(exact_limit: int) -> None:
    if isinstance(exact_limit, bool) or not isinstance(exact_limit, int) or not 0 <= exact_limit <= MAX_EXACT_LIMIT:
        raise ValueError(f"exact_limit must be an int from 0 to {MAX_EXACT_LIMIT}, got {exact_limit!r}")


def exact_permutation_counts(
    counts_a: object,
    counts_b: object,
    metric: VectorMetric = micro_f1,
    *,
    unit: str = DOCUMENT,
    groups: Sequence[object] | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
    exact_limit: int = EXACT_LIMIT,
) -> PairedComparison:
    """The paired permutation test of ``metric(b) - metric(a)`` over every swap pattern.

    Each of the ``2^n`` ways of swapping units' pairs of count rows is scored;
    ``p = #{patterns with |d'| >= |d|} / 2^n`` (ties within
    :data:`TIE_TOLERANCE`), exactly: the observed pattern is one of them, so
    p is never 0 and is 1 for identical systems. Its floor is ``2^(1-n)``
    (0.0625 for five documents), stated in ``smallest_p_value``.

    Above ``exact_limit`` units (default :data:`EXACT_LIMIT`) the patterns are
    sampled instead: ``resamples`` random patterns, the draws and the p-value
    of :func:`approximate_randomisation_counts` with the same seed, and the
    method says "Monte Carlo". The interval is the paired bootstrap over the
    same units (``resamples`` resamples, same seed). Rows may be finer units
    than documents (``unit``, with ``groups`` naming each row's document);
    the swaps are then per unit, which assumes units are exchangeable
    independently of each other, as ``assumption`` says.
    """
    _check_settings(resamples, level)
    _check_exact_limit(exact_limit)
    matrix_a, matrix_b = _paired_matrices(counts_a, counts_b)
    units = _units(groups, matrix_a.shape[0], unit)
    n = units.units
    metric_a, metric_b = _system_metrics(matrix_a, matrix_b, metric)
    observed = metric_b - metric_a
    total_a, total_b = matrix_a.sum(axis=0), matrix_b.sum(axis=0)
    delta = matrix_b - matrix_a

    def extreme_and_rounds(blocks: Iterator[np.ndarray]) -> tuple[int, int]:
        """Patterns at least as extreme as the observed one, and patterns scored, one block at a time."""
        extreme = rounds = 0
        for block in blocks:
            moved = block.astype(float) @ delta
            values = _finite(metric(total_b - moved) - metric(total_a + moved), "a swap")
            extreme += int(np.count_nonzero(np.abs(values) >= abs(observed) - TIE_TOLERANCE))
            rounds += values.shape[0]
        return extreme, rounds

    if n <= exact_limit:
        extreme, rounds = extreme_and_rounds(_pattern_blocks(n))
        p_value, floor = extreme / rounds, sign_flip_floor(n)
        method = _text(EXACT_PERMUTATION_METHOD, units.unit)
    else:
        extreme, rounds = extreme_and_rounds(_swap_blocks(np.random.default_rng(seed), n, resamples))
        p_value, floor = _p_value(extreme, rounds), monte_carlo_floor(n, rounds)
        method = _text(MONTE_CARLO_PERMUTATION_METHOD, units.unit, n=n, limit=exact_limit)
    low, high = _bounds(_vector_bootstrap_differences(matrix_a, matrix_b, metric, resamples, seed), level)
    return PairedComparison(
        method,
        metric_a,
        metric_b,
        observed,
        low,
        high,
        level,
        p_value,
        rounds,
        seed,
        units.documents,
        _text(UNIT_PAIRED_BOOTSTRAP_METHOD, units.unit),
        smallest_p_value=floor,
        unit=units.unit,
        units=n,
        assumption=_text(SWAP_ASSUMPTION, units.unit),
        interval_resamples=resamples,
    )


# --- paired bootstraps over units within documents -------------------------------------


def stratified_paired_bootstrap_counts(
    counts_a: object,
    counts_b: object,
    groups: Sequence[object],
    metric: VectorMetric = micro_f1,
    *,
    unit: str,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
) -> PairedComparison:
    """Paired bootstrap of B - A resampling each document's units among themselves.

    ``counts_a`` and ``counts_b`` have one row per ``unit`` (e.g. "paragraph"),
    ``groups`` the document id of each row. Both systems are scored on the
    same resample each round, as in :func:`paired_bootstrap_counts`, with the
    same p-value. Assumes the units of a document are independent given the
    document, and holds the documents fixed: it answers "would B still beat A
    on other sentences of these documents", not "on other documents". The
    floor counts only units that share their document with another (a unit
    alone in its document is the same in every resample); refused when there
    are none.
    """
    _check_settings(resamples, level)
    matrix_a, matrix_b = _paired_matrices(counts_a, counts_b)
    units = _units(groups, matrix_a.shape[0], unit, required=True)
    _check_stratifiable(units)
    metric_a, metric_b = _system_metrics(matrix_a, matrix_b, metric)
    blocks = _stratified_weight_blocks(np.random.default_rng(seed), units, resamples)
    return _bootstrap_result(
        metric_a, metric_b, _weighted_differences(matrix_a, matrix_b, metric, blocks), level, resamples, seed, units,
        method=_text(STRATIFIED_PAIRED_BOOTSTRAP_METHOD, units.unit),
        assumption=_text(STRATIFIED_ASSUMPTION, units.unit),
        floor=monte_carlo_floor(_movable_units(units), resamples),
    )


def cluster_paired_bootstrap_counts(
    counts_a: object,
    counts_b: object,
    groups: Sequence[object],
    metric: VectorMetric = micro_f1,
    *,
    unit: str,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    seed: int = DEFAULT_SEED,
) -> PairedComparison:
    """Paired two-stage cluster bootstrap of B - A: documents, then units within each drawn document.

    Stage one keeps all units of a drawn document together; stage two
    resamples them. Assumes documents are independent and units within a
    document too. The documents are the independent draws, so the floor is
    that of ``documents`` units: with five documents, never significant at
    0.05 whatever the number of sentences. With one unit per document it is
    :func:`paired_bootstrap_counts`, draw for draw.
    """
    _check_settings(resamples, level)
    matrix_a, matrix_b = _paired_matrices(counts_a, counts_b)
    units = _units(groups, matrix_a.shape[0], unit, required=True)
    metric_a, metric_b = _system_metrics(matrix_a, matrix_b, metric)
    blocks = _cluster_weight_blocks(np.random.default_rng(seed), units, resamples)
    return _bootstrap_result(
        metric_a, metric_b, _weighted_differences(matrix_a, matrix_b, metric, blocks), level, resamples, seed, units,
        method=_text(CLUSTER_PAIRED_BOOTSTRAP_METHOD, units.unit),
        assumption=_text(CLUSTER_ASSUMPTION, units.unit),
        floor=monte_carlo_floor(units.documents, resamples),
    )


# --- several tests and what to call significant ------------------------------------


def bonferroni(p_values: Sequence[float]) -> tuple[float, ...]:
    """Each p-value times the number of tests, capped at 1 (when ranking several systems)."""
    m = len(p_values)
    return tuple(min(1.0, p * m) for p in p_values)


@dataclass(frozen=True)
class SignificanceVerdict:
    """Whether to call one paired difference significant, and the sentence that says why."""

    significant: bool
    #: ``p_value`` times ``tests``, capped at 1 (Bonferroni).
    p_adjusted: float
    #: ``smallest_p_value`` times ``tests``, capped at 1: the best this test could have done.
    smallest_p_adjusted: float
    alpha: float
    tests: int
    #: One line for a report, e.g. "cannot be significant: with 5 documents no p below 0.0625 ...".
    reason: str


def _check_alpha_and_tests(alpha: float, tests: int) -> None:
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be strictly between 0 and 1, got {alpha!r}")
    if isinstance(tests, bool) or not isinstance(tests, int) or tests < 1:
        raise ValueError(f"tests must be a positive int (the number of tests made together), got {tests!r}")


def significance_verdict(result: PairedComparison, alpha: float = DEFAULT_ALPHA, tests: int = 1) -> SignificanceVerdict:
    """Call a difference significant only if both its p-value and its floor, Bonferroni-adjusted, are below ``alpha``.

    Why the floor as well as the p-value: a test that cannot give a p-value
    below ``alpha`` on these units (five documents: 0.0625) cannot tell a
    real difference from luck at that level, whatever number it prints; a
    paired bootstrap on five documents prints p = 0.001 all the same. For the
    exact permutation test the p-value is never below its floor, so the second
    condition only bites for the bootstrap tests. ``tests`` is how many tests
    are made together (every neighbour pair and metric of a leaderboard); with
    several tests even more units are needed (:func:`fewest_units_for`).
    """
    _check_alpha_and_tests(alpha, tests)
    p_adjusted = min(1.0, result.p_value * tests)
    floor_adjusted = min(1.0, result.smallest_p_value * tests)
    after = f" ({floor_adjusted:.3g} after Bonferroni over {tests} tests)" if tests > 1 else ""
    if floor_adjusted >= alpha:
        printed = (
            f"; the printed p = {result.p_value:.3g} is below what {result.units} {_plural(result.unit)} can support"
            if result.p_value < result.smallest_p_value
            else ""
        )
        reason = (
            f"cannot be significant: the smallest p this test can honestly give here is {result.smallest_p_value:.3g} "
            f"({result.units} {_plural(result.unit)}, {result.resamples} rounds){after}, not below alpha {alpha:g}{printed}"
        )
        return SignificanceVerdict(False, p_adjusted, floor_adjusted, alpha, tests, reason)
    p_after = f" ({p_adjusted:.3g} after Bonferroni over {tests} tests)" if tests > 1 else ""
    significant = p_adjusted < alpha
    reason = (
        f"{'significant' if significant else 'not significant'}: p = {result.p_value:.3g}{p_after} is "
        f"{'below' if significant else 'not below'} alpha {alpha:g}"
    )
    return SignificanceVerdict(significant, p_adjusted, floor_adjusted, alpha, tests, reason)
