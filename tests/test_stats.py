"""Bootstrap intervals and paired tests over documents (harness/stats.py)."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.stats import (
    EXACT_LIMIT,
    PAIRED_BOOTSTRAP_METHOD,
    RANDOMISATION_METHOD,
    Interval,
    PairedComparison,
    approximate_randomisation,
    approximate_randomisation_counts,
    bonferroni,
    bootstrap_interval,
    bootstrap_interval_counts,
    cluster_bootstrap_interval_counts,
    cluster_paired_bootstrap_counts,
    cluster_weights,
    exact_permutation_counts,
    fewest_units_for,
    micro_f1,
    micro_precision,
    micro_recall,
    paired_bootstrap,
    paired_bootstrap_counts,
    sign_flip_floor,
    significance_verdict,
    stratified_bootstrap_interval_counts,
    stratified_paired_bootstrap_counts,
    stratified_weights,
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


# --- the exact permutation test ---------------------------------------------------


def brute_force_permutation_p(a: np.ndarray, b: np.ndarray) -> float:
    """Every swap pattern written out with itertools and the hand-written F1 of the generic path."""
    rows_a = [tuple(r) for r in a]
    rows_b = [tuple(r) for r in b]
    observed = f1_of_rows(rows_b) - f1_of_rows(rows_a)
    extreme = 0
    patterns = list(itertools.product((False, True), repeat=len(rows_a)))
    for pattern in patterns:
        new_a = [y if swap else x for x, y, swap in zip(rows_a, rows_b, pattern)]
        new_b = [x if swap else y for x, y, swap in zip(rows_a, rows_b, pattern)]
        if abs(f1_of_rows(new_b) - f1_of_rows(new_a)) >= abs(observed) - 1e-12:
            extreme += 1
    return extreme / len(patterns)


def b_wins_every_document(documents: int) -> tuple[np.ndarray, np.ndarray]:
    """Documents of different sizes; on each, B finds more, predicts less wrongly and misses less than A."""
    gold = 6 + (np.arange(documents) * 5) % 11
    tp_a = gold // 2
    a = np.column_stack([tp_a, np.full(documents, 4), gold - tp_a])
    b = np.column_stack([tp_a + 2, np.full(documents, 2), gold - tp_a - 2])
    return a.astype(float), b.astype(float)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_exact_test_agrees_with_a_brute_force_enumeration_of_every_swap(seed):
    a = typical_counts(seed, documents=6, recall=0.5)
    b = typical_counts(seed + 100, documents=6, recall=0.8)
    result = exact_permutation_counts(a, b)
    assert result.p_value == brute_force_permutation_p(a, b)
    assert result.resamples == 2**6
    assert result.method.startswith("exact paired permutation test")


@settings(max_examples=30, deadline=None, derandomize=True)
@given(
    rows=st.lists(
        st.tuples(*[st.integers(0, 6)] * 6),  # tp, fp, fn of A then of B on one document
        min_size=1,
        max_size=7,
    )
)
def test_exact_test_agrees_with_brute_force_on_any_small_counts(rows):
    a = np.array([r[:3] for r in rows], dtype=float)
    b = np.array([r[3:] for r in rows], dtype=float)
    assert exact_permutation_counts(a, b, resamples=50).p_value == brute_force_permutation_p(a, b)


@pytest.mark.parametrize("documents", [1, 2, 5, 12])
def test_identical_systems_get_exact_p_value_one(documents):
    counts = typical_counts(4, documents=documents)
    result = exact_permutation_counts(counts, counts.copy())
    assert result.difference == 0.0
    assert result.p_value == 1.0


@pytest.mark.parametrize("documents", [1, 2, 3, 5, 8])
def test_when_b_wins_every_document_the_exact_p_is_the_floor_two_to_the_one_minus_n(documents):
    a, b = b_wins_every_document(documents)
    result = exact_permutation_counts(a, b)
    assert result.difference > 0
    assert result.p_value == 2.0 ** (1 - documents)
    assert result.smallest_p_value == 2.0 ** (1 - documents) == sign_flip_floor(documents)


def test_five_documents_won_by_b_are_not_called_significant_though_the_bootstrap_prints_p_near_0_001():
    a, b = b_wins_every_document(5)
    exact = exact_permutation_counts(a, b)
    bootstrap = paired_bootstrap_counts(a, b)
    assert exact.p_value == 0.0625 and exact.smallest_p_value == 0.0625
    assert bootstrap.p_value < 0.01  # what the bootstrap prints on five documents
    assert bootstrap.smallest_p_value == 0.0625
    for result in (exact, bootstrap, approximate_randomisation_counts(a, b)):
        verdict = significance_verdict(result, alpha=0.05)
        assert not verdict.significant
        assert verdict.reason.startswith("cannot be significant")
    assert "below what 5 documents can support" in significance_verdict(bootstrap).reason


def test_beyond_the_exact_limit_the_test_is_labelled_monte_carlo_and_draws_the_randomisation_swaps():
    a = typical_counts(1, documents=EXACT_LIMIT + 1, recall=0.6)
    b = typical_counts(2, documents=EXACT_LIMIT + 1, recall=0.75)
    result = exact_permutation_counts(a, b, resamples=500, seed=9)
    randomised = approximate_randomisation_counts(a, b, resamples=500, seed=9)
    assert result.method.startswith("Monte Carlo paired permutation test")
    assert f"{EXACT_LIMIT + 1} units is above the exact limit of {EXACT_LIMIT}" in result.method
    assert result.resamples == 500
    assert result.p_value == randomised.p_value
    assert (result.low, result.high) == (randomised.low, randomised.high)
    assert result.smallest_p_value == 1 / 501


def test_the_exact_limit_is_a_setting_up_to_which_every_pattern_is_counted():
    a, b = typical_counts(5, documents=8), typical_counts(6, documents=8)
    assert exact_permutation_counts(a, b, exact_limit=8).resamples == 256
    lowered = exact_permutation_counts(a, b, exact_limit=7, resamples=300)
    assert lowered.method.startswith("Monte Carlo") and lowered.resamples == 300


def test_the_monte_carlo_p_value_estimates_the_exact_one():
    a = typical_counts(11, documents=10, recall=0.6)
    b = typical_counts(12, documents=10, recall=0.7)
    exact = exact_permutation_counts(a, b).p_value
    rounds = 20_000
    sampled = exact_permutation_counts(a, b, exact_limit=0, resamples=rounds, seed=4).p_value
    standard_error = (exact * (1 - exact) / rounds) ** 0.5
    assert abs(sampled - exact) < 4 * standard_error + 1 / rounds


def test_twenty_documents_are_enumerated_exactly_in_well_under_a_few_seconds():
    a = typical_counts(13, documents=20)
    b = typical_counts(14, documents=20)
    started = time.perf_counter()
    result = exact_permutation_counts(a, b)
    assert time.perf_counter() - started < 5.0
    assert result.resamples == 2**20
    assert result.method.startswith("exact")


def test_exact_test_is_deterministic_and_its_p_value_does_not_depend_on_the_seed():
    a, b = typical_counts(1, documents=9), typical_counts(2, documents=9)
    assert exact_permutation_counts(a, b, seed=3) == exact_permutation_counts(a, b, seed=3)
    other = exact_permutation_counts(a, b, seed=4)
    assert other.p_value == exact_permutation_counts(a, b, seed=3).p_value
    assert (other.low, other.high) != (exact_permutation_counts(a, b, seed=3).low, exact_permutation_counts(a, b, seed=3).high)
    sampled = exact_permutation_counts(a, b, exact_limit=0, resamples=200, seed=3)
    assert sampled == exact_permutation_counts(a, b, exact_limit=0, resamples=200, seed=3)


def test_sentence_level_swaps_count_sentences_as_units_and_documents_as_groups():
    a = typical_counts(21, documents=12)
    b = typical_counts(22, documents=12)
    groups = ["d1"] * 4 + ["d2"] * 5 + ["d3"] * 3
    by_sentence = exact_permutation_counts(a, b, unit="sentence", groups=groups)
    assert (by_sentence.unit, by_sentence.units, by_sentence.documents) == ("sentence", 12, 3)
    assert "sentences" in by_sentence.method and "sentence" in by_sentence.assumption
    assert by_sentence.smallest_p_value == 2.0**-11
    # the swaps do not look at the documents: the same rows read as documents give the same p
    assert by_sentence.p_value == exact_permutation_counts(a, b).p_value


# --- what to call significant ---------------------------------------------------------


def test_seven_documents_won_by_b_are_significant_alone_but_not_among_four_tests():
    a, b = b_wins_every_document(7)
    result = exact_permutation_counts(a, b)
    assert result.p_value == 2.0**-6
    alone = significance_verdict(result, alpha=0.05, tests=1)
    assert alone.significant and alone.reason.startswith("significant")
    among_four = significance_verdict(result, alpha=0.05, tests=4)
    assert not among_four.significant
    assert among_four.smallest_p_adjusted == 4 * 2.0**-6
    assert "Bonferroni over 4 tests" in among_four.reason


def test_a_large_p_value_is_not_significant_even_when_the_floor_allows_it():
    base = np.tile([5, 2, 5], (30, 1)).astype(float)
    other = base.copy()
    other[0:10:2] += [1, 0, -1]
    other[1:10:2] += [-1, 0, 1]
    verdict = significance_verdict(exact_permutation_counts(base, other, resamples=200), alpha=0.05)
    assert not verdict.significant
    assert verdict.reason.startswith("not significant")
    assert verdict.smallest_p_adjusted < 0.05 <= verdict.p_adjusted


def test_the_fewest_documents_for_a_significant_difference_follow_the_floor():
    assert fewest_units_for(0.05) == 6
    for alpha, tests in [(0.05, 1), (0.05, 4), (0.01, 1), (0.05, 10)]:
        n = fewest_units_for(alpha, tests)
        assert tests * sign_flip_floor(n) < alpha <= tests * sign_flip_floor(n - 1)


@pytest.mark.parametrize(("alpha", "tests", "message"), [(0.0, 1, "alpha"), (1.0, 1, "alpha"), (0.05, 0, "tests"), (0.05, 1.5, "tests")])
def test_bad_alpha_or_number_of_tests_are_refused(alpha, tests, message):
    result = exact_permutation_counts(*b_wins_every_document(6))
    with pytest.raises(ValueError, match=message):
        significance_verdict(result, alpha=alpha, tests=tests)


# --- resampling units within their documents --------------------------------------------


def test_cluster_bootstrap_keeps_every_unit_of_a_drawn_document_together_in_stage_one():
    groups = ["a"] * 3 + ["b"] * 1 + ["c"] * 5 + ["d"] * 2
    sizes = {"a": 3, "b": 1, "c": 5, "d": 2}
    weights = cluster_weights(groups, 400, seed=1)
    assert weights.shape == (400, 11)
    rows = {g: [i for i, x in enumerate(groups) if x == g] for g in sizes}
    times_drawn = {g: weights[:, rows[g]].sum(axis=1) / sizes[g] for g in sizes}
    for g in sizes:
        assert np.array_equal(times_drawn[g], np.round(times_drawn[g]))  # whole documents only
    assert np.array_equal(sum(times_drawn.values()), np.full(400, 4.0))  # four documents per resample
    left_out = times_drawn["c"] == 0
    assert left_out.any() and np.all(weights[left_out][:, rows["c"]] == 0)
    # stage two: a document drawn once does not always bring each of its units once
    once = times_drawn["c"] == 1
    assert np.any(weights[once][:, rows["c"]] != 1)


def test_cluster_bootstrap_with_one_unit_per_document_is_the_document_bootstrap_draw_for_draw():
    a, b = typical_counts(31, documents=15), typical_counts(32, documents=15)
    groups = [f"doc{i}" for i in range(15)]
    cluster = cluster_paired_bootstrap_counts(a, b, groups, unit="paragraph", resamples=600, seed=8)
    documents = paired_bootstrap_counts(a, b, resamples=600, seed=8)
    assert (cluster.p_value, cluster.low, cluster.high) == (documents.p_value, documents.low, documents.high)
    interval = cluster_bootstrap_interval_counts(a, groups, unit="paragraph", resamples=600, seed=8)
    plain = bootstrap_interval_counts(a, resamples=600, seed=8)
    assert (interval.low, interval.high, interval.estimate) == (plain.low, plain.high, plain.estimate)


def test_stratified_bootstrap_keeps_each_documents_share_and_never_moves_a_lone_unit():
    groups = [7, 7, 7, 9, 3, 3, 3, 3]
    weights = stratified_weights(groups, 300, seed=2)
    assert np.array_equal(weights[:, :3].sum(axis=1), np.full(300, 3.0))
    assert np.array_equal(weights[:, 4:].sum(axis=1), np.full(300, 4.0))
    assert np.all(weights[:, 3] == 1.0)
    assert np.any(weights[:, :3] != 1.0)


def test_stratified_bootstrap_with_one_unit_per_document_is_refused_as_having_nothing_to_draw():
    a, b = typical_counts(1, documents=6), typical_counts(2, documents=6)
    with pytest.raises(ValueError, match="nothing to draw.*document bootstrap"):
        stratified_paired_bootstrap_counts(a, b, list(range(6)), unit="sentence")
    with pytest.raises(ValueError, match="nothing to draw"):
        stratified_bootstrap_interval_counts(a, list(range(6)), unit="sentence")


def test_stratified_interval_ignores_variation_between_documents_that_the_cluster_interval_sees():
    # every sentence of a document scores alike, documents differ a lot
    per_document = [[9, 1, 1], [2, 6, 7], [6, 2, 3], [1, 5, 8]]
    counts = np.array([row for row in per_document for _ in range(4)], dtype=float)
    groups = [d for d in range(4) for _ in range(4)]
    stratified = stratified_bootstrap_interval_counts(counts, groups, unit="sentence")
    cluster = cluster_bootstrap_interval_counts(counts, groups, unit="sentence")
    assert stratified.low == stratified.high == pytest.approx(stratified.estimate)
    assert cluster.high - cluster.low > 0.1
    assert (stratified.documents, stratified.units) == (4, 16)


def test_five_documents_cut_into_many_sentences_still_cannot_be_significant_by_the_cluster_bootstrap():
    groups = [d for d in range(5) for _ in range(20)]
    a = np.tile([3, 2, 3], (100, 1)).astype(float)
    b = np.tile([5, 1, 1], (100, 1)).astype(float)
    b[::7] = [4, 1, 2]
    cluster = cluster_paired_bootstrap_counts(a, b, groups, unit="sentence")
    assert cluster.smallest_p_value == 0.0625
    assert not significance_verdict(cluster).significant
    stratified = stratified_paired_bootstrap_counts(a, b, groups, unit="sentence")
    assert stratified.smallest_p_value == 1 / 1001  # its assumption holds the documents fixed
    assert significance_verdict(stratified).significant


def test_stratified_floor_counts_only_units_that_share_their_document():
    a, b = typical_counts(41, documents=5), typical_counts(42, documents=5)
    groups = ["x", "x", "y", "z", "w"]  # two units can move, three are alone
    result = stratified_paired_bootstrap_counts(a, b, groups, unit="paragraph", resamples=200)
    assert result.smallest_p_value == sign_flip_floor(2) == 0.5


@pytest.mark.parametrize(
    "compare",
    [stratified_paired_bootstrap_counts, cluster_paired_bootstrap_counts],
)
def test_unit_bootstraps_are_deterministic_by_seed_and_give_identical_systems_p_one(compare):
    a, b = typical_counts(51, documents=18), typical_counts(52, documents=18)
    groups = [i // 3 for i in range(18)]
    assert compare(a, b, groups, unit="sentence", seed=5) == compare(a, b, groups, unit="sentence", seed=5)
    assert compare(a, b, groups, unit="sentence", seed=5) != compare(a, b, groups, unit="sentence", seed=6)
    same = compare(a, a.copy(), groups, unit="sentence")
    assert (same.difference, same.p_value, same.low, same.high) == (0.0, 1.0, 0.0, 0.0)


def test_every_result_states_its_unit_and_a_one_line_assumption():
    a, b = typical_counts(61, documents=12), typical_counts(62, documents=12)
    groups = [i // 4 for i in range(12)]
    results = [
        paired_bootstrap_counts(a, b),
        approximate_randomisation_counts(a, b),
        exact_permutation_counts(a, b),
        exact_permutation_counts(a, b, unit="sentence", groups=groups),
        paired_bootstrap_counts(a, b, unit="sentence", groups=groups),
        stratified_paired_bootstrap_counts(a, b, groups, unit="sentence"),
        cluster_paired_bootstrap_counts(a, b, groups, unit="sentence"),
        bootstrap_interval_counts(a),
        stratified_bootstrap_interval_counts(a, groups, unit="sentence"),
        cluster_bootstrap_interval_counts(a, groups, unit="sentence"),
    ]
    assumptions = set()
    for result in results:
        assert result.assumption.strip() and "\n" not in result.assumption
        assert result.unit in result.assumption
        assumptions.add(result.assumption)
    assert len(assumptions) == 6  # resample / swap for documents and sentences, stratified, cluster
    assert {r.documents for r in results} == {12, 3}


@pytest.mark.parametrize(
    "interval",
    [
        lambda c, g: stratified_bootstrap_interval_counts(c, g, unit="sentence", resamples=300),
        lambda c, g: cluster_bootstrap_interval_counts(c, g, unit="sentence", resamples=300),
        lambda c, g: bootstrap_interval_counts(c, unit="sentence", groups=g, resamples=300),
    ],
)
def test_single_system_intervals_over_sentences_contain_the_estimate(interval):
    counts = typical_counts(71, documents=40)
    groups = [i // 5 for i in range(40)]
    result = interval(counts, groups)
    assert isinstance(result, Interval)
    assert result.low <= result.estimate <= result.high
    assert result.estimate == pytest.approx(f1_of_rows([tuple(r) for r in counts]))
    assert (result.unit, result.units, result.documents) == ("sentence", 40, 8)


# --- bad shapes and documents ------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda a, b: exact_permutation_counts(a, b[:-1]), "same shape"),
        (lambda a, b: exact_permutation_counts(a[:, 0], b[:, 0]), "matrix"),
        (lambda a, b: exact_permutation_counts(a, b, unit="sentence"), "groups is missing"),
        (lambda a, b: exact_permutation_counts(a, b, exact_limit=40), "exact_limit"),
        (lambda a, b: exact_permutation_counts(a, b, unit=" "), "unit"),
        (lambda a, b: exact_permutation_counts(a, b, groups=[0, 0, 1, 1, 2, 2]), "more than once.*unit='sentence'"),
        (lambda a, b: stratified_paired_bootstrap_counts(a, b, [0, 0, 1], unit="sentence"), "3 entries but the count matrices have 6 rows"),
        (lambda a, b: stratified_paired_bootstrap_counts(a, b, "aabbcc", unit="sentence"), "flat sequence"),
        (lambda a, b: cluster_paired_bootstrap_counts(a, b, [[0, 1]] * 6, unit="sentence"), "flat sequence"),
        (lambda a, b: cluster_paired_bootstrap_counts(a, b, [0, 0, None, 1, 1, 1], unit="sentence"), r"groups\[2\] is None"),
        (lambda a, b: cluster_paired_bootstrap_counts(a, b, [0, 0, float("nan"), 1, 1, 1], unit="sentence"), r"groups\[2\]"),
        (lambda a, b: cluster_paired_bootstrap_counts(a, b, [0, 0, [1], 1, 1, 1], unit="sentence"), r"groups\[2\].*string or a number"),
        (lambda a, b: cluster_bootstrap_interval_counts(a, None, unit="sentence"), "groups is missing"),
        (lambda a, b: cluster_weights([0, 1], 0), "resamples"),
    ],
)
def test_bad_shapes_and_documents_are_refused_with_what_is_wrong(call, message):
    a, b = typical_counts(81, documents=6), typical_counts(82, documents=6)
    with pytest.raises(ValueError, match=message):
        call(a, b)
