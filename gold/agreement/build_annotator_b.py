"""Build annotator B's gold files from anchored, human-written label sheets.

Annotator B wrote each label by reading the seed text and naming the span by
an *anchor* instead of by numbers, because hand-counted code-point offsets in
Arabic text are where mistakes hide. This script turns the sheets in
``gold/agreement/source/<doc_id>.yaml`` into the project's gold format
(``gold/agreement/annotator-b/<doc_id>.json``) and refuses any anchor that
does not name exactly one place in the text.

Anchor syntax (a YAML string):

* ``"الولايات المتحدة"`` -- the whole string is the span; it must occur
  exactly once in the document.
* ``"تنظيم [[داعش]] في الباغوز"`` -- the string without the brackets is a
  context that must occur exactly once in the document; the span is the
  bracketed part.

Speaker and location spans are linked to the entity with exactly the same
offsets (``entity`` may instead give the anchor of another entity, e.g. an
anaphoric ``البلاد`` linked to the ``سوريا`` it stands for, or ``null`` for a
title with no name).

Usage (from the worktree root)::

    python gold/agreement/build_annotator_b.py            # write the JSON files
    python gold/agreement/build_annotator_b.py --check    # rebuild and compare, exit 1 on a difference
    python gold/agreement/build_annotator_b.py --show 000_63f58dafc48ba606   # re-reading aid
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SOURCE_DIR = HERE / "source"
OUT_DIR = HERE / "annotator-b"
SEEDS_DIR = ROOT / "seeds"

ENTITY_LABELS = ("PER", "ORG", "LOC", "MISC", "DATE", "QUANTITY")
CLAIM_KINDS = ("fact", "opinion")
#: The unit list of the contract in gold/README.md.
UNITS = (
    "km2", "mi2", "percent", "people", "operations", "members", "countries",
    "organizations", "soldiers", "fighters", "items", "years", "months", "days",
)
OPEN, CLOSE = "[[", "]]"


class SheetError(ValueError):
    """A label sheet item that cannot be turned into a gold item; names file and item."""


@dataclass(frozen=True)
class Span:
    """Resolved offsets into the document; ``text == document[start:end]``."""

    start: int
    end: int
    text: str

    def as_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}


def resolve(anchor: str, text: str, where: str) -> Span:
    """The one span an anchor names in ``text``; raise naming ``where`` otherwise."""
    if not isinstance(anchor, str) or not anchor:
        raise SheetError(f"{where}: anchor must be a non-empty string, got {anchor!r}")
    if anchor.count(OPEN) != anchor.count(CLOSE) or anchor.count(OPEN) > 1:
        raise SheetError(f"{where}: anchor needs at most one [[...]] pair: {anchor!r}")
    if OPEN in anchor:
        before, rest = anchor.split(OPEN, 1)
        inner, after = rest.split(CLOSE, 1)
    else:
        before, inner, after = "", anchor, ""
    if not inner:
        raise SheetError(f"{where}: empty span in anchor {anchor!r}")
    context = before + inner + after
    hits = _occurrences(context, text)
    if len(hits) != 1:
        raise SheetError(f"{where}: context {context!r} occurs {len(hits)} times, needs exactly 1")
    start = hits[0] + len(before)
    span = Span(start, start + len(inner), text[start:start + len(inner)])
    assert span.text == inner, (where, span, inner)
    return span


def _occurrences(needle: str, haystack: str) -> list[int]:
    """Start offsets of every (possibly overlapping) occurrence."""
    out, i = [], haystack.find(needle)
    while i != -1:
        out.append(i)
        i = haystack.find(needle, i + 1)
    return out


def build_entities(items: list[Any], text: str, file: str) -> list[dict[str, Any]]:
    """Entities sorted by offset with ids e1..; MISC items carry ``adjective``."""
    resolved: list[tuple[Span, str, bool | None, str]] = []
    for i, item in enumerate(items):
        where = f"{file}: entities[{i}]"
        if not isinstance(item, list) or len(item) not in (2, 3):
            raise SheetError(f"{where}: expected [LABEL, anchor] or [MISC, anchor, adjective], got {item!r}")
        label, anchor = item[0], item[1]
        if label not in ENTITY_LABELS:
            raise SheetError(f"{where}: unknown label {label!r}")
        adjective = item[2] if len(item) == 3 else None
        if (label == "MISC") != (adjective is not None) or adjective not in (None, True, False):
            raise SheetError(f"{where}: MISC needs a third element true/false (adjective), other labels none")
        resolved.append((resolve(anchor, text, where), label, adjective, where))
    resolved.sort(key=lambda r: (r[0].start, r[0].end))
    seen: dict[tuple[int, int, str], str] = {}
    out = []
    for n, (span, label, adjective, where) in enumerate(resolved, 1):
        key = (span.start, span.end, label)
        if key in seen:
            raise SheetError(f"{where}: same {label} span as {seen[key]}")
        seen[key] = where
        entity: dict[str, Any] = {"id": f"e{n}", "label": label, **span.as_json()}
        if adjective is not None:
            entity["adjective"] = adjective
        out.append(entity)
    for label in ENTITY_LABELS:
        same = [e for e in out if e["label"] == label]  # already sorted by start
        for x, y in zip(same, same[1:]):
            if y["start"] < x["end"]:
                raise SheetError(f"{file}: {label} entities {x['text']!r} and {y['text']!r} overlap")
    return out


def _entity_at(span: Span, entities: list[dict[str, Any]], where: str) -> str:
    for ent in entities:
        if (ent["start"], ent["end"]) == (span.start, span.end):
            return ent["id"]
    raise SheetError(f"{where}: no entity at {span.text!r} [{span.start}, {span.end}); label it or give entity")


def _linked(slot: dict[str, Any], text: str, entities: list[dict[str, Any]], where: str) -> dict[str, Any]:
    """A speaker/location span with its entity link (auto, explicit anchor, or null)."""
    span = resolve(slot.get("span"), text, f"{where}.span")
    out: dict[str, Any] = span.as_json()
    if "entity" not in slot:
        out["entity"] = _entity_at(span, entities, where)
    elif slot["entity"] is None:
        out["entity"] = None
    else:
        out["entity"] = _entity_at(resolve(slot["entity"], text, f"{where}.entity"), entities, where)
    return out


def _quantity(slot: dict[str, Any], text: str, where: str) -> dict[str, Any]:
    for key in ("value", "unit", "approx"):
        if key not in slot:
            raise SheetError(f"{where}.{key}: missing")
    if slot["unit"] not in UNITS:
        raise SheetError(f"{where}.unit: {slot['unit']!r} is not one of {', '.join(UNITS)}")
    out: dict[str, Any] = {
        "value": slot["value"], "unit": slot["unit"], "approx": bool(slot["approx"]),
        **resolve(slot.get("span"), text, f"{where}.span").as_json(),
    }
    alternatives = []
    for j, alt in enumerate(slot.get("alternatives", [])):
        alt_where = f"{where}.alternatives[{j}]"
        if alt.get("unit") not in UNITS:
            raise SheetError(f"{alt_where}.unit: {alt.get('unit')!r} is not one of {', '.join(UNITS)}")
        alternatives.append({"value": alt["value"], "unit": alt["unit"],
                             **resolve(alt.get("span"), text, f"{alt_where}.span").as_json()})
    if alternatives:
        out["alternatives"] = alternatives
    return out


def build_claims(items: list[dict[str, Any]], text: str, entities: list[dict[str, Any]],
                 file: str) -> list[dict[str, Any]]:
    """Claims in sheet (reading) order with ids c1.."""
    out = []
    for n, item in enumerate(items, 1):
        where = f"{file}: claims[{n - 1}]"
        unknown = set(item) - {"kind", "evidence", "predicate", "speaker", "quantity", "time", "location", "note"}
        if unknown:
            raise SheetError(f"{where}: unknown keys {sorted(unknown)}")
        if item.get("kind") not in CLAIM_KINDS:
            raise SheetError(f"{where}.kind: {item.get('kind')!r} is not fact/opinion")
        if not item.get("predicate"):
            raise SheetError(f"{where}.predicate: missing")
        claim: dict[str, Any] = {
            "id": f"c{n}",
            "kind": item["kind"],
            "evidence": resolve(item.get("evidence"), text, f"{where}.evidence").as_json(),
            "predicate": item["predicate"],
            "speaker": None, "quantity": None, "time": None, "location": None,
        }
        if item.get("speaker") is not None:
            speaker = _linked(item["speaker"], text, entities, f"{where}.speaker")
            if item["speaker"].get("aliases"):
                speaker["aliases"] = list(item["speaker"]["aliases"])
            claim["speaker"] = speaker
        if item.get("quantity") is not None:
            claim["quantity"] = _quantity(item["quantity"], text, f"{where}.quantity")
        if item.get("time") is not None:
            if "value" not in item["time"]:
                raise SheetError(f"{where}.time.value: missing (null when unresolvable)")
            claim["time"] = {"value": item["time"]["value"],
                             **resolve(item["time"].get("span"), text, f"{where}.time.span").as_json()}
        if item.get("location") is not None:
            claim["location"] = _linked(item["location"], text, entities, f"{where}.location")
        if item.get("note"):
            claim["note"] = item["note"]
        out.append(claim)
    return out


def build(sheet_path: Path) -> dict[str, Any]:
    """The gold document of one label sheet."""
    file = str(sheet_path.relative_to(ROOT))
    sheet = yaml.safe_load(sheet_path.read_text(encoding="utf-8"))
    doc_id = sheet_path.stem
    seed = SEEDS_DIR / f"{doc_id}.txt"
    raw = seed.read_bytes()
    text = raw.decode("utf-8")
    entities = build_entities(sheet["entities"], text, file)
    claims = build_claims(sheet["claims"], text, entities, file)
    return {
        "doc_id": doc_id,
        "text_sha256": hashlib.sha256(raw).hexdigest(),
        "entities": entities,
        "claims": claims,
        "annotation": sheet["annotation"],
    }


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def show(doc_id: str) -> None:
    """Print the text with entities bracketed, then every unlabeled occurrence of a labeled string.

    This is the re-reading aid: a name labeled once but not at another
    occurrence shows up in the second list and is judged by reading.
    """
    doc = build(SOURCE_DIR / f"{doc_id}.yaml")
    text = (SEEDS_DIR / f"{doc_id}.txt").read_text(encoding="utf-8")
    pieces, pos = [], 0
    for ent in doc["entities"]:
        pieces += [text[pos:ent["start"]], f"[{ent['text']}]{ent['label']}"]
        pos = ent["end"]
    print("".join(pieces) + text[pos:])
    labeled = {(e["start"], e["end"]) for e in doc["entities"]}
    print("\n-- unlabeled occurrences of labeled strings --")
    for surface in sorted({e["text"] for e in doc["entities"]}):
        for i in _occurrences(surface, text):
            if (i, i + len(surface)) not in labeled:
                print(f"{surface!r} at {i}: ...{text[max(0, i - 20):i + len(surface) + 20]!r}...")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare rebuilt files with the written ones")
    parser.add_argument("--show", metavar="DOC_ID", help="print a re-reading view of one document")
    args = parser.parse_args(argv)
    if args.show:
        show(args.show)
        return 0
    status = 0
    for sheet_path in sorted(SOURCE_DIR.glob("*.yaml")):
        try:
            rendered = render(build(sheet_path))
        except SheetError as err:
            print(err, file=sys.stderr)
            status = 1
            continue
        out = OUT_DIR / f"{sheet_path.stem}.json"
        if args.check:
            if not out.is_file() or out.read_text(encoding="utf-8") != rendered:
                print(f"{out}: differs from a rebuild of {sheet_path}", file=sys.stderr)
                status = 1
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(rendered, encoding="utf-8")
            print(f"wrote {out.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
