"""The data model every other room of the harness speaks.

Offsets are Python ``str`` indices (code points) into the document text exactly
as it was read from disk (UTF-8, no normalisation, no newline changes); ``end``
is exclusive, so ``document.text[span.start:span.end] == span.text`` holds for
every span the harness accepts. Everything here is a frozen dataclass: values,
not objects with behaviour, so they can be hashed, compared and cached.

This module imports nothing from the rest of the harness on purpose.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

EntityLabel = Literal["PER", "ORG", "LOC", "MISC", "DATE", "QUANTITY"]
ENTITY_LABELS: tuple[str, ...] = ("PER", "ORG", "LOC", "MISC", "DATE", "QUANTITY")

ClaimKind = Literal["fact", "opinion"]
CLAIM_KINDS: tuple[str, ...] = ("fact", "opinion")

#: The claim slots, in the one order every room uses (validation, grounding, scoring, judging,
#: drawing); a scorer compares them one by one and an extractor may declare them.
CLAIM_SLOTS: tuple[str, ...] = ("speaker", "quantity", "time", "location")


def sha256_text(text: str) -> str:
    """SHA-256 of the UTF-8 bytes of ``text``: the identity of a document."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Document:
    """One source text. ``doc_id`` is the file stem of the seed it came from."""

    doc_id: str
    text: str

    @property
    def sha256(self) -> str:
        return sha256_text(self.text)


@dataclass(frozen=True)
class Span:
    """A stretch of a document: ``text == document.text[start:end]``."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Entity:
    """A mention of a named thing, a date or a quantity."""

    id: str
    label: str
    start: int
    end: int
    text: str
    #: True when a model drafted this item before a person checked it.
    drafted: bool = False
    #: Gold fact of MISC mentions: True for a nationality, origin or relational
    #: adjective derived from a name (``الأمريكي``, ``سوري``), False for other
    #: MISC (events, operations, documents). None where nobody said: every
    #: other label, and predictions of extractors that do not tell. Annotation
    #: conventions that leave such adjectives unlabeled read it
    #: (:mod:`harness.conventions`).
    adjective: bool | None = None

    @property
    def span(self) -> Span:
        return Span(self.start, self.end, self.text)


@dataclass(frozen=True)
class Speaker:
    """Who asserts a claim: the mention that names them, and its entity if any.

    ``entity`` is the id of an entity in the same file (None for a speaker
    named only by a title, e.g. "وزير الخارجية الأمريكي"). ``aliases`` lists
    other acceptable surface forms of the same speaker (equivalence set).
    """

    text: str
    start: int
    end: int
    entity: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class QuantityForm:
    """Another way the text states the same quantity, e.g. miles beside km."""

    value: float
    unit: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Quantity:
    """A number with what it counts. ``approx`` marks حوالي / أكثر من / نحو."""

    value: float
    unit: str
    approx: bool
    text: str
    start: int
    end: int
    alternatives: tuple[QuantityForm, ...] = ()


@dataclass(frozen=True)
class TimeRef:
    """A date as the text gives it; ``value`` is ISO-8601, possibly partial.

    ``value`` is ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, ``--MM`` or ``--MM-DD``
    (ISO 8601 forms without a year), or None when the text gives no anchor to
    resolve it against (e.g. "قبل أيام").
    """

    value: str | None
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Location:
    text: str
    start: int
    end: int
    entity: str | None = None


@dataclass(frozen=True)
class Claim:
    """One checkable assertion: who says what, with its numbers, date and place."""

    id: str
    evidence: Span
    predicate: str
    kind: str = "fact"
    speaker: Speaker | None = None
    quantity: Quantity | None = None
    time: TimeRef | None = None
    location: Location | None = None
    drafted: bool = False


@dataclass(frozen=True)
class Annotations:
    """Entities and claims of one document: the gold, or an extractor's output."""

    doc_id: str
    entities: tuple[Entity, ...] = ()
    claims: tuple[Claim, ...] = ()


@dataclass(frozen=True)
class GoldDocument:
    """A document together with its hand-labeled annotations."""

    document: Document
    gold: Annotations


@dataclass(frozen=True)
class Prediction:
    """What one extractor produced for one document.

    A failed document keeps ``error`` (the reason) and empty annotations; the
    scorer counts its gold as missed. Nothing is dropped silently.
    """

    doc_id: str
    annotations: Annotations
    error: str | None = None
    #: Per-item diagnostics an extractor wants kept (raw output, parse status).
    meta: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def failed(self) -> bool:
        return self.error is not None
