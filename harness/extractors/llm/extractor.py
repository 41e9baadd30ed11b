"""The prompted-model extractor: grounded claims and entities from a local model.

For each document: split it into paragraphs (``paragraphs``), render the
prompt for each with the headline as context (``prompts``), generate or read
the cached answer (``backends``, ``cache``), parse and repair the JSON
(``parsing``), validate each item (``schema``), check for leaked example
values (``leakage``), and locate every string in the document (``grounding``).
Only grounded items become entities and claims; quantities and dates are
read from the grounded text by the project's normalisers. Everything else
(raw answers, parse status, rejected items, per-field grounding status,
leaks, token counts) goes into ``Prediction.meta``, so nothing is dropped
silently. A document any of whose paragraphs could not be generated is a
failure (and so not cached by the run): the answers that did come are in the
generation cache, so the retry only asks for the missing ones.

Parameters (the ``params`` of a setup config), all optional:

- ``backend``: ``{kind: llama_cpp, model: <catalog name>}`` (default: the
  catalog's default model), or ``model_path: <file.gguf>``; ``{kind:
  transformers, model: <hub id or dir>, architecture: auto|seq2seq|causal}``;
  ``{kind: openai, base_url: ..., model: ...}`` (see each backend's module);
- ``prompt``: a template name in ``configs/prompts/`` or a path (default
  ``claims_few_shot_v1``);
- ``generation``: decoding settings (``settings.GenerationSettings``);
- ``paragraphs``: ``{max_chars: 1500, merge_below: 40}``;
- ``cache_dir``: where raw generations are kept (default
  ``results/cache/llm``; ``null`` for no cache);
- ``date_anchor``: ``latest`` (the latest full date the article states),
  ``none``, or ``YYYY-MM-DD``;
- ``progress``: show a progress bar per paragraph (default true).
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

from harness.extractors.base import REUSED_CACHED_WORK
from harness.extractors.llm import grounding as g
from harness.extractors.llm.backends import Backend, BackendError, create_backend
from harness.extractors.llm.backends.base import ChatMessage, Generation
from harness.extractors.llm.cache import GenerationCache
from harness.extractors.llm.leakage import example_values, find_leaks
from harness.extractors.llm.paragraphs import Paragraph, headline_of, split_paragraphs
from harness.extractors.llm.parsing import parse_output
from harness.extractors.llm.prompts import PromptTemplate, load_template
from harness.extractors.llm.schema import RawClaim, RawEntity, Validated, validate_output
from harness.extractors.llm.settings import GenerationSettings, settings_from_params
from harness.model import CLAIM_SLOTS, Annotations, Claim, Document, Entity, Location, Prediction, Quantity, Span, Speaker, TimeRef
from harness.text import find_dates, find_quantities, parse_date, parse_number

#: Bump when parsing, validation or grounding changes what comes out of the
#: same raw answers (the generation cache is keyed without it, so a bump
#: re-reads cached answers rather than generating again).
VERSION = "1.3.1"
DEFAULT_PROMPT = "claims_few_shot_v1"
PROJECT_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_CACHE_DIR = PROJECT_ROOT / "results" / "cache" / "llm"
_KNOWN_PARAMS = frozenset({"backend", "prompt", "generation", "paragraphs", "cache_dir", "date_anchor", "progress"})
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Grounding status of a quantity or date the model wrote in a form the text
#: does not have, taken from the one quantity (date) its grounded evidence states.
IN_EVIDENCE = "in_evidence"


@dataclass
class _ClaimDraft:
    """A grounded claim before entity ids exist (speaker/place link to them at the end)."""

    evidence: g.Located
    raw: RawClaim
    speaker: g.Located | None = None
    quantity: Quantity | None = None
    time: TimeRef | None = None
    place: g.Located | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Candidate:
    start: int
    end: int
    label: str


class LLMExtractor:
    """Claims and entities from a prompted model; see the module doc."""

    name = "llm"
    version = VERSION
    claim_slots: tuple[str, ...] = CLAIM_SLOTS
    emits_claims = True

    def __init__(self, params: dict[str, Any] | None = None, backend: Backend | None = None):
        params = dict(params or {})
        unknown = sorted(set(params) - _KNOWN_PARAMS)
        if unknown:
            raise ValueError(f"llm extractor: unknown parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(_KNOWN_PARAMS))}")
        self.params = params
        self.template: PromptTemplate = load_template(params.get("prompt", DEFAULT_PROMPT))
        self.entity_labels: tuple[str, ...] = self.template.labels
        self.settings: GenerationSettings = settings_from_params(params.get("generation", {}) or {}, "llm extractor: generation")
        paragraphs = params.get("paragraphs", {}) or {}
        if not isinstance(paragraphs, dict) or set(paragraphs) - {"max_chars", "merge_below"}:
            raise ValueError(f"llm extractor: paragraphs: expected a mapping with max_chars and/or merge_below, got {paragraphs!r}")
        self.max_chars = int(paragraphs.get("max_chars", 1500))
        self.merge_below = int(paragraphs.get("merge_below", 40))
        anchor = params.get("date_anchor", "latest")
        if not isinstance(anchor, str) or not (anchor in ("latest", "none") or _ISO_DATE.fullmatch(anchor)):
            raise ValueError(f"llm extractor: date_anchor must be 'latest', 'none' or YYYY-MM-DD, got {anchor!r}")
        self.anchor_mode = anchor
        progress = params.get("progress", True)
        if not isinstance(progress, bool):
            raise ValueError(f"llm extractor: progress must be true or false, got {progress!r}")
        self.progress = progress
        self.backend: Backend = backend if backend is not None else create_backend(
            params.get("backend", {}) or {}, "llm extractor: backend"
        )
        cache_dir = params.get("cache_dir", str(DEFAULT_CACHE_DIR))
        self.cache = GenerationCache(Path(cache_dir), self.generation_fingerprint()) if cache_dir else None
        self.example_values = example_values(self.template.examples)
        #: Totals over this extractor's lifetime, for the benchmark.
        self.stats: dict[str, float] = {
            "generated": 0, "cached": 0, "prompt_tokens": 0, "prompt_tokens_evaluated": 0, "completion_tokens": 0,
            "prompt_seconds": 0.0, "generation_seconds": 0.0, "total_seconds": 0.0,
        }

    # -- identity ---------------------------------------------------------
    def generation_fingerprint(self) -> dict[str, Any]:
        """What decides the raw answers: model, engine, prompt template, decoding."""
        return {"backend": self.backend.identity(), "prompt": self.template.fingerprint(), "generation": self.settings.to_dict()}

    def fingerprint(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            **self.generation_fingerprint(),
            "paragraphs": {"max_chars": self.max_chars, "merge_below": self.merge_below},
            "date_anchor": self.anchor_mode,
            "labels": list(self.entity_labels),
        }

    # -- generation -------------------------------------------------------
    def _generate(self, messages: list[ChatMessage]) -> tuple[Generation, bool]:
        if self.cache is not None:
            hit = self.cache.get(messages)
            if hit is not None:
                self.stats["cached"] += 1
                return hit, True
        generation = self.backend.generate(messages, self.settings)
        self.stats["generated"] += 1
        self.stats["prompt_tokens"] += generation.prompt_tokens
        self.stats["prompt_tokens_evaluated"] += generation.prompt_tokens_evaluated or 0
        self.stats["completion_tokens"] += generation.completion_tokens
        self.stats["prompt_seconds"] += generation.prompt_seconds or 0.0
        self.stats["generation_seconds"] += generation.generation_seconds or 0.0
        self.stats["total_seconds"] += generation.total_seconds
        if self.cache is not None:
            self.cache.put(messages, generation)
        return generation, False

    def extract(self, documents: Sequence[Document]) -> list[Prediction]:
        return [self.extract_one(document) for document in documents]

    def _anchor(self, text: str) -> str | None:
        if self.anchor_mode == "latest":
            return g.article_anchor(text)
        return None if self.anchor_mode == "none" else self.anchor_mode

    def extract_one(self, document: Document) -> Prediction:
        text = document.text
        paragraphs = split_paragraphs(text, max_chars=self.max_chars, merge_below=self.merge_below)
        headline = headline_of(text)
        anchor = self._anchor(text)
        context = _DocumentContext(text, find_quantities(text), find_dates(text, anchor), anchor)
        paragraph_meta: list[dict[str, Any]] = []
        errors: list[str] = []
        for paragraph in _progress(paragraphs, document.doc_id, self.progress):
            messages = self.template.messages(headline, paragraph.text)
            entry: dict[str, Any] = {"paragraph": paragraph.index, "start": paragraph.start, "end": paragraph.end}
            started = time.perf_counter()
            try:
                generation, cached = self._generate(messages)
            except BackendError as err:
                errors.append(f"paragraph {paragraph.index}: {err}")
                entry["error"] = str(err)
                paragraph_meta.append(entry)
                continue
            entry.update(
                cached=cached,
                seconds=round(time.perf_counter() - started, 3),
                finish_reason=generation.finish_reason,
                prompt_tokens=generation.prompt_tokens,
                completion_tokens=generation.completion_tokens,
                raw_output=generation.text,
            )
            self._read_answer(generation, paragraph, context, entry)
            paragraph_meta.append(entry)
        entities, claims, linked = context.finish()
        meta = {
            "date_anchor": anchor,
            "prompt": self.template.name,
            "summary": _summary(paragraph_meta, len(entities), len(claims), linked),
            "paragraphs": paragraph_meta,
        }
        # Read from the generation cache rather than generated: the run must not
        # report the time this took as the model's speed (see harness/runs/run.py).
        meta[REUSED_CACHED_WORK] = bool(paragraph_meta) and all(p.get("cached") is True for p in paragraph_meta)
        if errors:
            reason = f"{len(errors)} of {len(paragraphs)} paragraph(s) not generated; first: {errors[0]}"
            return Prediction(document.doc_id, Annotations(document.doc_id), error=reason, meta=meta)
        return Prediction(document.doc_id, Annotations(document.doc_id, entities, claims), meta=meta)

    # -- reading one answer ----------------------------------------------
    def _read_answer(self, generation: Generation, paragraph: Paragraph, context: "_DocumentContext", entry: dict) -> None:
        parsed = parse_output(generation.text, cut_by_limit=generation.finish_reason == "length")
        entry.update(parse_status=parsed.status, repairs=list(parsed.repairs))
        if parsed.data is None:
            entry["parse_error"] = parsed.error
            return
        validated: Validated = validate_output(parsed.data, self.entity_labels)
        if validated.error:
            entry["schema_error"] = validated.error
            return
        entry["rejected"] = [{"where": r.where, "reason": r.reason, "raw": r.raw} for r in validated.rejected]
        entry["duplicates"] = validated.duplicates
        items: list[dict[str, Any]] = []
        for entity in validated.entities:
            item = {"item": "entity", "raw": asdict(entity)}
            leaks = find_leaks({"text": entity.text}, paragraph.text, self.example_values)
            if leaks:
                item["leaks"] = [asdict(leak) for leak in leaks]
            hits = context.add_entity(entity, paragraph)
            item["grounding"] = _status_of(hits)
            item["mentions"] = len(hits)
            items.append(item)
        for claim in validated.claims:
            item = {"item": "claim", "raw": asdict(claim)}
            leaks = find_leaks(claim.values(), paragraph.text, self.example_values)
            if leaks:
                item["leaks"] = [asdict(leak) for leak in leaks]
            item["grounding"] = context.add_claim(claim, paragraph)
            items.append(item)
        entry["items"] = items


def _status_of(hits: list[g.Located]) -> str:
    if not hits:
        return g.NOT_FOUND
    return g.EXACT if any(h.status == g.EXACT for h in hits) else g.NORMALISED


class _DocumentContext:
    """Grounds one document's items and turns them into entities and claims at the end."""

    def __init__(self, text: str, quantities, dates, anchor: str | None):
        self.text = text
        self.quantities = quantities
        self.dates = dates
        self.anchor = anchor
        self.candidates: list[_Candidate] = []
        self.drafts: list[_ClaimDraft] = []

    def add_entity(self, entity: RawEntity, paragraph: Paragraph) -> list[g.Located]:
        hits = g.mentions(self.text, entity.text, paragraph.start, paragraph.end)
        for hit in hits:
            self.candidates.append(_Candidate(hit.start, hit.end, entity.label))
        return hits

    def add_claim(self, claim: RawClaim, paragraph: Paragraph) -> dict[str, str]:
        """Ground a claim; returns the status of each field it filled."""
        status: dict[str, str] = {}
        evidence = g.locate(self.text, claim.text, [(paragraph.start, paragraph.end)])
        if evidence is None:
            status["text"] = g.NOT_FOUND
            elsewhere = g.locate(self.text, claim.text, [(0, len(self.text))])
            if elsewhere is not None:
                status["text_found_outside_paragraph"] = elsewhere.status
            return status
        status["text"] = evidence.status
        draft = _ClaimDraft(evidence, claim)
        ev_region = (evidence.start, evidence.end)
        par_region = (paragraph.start, paragraph.end)
        # Numbers and dates belong to the claim's own sentence: one found
        # elsewhere in the paragraph belongs to another claim.
        sentence = g.sentence_around(self.text, evidence.start, evidence.end, paragraph.start, paragraph.end)
        if claim.speaker:
            draft.speaker = g.locate(
                self.text, claim.speaker,
                [(paragraph.start, evidence.start), par_region, (0, paragraph.start), (0, len(self.text))],
                near=evidence.start, prefer_before=True,
            )
            status["speaker"] = draft.speaker.status if draft.speaker else g.NOT_FOUND
        if claim.quantity:
            where = g.locate(self.text, claim.quantity, [ev_region, sentence], near=evidence.start)
            draft.quantity = self._quantity(where) if where else None
            status["quantity"] = (where.status if draft.quantity else "no_number") if where else g.NOT_FOUND
            if where is None:
                # The model rewrote the number (7.7 million as 7700000): when the
                # evidence states exactly one quantity, that is the one it meant.
                inside = [q for q in self.quantities if evidence.start <= q.start and q.end <= evidence.end]
                if len(inside) == 1:
                    q = inside[0]
                    draft.quantity = Quantity(q.value, q.unit, q.approx, q.text, q.start, q.end)
                    status["quantity"] = IN_EVIDENCE
        if claim.date:
            where = g.locate(self.text, claim.date, [ev_region, sentence], near=evidence.start)
            draft.time = self._time(where) if where else None
            status["date"] = where.status if where else g.NOT_FOUND
            if where is None:
                inside = [d for d in self.dates if evidence.start <= d.start and d.end <= evidence.end]
                if len(inside) == 1:
                    d = inside[0]
                    draft.time = TimeRef(d.value, d.text, d.start, d.end)
                    status["date"] = IN_EVIDENCE
        if claim.place:
            draft.place = g.locate(self.text, claim.place, [ev_region, sentence, par_region], near=evidence.start)
            status["place"] = draft.place.status if draft.place else g.NOT_FOUND
        self.drafts.append(draft)
        return status

    def _quantity(self, where: g.Located) -> Quantity | None:
        match = g.most_overlapping(self.quantities, where.start, where.end)
        if match is not None:
            return Quantity(match.value, match.unit, match.approx, match.text, match.start, match.end)
        grounded = self.text[where.start:where.end]
        value = parse_number(grounded)
        if value is None:
            return None
        return Quantity(value, "", False, grounded, where.start, where.end)

    def _time(self, where: g.Located) -> TimeRef:
        match = g.most_overlapping(self.dates, where.start, where.end)
        if match is not None:
            return TimeRef(match.value, match.text, match.start, match.end)
        grounded = self.text[where.start:where.end]
        return TimeRef(parse_date(grounded, self.anchor), grounded, where.start, where.end)

    def finish(self) -> tuple[tuple[Entity, ...], tuple[Claim, ...], int]:
        """Flat entities (longest span wins an overlap), then claims linked to them."""
        chosen: list[_Candidate] = []
        for c in sorted(self.candidates, key=lambda c: (-(c.end - c.start), c.start)):
            if all(c.end <= k.start or c.start >= k.end for k in chosen):
                chosen.append(c)
        chosen.sort(key=lambda c: (c.start, c.end))
        entities = tuple(
            Entity(f"e{i}", c.label, c.start, c.end, self.text[c.start:c.end]) for i, c in enumerate(chosen, 1)
        )
        by_span = {(e.start, e.end): e for e in entities}
        claims: list[Claim] = []
        seen: set[tuple] = set()
        linked = 0
        for draft in self.drafts:
            speaker = location = None
            if draft.speaker is not None:
                s = draft.speaker
                entity = by_span.get((s.start, s.end))
                speaker = Speaker(self.text[s.start:s.end], s.start, s.end, entity.id if entity else None)
                linked += entity is not None
            if draft.place is not None:
                p = draft.place
                entity = by_span.get((p.start, p.end))
                location = Location(self.text[p.start:p.end], p.start, p.end, entity.id if entity else None)
            ev = draft.evidence
            key = (ev.start, ev.end, draft.raw.kind, speaker, draft.quantity, draft.time, location)
            if key in seen:
                continue
            seen.add(key)
            claims.append(
                Claim(
                    id=f"c{len(claims) + 1}",
                    evidence=Span(ev.start, ev.end, self.text[ev.start:ev.end]),
                    predicate=draft.raw.text[:200],
                    kind=draft.raw.kind,
                    speaker=speaker,
                    quantity=draft.quantity,
                    time=draft.time,
                    location=location,
                )
            )
        return entities, tuple(claims), linked


