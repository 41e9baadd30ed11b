"""Inter-annotator agreement: how far two annotations of the same texts differ.

Two annotations A and B of the same documents (two gold directories in the
project's format) are compared with the scorers the harness already has, A
playing the gold and B the prediction, so agreement is measured exactly as an
extractor is scored. Precision is then "share of B's items A has" and recall
"share of A's items B has"; swapping A and B swaps the two, F1 stays.

Entities
--------
* Span F1 from :func:`harness.scoring.entities.count_document` and
  :func:`~harness.scoring.entities.scores_from_counts`, in the ``strict``
  mode (same boundaries and label) and the ``partial`` mode (overlap earns
  half credit), overall and per label. As in SemEval-2013, the overall
  partial row ignores labels; a per-label row is computed on that label alone.
* Cohen's kappa on **whitespace tokens**: each maximal run of non-space
  characters is one unit, and its label is the label of the entity that
  covers any of its characters ("O" when none does). Why tokens and not
  characters: characters would weigh a long organisation name many times a
  short one and make the score depend on how words are spelled, while tokens
  are the unit agreement studies of named entities usually report. Arabic
  clitics sit inside a token (``بدير`` holds the LOC ``دير``; guideline 1.1
  keeps the clitic outside the span), so a token takes the label of the
  entity inside it, and a disagreement about a clitic edge is invisible to
  kappa by design: strict span F1 and the list of disagreements show it.
  A token covered by entities of two labels (a DATE inside a QUANTITY, or a
  token glued from two names) takes the joined label, e.g. ``DATE+QUANTITY``,
  a category of its own; :attr:`EntityAgreement.mixed_tokens` counts them.
  The overall kappa is over all categories; the kappa of one label is the
  two-category kappa of "covered by that label or not".
* Kappa from its definition: ``(p_o - p_e) / (1 - p_e)`` with ``p_o`` the
  share of units both give the same category and ``p_e`` the chance
  agreement, the sum over categories of the product of the two annotators'
  shares of it. When ``p_e`` is 1 (both used one category only) kappa is
  undefined and reported as None.

Claims
------
* Alignment by the claim scorer (:mod:`harness.scoring.claims`), then F1 in
  two senses: ``evidence`` (an aligned pair whose evidence overlaps and, where
  A has a quantity, whose values agree) and ``strict`` (evidence overlaps and
  every slot agrees; a slot both leave empty agrees).
* Per slot (speaker, quantity value, unit, time value, location), over the
  aligned pairs: both fill it and agree, only A fills it, only B fills it,
  both fill it and differ, neither fills it. Agreement is decided by the
  scorer's slot comparison, with A as the reference (A's aliases and entity
  links decide a speaker or a location).
* Kind (fact / opinion) over the aligned pairs: the share of pairs with the
  same kind and Cohen's kappa.

Disagreements
-------------
Every difference is listed for a person to decide, with document, offsets and
texts: entity ``boundary`` / ``label`` / ``boundary+label`` (an overlapping
pair of the strict alignment), ``missing in A`` / ``missing in B`` (an entity
or claim only the other annotation has), and for an aligned claim pair
``kind``, ``slot <name>`` (one row per slot the scorer finds different or
filled on one side only, and a time span whose value is null on one side
only), ``approx`` (same quantity, one side approximate:
the scorer does not compare it, the gold records it) and ``evidence`` (the
evidence spans overlap but differ: the scorer forgives it, the gold records
one exact span).

Everything here is a pure function of the annotations; reading directories is
:mod:`harness.corpus.agreement_input`, printing :mod:`harness.report.agreement`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from harness.annotations import ENTITY_LABELS, Claim, Entity, GoldDocument, Prediction
from harness.scoring.claims import SCORED_SLOTS, align_document
from harness.scoring.counts import PRF, MatchCounts
from harness.scoring.entities import (
    align_entities,
    count_document,
    scores_from_counts,
    sum_documents,
)

#: The category of a unit (token) no entity covers.
OUTSIDE = "O"
#: Name of the row that takes all labels together.
ALL = "all"

_TOKEN = re.compile(r"\S+")


class AgreementError(ValueError):
    """Two annotations that cannot be compared (different texts, nothing shared)."""


# --- results ------------------------------------------------------------------


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa of one comparison, with the two terms it is made of."""

    #: ``all``, an entity label, or ``kind``.
    name: str
    #: Units both annotators categorised (tokens, or aligned claim pairs).
    units: int
    #: Share of units both put in the same category (p_o).
    observed: float
    #: Agreement expected by chance from each annotator's category shares (p_e).
    expected: float
    #: ``(p_o - p_e) / (1 - p_e)``; None when ``p_e`` is 1 (a single category).
    kappa: float | None


