"""From per-word label scores to a tag sequence: argmax, or the best *valid* IOB sequence.

A token classifier scores each word on its own, so its argmax can write
sequences no annotator would: ``O I-ORG`` or ``B-PERS I-LOC``. conlleval
reads such an ``I-`` as the start of a new entity, which splits names and
invents one-word entities. Constrained decoding keeps the model's scores
and only forbids those transitions: ``I-X`` may follow ``B-X`` or ``I-X``
and nothing else, and may not open the sequence. The Viterbi algorithm
then finds the sequence with the highest summed log-probability among the
valid ones. It needs no training and no extra weights, so it applies to
any token-classification model with ``B-``/``I-`` labels; for label sets
without ``I-`` labels it returns the argmax.

On the ANERcorp dev split it raised the shipped model's conlleval F1 by
about half a point (the model card records both decodings). A model trained
with a CRF layer also carries learned start and transition scores in its
config; constrained decoding adds them to the path scores.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

DECODINGS = ("constrained", "argmax")

_FORBIDDEN = -1e9

#: Keys of a model's config.json that hold a CRF layer's learned scores.
CONFIG_START = "crf_start"
CONFIG_TRANSITIONS = "crf_transitions"


def transition_mask(labels: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(start, transitions): 0 where allowed, a large negative number where forbidden.

    ``transitions[i, j]`` is for label ``j`` following label ``i``.
    """
    size = len(labels)
    start = np.zeros(size)
    transitions = np.zeros((size, size))
    for j, label in enumerate(labels):
        if not label.startswith("I-"):
            continue
        start[j] = _FORBIDDEN
        kind = label[2:]
        for i, previous in enumerate(labels):
            if previous not in (f"B-{kind}", f"I-{kind}"):
                transitions[i, j] = _FORBIDDEN
    return start, transitions


@dataclass(frozen=True)
class LearnedTransitions:
    """Start and transition scores a CRF layer learned (``harness.training.crf``)."""

    start: np.ndarray
    transitions: np.ndarray

    @classmethod
    def from_config(cls, config: Any) -> LearnedTransitions | None:
        """The scores stored in a model's config, or None for a model trained without a CRF."""
        start, transitions = getattr(config, CONFIG_START, None), getattr(config, CONFIG_TRANSITIONS, None)
        if start is None or transitions is None:
            return None
        return cls(np.asarray(start, dtype=np.float64), np.asarray(transitions, dtype=np.float64))


def constrained_decode(log_probs: np.ndarray, labels: Sequence[str], learned: LearnedTransitions | None = None) -> list[int]:
    """Label ids of the valid IOB sequence with the highest total score.

    ``log_probs`` has one row per word and one column per label; a path
    scores the sum of its rows' entries, plus the learned start and
    transition scores when the model has them. (Per-word log-softmax only
    shifts each row by a constant, so it picks the same path as raw logits.)
    """
    if log_probs.ndim != 2 or log_probs.shape[1] != len(labels):
        raise ValueError(f"expected scores of shape (words, {len(labels)}), got {log_probs.shape}")
    words = log_probs.shape[0]
    if words == 0:
        return []
    start, transitions = transition_mask(labels)
    if learned is not None:
        if learned.transitions.shape != transitions.shape or learned.start.shape != start.shape:
            raise ValueError(f"learned transitions have shape {learned.transitions.shape}, the labels need {transitions.shape}")
        start, transitions = start + learned.start, transitions + learned.transitions
    score = start + log_probs[0]
    backpointers = np.empty((words, len(labels)), dtype=np.int64)
    for t in range(1, words):
        candidates = score[:, None] + transitions
        backpointers[t] = candidates.argmax(axis=0)
        score = candidates.max(axis=0) + log_probs[t]
    path = [int(score.argmax())]
    for t in range(words - 1, 0, -1):
        path.append(int(backpointers[t, path[-1]]))
    path.reverse()
    return path


def decode(log_probs: np.ndarray, labels: Sequence[str], decoding: str, learned: LearnedTransitions | None = None) -> list[str]:
    """Tags of one sequence of words, by the named decoding (argmax ignores learned transitions)."""
    if decoding == "argmax":
        ids = log_probs.argmax(axis=1).tolist() if len(log_probs) else []
    elif decoding == "constrained":
        ids = constrained_decode(log_probs, labels, learned)
    else:
        raise ValueError(f"decoding must be one of {', '.join(DECODINGS)}, got {decoding!r}")
    return [labels[i] for i in ids]