def _summary(paragraphs: list[dict[str, Any]], n_entities: int, n_claims: int, linked: int) -> dict[str, Any]:
    """Counts a person reads first: what was generated, parsed, grounded, leaked."""
    summary: dict[str, Any] = {
        "paragraphs": len(paragraphs),
        "generated": sum(1 for p in paragraphs if p.get("cached") is False),
        "cached": sum(1 for p in paragraphs if p.get("cached") is True),
        "errors": sum(1 for p in paragraphs if "error" in p),
        "parse": {},
        "schema_errors": sum(1 for p in paragraphs if "schema_error" in p),
        "rejected_items": sum(len(p.get("rejected", [])) for p in paragraphs),
        "duplicates": sum(p.get("duplicates", 0) for p in paragraphs),
        "claims_proposed": 0,
        "claims_grounded": 0,
        "claims_ungrounded": 0,
        "claims_kept": n_claims,
        "entities_proposed": 0,
        "entities_ungrounded": 0,
        "entity_mentions_kept": n_entities,
        "slots_ungrounded": 0,
        "speakers_linked_to_entities": linked,
        "items_with_leaks": 0,
        "prompt_tokens": sum(p.get("prompt_tokens", 0) for p in paragraphs if p.get("cached") is False),
        "completion_tokens": sum(p.get("completion_tokens", 0) for p in paragraphs if p.get("cached") is False),
    }
    for p in paragraphs:
        if "parse_status" in p:
            summary["parse"][p["parse_status"]] = summary["parse"].get(p["parse_status"], 0) + 1
        for item in p.get("items", []):
            summary["items_with_leaks"] += bool(item.get("leaks"))
            if item["item"] == "entity":
                summary["entities_proposed"] += 1
                summary["entities_ungrounded"] += item["grounding"] == g.NOT_FOUND
            else:
                summary["claims_proposed"] += 1
                grounding = item["grounding"]
                if grounding.get("text") == g.NOT_FOUND:
                    summary["claims_ungrounded"] += 1
                else:
                    summary["claims_grounded"] += 1
                    summary["slots_ungrounded"] += sum(
                        1 for k, v in grounding.items() if k != "text" and v in (g.NOT_FOUND, "no_number")
                    )
    return summary


def _progress(paragraphs: list[Paragraph], doc_id: str, enabled: bool):
    if not enabled or not paragraphs:
        return paragraphs
    from tqdm import tqdm

    return tqdm(paragraphs, desc=f"llm {doc_id}", unit="paragraph", leave=False, file=sys.stderr, dynamic_ncols=True)


def build(params: dict[str, Any]) -> LLMExtractor:
    """Registry factory: ``harness.extractors.registry`` maps ``"llm"`` here."""
    return LLMExtractor(params)
