"""What changed on each document from run A to run B, read from the two runs' stored alignments.

The figures of ``harness compare`` say whether B differs from A; this says
where: gold claims one run got right (headline mode) and the other did not,
slot values that differ between the two runs' predictions for one gold
claim, and gold entities matched in strict mode by one run only. Nothing is
scored: the stored per-document results already say which gold item each
prediction was paired with.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.annotations import Claim, GoldDocument, Prediction
from harness.scoring.claims import HEADLINE_CLAIM_MODE
from harness.scoring.counts import MatchCounts
from harness.scoring.results import DECLARED, DocumentResult

#: Slots whose predicted values the diff compares between the runs.
DIFF_SLOTS: tuple[str, ...] = ("quantity", "time", "speaker")


@dataclass(frozen=True)
class ClaimFound:
    """A gold claim one run got right (headline mode) and the other did not."""

    gold_id: str
    excerpt: str
    #: "A" or "B": the run that found it.
    found_by: str


@dataclass(frozen=True)
class SlotChange:
    """A slot value that differs between the two runs' predictions for one gold claim."""

    gold_id: str
    slot: str
    a: str
    b: str


@dataclass(frozen=True)
class EntityChange:
    """A gold entity matched in strict mode by one run only."""

    label: str
    start: int
    end: int
    text: str
    #: "gained" (B matches it, A does not) or "lost" (A matches it, B does not).
    change: str


@dataclass(frozen=True)
class DocumentDiff:
    doc_id: str
    claims_found: tuple[ClaimFound, ...]
    slot_changes: tuple[SlotChange, ...]
    entity_changes: tuple[EntityChange, ...]
    #: Strict entity counts of each run on this document (declared labels; None when not comparable).
    entities_a: MatchCounts | None
    entities_b: MatchCounts | None
    #: Headline claim counts of each run (None when claims are not compared).
    claims_a: MatchCounts | None
    claims_b: MatchCounts | None

    @property
    def changed(self) -> bool:
        return bool(self.claims_found or self.slot_changes or self.entity_changes) or (
            self.entities_a != self.entities_b or self.claims_a != self.claims_b
        )


def excerpt(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def slot_value(claim: Claim, slot: str) -> str:
    """A slot of a predicted claim as a short readable value ("" when empty)."""
    if slot == "quantity":
        q = claim.quantity
        if q is None:
            return ""
        value = f"{q.value:g}" if isinstance(q.value, (int, float)) and not isinstance(q.value, bool) else str(q.value)
        return f"{value} {q.unit}".strip()
    if slot == "time":
        t = claim.time
        return "" if t is None else (t.value or f"({t.text})")
    if slot == "speaker":
        return "" if claim.speaker is None else claim.speaker.text
    if slot == "location":
        return "" if claim.location is None else claim.location.text
    raise ValueError(f"unknown slot {slot!r}")


def _strict_correct(result: DocumentResult) -> set[int]:
    return {row.gold for row in result.rows("strict") if row.outcome == "correct" and row.gold is not None}


def _claims_right(result: DocumentResult) -> set[str]:
    if result.claims is None:
        return set()
    return {p.gold_id for p in result.claims.pairs if p.verdict(HEADLINE_CLAIM_MODE)}


def _aligned_claims(result: DocumentResult, prediction: Prediction | None) -> dict[str, Claim]:
    if result.claims is None or prediction is None or prediction.failed:
        return {}
    claims = prediction.annotations.claims
    return {p.gold_id: claims[p.predicted_index] for p in result.claims.pairs if p.predicted_index < len(claims)}


def document_diff(
    gold: GoldDocument,
    result_a: DocumentResult,
    result_b: DocumentResult,
    prediction_a: Prediction | None,
    prediction_b: Prediction | None,
    entities_comparable: bool,
) -> DocumentDiff:
    """What changed on one document from run A to run B, read from the stored alignments."""
    entity_changes: list[EntityChange] = []
    if entities_comparable:
        matched_a, matched_b = _strict_correct(result_a), _strict_correct(result_b)
        for index in sorted(matched_a ^ matched_b, key=lambda i: (gold.gold.entities[i].start, i)):
            entity = gold.gold.entities[index]
            entity_changes.append(EntityChange(entity.label, entity.start, entity.end, entity.text, "gained" if index in matched_b else "lost"))
    claims_found: list[ClaimFound] = []
    slot_changes: list[SlotChange] = []
    compared_claims = result_a.claims is not None and result_b.claims is not None
    if compared_claims:
        right_a, right_b = _claims_right(result_a), _claims_right(result_b)
        aligned_a, aligned_b = _aligned_claims(result_a, prediction_a), _aligned_claims(result_b, prediction_b)
        for claim in sorted(gold.gold.claims, key=lambda c: (c.evidence.start, c.evidence.end, c.id)):
            if (claim.id in right_a) != (claim.id in right_b):
                claims_found.append(ClaimFound(claim.id, excerpt(claim.evidence.text), "A" if claim.id in right_a else "B"))
            if claim.id in aligned_a and claim.id in aligned_b:
                for slot in DIFF_SLOTS:
                    value_a, value_b = slot_value(aligned_a[claim.id], slot), slot_value(aligned_b[claim.id], slot)
                    if value_a != value_b:
                        slot_changes.append(SlotChange(claim.id, slot, value_a, value_b))

    def strict(result: DocumentResult) -> MatchCounts | None:
        scope = result.scope(DECLARED)
        return scope.overall.strict if entities_comparable and scope is not None else None

    def headline(result: DocumentResult) -> MatchCounts | None:
        return result.claims.counts().part(HEADLINE_CLAIM_MODE) if compared_claims and result.claims is not None else None

    return DocumentDiff(
        doc_id=gold.document.doc_id,
        claims_found=tuple(claims_found),
        slot_changes=tuple(slot_changes),
        entity_changes=tuple(entity_changes),
        entities_a=strict(result_a),
        entities_b=strict(result_b),
        claims_a=headline(result_a),
        claims_b=headline(result_b),
    )
