"""Claim scoring: align predicted claims to gold claims once, then judge each pair in every mode.

Steps for one document
----------------------
1. A failed extraction (``Prediction.error`` set, or no prediction at all)
   scores every gold claim of the document as missed and records the reason;
   whatever annotations such a prediction carries are not scored.
2. Grounding (:mod:`harness.scoring.grounding`): a predicted claim with any
   span that is not ``text[start:end]`` is left out of matching and counted
   as spurious (in every mode, in its declared kind and in each slot it
   fills), and listed in the document's grounding report.
3. Alignment: gold and predicted claims are paired one-to-one by optimal
   assignment (``scipy.optimize.linear_sum_assignment``). The claims are
   first put in a canonical order (evidence offsets, then content), so the
   result does not depend on the order they came in.
4. Verdicts: every aligned pair is judged in every claim mode below; an
   aligned pair that fails a mode is *incorrect* in it. The counts of every
   mode, kind and slot are tallies of the one alignment
   (:func:`ClaimAlignment.counts`), so a verdict added later (the ``content``
   mode of a model judge) is scored on exactly the same pairs.

Claim modes
-----------
``evidence``
    the evidence spans overlap (by at least the minimum overlap ratio, see
    below) and, where the gold has a quantity, the predicted quantity has the
    same value within :data:`QUANTITY_TOLERANCE` (0.5%) of the gold value
    (any of the gold's ``alternatives`` forms counts; a gold 0 must be
    predicted exactly; "5%" never equals "6%"). This was the headline claim
    score of ``metrics.json`` schema 1.
``strict`` (the headline)
    the evidence spans overlap and every slot agrees: speaker, quantity value,
    unit, time value and location (the slot rules below). A slot both claims
    leave empty agrees; a slot only one of them fills does not. So a claim
    with the right words credited to the wrong speaker is not correct.
``content``
    whether the prediction asserts the same thing, decided by a judge
    (:mod:`harness.judging`); not computed here. A judge may leave a pair
    *unjudged* (its answer could not be read, or it refused): such a pair's
    verdict is ``None``, and in that mode it is neither correct nor
    incorrect: it is left out of both precision and recall (the gold claim
    is not counted as possible, the prediction not as actual) and counted
    apart (:meth:`ClaimAlignment.unjudged`).

Evidence overlap: the share of characters the two evidence spans have in
common among the characters of either (IoU). With ``min_overlap`` 0 (the
default) any shared character is enough; with e.g. 0.5 the spans must share
at least half their union.

Similarity and the alignment objective
--------------------------------------
::

    sim(g, p) = 0                                       if the evidence spans do not overlap
    sim(g, p) = 0.5 * IoU(evidence) + 0.5 * agreement   otherwise

``agreement`` is the weighted share of agreeing slots among the slots that
``g`` or ``p`` fills, with weights quantity value 0.4, speaker 0.2, time value
0.2, location 0.2 (the quantity is the heart of a checkable number); it is 1
when neither fills any slot. A pair is eligible for alignment only when its
evidence overlaps and ``sim >= MIN_SIMILARITY`` (0.1): below it the two
claims are not the same claim, and the gold one counts as missed, the
predicted one as spurious.

The assignment maximises, in this order of priority, the number of
``evidence`` matches, then of ``strict`` matches, then the total similarity
(each priority is weighted above everything the lower ones can add up to), so
no tie-break of the solver can cost a match, and the ``evidence`` counts are
those of schema 1's headline.

Kinds: an aligned prediction is counted under the kind of its gold claim; an
unaligned (or ungrounded) prediction is spurious in its own declared kind (a
kind other than ``fact`` / ``opinion`` is spurious in the mode only). A
prediction's kind is not itself scored.

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
* quantity value: as in the ``evidence`` mode. A predicted value that is not a
  finite number (None, NaN, or a string such as "١١٠٬٠٠٠") is read with
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
bootstrap resamples are sums of document counts.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import linear_sum_assignment

from harness.annotations import (
    CLAIM_SLOTS,
    Annotations,
    Claim,
    Entity,
    GoldDocument,
    Prediction,
    Quantity,
)
from harness.scoring.counts import MatchCounts
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
#: The slots scored one by one, in report order: the annotation's claim slots, with the
#: quantity's unit scored apart right after its value.
SCORED_SLOTS: tuple[str, ...] = tuple(name for slot in CLAIM_SLOTS for name in ((slot, "unit") if slot == "quantity" else (slot,)))
#: Claim modes this module judges, in report order (``content`` comes from a judge).
CLAIM_MODES: tuple[str, ...] = ("evidence", "strict")
#: The mode of the headline claim score (summaries, leaderboard, default gates).
HEADLINE_CLAIM_MODE = "strict"
#: Claim kinds reported apart.
CLAIM_KINDS: tuple[str, ...] = ("fact", "opinion")
#: Reason recorded for a gold document no prediction was given for.
NO_PREDICTION = "no prediction for this document"

_SPACES = re.compile(r"\s+")


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
    if slot in ("quantity", "unit"):
        if gold.quantity is None or predicted.quantity is None:
            raise ValueError(f"slot {slot!r} compared while a claim leaves it empty ({gold.id}, {predicted.id})")
        if slot == "quantity":
            return quantities_agree(gold.quantity, predicted.quantity)
        return units_agree(gold.quantity, predicted.quantity)
    if slot == "time":
        if gold.time is None or predicted.time is None:
            raise ValueError(f"slot 'time' compared while a claim leaves it empty ({gold.id}, {predicted.id})")
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


# --- similarity and verdicts --------------------------------------------------


def evidence_iou(gold: Claim, predicted: Claim) -> float:
    """Characters in both evidence spans over characters in either."""
    a, b = gold.evidence, predicted.evidence
    inter = max(0, min(a.end, b.end) - max(a.start, b.start))
    union = (a.end - a.start) + (b.end - b.start) - inter
    return inter / union if union > 0 else 0.0


def evidence_overlaps(gold: Claim, predicted: Claim, min_overlap: float = 0.0) -> bool:
    """Do the evidence spans overlap by at least ``min_overlap`` (IoU; 0 = any shared character)?"""
    iou = evidence_iou(gold, predicted)
    return iou > 0.0 and iou >= min_overlap


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


def evidence_match(gold: Claim, predicted: Claim, min_overlap: float = 0.0) -> bool:
    """The ``evidence`` mode: overlapping evidence and, where the gold has a quantity, the same value."""
    if not evidence_overlaps(gold, predicted, min_overlap):
        return False
    if gold.quantity is None:
        return True
    return predicted.quantity is not None and quantities_agree(gold.quantity, predicted.quantity)


def strict_match(
    gold: Claim, predicted: Claim, entities: Mapping[str, Entity], min_overlap: float = 0.0
) -> bool:
    """The ``strict`` mode: overlapping evidence and every slot agrees (both empty agrees)."""
    if not evidence_overlaps(gold, predicted, min_overlap):
        return False
    return all(slot_outcome(gold, predicted, slot, entities) in ("correct", "absent") for slot in SCORED_SLOTS)


def _canonical_order(claims: Sequence[Claim]) -> list[int]:
    """Indices of ``claims`` sorted by evidence offsets, then content: alignment ignores input order."""
    return sorted(range(len(claims)), key=lambda i: (claims[i].evidence.start, claims[i].evidence.end, repr(claims[i])))


def align(
    gold: Sequence[Claim], predicted: Sequence[Claim], entities: Mapping[str, Entity], min_overlap: float = 0.0
) -> list[tuple[int, int, float, bool, bool]]:
    """Optimal one-to-one alignment: ``(gold index, predicted index, similarity, evidence match, strict match)``.

    Indices refer to the sequences as given. Only eligible pairs are returned.
    """
    if not gold or not predicted:
        return []
    sim = np.array([[similarity(g, p, entities) for p in predicted] for g in gold])
    overlap = np.array([[evidence_overlaps(g, p, min_overlap) for p in predicted] for g in gold])
    evidence = np.array([[evidence_match(g, p, min_overlap) for p in predicted] for g in gold])
    strict = np.array([[strict_match(g, p, entities, min_overlap) for p in predicted] for g in gold])
    eligible = overlap & (sim >= MIN_SIMILARITY)
    n = min(len(gold), len(predicted))
    strict_weight = n + 1.0  # above any total similarity
    evidence_weight = (n + 1.0) * strict_weight  # above any total of strict weights and similarities
    objective = np.where(eligible, sim + strict_weight * strict + evidence_weight * evidence, 0.0)
    rows, cols = linear_sum_assignment(objective, maximize=True)
    return [
        (int(r), int(c), float(sim[r, c]), bool(evidence[r, c]), bool(strict[r, c]))
        for r, c in zip(rows, cols)
        if eligible[r, c]
    ]


# --- the alignment of one document --------------------------------------------


def _filled_slots(claim: Claim) -> tuple[str, ...]:
    return tuple(slot for slot in SCORED_SLOTS if _fills(claim, slot))


@dataclass(frozen=True)
class ClaimPair:
    """One gold claim aligned with one predicted claim, with its verdict in each mode."""

    gold_id: str
    #: Index of the predicted claim in the prediction's claim list (as stored).
    predicted_index: int
    #: The predicted claim's own id (not necessarily unique).
    predicted_id: str
    #: Kind of the gold claim: the pair is counted under it.
    kind: str
    #: Where the gold evidence starts (characters), to place the pair in a paragraph.
    position: int
    #: ``sim(g, p)`` of the module docstring.
    similarity: float
    #: ``(mode, passed)`` for each mode judged (``CLAIM_MODES``, plus ``content`` when judged);
    #: ``passed`` is None for a pair a judge left unjudged.
    verdicts: tuple[tuple[str, bool | None], ...]
    #: Outcome per scored slot: "correct", "incorrect", "missed", "spurious" or "absent".
    slots: tuple[tuple[str, str], ...]

    def verdict(self, mode: str) -> bool | None:
        """The pair's verdict in ``mode``; None when the mode was not judged or the pair was left unjudged."""
        for name, passed in self.verdicts:
            if name == mode:
                return passed
        return None

    def unjudged(self, mode: str) -> bool:
        """Was ``mode`` judged for this pair but no verdict reached (counted apart, never scored)?"""
        return any(name == mode and passed is None for name, passed in self.verdicts)


