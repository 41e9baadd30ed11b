"""Agreement of a judge with reference labels: confusion matrix, accuracy, Cohen's kappa.

Labels are ``same`` / ``different``; a judge may also leave a pair
``unjudged``. Unjudged pairs are shown apart (a column of their own) and are
outside accuracy and kappa, which compare verdicts with labels on the pairs
the judge decided; ``coverage`` says how many that was, so a judge that
decides only the easy pairs cannot hide behind a high kappa.

Cohen's kappa, from its definition (Cohen 1960), over the ``n`` judged pairs::

    p_o = (pairs where verdict == label) / n                  observed agreement
    p_e = sum over k in {same, different} of
          (pairs labeled k / n) * (pairs judged k / n)        agreement expected by chance
    kappa = (p_o - p_e) / (1 - p_e)

It is undefined (None) when ``p_e`` is 1 (labels and verdicts all one and
the same class) or when no pair was judged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CLASSES = ("same", "different")
UNJUDGED = "unjudged"


@dataclass(frozen=True)
class Confusion:
    """Counts of (reference label, judge's answer); rows are labels, columns answers (unjudged apart)."""

    same_same: int = 0
    same_different: int = 0
    same_unjudged: int = 0
    different_same: int = 0
    different_different: int = 0
    different_unjudged: int = 0

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str]]) -> Confusion:
        """From ``(label, answer)`` pairs; label in :data:`CLASSES`, answer in them or ``unjudged``."""
        counts = {f"{label}_{answer}": 0 for label in CLASSES for answer in (*CLASSES, UNJUDGED)}
        for label, answer in pairs:
            if label not in CLASSES:
                raise ValueError(f"reference label must be same or different, got {label!r}")
            if answer not in (*CLASSES, UNJUDGED):
                raise ValueError(f"answer must be same, different or unjudged, got {answer!r}")
            counts[f"{label}_{answer}"] += 1
        return cls(**counts)

    def count(self, label: str, answer: str) -> int:
        return getattr(self, f"{label}_{answer}")

    @property
    def total(self) -> int:
        return sum(self.count(label, answer) for label in CLASSES for answer in (*CLASSES, UNJUDGED))

    @property
    def judged(self) -> int:
        return sum(self.count(label, answer) for label in CLASSES for answer in CLASSES)

    @property
    def unjudged(self) -> int:
        return self.same_unjudged + self.different_unjudged

    @property
    def coverage(self) -> float | None:
        """Share of the pairs the judge decided."""
        return self.judged / self.total if self.total else None

    @property
    def accuracy(self) -> float | None:
        """Share of the judged pairs where the answer is the label."""
        return (self.same_same + self.different_different) / self.judged if self.judged else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa over the judged pairs (module docstring); None when undefined."""
        n = self.judged
        if n == 0:
            return None
        observed = (self.same_same + self.different_different) / n
        expected = sum(
            (sum(self.count(k, a) for a in CLASSES) / n) * (sum(self.count(label, k) for label in CLASSES) / n) for k in CLASSES
        )
        if expected >= 1.0:
            return None
        return (observed - expected) / (1.0 - expected)

    def to_json(self) -> dict[str, dict[str, int]]:
        return {label: {answer: self.count(label, answer) for answer in (*CLASSES, UNJUDGED)} for label in CLASSES}

    def lines(self) -> list[str]:
        """The matrix as text: rows are labels, columns the judge's answers."""
        width = max(len(c) for c in (*CLASSES, UNJUDGED)) + 2
        header = "label \\ judge".ljust(16) + "".join(a.rjust(width) for a in CLASSES) + " |" + UNJUDGED.rjust(width)
        rows = [header]
        for label in CLASSES:
            cells = "".join(str(self.count(label, a)).rjust(width) for a in CLASSES)
            rows.append(label.ljust(16) + cells + " |" + str(self.count(label, UNJUDGED)).rjust(width))
        return rows
