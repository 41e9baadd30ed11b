"""Claim scoring: align predicted claims to gold claims, then count.

Steps for one document
----------------------
1. A failed extraction (``Prediction.error`` set, or no prediction at all)
   scores every gold claim of the document as missed and records the reason;
   whatever annotations such a prediction carries are not scored.
2. Grounding (:mod:`harness.scoring.grounding`): a predicted claim with any
   span that is not ``text[start:end]`` is left out of matching and counted
   as spurious (in ``claims``, in its declared kind and in each slot it
   fills), and listed in the document's grounding report.
3. Alignment: gold and predicted claims are paired one-to-one by optimal
   assignment (``scipy.optimize.linear_sum_assignment``) on the similarity
   below. The claims are first put in a canonical order (evidence offsets,
   then content), so the result does not depend on the order they came in.

Similarity of a gold claim ``g`` and a predicted claim ``p``::

    sim(g, p) = 0                                       if the evidence spans share no character
    sim(g, p) = 0.5 * IoU(evidence) + 0.5 * agreement   otherwise

``IoU`` is characters in both evidence spans over characters in either.
``agreement`` is the weighted share of agreeing slots among the slots that
``g`` or ``p`` fills, with weights quantity value 0.4, speaker 0.2, time value
0.2, location 0.2 (the quantity is the heart of a checkable number); it is 1
when neither fills any slot. A slot agrees only when both fill it and the
comparison below says they agree.

Threshold: a pair is eligible for alignment only when its evidence spans
overlap and ``sim >= MIN_SIMILARITY`` (0.1). Below it the two claims are not
the same claim: the gold one counts as missed, the predicted one as spurious.
Where both claims have the same quantity value the agreement is at least
0.4, so ``sim >= 0.2`` and such a pair is always eligible; a pair without
quantities must reach the threshold on evidence and the other slots.

Objective: the assignment maximises first the number of headline matches,
then the total similarity (each headline match is worth
``min(len(gold), len(predicted)) + 1`` on top of its similarity, more than
all similarities together), so no tie-break of the solver can cost a
headline match.

Headline (strict) claim scores
------------------------------
An aligned pair is *correct* when the evidence spans overlap and, where the
gold has a quantity, the predicted quantity has the same value within a
relative tolerance of :data:`QUANTITY_TOLERANCE` (0.5%) of the gold value
(any of the gold's ``alternatives`` forms counts as the same quantity; a
gold value of 0 must be predicted exactly). "5%" never equals "6%". Otherwise
the aligned pair is *incorrect*. In :class:`~harness.scoring.counts.MatchCounts`
terms: precision = correct / predicted claims, recall = correct / gold claims.

Kinds: an aligned prediction is counted under the kind of its gold claim; an
unaligned (or ungrounded) prediction is spurious in ``claims`` and in its own
declared kind (a kind other than ``fact`` / ``opinion`` is spurious in
``claims`` only). A prediction's kind is not itself scored.

Slot scores
-----------
For each slot (speaker, quantity value, unit, time value, location), over the
alignment above:

* correct (TP): gold and prediction are aligned, both fill it, and they agree;
* incorrect: aligned, both fill it, they disagree (one FP and one FN);
* missed (FN): the gold fills it and the prediction does not, or the gold
  claim is unaligned;
* spurious (FP): the prediction fills it and the gold does not, or the
  prediction is unaligned or ungrounded.

So precision = correct / (slots the predictions fill) and recall = correct /
(slots the gold fills). Comparisons:

* speaker: agree when the predicted span overlaps the gold speaker span or
  the span of the gold speaker's entity, or when the predicted text, after
  :func:`harness.text.normalize_arabic_str` and whitespace folding, equals the
  gold text, one of its ``aliases`` or its entity's text. No fuzzy matching
  beyond that: other acceptable forms belong in the gold's ``aliases``.
* quantity value: as in the headline. A predicted value that is not a finite
  number (None, NaN, or a string such as "١١٠٬٠٠٠") is read with
  :func:`harness.text.parse_number`, from the value when it is a string,
  else from the quantity's text.
* unit: filled when the quantity has a non-empty unit; agree when
  :func:`harness.text.canonical_unit` of both is the same, comparing with the
  gold forms whose value the prediction matched (all forms when none did).
* time value: filled when the time reference has a value; agree only when
  the ISO strings are identical ("2019-03" and "2019-03-23" disagree; no
  partial credit anywhere). ``approx`` is not scored.
* location: as the speaker, without aliases.

Per-document :class:`ClaimCounts` add up with ``+``, so corpus scores and
bootstrap resamples are sums of document counts (see :func:`count_matrix`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
from scipy.optimize import linear_sum_assignment

from harness.model import Claim, Entity, GoldDocument, Prediction, Quantity
from harness.scoring.counts import PRF, MatchCounts, sum_counts
from harness.scoring.grounding import GroundingReport, keep_grounded
from harness.text import canonical_unit, normalize_arabic_str, parse_number

#: Relative tolerance on quantity values: |predicted - gold| <= 0.005 * |gold|.
QUANTITY_TOLERANCE = 0.005
#: Share of the similarity given to evidence overlap; the rest to slot agreement.
EVIDENCE_WEIGHT = 0.5
#: Weights of the slots inside the agreement term of the similarity.
SIMILARITY_SLOT_WEIGHTS: Mapping[str, float] = {"quantity": 0.4, "speaker": 0.2, "time": 0.2, "location": 0.2}
#: Pairs below this similarity (or without overlapping evidence) are never aligned.
MIN_SIMILARITY = 0.1
#: The slots scored one by one, in report order.
SCORED_SLOTS: tuple[str, ...] = ("speaker", "quantity", "unit", "time", "location")
#: Reason recorded for a gold document no prediction was given for.
NO_PREDICTION = "no prediction for this document"

_SPACES = re.compile(r"\s+")


# --- per-document counts ------------------------------------------------------


@dataclass(frozen=True)
class ClaimCounts:
    """Everything counted on one document (or a sum of documents: add with ``+``)."""

    #: Headline claim outcomes, all kinds together.
    claims: MatchCounts = MatchCounts()
    #: Headline outcomes of gold facts (and of unaligned predictions declared facts).
    facts: MatchCounts = MatchCounts()
    #: Headline outcomes of gold opinions (and of unaligned predictions declared opinions).
    opinions: MatchCounts = MatchCounts()
    #: Slot outcomes, see the module docstring.
    speaker: MatchCounts = MatchCounts()
    quantity: MatchCounts = MatchCounts()
    unit: MatchCounts = MatchCounts()
    time: MatchCounts = MatchCounts()
    location: MatchCounts = MatchCounts()
    #: Predicted claims left out of matching because a span was not grounded.
    ungrounded: int = 0
    #: Documents whose extraction failed (their gold is all missed).
    failed_documents: int = 0
    #: Documents counted.
    documents: int = 0

    def __add__(self, other: ClaimCounts) -> ClaimCounts:
        if not isinstance(other, ClaimCounts):
            return NotImplemented
        return ClaimCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def __radd__(self, other: object) -> ClaimCounts:
        # Lets the builtin ``sum(counts)`` start from 0.
        if other == 0:
            return self
        return NotImplemented  # type: ignore[return-value]

    def part(self, name: str) -> MatchCounts:
        """The counts of ``"claims"``, a kind (``"fact"`` / ``"opinion"``) or a slot."""
        name = {"fact": "facts", "opinion": "opinions"}.get(name, name)
        if name not in _PARTS:
            raise ValueError(f"unknown part {name!r} (known: {', '.join(_PARTS)})")
        return getattr(self, name)


_PARTS: tuple[str, ...] = ("claims", "facts", "opinions", *SCORED_SLOTS)
_KIND_FIELD = {"fact": "facts", "opinion": "opinions"}


@dataclass(frozen=True)
class ClaimPair:
    """One gold claim aligned with one predicted claim."""

    gold_id: str
    predicted_id: str
    #: ``sim(g, p)`` of the module docstring.
    similarity: float
    #: True when the pair passes the headline test.
    correct: bool
    #: Outcome per scored slot: "correct", "incorrect", "missed", "spurious" or "absent".
    slots: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class DocumentClaimScore:
    """The claim scoring of one document, with what it was computed from."""

    doc_id: str
    counts: ClaimCounts
    #: Aligned pairs, in the canonical order of the gold claims (by evidence offsets).
    pairs: tuple[ClaimPair, ...] = ()
    #: Ids of gold claims no prediction was aligned to.
    missed: tuple[str, ...] = ()
    #: Ids of grounded predicted claims aligned to no gold claim.
    spurious: tuple[str, ...] = ()
    #: Grounding of the predicted entities and claims (the ungrounded ones are spurious).
    grounding: GroundingReport = GroundingReport()
    #: Why the extraction failed, when it did.
    failure: str | None = None


@dataclass(frozen=True)
class ClaimScores:
    """Claim scores of a corpus: the per-document scores and their sums."""

    documents: tuple[DocumentClaimScore, ...]

    @property
    def counts(self) -> ClaimCounts:
        """Sum of the per-document counts."""
        return sum((d.counts for d in self.documents), ClaimCounts())

    @property
    def claims(self) -> PRF:
        """Headline claim P/R/F1, all kinds."""
        return self.counts.claims.prf()

    @property
    def facts(self) -> PRF:
        """Headline claim P/R/F1 of facts."""
        return self.counts.facts.prf()

    @property
    def opinions(self) -> PRF:
        """Headline claim P/R/F1 of opinions."""
        return self.counts.opinions.prf()

    @property
    def kinds_distinguished(self) -> bool:
        """True when the gold holds both facts and opinions (so the split is worth reporting)."""
        counts = self.counts
        return counts.facts.possible > 0 and counts.opinions.possible > 0

    @property
    def slots(self) -> dict[str, PRF]:
        """P/R/F1 per scored slot, in :data:`SCORED_SLOTS` order."""
        counts = self.counts
        return {slot: counts.part(slot).prf() for slot in SCORED_SLOTS}

    @property
    def failures(self) -> tuple[tuple[str, str], ...]:
        """``(doc_id, reason)`` of every failed document."""
        return tuple((d.doc_id, d.failure) for d in self.documents if d.failure is not None)

    @property
    def grounding(self) -> GroundingReport:
        """Grounding of all documents' predictions together."""
        return sum((d.grounding for d in self.documents), GroundingReport())


