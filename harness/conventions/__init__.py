"""Annotation conventions as data, and the projection of entities onto one.

Why: an extractor trained on another corpus follows that corpus's rules for
what a mention is. ANERcorp tags whole whitespace tokens, clitics included
(``وسوريا`` is one B-LOC), leaves nationality adjectives unlabeled and has no
DATE or QUANTITY; this project's gold leaves ``و/ب/ل/ف/ك`` outside the span
and labels ``الأمريكي`` MISC. Scoring such an extractor only under the
project's rules mostly measures the difference of conventions. A
:class:`Convention` states another set of rules declaratively, and
:func:`project_entities` rewrites the gold (and, with
:func:`project_predicted_entities`, the predictions) under them, so both can
be scored under the project's convention and under the extractor's own.

A convention is one YAML file::

    name: anercorp
    description: one line on where the rules come from
    spans: whole_token        # or as_is
    labels:                   # every project label: a label, or drop
      PER: PER
      ORG: ORG
      LOC: LOC
      MISC: MISC
      DATE: drop
      QUANTITY: drop
    facts:                    # optional: a gold fact that is true -> drop, or a label
      adjective: drop

``spans: whole_token`` widens a span to whole tokens, where a token is a
maximal run of letters, combining marks and digits (Unicode categories L, M,
N): whitespace, punctuation and symbols separate tokens, so a clitic written
onto a word is inside it and a quotation mark or comma next to it is not.

Adding a convention: write a YAML file like the one above. Put it in this
directory and its file stem becomes a built-in name (``BUILTIN_CONVENTIONS``),
or pass its path to :func:`load_convention`. For example a flat Wojood-style
mapping keeps the project's spans and renames labels, giving nationality
adjectives their own label instead of dropping them::

    name: wojood-flat
    spans: as_is
    labels: {PER: PERS, ORG: ORG, LOC: GPE, MISC: EVENT, DATE: DATE, QUANTITY: CARDINAL}
    facts: {adjective: NORP}

(A real Wojood mapping would need more than labels: it splits LOC into GPE,
LOC and FAC, which the project's gold does not record.) A broken file stops
with :class:`ConventionError`, naming the file and the key.

Projection rules (all deterministic, see :func:`project_entities`):

1. facts (gold only): an entity whose fact is true is dropped or relabeled
   as ``facts`` says; a MISC entity that does not state the fact is an error,
   since dropping or keeping it would be a guess;
2. labels: each entity's label is mapped or dropped; a label that is already
   one of the convention's target labels stays (so projecting twice is
   projecting once);
3. spans: under ``whole_token`` each edge that lies inside a token moves out
   to the token's edge, except an edge facing another kept entity in the
   same token, which stays: two mentions glued into one token by a
   typesetting fault (``سورياعام``) stay two and never overlap;
4. after widening, entities of one label whose spans overlap or coincide are
   merged into one span covering them all, keeping the id of the first in
   text order (a tagger over whole tokens can only produce one there).

Projecting twice gives the same entities as projecting once. Claims are not
touched: conventions here are about entity mentions.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Literal

import yaml

from harness.annotations import ENTITY_LABELS, Entity, GoldDocument, Prediction
from harness.common.safe_yaml import load_yaml

#: Where the built-in convention files live.
CONVENTIONS_DIR = Path(__file__).resolve().parent

#: Built-in conventions: file stem -> YAML file in this directory.
BUILTIN_CONVENTIONS: dict[str, Path] = {p.stem: p for p in sorted(CONVENTIONS_DIR.glob("*.yaml"))}

#: How spans are drawn.
SPAN_RULES: tuple[str, ...] = ("as_is", "whole_token")

#: Gold facts a convention may act on, and the labels that carry each.
FACT_LABELS: dict[str, tuple[str, ...]] = {"adjective": ("MISC",)}

#: The value that drops an entity in ``labels`` and ``facts``.
DROP = "drop"

_KEYS = ("name", "description", "spans", "labels", "facts")


class ConventionError(ValueError):
    """A convention file that cannot be used; the message names file and key."""

    def __init__(self, file: Path | str, key: str, message: str):
        self.file = str(file)
        self.key = key
        super().__init__(f"{file}: {key}: {message}")


@dataclass(frozen=True)
class Convention:
    """One annotation convention: how spans are drawn and which labels survive.

    ``labels`` maps every project label to a label or to None (dropped);
    ``facts`` maps a gold fact to the label an entity with that fact true
    gets, or to None (dropped).
    """

    name: str
    spans: str
    labels: tuple[tuple[str, str | None], ...]
    facts: tuple[tuple[str, str | None], ...] = ()
    description: str = ""
    source: str = ""

    def target_labels(self) -> frozenset[str]:
        """The labels entities can carry after projection."""
        out = {label for _, label in self.labels if label is not None}
        out |= {label for _, label in self.facts if label is not None}
        return frozenset(out)

    def map_label(self, label: str) -> str | None:
        """The label ``label`` becomes (None: dropped); target labels map to themselves."""
        mapping = dict(self.labels)
        if label in mapping:
            return mapping[label]
        if label in self.target_labels():
            return label
        known = ", ".join(sorted(set(mapping) | self.target_labels()))
        raise ValueError(f"convention {self.name!r} has no rule for label {label!r} (known: {known})")

    # The two methods the scorer calls (harness.scoring.settings.Projection).
    def project_gold(self, text: str, entities: Sequence[Entity]) -> tuple[Entity, ...]:
        """Gold entities under this convention, gold facts included."""
        return project_entities(text, entities, self)

    def project_predicted(self, text: str, entities: Sequence[Entity]) -> tuple[Entity, ...]:
        """Predicted entities under this convention's span and label rules."""
        return project_predicted_entities(text, entities, self)


