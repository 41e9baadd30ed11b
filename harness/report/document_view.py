"""What the HTML page shows of one document: gold and predictions over the text.

For each document and each leaderboard row (a run), this module lays out:

* the gold entities and the predicted entities as marks over the text, each
  with its label and its strict-mode outcome (correct / incorrect / missed /
  spurious), read from the run's stored alignment rows: the very alignment
  the scores count, nothing scored again;
* the claims, from the stored claim alignment: aligned pairs (correct or
  incorrect in the headline mode, with each slot's outcome and the verdict of
  every mode), missed gold claims, spurious predictions and ungrounded ones,
  each with its evidence and slots marked in a stretch of the text;
* the document's counts and every ungrounded prediction.

The result is plain data (:mod:`harness.report.views`): the template escapes every string of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.annotations import (
    Claim,
    Entity,
    GoldDocument,
    Prediction,
)
from harness.corpus.load import Corpus
from harness.report.highlight import Mark, Node, nest_marks
from harness.report.views import (
    DRAWN_SLOTS,
    ClaimRow,
    ClaimText,
    CorpusView,
    DocumentView,
    SetupView,
    label_class,
)
from harness.runs.document_diff import slot_value
from harness.scoring.claims import HEADLINE_CLAIM_MODE
from harness.scoring.counts import MatchCounts
from harness.scoring.results import DECLARED, DocumentResult

#: A slot span further than this many characters from the evidence is listed, not drawn.
CONTEXT_LIMIT = 200
#: Documents laid out per corpus: a CoNLL corpus of a thousand sentences would
#: make a page nobody scrolls; the first ones show what the rows do.
MAX_DOCUMENTS = 100


# --- entities -------------------------------------------------------------------------


def _entity_title(side: str, outcome: str, own: Entity, other: Entity | None) -> str:
    title = f"{side} {own.label} · {outcome}"
    if outcome in ("incorrect", "partial") and other is not None:
        partner = "predicted" if side == "gold" else "gold"
        title += f": {partner} {other.label} «{other.text}»"
    return title


def entity_marks(
    gold: Sequence[Entity], predicted: Sequence[Entity], labels: Sequence[str], result: DocumentResult, ungrounded: set[int]
) -> tuple[list[Mark], list[Mark]]:
    """Marks of the gold and of the grounded predicted entities, by label and stored strict outcome.

    Entities of labels the run was not scored on are drawn as "unscored";
    ungrounded predictions are listed apart, not drawn.
    """
    scored = set(labels)
    gold_marks: list[Mark] = []
    predicted_marks: list[Mark] = []
    for row in result.rows("strict"):
        g = gold[row.gold] if row.gold is not None and row.gold < len(gold) else None
        p = predicted[row.predicted] if row.predicted is not None and row.predicted < len(predicted) else None
        if row.predicted is not None and row.predicted in ungrounded:
            p = None
        if g is not None:
            gold_marks.append(Mark(g.start, g.end, ("ent", label_class(g.label), f"out-{row.outcome}"), _entity_title("gold", row.outcome, g, p)))
        if p is not None:
            predicted_marks.append(
                Mark(p.start, p.end, ("ent", label_class(p.label), f"out-{row.outcome}"), _entity_title("predicted", row.outcome, p, g))
            )
    for side, items, marks, skip in (("gold", gold, gold_marks, set()), ("predicted", predicted, predicted_marks, ungrounded)):
        for index, e in enumerate(items):
            if e.label not in scored and index not in skip:
                marks.append(Mark(e.start, e.end, ("ent", label_class(e.label), "out-unscored"), f"{side} {e.label} · not scored"))
    return gold_marks, predicted_marks


# --- claims -----------------------------------------------------------------------------


def _claim_spans(claim: Claim) -> list[tuple[str, int, int]]:
    """``(name, start, end)`` of the evidence and of each filled slot."""
    spans = [("evidence", claim.evidence.start, claim.evidence.end)]
    for slot in DRAWN_SLOTS:
        value = getattr(claim, slot)
        if value is not None:
            spans.append((slot, value.start, value.end))
    return spans


def _slot_values(claim: Claim) -> tuple[tuple[str, str], ...]:
    values = []
    for slot in DRAWN_SLOTS:
        if getattr(claim, slot) is None:
            continue
        value = claim.location.text if slot == "location" and claim.location is not None else slot_value(claim, slot)
        if slot == "quantity" and claim.quantity is not None and claim.quantity.approx:
            value = f"≈ {value}"
        values.append((slot, value))
    return tuple(values)


def claim_text(text: str, claim: Claim) -> ClaimText:
    """A claim with the stretch of ``text`` around its evidence, evidence and slots marked."""
    ev_start, ev_end = claim.evidence.start, claim.evidence.end
    near = [
        (name, start, end)
        for name, start, end in _claim_spans(claim)
        if start >= ev_start - CONTEXT_LIMIT and end <= ev_end + CONTEXT_LIMIT
    ]
    low = max(0, min(start for _, start, _ in near))
    high = min(len(text), max(end for _, _, end in near))
    marks = [
        Mark(start - low, end - low, ("ev",) if name == "evidence" else ("slot", f"slot-{name}"), name)
        for name, start, end in near
    ]
    return ClaimText(claim.id, claim.kind, claim.predicate, nest_marks(text[low:high], marks), _slot_values(claim))


def claim_rows(gold: GoldDocument, prediction: Prediction | None, result: DocumentResult) -> tuple[ClaimRow, ...]:
    """Every gold and predicted claim of a document with its stored status, in text order."""
    text = gold.document.text
    alignment = result.claims
    if alignment is None:
        return ()
    gold_by_id = {c.id: c for c in gold.gold.claims}
    predicted = prediction.annotations.claims if prediction is not None and not prediction.failed else ()
    problems: dict[int, list[str]] = {}
    for item in result.ungrounded:
        if item.item == "claim":
            problems.setdefault(item.index, []).append(f"{item.field}: {item.reason}")

    def predicted_claim(index: int | None) -> Claim | None:
        return predicted[index] if index is not None and index < len(predicted) else None

    rows: list[tuple[int, ClaimRow]] = []
    for pair in alignment.pairs:
        g, p = gold_by_id.get(pair.gold_id), predicted_claim(pair.predicted_index)
        slots = tuple((slot, outcome) for slot, outcome in pair.slots if outcome != "absent")
        status = "correct" if pair.verdict(HEADLINE_CLAIM_MODE) else "incorrect"
        rows.append(
            (
                pair.position,
                ClaimRow(status, claim_text(text, g) if g else None, claim_text(text, p) if p else None, slots, verdicts=pair.verdicts),
            )
        )
    for unpaired in alignment.missed:
        g = gold_by_id.get(unpaired.id)
        if g is not None:
            rows.append((g.evidence.start, ClaimRow("missed", claim_text(text, g), None)))
    for unpaired in alignment.spurious:
        p = predicted_claim(unpaired.predicted_index)
        if p is not None:
            rows.append((p.evidence.start, ClaimRow("spurious", None, claim_text(text, p))))
    for unpaired in alignment.ungrounded:
        claim = predicted_claim(unpaired.predicted_index)
        if claim is None:
            continue
        # Its spans are wrong, so nothing is drawn: the claim's own texts are listed.
        listed = ClaimText(claim.id, claim.kind, claim.predicate, (Node(text=str(claim.evidence.text)),), _slot_values(claim))
        reason = "; ".join(problems.get(unpaired.predicted_index or 0, ()))
        rows.append((len(text), ClaimRow("ungrounded", None, listed, problem=reason)))
    rows.sort(key=lambda item: item[0])
    return tuple(row for _, row in rows)


# --- one run on one document ------------------------------------------------------------


def setup_view(name: str, labels: Sequence[str], gold: GoldDocument, prediction: Prediction | None, result: DocumentResult) -> SetupView:
    """One run's output on one document, laid out for the page, from its stored result."""
    text = gold.document.text
    failed = result.failure is not None or prediction is None or prediction.failed
    predicted_entities: tuple[Entity, ...] = () if failed or prediction is None else prediction.annotations.entities
    ungrounded_entities = {u.index for u in result.ungrounded if u.item == "entity"}
    ungrounded = tuple(f"{u.item} {u.id!r} (#{u.index}) {u.field}: {u.reason}" for u in result.ungrounded)
    gold_marks, predicted_marks = entity_marks(gold.gold.entities, predicted_entities, labels, result, ungrounded_entities)
    declared = result.scope(DECLARED)
    return SetupView(
        name=name,
        failure=result.failure,
        gold=nest_marks(text, gold_marks),
        predicted=nest_marks(text, predicted_marks),
        entity_counts=declared.overall.strict if declared is not None else MatchCounts(),
        claims_scored=result.claims is not None,
        claim_rows=claim_rows(gold, prediction, result),
        claim_counts=result.claims.counts().part(HEADLINE_CLAIM_MODE) if result.claims is not None else None,
        ungrounded=ungrounded,
    )


@dataclass(frozen=True)
class ViewedRun:
    """What a corpus view needs of one run: its row name, labels, predictions and stored results."""

    name: str
    labels: tuple[str, ...]
    predictions: tuple[Prediction, ...]
    results: tuple[DocumentResult, ...]


def build_corpus_view(corpus: Corpus, runs: Sequence[ViewedRun], limit: int = MAX_DOCUMENTS, title: str = "") -> CorpusView:
    """Views of the first ``limit`` documents of ``corpus`` for each run."""
    predictions = [{p.doc_id: p for p in run.predictions} for run in runs]
    results = [{r.doc_id: r for r in run.results} for run in runs]
    documents = []
    for gold in corpus.documents[:limit]:
        doc_id = gold.document.doc_id
        setups = tuple(
            setup_view(run.name, run.labels, gold, by_id.get(doc_id), by_result[doc_id])
            for run, by_id, by_result in zip(runs, predictions, results)
            if doc_id in by_result
        )
        documents.append(DocumentView(doc_id, len(gold.document.text), len(gold.gold.entities), len(gold.gold.claims), setups))
    return CorpusView(title or corpus.name, corpus.source, corpus.gold_sha256, tuple(run.name for run in runs), tuple(documents), len(corpus.documents))