# --- slot comparison ----------------------------------------------------------


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return max(a_start, b_start) < min(a_end, b_end)


def _name_key(text: str) -> str:
    """A surface form reduced for comparison: Arabic normalisation, folded spaces."""
    return _SPACES.sub(" ", normalize_arabic_str(text)).strip().casefold()


def mentions_agree(gold, predicted, entities: Mapping[str, Entity]) -> bool:
    """Do a gold and a predicted speaker (or location) name the same thing?

    See the module docstring: span overlap with the gold mention or its
    entity, or equal normalised text against the gold text, its aliases and
    its entity's text.
    """
    entity = entities.get(gold.entity) if gold.entity is not None else None
    if _overlaps(gold.start, gold.end, predicted.start, predicted.end):
        return True
    if entity is not None and _overlaps(entity.start, entity.end, predicted.start, predicted.end):
        return True
    accepted = {_name_key(gold.text), *(_name_key(a) for a in getattr(gold, "aliases", ()))}
    if entity is not None:
        accepted.add(_name_key(entity.text))
    return _name_key(predicted.text) in accepted


def quantity_value(quantity: Quantity) -> float | None:
    """The numeric value of a quantity, read from its text when the value is not a number."""
    value = quantity.value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    source = value if isinstance(value, str) else quantity.text
    parsed = parse_number(source) if isinstance(source, str) else None
    return parsed if parsed is not None and math.isfinite(parsed) else None


