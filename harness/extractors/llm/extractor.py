"""The prompted-model extractor: grounded claims and entities from a local model.

For each document: split it into paragraphs (``paragraphs``), render the
prompt for each with the headline as context (``prompts``), generate or read
the cached answers (``backends``, ``cache``), parse and repair the JSON
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
- ``constraint``: ``none`` (default: free text, parsed with repairs) or
  ``json_schema`` (decoding held to the answer schema, so every answer that
  ends by itself parses; llama.cpp and OpenAI-compatible backends);
- ``progress``: show a progress bar per paragraph (default true).

The paragraphs of all the documents of one ``extract`` call are asked for
together: a backend that keeps several requests in flight (``openai`` with
``max_concurrency``) answers them concurrently, others one after another.
Answers are read back in paragraph order, so the output does not depend on
the order they arrive in. Each prediction's ``meta.usage`` says what the
document cost (requests, tokens, seconds, cached requests).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from harness.annotations import (
    CLAIM_SLOTS,
    Annotations,
    Claim,
    Document,
    Entity,
    Location,
    Prediction,
    Quantity,
    Span,
    Speaker,
    TimeRef,
)
from harness.common.paths import PROJECT_ROOT
from harness.extractors.base import REUSED_CACHED_WORK
from harness.extractors.llm import grounding as g
from harness.extractors.llm.backends import Backend, BackendError, create_backend
from harness.extractors.llm.backends.base import ChatMessage, Generation, answer_all
from harness.extractors.llm.cache import GenerationCache
from harness.extractors.llm.leakage import example_values, find_leaks
from harness.extractors.llm.paragraphs import Paragraph, headline_of, split_paragraphs
from harness.extractors.llm.parsing import parse_output
from harness.extractors.llm.prompts import PromptTemplate, load_template
from harness.extractors.llm.schema import (
    RawClaim,
    RawEntity,
    Validated,
    output_json_schema,
    validate_output,
)
from harness.extractors.llm.settings import (
    GenerationSettings,
    canonical_schema,
    settings_from_params,
)
from harness.text import find_dates, find_quantities, parse_date, parse_number

#: Bump when parsing, validation or grounding changes what comes out of the
#: same raw answers (the generation cache is keyed without it, so a bump
#: re-reads cached answers rather than generating again).
VERSION = "1.4.0"
DEFAULT_PROMPT = "claims_few_shot_v1"
DEFAULT_CACHE_DIR = PROJECT_ROOT / "results" / "cache" / "llm"
_KNOWN_PARAMS = frozenset({"backend", "prompt", "generation", "paragraphs", "cache_dir", "date_anchor", "progress", "constraint"})
#: ``none``: the model writes free text (parsed with repairs); ``json_schema``:
#: decoding is held to the answer schema (``schema.output_json_schema``).
CONSTRAINTS = ("none", "json_schema")
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


@dataclass(frozen=True)
class _Plan:
    """One document split into the paragraphs one request each reads."""

    document: Document
    paragraphs: tuple[Paragraph, ...]
    headline: str


@dataclass(frozen=True)
class _Answer:
    """One paragraph's answer, or why there is none."""

    generation: Generation | None
    error: str | None
    cached: bool
    #: The request's latency (generated), or the cache read (cached).
    seconds: float


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
        constraint = params.get("constraint", "none")
        if constraint not in CONSTRAINTS:
            raise ValueError(f"llm extractor: constraint must be one of {', '.join(CONSTRAINTS)}, got {constraint!r}")
        self.constraint = constraint
        if constraint == "json_schema":
            # In the settings, hence in the fingerprint and the cache key: it changes the answers.
            self.settings = replace(self.settings, json_schema=canonical_schema(output_json_schema(self.entity_labels)))
        self.backend: Backend = backend if backend is not None else create_backend(
            params.get("backend", {}) or {}, "llm extractor: backend"
        )
        if constraint != "none" and not getattr(self.backend, "constrains_output", False):
            raise ValueError(f"llm extractor: constraint {constraint}: the {self.backend.kind} backend cannot constrain decoding")
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
    def _count(self, generation: Generation) -> None:
        self.stats["generated"] += 1
        self.stats["prompt_tokens"] += generation.prompt_tokens
        self.stats["prompt_tokens_evaluated"] += generation.prompt_tokens_evaluated or 0
        self.stats["completion_tokens"] += generation.completion_tokens
        self.stats["prompt_seconds"] += generation.prompt_seconds or 0.0
        self.stats["generation_seconds"] += generation.generation_seconds or 0.0
        self.stats["total_seconds"] += generation.total_seconds

    def _answers(self, requests: list[list[ChatMessage]], label: str) -> list[_Answer]:
        """The answer to every request, in the order asked: from the cache, else from the backend.

        The requests the cache cannot answer go to the backend together
        (``answer_all``: concurrently when the backend can), each answer is
        stored in the cache as soon as it arrives (from this thread, once),
        and the answers are put back in request order, so what follows does
        not depend on the order they came in. With a cache, a request that
        repeats one already sent (the same paragraph and headline twice) is
        sent once and the repeat counts as cached, as it would be when asked
        one after another.
        """
        answers: list[_Answer | None] = [None] * len(requests)
        positions: list[list[int]] = []  # for each request sent, the requests it answers
        sent_for: dict[tuple[ChatMessage, ...], int] = {}
        for i, messages in enumerate(requests):
            if self.cache is not None:
                started = time.perf_counter()
                hit = self.cache.get(messages)
                if hit is not None:
                    self.stats["cached"] += 1
                    answers[i] = _Answer(hit, None, True, time.perf_counter() - started)
                    continue
                key = tuple(messages)
                if key in sent_for:
                    positions[sent_for[key]].append(i)
                    continue
                sent_for[key] = len(positions)
            positions.append([i])
        asked = [requests[group[0]] for group in positions]
        bar = _progress(len(asked), label, self.progress)
        try:
            for j, outcome in answer_all(self.backend, asked, self.settings):
                first, *repeats = positions[j]
                if isinstance(outcome, BackendError):
                    for i in positions[j]:
                        answers[i] = _Answer(None, str(outcome), False, 0.0)
                else:
                    self._count(outcome)
                    if self.cache is not None:
                        self.cache.put(asked[j], outcome)
                    answers[first] = _Answer(outcome, None, False, outcome.total_seconds)
                    for i in repeats:
                        self.stats["cached"] += 1
                        answers[i] = _Answer(outcome, None, True, 0.0)
                if bar is not None:
                    bar.update(1)
        finally:
            if bar is not None:
                bar.close()
        missing = [i for i, a in enumerate(answers) if a is None]
        if missing:  # a backend's generate_many that skipped a request: a bug of the backend, said as such
            raise BackendError(f"backend {self.backend.kind!r} gave no outcome for request(s) {missing}")
        return [a for a in answers if a is not None]

    #: What ``harness run --dry-run`` counts: one prompt per paragraph.
    work_unit_name = "paragraphs"

    def work_units(self, document: Document) -> int:
        """The prompts a document costs: its paragraphs as the extractor splits them."""
        return len(split_paragraphs(document.text, max_chars=self.max_chars, merge_below=self.merge_below))

    def cached_work_units(self, document: Document) -> int:
        """The paragraphs of ``document`` whose answer the generation cache already holds.

        ``--dry-run`` counts them apart: after a code change every prediction
        is recomputed, but these paragraphs cost no generation.
        """
        if self.cache is None:
            return 0
        plan = self._plan(document)
        return sum(1 for paragraph in plan.paragraphs if self.cache.get(self.template.messages(plan.headline, paragraph.text)) is not None)

    def extract(self, documents: Sequence[Document]) -> list[Prediction]:
        """Predictions of ``documents``, whose paragraphs are all asked for together."""
        plans = [self._plan(document) for document in documents]
        requests = [self.template.messages(plan.headline, paragraph.text) for plan in plans for paragraph in plan.paragraphs]
        label = documents[0].doc_id if len(documents) == 1 else f"{len(documents)} documents"
        answers = self._answers(requests, label)
        predictions: list[Prediction] = []
        begin = 0
        for plan in plans:
            end = begin + len(plan.paragraphs)
            predictions.append(self._assemble(plan, answers[begin:end]))
            begin = end
        return predictions

    def extract_one(self, document: Document) -> Prediction:
        return self.extract([document])[0]

    def _anchor(self, text: str) -> str | None:
        if self.anchor_mode == "latest":
            return g.article_anchor(text)
        return None if self.anchor_mode == "none" else self.anchor_mode

    def _plan(self, document: Document) -> _Plan:
        paragraphs = split_paragraphs(document.text, max_chars=self.max_chars, merge_below=self.merge_below)
        return _Plan(document, tuple(paragraphs), headline_of(document.text))

    def _assemble(self, plan: _Plan, answers: list[_Answer]) -> Prediction:
        """One document's prediction from its paragraphs' answers, read in paragraph order."""
        document = plan.document
        text = document.text
        anchor = self._anchor(text)
        context = _DocumentContext(text, find_quantities(text), find_dates(text, anchor), anchor)
        paragraph_meta: list[dict[str, Any]] = []
        errors: list[str] = []
        for paragraph, answer in zip(plan.paragraphs, answers):
            entry: dict[str, Any] = {"paragraph": paragraph.index, "start": paragraph.start, "end": paragraph.end}
            if answer.generation is None:
                errors.append(f"paragraph {paragraph.index}: {answer.error}")
                entry["error"] = answer.error
                paragraph_meta.append(entry)
                continue
            generation = answer.generation
            entry.update(
                cached=answer.cached,
                seconds=round(answer.seconds, 3),
                finish_reason=generation.finish_reason,
                prompt_tokens=generation.prompt_tokens,
                completion_tokens=generation.completion_tokens,
                raw_output=generation.text,
            )
            if not answer.cached and generation.attempts > 1:
                entry["attempts"] = generation.attempts
            self._read_answer(generation, paragraph, context, entry)
            paragraph_meta.append(entry)
        entities, claims, linked = context.finish()
        meta = {
            "date_anchor": anchor,
            "prompt": self.template.name,
            "constraint": self.constraint,
            "summary": _summary(paragraph_meta, len(entities), len(claims), linked),
            "usage": _usage(paragraph_meta),
            "paragraphs": paragraph_meta,
        }
        # Read from the generation cache rather than generated: the run must not
        # report the time this took as the model's speed (see harness/runs/run.py).
        meta[REUSED_CACHED_WORK] = bool(paragraph_meta) and all(p.get("cached") is True for p in paragraph_meta)
        if errors:
            reason = f"{len(errors)} of {len(plan.paragraphs)} paragraph(s) not generated; first: {errors[0]}"
            return Prediction(document.doc_id, Annotations(document.doc_id), error=reason, meta=meta)
        return Prediction(document.doc_id, Annotations(document.doc_id, entities, claims), meta=meta)

    # -- reading one answer ----------------------------------------------
    def _read_answer(self, generation: Generation, paragraph: Paragraph, context: _DocumentContext, entry: dict) -> None:
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
            item: dict[str, Any] = {"item": "entity", "raw": asdict(entity)}
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


