"""A linear-chain CRF over word labels, trained together with the encoder (``--crf``).

Why: a token classifier scores each word alone; the CRF adds a learned score
for every pair of neighbouring labels (and for the first label), so the
model learns, for example, how often ``B-ORG`` is followed by ``I-ORG``
rather than guessing each word's tag in isolation. The transitions the
IOB scheme forbids (``O`` then ``I-X``, ``B-X`` then ``I-Y``) stay
forbidden, exactly as in constrained decoding.

The learned scores travel in the model's ``config.json`` (``crf_start``,
``crf_transitions``), so the saved directory is still an ordinary
transformers token-classification model: the pipeline can serve it (with
per-word argmax), and the harness's NER extractor adds the transitions in
its constrained decoding (:mod:`harness.extractors.ner.decoding`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from harness.extractors.ner.decoding import (
    CONFIG_START,
    CONFIG_TRANSITIONS,
    transition_mask,
)
from harness.training.data import IGNORE, Example


class TransitionScores(torch.nn.Module):
    """Learned start and transition scores, with the IOB-forbidden ones held at -1e4."""

    # Buffers registered in __init__: declared here so the checker knows they are tensors.
    start_mask: torch.Tensor
    transitions_mask: torch.Tensor

    def __init__(self, labels: Sequence[str]):
        super().__init__()
        start_mask, transitions_mask = transition_mask(labels)
        self.start = torch.nn.Parameter(torch.zeros(len(labels)))
        self.transitions = torch.nn.Parameter(torch.zeros(len(labels), len(labels)))
        self.register_buffer("start_mask", torch.tensor(start_mask.clip(-1e4), dtype=torch.float32))
        self.register_buffer("transitions_mask", torch.tensor(transitions_mask.clip(-1e4), dtype=torch.float32))

    def masked(self) -> tuple[torch.Tensor, torch.Tensor]:
        return self.start + self.start_mask, self.transitions + self.transitions_mask

    def write_to_config(self, config: Any) -> None:
        """Store the learned scores (forbidden ones excluded: decoding re-applies the mask)."""
        setattr(config, CONFIG_START, [round(float(x), 6) for x in self.start.detach()])
        setattr(config, CONFIG_TRANSITIONS, [[round(float(x), 6) for x in row] for row in self.transitions.detach()])


def word_emissions(logits: torch.Tensor, examples: Sequence[Example]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(emissions, tags, mask) over each example's labelled words, left-aligned and padded.

    A word's emission is the logits row of its head sub-token, its tag the
    label the example put there.
    """
    width = max(1, max(len(e.head_columns) for e in examples))
    batch, labels = len(examples), logits.shape[-1]
    rows = torch.zeros((batch, width), dtype=torch.long)
    columns = torch.zeros((batch, width), dtype=torch.long)
    tags = torch.zeros((batch, width), dtype=torch.long)
    mask = torch.zeros((batch, width), dtype=torch.bool)
    for b, example in enumerate(examples):
        for w, column in enumerate(example.head_columns):
            tag = example.labels[column]
            if tag == IGNORE:
                raise ValueError(f"example of sentence {example.sentence}: head column {column} carries no label")
            rows[b, w], columns[b, w], tags[b, w], mask[b, w] = b, column, tag, True
    emissions = logits[rows, columns]
    return emissions.reshape(batch, width, labels), tags, mask


def negative_log_likelihood(emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor, scores: TransitionScores) -> torch.Tensor:
    """Mean over the batch of -log P(gold tags | words) under the CRF (forward algorithm)."""
    start, transitions = scores.masked()
    batch = torch.arange(emissions.shape[0])
    has_words = mask[:, 0]
    gold = start[tags[:, 0]] + emissions[batch, 0, tags[:, 0]]
    alpha = start + emissions[:, 0]
    for t in range(1, emissions.shape[1]):
        step = mask[:, t]
        gold = gold + (transitions[tags[:, t - 1], tags[:, t]] + emissions[batch, t, tags[:, t]]) * step
        following = torch.logsumexp(alpha.unsqueeze(2) + transitions.unsqueeze(0) + emissions[:, t].unsqueeze(1), dim=1)
        alpha = torch.where(step.unsqueeze(1), following, alpha)
    log_partition = torch.logsumexp(alpha, dim=1)
    return ((log_partition - gold) * has_words).sum() / has_words.sum().clamp(min=1)