# --- loading --------------------------------------------------------------------------


def load_convention(name_or_path: str | Path) -> Convention:
    """A built-in convention by name (``anercorp``), or a YAML file by path."""
    text = str(name_or_path)
    if text in BUILTIN_CONVENTIONS:
        return read_convention_file(BUILTIN_CONVENTIONS[text])
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return read_convention_file(path)
    raise ConventionError(
        "convention", "name", f"unknown convention {text!r}: not a built-in ({', '.join(BUILTIN_CONVENTIONS)}) and not a YAML file"
    )


def read_convention_file(path: Path) -> Convention:
    """Parse and check one convention file; every problem names the file and key."""
    try:
        raw = load_yaml(path.read_bytes().decode("utf-8"))
    except OSError as err:
        raise ConventionError(path, "$", f"cannot read: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise ConventionError(path, "$", f"not UTF-8 text ({err.reason} at byte {err.start})") from None
    except yaml.YAMLError as err:
        where = getattr(err, "problem_mark", None)
        at = f" at line {where.line + 1}, column {where.column + 1}" if where is not None else ""
        raise ConventionError(path, "$", f"not valid YAML{at}: {getattr(err, 'problem', None) or err}") from None
    if not isinstance(raw, dict):
        raise ConventionError(path, "$", f"expected a mapping of {', '.join(_KEYS)}")
    for key in raw:
        if key not in _KEYS:
            raise ConventionError(path, str(key), f"unknown key (known: {', '.join(_KEYS)})")
    name = _required_str(raw, "name", path)
    description = raw.get("description", "")
    if not isinstance(description, str):
        raise ConventionError(path, "description", "expected a string")
    spans = _required_str(raw, "spans", path)
    if spans not in SPAN_RULES:
        raise ConventionError(path, "spans", f"unknown rule {spans!r} (known: {', '.join(SPAN_RULES)})")
    labels = _read_labels(raw.get("labels"), path)
    facts = _read_facts(raw.get("facts", {}), path)
    return Convention(name, spans, labels, facts, description, str(path))


def _required_str(raw: dict, key: str, path: Path) -> str:
    if key not in raw:
        raise ConventionError(path, key, "missing")
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise ConventionError(path, key, f"expected a non-empty string, got {value!r}")
    return value


def _target(value: object, path: Path, key: str) -> str | None:
    """A label value: ``drop`` -> None, otherwise a non-empty string without spaces."""
    if not isinstance(value, str) or not value.strip() or " " in value:
        raise ConventionError(path, key, f"expected a label or {DROP!r}, got {value!r}")
    return None if value == DROP else value


def _read_labels(raw: object, path: Path) -> tuple[tuple[str, str | None], ...]:
    if raw is None:
        raise ConventionError(path, "labels", f"missing: give every project label ({', '.join(ENTITY_LABELS)})")
    if not isinstance(raw, dict):
        raise ConventionError(path, "labels", "expected a mapping of project label -> label or drop")
    for label in raw:
        if label not in ENTITY_LABELS:
            raise ConventionError(path, f"labels.{label}", f"not a project label (known: {', '.join(ENTITY_LABELS)})")
    for label in ENTITY_LABELS:
        if label not in raw:
            raise ConventionError(path, f"labels.{label}", f"missing: say what {label} becomes (a label or {DROP!r})")
    return tuple((label, _target(raw[label], path, f"labels.{label}")) for label in ENTITY_LABELS)


def _read_facts(raw: object, path: Path) -> tuple[tuple[str, str | None], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise ConventionError(path, "facts", "expected a mapping of gold fact -> label or drop")
    out = []
    for fact, value in raw.items():
        if fact not in FACT_LABELS:
            raise ConventionError(path, f"facts.{fact}", f"unknown gold fact (known: {', '.join(FACT_LABELS)})")
        out.append((fact, _target(value, path, f"facts.{fact}")))
    return tuple(out)


# --- projection -------------------------------------------------------------------------


def is_token_char(char: str) -> bool:
    """Letters, combining marks (harakat) and digits make tokens; everything else separates them."""
    return unicodedata.category(char)[0] in "LMN"


def token_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened so that neither edge lies inside a token.

    An edge moves only when the characters on both sides of it are token
    characters, so a span that already starts or ends at a space or a mark
    keeps that edge.
    """
    while start > 0 and start < len(text) and is_token_char(text[start - 1]) and is_token_char(text[start]):
        start -= 1
    while 0 < end < len(text) and is_token_char(text[end - 1]) and is_token_char(text[end]):
        end += 1
    return start, end


def project_entities(
    text: str, entities: Sequence[Entity], convention: Convention, *, use_facts: bool = True
) -> tuple[Entity, ...]:
    """The entities of one document rewritten under ``convention`` (module doc, rules 1-4).

    ``text`` is the document text the offsets point into. ``use_facts=False``
    skips rule 1 (predictions carry no gold facts; see
    :func:`project_predicted_entities`). Under ``as_is`` the kept entities
    come back in input order; under ``whole_token`` in text order.
    """
    kept: list[Entity] = []
    for entity in entities:
        label = _fact_label(entity, convention) if use_facts else _NO_FACT
        if label is _NO_FACT:
            label = convention.map_label(entity.label)
        if label is None:
            continue
        kept.append(entity if label == entity.label else replace(entity, label=label))
    if convention.spans == "as_is":
        return tuple(kept)
    return _merge_same_label(text, [_widen(text, entity, kept) for entity in kept])


def project_predicted_entities(text: str, entities: Sequence[Entity], convention: Convention) -> tuple[Entity, ...]:
    """Predictions projected with the span and label rules only: gold facts are the gold's."""
    return project_entities(text, entities, convention, use_facts=False)


def project_gold_document(document: GoldDocument, convention: Convention) -> GoldDocument:
    """A gold document whose entities follow ``convention`` (claims unchanged)."""
    entities = project_entities(document.document.text, document.gold.entities, convention)
    return replace(document, gold=replace(document.gold, entities=entities))


def project_prediction(prediction: Prediction, text: str, convention: Convention) -> Prediction:
    """A prediction whose entities follow ``convention``'s span and label rules (claims unchanged)."""
    entities = project_predicted_entities(text, prediction.annotations.entities, convention)
    return replace(prediction, annotations=replace(prediction.annotations, entities=entities))


class _NoFact(Enum):
    """The one value of a sentinel type, so the checker tells "no fact applies" from a label or None."""

    NO_FACT = "no fact applies"


_NO_FACT = _NoFact.NO_FACT


def _fact_label(entity: Entity, convention: Convention) -> str | None | Literal[_NoFact.NO_FACT]:
    """The label a true fact gives ``entity`` (None: dropped), or ``_NO_FACT`` when no fact applies."""
    for fact, label in convention.facts:
        if entity.label not in FACT_LABELS[fact] and entity.label != label:
            continue
        value = getattr(entity, fact)
        if value is None:
            if entity.label in FACT_LABELS[fact]:
                raise ValueError(
                    f"entity {entity.id} ({entity.label} {entity.text!r}) does not state the gold fact {fact!r},"
                    f" which convention {convention.name!r} acts on"
                )
            continue
        if value:
            return label
    return _NO_FACT


def _widen(text: str, entity: Entity, others: Iterable[Entity]) -> Entity:
    """``entity`` out to its token's edges, except towards a neighbour in the same token."""
    start, end = token_bounds(text, entity.start, entity.end)
    for other in others:
        if other is entity or (other.start < entity.end and entity.start < other.end):
            continue  # itself, or a mention it already overlapped: not a neighbour
        if start < other.end <= entity.start:
            start = entity.start
        if entity.end <= other.start < end:
            end = entity.end
    if (start, end) == (entity.start, entity.end):
        return entity
    return replace(entity, start=start, end=end, text=text[start:end])


def _merge_same_label(text: str, entities: list[Entity]) -> tuple[Entity, ...]:
    ordered = sorted(entities, key=lambda e: (e.start, e.end, e.label, e.id))
    merged: list[Entity] = []
    open_by_label: dict[str, int] = {}
    for entity in ordered:
        at = open_by_label.get(entity.label)
        if at is not None and entity.start < merged[at].end:
            first = merged[at]
            if entity.end > first.end:
                merged[at] = replace(first, end=entity.end, text=text[first.start : entity.end])
            continue
        open_by_label[entity.label] = len(merged)
        merged.append(entity)
    return tuple(sorted(merged, key=lambda e: (e.start, e.end, e.label, e.id)))