def _usage(paragraphs: list[dict[str, Any]]) -> dict[str, Any]:
    """What the document cost the model: requests, tokens, seconds (for run records).

    ``requests`` counts the paragraphs sent to the model (answered or
    failed), ``cached_requests`` those read from the generation cache; tokens
    are the engine's counts of the answered requests. ``generation_seconds``
    adds up the requests' latencies: model time, which is more than the wall
    time when requests ran concurrently. ``attempts`` counts sends, retries
    included.
    """
    generated = [p for p in paragraphs if p.get("cached") is False]
    failed = [p for p in paragraphs if "error" in p]
    return {
        "requests": len(generated) + len(failed),
        "failed_requests": len(failed),
        "cached_requests": sum(1 for p in paragraphs if p.get("cached") is True),
        "prompt_tokens": sum(p.get("prompt_tokens", 0) for p in generated),
        "completion_tokens": sum(p.get("completion_tokens", 0) for p in generated),
        "generation_seconds": round(sum(p.get("seconds", 0.0) for p in generated), 3),
        "attempts": sum(p.get("attempts", 1) for p in generated),
    }


def _progress(total: int, label: str, enabled: bool):
    """A progress bar over the requests sent to the model (None when off or nothing is sent)."""
    if not enabled or total == 0:
        return None
    from tqdm import tqdm

    return tqdm(total=total, desc=f"llm {label}", unit="paragraph", leave=False, file=sys.stderr, dynamic_ncols=True)


def build(params: dict[str, Any]) -> LLMExtractor:
    """Registry factory: ``harness.extractors.registry`` maps ``"llm"`` here."""
    return LLMExtractor(params)
