"""Checks a gold file against the contract in ``gold/README.md``.

Every problem becomes one :class:`Problem` naming the file and the JSON path
(``$.claims[3].quantity.value``), so a person can fix it without a traceback.
The structural check is driven by the declarative ``SCHEMA`` tables below;
the semantic checks (offsets, texts, hashes, references, overlaps) follow it
and only run on parts whose structure is sound.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from harness.annotations import CLAIM_KINDS, CLAIM_SLOTS, ENTITY_LABELS, sha256_text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a gold file, at a JSON path."""

    file: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: {self.message}"


# A field spec: (python types accepted, required, nullable, nested spec or None).
# ``int`` excludes ``bool`` (checked explicitly), and ``float`` accepts ints.
_SPAN = {"start": (int, True, False, None), "end": (int, True, False, None), "text": (str, True, False, None)}
_ALTERNATIVE = {**_SPAN, "value": (float, True, False, None), "unit": (str, True, False, None)}
SCHEMA: dict[str, Any] = {
    "doc": {
        "doc_id": (str, True, False, None),
        "text_sha256": (str, True, False, None),
        # Items are checked one by one, so one broken item hides nothing else.
        "entities": (list, True, False, None),
        "claims": (list, True, False, None),
        "annotation": (dict, False, False, None),
        # Checked apart (``_check_provenance``), so a broken block hides no item problem.
        "provenance": (dict, False, False, None),
    },
    "entity": {
        "id": (str, True, False, None),
        "label": (str, True, False, None),
        **_SPAN,
        "drafted": (bool, False, False, None),
        # Required on MISC, absent or false elsewhere: checked in _check_entity_facts.
        "adjective": (bool, False, False, None),
        "review": (dict, False, False, "review"),
    },
    "claim": {
        "id": (str, True, False, None),
        "kind": (str, True, False, None),
        "evidence": (dict, True, False, "span"),
        "predicate": (str, True, False, None),
        "speaker": (dict, True, True, "speaker"),
        "quantity": (dict, True, True, "quantity"),
        "time": (dict, True, True, "time"),
        "location": (dict, True, True, "location"),
        "drafted": (bool, False, False, None),
        "note": (str, False, False, None),
        "review": (dict, False, False, "review"),
    },
    "span": _SPAN,
    "speaker": {**_SPAN, "entity": (str, True, True, None), "aliases": (list, False, False, "str")},
    "quantity": {
        **_ALTERNATIVE,
        "approx": (bool, True, False, None),
        "alternatives": (list, False, False, "alternative"),
    },
    "alternative": _ALTERNATIVE,
    "time": {**_SPAN, "value": (str, True, True, None)},
    "location": {**_SPAN, "entity": (str, True, True, None)},
    # A person's decision on an item (gold/README.md, "Drafts and their review").
    "review": {"status": (str, True, False, None), "by": (str, True, False, None), "at": (str, True, False, None)},
    # Where a model-drafted file came from (written by ``harness gold draft``).
    "provenance": {
        "kind": (str, True, False, None),
        "setup": (str, True, False, None),
        "setup_file": (str, False, False, None),
        "extractor": (dict, True, False, "extractor_identity"),
        "drafted_at": (str, True, False, None),
        "tool": (dict, True, False, "tool"),
        "dropped": (dict, True, False, "dropped"),
        "repaired": (list, False, False, "str"),
    },
    "extractor_identity": {"name": (str, True, False, None), "version": (str, True, False, None), "fingerprint_hash": (str, True, False, None)},
    "tool": {"name": (str, True, False, None), "version": (str, True, False, None), "git_commit": (str, False, True, None)},
    "dropped": {"entities": (int, True, False, None), "claims": (int, True, False, None), "reasons": (list, True, False, "str")},
}

#: ``review.status`` values: a drafted item accepted as it is, a drafted item a
#: person changed, an item a person added.
REVIEW_STATUSES: tuple[str, ...] = ("accepted", "edited", "added")
#: ``provenance.kind`` of a file an extractor drafted.
DRAFT_KIND = "model-draft"

#: A document id usable as a file name (the seed text is ``<doc_id>.txt``): no path, no control characters.
_SAFE_ID = re.compile(r"^(?!\.{1,2}$)[^/\\\x00-\x1f\x7f]{1,200}$")

TIME_VALUE = re.compile(r"^(\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?|--(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)$")


def _type_ok(value: Any, expected: type) -> bool:
    if isinstance(value, bool):
        return expected is bool
    if expected is float:
        return isinstance(value, (int, float))
    return isinstance(value, expected)


#: Longest JSON value quoted in a problem line; a longer one is cut with "...".
SHOWN_CHARS = 80


