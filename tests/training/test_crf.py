"""The CRF layer's likelihood against brute force over every valid tag sequence."""

from __future__ import annotations

import itertools
import math

import pytest

torch = pytest.importorskip("torch")

from harness.training.crf import (  # noqa: E402
    TransitionScores,
    negative_log_likelihood,
    word_emissions,
)
from harness.training.data import IGNORE, Example  # noqa: E402

LABELS = ["O", "B-LOC", "I-LOC", "B-PER", "I-PER"]


def _valid(path: tuple[int, ...]) -> bool:
    previous = "O"
    for i in path:
        tag = LABELS[i]
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            return False
        previous = tag
    return True


def _brute_force_nll(emissions: torch.Tensor, tags: list[int], scores: TransitionScores) -> float:
    start, transitions = scores.start.detach(), scores.transitions.detach()

    def path_score(path):
        total = start[path[0]] + emissions[0, path[0]]
        for t in range(1, len(path)):
            total = total + transitions[path[t - 1], path[t]] + emissions[t, path[t]]
        return float(total)

    paths = [p for p in itertools.product(range(len(LABELS)), repeat=len(tags)) if _valid(p)]
    log_z = math.log(sum(math.exp(path_score(p)) for p in paths))
    return log_z - path_score(tuple(tags))


def test_the_likelihood_equals_brute_force_and_padding_changes_nothing():
    torch.manual_seed(3)
    scores = TransitionScores(LABELS)
    with torch.no_grad():
        scores.start.normal_()
        scores.transitions.normal_()
    long_tags, short_tags = [1, 2, 0, 3], [3, 4]
    emissions = torch.randn(2, 4, len(LABELS))
    tags = torch.tensor([long_tags, short_tags + [0, 0]])
    mask = torch.tensor([[True] * 4, [True, True, False, False]])
    expected = (_brute_force_nll(emissions[0], long_tags, scores) + _brute_force_nll(emissions[1, :2], short_tags, scores)) / 2
    assert float(negative_log_likelihood(emissions, tags, mask, scores)) == pytest.approx(expected, rel=1e-5)


def test_emissions_are_read_at_each_words_head_column_in_word_order():
    logits = torch.arange(2 * 6 * 3, dtype=torch.float32).reshape(2, 6, 3)
    first = Example(input_ids=(0,) * 6, labels=(IGNORE, 1, IGNORE, 2, 0, IGNORE), sentence=0, token_positions=(0, 1, 2), head_columns=(1, 3, 4))
    second = Example(input_ids=(0,) * 4, labels=(IGNORE, 0, IGNORE, IGNORE), sentence=1, token_positions=(0,), head_columns=(1,))
    emissions, tags, mask = word_emissions(logits, [first, second])
    assert torch.equal(emissions[0], logits[0, [1, 3, 4]])
    assert torch.equal(emissions[1, 0], logits[1, 1])
    assert tags.tolist() == [[1, 2, 0], [0, 0, 0]] and mask.tolist() == [[True, True, True], [True, False, False]]
