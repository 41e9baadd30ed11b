"""The per-document views of the leaderboard page, as plain data (built by :mod:`harness.report.document_view`).

Kept apart from the building so the leaderboard's data types
(:mod:`harness.report.board`) and the renderers can depend on them without
depending on how they are built: data types, then building, then rendering.
The template escapes every string of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.annotations import CLAIM_SLOTS, ENTITY_LABELS
from harness.report.highlight import Node
from harness.scoring.counts import MatchCounts

#: Claim slots drawn over the text, in display order.
DRAWN_SLOTS: tuple[str, ...] = CLAIM_SLOTS
#: Statuses of a claim row, in the order of the legend.
CLAIM_STATUSES: tuple[str, ...] = ("correct", "incorrect", "missed", "spurious", "ungrounded")


def label_class(label: str) -> str:
    """CSS class of a label: one per known label, one shared by all others (never built from data)."""
    return f"lab-{label}" if label in ENTITY_LABELS else "lab-other"


@dataclass(frozen=True)
class ClaimText:
    """One claim (gold or predicted) as shown in a row."""

    id: str
    kind: str
    predicate: str
    #: A stretch of the text with the evidence and the slots marked.
    snippet: tuple[Node, ...]
    #: ``(slot, value)`` of each filled slot, e.g. ``("quantity", "40 عملية")``.
    values: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ClaimRow:
    """A gold claim and its aligned prediction, or one of them alone."""

    #: One of :data:`CLAIM_STATUSES`.
    status: str
    gold: ClaimText | None
    predicted: ClaimText | None
    #: ``(slot, outcome)`` of an aligned pair, slots absent on both sides left out.
    slots: tuple[tuple[str, str], ...] = ()
    #: For an ungrounded prediction: why (the grounding problems), else "".
    problem: str = ""
    #: ``(mode, passed)`` of an aligned pair in every claim mode judged.
    verdicts: tuple[tuple[str, bool | None], ...] = ()  # None: a mode whose judge gave no verdict


@dataclass(frozen=True)
class SetupView:
    """One run's output on one document."""

    name: str
    #: Why the extraction failed on this document, or None.
    failure: str | None
    gold: tuple[Node, ...]
    predicted: tuple[Node, ...]
    #: Strict entity counts of this document (over the labels the run was scored on).
    entity_counts: MatchCounts
    claims_scored: bool
    claim_rows: tuple[ClaimRow, ...]
    claim_counts: MatchCounts | None
    #: One line per ungrounded predicted span.
    ungrounded: tuple[str, ...]


@dataclass(frozen=True)
class DocumentView:
    doc_id: str
    characters: int
    gold_entities: int
    gold_claims: int
    setups: tuple[SetupView, ...]


@dataclass(frozen=True)
class CorpusView:
    """The documents of one corpus, with the rows scored on it."""

    name: str
    source: str
    gold_sha256: str
    setups: tuple[str, ...]
    documents: tuple[DocumentView, ...]
    #: Documents in the corpus (more than ``len(documents)`` when the views were capped).
    total_documents: int