def same_value(predicted: float | None, gold: float) -> bool:
    """Equal within :data:`QUANTITY_TOLERANCE` of the gold value (exactly, for a gold 0)."""
    return predicted is not None and abs(predicted - gold) <= QUANTITY_TOLERANCE * abs(gold)


def _gold_forms(gold: Quantity) -> list[tuple[float, str]]:
    return [(gold.value, gold.unit), *((form.value, form.unit) for form in gold.alternatives)]


def quantities_agree(gold: Quantity, predicted: Quantity) -> bool:
    """Same value as the gold quantity or one of its alternative forms."""
    value = quantity_value(predicted)
    return any(same_value(value, form_value) for form_value, _ in _gold_forms(gold))


def unit_key(unit: str) -> str:
    """The canonical unit, for comparison (see :func:`harness.text.canonical_unit`)."""
    return canonical_unit(unit.strip())


def units_agree(gold: Quantity, predicted: Quantity) -> bool:
    """Same canonical unit as the gold forms the predicted value matched (all forms if none)."""
    forms = _gold_forms(gold)
    value = quantity_value(predicted)
    matched = [form for form in forms if same_value(value, form[0])] or forms
    predicted_unit = unit_key(predicted.unit)
    return any(predicted_unit == unit_key(unit) for _, unit in matched if _has_text(unit))


