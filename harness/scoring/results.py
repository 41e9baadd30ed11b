"""Per-document results: everything scoring decided on one document, kept with the run.

Scoring a document once yields a :class:`DocumentResult`: the entity counts in
every scope (the labels the extractor declares, every label of the corpus, and
the extractor's own annotation convention when it has one), the entity
alignment rows behind the headline scope (which gold entity each prediction
was paired with, per mode), the claim alignment with each pair's verdict in
every claim mode, the failure reason and the ungrounded spans.

Every number of ``metrics.json`` is computed from these results through the
metric table (:mod:`harness.scoring.metric_table`); they are written to the
run record as ``documents.jsonl`` (one JSON object per line, this module's
``to_json`` / ``from_json``), so comparisons, gates, the leaderboard and its
document views read them back instead of scoring the predictions again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from harness.scoring.claims import (
    SCORED_SLOTS,
    ClaimAlignment,
    ClaimPair,
    UnpairedClaim,
)
from harness.scoring.counts import MatchCounts
from harness.scoring.entities import MODES, DocumentCounts, ModeCounts

#: Entity scope of the labels the extractor declares (that the corpus annotates).
DECLARED = "declared"
#: Entity scope of every label of the gold (labels the extractor does not emit count as missed).
ALL_LABELS = "all_labels"
#: Prefix of the scope of an annotation convention, e.g. ``convention:anercorp``.
CONVENTION_PREFIX = "convention:"

#: Version of the ``documents.jsonl`` line format.
RESULTS_FORMAT = 1

_OUTCOME_CODES = {"correct": "c", "incorrect": "i", "partial": "p", "missed": "m", "spurious": "s"}
_OUTCOME_NAMES = {code: name for name, code in _OUTCOME_CODES.items()}


@dataclass(frozen=True)
class EntityRow:
    """One row of an entity alignment in one mode: a pair, a missed gold or a spurious prediction."""

    #: ``correct``, ``incorrect``, ``partial``, ``missed`` or ``spurious``.
    outcome: str
    #: Index of the gold entity in the gold file's entity list (None for a spurious prediction).
    gold: int | None
    #: Index of the predicted entity in the prediction's entity list (None for a missed gold).
    predicted: int | None
    #: Where the row sits in the text (the gold start, else the predicted start), to place it in a paragraph.
    position: int


@dataclass(frozen=True)
class UngroundedItem:
    """One predicted span that is not the document's text at its offsets."""

    item: str
    index: int
    id: str
    field: str
    reason: str


@dataclass(frozen=True)
class DocumentResult:
    """The scoring of one document: counts by scope, alignments, failure, grounding."""

    doc_id: str
    #: Why the extraction failed (its gold all counts as missed), or None.
    failure: str | None
    #: ``(scope, counts)``: :data:`DECLARED`, :data:`ALL_LABELS` and ``convention:<name>`` scopes.
    entities: tuple[tuple[str, DocumentCounts], ...]
    #: ``(mode, rows)`` of the :data:`DECLARED` scope, rows in text order.
    entity_rows: tuple[tuple[str, tuple[EntityRow, ...]], ...] = ()
    #: The claim alignment, or None when claims were not scored.
    claims: ClaimAlignment | None = None
    ungrounded: tuple[UngroundedItem, ...] = ()

    def scope(self, name: str) -> DocumentCounts | None:
        """Entity counts of one scope, or None when it was not scored."""
        for scope, counts in self.entities:
            if scope == name:
                return counts
        return None

    def rows(self, mode: str) -> tuple[EntityRow, ...]:
        """Entity alignment rows of one mode (declared scope)."""
        for name, rows in self.entity_rows:
            if name == mode:
                return rows
        return ()


# --- JSON ----------------------------------------------------------------------------


def _counts_list(counts: MatchCounts) -> list[int]:
    return [counts.correct, counts.incorrect, counts.partial, counts.missed, counts.spurious]


def _counts_of(values: Any, where: str) -> MatchCounts:
    if not isinstance(values, list) or len(values) != 5 or not all(isinstance(v, int) for v in values):
        raise ValueError(f"{where}: expected five counts [correct, incorrect, partial, missed, spurious], got {values!r}")
    return MatchCounts(*values)


def _modes_json(counts: ModeCounts) -> dict[str, list[int]]:
    return {mode: _counts_list(counts.mode(mode)) for mode in MODES}


def _modes_of(data: Any, where: str) -> ModeCounts:
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}: expected a mapping of modes to counts")
    return ModeCounts(*(_counts_of(data.get(mode), f"{where}.{mode}") for mode in MODES))


def document_counts_to_json(counts: DocumentCounts) -> dict[str, Any]:
    return {
        "labels": list(counts.labels) if counts.labels is not None else None,
        "overall": _modes_json(counts.overall),
        "per_label": {label: _modes_json(modes) for label, modes in counts.per_label},
    }


def document_counts_from_json(data: Mapping[str, Any], where: str) -> DocumentCounts:
    labels = data.get("labels")
    per_label = data.get("per_label") or {}
    return DocumentCounts(
        _modes_of(data.get("overall"), f"{where}.overall"),
        tuple(sorted((label, _modes_of(modes, f"{where}.per_label.{label}")) for label, modes in per_label.items())),
        tuple(labels) if labels is not None else None,
    )


