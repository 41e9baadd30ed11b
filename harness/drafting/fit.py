"""Fit an extractor's prediction to the gold contract, saying what it took.

Predictions are looser than gold: their spans may not point at their text,
ids may repeat, entities of one label may overlap, a MISC mention does not
say whether it is an adjective, a time value may not be ISO-8601. A draft must
keep the contract (``gold/README.md``) so that it can be validated, reviewed
and, once reviewed, scored against. This module decides, item by item:

* **left out** (counted, with the reason): ungrounded items (any span that
  does not match the text, :mod:`harness.scoring.grounding`), entities of an
  unknown label, an entity overlapping an earlier kept entity of the same
  label, claims of an unknown kind;
* **repaired** (kept, with a line saying what changed): a time value that is
  not ISO-8601 becomes null, a quantity whose value is not a finite number is
  removed from its claim (its alternatives, when one of theirs is not), a reference to an entity that is not kept (or whose
  id was ambiguous) becomes null, an ``adjective`` fact on a non-MISC entity
  is removed, and a MISC entity that does not state the fact gets a guess
  (:func:`guess_adjective`) for the reviewer to check.

Ids are renumbered ``e1..`` and ``c1..`` in order, so they are unique in the
file. Every item is marked ``drafted: true``. Pure functions: no files.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from harness.annotations import CLAIM_KINDS, ENTITY_LABELS, Annotations, Document
from harness.corpus.validate import TIME_VALUE
from harness.drafting.provenance import Dropped
from harness.scoring.grounding import keep_grounded
from harness.serialize import claim_to_dict, entity_to_dict

#: Endings of the Arabic relational adjective (nisba): سوري، سورية، سوريون، سوريين.
NISBA_ENDINGS: tuple[str, ...] = ("ي", "ية", "يون", "يين", "يان", "يتان", "يتين", "يات")


def guess_adjective(text: str) -> bool:
    """A first guess of the ``adjective`` fact of a MISC mention, for the reviewer to check.

    A single word with a nisba ending (``الفرنسي``, ``أمريكية``) is taken for a
    nationality or origin adjective; anything longer (events, operations,
    documents) is not. A general fact of Arabic morphology, not a list drawn
    from any text; the draft's ``repaired`` lines name each guess.
    """
    words = text.split()
    return len(words) == 1 and words[0].endswith(NISBA_ENDINGS)


@dataclass(frozen=True)
class FittedDraft:
    """The items of one draft file (gold JSON form) and what fitting them cost."""

    entities: tuple[dict[str, Any], ...]
    claims: tuple[dict[str, Any], ...]
    dropped: Dropped
    repaired: tuple[str, ...]


def _finite_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _quote(text: object) -> str:
    return repr(text) if not isinstance(text, str) else "'" + text.replace("\n", " ")[:60] + "'"


def fit_to_contract(document: Document, annotations: Annotations) -> FittedDraft:
    """The prediction's items that can stand in a gold file, renumbered and marked drafted."""
    kept, grounding = keep_grounded(document, annotations)
    reasons = [f"ungrounded: {problem}" for problem in grounding.problems]
    dropped_entities, dropped_claims = grounding.ungrounded_entities, grounding.ungrounded_claims
    repaired: list[str] = []

    predicted_ids = [e.id for e in kept.entities]
    new_id: dict[str, str] = {}
    entities: list[dict[str, Any]] = []
    taken: dict[str, list[tuple[int, int, str]]] = {}
    for entity in kept.entities:
        where = f"entity {entity.id!r} ({entity.label} {_quote(entity.text)} [{entity.start}, {entity.end}))"
        if entity.label not in ENTITY_LABELS:
            reasons.append(f"{where}: unknown label (known: {', '.join(ENTITY_LABELS)})")
            dropped_entities += 1
            continue
        clash = next((other for s, e, other in taken.get(entity.label, ()) if entity.start < e and s < entity.end), None)
        if clash is not None:
            reasons.append(f"{where}: overlaps {clash} of the same label")
            dropped_entities += 1
            continue
        number = f"e{len(entities) + 1}"
        taken.setdefault(entity.label, []).append((entity.start, entity.end, number))
        if predicted_ids.count(entity.id) == 1:
            new_id[entity.id] = number
        out = {**entity_to_dict(entity), "id": number}
        if entity.label == "MISC" and entity.adjective is None:
            out["adjective"] = guess_adjective(entity.text)
            repaired.append(f"{number} (MISC {_quote(entity.text)}): adjective guessed {str(out['adjective']).lower()} from the word's ending")
        elif entity.label != "MISC" and "adjective" in out:
            del out["adjective"]
            repaired.append(f"{number} ({entity.label} {_quote(entity.text)}): adjective removed (a fact of MISC mentions only)")
        out["drafted"] = True
        entities.append(out)

    claims: list[dict[str, Any]] = []
    for claim in kept.claims:
        where = f"claim {claim.id!r} ({_quote(claim.evidence.text)})"
        if claim.kind not in CLAIM_KINDS:
            reasons.append(f"{where}: unknown kind {claim.kind!r} (known: {', '.join(CLAIM_KINDS)})")
            dropped_claims += 1
            continue
        number = f"c{len(claims) + 1}"
        out = {**claim_to_dict(claim), "id": number}
        if not isinstance(out["predicate"], str):
            out["predicate"] = ""
        quantity = out["quantity"]
        if quantity is not None and not _finite_number(quantity["value"]):
            repaired.append(f"{number}: quantity {_quote(quantity['text'])} removed (value {quantity['value']!r} is not a finite number)")
            out["quantity"] = None
        elif quantity is not None and not all(_finite_number(a["value"]) for a in quantity.get("alternatives", ())):
            repaired.append(f"{number}: alternatives of quantity {_quote(quantity['text'])} removed (a value is not a finite number)")
            del quantity["alternatives"]
        time = out["time"]
        if time is not None and time["value"] is not None and not TIME_VALUE.match(str(time["value"])):
            repaired.append(f"{number}: time value {time['value']!r} of {_quote(time['text'])} set to null (not ISO-8601)")
            time["value"] = None
        for slot in ("speaker", "location"):
            part = out[slot]
            if part is None or part["entity"] is None:
                continue
            if part["entity"] in new_id:
                part["entity"] = new_id[part["entity"]]
            else:
                repaired.append(f"{number}: {slot} reference {part['entity']!r} cleared (no kept entity has that id alone)")
                part["entity"] = None
        out["drafted"] = True
        claims.append(out)

    return FittedDraft(
        tuple(entities),
        tuple(claims),
        Dropped(dropped_entities, dropped_claims, tuple(reasons)),
        tuple(repaired),
    )