@dataclass(frozen=True)
class SpanRow:
    """Entity span agreement of one label (or ``all``), A as the reference."""

    label: str
    #: Entities of this label in A and in B.
    in_a: int
    in_b: int
    #: Same boundaries and label.
    strict: PRF
    #: Overlap earns half credit (the overall row ignores labels).
    partial: PRF


@dataclass(frozen=True)
class EntityAgreement:
    #: ``all`` first, then each label present in A or B, in ``ENTITY_LABELS`` order.
    spans: tuple[SpanRow, ...]
    #: ``all`` first (every category), then one two-category kappa per label.
    kappas: tuple[Kappa, ...]
    #: Whitespace tokens of the compared documents.
    tokens: int
    #: Tokens that A or B covers with entities of two different labels.
    mixed_tokens: int


@dataclass(frozen=True)
class SlotAgreement:
    """How the aligned claim pairs fill one slot."""

    slot: str
    #: Both fill the slot and the scorer finds the two equal.
    agree: int
    #: Only A fills it.
    only_a: int
    #: Only B fills it.
    only_b: int
    #: Both fill it with different values.
    differ: int
    #: Neither fills it.
    empty: int

    @property
    def pairs(self) -> int:
        return self.agree + self.only_a + self.only_b + self.differ + self.empty


@dataclass(frozen=True)
class ClaimAgreement:
    in_a: int
    in_b: int
    #: Claim pairs the alignment made.
    aligned: int
    #: Aligned pairs whose evidence spans are identical.
    same_evidence: int
    #: Counts of the ``evidence`` and ``strict`` senses (A as the gold).
    evidence: MatchCounts
    strict: MatchCounts
    #: One row per slot, in ``SCORED_SLOTS`` order.
    slots: tuple[SlotAgreement, ...]
    #: ``((kind in A, kind in B), pairs)`` over the aligned pairs, sorted.
    kinds: tuple[tuple[tuple[str, str], int], ...]
    #: Kappa of the kind over the aligned pairs.
    kind_kappa: Kappa


@dataclass(frozen=True)
class Side:
    """One annotation's side of a disagreement: the item and where it is."""

    id: str
    start: int
    end: int
    text: str
    #: What this side says: the label, the kind, or the slot value.
    says: str


@dataclass(frozen=True)
class Disagreement:
    doc_id: str
    #: ``entity`` or ``claim``.
    item: str
    #: ``boundary``, ``label``, ``boundary+label``, ``missing in A``,
    #: ``missing in B``, ``kind``, ``slot <name>``, ``approx`` or ``evidence``.
    kind: str
    #: A's item (None when missing in A).
    a: Side | None
    #: B's item (None when missing in B).
    b: Side | None

    @property
    def position(self) -> int:
        return min(side.start for side in (self.a, self.b) if side is not None)


@dataclass(frozen=True)
class Agreement:
    """Everything :func:`compare` measured."""

    #: Documents compared (in both A and B), sorted.
    documents: tuple[str, ...]
    #: Documents only one side has: not compared.
    only_in_a: tuple[str, ...]
    only_in_b: tuple[str, ...]
    entities: EntityAgreement
    claims: ClaimAgreement
    #: Every disagreement, by document and position.
    disagreements: tuple[Disagreement, ...]


# --- kappa --------------------------------------------------------------------


def cohen_kappa(name: str, pairs: Sequence[tuple[Hashable, Hashable]]) -> Kappa:
    """Cohen's kappa of ``(category by A, category by B)`` pairs, from its definition."""
    n = len(pairs)
    if n == 0:
        return Kappa(name, 0, 0.0, 0.0, None)
    observed = sum(a == b for a, b in pairs) / n
    shares_a = Counter(a for a, _ in pairs)
    shares_b = Counter(b for _, b in pairs)
    expected = sum(shares_a[c] * shares_b[c] for c in shares_a) / (n * n)
    kappa = None if expected == 1.0 else (observed - expected) / (1.0 - expected)
    return Kappa(name, n, observed, expected, kappa)