def _shown(value: Any) -> str:
    """A JSON value as a problem line quotes it: short, whatever its size or depth."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (ValueError, RecursionError):
        text = f"a deeply nested {type(value).__name__}"
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false", list: "a list", dict: "an object"}


def _check_structure(obj: Any, spec_name: str, path: str, problems: list[str]) -> bool:
    """Append ``"path: message"`` strings; return True when ``obj`` fits ``spec_name``."""
    if spec_name == "str":
        if not isinstance(obj, str):
            problems.append(f"{path}: expected a string, got {_shown(obj)}")
            return False
        return True
    if not isinstance(obj, dict):
        problems.append(f"{path}: expected an object, got {type(obj).__name__}")
        return False
    spec = SCHEMA[spec_name]
    ok = True
    for key in obj:
        if key not in spec:
            problems.append(f"{path}.{key}: unknown field (known: {', '.join(spec)})")
            ok = False
    for key, (expected, required, nullable, nested) in spec.items():
        where = f"{path}.{key}"
        if key not in obj:
            if required:
                problems.append(f"{where}: missing field")
                ok = False
            continue
        value = obj[key]
        if value is None:
            if not nullable:
                problems.append(f"{where}: must not be null")
                ok = False
            continue
        if not _type_ok(value, expected):
            problems.append(f"{where}: expected {_TYPE_NAMES[expected]}, got {_shown(value)}")
            ok = False
            continue
        if nested is None:
            continue
        if expected is list:
            for i, item in enumerate(value):
                ok = _check_structure(item, nested, f"{where}[{i}]", problems) and ok
        else:
            ok = _check_structure(value, nested, where, problems) and ok
    return ok


def _check_span(span: dict, text: str, path: str, problems: list[str]) -> bool:
    start, end = span["start"], span["end"]
    if not (0 <= start < end <= len(text)):
        problems.append(f"{path}: offsets [{start}, {end}) outside the document (length {len(text)}) or empty")
        return False
    actual = text[start:end]
    if actual != span["text"]:
        problems.append(
            f"{path}.text: {_shown(span['text'])} does not match the document at"
            f" [{start}, {end}): {_shown(actual)}"
        )
        return False
    return True


def _check_entity_facts(ent: dict, path: str, problems: list[str]) -> None:
    """The per-label gold facts: ``adjective`` is stated on every MISC entity and only there.

    Annotation conventions that drop nationality adjectives (ANERcorp leaves
    them O) need the fact on every MISC mention, so a missing one is an error,
    not a default.
    """
    if ent["label"] == "MISC" and "adjective" not in ent:
        problems.append(
            f"{path}.adjective: missing on a MISC entity ({_shown(ent['text'])}):"
            " true for a nationality/origin adjective, false for other MISC (gold/GUIDELINES.md 1.5)"
        )
    elif ent["label"] != "MISC" and ent.get("adjective") is True:
        problems.append(f"{path}.adjective: true on a {ent['label']} entity; only MISC mentions can be adjectives")


def _is_aware_datetime(value: str) -> bool:
    """True for an ISO-8601 date and time with its offset (``2024-05-01T09:30:00Z``)."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return False
    return parsed.tzinfo is not None


def _check_review(item: dict, path: str, problems: list[str]) -> None:
    """A review names a known status, a person and a time, and agrees with ``drafted``.

    ``accepted`` keeps ``drafted: true`` (a model proposed the item, a person
    accepted it as it is); ``edited`` and ``added`` items are the reviewer's,
    so they cannot be marked drafted.
    """
    review = item.get("review")
    if review is None:
        return
    status = review["status"]
    if status not in REVIEW_STATUSES:
        problems.append(f"{path}.review.status: unknown status {status!r} (known: {', '.join(REVIEW_STATUSES)})")
    if not review["by"].strip():
        problems.append(f"{path}.review.by: empty; name the reviewer")
    if not _is_aware_datetime(review["at"]):
        problems.append(f"{path}.review.at: {review['at']!r} is not an ISO-8601 date and time with a zone (e.g. 2024-05-01T09:30:00Z)")
    drafted = item.get("drafted", False)
    if status == "accepted" and not drafted:
        problems.append(f"{path}.review.status: 'accepted' is for drafted items (drafted: true); a person's own item is 'added' or 'edited'")
    if status in ("edited", "added") and drafted:
        problems.append(f"{path}.drafted: true on an item the review marks {status!r}; the reviewer's items have drafted false")


