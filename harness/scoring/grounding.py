"""Is every predicted span really in the document?

A prediction is *grounded* when each of its spans satisfies
``0 <= start < end <= len(text)`` (integer offsets, not empty) and
``text[start:end] == span.text``. Extractors are expected to find their
offsets by searching the source text; a model that invents or miscounts
offsets produces spans that point at something else, and scoring such a
span as found would credit text the system never located.

Policy (what the scorers do with the result):

* an item (an entity, or a claim with its evidence, speaker, quantity and its
  alternatives, time and location) is ungrounded when *any* of its spans is;
  one wrong offset inside a claim makes the whole claim ungrounded, because
  the claim as a unit was not located in the text;
* ungrounded items are kept out of matching and counted as spurious by the
  scorers: they lower precision and never raise recall;
* every failing span is reported as an :class:`UngroundedSpan` naming the
  document, the item (id and position in its list) and the field, so nothing
  is dropped silently.

Gold spans are not checked here: the gold validator refuses them earlier.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from harness.annotations import CLAIM_SLOTS, Annotations, Claim, Document, Entity


@dataclass(frozen=True)
class UngroundedSpan:
    """One predicted span that does not point at its text in the document."""

    #: Document the prediction was made for.
    doc_id: str
    #: ``"entity"`` or ``"claim"``.
    item_kind: str
    #: The item's id as the extractor gave it (ids of predictions may repeat).
    item_id: str
    #: Position of the item in its list (``entities`` or ``claims``).
    item_index: int
    #: Which span of the item: ``"span"`` for an entity, ``"evidence"``,
    #: ``"speaker"``, ``"quantity"``, ``"quantity.alternatives[0]"``, ...
    field: str
    #: The offsets and text as predicted (kept raw, possibly of a wrong type).
    start: Any
    end: Any
    text: Any
    #: Why the span is not grounded, for a person to read.
    reason: str

    def __str__(self) -> str:
        return f"{self.doc_id}: {self.item_kind} {self.item_id!r} (#{self.item_index}) {self.field}: {self.reason}"


@dataclass(frozen=True)
class GroundingReport:
    """Grounding of the predictions of one or more documents; add reports with ``+``."""

    #: Documents checked.
    documents: int = 0
    #: Entities checked.
    entities_checked: int = 0
    #: Claims checked.
    claims_checked: int = 0
    #: Spans checked (an item has one or more).
    spans_checked: int = 0
    #: Every failing span, in document then item order.
    problems: tuple[UngroundedSpan, ...] = ()

    def __add__(self, other: GroundingReport) -> GroundingReport:
        if not isinstance(other, GroundingReport):
            return NotImplemented
        return GroundingReport(
            self.documents + other.documents,
            self.entities_checked + other.entities_checked,
            self.claims_checked + other.claims_checked,
            self.spans_checked + other.spans_checked,
            self.problems + other.problems,
        )

    def __radd__(self, other: object) -> GroundingReport:
        # Lets the builtin ``sum(reports)`` start from 0.
        if other == 0:
            return self
        return NotImplemented

    def _items(self, kind: str) -> set[tuple[str, int]]:
        return {(p.doc_id, p.item_index) for p in self.problems if p.item_kind == kind}

    @property
    def ungrounded_entities(self) -> int:
        """Entities with at least one ungrounded span."""
        return len(self._items("entity"))

    @property
    def ungrounded_claims(self) -> int:
        """Claims with at least one ungrounded span."""
        return len(self._items("claim"))

    @property
    def grounded(self) -> bool:
        """True when every checked span is grounded."""
        return not self.problems


def span_problem(text: str, start: Any, end: Any, span_text: Any) -> str | None:
    """Why ``(start, end, span_text)`` is not grounded in ``text``, or None when it is."""
    if not _is_int(start) or not _is_int(end):
        return f"offsets must be integers, got start={start!r} end={end!r}"
    if not isinstance(span_text, str):
        return f"span text must be a string, got {span_text!r}"
    if not 0 <= start < end <= len(text):
        return f"offsets [{start}, {end}) are empty or outside the document (length {len(text)})"
    actual = text[start:end]
    if actual != span_text:
        return f"text {span_text!r} differs from the document at [{start}, {end}): {actual!r}"
    return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _entity_spans(entity: Entity) -> list[tuple[str, Any]]:
    return [("span", entity)]


def _claim_spans(claim: Claim) -> list[tuple[str, Any]]:
    """(field, object with start/end/text) for every span of a claim; None evidence included."""
    spans: list[tuple[str, Any]] = [("evidence", claim.evidence)]
    for slot in CLAIM_SLOTS:
        part = getattr(claim, slot, None)
        if part is not None:
            spans.append((slot, part))
    quantity = getattr(claim, "quantity", None)
    if quantity is not None:
        for j, form in enumerate(getattr(quantity, "alternatives", ()) or ()):
            spans.append((f"quantity.alternatives[{j}]", form))
    return spans


def _check_item(
    text: str, doc_id: str, kind: str, item: Any, index: int, spans: list[tuple[str, Any]]
) -> list[UngroundedSpan]:
    problems = []
    item_id = str(getattr(item, "id", f"#{index}"))
    for field, span in spans:
        if span is None:
            problems.append(UngroundedSpan(doc_id, kind, item_id, index, field, None, None, None, "missing span"))
            continue
        start, end, span_text = (getattr(span, name, None) for name in ("start", "end", "text"))
        reason = span_problem(text, start, end, span_text)
        if reason is not None:
            problems.append(UngroundedSpan(doc_id, kind, item_id, index, field, start, end, span_text, reason))
    return problems


def _check(document: Document, annotations: Annotations) -> tuple[GroundingReport, list[bool], list[bool]]:
    """The report, and per entity / per claim whether it is grounded."""
    if annotations.doc_id != document.doc_id:
        raise ValueError(
            f"predictions for document {annotations.doc_id!r} checked against document {document.doc_id!r}"
        )
    text, doc_id = document.text, document.doc_id
    problems: list[UngroundedSpan] = []
    spans_checked = 0
    entity_ok: list[bool] = []
    for i, entity in enumerate(annotations.entities):
        spans = _entity_spans(entity)
        spans_checked += len(spans)
        found = _check_item(text, doc_id, "entity", entity, i, spans)
        entity_ok.append(not found)
        problems.extend(found)
    claim_ok: list[bool] = []
    for i, claim in enumerate(annotations.claims):
        spans = _claim_spans(claim)
        spans_checked += len(spans)
        found = _check_item(text, doc_id, "claim", claim, i, spans)
        claim_ok.append(not found)
        problems.extend(found)
    report = GroundingReport(1, len(entity_ok), len(claim_ok), spans_checked, tuple(problems))
    return report, entity_ok, claim_ok


def check_grounding(document: Document, annotations: Annotations) -> GroundingReport:
    """Check every span of every predicted entity and claim of one document."""
    return _check(document, annotations)[0]


def keep_grounded(document: Document, annotations: Annotations) -> tuple[Annotations, GroundingReport]:
    """The grounded items only (order kept), and the report on those left out.

    Items are kept or left out by position, not by id, so duplicate ids in a
    prediction cannot hide or drop one another.
    """
    report, entity_ok, claim_ok = _check(document, annotations)
    kept = replace(
        annotations,
        entities=tuple(e for e, ok in zip(annotations.entities, entity_ok) if ok),
        claims=tuple(c for c, ok in zip(annotations.claims, claim_ok) if ok),
    )
    return kept, report