def token_labels(text: str, entities: Sequence[Entity]) -> list[frozenset[str]]:
    """For each whitespace token of ``text``, the labels of the entities covering any of its characters."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    starts = [start for start, _ in tokens]
    covered: list[set[str]] = [set() for _ in tokens]
    for entity in entities:
        # Tokens from the one holding the entity's first character to the last starting before its end.
        first = max(bisect_right(starts, entity.start) - 1, 0)
        for i in range(first, bisect_left(starts, entity.end)):
            if tokens[i][1] > entity.start:
                covered[i].add(entity.label)
    return [frozenset(labels) for labels in covered]


def category(labels: frozenset[str]) -> str:
    """One category from a token's labels: ``O``, the label, or the labels joined with ``+``."""
    if not labels:
        return OUTSIDE
    return "+".join(sorted(labels, key=_label_order))


def _label_order(label: str) -> tuple[int, str]:
    return (ENTITY_LABELS.index(label) if label in ENTITY_LABELS else len(ENTITY_LABELS), label)


# --- the claim scorer, in one place --------------------------------------------


@dataclass(frozen=True)
class _ClaimLink:
    """An aligned claim pair as this module needs it."""

    a: Claim
    b: Claim
    evidence: bool
    strict: bool
    #: ``(slot, outcome)`` with the scorer's outcomes: correct, incorrect, missed, spurious, absent.
    slots: tuple[tuple[str, str], ...]


def _align_claims(a: GoldDocument, b: GoldDocument) -> tuple[list[_ClaimLink], list[Claim], list[Claim]]:
    """Aligned pairs, claims only in A, claims only in B: the only use of the claim scorer here.

    Calls :func:`harness.scoring.claims.align_document` with A as the gold and
    B as a prediction, and reads each pair's ``evidence`` and ``strict`` verdicts.
    """
    doc_id = a.document.doc_id
    alignment = align_document(a, Prediction(doc_id, b.gold))
    if alignment.ungrounded:
        # Both sides passed validation, so this cannot happen; never drop a claim unseen.
        raise AgreementError(f"{doc_id}: B's claims {[c.id for c in alignment.ungrounded]} are not grounded in the text")
    a_claims = {c.id: c for c in a.gold.claims}
    if len(a_claims) != len(a.gold.claims):
        # A's claims are named by id (B's by position); a gold file never repeats one (the validator sees to it).
        raise AgreementError(f"{doc_id}: A uses a claim id twice, so its claims cannot be told apart")
    b_claims = b.gold.claims
    links = [
        _ClaimLink(
            a_claims[pair.gold_id],
            b_claims[pair.predicted_index],
            evidence=bool(pair.verdict("evidence")),
            strict=bool(pair.verdict("strict")),
            slots=pair.slots,
        )
        for pair in alignment.pairs
    ]
    only_b = [b_claims[c.predicted_index] for c in alignment.spurious if c.predicted_index is not None]
    return links, [a_claims[c.id] for c in alignment.missed], only_b


# --- entities -----------------------------------------------------------------


def _entity_side(entity: Entity) -> Side:
    return Side(entity.id, entity.start, entity.end, entity.text, entity.label)


def _entity_disagreements(doc_id: str, a: Sequence[Entity], b: Sequence[Entity]) -> list[Disagreement]:
    """Every row of the strict alignment that is not a correct pair."""
    out = []
    for row in align_entities(a, b, mode="strict"):
        g, p = row.gold, row.predicted
        if row.outcome == "correct":
            continue
        if p is None and g is not None:  # missed
            out.append(Disagreement(doc_id, "entity", "missing in B", _entity_side(g), None))
        elif g is None and p is not None:  # spurious
            out.append(Disagreement(doc_id, "entity", "missing in A", None, _entity_side(p)))
        elif g is not None and p is not None:
            same_span = (g.start, g.end) == (p.start, p.end)
            what = "label" if same_span else "boundary" if g.label == p.label else "boundary+label"
            out.append(Disagreement(doc_id, "entity", what, _entity_side(g), _entity_side(p)))
    return out


