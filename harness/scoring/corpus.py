"""Corpus metrics: entities, claims, grounding and failures, with bootstrap intervals.

This module turns a corpus and one extractor's predictions into the
``metrics.json`` document of a run record (shape: ``docs/metrics.md``). It is
the one place where the scorers meet the statistics; both stay pure.

Ungrounded predicted entities (a span whose text is not ``text[start:end]``)
are left out of matching and counted as spurious under their label in every
mode, the same rule :mod:`harness.scoring.claims` applies to claims. A failed
document contributes its gold as missed and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from harness.model import ENTITY_LABELS, GoldDocument, Prediction
from harness.scoring.claims import SCORED_SLOTS, ClaimCounts, score_document
from harness.scoring.counts import MatchCounts
from harness.scoring.entities import (
    MODES,
    DocumentCounts,
    ModeCounts,
    count_document,
    scores_from_counts,
    sum_documents,
)
from harness.scoring.grounding import keep_grounded
from harness.stats import bootstrap_interval_counts

SCHEMA_VERSION = 1
#: Credit of a partial match per entity mode (SemEval-2013: 0.5 in partial mode only).
PARTIAL_CREDIT = {"strict": 0.0, "exact": 0.0, "partial": 0.5, "type": 0.0}


@dataclass(frozen=True)
class ScoringSettings:
    """What, besides gold and predictions, decides the numbers."""

    #: Labels the extractor declares it emits; entity scores are computed over these
    #: and, separately, over every label (``entities.all_labels``).
    entity_labels: tuple[str, ...] = ENTITY_LABELS
    #: False when the corpus has no claim gold or the extractor emits no claims.
    score_claims: bool = True
    seed: int = 13
    resamples: int = 1000
    level: float = 0.95

    @classmethod
    def for_run(
        cls,
        *,
        declared_labels: Sequence[str],
        emits_claims: bool,
        corpus_labels: Sequence[str],
        corpus_has_claims: bool,
        seed: int,
        resamples: int,
        level: float,
    ) -> "ScoringSettings":
        """The one rule for what a run is scored on: the labels the extractor declares
        that the corpus annotates, and claims only when both sides have them."""
        return cls(
            entity_labels=tuple(label for label in declared_labels if label in corpus_labels),
            score_claims=corpus_has_claims and emits_claims,
            seed=seed,
            resamples=resamples,
            level=level,
        )


@dataclass(frozen=True)
class DocumentScores:
    """Everything counted on one document, kept apart so the bootstrap can resample documents."""

    doc_id: str
    entities_declared: DocumentCounts
    entities_all: DocumentCounts
    claims: ClaimCounts | None
    failure: str | None
    ungrounded: tuple[dict[str, Any], ...]


def _spurious_counts(label: str, restriction: tuple[str, ...] | None) -> DocumentCounts:
    one = MatchCounts(spurious=1)
    modes = ModeCounts(one, one, one, one)
    return DocumentCounts(modes, ((label, modes),), restriction)


def _entity_counts(gold, grounded, ungrounded_labels, labels) -> DocumentCounts:
    counts = count_document(gold, grounded, labels)
    restriction = counts.labels
    for label in ungrounded_labels:
        if restriction is None or label in restriction:
            counts = counts + _spurious_counts(label, restriction)
    return counts


def score_document_all(gold: GoldDocument, prediction: Prediction | None, settings: ScoringSettings) -> DocumentScores:
    """Entity counts (declared labels and all labels), claim counts and problems of one document."""
    doc = gold.document
    failure = None
    if prediction is None:
        failure = "no prediction for this document"
    elif prediction.failed:
        failure = prediction.error
    if failure is not None:
        empty: tuple = ()
        entities_declared = count_document(gold.gold.entities, empty, settings.entity_labels)
        entities_all = count_document(gold.gold.entities, empty, None)
        ungrounded: tuple[dict[str, Any], ...] = ()
    else:
        grounded, report = keep_grounded(doc, prediction.annotations)
        bad_entities = {p.item_index for p in report.problems if p.item_kind == "entity"}
        ungrounded_labels = [e.label for i, e in enumerate(prediction.annotations.entities) if i in bad_entities]
        entities_declared = _entity_counts(gold.gold.entities, grounded.entities, ungrounded_labels, settings.entity_labels)
        entities_all = _entity_counts(gold.gold.entities, grounded.entities, ungrounded_labels, None)
        ungrounded = tuple(
            {"doc_id": p.doc_id, "item": p.item_kind, "index": p.item_index, "id": p.item_id, "field": p.field, "reason": p.reason}
            for p in report.problems
        )
    claims = score_document(gold, prediction).counts if settings.score_claims else None
    return DocumentScores(doc.doc_id, entities_declared, entities_all, claims, failure, ungrounded)


# --- bootstrap over documents ---------------------------------------------------


def credit_matrix(per_document: Sequence[MatchCounts], partial_credit: float) -> np.ndarray:
    """(documents, 3): credit, predicted count, gold count. F1 = 2 credit / (predicted + gold)."""
    return np.array(
        [(c.correct + partial_credit * c.partial, c.actual, c.possible) for c in per_document], dtype=float
    ).reshape(-1, 3)


def f1_of_credit_sums(sums: np.ndarray) -> np.ndarray:
    """F1 of each row of summed credit matrices; shared by the intervals here and the paired tests of run comparisons."""
    denominator = sums[:, 1] + sums[:, 2]
    return np.divide(2 * sums[:, 0], denominator, out=np.zeros_like(denominator), where=denominator > 0)


def _f1_interval(per_document: Sequence[MatchCounts], partial_credit: float, settings: ScoringSettings) -> list[float]:
    interval = bootstrap_interval_counts(
        credit_matrix(per_document, partial_credit),
        f1_of_credit_sums,
        resamples=settings.resamples,
        level=settings.level,
        seed=settings.seed,
    )
    return [round(interval.low, 6), round(interval.high, 6)]


def _block(counts: MatchCounts, partial_credit: float, per_document: Sequence[MatchCounts], settings: ScoringSettings) -> dict[str, Any]:
    prf = counts.prf(partial_credit)
    return {
        "precision": round(prf.precision, 6),
        "recall": round(prf.recall, 6),
        "f1": round(prf.f1, 6),
        "f1_ci": _f1_interval(per_document, partial_credit, settings),
        "correct": counts.correct,
        "incorrect": counts.incorrect,
        "partial": counts.partial,
        "missed": counts.missed,
        "spurious": counts.spurious,
        "possible": counts.possible,
        "actual": counts.actual,
    }


def _entity_section(per_document: Sequence[DocumentCounts], labels: tuple[str, ...] | None, settings: ScoringSettings) -> dict[str, Any]:
    total = sum_documents(per_document, labels)
    scores = scores_from_counts(total)
    section: dict[str, Any] = {"labels": list(labels) if labels is not None else list(ENTITY_LABELS)}
    for mode in MODES:
        section[mode] = _block(total.overall.mode(mode), PARTIAL_CREDIT[mode], [d.overall.mode(mode) for d in per_document], settings)
    section["macro"] = {
        mode: {"precision": round(scores.mode(mode).macro.precision, 6), "recall": round(scores.mode(mode).macro.recall, 6), "f1": round(scores.mode(mode).macro.f1, 6)}
        for mode in MODES
    }
    per_label: dict[str, Any] = {}
    present = [label for label, _ in total.per_label]
    for label in sorted(set(present) | set(section["labels"]), key=_label_order):
        per_label[label] = {
            mode: _block(total.label(label).mode(mode), PARTIAL_CREDIT[mode], [d.label(label).mode(mode) for d in per_document], settings)
            for mode in MODES
        }
    section["per_label"] = per_label
    return section


def _label_order(label: str) -> tuple[int, str]:
    return (ENTITY_LABELS.index(label) if label in ENTITY_LABELS else len(ENTITY_LABELS), label)


def _claim_section(per_document: Sequence[ClaimCounts], settings: ScoringSettings) -> dict[str, Any]:
    total: ClaimCounts = sum(per_document, ClaimCounts())

    def part(name: str) -> dict[str, Any]:
        return _block(total.part(name), 0.0, [d.part(name) for d in per_document], settings)

    section = part("claims")
    section["by_kind"] = {kind: part(kind) for kind in ("fact", "opinion")}
    section["slots"] = {slot: part(slot) for slot in SCORED_SLOTS}
    section["ungrounded_claims"] = total.ungrounded
    return section


def score_corpus(
    corpus: Sequence[GoldDocument],
    predictions: Sequence[Prediction],
    settings: ScoringSettings,
) -> dict[str, Any]:
    """The metrics document of a run (``docs/metrics.md``): plain JSON types only."""
    by_id = {p.doc_id: p for p in predictions}
    per_document = [score_document_all(g, by_id.get(g.document.doc_id), settings) for g in corpus]
    declared = tuple(sorted(set(settings.entity_labels), key=_label_order))
    failures = [{"doc_id": d.doc_id, "reason": d.failure} for d in per_document if d.failure is not None]
    ungrounded = [item for d in per_document for item in d.ungrounded]
    # One item with several bad spans is one ungrounded prediction.
    ungrounded_predictions = len({(u["doc_id"], u["item"], u["index"]) for u in ungrounded})
    entities = _entity_section([d.entities_declared for d in per_document], declared, settings)
    entities["all_labels"] = {
        key: value
        for key, value in _entity_section([d.entities_all for d in per_document], None, settings).items()
        if key in MODES or key == "per_label"
    }
    claims = (
        _claim_section([d.claims for d in per_document if d.claims is not None], settings)
        if settings.score_claims
        else None
    )
    return {
        "schema_version": SCHEMA_VERSION,
        "documents": len(corpus),
        "entities": entities,
        "claims": claims,
        "failures": len(failures),
        "failure_details": failures,
        "ungrounded": ungrounded_predictions,
        "ungrounded_items": ungrounded,
        "bootstrap": {
            "unit": "document",
            "resamples": settings.resamples,
            "level": settings.level,
            "seed": settings.seed,
            "interval": "percentile",
        },
    }