@dataclass(frozen=True)
class UnpairedClaim:
    """A gold claim no prediction was aligned to, or a predicted claim aligned to no gold claim."""

    #: The gold id, or the predicted claim's id.
    id: str
    #: Index in the prediction's claim list (None for a gold claim).
    predicted_index: int | None
    kind: str
    #: Where its evidence starts (characters).
    position: int
    #: The scored slots it fills (each is missed or spurious).
    slots: tuple[str, ...]


@dataclass(frozen=True)
class ClaimAlignment:
    """Everything claim scoring decided on one document; all counts are tallies of it."""

    doc_id: str
    pairs: tuple[ClaimPair, ...] = ()
    #: Gold claims no prediction was aligned to (all of them when the extraction failed).
    missed: tuple[UnpairedClaim, ...] = ()
    #: Grounded predicted claims aligned to no gold claim.
    spurious: tuple[UnpairedClaim, ...] = ()
    #: Predicted claims left out of matching because a span was not grounded (spurious too).
    ungrounded: tuple[UnpairedClaim, ...] = ()
    #: Why the extraction failed, when it did.
    failure: str | None = None
    #: Modes every pair carries a verdict for.
    modes: tuple[str, ...] = CLAIM_MODES

    def counts(self) -> ClaimCounts:
        """Counts of every mode (all kinds and per kind) and every slot."""
        tallies: dict[str, list[int]] = {}

        def add(part: str, outcome: str) -> None:
            tally = tallies.setdefault(part, [0, 0, 0, 0])
            tally[_OUTCOME_INDEX[outcome]] += 1

        for mode in self.modes:
            for pair in self.pairs:
                if pair.unjudged(mode):
                    continue  # neither correct nor incorrect: left out of precision and recall
                outcome = "correct" if pair.verdict(mode) else "incorrect"
                add(mode, outcome)
                if pair.kind in CLAIM_KINDS:
                    add(f"{mode}.{pair.kind}", outcome)
            for claim in self.missed:
                add(mode, "missed")
                if claim.kind in CLAIM_KINDS:
                    add(f"{mode}.{claim.kind}", "missed")
            for claim in (*self.spurious, *self.ungrounded):
                add(mode, "spurious")
                if claim.kind in CLAIM_KINDS:
                    add(f"{mode}.{claim.kind}", "spurious")
        for pair in self.pairs:
            for slot, outcome in pair.slots:
                if outcome != "absent":
                    add(f"slot.{slot}", outcome)
        for claim in self.missed:
            for slot in claim.slots:
                add(f"slot.{slot}", "missed")
        for claim in (*self.spurious, *self.ungrounded):
            for slot in claim.slots:
                add(f"slot.{slot}", "spurious")
        parts = tuple(
            (name, MatchCounts(correct=t[0], incorrect=t[1], missed=t[2], spurious=t[3])) for name, t in sorted(tallies.items())
        )
        return ClaimCounts(parts, ungrounded=len(self.ungrounded), failed_documents=int(self.failure is not None), documents=1)

    def with_verdicts(self, mode: str, verdicts: Mapping[tuple[str, int], bool | None]) -> ClaimAlignment:
        """The same alignment with one more mode judged: ``verdicts[(gold id, predicted index)]`` per pair.

        Used by judges (the ``content`` mode). Every pair must have an entry;
        an entry may be None: the judge could not decide (an unparseable or
        refused answer), and the pair is left out of the mode's counts
        (see the module docstring) and counted by :meth:`unjudged`.
        """
        missing = [(p.gold_id, p.predicted_index) for p in self.pairs if (p.gold_id, p.predicted_index) not in verdicts]
        if missing:
            raise ValueError(f"{self.doc_id}: no {mode} verdict for pairs {missing[:5]}")
        if mode in CLAIM_MODES:
            raise ValueError(f"{self.doc_id}: the {mode} mode is decided by the scorer, not by a judge")

        def judged(pair: ClaimPair) -> tuple[tuple[str, bool | None], ...]:
            value = verdicts[pair.gold_id, pair.predicted_index]
            return (*((m, v) for m, v in pair.verdicts if m != mode), (mode, None if value is None else bool(value)))

        pairs = tuple(replace(p, verdicts=judged(p)) for p in self.pairs)
        modes = self.modes if mode in self.modes else (*self.modes, mode)
        return replace(self, pairs=pairs, modes=modes)

    def unjudged(self, mode: str) -> int:
        """Pairs judged in ``mode`` without a verdict (an unparseable or refused answer)."""
        return sum(pair.unjudged(mode) for pair in self.pairs)