def _has_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _fills(claim: Claim, slot: str) -> bool:
    """Does the claim fill the scored slot?"""
    if slot == "unit":
        return claim.quantity is not None and _has_text(claim.quantity.unit)
    if slot == "time":
        return claim.time is not None and claim.time.value is not None
    return getattr(claim, slot) is not None


def _agrees(gold: Claim, predicted: Claim, slot: str, entities: Mapping[str, Entity]) -> bool:
    """Do two claims that both fill ``slot`` agree on it?"""
    if slot == "speaker":
        return mentions_agree(gold.speaker, predicted.speaker, entities)
    if slot == "location":
        return mentions_agree(gold.location, predicted.location, entities)
    if slot == "quantity":
        return quantities_agree(gold.quantity, predicted.quantity)
    if slot == "unit":
        return units_agree(gold.quantity, predicted.quantity)
    if slot == "time":
        return gold.time.value == predicted.time.value
    raise ValueError(f"unknown slot {slot!r}")


def slot_outcome(gold: Claim, predicted: Claim, slot: str, entities: Mapping[str, Entity]) -> str:
    """correct / incorrect / missed / spurious / absent for one slot of an aligned pair."""
    gold_has, predicted_has = _fills(gold, slot), _fills(predicted, slot)
    if gold_has and predicted_has:
        return "correct" if _agrees(gold, predicted, slot, entities) else "incorrect"
    if gold_has:
        return "missed"
    if predicted_has:
        return "spurious"
    return "absent"


# --- similarity and alignment -------------------------------------------------


def evidence_iou(gold: Claim, predicted: Claim) -> float:
    """Characters in both evidence spans over characters in either."""
    a, b = gold.evidence, predicted.evidence
    inter = max(0, min(a.end, b.end) - max(a.start, b.start))
    union = (a.end - a.start) + (b.end - b.start) - inter
    return inter / union if union > 0 else 0.0