def _row_json(row: EntityRow) -> list[Any]:
    return [_OUTCOME_CODES[row.outcome], row.gold, row.predicted, row.position]


def _row_of(data: Any, where: str) -> EntityRow:
    if not isinstance(data, list) or len(data) != 4 or data[0] not in _OUTCOME_NAMES:
        raise ValueError(f"{where}: expected [outcome code, gold index, predicted index, position], got {data!r}")
    return EntityRow(_OUTCOME_NAMES[data[0]], data[1], data[2], int(data[3]))


def _pair_json(pair: ClaimPair) -> dict[str, Any]:
    return {
        "gold": pair.gold_id,
        "predicted": pair.predicted_index,
        "predicted_id": pair.predicted_id,
        "kind": pair.kind,
        "position": pair.position,
        "similarity": pair.similarity,  # unrounded: a result read back equals the one written
        "verdicts": dict(pair.verdicts),
        "slots": {slot: outcome for slot, outcome in pair.slots if outcome != "absent"},
    }


def _pair_of(data: Mapping[str, Any], slots: tuple[str, ...]) -> ClaimPair:
    filled = data.get("slots") or {}
    return ClaimPair(
        gold_id=str(data["gold"]),
        predicted_index=int(data["predicted"]),
        predicted_id=str(data.get("predicted_id", "")),
        kind=str(data["kind"]),
        position=int(data["position"]),
        similarity=float(data["similarity"]),
        verdicts=tuple((str(mode), None if value is None else bool(value)) for mode, value in data["verdicts"].items()),
        slots=tuple((slot, filled.get(slot, "absent")) for slot in slots),
    )


def _unpaired_json(claim: UnpairedClaim) -> dict[str, Any]:
    return {"id": claim.id, "predicted": claim.predicted_index, "kind": claim.kind, "position": claim.position, "slots": list(claim.slots)}


def _unpaired_of(data: Mapping[str, Any]) -> UnpairedClaim:
    index = data.get("predicted")
    return UnpairedClaim(str(data["id"]), None if index is None else int(index), str(data["kind"]), int(data["position"]), tuple(data.get("slots") or ()))


def claim_alignment_to_json(alignment: ClaimAlignment) -> dict[str, Any]:
    return {
        "modes": list(alignment.modes),
        "pairs": [_pair_json(p) for p in alignment.pairs],
        "missed": [_unpaired_json(c) for c in alignment.missed],
        "spurious": [_unpaired_json(c) for c in alignment.spurious],
        "ungrounded": [_unpaired_json(c) for c in alignment.ungrounded],
    }


def claim_alignment_from_json(doc_id: str, failure: str | None, data: Mapping[str, Any]) -> ClaimAlignment:
    return ClaimAlignment(
        doc_id,
        pairs=tuple(_pair_of(p, SCORED_SLOTS) for p in data.get("pairs", ())),
        missed=tuple(_unpaired_of(c) for c in data.get("missed", ())),
        spurious=tuple(_unpaired_of(c) for c in data.get("spurious", ())),
        ungrounded=tuple(_unpaired_of(c) for c in data.get("ungrounded", ())),
        failure=failure,
        modes=tuple(data.get("modes") or ()),
    )


def to_json(result: DocumentResult) -> dict[str, Any]:
    """One line of ``documents.jsonl``."""
    return {
        "format": RESULTS_FORMAT,
        "doc_id": result.doc_id,
        "failure": result.failure,
        "entities": {scope: document_counts_to_json(counts) for scope, counts in result.entities},
        "entity_rows": {mode: [_row_json(row) for row in rows] for mode, rows in result.entity_rows},
        "claims": claim_alignment_to_json(result.claims) if result.claims is not None else None,
        "ungrounded": [
            {"item": u.item, "index": u.index, "id": u.id, "field": u.field, "reason": u.reason} for u in result.ungrounded
        ],
    }


def from_json(data: Mapping[str, Any], where: str = "documents.jsonl") -> DocumentResult:
    """A result read back; errors name ``where`` and the field."""
    if not isinstance(data, Mapping) or "doc_id" not in data:
        raise ValueError(f"{where}: expected an object with doc_id")
    if data.get("format") != RESULTS_FORMAT:
        raise ValueError(f"{where}: per-document results in format {data.get('format')!r}, this harness reads {RESULTS_FORMAT}")
    doc_id = str(data["doc_id"])
    failure = data.get("failure")
    try:
        entities = tuple(
            (scope, document_counts_from_json(counts, f"{where}: entities.{scope}")) for scope, counts in (data.get("entities") or {}).items()
        )
        rows = tuple(
            (mode, tuple(_row_of(row, f"{where}: entity_rows.{mode}") for row in items)) for mode, items in (data.get("entity_rows") or {}).items()
        )
        claims_data = data.get("claims")
        claims = claim_alignment_from_json(doc_id, failure, claims_data) if claims_data is not None else None
        ungrounded = tuple(
            UngroundedItem(str(u["item"]), int(u["index"]), str(u["id"]), str(u["field"]), str(u["reason"])) for u in data.get("ungrounded") or ()
        )
    except (KeyError, TypeError, AttributeError) as err:
        raise ValueError(f"{where}: document {doc_id}: malformed result ({type(err).__name__}: {err})") from None
    return DocumentResult(doc_id, failure, entities, rows, claims, ungrounded)