_OUTCOME_INDEX = {"correct": 0, "incorrect": 1, "missed": 2, "spurious": 3}


@dataclass(frozen=True)
class ClaimCounts:
    """Counts of one document (or a sum: add with ``+``), by part name.

    Part names: a mode (``"strict"``), a mode and kind (``"strict.fact"``),
    or a slot (``"slot.speaker"``). A part that never occurred counts zero.
    """

    parts: tuple[tuple[str, MatchCounts], ...] = ()
    #: Predicted claims left out of matching because a span was not grounded.
    ungrounded: int = 0
    #: Documents whose extraction failed (their gold is all missed).
    failed_documents: int = 0
    #: Documents counted.
    documents: int = 0

    def __add__(self, other: ClaimCounts) -> ClaimCounts:
        if not isinstance(other, ClaimCounts):
            return NotImplemented
        merged = dict(self.parts)
        for name, counts in other.parts:
            merged[name] = merged[name] + counts if name in merged else counts
        return ClaimCounts(
            tuple(sorted(merged.items())),
            self.ungrounded + other.ungrounded,
            self.failed_documents + other.failed_documents,
            self.documents + other.documents,
        )

    def __radd__(self, other: object) -> ClaimCounts:
        # Lets the builtin ``sum(counts)`` start from 0.
        if other == 0:
            return self
        return NotImplemented

    def part(self, name: str) -> MatchCounts:
        """The counts of one part (zeros when it never occurred)."""
        for part, counts in self.parts:
            if part == name:
                return counts
        return MatchCounts()