def similarity(gold: Claim, predicted: Claim, entities: Mapping[str, Entity]) -> float:
    """``sim(g, p)`` of the module docstring."""
    iou = evidence_iou(gold, predicted)
    if iou <= 0.0:
        return 0.0
    filled = [s for s in SIMILARITY_SLOT_WEIGHTS if _fills(gold, s) or _fills(predicted, s)]
    if not filled:
        agreement = 1.0
    else:
        total = sum(SIMILARITY_SLOT_WEIGHTS[s] for s in filled)
        agreeing = sum(
            SIMILARITY_SLOT_WEIGHTS[s]
            for s in filled
            if _fills(gold, s) and _fills(predicted, s) and _agrees(gold, predicted, s, entities)
        )
        agreement = agreeing / total
    return EVIDENCE_WEIGHT * iou + (1.0 - EVIDENCE_WEIGHT) * agreement


def headline_match(gold: Claim, predicted: Claim) -> bool:
    """Overlapping evidence and, where the gold has a quantity, the same value."""
    if evidence_iou(gold, predicted) <= 0.0:
        return False
    if gold.quantity is None:
        return True
    return predicted.quantity is not None and quantities_agree(gold.quantity, predicted.quantity)


def _canonical_order(claims: Sequence[Claim]) -> list[Claim]:
    """Claims sorted by evidence offsets, then content: alignment ignores input order."""
    return sorted(claims, key=lambda c: (c.evidence.start, c.evidence.end, repr(c)))


def align(
    gold: Sequence[Claim], predicted: Sequence[Claim], entities: Mapping[str, Entity]
) -> list[tuple[int, int, float, bool]]:
    """Optimal one-to-one alignment: ``(gold index, predicted index, similarity, headline match)``.

    Indices refer to the sequences as given. Only eligible pairs are returned.
    """
    if not gold or not predicted:
        return []
    sim = np.array([[similarity(g, p, entities) for p in predicted] for g in gold])
    strict = np.array([[headline_match(g, p) for p in predicted] for g in gold])
    eligible = sim >= MIN_SIMILARITY
    bonus = min(len(gold), len(predicted)) + 1
    objective = np.where(eligible, sim + bonus * strict, 0.0)
    rows, cols = linear_sum_assignment(objective, maximize=True)
    return [
        (int(r), int(c), float(sim[r, c]), bool(strict[r, c])) for r, c in zip(rows, cols) if eligible[r, c]
    ]


# --- scoring ------------------------------------------------------------------


def _tally(outcomes: Iterable[str]) -> MatchCounts:
    found = {"correct": 0, "incorrect": 0, "missed": 0, "spurious": 0}
    for outcome in outcomes:
        if outcome in found:
            found[outcome] += 1
    return MatchCounts(
        correct=found["correct"], incorrect=found["incorrect"], missed=found["missed"], spurious=found["spurious"]
    )


def _failed(gold: GoldDocument, reason: str) -> DocumentClaimScore:
    claims = gold.gold.claims
    outcomes = [("claims", "missed")] * len(claims) + [(_KIND_FIELD.get(c.kind), "missed") for c in claims]
    outcomes += [(slot, "missed") for c in claims for slot in SCORED_SLOTS if _fills(c, slot)]
    counts = _counts(outcomes, ungrounded=0, failed=1)
    return DocumentClaimScore(
        gold.document.doc_id, counts, missed=tuple(c.id for c in claims), failure=reason
    )


def _counts(outcomes: list[tuple[str | None, str]], ungrounded: int, failed: int) -> ClaimCounts:
    by_part = {part: _tally(o for p, o in outcomes if p == part) for part in _PARTS}
    return ClaimCounts(**by_part, ungrounded=ungrounded, failed_documents=failed, documents=1)