def _entity_agreement(pairs: Sequence[tuple[GoldDocument, GoldDocument]]) -> EntityAgreement:
    counts = sum_documents(count_document(a.gold.entities, b.gold.entities) for a, b in pairs)
    scores = scores_from_counts(counts)
    present = sorted({label for label, _ in counts.per_label}, key=_label_order)
    spans = [SpanRow(ALL, scores.strict.counts.possible, scores.strict.counts.actual, scores.strict.micro, scores.partial.micro)]
    for label in present:
        strict = scores.strict.label(label)
        spans.append(SpanRow(label, strict.counts.possible, strict.counts.actual, strict.prf, scores.partial.label(label).prf))

    token_pairs: list[tuple[frozenset[str], frozenset[str]]] = []
    for a, b in pairs:
        text = a.document.text
        token_pairs += zip(token_labels(text, a.gold.entities), token_labels(text, b.gold.entities))
    kappas = [cohen_kappa(ALL, [(category(x), category(y)) for x, y in token_pairs])]
    kappas += [cohen_kappa(label, [(label in x, label in y) for x, y in token_pairs]) for label in present]
    mixed = sum(len(x) > 1 or len(y) > 1 for x, y in token_pairs)
    return EntityAgreement(tuple(spans), tuple(kappas), len(token_pairs), mixed)


# --- claims -------------------------------------------------------------------

_SLOT_FIELD = {"speaker": "speaker", "quantity": "quantity", "unit": "quantity", "time": "time", "location": "location"}


def slot_value(claim: Claim, slot: str) -> str:
    """What a claim says in one scored slot, readable: text and value, or ``-`` when empty."""
    q = claim.quantity
    if slot == "speaker":
        return "-" if claim.speaker is None else claim.speaker.text
    if slot == "quantity":
        if q is None:
            return "-"
        return f"{q.value:g}{' approx' if q.approx else ''} ({q.text})"
    if slot == "unit":
        return "-" if q is None or not q.unit.strip() else q.unit
    if slot == "time":
        t = claim.time
        return "-" if t is None else f"{t.value if t.value is not None else 'null'} ({t.text})"
    if slot == "location":
        return "-" if claim.location is None else claim.location.text
    raise ValueError(f"unknown slot {slot!r}")


def _slot_side(claim: Claim, slot: str, entities: Mapping[str, Entity]) -> Side:
    """The claim with the span of the slot when it fills it, else its evidence.

    A speaker or location linked to an entity names it, so a person sees when
    two different spans point to the same mention.
    """
    part = getattr(claim, _SLOT_FIELD[slot])
    if part is None:
        return Side(claim.id, claim.evidence.start, claim.evidence.end, claim.evidence.text, f"no {slot}; evidence")
    span = part
    says = slot_value(claim, slot)
    linked = entities.get(part.entity) if slot in ("speaker", "location") and part is not None and part.entity else None
    if linked is not None:
        says += f" (entity {linked.id} «{linked.text}» [{linked.start}, {linked.end}))"
    return Side(claim.id, span.start, span.end, span.text, says)


def _claim_side(claim: Claim) -> Side:
    ev = claim.evidence
    return Side(claim.id, ev.start, ev.end, ev.text, claim.kind)


def _pair_disagreements(
    doc_id: str, link: _ClaimLink, entities_a: Mapping[str, Entity], entities_b: Mapping[str, Entity]
) -> list[Disagreement]:
    """What two aligned claims disagree on: evidence edges, kind, slots, approx."""
    out = []
    a, b = link.a, link.b
    if (a.evidence.start, a.evidence.end) != (b.evidence.start, b.evidence.end):
        out.append(Disagreement(doc_id, "claim", "evidence", _claim_side(a), _claim_side(b)))
    if a.kind != b.kind:
        out.append(Disagreement(doc_id, "claim", "kind", _claim_side(a), _claim_side(b)))
    for slot, outcome in link.slots:
        if outcome not in ("correct", "absent"):
            out.append(
                Disagreement(doc_id, "claim", f"slot {slot}", _slot_side(a, slot, entities_a), _slot_side(b, slot, entities_b))
            )
    outcomes = dict(link.slots)
    if outcomes.get("time") == "absent" and (a.time is None) != (b.time is None):
        # A time span with value null (a duration, 4.9) on one side only: the scorer sees no value on either.
        out.append(Disagreement(doc_id, "claim", "slot time", _slot_side(a, "time", entities_a), _slot_side(b, "time", entities_b)))
    # A "correct" quantity slot has a quantity on both sides.
    if outcomes.get("quantity") == "correct" and a.quantity is not None and b.quantity is not None and a.quantity.approx != b.quantity.approx:
        out.append(
            Disagreement(doc_id, "claim", "approx", _slot_side(a, "quantity", entities_a), _slot_side(b, "quantity", entities_b))
        )
    return out


_SLOT_TALLY = {"correct": "agree", "missed": "only_a", "spurious": "only_b", "incorrect": "differ", "absent": "empty"}


