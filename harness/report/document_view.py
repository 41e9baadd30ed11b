"""What the HTML page shows of one document: gold and predictions over the text.

For each document and each leaderboard row (a run), this module lays out:

* the gold entities and the predicted entities as marks over the text, each
  with its label and its strict-mode outcome (correct / incorrect / missed /
  spurious) from :func:`harness.scoring.entities.align_entities`, the very
  alignment the scores count;
* the claims, from :func:`harness.scoring.claims.score_document`: aligned
  pairs (correct or incorrect, with each slot's outcome), missed gold claims,
  spurious predictions and ungrounded ones, each with its evidence and slots
  marked in a stretch of the text;
* the document's counts (:func:`harness.scoring.corpus.score_document_all`,
  the numbers behind ``metrics.json``) and every ungrounded prediction.

The result is plain data: the template escapes every string of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.corpus.load import Corpus
from harness.model import ENTITY_LABELS, Claim, Entity, GoldDocument, Prediction
from harness.report.highlight import Mark, Node, nest_marks
from harness.runs.compare import RunSide, slot_value
from harness.scoring.claims import score_document
from harness.scoring.corpus import ScoringSettings, score_document_all
from harness.scoring.counts import MatchCounts
from harness.scoring.entities import align_entities
from harness.scoring.grounding import keep_grounded

#: A slot span further than this many characters from the evidence is listed, not drawn.
CONTEXT_LIMIT = 200
#: Claim slots drawn over the text, in display order.
DRAWN_SLOTS: tuple[str, ...] = ("speaker", "quantity", "time", "location")
#: Documents laid out per corpus: a CoNLL corpus of a thousand sentences would
#: make a page nobody scrolls; the first ones show what the rows do.
MAX_DOCUMENTS = 100
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


# --- entities -------------------------------------------------------------------------


def _entity_title(side: str, outcome: str, own: Entity, other: Entity | None) -> str:
    title = f"{side} {own.label} · {outcome}"
    if outcome in ("incorrect", "partial") and other is not None:
        partner = "predicted" if side == "gold" else "gold"
        title += f": {partner} {other.label} «{other.text}»"
    return title


def entity_marks(
    gold: Sequence[Entity], predicted: Sequence[Entity], labels: Sequence[str]
) -> tuple[list[Mark], list[Mark]]:
    """Marks of the gold and of the (grounded) predicted entities, by label and strict outcome.

    Entities of labels the run was not scored on are drawn as "unscored".
    """
    scored = set(labels)
    gold_marks: list[Mark] = []
    predicted_marks: list[Mark] = []
    for row in align_entities(gold, predicted, "strict", tuple(scored)):
        if row.gold is not None:
            g = row.gold
            gold_marks.append(
                Mark(g.start, g.end, ("ent", label_class(g.label), f"out-{row.outcome}"), _entity_title("gold", row.outcome, g, row.predicted))
            )
        if row.predicted is not None:
            p = row.predicted
            predicted_marks.append(
                Mark(p.start, p.end, ("ent", label_class(p.label), f"out-{row.outcome}"), _entity_title("predicted", row.outcome, p, row.gold))
            )
    for side, items, marks in (("gold", gold, gold_marks), ("predicted", predicted, predicted_marks)):
        for e in items:
            if e.label not in scored:
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
        value = claim.location.text if slot == "location" else slot_value(claim, slot)
        if slot == "quantity" and claim.quantity.approx:
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


def claim_rows(gold: GoldDocument, prediction: Prediction | None) -> tuple[ClaimRow, ...]:
    """Every gold and predicted claim of a document with its status, in text order."""
    text = gold.document.text
    scored = score_document(gold, prediction)
    gold_by_id = {c.id: c for c in gold.gold.claims}
    predicted: dict[str, list[Claim]] = {}
    left_out: list[tuple[Claim, str]] = []
    if prediction is not None and not prediction.failed:
        kept, report = keep_grounded(gold.document, prediction.annotations)
        for claim in kept.claims:
            predicted.setdefault(claim.id, []).append(claim)
        problems: dict[int, list[str]] = {}
        for problem in report.problems:
            if problem.item_kind == "claim":
                problems.setdefault(problem.item_index, []).append(f"{problem.field}: {problem.reason}")
        for index, reasons in sorted(problems.items()):
            left_out.append((prediction.annotations.claims[index], "; ".join(reasons)))

    def take(claim_id: str) -> Claim | None:
        queue = predicted.get(claim_id)
        return queue.pop(0) if queue else None

    rows: list[tuple[int, ClaimRow]] = []
    for pair in scored.pairs:
        g, p = gold_by_id[pair.gold_id], take(pair.predicted_id)
        slots = tuple((slot, outcome) for slot, outcome in pair.slots if outcome != "absent")
        rows.append(
            (
                g.evidence.start,
                ClaimRow("correct" if pair.correct else "incorrect", claim_text(text, g), claim_text(text, p) if p else None, slots),
            )
        )
    for claim_id in scored.missed:
        g = gold_by_id[claim_id]
        rows.append((g.evidence.start, ClaimRow("missed", claim_text(text, g), None)))
    for claim_id in scored.spurious:
        p = take(claim_id)
        if p is not None:
            rows.append((p.evidence.start, ClaimRow("spurious", None, claim_text(text, p))))
    for claim, reason in left_out:
        # Its spans are wrong, so nothing is drawn: the claim's own texts are listed.
        listed = ClaimText(claim.id, claim.kind, claim.predicate, (Node(text=str(claim.evidence.text)),), _slot_values(claim))
        rows.append((len(text), ClaimRow("ungrounded", None, listed, problem=reason)))
    rows.sort(key=lambda item: item[0])
    return tuple(row for _, row in rows)


# --- one run on one document ------------------------------------------------------------


def setup_view(name: str, labels: Sequence[str], has_claims: bool, gold: GoldDocument, prediction: Prediction | None) -> SetupView:
    """One run's output on one document, laid out for the page."""
    text = gold.document.text
    settings = ScoringSettings(entity_labels=tuple(labels), score_claims=has_claims)
    counts = score_document_all(gold, prediction, settings)
    if counts.failure is not None:
        predicted_entities: tuple[Entity, ...] = ()
        ungrounded: tuple[str, ...] = ()
    else:
        kept, report = keep_grounded(gold.document, prediction.annotations)
        predicted_entities = kept.entities
        ungrounded = tuple(f"{p.item_kind} {p.item_id!r} (#{p.item_index}) {p.field}: {p.reason}; predicted text «{p.text}»" for p in report.problems)
    gold_marks, predicted_marks = entity_marks(gold.gold.entities, predicted_entities, labels)
    return SetupView(
        name=name,
        failure=counts.failure,
        gold=nest_marks(text, gold_marks),
        predicted=nest_marks(text, predicted_marks),
        entity_counts=counts.entities_declared.overall.strict,
        claims_scored=has_claims,
        claim_rows=claim_rows(gold, prediction) if has_claims else (),
        claim_counts=counts.claims.claims if counts.claims is not None else None,
        ungrounded=ungrounded,
    )


def build_corpus_view(
    corpus: Corpus, runs: Sequence[tuple[str, Sequence[str], RunSide]], limit: int = MAX_DOCUMENTS
) -> CorpusView:
    """Views of the first ``limit`` documents of ``corpus`` for each ``(row name, labels scored, run)``."""
    predictions = [{p.doc_id: p for p in side.predictions} for _, _, side in runs]
    documents = []
    for gold in corpus.documents[:limit]:
        doc_id = gold.document.doc_id
        setups = tuple(
            setup_view(name, labels, side.has_claims, gold, by_id.get(doc_id))
            for (name, labels, side), by_id in zip(runs, predictions)
        )
        documents.append(DocumentView(doc_id, len(gold.document.text), len(gold.gold.entities), len(gold.gold.claims), setups))
    names = tuple(name for name, _, _ in runs)
    return CorpusView(corpus.name, corpus.source, corpus.gold_sha256, names, tuple(documents), len(corpus.documents))
