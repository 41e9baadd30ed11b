"""Bootstrap intervals and paired tests over documents (harness/stats.py)."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.stats import (
    PAIRED_BOOTSTRAP_METHOD,
    RANDOMISATION_METHOD,
    Interval,
    PairedComparison,
    approximate_randomisation,
    approximate_randomisation_counts,
    bonferroni,
    bootstrap_interval,
    bootstrap_interval_counts,
    micro_f1,
    micro_precision,
    micro_recall,
    paired_bootstrap,
    paired_bootstrap_counts,
)


def f1_of_rows(rows: list[tuple[int, int, int]]) -> float:
    """The generic-path metric: micro F1 of summed (TP, FP, FN) tuples, written out by hand."""
    tp = sum(r[0] for r in rows)
    fp = sum(r[1] for r in rows)
    fn = sum(r[2] for r in rows)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def typical_counts(seed: int, documents: int = 40, recall: float = 0.7, precision: float = 0.8) -> np.ndarray:
    """Per-document TP / FP / FN of a system with roughly the given rates."""
    rng = np.random.default_rng(seed)
    gold = rng.integers(3, 15, size=documents)
    tp = rng.binomial(gold, recall)
    fp = rng.binomial(np.maximum(1, (tp / precision - tp).round().astype(int)) + 1, 0.6)
    return np.column_stack([tp, fp, gold - tp])


# --- the vectorised metrics ---------------------------------------------------


def test_micro_rates_follow_their_definitions_row_by_row():
    sums = np.array([[6, 2, 4], [0, 0, 0], [0, 3, 0], [5, 0, 0]])
    assert micro_precision(sums).tolist() == [6 / 8, 0.0, 0.0, 1.0]
    assert micro_recall(sums).tolist() == [6 / 10, 0.0, 0.0, 1.0]
    p, r = 6 / 8, 6 / 10
    assert micro_f1(sums)[0] == pytest.approx(2 * p * r / (p + r))
    assert micro_f1(sums)[1:].tolist() == [0.0, 0.0, 1.0]


# --- bootstrap interval -------------------------------------------------------


@settings(max_examples=25, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10_000), documents=st.integers(15, 60))
def test_interval_contains_the_point_estimate_for_typical_data(seed, documents):
    counts = typical_counts(seed, documents)
    interval = bootstrap_interval_counts(counts, resamples=300, seed=seed)
    assert interval.low <= interval.estimate <= interval.high
    assert interval.estimate == pytest.approx(f1_of_rows([tuple(r) for r in counts]))
    assert 0.0 <= interval.low < interval.high <= 1.0


def test_interval_is_degenerate_when_all_documents_are_identical():
    counts = np.tile([3, 1, 2], (25, 1))
    interval = bootstrap_interval_counts(counts)
    assert interval.low == interval.estimate == interval.high
    generic = bootstrap_interval([(3, 1, 2)] * 25, f1_of_rows, resamples=200)
    assert generic.low == generic.high == pytest.approx(generic.estimate)


def test_same_seed_gives_the_same_interval_and_another_seed_another():
    counts = typical_counts(7)
    first = bootstrap_interval_counts(counts, seed=11)
    assert bootstrap_interval_counts(counts, seed=11) == first
    other = bootstrap_interval_counts(counts, seed=12)
    assert (other.low, other.high) != (first.low, first.high)


def test_generic_and_vectorised_paths_draw_the_same_resamples():
    counts = typical_counts(3, documents=30)
    rows = [tuple(int(x) for x in r) for r in counts]
    generic = bootstrap_interval(rows, f1_of_rows, resamples=400, seed=5)
    fast = bootstrap_interval_counts(counts, resamples=400, seed=5)
    assert generic.low == pytest.approx(fast.low, abs=1e-12)
    assert generic.high == pytest.approx(fast.high, abs=1e-12)
    assert generic.estimate == pytest.approx(fast.estimate, abs=1e-12)


def test_interval_records_its_settings():
    interval = bootstrap_interval_counts(typical_counts(1), resamples=250, level=0.9, seed=4)
    assert isinstance(interval, Interval)
    assert (interval.resamples, interval.level, interval.seed, interval.documents) == (250, 0.9, 4, 40)
    assert interval.method


def test_a_wider_level_gives_an_interval_at_least_as_wide():
    counts = typical_counts(9)
    narrow = bootstrap_interval_counts(counts, level=0.8)
    wide = bootstrap_interval_counts(counts, level=0.99)
    assert wide.low <= narrow.low and narrow.high <= wide.high


def test_more_documents_give_a_narrower_interval():
    few = bootstrap_interval_counts(typical_counts(2, documents=10))
    many = bootstrap_interval_counts(typical_counts(2, documents=400))
    assert (many.high - many.low) < (few.high - few.low)


def test_a_corpus_that_predicts_nothing_gets_zero_not_nan():
    counts = np.tile([0, 0, 4], (10, 1))
    interval = bootstrap_interval_counts(counts)
    assert (interval.estimate, interval.low, interval.high) == (0.0, 0.0, 0.0)


def test_a_thousand_resamples_over_a_thousand_documents_are_fast():
    counts = typical_counts(4, documents=1000)
    started = time.perf_counter()
    bootstrap_interval_counts(counts)
    paired_bootstrap_counts(counts, typical_counts(5, documents=1000))
    approximate_randomisation_counts(counts, typical_counts(5, documents=1000))
    assert time.perf_counter() - started < 5.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"resamples": 0}, "resamples"),
        ({"level": 1.0}, "level"),
        ({"level": 0.0}, "level"),
    ],
)
def test_bad_settings_are_refused_with_the_setting_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bootstrap_interval_counts(typical_counts(0), **kwargs)


def test_zero_documents_are_refused():
    with pytest.raises(ValueError, match="zero documents"):
        bootstrap_interval([], f1_of_rows)
    with pytest.raises(ValueError, match="counts"):
        bootstrap_interval_counts(np.zeros((0, 3)))


def test_a_metric_that_returns_nan_is_refused_not_propagated():
    with pytest.raises(ValueError, match="non-finite"):
        bootstrap_interval([1, 2, 3], lambda docs: float("nan"))


# --- paired comparison --------------------------------------------------------


@pytest.mark.parametrize("compare", [paired_bootstrap_counts, approximate_randomisation_counts])
def test_identical_systems_differ_by_zero_with_p_value_one(compare):
    counts = typical_counts(8)
    result = compare(counts, counts.copy())
    assert isinstance(result, PairedComparison)
    assert result.difference == 0.0
    assert result.p_value == 1.0
    assert result.low == result.high == 0.0


@pytest.mark.parametrize("compare", [paired_bootstrap, approximate_randomisation])
def test_identical_systems_differ_by_zero_with_p_value_one_on_the_generic_path(compare):
    rows = [tuple(int(x) for x in r) for r in typical_counts(8, documents=20)]
    result = compare(rows, list(rows), f1_of_rows, resamples=200)
    assert result.difference == 0.0
    assert result.p_value == 1.0


@pytest.mark.parametrize("compare", [paired_bootstrap_counts, approximate_randomisation_counts])
def test_a_clearly_better_system_gets_a_small_p_value_and_a_positive_interval(compare):
    gold = np.full(40, 10)
    weak = np.column_stack([np.full(40, 4), np.full(40, 4), gold - 4])
    strong = np.column_stack([np.full(40, 8), np.full(40, 1), gold - 8])
    strong[::5, 0] -= 1  # not all documents alike
    strong[::5, 2] += 1
    result = compare(weak, strong)
    assert result.difference > 0
    assert result.p_value < 0.01
    assert 0 < result.low <= result.difference <= result.high


def test_the_difference_is_b_minus_a():
    weak, strong = typical_counts(1, recall=0.4), typical_counts(1, recall=0.9)
    forward = paired_bootstrap_counts(weak, strong)
    backward = paired_bootstrap_counts(strong, weak)
    assert forward.difference == pytest.approx(forward.metric_b - forward.metric_a)
    assert forward.difference == pytest.approx(-backward.difference)
    assert forward.p_value == backward.p_value


def test_two_systems_that_win_and_lose_as_often_get_a_large_p_value():
    base = np.tile([5, 2, 5], (60, 1))
    other = base.copy()
    other[0:20:2] += [1, 0, -1]  # one more claim found in ten documents
    other[1:20:2] += [-1, 0, 1]  # one fewer in ten others
    for compare in (paired_bootstrap_counts, approximate_randomisation_counts):
        result = compare(base, other)
        assert result.difference == 0.0
        assert result.p_value > 0.5
        assert result.low < 0 < result.high


def test_paired_results_name_their_method():
    a, b = typical_counts(1), typical_counts(2)
    assert paired_bootstrap_counts(a, b).method == PAIRED_BOOTSTRAP_METHOD
    assert "Koehn 2004" in PAIRED_BOOTSTRAP_METHOD
    randomised = approximate_randomisation_counts(a, b)
    assert randomised.method == RANDOMISATION_METHOD
    assert "Yeh 2000" in RANDOMISATION_METHOD
    assert randomised.interval_method == PAIRED_BOOTSTRAP_METHOD


def test_paired_tests_are_deterministic_with_a_seed():
    a, b = typical_counts(1), typical_counts(2)
    assert paired_bootstrap_counts(a, b, seed=3) == paired_bootstrap_counts(a, b, seed=3)
    assert approximate_randomisation_counts(a, b, seed=3) == approximate_randomisation_counts(a, b, seed=3)


def test_generic_and_vectorised_randomisation_agree():
    a, b = typical_counts(1, documents=25), typical_counts(2, documents=25)
    rows_a = [tuple(int(x) for x in r) for r in a]
    rows_b = [tuple(int(x) for x in r) for r in b]
    generic = approximate_randomisation(rows_a, rows_b, f1_of_rows, resamples=300, seed=2)
    fast = approximate_randomisation_counts(a, b, resamples=300, seed=2)
    assert generic.p_value == fast.p_value
    assert generic.difference == pytest.approx(fast.difference, abs=1e-12)
    assert (generic.low, generic.high) == pytest.approx((fast.low, fast.high), abs=1e-12)


def test_systems_scored_on_different_documents_are_refused():
    with pytest.raises(ValueError, match="same shape"):
        paired_bootstrap_counts(typical_counts(1, documents=10), typical_counts(1, documents=11))
    with pytest.raises(ValueError, match="one result per document"):
        approximate_randomisation([(1, 0, 0)], [(1, 0, 0), (0, 1, 1)], f1_of_rows)


def test_bonferroni_multiplies_by_the_number_of_tests_and_caps_at_one():
    assert bonferroni([0.01, 0.2, 0.5]) == pytest.approx((0.03, 0.6, 1.0))
    assert bonferroni([]) == ()
