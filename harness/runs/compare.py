"""Two runs side by side: paired significance tests and a per-document diff.

``harness compare A B`` answers two questions a leaderboard cannot:

* *Is B really better than A, or is the difference within the noise of five
  documents?* Both runs' predictions are scored again, document by document,
  against the same gold, and the paired tests of :mod:`harness.stats` (paired
  bootstrap and approximate randomisation, both resampling whole documents)
  give an interval for B - A and a p-value for every metric both runs share.
* *What changed?* Per document: the gold claims one run found and the other
  did not, slot values that differ between the two runs' predictions for the
  same gold claim, and the entities gained or lost in strict mode.

Runs scored against different gold are refused: their numbers measure
different things, and a paired test needs the same documents on both sides.
The F1 of a resample is always computed from summed counts through
:func:`harness.scoring.corpus.credit_matrix`, the same arithmetic as the
intervals in ``metrics.json``, so B's value here equals B's stored value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from harness.config import DEFAULT_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED
from harness.corpus.load import Corpus, load_corpus
from harness.model import ENTITY_LABELS, Claim, Entity, GoldDocument, Prediction
from harness.runs.record import prediction_from_json, read_record
from harness.scoring.claims import SCORED_SLOTS, score_document
from harness.scoring.corpus import (
    PARTIAL_CREDIT,
    DocumentScores,
    ScoringSettings,
    credit_matrix,
    f1_of_credit_sums,
    score_document_all,
)
from harness.scoring.counts import MatchCounts
from harness.scoring.entities import MODES, align_entities
from harness.scoring.grounding import keep_grounded
from harness.stats import PairedComparison, approximate_randomisation_counts, paired_bootstrap_counts

#: Lines of diff shown per document before "... N more".
DEFAULT_MAX_LINES = 12
#: Characters of claim evidence shown in the diff.
EXCERPT_CHARS = 60
#: Slots whose predicted values the diff compares between the runs.
DIFF_SLOTS: tuple[str, ...] = ("quantity", "time", "speaker")


class ComparisonRefused(ValueError):
    """Two runs (or a run and a corpus) whose scores cannot be compared; the message says why."""


# --- the two sides -------------------------------------------------------------


@dataclass(frozen=True)
class RunSide:
    """What a comparison needs of one run: its predictions and what it declared."""

    #: Run id, or the path of a predictions file.
    name: str
    setup: str
    gold_sha256: str | None
    #: Entity labels the run was scored on (``metrics.json`` ``entities.labels``).
    entity_labels: tuple[str, ...]
    #: True when the run's claims were scored (``metrics.json`` ``claims`` not null).
    has_claims: bool
    predictions: tuple[Prediction, ...]
    #: ``doc_id -> sha256`` of the text each prediction was made on (when recorded).
    doc_sha256: tuple[tuple[str, str], ...] = ()
    #: Where the corpus of the run came from (``run.json`` ``corpus.source``).
    corpus_source: str | None = None


def side_from_record(record_dir: Path) -> RunSide:
    """A run record directory as one side of a comparison."""
    record = read_record(Path(record_dir))
    lines = _prediction_lines(record.path / "predictions.jsonl")
    return RunSide(
        name=record.run.get("run_id", record.run_id),
        setup=record.run.get("setup", ""),
        gold_sha256=record.run.get("gold_sha256"),
        entity_labels=tuple(record.metrics.get("entities", {}).get("labels", ())),
        has_claims=record.metrics.get("claims") is not None,
        predictions=tuple(prediction_from_json(line) for line in lines),
        doc_sha256=tuple((line["doc_id"], line["doc_sha256"]) for line in lines if line.get("doc_sha256")),
        corpus_source=(record.run.get("corpus") or {}).get("source"),
    )


def side_from_predictions(path: Path, like: RunSide | None, setup: str = "") -> RunSide:
    """A bare ``predictions.jsonl`` (record format) as one side.

    It carries no declaration of labels or claims, so it is scored as if made
    by the extractor of ``like`` (a baseline), or on every label with claims
    when there is none. Its gold is the corpus it is compared on.
    """
    lines = _prediction_lines(Path(path))
    return RunSide(
        name=str(path),
        setup=setup or (like.setup if like else ""),
        gold_sha256=None,
        entity_labels=like.entity_labels if like else ENTITY_LABELS,
        has_claims=like.has_claims if like else True,
        predictions=tuple(prediction_from_json(line) for line in lines),
        doc_sha256=tuple((line["doc_id"], line["doc_sha256"]) for line in lines if line.get("doc_sha256")),
    )


def _prediction_lines(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise FileNotFoundError(f"{path}: cannot read predictions: {err.strerror}") from None
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as err:
            raise ValueError(f"{path}: line {number}: not valid JSON: {err}") from None
        if not isinstance(data, dict) or "doc_id" not in data or "annotations" not in data:
            raise ValueError(f"{path}: line {number}: expected an object with doc_id and annotations")
        lines.append(data)
    return lines


def check_same_gold(a: RunSide, b: RunSide) -> None:
    """Refuse two runs scored against different gold (their ``gold_sha256`` differ)."""
    if a.gold_sha256 and b.gold_sha256 and a.gold_sha256 != b.gold_sha256:
        raise ComparisonRefused(
            f"runs {a.name} and {b.name} were scored against different gold "
            f"({a.gold_sha256[:12]} and {b.gold_sha256[:12]}): their scores measure different things; "
            "re-score one with `harness score RUN_DIR` on the other's gold, or compare runs of the same gold"
        )


def check_comparable(a: RunSide, b: RunSide, corpus: Corpus) -> None:
    """Refuse (with the reason) runs that were not scored against this very gold and these texts."""
    check_same_gold(a, b)
    for side in (a, b):
        if side.gold_sha256 and side.gold_sha256 != corpus.gold_sha256:
            raise ComparisonRefused(
                f"run {side.name} was scored against gold {side.gold_sha256[:12]}, "
                f"but the corpus {corpus.source} has gold {corpus.gold_sha256[:12]} (pass the corpus the run used)"
            )
        texts = {g.document.doc_id: g.document.sha256 for g in corpus.documents}
        for doc_id, sha in side.doc_sha256:
            if doc_id in texts and texts[doc_id] != sha:
                raise ComparisonRefused(
                    f"run {side.name} predicted document {doc_id} on a different text than the corpus {corpus.source} holds"
                )


def corpus_of(side: RunSide) -> Corpus:
    """The corpus a run names in ``run.json``, refused when it is gone or its gold changed."""
    if not side.corpus_source:
        raise ComparisonRefused(f"run {side.name} does not name its corpus; pass the corpus to compare on")
    source = Path(side.corpus_source)
    if not source.exists():
        raise ComparisonRefused(
            f"the corpus of run {side.name} ({source}) is not here; pass the corpus to compare on (--corpus)"
        )
    return load_corpus(source)


# --- paired metrics ------------------------------------------------------------


def _precision_of_credit_sums(sums: np.ndarray) -> np.ndarray:
    return np.divide(sums[:, 0], sums[:, 1], out=np.zeros_like(sums[:, 0]), where=sums[:, 1] > 0)


def _recall_of_credit_sums(sums: np.ndarray) -> np.ndarray:
    return np.divide(sums[:, 0], sums[:, 2], out=np.zeros_like(sums[:, 0]), where=sums[:, 2] > 0)


_RATES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "f1": f1_of_credit_sums,
    "precision": _precision_of_credit_sums,
    "recall": _recall_of_credit_sums,
}
_CLAIM_KINDS = ("fact", "opinion")


class UnknownMetric(KeyError):
    """A metric path that no paired test is defined for."""

    def __str__(self) -> str:
        return self.args[0]


def paired_metric_names(labels: Sequence[str], has_claims: bool) -> tuple[str, ...]:
    """The metrics a comparison tests, as ``metrics.json`` dotted paths, in report order."""
    names = [f"entities.{mode}.f1" for mode in MODES] if labels else []
    if has_claims:
        names.append("claims.f1")
        names += [f"claims.slots.{slot}.f1" for slot in SCORED_SLOTS]
    return tuple(names)


def _selected_counts(scores: DocumentScores, path: str) -> tuple[MatchCounts, float] | None:
    """The counts and partial credit one document contributes to the metric ``path`` (rate removed)."""
    parts = path.split(".")
    if parts[0] == "entities":
        counts = scores.entities_declared
        if len(parts) >= 2 and parts[1] == "all_labels":
            counts, parts = scores.entities_all, ["entities", *parts[2:]]
        if len(parts) == 2 and parts[1] in MODES:
            return counts.overall.mode(parts[1]), PARTIAL_CREDIT[parts[1]]
        if len(parts) == 4 and parts[1] == "per_label" and parts[3] in MODES:
            return counts.label(parts[2]).mode(parts[3]), PARTIAL_CREDIT[parts[3]]
        return None
    if parts[0] == "claims":
        if scores.claims is None:
            return None
        if parts == ["claims"]:
            return scores.claims.part("claims"), 0.0
        if len(parts) == 3 and parts[1] == "by_kind" and parts[2] in _CLAIM_KINDS:
            return scores.claims.part(parts[2]), 0.0
        if len(parts) == 3 and parts[1] == "slots" and parts[2] in SCORED_SLOTS:
            return scores.claims.part(parts[2]), 0.0
    return None


def metric_matrix(per_document: Sequence[DocumentScores], path: str) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """The (documents, 3) credit matrix and the rate function of a metric path such as ``claims.slots.time.f1``.

    Raises :class:`UnknownMetric` for a path that is not a precision, recall
    or F1 of summed counts (or whose part was not scored, e.g. claims of a run
    without claims).
    """
    head, _, rate = path.rpartition(".")
    if rate not in _RATES or not per_document:
        raise UnknownMetric(f"no paired test for metric {path!r} (expected a dotted path ending in f1, precision or recall)")
    selected = [_selected_counts(d, head) for d in per_document]
    if any(s is None for s in selected):
        raise UnknownMetric(
            f"no paired test for metric {path!r}: entities.<mode>, entities.per_label.<LABEL>.<mode>, "
            "entities.all_labels.<mode>, claims, claims.by_kind.<kind> or claims.slots.<slot>, "
            "followed by .f1, .precision or .recall (claims only when both runs scored claims)"
        )
    partial = selected[0][1]
    return credit_matrix([s[0] for s in selected], partial), _RATES[rate]


@dataclass(frozen=True)
class MetricComparison:
    """One metric of B against A, by both paired tests (same documents, same seed)."""

    metric: str
    bootstrap: PairedComparison
    randomisation: PairedComparison

    @property
    def a(self) -> float:
        return self.bootstrap.metric_a

    @property
    def b(self) -> float:
        return self.bootstrap.metric_b

    @property
    def difference(self) -> float:
        return self.bootstrap.difference

    @property
    def interval(self) -> tuple[float, float]:
        return (self.bootstrap.low, self.bootstrap.high)


def compare_metric(
    scores_a: Sequence[DocumentScores],
    scores_b: Sequence[DocumentScores],
    path: str,
    *,
    seed: int = DEFAULT_SEED,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
) -> MetricComparison:
    """Paired bootstrap and approximate randomisation of one metric, B - A."""
    matrix_a, rate = metric_matrix(scores_a, path)
    matrix_b, _ = metric_matrix(scores_b, path)
    options = {"resamples": resamples, "level": level, "seed": seed}
    return MetricComparison(
        path,
        paired_bootstrap_counts(matrix_a, matrix_b, rate, **options),
        approximate_randomisation_counts(matrix_a, matrix_b, rate, **options),
    )


def shared_settings(a: RunSide, b: RunSide, corpus: Corpus) -> ScoringSettings:
    """Score both runs on what both declared: the common entity labels, claims only if both have them."""
    labels = tuple(label for label in a.entity_labels if label in b.entity_labels and label in corpus.labels)
    return ScoringSettings(entity_labels=labels, score_claims=corpus.has_claims and a.has_claims and b.has_claims)


def document_scores(corpus: Corpus, side: RunSide, settings: ScoringSettings) -> list[DocumentScores]:
    """Per-document counts of one run, in corpus order (a missing prediction counts as failed)."""
    by_id = {p.doc_id: p for p in side.predictions}
    return [score_document_all(g, by_id.get(g.document.doc_id), settings) for g in corpus.documents]


# --- per-document diff -----------------------------------------------------------


@dataclass(frozen=True)
class ClaimFound:
    """A gold claim one run found (aligned and correct) and the other did not."""

    gold_id: str
    excerpt: str
    #: "A" or "B": the run that found it.
    found_by: str


@dataclass(frozen=True)
class SlotChange:
    """A slot value that differs between the two runs' predictions for one gold claim."""

    gold_id: str
    slot: str
    a: str
    b: str


