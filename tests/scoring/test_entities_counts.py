"""The shared count arithmetic: MatchCounts, PRF and the zero-denominator rule."""

from __future__ import annotations

import math

import pytest

from harness.scoring.counts import (
    PRF,
    ZERO_COUNTS,
    MatchCounts,
    macro_average,
    ratio,
    sum_counts,
)


def test_match_counts_add_up_field_by_field():
    a = MatchCounts(correct=1, incorrect=2, partial=3, missed=4, spurious=5)
    b = MatchCounts(correct=10, incorrect=20, partial=30, missed=40, spurious=50)
    assert a + b == MatchCounts(11, 22, 33, 44, 55)


def test_builtin_sum_and_sum_counts_agree_and_start_from_zero():
    items = [MatchCounts(correct=1), MatchCounts(missed=2), MatchCounts(spurious=3)]
    assert sum(items) == sum_counts(items) == MatchCounts(correct=1, missed=2, spurious=3)
    assert sum_counts([]) == ZERO_COUNTS


def test_possible_counts_gold_items_and_actual_counts_predicted_items():
    counts = MatchCounts(correct=1, incorrect=2, partial=3, missed=4, spurious=5)
    assert counts.possible == 1 + 2 + 3 + 4
    assert counts.actual == 1 + 2 + 3 + 5


def test_standard_precision_and_recall_ignore_partial_matches():
    counts = MatchCounts(correct=2, partial=2, missed=1, spurious=3)
    prf = counts.prf()
    assert prf.precision == 2 / counts.actual
    assert prf.recall == 2 / counts.possible


def test_partial_credit_counts_each_partial_match_as_half():
    counts = MatchCounts(correct=2, partial=2, missed=1, spurious=3)
    prf = counts.prf(partial_credit=0.5)
    assert prf.precision == (2 + 0.5 * 2) / counts.actual
    assert prf.recall == (2 + 0.5 * 2) / counts.possible
    assert prf.f1 == pytest.approx(2 * prf.precision * prf.recall / (prf.precision + prf.recall))


def test_zero_denominators_give_zero_not_nan():
    nothing = ZERO_COUNTS.prf(0.5)
    assert nothing == PRF(0.0, 0.0, 0.0)
    only_missed = MatchCounts(missed=3).prf()
    only_spurious = MatchCounts(spurious=3).prf()
    for prf in (nothing, only_missed, only_spurious):
        assert not any(math.isnan(x) for x in (prf.precision, prf.recall, prf.f1))
    assert ratio(1, 0) == 0.0


def test_negative_or_fractional_count_is_rejected_naming_the_field():
    with pytest.raises(ValueError, match="MatchCounts.missed"):
        MatchCounts(missed=-1)
    with pytest.raises(ValueError, match="MatchCounts.correct"):
        MatchCounts(correct=1.5)  # type: ignore[arg-type]


def test_macro_average_is_the_plain_mean_of_rows_and_zero_without_rows():
    rows = [PRF(1.0, 0.5, 2 / 3), PRF(0.0, 0.0, 0.0)]
    assert macro_average(rows) == PRF(0.5, 0.25, 1 / 3)
    assert macro_average([]) == PRF(0.0, 0.0, 0.0)


def test_prf_from_credit_matches_rates():
    assert PRF.from_credit(3, 4, 6) == PRF.from_rates(3 / 4, 3 / 6)
