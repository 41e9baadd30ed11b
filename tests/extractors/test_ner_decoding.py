"""Constrained IOB decoding: the best valid tag sequence, never an orphan ``I-``."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from harness.extractors.ner.decoding import constrained_decode, decode, transition_mask

LABELS = ["O", "B-LOC", "I-LOC", "B-ORG", "I-ORG"]


def _log_probs(rows: list[dict[str, float]]) -> np.ndarray:
    """Rows of label probabilities (unnamed labels share what is left), as log-probabilities."""
    out = []
    for row in rows:
        rest = (1.0 - sum(row.values())) / (len(LABELS) - len(row))
        out.append([np.log(row.get(label, rest)) for label in LABELS])
    return np.array(out)


def _valid(tags: list[str]) -> bool:
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            return False
        previous = tag
    return True


def test_an_i_tag_after_o_becomes_the_start_of_an_entity_when_that_is_the_better_valid_reading():
    scores = _log_probs([{"O": 0.9}, {"I-ORG": 0.6, "B-ORG": 0.3}, {"I-ORG": 0.8}])
    assert decode(scores, LABELS, "argmax") == ["O", "I-ORG", "I-ORG"]
    assert decode(scores, LABELS, "constrained") == ["O", "B-ORG", "I-ORG"]


def test_a_name_whose_second_word_leans_to_another_type_stays_one_entity():
    scores = _log_probs([{"B-ORG": 0.9}, {"I-LOC": 0.5, "I-ORG": 0.4}])
    assert decode(scores, LABELS, "argmax") == ["B-ORG", "I-LOC"]
    assert decode(scores, LABELS, "constrained") == ["B-ORG", "I-ORG"]


def test_a_sequence_that_is_already_valid_is_left_as_the_argmax():
    scores = _log_probs([{"B-LOC": 0.7}, {"I-LOC": 0.6}, {"O": 0.9}, {"B-ORG": 0.5}])
    assert decode(scores, LABELS, "constrained") == decode(scores, LABELS, "argmax")


def test_the_decoded_sequence_is_the_best_valid_one_by_brute_force():
    rng = np.random.default_rng(7)
    for _ in range(30):
        scores = np.log(rng.dirichlet(np.ones(len(LABELS)), size=4))
        best = max(
            (seq for seq in itertools.product(range(len(LABELS)), repeat=4) if _valid([LABELS[i] for i in seq])),
            key=lambda seq: sum(scores[t, i] for t, i in enumerate(seq)),
        )
        assert constrained_decode(scores, LABELS) == list(best)


def test_labels_without_i_tags_decode_as_the_argmax_and_empty_input_is_empty():
    labels = ["O", "S-LOC", "S-ORG"]
    scores = np.log(np.array([[0.2, 0.5, 0.3], [0.6, 0.1, 0.3]]))
    start, transitions = transition_mask(labels)
    assert not start.any() and not transitions.any()
    assert decode(scores, labels, "constrained") == ["S-LOC", "O"]
    assert constrained_decode(np.zeros((0, len(LABELS))), LABELS) == []


def test_an_unknown_decoding_or_a_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="decoding must be one of"):
        decode(np.zeros((1, len(LABELS))), LABELS, "beam")
    with pytest.raises(ValueError, match="shape"):
        constrained_decode(np.zeros((2, 3)), LABELS)