@dataclass(frozen=True)
class EntityChange:
    """A gold entity matched in strict mode by one run only."""

    label: str
    start: int
    end: int
    text: str
    #: "gained" (B matches it, A does not) or "lost" (A matches it, B does not).
    change: str


@dataclass(frozen=True)
class DocumentDiff:
    doc_id: str
    claims_found: tuple[ClaimFound, ...]
    slot_changes: tuple[SlotChange, ...]
    entity_changes: tuple[EntityChange, ...]
    #: Strict entity counts of each run on this document.
    entities_a: MatchCounts
    entities_b: MatchCounts
    #: Headline claim counts of each run (None when claims are not compared).
    claims_a: MatchCounts | None
    claims_b: MatchCounts | None

    @property
    def changed(self) -> bool:
        return bool(self.claims_found or self.slot_changes or self.entity_changes) or (
            self.entities_a != self.entities_b or self.claims_a != self.claims_b
        )


def _excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def slot_value(claim: Claim, slot: str) -> str:
    """A slot of a predicted claim as a short readable value ("" when empty)."""
    if slot == "quantity":
        q = claim.quantity
        if q is None:
            return ""
        value = f"{q.value:g}" if isinstance(q.value, (int, float)) and not isinstance(q.value, bool) else str(q.value)
        return f"{value} {q.unit}".strip()
    if slot == "time":
        t = claim.time
        return "" if t is None else (t.value or f"({t.text})")
    if slot == "speaker":
        return "" if claim.speaker is None else claim.speaker.text
    raise ValueError(f"unknown slot {slot!r}")