def _check_provenance(doc: dict, problems: list[str]) -> None:
    """The file-level ``provenance`` of a model draft: its structure, kind, time and counts."""
    provenance = doc.get("provenance")
    if provenance is None:
        return
    if not _check_structure(provenance, "provenance", "$.provenance", problems):
        return
    if provenance["kind"] != DRAFT_KIND:
        problems.append(f"$.provenance.kind: unknown kind {provenance['kind']!r} (known: {DRAFT_KIND})")
    if not _is_aware_datetime(provenance["drafted_at"]):
        problems.append(f"$.provenance.drafted_at: {provenance['drafted_at']!r} is not an ISO-8601 date and time with a zone")
    for key in ("entities", "claims"):
        if provenance["dropped"][key] < 0:
            problems.append(f"$.provenance.dropped.{key}: a count cannot be negative, got {provenance['dropped'][key]}")


def unreviewed_drafts(doc: dict) -> int:
    """Items of a gold file (as JSON) that a model drafted and nobody reviewed yet.

    Such a file is a proposal, not gold: ``harness validate`` warns about it
    and the corpus loader refuses to score against it unless told otherwise.
    """
    items = [*doc.get("entities", ()), *doc.get("claims", ())]
    return sum(1 for item in items if isinstance(item, dict) and item.get("drafted") is True and item.get("review") is None)