def score_document(gold: GoldDocument, prediction: Prediction | None) -> DocumentClaimScore:
    """Claim counts of one document; a missing or failed prediction misses all its gold."""
    doc_id = gold.document.doc_id
    if prediction is None:
        return _failed(gold, NO_PREDICTION)
    if prediction.doc_id != doc_id:
        raise ValueError(f"prediction for document {prediction.doc_id!r} scored against gold {doc_id!r}")
    if prediction.failed:
        return _failed(gold, str(prediction.error))

    kept, grounding = keep_grounded(gold.document, prediction.annotations)
    ungrounded = {p.item_index for p in grounding.problems if p.item_kind == "claim"}
    left_out = [c for i, c in enumerate(prediction.annotations.claims) if i in ungrounded]
    entities = {e.id: e for e in gold.gold.entities}
    gold_claims = _canonical_order(gold.gold.claims)
    predicted = _canonical_order(kept.claims)

    outcomes: list[tuple[str | None, str]] = []
    pairs: list[ClaimPair] = []
    aligned_gold: set[int] = set()
    aligned_predicted: set[int] = set()
    for gi, pi, sim, correct in sorted(align(gold_claims, predicted, entities)):
        g, p = gold_claims[gi], predicted[pi]
        aligned_gold.add(gi)
        aligned_predicted.add(pi)
        headline = "correct" if correct else "incorrect"
        outcomes += [("claims", headline), (_KIND_FIELD.get(g.kind), headline)]
        slots = tuple((slot, slot_outcome(g, p, slot, entities)) for slot in SCORED_SLOTS)
        outcomes += list(slots)
        pairs.append(ClaimPair(g.id, p.id, sim, correct, slots))

    missed = [g for i, g in enumerate(gold_claims) if i not in aligned_gold]
    for g in missed:
        outcomes += [("claims", "missed"), (_KIND_FIELD.get(g.kind), "missed")]
        outcomes += [(slot, "missed") for slot in SCORED_SLOTS if _fills(g, slot)]
    spurious = [p for i, p in enumerate(predicted) if i not in aligned_predicted]
    for p in [*spurious, *left_out]:
        outcomes += [("claims", "spurious"), (_KIND_FIELD.get(p.kind), "spurious")]
        outcomes += [(slot, "spurious") for slot in SCORED_SLOTS if _fills(p, slot)]

    return DocumentClaimScore(
        doc_id,
        _counts(outcomes, ungrounded=len(left_out), failed=0),
        pairs=tuple(pairs),
        missed=tuple(g.id for g in missed),
        spurious=tuple(p.id for p in spurious),
        grounding=grounding,
    )


def score_claims(gold: Sequence[GoldDocument], predictions: Iterable[Prediction]) -> ClaimScores:
    """Claim scores of every gold document against the predictions, matched by ``doc_id``.

    A gold document without a prediction counts as failed (:data:`NO_PREDICTION`).
    Two predictions for one document, or a prediction for a document not in
    the gold, are refused with a ``ValueError`` naming the document.
    """
    by_doc: dict[str, Prediction] = {}
    for prediction in predictions:
        if prediction.doc_id in by_doc:
            raise ValueError(f"two predictions for document {prediction.doc_id!r}")
        by_doc[prediction.doc_id] = prediction
    gold_ids = [g.document.doc_id for g in gold]
    unknown = sorted(set(by_doc) - set(gold_ids))
    if unknown:
        raise ValueError(f"predictions for documents not in the gold: {', '.join(map(repr, unknown))}")
    return ClaimScores(tuple(score_document(g, by_doc.get(g.document.doc_id)) for g in gold))


# --- bootstrap support --------------------------------------------------------


def tp_fp_fn(counts: MatchCounts) -> tuple[int, int, int]:
    """TP, FP, FN of headline-style counts: correct, predicted - correct, gold - correct."""
    return counts.correct, counts.actual - counts.correct, counts.possible - counts.correct


def count_matrix(per_document: Sequence[ClaimCounts], part: str = "claims") -> np.ndarray:
    """(documents, 3) matrix of TP / FP / FN of one part, for :mod:`harness.stats`."""
    return np.array([tp_fp_fn(c.part(part)) for c in per_document], dtype=float).reshape(-1, 3)


def claim_f1(per_document: Sequence[ClaimCounts]) -> float:
    """Headline claim F1 of a list of per-document counts (the generic bootstrap metric)."""
    return sum_counts(c.claims for c in per_document).prf().f1