def _grounded(gold: GoldDocument, prediction: Prediction | None):
    if prediction is None or prediction.failed:
        return None
    kept, _ = keep_grounded(gold.document, prediction.annotations)
    return kept


def _strict_matches(gold: GoldDocument, prediction: Prediction | None, labels: tuple[str, ...]) -> set[tuple[int, int, str]]:
    kept = _grounded(gold, prediction)
    predicted: tuple[Entity, ...] = kept.entities if kept is not None else ()
    rows = align_entities(gold.gold.entities, predicted, "strict", labels)
    return {(row.gold.start, row.gold.end, row.gold.label) for row in rows if row.outcome == "correct"}


def _claim_alignment(gold: GoldDocument, prediction: Prediction | None) -> tuple[set[str], dict[str, Claim]]:
    """Gold claim ids found (correct), and gold id -> aligned predicted claim."""
    scored = score_document(gold, prediction)
    kept = _grounded(gold, prediction)
    by_id: dict[str, Claim] = {}
    for claim in kept.claims if kept is not None else ():
        by_id.setdefault(claim.id, claim)
    aligned = {pair.gold_id: by_id[pair.predicted_id] for pair in scored.pairs if pair.predicted_id in by_id}
    return {pair.gold_id for pair in scored.pairs if pair.correct}, aligned