def _claim_agreement(
    pairs: Sequence[tuple[GoldDocument, GoldDocument]],
) -> tuple[ClaimAgreement, list[Disagreement]]:
    links: list[_ClaimLink] = []
    disagreements: list[Disagreement] = []
    only_a = only_b = 0
    for a, b in pairs:
        doc_id = a.document.doc_id
        doc_links, a_alone, b_alone = _align_claims(a, b)
        links += doc_links
        only_a += len(a_alone)
        only_b += len(b_alone)
        disagreements += [Disagreement(doc_id, "claim", "missing in B", _claim_side(c), None) for c in a_alone]
        disagreements += [Disagreement(doc_id, "claim", "missing in A", None, _claim_side(c)) for c in b_alone]
        entities_a = {e.id: e for e in a.gold.entities}
        entities_b = {e.id: e for e in b.gold.entities}
        for link in doc_links:
            disagreements += _pair_disagreements(doc_id, link, entities_a, entities_b)

    tallies: dict[str, Counter[str]] = {slot: Counter() for slot in SCORED_SLOTS}
    for link in links:
        for slot, outcome in link.slots:
            tallies[slot][_SLOT_TALLY[outcome]] += 1
    slots = tuple(SlotAgreement(slot, **{name: tallies[slot][name] for name in _SLOT_TALLY.values()}) for slot in SCORED_SLOTS)

    def sense(passed: int) -> MatchCounts:
        return MatchCounts(correct=passed, incorrect=len(links) - passed, missed=only_a, spurious=only_b)

    kind_pairs = [(link.a.kind, link.b.kind) for link in links]
    claims = ClaimAgreement(
        in_a=len(links) + only_a,
        in_b=len(links) + only_b,
        aligned=len(links),
        same_evidence=sum(link.a.evidence == link.b.evidence for link in links),
        evidence=sense(sum(link.evidence for link in links)),
        strict=sense(sum(link.strict for link in links)),
        slots=slots,
        kinds=tuple(sorted(Counter(kind_pairs).items())),
        kind_kappa=cohen_kappa("kind", kind_pairs),
    )
    return claims, disagreements


# --- the comparison -----------------------------------------------------------


def compare(a: Sequence[GoldDocument], b: Sequence[GoldDocument]) -> Agreement:
    """Agreement of annotation B with annotation A on the documents both have.

    Documents are matched by ``doc_id``; one that only one side has is listed,
    not compared. Raises :class:`AgreementError` when the two annotations of a
    document are of different texts (SHA-256 differs) or no document is shared.
    """
    by_id_a = _by_id(a, "A")
    by_id_b = _by_id(b, "B")
    shared = sorted(by_id_a.keys() & by_id_b.keys())
    if not shared:
        raise AgreementError(
            f"A and B share no document (A has {', '.join(sorted(by_id_a)) or 'none'};"
            f" B has {', '.join(sorted(by_id_b)) or 'none'})"
        )
    pairs = [(by_id_a[doc_id], by_id_b[doc_id]) for doc_id in shared]
    for da, db in pairs:
        if da.document.sha256 != db.document.sha256:
            raise AgreementError(
                f"{da.document.doc_id}: A and B annotate different texts"
                f" (SHA-256 {da.document.sha256} in A, {db.document.sha256} in B)"
            )
    entity_disagreements = [
        d for da, db in pairs for d in _entity_disagreements(da.document.doc_id, da.gold.entities, db.gold.entities)
    ]
    claims, claim_disagreements = _claim_agreement(pairs)
    disagreements = sorted(
        [*entity_disagreements, *claim_disagreements],
        key=lambda d: (d.doc_id, d.item != "entity", d.position, d.kind),
    )
    return Agreement(
        documents=tuple(shared),
        only_in_a=tuple(sorted(by_id_a.keys() - by_id_b.keys())),
        only_in_b=tuple(sorted(by_id_b.keys() - by_id_a.keys())),
        entities=_entity_agreement(pairs),
        claims=claims,
        disagreements=tuple(disagreements),
    )


def _by_id(documents: Sequence[GoldDocument], side: str) -> dict[str, GoldDocument]:
    out: dict[str, GoldDocument] = {}
    for doc in documents:
        doc_id = doc.document.doc_id
        if doc_id in out:
            raise AgreementError(f"{side} holds document {doc_id} twice")
        out[doc_id] = doc
    return out
