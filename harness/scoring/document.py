"""Scoring one document: grounding, entity counts per scope, alignments, claims.

This is the only place where a gold document meets one extractor's
prediction. Ungrounded predicted entities (a span whose text is not
``text[start:end]``) are left out of matching and counted as spurious under
their label in every mode, the same rule :mod:`harness.scoring.claims`
applies to claims. A failed document contributes its gold as missed and
nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.annotations import Entity, GoldDocument, Prediction
from harness.scoring.claims import align_document
from harness.scoring.counts import MatchCounts
from harness.scoring.entities import (
    MODES,
    DocumentCounts,
    ModeCounts,
    align_entities,
    count_document,
)
from harness.scoring.grounding import keep_grounded
from harness.scoring.results import (
    ALL_LABELS,
    CONVENTION_PREFIX,
    DECLARED,
    DocumentResult,
    EntityRow,
    UngroundedItem,
)
from harness.scoring.settings import ScoringSettings

NO_PREDICTION = "no prediction for this document"


def _with_ungrounded(counts: DocumentCounts, labels: Sequence[str]) -> DocumentCounts:
    """``counts`` plus one spurious item per ungrounded predicted entity label (inside the restriction)."""
    one = MatchCounts(spurious=1)
    modes = ModeCounts(one, one, one, one)
    for label in labels:
        if counts.labels is None or label in counts.labels:
            counts = counts + DocumentCounts(modes, ((label, modes),), counts.labels)
    return counts


def _entity_rows(
    gold: Sequence[Entity],
    grounded: Sequence[Entity],
    raw_index: Sequence[int],
    ungrounded: Sequence[tuple[int, Entity]],
    labels: Sequence[str],
    min_overlap: float,
) -> tuple[tuple[str, tuple[EntityRow, ...]], ...]:
    """Alignment rows per mode, indices into the gold list and the prediction's raw list."""
    gold_index = {id(e): i for i, e in enumerate(gold)}
    predicted_index = {id(e): raw_index[i] for i, e in enumerate(grounded)}
    keep = set(labels)
    extra = [
        EntityRow("spurious", None, index, entity.start if isinstance(entity.start, int) else 0)
        for index, entity in ungrounded
        if entity.label in keep
    ]
    out = []
    for mode in MODES:
        rows = [
            EntityRow(
                match.outcome,
                gold_index[id(match.gold)] if match.gold is not None else None,
                predicted_index[id(match.predicted)] if match.predicted is not None else None,
                (match.gold or match.predicted).start,  # type: ignore[union-attr]
            )
            for match in align_entities(gold, grounded, mode, labels, min_overlap)
        ]
        out.append((mode, tuple(sorted(rows + extra, key=lambda r: (r.position, r.gold is None, r.gold or 0, r.predicted or 0)))))
    return tuple(out)


def score_document(gold: GoldDocument, prediction: Prediction | None, settings: ScoringSettings) -> DocumentResult:
    """Everything scored on one document (see :class:`~harness.scoring.results.DocumentResult`)."""
    doc = gold.document
    gold_entities = gold.gold.entities
    labels = settings.entity_labels
    overlap = settings.min_overlap
    failure = NO_PREDICTION if prediction is None else prediction.error
    claims = None
    if failure is not None or prediction is None:
        scopes = [(DECLARED, count_document(gold_entities, (), labels, overlap)), (ALL_LABELS, count_document(gold_entities, (), None, overlap))]
        for convention in settings.conventions:
            projected = convention.project_gold(doc.text, gold_entities)
            scopes.append((CONVENTION_PREFIX + convention.name, count_document(projected, (), labels, overlap)))
        rows = _entity_rows(gold_entities, (), (), (), labels, overlap)
        if settings.score_claims:
            claims = align_document(gold, prediction, overlap)
        return DocumentResult(doc.doc_id, failure or NO_PREDICTION, tuple(scopes), rows, claims, ())

    kept, report = keep_grounded(doc, prediction.annotations)
    bad = {p.item_index for p in report.problems if p.item_kind == "entity"}
    raw = prediction.annotations.entities
    raw_index = [i for i in range(len(raw)) if i not in bad]
    ungrounded_entities = [(i, raw[i]) for i in sorted(bad)]
    ungrounded_labels = [e.label for _, e in ungrounded_entities]
    grounded = kept.entities
    scopes = [
        (DECLARED, _with_ungrounded(count_document(gold_entities, grounded, labels, overlap), ungrounded_labels)),
        (ALL_LABELS, _with_ungrounded(count_document(gold_entities, grounded, None, overlap), ungrounded_labels)),
    ]
    for convention in settings.conventions:
        projected_gold = convention.project_gold(doc.text, gold_entities)
        projected_predicted = convention.project_predicted(doc.text, grounded)
        counts = count_document(projected_gold, projected_predicted, labels, overlap)
        scopes.append((CONVENTION_PREFIX + convention.name, _with_ungrounded(counts, ungrounded_labels)))
    rows = _entity_rows(gold_entities, grounded, raw_index, ungrounded_entities, labels, overlap)
    if settings.score_claims:
        claims = align_document(gold, prediction, overlap, grounding=(kept, report))
    ungrounded = tuple(
        UngroundedItem(p.item_kind, p.item_index, str(p.item_id), p.field, p.reason) for p in report.problems
    )
    return DocumentResult(doc.doc_id, None, tuple(scopes), rows, claims, ungrounded)
