"""JSON form of annotations: the gold files and stored predictions share it.

``annotations_to_dict`` and ``annotations_from_dict`` are inverses for data that
passed validation (``harness.corpus.validate``); they do no checking of their own,
so that the validator stays the one place that explains what is wrong.
"""

from __future__ import annotations

from typing import Any

from harness.annotations import (
    Annotations,
    Claim,
    Entity,
    Location,
    Quantity,
    QuantityForm,
    Span,
    Speaker,
    TimeRef,
)


def _span_to_dict(span: Span) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "text": span.text}


def entity_to_dict(entity: Entity) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": entity.id,
        "label": entity.label,
        "start": entity.start,
        "end": entity.end,
        "text": entity.text,
    }
    # Written only when stated, so predictions that never set it keep their JSON.
    if entity.adjective is not None:
        out["adjective"] = entity.adjective
    if entity.drafted:
        out["drafted"] = True
    return out


def claim_to_dict(claim: Claim) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": claim.id,
        "kind": claim.kind,
        "evidence": _span_to_dict(claim.evidence),
        "predicate": claim.predicate,
        "speaker": None,
        "quantity": None,
        "time": None,
        "location": None,
    }
    if claim.speaker is not None:
        s = claim.speaker
        out["speaker"] = {"text": s.text, "start": s.start, "end": s.end, "entity": s.entity}
        if s.aliases:
            out["speaker"]["aliases"] = list(s.aliases)
    if claim.quantity is not None:
        q = claim.quantity
        out["quantity"] = {
            "value": q.value,
            "unit": q.unit,
            "approx": q.approx,
            "text": q.text,
            "start": q.start,
            "end": q.end,
        }
        if q.alternatives:
            out["quantity"]["alternatives"] = [
                {"value": a.value, "unit": a.unit, "text": a.text, "start": a.start, "end": a.end}
                for a in q.alternatives
            ]
    if claim.time is not None:
        t = claim.time
        out["time"] = {"value": t.value, "text": t.text, "start": t.start, "end": t.end}
    if claim.location is not None:
        loc = claim.location
        out["location"] = {"text": loc.text, "start": loc.start, "end": loc.end, "entity": loc.entity}
    if claim.drafted:
        out["drafted"] = True
    return out


def annotations_to_dict(annotations: Annotations) -> dict[str, Any]:
    return {
        "doc_id": annotations.doc_id,
        "entities": [entity_to_dict(e) for e in annotations.entities],
        "claims": [claim_to_dict(c) for c in annotations.claims],
    }


def entity_from_dict(d: dict[str, Any]) -> Entity:
    return Entity(
        id=str(d["id"]),
        label=d["label"],
        start=d["start"],
        end=d["end"],
        text=d["text"],
        drafted=bool(d.get("drafted", False)),
        adjective=d.get("adjective"),
    )


def claim_from_dict(d: dict[str, Any]) -> Claim:
    speaker = quantity = time = location = None
    if d.get("speaker") is not None:
        s = d["speaker"]
        speaker = Speaker(
            text=s["text"],
            start=s["start"],
            end=s["end"],
            entity=s.get("entity"),
            aliases=tuple(s.get("aliases", ())),
        )
    if d.get("quantity") is not None:
        q = d["quantity"]
        quantity = Quantity(
            value=q["value"],
            unit=q["unit"],
            approx=bool(q.get("approx", False)),
            text=q["text"],
            start=q["start"],
            end=q["end"],
            alternatives=tuple(
                QuantityForm(a["value"], a["unit"], a["text"], a["start"], a["end"])
                for a in q.get("alternatives", ())
            ),
        )
    if d.get("time") is not None:
        t = d["time"]
        time = TimeRef(value=t.get("value"), text=t["text"], start=t["start"], end=t["end"])
    if d.get("location") is not None:
        loc = d["location"]
        location = Location(text=loc["text"], start=loc["start"], end=loc["end"], entity=loc.get("entity"))
    ev = d["evidence"]
    return Claim(
        id=str(d["id"]),
        evidence=Span(ev["start"], ev["end"], ev["text"]),
        predicate=d.get("predicate", ""),
        kind=d.get("kind", "fact"),
        speaker=speaker,
        quantity=quantity,
        time=time,
        location=location,
        drafted=bool(d.get("drafted", False)),
    )


def annotations_from_dict(d: dict[str, Any]) -> Annotations:
    return Annotations(
        doc_id=d["doc_id"],
        entities=tuple(entity_from_dict(e) for e in d.get("entities", ())),
        claims=tuple(claim_from_dict(c) for c in d.get("claims", ())),
    )
