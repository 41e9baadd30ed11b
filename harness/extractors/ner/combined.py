"""``ner+rules-claims``: NER entities with the rule baseline's claim frames.

An NER model finds names, not claims. This setup composes two registered
extractors by name: the names come from a ``ner`` extractor, and the rule
baseline (``rules``) contributes what the model does not do: dates and
quantities (from ``harness.text``) and the claim frames built around them
(reporting verbs, speakers, evidence). The rule baseline's own claim code
runs unchanged on an analysis whose name mentions were replaced by the NER
entities, so the two setups differ only in where names come from. It is a
setup of its own, with its own leaderboard row; the ``ner`` extractor
itself never emits claims.

Parameters: ``ner`` (the ``ner`` extractor's params), ``rules`` (the rule
baseline's params; optional).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from harness.annotations import ENTITY_LABELS, Annotations, Document, Entity, Prediction
from harness.extractors.base import Extractor, ShapingText, declared_convention, shaping_texts
from harness.extractors.registry import create_extractor
from harness.extractors.rules.claims import find_claims
from harness.extractors.rules.entities import Analysis, Mention, analyse
from harness.extractors.rules.extractor import RulesExtractor
from harness.extractors.rules.names import Candidate

VERSION = "1.0.0"
NER_NAME = "ner"
RULES_NAME = "rules"


def ner_mentions(analysis: Analysis, entities: Sequence[Entity]) -> list[Mention]:
    """NER entities as the name mentions the claim rules expect (tokens of the rule tokenizer)."""
    starts = [t.raw_start for t in analysis.tokens]
    mentions = []
    for entity in entities:
        first = max(bisect.bisect_right(starts, entity.start) - 1, 0)
        last = max(bisect.bisect_left(starts, entity.end) - 1, first)
        candidate = Candidate(entity.label, first, last, 0, 0, "ner", entity.start, entity.end)
        mentions.append(Mention(entity, candidate))
    return mentions


def merge_mentions(analysis: Analysis, entities: Sequence[Entity]) -> Analysis:
    """The analysis with its rule names replaced by the NER entities, ids renumbered e1.. in reading order.

    Dates and quantities stay (the claim frames need them); an NER name that
    overlaps one is dropped, as the rule baseline drops a name running into a date.
    """
    kept = [m for m in analysis.mentions if m.candidate is None]
    names = [
        m for m in ner_mentions(analysis, entities)
        if not any(m.start < k.end and k.start < m.end for k in kept)
    ]
    merged = sorted(kept + names, key=lambda m: (m.start, m.end, m.label))
    renumbered = [replace(m, entity=replace(m.entity, id=f"e{k}")) for k, m in enumerate(merged, start=1)]
    return replace(analysis, mentions=renumbered)


def names_and_rules(setup: str, ner_params: dict[str, Any], rules_params: dict[str, Any] | None) -> tuple[Extractor, RulesExtractor, tuple[str, ...]]:
    """The parts every NER-based combined setup shares: the NER model, the rule baseline, and the
    entity labels they emit together (the model's names, the rules' DATE and QUANTITY)."""
    ner = create_extractor(NER_NAME, ner_params)
    rules = create_extractor(RULES_NAME, dict(rules_params or {}))
    if not isinstance(rules, RulesExtractor):  # its lexicon and date anchoring are used directly
        raise TypeError(f"{setup}: the {RULES_NAME!r} extractor has no lexicon; it must be the rule baseline")
    names = set(ner.entity_labels)
    labels = tuple(label for label in ENTITY_LABELS if label in names or label in ("DATE", "QUANTITY"))
    return ner, rules, labels


class NerWithRuleClaims:
    """See the module doc."""

    name = "ner+rules-claims"
    version = VERSION
    emits_claims = True

    def __init__(self, params: dict[str, Any] | None = None):
        params = dict(params or {})
        unknown = sorted(set(params) - {"ner", "rules"})
        if unknown:
            raise ValueError(f"ner+rules-claims: unknown parameter(s) {', '.join(unknown)}; known: ner, rules")
        if not isinstance(params.get("ner"), dict):
            raise ValueError("ner+rules-claims: params.ner must hold the ner extractor's params (at least model)")
        self.ner, self.rules, self.entity_labels = names_and_rules("ner+rules-claims", params["ner"], params.get("rules"))
        self.claim_slots: tuple[str, ...] = self.rules.claim_slots

    @property
    def convention(self) -> str:
        """The names come from the NER model, so their spans follow its convention."""
        return declared_convention(self.ner)

    def shaped_by(self) -> tuple[ShapingText, ...]:
        """Both parts' texts: the model's training corpus and the text the rules were written on."""
        return (*shaping_texts(self.ner), *shaping_texts(self.rules))

    def fingerprint(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            NER_NAME: self.ner.fingerprint(),
            RULES_NAME: self.rules.fingerprint(),
        }

    def extract(self, documents: Sequence[Document]) -> list[Prediction]:
        results = []
        for document, named in zip(documents, self.ner.extract(list(documents))):
            if named.failed:
                results.append(named)
                continue
            analysis = analyse(document.text, self.rules.lexicon, anchor_mode=self.rules.anchor_mode)
            merged = merge_mentions(analysis, named.annotations.entities)
            claims = tuple(find_claims(merged, self.rules.lexicon))
            entities = tuple(m.entity for m in merged.mentions)
            results.append(
                Prediction(document.doc_id, Annotations(document.doc_id, entities, claims), meta={"date_anchor": analysis.anchor})
            )
        return results


def build(params: dict[str, Any]) -> NerWithRuleClaims:
    """Registry factory: ``harness.extractors.registry`` maps ``"ner+rules-claims"`` here."""
    return NerWithRuleClaims(params)