def document_diff(
    gold: GoldDocument,
    a: Prediction | None,
    b: Prediction | None,
    scores_a: DocumentScores,
    scores_b: DocumentScores,
    settings: ScoringSettings,
) -> DocumentDiff:
    """What changed on one document from run A to run B."""
    labels = settings.entity_labels
    gold_entities = {(e.start, e.end, e.label): e for e in gold.gold.entities}
    entity_changes: list[EntityChange] = []
    if labels:
        matched_a, matched_b = _strict_matches(gold, a, labels), _strict_matches(gold, b, labels)
        for key in sorted(matched_a ^ matched_b):
            entity = gold_entities[key]
            change = "gained" if key in matched_b else "lost"
            entity_changes.append(EntityChange(entity.label, entity.start, entity.end, entity.text, change))
    claims_found: list[ClaimFound] = []
    slot_changes: list[SlotChange] = []
    if settings.score_claims:
        found_a, aligned_a = _claim_alignment(gold, a)
        found_b, aligned_b = _claim_alignment(gold, b)
        for claim in sorted(gold.gold.claims, key=lambda c: (c.evidence.start, c.evidence.end, c.id)):
            if (claim.id in found_a) != (claim.id in found_b):
                claims_found.append(ClaimFound(claim.id, _excerpt(claim.evidence.text), "A" if claim.id in found_a else "B"))
            if claim.id in aligned_a and claim.id in aligned_b:
                for slot in DIFF_SLOTS:
                    value_a, value_b = slot_value(aligned_a[claim.id], slot), slot_value(aligned_b[claim.id], slot)
                    if value_a != value_b:
                        slot_changes.append(SlotChange(claim.id, slot, value_a, value_b))
    return DocumentDiff(
        doc_id=gold.document.doc_id,
        claims_found=tuple(claims_found),
        slot_changes=tuple(slot_changes),
        entity_changes=tuple(entity_changes),
        entities_a=scores_a.entities_declared.overall.strict,
        entities_b=scores_b.entities_declared.overall.strict,
        claims_a=scores_a.claims.claims if scores_a.claims is not None else None,
        claims_b=scores_b.claims.claims if scores_b.claims is not None else None,
    )