# --- scoring ------------------------------------------------------------------


def _unpaired_gold(claim: Claim) -> UnpairedClaim:
    return UnpairedClaim(claim.id, None, claim.kind, claim.evidence.start, _filled_slots(claim))


def _unpaired_predicted(claim: Claim, index: int) -> UnpairedClaim:
    return UnpairedClaim(claim.id, index, claim.kind, claim.evidence.start, _filled_slots(claim))


def align_document(
    gold: GoldDocument,
    prediction: Prediction | None,
    min_overlap: float = 0.0,
    grounding: tuple[Annotations, GroundingReport] | None = None,
) -> ClaimAlignment:
    """The claim alignment of one document; a missing or failed prediction misses all its gold.

    ``grounding`` may pass the grounded annotations and report when the caller
    has computed them already (they are the same for entities and claims).
    """
    doc_id = gold.document.doc_id
    ordered_gold = [gold.gold.claims[i] for i in _canonical_order(gold.gold.claims)]
    if prediction is None or prediction.failed:
        reason = NO_PREDICTION if prediction is None else str(prediction.error)
        return ClaimAlignment(doc_id, missed=tuple(_unpaired_gold(c) for c in ordered_gold), failure=reason)
    if prediction.doc_id != doc_id:
        raise ValueError(f"prediction for document {prediction.doc_id!r} scored against gold {doc_id!r}")

    raw = prediction.annotations.claims
    _, report = grounding if grounding is not None else keep_grounded(gold.document, prediction.annotations)
    bad = {p.item_index for p in report.problems if p.item_kind == "claim"}
    grounded_indices = [i for i in range(len(raw)) if i not in bad]
    order = _canonical_order([raw[i] for i in grounded_indices])
    predicted_indices = [grounded_indices[k] for k in order]
    predicted = [raw[i] for i in predicted_indices]
    entities = {e.id: e for e in gold.gold.entities}

    pairs: list[ClaimPair] = []
    aligned_gold: set[int] = set()
    aligned_predicted: set[int] = set()
    for gi, pi, sim, evidence, strict in sorted(align(ordered_gold, predicted, entities, min_overlap)):
        g, p = ordered_gold[gi], predicted[pi]
        aligned_gold.add(gi)
        aligned_predicted.add(pi)
        slots = tuple((slot, slot_outcome(g, p, slot, entities)) for slot in SCORED_SLOTS)
        pairs.append(
            ClaimPair(g.id, predicted_indices[pi], p.id, g.kind, g.evidence.start, sim, (("evidence", evidence), ("strict", strict)), slots)
        )
    return ClaimAlignment(
        doc_id,
        pairs=tuple(pairs),
        missed=tuple(_unpaired_gold(g) for i, g in enumerate(ordered_gold) if i not in aligned_gold),
        spurious=tuple(_unpaired_predicted(p, predicted_indices[i]) for i, p in enumerate(predicted) if i not in aligned_predicted),
        ungrounded=tuple(_unpaired_predicted(raw[i], i) for i in sorted(bad)),
    )


def score_claims(
    gold: Sequence[GoldDocument], predictions: Iterable[Prediction], min_overlap: float = 0.0
) -> tuple[ClaimAlignment, ...]:
    """The claim alignment of every gold document, predictions matched by ``doc_id``.

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
    return tuple(align_document(g, by_doc.get(g.document.doc_id), min_overlap) for g in gold)


def total_counts(alignments: Iterable[ClaimAlignment]) -> ClaimCounts:
    """Sum of the counts of several documents."""
    return sum((a.counts() for a in alignments), ClaimCounts())
