"""Checks each item of a parsed answer against the claim and entity schema.

The model is asked for::

    {"claims":   [{"text", "kind", "speaker", "quantity", "date", "place"}],
     "entities": [{"text", "label"}]}

An item that does not keep the schema is rejected with a reason (kept in the
prediction's meta), never guessed at: a top-level value without ``claims``
or ``entities`` rejects the whole answer, which is also what keeps a
document that tries to dictate another output format from getting one
through. Tolerated, because small models do it and it changes nothing:
label spellings (``PERSON``), kind in capitals, a missing kind (``fact``),
a number given as a JSON number in ``quantity`` (kept as text; the value is
read later from the document, never from the model), empty strings as null.
Exact duplicates are dropped and counted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from harness.annotations import ENTITY_LABELS

Item = TypeVar("Item")

CLAIM_FIELDS = ("text", "kind", "speaker", "quantity", "date", "place")
SLOT_FIELDS = ("speaker", "quantity", "date", "place")
_LABEL_SPELLINGS = {
    "PERSON": "PER", "PERS": "PER", "PER": "PER",
    "ORGANIZATION": "ORG", "ORGANISATION": "ORG", "ORG": "ORG",
    "LOCATION": "LOC", "GPE": "LOC", "LOC": "LOC", "PLACE": "LOC",
    "MISC": "MISC", "NORP": "MISC", "EVENT": "MISC",
    "DATE": "DATE", "TIME": "DATE",
    "QUANTITY": "QUANTITY", "NUMBER": "QUANTITY", "CARDINAL": "QUANTITY", "PERCENT": "QUANTITY",
}


@dataclass(frozen=True)
class RawClaim:
    """A claim as the model wrote it (strings not yet located in the document)."""

    text: str
    kind: str = "fact"
    speaker: str | None = None
    quantity: str | None = None
    date: str | None = None
    place: str | None = None

    def values(self) -> dict[str, str | None]:
        return {"text": self.text, "speaker": self.speaker, "quantity": self.quantity, "date": self.date, "place": self.place}


@dataclass(frozen=True)
class RawEntity:
    text: str
    label: str


@dataclass(frozen=True)
class Rejected:
    """An item the validator refused, with where it was and why."""

    where: str
    reason: str
    raw: Any


@dataclass(frozen=True)
class Validated:
    claims: tuple[RawClaim, ...] = ()
    entities: tuple[RawEntity, ...] = ()
    rejected: tuple[Rejected, ...] = ()
    duplicates: int = 0
    #: Set when the answer as a whole does not keep the schema.
    error: str | None = None
    notes: tuple[str, ...] = field(default=())


def _optional_text(value: Any, key: str, allow_number: bool = False) -> str | None:
    if value is None:
        return None
    if allow_number and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"{key} must be a string or null, got {type(value).__name__}")
    return value.strip() or None


def _claim(raw: Any) -> RawClaim:
    if not isinstance(raw, dict):
        raise ValueError(f"a claim must be an object, got {type(raw).__name__}")
    text = raw.get("text", raw.get("evidence"))
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text is missing or not a non-empty string")
    kind = raw.get("kind", "fact")
    if not isinstance(kind, str) or kind.strip().lower() not in ("fact", "opinion"):
        raise ValueError(f"kind must be 'fact' or 'opinion', got {kind!r}")
    return RawClaim(
        text=text.strip(),
        kind=kind.strip().lower(),
        speaker=_optional_text(raw.get("speaker"), "speaker"),
        quantity=_optional_text(raw.get("quantity"), "quantity", allow_number=True),
        date=_optional_text(raw.get("date", raw.get("time")), "date", allow_number=True),
        place=_optional_text(raw.get("place", raw.get("location")), "place"),
    )


def _entity(raw: Any, labels: tuple[str, ...]) -> RawEntity:
    if not isinstance(raw, dict):
        raise ValueError(f"an entity must be an object, got {type(raw).__name__}")
    text = raw.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("text is missing or not a non-empty string")
    label = raw.get("label", raw.get("type"))
    if not isinstance(label, str):
        raise ValueError(f"label must be a string, got {label!r}")
    canonical = _LABEL_SPELLINGS.get(label.strip().upper())
    if canonical is None or canonical not in labels:
        raise ValueError(f"label {label!r} is not one of {', '.join(labels)}")
    return RawEntity(text.strip(), canonical)


def _read_items(key: str, raws: list, read: Callable[[Any], Item], rejected: list[Rejected]) -> tuple[list[Item], int]:
    """The items of one list that keep the schema, in order, without repeats; rejects go to ``rejected``."""
    items: list[Item] = []
    duplicates = 0
    for i, raw in enumerate(raws):
        try:
            item = read(raw)
        except ValueError as err:
            rejected.append(Rejected(f"{key}[{i}]", str(err), raw))
            continue
        if item in items:
            duplicates += 1
        else:
            items.append(item)
    return items, duplicates


def validate_output(data: Any, labels: tuple[str, ...] = ENTITY_LABELS) -> Validated:
    """Claims and entities that keep the schema, the rejected items, and duplicates dropped."""
    if not isinstance(data, dict):
        return Validated(error=f"expected a JSON object, got {type(data).__name__}")
    if "claims" not in data and "entities" not in data:
        keys = ", ".join(sorted(map(str, data))) or "none"
        return Validated(error=f"the object has neither claims nor entities (keys: {keys})")
    rejected: list[Rejected] = []
    lists: dict[str, list] = {}
    for key in ("claims", "entities"):
        value = data.get(key, [])
        if value is None:
            value = []
        if not isinstance(value, list):
            rejected.append(Rejected(key, f"{key} must be a list", value))
            value = []
        lists[key] = value
    claims, claim_duplicates = _read_items("claims", lists["claims"], _claim, rejected)
    entities, entity_duplicates = _read_items("entities", lists["entities"], lambda raw: _entity(raw, labels), rejected)
    duplicates = claim_duplicates + entity_duplicates
    notes = tuple(f"ignored key {k!r}" for k in sorted(map(str, data)) if k not in ("claims", "entities"))
    return Validated(tuple(claims), tuple(entities), tuple(rejected), duplicates, None, notes)


def output_json_schema(labels: tuple[str, ...] = ENTITY_LABELS) -> dict[str, Any]:
    """The answer's shape as a JSON Schema, for decoding under a grammar.

    The same contract the validator reads (``claims`` and ``entities`` lists,
    fields in the order the prompt and its examples write them), made strict
    where a grammar can hold the model to it: no other keys, ``kind`` one of
    two words, ``label`` one of the prompt's labels, slots optional. The
    validator still runs on constrained answers, so the two cannot drift
    apart unnoticed: an answer this schema allows is one the validator takes.
    """
    text = {"type": "string", "minLength": 1}
    claim = {
        "type": "object",
        "properties": {
            "text": text,
            "kind": {"type": "string", "enum": ["fact", "opinion"]},
            **{slot: {"type": "string"} for slot in SLOT_FIELDS},
        },
        "required": ["text", "kind"],
        "additionalProperties": False,
    }
    entity = {
        "type": "object",
        "properties": {"text": text, "label": {"type": "string", "enum": list(labels)}},
        "required": ["text", "label"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"claims": {"type": "array", "items": claim}, "entities": {"type": "array", "items": entity}},
        "required": ["claims", "entities"],
        "additionalProperties": False,
    }