# --- the comparison ----------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Run B against run A on one corpus: paired tests per metric and the per-document diff."""

    run_a: str
    run_b: str
    corpus: str
    gold_sha256: str
    #: Entity labels both runs were scored on.
    entity_labels: tuple[str, ...]
    claims_compared: bool
    #: Documents the paired tests resampled (the corpus size).
    document_count: int
    metrics: tuple[MetricComparison, ...]
    documents: tuple[DocumentDiff, ...]
    seed: int
    resamples: int
    level: float

    def metric(self, name: str) -> MetricComparison:
        for item in self.metrics:
            if item.metric == name:
                return item
        raise KeyError(f"metric {name!r} not compared (compared: {', '.join(m.metric for m in self.metrics)})")


def compare_sides(
    a: RunSide,
    b: RunSide,
    corpus: Corpus,
    *,
    metrics: Sequence[str] | None = None,
    seed: int = DEFAULT_SEED,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    with_diff: bool = True,
) -> Comparison:
    """Compare two runs on ``corpus``; ``metrics`` defaults to every metric both share."""
    check_comparable(a, b, corpus)
    settings = shared_settings(a, b, corpus)
    scores_a, scores_b = document_scores(corpus, a, settings), document_scores(corpus, b, settings)
    names = tuple(metrics) if metrics is not None else paired_metric_names(settings.entity_labels, settings.score_claims)
    options = {"seed": seed, "resamples": resamples, "level": level}
    compared = tuple(compare_metric(scores_a, scores_b, name, **options) for name in names)
    diffs: tuple[DocumentDiff, ...] = ()
    if with_diff:
        pred_a = {p.doc_id: p for p in a.predictions}
        pred_b = {p.doc_id: p for p in b.predictions}
        diffs = tuple(
            document_diff(g, pred_a.get(g.document.doc_id), pred_b.get(g.document.doc_id), sa, sb, settings)
            for g, sa, sb in zip(corpus.documents, scores_a, scores_b)
        )
    return Comparison(
        run_a=a.name,
        run_b=b.name,
        corpus=corpus.source,
        gold_sha256=corpus.gold_sha256,
        entity_labels=settings.entity_labels,
        claims_compared=settings.score_claims,
        document_count=len(corpus.documents),
        metrics=compared,
        documents=diffs,
        seed=seed,
        resamples=resamples,
        level=level,
    )


