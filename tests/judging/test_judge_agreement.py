"""Confusion matrix, accuracy and Cohen's kappa against hand computations."""

from __future__ import annotations

import pytest

from harness.judging.agreement import Confusion


def matrix(same_same, same_diff, same_unj, diff_same, diff_diff, diff_unj) -> Confusion:
    pairs = (
        [("same", "same")] * same_same + [("same", "different")] * same_diff + [("same", "unjudged")] * same_unj
        + [("different", "same")] * diff_same + [("different", "different")] * diff_diff + [("different", "unjudged")] * diff_unj
    )  # fmt: skip
    return Confusion.of(pairs)


def test_kappa_and_accuracy_by_hand():
    # 50 judged pairs: 20 + 15 agree -> p_o = 0.7; labels 25 same / 25 different, answers 30 / 20:
    # p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.5; kappa = (0.7 - 0.5) / (1 - 0.5) = 0.4
    m = matrix(20, 5, 2, 10, 15, 3)
    assert m.total == 55 and m.judged == 50 and m.unjudged == 5
    assert m.accuracy == pytest.approx(0.7)
    assert m.kappa == pytest.approx(0.4)
    assert m.coverage == pytest.approx(50 / 55)


def test_second_hand_computation_with_unbalanced_labels():
    # labels 40 same / 10 different; answers: 36 same-same, 4 same-diff, 6 diff-same, 4 diff-diff
    # p_o = 40 / 50 = 0.8; judge says same 42 times: p_e = 0.8 * 0.84 + 0.2 * 0.16 = 0.704
    # kappa = (0.8 - 0.704) / 0.296 = 0.324324...
    m = matrix(36, 4, 0, 6, 4, 0)
    assert m.kappa == pytest.approx(0.096 / 0.296)


def test_unjudged_pairs_do_not_enter_kappa():
    assert matrix(20, 5, 0, 10, 15, 0).kappa == matrix(20, 5, 40, 10, 15, 7).kappa


def test_perfect_agreement_is_one_and_chance_agreement_is_zero():
    assert matrix(10, 0, 0, 0, 10, 0).kappa == pytest.approx(1.0)
    # the judge says same half the time whatever the label: p_o = p_e = 0.5
    assert matrix(5, 5, 0, 5, 5, 0).kappa == pytest.approx(0.0)


def test_kappa_is_undefined_when_everything_is_one_class_or_nothing_was_judged():
    assert matrix(10, 0, 0, 0, 0, 0).kappa is None
    assert matrix(0, 0, 3, 0, 0, 2).kappa is None
    assert matrix(0, 0, 3, 0, 0, 2).accuracy is None


def test_matrix_rows_show_unjudged_apart():
    lines = matrix(20, 5, 2, 10, 15, 3).lines()
    assert lines[0].split()[-1] == "unjudged"
    assert lines[1].split() == ["same", "20", "5", "|", "2"]
    assert lines[2].split() == ["different", "10", "15", "|", "3"]


def test_unknown_labels_are_refused():
    with pytest.raises(ValueError, match="reference label"):
        Confusion.of([("maybe", "same")])
    with pytest.raises(ValueError, match="answer"):
        Confusion.of([("same", "yes")])
