"""The deterministic judge: the baseline every model judge is compared with.

A pair is judged *same* when both hold:

1. **the evidence says the same words**: the Dice coefficient of the two
   evidence texts' word sets, ``2 |G ∩ P| / (|G| + |P|)``, is at least
   :data:`DICE_THRESHOLD` (0.5). Words are the ``\\w+`` runs of the text after
   :func:`harness.text.normalize_arabic_str` (alef, yeh and teh-marbuta
   folds, diacritics and tatweel removed) and digit folding, so spelling
   variants of one word count as one word;
2. **no slot contradicts the gold**: for every scored slot (speaker, quantity
   value, unit, time value, location) the outcome of
   :func:`harness.scoring.claims.slot_outcome` (the scorer's own comparison:
   span overlap or equal normalised names, quantity values within 0.5%,
   identical ISO dates) is not ``incorrect``. A slot the prediction leaves
   empty does not make it different: the ``strict`` mode already scores
   completeness; this judge asks whether what the prediction says agrees.

Otherwise the pair is *different*. The judge always answers (it never leaves
a pair unjudged).

How the threshold was chosen: 0.5 is the point where the two evidence texts
share half of their words together (a prediction holding the whole gold
clause plus as many other words again scores 2/3; one holding a third of the
gold's words and nothing else scores 0.5). It was fixed before the validation
set (``gold/judge/``) was labeled and has not been changed after measuring on
it: the validation set measures this judge, it did not shape it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from harness.judging.items import JudgeItem, Judgement
from harness.scoring.claims import SCORED_SLOTS, slot_outcome
from harness.text import normalize_arabic_str, normalize_digits

NAME = "deterministic"
#: Bumped whenever the rule changes: part of the identity, so old verdicts are never reused.
VERSION = 1
#: Minimum Dice coefficient of the evidence word sets (see the module docstring for why 0.5).
DICE_THRESHOLD = 0.5

_WORD = re.compile(r"\w+")


def words(text: str) -> frozenset[str]:
    """The normalised word set of a text (Arabic folds, digits folded to ASCII)."""
    return frozenset(_WORD.findall(normalize_digits(normalize_arabic_str(text)).text.casefold()))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """``2 |a ∩ b| / (|a| + |b|)``; 0 when both are empty."""
    total = len(a) + len(b)
    return 2 * len(a & b) / total if total else 0.0


class DeterministicJudge:
    """Word overlap of the evidence plus the scorer's slot comparisons (module docstring)."""

    name = NAME

    def __init__(self, threshold: float = DICE_THRESHOLD):
        self.threshold = threshold

    def identity(self) -> dict[str, Any]:
        return {"judge": NAME, "version": VERSION, "dice_threshold": self.threshold, "slots": list(SCORED_SLOTS)}

    def judge_one(self, item: JudgeItem) -> Judgement:
        overlap = dice(words(item.gold.evidence.text), words(item.predicted.evidence.text))
        entities = item.entity_map
        disagreeing = [slot for slot in SCORED_SLOTS if slot_outcome(item.gold, item.predicted, slot, entities) == "incorrect"]
        if overlap < self.threshold:
            return Judgement(False, f"evidence word overlap {overlap:.2f} < {self.threshold}")
        if disagreeing:
            return Judgement(False, f"evidence word overlap {overlap:.2f}, but {', '.join(disagreeing)} disagree(s) with the gold")
        return Judgement(True, f"evidence word overlap {overlap:.2f} >= {self.threshold} and no slot disagrees")

    def judge(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        return [self.judge_one(item) for item in items]


def build(params: dict[str, Any]) -> DeterministicJudge:
    """The registry's factory. The threshold is fixed: a config cannot fit it to a validation set."""
    if params:
        raise ValueError(f"judge deterministic takes no params (its threshold is fixed at {DICE_THRESHOLD}); got {', '.join(sorted(params))}")
    return DeterministicJudge()