def draft_warnings(paths: list[Path]) -> list[str]:
    """One line per gold file holding unreviewed drafts, with the count (unreadable files are the validator's)."""
    lines = []
    for path in paths:
        try:
            doc = json.loads(path.read_bytes().decode("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            continue
        count = unreviewed_drafts(doc) if isinstance(doc, dict) else 0
        if count:
            lines.append(f"{path}: {count} unreviewed draft item(s) (drafted: true, no review); harness run refuses it unless --allow-drafts")
    return lines


def _check_semantics(
    entities: list[tuple[int, dict]],
    claims: list[tuple[int, dict]],
    text: str,
    problems: list[str],
    labels: tuple[str, ...] | None = ENTITY_LABELS,
    entity_facts: bool = True,
) -> None:
    """Checks that need the document text, over the items whose structure is sound.

    ``labels``: the label set entities must use (None: any label, for a corpus
    that brings its own). ``entity_facts``: require the project gold's per-label
    facts (:func:`_check_entity_facts`); corpora in other formats need not state them.
    """
    entity_ids: dict[str, str] = {}
    for i, ent in entities:
        path = f"$.entities[{i}]"
        if ent["id"] in entity_ids:
            problems.append(f"{path}.id: duplicate id {ent['id']!r} (first at {entity_ids[ent['id']]})")
        else:
            entity_ids[ent["id"]] = path
        if labels is not None and ent["label"] not in labels:
            problems.append(f"{path}.label: unknown label {ent['label']!r} (known: {', '.join(labels)})")
        elif not ent["label"].strip():
            problems.append(f"{path}.label: empty label")
        if entity_facts:
            _check_entity_facts(ent, path, problems)
        _check_review(ent, path, problems)
        _check_span(ent, text, path, problems)

    by_label: dict[str, list[tuple[int, int, str]]] = {}
    for i, ent in entities:
        by_label.setdefault(ent["label"], []).append((ent["start"], ent["end"], f"$.entities[{i}]"))
    for label, spans in by_label.items():
        spans.sort()
        for (s1, e1, p1), (s2, e2, p2) in zip(spans, spans[1:]):
            if s2 < e1:
                problems.append(f"{p2}: {label} entity [{s2}, {e2}) overlaps {p1} [{s1}, {e1}) of the same label")

    claim_ids: dict[str, str] = {}
    for i, claim in claims:
        path = f"$.claims[{i}]"
        if claim["id"] in claim_ids:
            problems.append(f"{path}.id: duplicate id {claim['id']!r} (first at {claim_ids[claim['id']]})")
        else:
            claim_ids[claim["id"]] = path
        if claim["id"] in entity_ids:
            problems.append(f"{path}.id: id {claim['id']!r} is also an entity id")
        if claim["kind"] not in CLAIM_KINDS:
            problems.append(f"{path}.kind: unknown kind {claim['kind']!r} (known: {', '.join(CLAIM_KINDS)})")
        _check_review(claim, path, problems)
        _check_span(claim["evidence"], text, f"{path}.evidence", problems)
        for slot in CLAIM_SLOTS:
            part = claim.get(slot)
            if part is None:
                continue
            _check_span(part, text, f"{path}.{slot}", problems)
            ref = part.get("entity")
            if ref is not None and ref not in entity_ids:
                problems.append(f"{path}.{slot}.entity: refers to unknown entity id {ref!r}")
        quantity = claim.get("quantity")
        if quantity is not None:
            for j, alt in enumerate(quantity.get("alternatives", [])):
                _check_span(alt, text, f"{path}.quantity.alternatives[{j}]", problems)
        time = claim.get("time")
        if time is not None and time["value"] is not None and not TIME_VALUE.match(time["value"]):
            problems.append(
                f"{path}.time.value: {time['value']!r} is not an ISO-8601 date"
                " (YYYY, YYYY-MM, YYYY-MM-DD, --MM or --MM-DD)"
            )


def _to_problems(file: str, messages: list[str]) -> list[Problem]:
    """Messages are written as ``"<json path>: <what is wrong>"``; paths hold no ": "."""
    return [Problem(file, *m.split(": ", 1)) for m in messages]


def validate_gold_file(path: Path, seeds_dir: Path) -> list[Problem]:
    """All problems of one gold file; an empty list means it keeps the contract."""
    name = str(path)
    try:
        raw = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return [Problem(name, "$", f"cannot read as UTF-8: {err}")]
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as err:
        return [Problem(name, "$", f"not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}")]
    except RecursionError:
        return [Problem(name, "$", "not a gold file: its JSON is nested too deeply to read (a gold file is four levels deep)")]

    messages: list[str] = []
    if not _check_structure(doc, "doc", "$", messages):
        return _to_problems(name, messages)
    entities = [(i, e) for i, e in enumerate(doc["entities"]) if _check_structure(e, "entity", f"$.entities[{i}]", messages)]
    claims = [(i, c) for i, c in enumerate(doc["claims"]) if _check_structure(c, "claim", f"$.claims[{i}]", messages)]

    _check_provenance(doc, messages)

    if doc["doc_id"] != path.stem:
        messages.append(f"$.doc_id: {_shown(doc['doc_id'])} differs from the file name {path.stem!r}")
    if not _SAFE_ID.match(doc["doc_id"]):
        # The seed is found by id: an id that is not a plain file name could name a file anywhere.
        messages.append(f"$.doc_id: {_shown(doc['doc_id'])} is not a plain file name (no '/', '\\', control characters, '.' or '..')")
        return _to_problems(name, messages)
    seed = seeds_dir / f"{doc['doc_id']}.txt"
    if not seed.is_file():
        messages.append(f"$.doc_id: no seed document {seed}")
        return _to_problems(name, messages)
    try:
        text = seed.read_bytes().decode("utf-8")
    except OSError as err:
        messages.append(f"$.doc_id: cannot read the seed document {seed}: {err.strerror or err}")
        return _to_problems(name, messages)
    except UnicodeDecodeError as err:
        messages.append(f"$.doc_id: the seed document {seed} is not UTF-8 text ({err.reason} at byte {err.start})")
        return _to_problems(name, messages)
    if doc["text_sha256"] != sha256_text(text):
        messages.append(f"$.text_sha256: does not match {seed} (its sha256 is {sha256_text(text)})")
    _check_semantics(entities, claims, text, messages)
    return _to_problems(name, messages)


def gold_files(paths: list[Path]) -> list[Path]:
    """Expand directories to the ``*.json`` files they hold, keep files as given."""
    out: list[Path] = []
    for p in paths:
        out.extend(sorted(p.glob("*.json")) if p.is_dir() else [p])
    return out


def texts_beside(gold: Path) -> Path | None:
    """The ``seeds/`` directory beside a gold directory (or beside a gold file's directory), if any."""
    folder = gold if gold.is_dir() else gold.parent
    seeds = folder.parent / "seeds"
    return seeds if seeds.is_dir() else None


def validation_targets(paths: list[Path], seeds: Path | None, default_gold: Path, default_seeds: Path) -> list[tuple[Path, Path]]:
    """(gold file, seeds directory) pairs for ``harness validate``.

    A corpus directory ``DIR`` holding ``gold/`` stands for ``DIR/gold``; the
    texts are ``seeds`` when given, else the ``seeds/`` beside the gold
    (``DIR/seeds``), else ``default_seeds``. So a corpus laid out like the
    project's (``tests/data/heldout``) validates against its own texts.
    """
    out: list[tuple[Path, Path]] = []
    for path in paths or [default_gold]:
        gold = path / "gold" if path.is_dir() and (path / "gold").is_dir() else path
        texts = seeds or texts_beside(gold) or default_seeds
        out.extend((file, texts) for file in gold_files([gold]))
    return out


#: The structural and semantic checks of gold items, for readers of other corpus formats
#: (:mod:`harness.corpus.formats.jsonl`) that keep the gold's entity and claim shapes.
check_structure = _check_structure
check_semantics = _check_semantics
