"""``ner+llm-claims``: NER names and rule dates and quantities, with the LLM's claims.

The prompted model finds claims (who says what) far better than it finds
entity spans, and the NER model plus the rule baseline's date and quantity
patterns find entity spans far better than the model does. This setup takes
each part where it is strong:

- entities: the names (PER, ORG, LOC, MISC) of a ``ner`` extractor and the
  dates and quantities of the rule baseline, merged exactly as in
  ``ner+rules-claims`` (:func:`harness.extractors.ner.combined.merge_mentions`:
  a name overlapping a date or quantity is dropped);
- claims: the ``llm`` extractor's grounded claims, unchanged (evidence, kind,
  speaker, and the quantity, time and place it grounded). Their speaker and
  place links are re-pointed at the merged entities: a speaker (place) links
  to the entity with exactly its span, and to none when there is no such
  entity (the scorer compares speaker spans and text, not links).

Optionally (``complete``), a slot the LLM left empty is filled from the
merged entities inside the claim's evidence, as the rule baseline fills it
and as ``gold/GUIDELINES.md`` 2.6 and 2.7 describe: ``place``, the one place
the evidence names (none when it names several different places); ``time``,
the first date in the evidence that has a calendar value; ``speaker``, the
speaker of the rule baseline's claim whose evidence overlaps the claim's
most (the rules follow a speaker across sentences and paragraphs, with
``وأضاف`` and the like, where the model sees one paragraph at a time). The
model often states a claim without writing its speaker, place or date, and
the strict score counts a slot only the gold fills as a disagreement.

The LLM's own entities are dropped; the LLM's meta (raw answers, parse status,
usage per document) is kept, so the run records what the model cost. With a
generation cache shared with an ``llm`` setup of the same model, prompt and
decoding, this setup generates nothing new.

Parameters: ``ner`` (the ``ner`` extractor's params), ``llm`` (the ``llm``
extractor's params), ``rules`` (the rule baseline's params; optional),
``complete`` (a list of ``place``, ``time``, ``speaker``; default none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from harness.annotations import (
    Annotations,
    Claim,
    Document,
    Entity,
    Location,
    Prediction,
    TimeRef,
)
from harness.extractors.base import ShapingText, declared_convention, shaping_texts
from harness.extractors.llm.extractor import LLMExtractor
from harness.extractors.ner.combined import merge_mentions, names_and_rules
from harness.extractors.registry import create_extractor
from harness.extractors.rules.claims import find_claims
from harness.extractors.rules.entities import Mention, analyse
from harness.text import normalize_arabic_str

VERSION = "1.0.0"
NAME = "ner+llm-claims"
NER_NAME = "ner"
LLM_NAME = "llm"
RULES_NAME = "rules"
COMPLETE = "complete"
_KNOWN_PARAMS = frozenset({NER_NAME, LLM_NAME, RULES_NAME, COMPLETE})
#: Slots ``complete`` may fill from the merged entities.
COMPLETABLE = ("place", "time", "speaker")


def relink_claims(claims: Sequence[Claim], entities: Sequence[Entity]) -> tuple[Claim, ...]:
    """The claims with speaker and place linked to the entity of exactly their span (else to none).

    The claims were linked to the entities of the extractor that made them;
    those entities are replaced, so every link is decided again against the
    new set. A mention with no entity of its span keeps its text and span.
    """
    by_span: Mapping[tuple[int, int], str] = {(e.start, e.end): e.id for e in entities}
    out = []
    for claim in claims:
        speaker, location = claim.speaker, claim.location
        if speaker is not None:
            speaker = replace(speaker, entity=by_span.get((speaker.start, speaker.end)))
        if location is not None:
            location = replace(location, entity=by_span.get((location.start, location.end)))
        out.append(replace(claim, speaker=speaker, location=location))
    return tuple(out)


def _overlap(a: Claim, b: Claim) -> int:
    return max(0, min(a.evidence.end, b.evidence.end) - max(a.evidence.start, b.evidence.start))


def complete_slots(
    claims: Sequence[Claim], mentions: Sequence[Mention], slots: Sequence[str], rule_claims: Sequence[Claim] = ()
) -> tuple[tuple[Claim, ...], dict[str, int]]:
    """The claims with their empty ``slots`` filled, and how many were filled per slot.

    ``place``: the one LOC mention inside the evidence (repeats of one name
    count once; several different places leave it empty, guidelines 2.7).
    ``time``: the first DATE mention inside the evidence whose calendar value
    is known (a duration or an unanchored "last month" places nothing in
    time, guidelines 2.6). ``speaker``: the speaker of the rule claim
    (``rule_claims``) whose evidence shares the most characters with the
    claim's (the earliest on a tie), when that rule claim has one; it links
    to the mention of exactly its span, if any.
    """
    by_span = {(m.start, m.end): m.entity.id for m in mentions}
    filled = {slot: 0 for slot in slots}
    out = []
    for claim in claims:
        ev = claim.evidence
        if "speaker" in slots and claim.speaker is None:
            overlapping = [r for r in rule_claims if _overlap(claim, r) > 0]
            if overlapping:
                best = max(overlapping, key=lambda r: (_overlap(claim, r), -r.evidence.start))
                if best.speaker is not None:
                    speaker = replace(best.speaker, entity=by_span.get((best.speaker.start, best.speaker.end)))
                    claim = replace(claim, speaker=speaker)
                    filled["speaker"] += 1
        inside = [m for m in mentions if ev.start <= m.start and m.end <= ev.end]
        if "place" in slots and claim.location is None:
            places = [m for m in inside if m.label == "LOC"]
            if len({normalize_arabic_str(m.entity.text) for m in places}) == 1:
                m = places[0]
                claim = replace(claim, location=Location(m.entity.text, m.start, m.end, m.entity.id))
                filled["place"] += 1
        if "time" in slots and claim.time is None:
            dated = [(m, m.date.value) for m in inside if m.label == "DATE" and m.date is not None and m.date.value]
            if dated:
                m, value = dated[0]
                claim = replace(claim, time=TimeRef(value, m.entity.text, m.start, m.end))
                filled["time"] += 1
        out.append(claim)
    return tuple(out), filled


class NerWithLLMClaims:
    """See the module doc."""

    name = NAME
    version = VERSION
    emits_claims = True

    def __init__(self, params: dict[str, Any] | None = None, *, llm: LLMExtractor | None = None):
        """``llm``: an LLM extractor built by the caller (tests pass one with a scripted backend)."""
        params = dict(params or {})
        unknown = sorted(set(params) - _KNOWN_PARAMS)
        if unknown:
            raise ValueError(f"{NAME}: unknown parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(_KNOWN_PARAMS))}")
        if not isinstance(params.get(NER_NAME), dict):
            raise ValueError(f"{NAME}: params.ner must hold the ner extractor's params (at least model)")
        if llm is None and not isinstance(params.get(LLM_NAME), dict):
            raise ValueError(f"{NAME}: params.llm must hold the llm extractor's params (at least backend and prompt)")
        if params.get(RULES_NAME) is not None and not isinstance(params[RULES_NAME], dict):
            raise ValueError(f"{NAME}: params.rules must be a mapping of the rule baseline's params, got {params[RULES_NAME]!r}")
        self.ner, self.rules, self.entity_labels = names_and_rules(NAME, params[NER_NAME], params.get(RULES_NAME))
        complete = params.get(COMPLETE, [])
        if not isinstance(complete, list) or any(slot not in COMPLETABLE for slot in complete) or len(set(complete)) != len(complete):
            raise ValueError(f"{NAME}: params.complete must be a list of distinct slots from {', '.join(COMPLETABLE)}, got {complete!r}")
        self.complete: tuple[str, ...] = tuple(slot for slot in COMPLETABLE if slot in complete)
        built = llm if llm is not None else create_extractor(LLM_NAME, params[LLM_NAME])
        if not isinstance(built, LLMExtractor):
            raise TypeError(f"{NAME}: the {LLM_NAME!r} extractor is not the prompted-model extractor")
        self.llm = built
        self.claim_slots: tuple[str, ...] = self.llm.claim_slots

    @property
    def convention(self) -> str:
        """The names come from the NER model, so their spans follow its convention."""
        return declared_convention(self.ner)

    def shaped_by(self) -> tuple[ShapingText, ...]:
        """Every part's texts: the model's training corpus, the rules' seed articles, the prompt's (none so far)."""
        return (*shaping_texts(self.ner), *shaping_texts(self.rules), *shaping_texts(self.llm))

    def fingerprint(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            NER_NAME: self.ner.fingerprint(),
            RULES_NAME: self.rules.fingerprint(),
            LLM_NAME: self.llm.fingerprint(),
            COMPLETE: list(self.complete),
        }

    #: What ``harness run --dry-run`` counts: the LLM's prompts (the other parts take milliseconds).
    work_unit_name = "paragraphs"

    def work_units(self, document: Document) -> int:
        return self.llm.work_units(document)

    def cached_work_units(self, document: Document) -> int:
        return self.llm.cached_work_units(document)

    def mentions(self, document: Document, names: Sequence[Entity]) -> tuple[list[Mention], tuple[Claim, ...], str | None]:
        """The NER names merged with the rules' dates and quantities, the rule baseline's own claims
        (only when speakers are completed from them) and the date anchor the rules used."""
        analysis = analyse(document.text, self.rules.lexicon, anchor_mode=self.rules.anchor_mode)
        rule_claims = tuple(find_claims(analysis, self.rules.lexicon)) if "speaker" in self.complete else ()
        return merge_mentions(analysis, names).mentions, rule_claims, analysis.anchor

    def extract(self, documents: Sequence[Document]) -> list[Prediction]:
        documents = list(documents)
        named = self.ner.extract(documents)
        claimed = self.llm.extract(documents)
        results = []
        for document, names, llm in zip(documents, named, claimed):
            meta = dict(llm.meta)
            if names.failed or llm.failed:
                part = NER_NAME if names.failed else LLM_NAME
                error = names.error if names.failed else llm.error
                results.append(Prediction(document.doc_id, Annotations(document.doc_id), error=f"{part}: {error}", meta=meta))
                continue
            mentions, rule_claims, anchor = self.mentions(document, names.annotations.entities)
            entities = tuple(m.entity for m in mentions)
            claims = relink_claims(llm.annotations.claims, entities)
            if self.complete:
                claims, meta["slots_completed"] = complete_slots(claims, mentions, self.complete, rule_claims)
            meta["entities_from"] = {"names": NER_NAME, "dates_and_quantities": RULES_NAME, "rules_date_anchor": anchor}
            meta["llm_entities_dropped"] = len(llm.annotations.entities)
            results.append(Prediction(document.doc_id, Annotations(document.doc_id, entities, claims), meta=meta))
        return results


def build(params: dict[str, Any]) -> NerWithLLMClaims:
    """Registry factory: ``harness.extractors.registry`` maps ``"ner+llm-claims"`` here."""
    return NerWithLLMClaims(params)