def compare_records(
    record_a: Path,
    record_b: Path,
    corpus: Corpus | None = None,
    **options: Any,
) -> Comparison:
    """Compare two run record directories (B - A); the corpus defaults to the one run A names."""
    a, b = side_from_record(record_a), side_from_record(record_b)
    check_same_gold(a, b)
    return compare_sides(a, b, corpus if corpus is not None else corpus_of(a), **options)


# --- text report ---------------------------------------------------------------------


def _signed(value: float) -> str:
    return f"{value:+.3f}"


def format_table(comparison: Comparison) -> list[str]:
    """The metrics table: metric, A, B, B - A, interval, p-value, method (one row per test)."""
    level = f"{comparison.level:.0%}"
    header = ("metric", "A", "B", "B-A", f"{level} interval", "p-value", "method")
    rows = []
    for item in comparison.metrics:
        for result, method in ((item.bootstrap, "paired bootstrap"), (item.randomisation, "approx. randomisation")):
            rows.append(
                (
                    item.metric,
                    f"{result.metric_a:.3f}",
                    f"{result.metric_b:.3f}",
                    _signed(result.difference),
                    f"[{_signed(result.low)}, {_signed(result.high)}]",
                    f"{result.p_value:.3f}",
                    method,
                )
            )
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    line = lambda cells: "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()  # noqa: E731
    return [line(header), line(tuple("-" * w for w in widths)), *(line(row) for row in rows)]


def _counts_line(diff: DocumentDiff) -> str:
    parts = [f"entities strict correct {diff.entities_a.correct} -> {diff.entities_b.correct} of {diff.entities_a.possible}"]
    if diff.claims_a is not None and diff.claims_b is not None:
        parts.append(f"claims correct {diff.claims_a.correct} -> {diff.claims_b.correct} of {diff.claims_a.possible}")
    return "; ".join(parts)


def format_document_diff(diff: DocumentDiff, max_lines: int = DEFAULT_MAX_LINES) -> list[str]:
    """Lines for one document: counts, then claims, slot changes and entities, capped at ``max_lines``."""
    body = [f"  claim {c.gold_id} found by {c.found_by} only: {c.excerpt}" for c in diff.claims_found]
    body += [f"  claim {s.gold_id} {s.slot}: {s.a or '(none)'} -> {s.b or '(none)'}" for s in diff.slot_changes]
    body += [
        f"  entity {'+' if e.change == 'gained' else '-'} {e.label} {e.text} [{e.start}:{e.end}] ({e.change} by B)"
        for e in diff.entity_changes
    ]
    if len(body) > max_lines:
        body = body[:max_lines] + [f"  ... {len(body) - max_lines} more"]
    return [f"{diff.doc_id}: {_counts_line(diff)}", *body]


def format_comparison(comparison: Comparison, max_lines: int = DEFAULT_MAX_LINES) -> str:
    """The whole report of ``harness compare`` as text."""
    labels = ", ".join(comparison.entity_labels) or "(none shared)"
    lines = [
        f"A: {comparison.run_a}",
        f"B: {comparison.run_b}",
        f"corpus: {comparison.corpus} (gold {comparison.gold_sha256[:12]}); entity labels compared: {labels}; "
        f"claims compared: {'yes' if comparison.claims_compared else 'no'}",
        f"paired tests over {comparison.document_count} documents, {comparison.resamples} resamples, seed {comparison.seed}",
        "",
        *format_table(comparison),
        "",
        "per document (A -> B):",
    ]
    changed = [d for d in comparison.documents if d.changed]
    for diff in changed:
        lines += format_document_diff(diff, max_lines)
    if not changed:
        lines.append("  no differences")
    return "\n".join(lines)
