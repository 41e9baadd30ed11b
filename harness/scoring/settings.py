"""What, besides gold and predictions, decides the numbers of a run.

A run record stores these settings (``config.json`` ``scoring``), so a score
can always be traced to the rule that produced it and recomputed the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from harness.annotations import ENTITY_LABELS, Entity
from harness.stats import DEFAULT_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED

# The bootstrap defaults above (seed 13, 1000 resamples, level 0.95) are defined once, beside the
# bootstrap in harness.stats; every other module imports them from here.
__all__ = ["DEFAULT_LEVEL", "DEFAULT_MIN_OVERLAP", "DEFAULT_RESAMPLES", "DEFAULT_SEED", "IntervalSettings", "Projection", "ScoringSettings"]

#: Minimum overlap ratio (IoU) of a partial / type entity match and of claim evidence; 0 = any shared character.
DEFAULT_MIN_OVERLAP = 0.0


class Projection(Protocol):
    """An annotation convention as the scorer uses it: gold and predictions projected onto it.

    ``harness.conventions`` provides them; the scorer knows only this shape.
    """

    @property
    def name(self) -> str:
        """The convention's name (read-only: conventions are frozen)."""
        ...

    def project_gold(self, text: str, entities: Sequence[Entity]) -> tuple[Entity, ...]: ...

    def project_predicted(self, text: str, entities: Sequence[Entity]) -> tuple[Entity, ...]: ...


@dataclass(frozen=True)
class IntervalSettings:
    """How confidence intervals are drawn: same settings, same intervals."""

    seed: int = DEFAULT_SEED
    resamples: int = DEFAULT_RESAMPLES
    level: float = DEFAULT_LEVEL

    def to_dict(self) -> dict[str, Any]:
        return {"seed": self.seed, "resamples": self.resamples, "level": self.level}


@dataclass(frozen=True)
class ScoringSettings:
    """The rules a run is scored by."""

    #: Labels the extractor declares that the corpus annotates: the headline entity scope.
    entity_labels: tuple[str, ...] = ENTITY_LABELS
    #: False when the corpus has no claim gold or the extractor emits no claims.
    score_claims: bool = True
    #: Minimum overlap ratio (IoU) for partial / type entity matches and claim evidence; 0 = any overlap.
    min_overlap: float = DEFAULT_MIN_OVERLAP
    #: Conventions to score entities under besides the corpus's own (the extractor's convention).
    conventions: tuple[Projection, ...] = ()
    intervals: IntervalSettings = IntervalSettings()

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_overlap <= 1.0:
            raise ValueError(f"min_overlap must be between 0 and 1, got {self.min_overlap!r}")

    @classmethod
    def for_run(
        cls,
        *,
        declared_labels: Sequence[str],
        emits_claims: bool,
        corpus_labels: Sequence[str],
        corpus_has_claims: bool,
        min_overlap: float = DEFAULT_MIN_OVERLAP,
        conventions: Sequence[Projection] = (),
        intervals: IntervalSettings = IntervalSettings(),
    ) -> ScoringSettings:
        """The one rule for what a run is scored on: the labels the extractor declares
        that the corpus annotates, and claims only when both sides have them."""
        return cls(
            entity_labels=tuple(label for label in declared_labels if label in corpus_labels),
            score_claims=corpus_has_claims and emits_claims,
            min_overlap=min_overlap,
            conventions=tuple(conventions),
            intervals=intervals,
        )

    def to_dict(self) -> dict[str, Any]:
        """The settings as recorded in a run record."""
        return {
            "entity_labels": list(self.entity_labels),
            "score_claims": self.score_claims,
            "min_overlap": self.min_overlap,
            "conventions": [c.name for c in self.conventions],
            "intervals": self.intervals.to_dict(),
        }
