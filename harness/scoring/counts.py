"""Match counts and the precision / recall / F1 arithmetic shared by all scorers.

Every scorer of the harness (entities, claims, slots) reduces one document to
a :class:`MatchCounts` value; counts of several documents are summed with
``+`` (or :func:`sum_counts`) and only the sums are turned into rates. This
is what makes micro averages and bootstrap resampling over documents cheap and
exact: a resample is a sum of per-document counts, never an average of rates.

Zero-denominator convention: a rate whose denominator is zero is 0.0 (never
NaN, never an exception). So a system that predicts nothing has precision 0.0,
a label absent from the gold has recall 0.0, and F1 is 0.0 when precision and
recall are both 0.0. This is the convention of conlleval.pl and of seqeval's
``zero_division=0``; it keeps every number in a report a plain float that can
be summed, compared and serialised.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


def ratio(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, or 0.0 when the denominator is zero."""
    return numerator / denominator if denominator else 0.0


def f1_score(precision: float, recall: float) -> float:
    """Harmonic mean of precision and recall; 0.0 when both are 0.0."""
    return ratio(2 * precision * recall, precision + recall)


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 as fractions in [0, 1] (not percentages)."""

    #: Share of predicted items that are right (credit / predicted count).
    precision: float
    #: Share of gold items that were found (credit / gold count).
    recall: float
    #: Harmonic mean of precision and recall.
    f1: float

    @staticmethod
    def from_rates(precision: float, recall: float) -> PRF:
        """Build a PRF from precision and recall, deriving F1."""
        return PRF(precision, recall, f1_score(precision, recall))

    @staticmethod
    def from_credit(credit: float, predicted: float, gold: float) -> PRF:
        """Build a PRF from a (possibly fractional) credit and the two totals."""
        return PRF.from_rates(ratio(credit, predicted), ratio(credit, gold))


ZERO_PRF = PRF(0.0, 0.0, 0.0)


@dataclass(frozen=True)
class MatchCounts:
    """The five outcomes of aligning gold items with predicted items (SemEval-2013).

    Each gold item ends as exactly one of correct / incorrect / partial /
    missed; each predicted item as exactly one of correct / incorrect /
    partial / spurious. Hence ``possible = correct + incorrect + partial +
    missed`` is the gold count and ``actual = correct + incorrect + partial +
    spurious`` the predicted count. Values add up over documents with ``+``.
    """

    #: Gold item matched by a prediction that fully satisfies the mode.
    correct: int = 0
    #: Gold item matched by a prediction that fails the mode (e.g. wrong label).
    incorrect: int = 0
    #: Gold item matched by an overlapping prediction given half credit.
    partial: int = 0
    #: Gold item no prediction was matched to.
    missed: int = 0
    #: Prediction no gold item was matched to.
    spurious: int = 0

    def __post_init__(self) -> None:
        for name in ("correct", "incorrect", "partial", "missed", "spurious"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"MatchCounts.{name} must be a non-negative int, got {value!r}")

    def __add__(self, other: MatchCounts) -> MatchCounts:
        if not isinstance(other, MatchCounts):
            return NotImplemented
        return MatchCounts(
            self.correct + other.correct,
            self.incorrect + other.incorrect,
            self.partial + other.partial,
            self.missed + other.missed,
            self.spurious + other.spurious,
        )

    def __radd__(self, other: object) -> MatchCounts:
        # Lets the builtin ``sum(counts)`` start from 0.
        if other == 0:
            return self
        return NotImplemented

    @property
    def possible(self) -> int:
        """Number of gold items (POS)."""
        return self.correct + self.incorrect + self.partial + self.missed

    @property
    def actual(self) -> int:
        """Number of predicted items (ACT)."""
        return self.correct + self.incorrect + self.partial + self.spurious

    def prf(self, partial_credit: float = 0.0) -> PRF:
        """Precision, recall, F1 with ``partial_credit`` per partial match.

        ``partial_credit=0.0`` gives the standard definitions (COR / ACT,
        COR / POS); ``0.5`` gives the SemEval partial mode ((COR + 0.5 PAR) /
        ACT and / POS).
        """
        credit = self.correct + partial_credit * self.partial
        return PRF.from_credit(credit, self.actual, self.possible)


ZERO_COUNTS = MatchCounts()


def sum_counts(items: Iterable[MatchCounts]) -> MatchCounts:
    """Sum of counts (the zero counts for an empty iterable)."""
    total = ZERO_COUNTS
    for item in items:
        total = total + item
    return total


def macro_average(scores: Iterable[PRF]) -> PRF:
    """Unweighted mean of precision, recall and F1 over ``scores``.

    F1 is the mean of the per-item F1 values (as seqeval and scikit-learn
    report it), not the harmonic mean of the averaged precision and recall.
    An empty input gives all zeros.
    """
    items = list(scores)
    if not items:
        return ZERO_PRF
    n = len(items)
    return PRF(
        sum(s.precision for s in items) / n,
        sum(s.recall for s in items) / n,
        sum(s.f1 for s in items) / n,
    )
