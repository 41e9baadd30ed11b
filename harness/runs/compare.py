"""Two runs side by side: paired tests on every metric they share, and a per-document diff.

``harness compare A B`` answers two questions a leaderboard cannot:

* *Is B really better than A, or is the difference within the noise of a few
  documents?* For every metric of the metric table both runs have, the
  per-document counts stored with each run (``documents.jsonl``) give the
  paired tests of :mod:`harness.stats`: B - A with its paired bootstrap
  interval, and the p-value of a paired permutation test, exact over all
  2^n swaps when there are few units (with the smallest p-value n units can
  give), or of a finer unit (paragraphs) with its assumption stated.
* *What changed?* Per document, from the stored alignments: the gold claims
  one run got right (headline mode) and the other did not, slot values that
  differ between the two runs' predictions for the same gold claim, and the
  entities gained or lost in strict mode.

Nothing is scored again for records that keep their per-document results;
records written before them (``metrics.json`` schema 1) are scored once from
their predictions, and the comparison says so. Runs scored against different
gold are refused: their numbers measure different things.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from harness.config import DEFAULT_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED
from harness.corpus.load import Corpus, CorpusSpec
from harness.model import ENTITY_LABELS, Claim, GoldDocument, Prediction
from harness.paths import from_portable
from harness.runs.record import (
    InSample,
    RunRecord,
    prediction_from_json,
    read_jsonl,
    read_record,
)
from harness.scoring.claims import HEADLINE_CLAIM_MODE
from harness.scoring.corpus import RATE_FUNCTIONS, credit_matrix, score_documents
from harness.scoring.counts import MatchCounts, sum_counts
from harness.scoring.metric_table import Metric, build_table, find_metric, renamed
from harness.scoring.results import DECLARED, DocumentResult
from harness.scoring.settings import ScoringSettings
from harness.scoring.units import paragraph_starts, unit_counts
from harness.stats import (
    PairedComparison,
    exact_permutation_counts,
    paired_bootstrap_counts,
)

#: Slots whose predicted values the diff compares between the runs.
DIFF_SLOTS: tuple[str, ...] = ("quantity", "time", "speaker")
#: Resampling units a comparison can use.
UNITS: tuple[str, ...] = ("document", "paragraph")


class ComparisonRefused(ValueError):
    """Two runs (or a run and a corpus) whose scores cannot be compared; the message says why."""


class UnknownMetric(KeyError):
    """A metric path that no paired test is defined for."""

    def __str__(self) -> str:
        return self.args[0]


# --- the two sides -------------------------------------------------------------


@dataclass(frozen=True)
class RunSide:
    """What a comparison needs of one run: its predictions, its stored results and what it declared."""

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
    #: How the run's corpus was read (``run.json`` ``corpus.spec``).
    corpus_spec: dict[str, Any] | None = None
    #: The stored per-document results (None for a record from before they were kept).
    results: tuple[DocumentResult, ...] | None = None
    track: str = ""
    in_sample: InSample = InSample()
    #: The run's minimum overlap ratio (scoring settings).
    min_overlap: float = 0.0

    def by_doc(self) -> dict[str, Prediction]:
        return {p.doc_id: p for p in self.predictions}


def side_from_record(record: RunRecord | Path) -> RunSide:
    """A run record (or its directory) as one side of a comparison."""
    if not isinstance(record, RunRecord):
        record = read_record(Path(record), with_results=True)
    lines = record.prediction_json()
    return RunSide(
        name=record.run_id,
        setup=record.setup,
        gold_sha256=record.gold_sha256 or None,
        entity_labels=tuple((record.metrics.get("entities") or {}).get("labels", ())),
        has_claims=record.metrics.get("claims") is not None,
        predictions=tuple(prediction_from_json(line) for line in lines),
        doc_sha256=tuple((line["doc_id"], line["doc_sha256"]) for line in lines if line.get("doc_sha256")),
        corpus_spec=record.corpus_spec,
        results=record.results,
        track=record.track,
        in_sample=record.in_sample,
        min_overlap=float((record.run.get("scoring") or {}).get("min_overlap", 0.0)),
    )


def side_from_predictions(path: Path, like: RunSide | None, setup: str = "") -> RunSide:
    """A bare ``predictions.jsonl`` (record format) as one side.

    It carries no declaration of labels or claims, so it is scored as if made
    by the extractor of ``like`` (a baseline), or on every label with claims
    when there is none. Its gold is the corpus it is compared on.
    """
    lines = read_jsonl(Path(path), ("doc_id", "annotations"))
    return RunSide(
        name=str(path),
        setup=setup or (like.setup if like else ""),
        gold_sha256=None,
        entity_labels=like.entity_labels if like else ENTITY_LABELS,
        has_claims=like.has_claims if like else True,
        predictions=tuple(prediction_from_json(line) for line in lines),
        doc_sha256=tuple((line["doc_id"], line["doc_sha256"]) for line in lines if line.get("doc_sha256")),
        min_overlap=like.min_overlap if like else 0.0,
    )


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
    texts = {g.document.doc_id: g.document.sha256 for g in corpus.documents}
    for side in (a, b):
        if side.gold_sha256 and side.gold_sha256 != corpus.gold_sha256:
            raise ComparisonRefused(
                f"run {side.name} was scored against gold {side.gold_sha256[:12]}, "
                f"but the corpus {corpus.source} has gold {corpus.gold_sha256[:12]} (pass the corpus the run used)"
            )
        for doc_id, sha in side.doc_sha256:
            if doc_id in texts and texts[doc_id] != sha:
                raise ComparisonRefused(
                    f"run {side.name} predicted document {doc_id} on a different text than the corpus {corpus.source} holds"
                )


def spec_from_json(spec: dict[str, Any]) -> CorpusSpec:
    """A recorded corpus spec (``run.json`` ``corpus.spec``) as a :class:`CorpusSpec`."""
    return CorpusSpec(
        from_portable(str(spec.get("path"))),
        label_map=spec.get("label_map"),
        scheme=str(spec.get("scheme", "IOB2")),
        passage_tokens=spec.get("passage_tokens"),
        convention=spec.get("convention"),
        allow_drafts=bool(spec.get("allow_drafts", False)),
        sentences=spec.get("sentences"),
    )


def corpus_of(side: RunSide) -> Corpus:
    """The corpus a run names in ``run.json``, read the way it was read; refused when it is gone."""
    if not side.corpus_spec or not side.corpus_spec.get("path"):
        raise ComparisonRefused(f"run {side.name} does not name its corpus; pass the corpus to compare on")
    spec = spec_from_json(side.corpus_spec)
    if not spec.path.exists():
        raise ComparisonRefused(f"the corpus of run {side.name} ({spec.path}) is not here; pass the corpus to compare on (--corpus)")
    return spec.load()


def results_of(side: RunSide, corpus: Corpus) -> tuple[tuple[DocumentResult, ...], bool]:
    """The side's per-document results in corpus order, and whether they had to be scored now.

    Stored results are used as they are; only a record from before they were
    kept (or bare predictions) is scored, on the labels and claims it declared.
    """
    if side.results is not None:
        by_id = {r.doc_id: r for r in side.results}
        missing = [g.document.doc_id for g in corpus.documents if g.document.doc_id not in by_id]
        if missing:
            raise ComparisonRefused(f"run {side.name} has no stored result for document(s) {', '.join(missing[:5])}")
        return tuple(by_id[g.document.doc_id] for g in corpus.documents), False
    settings = ScoringSettings.for_run(
        declared_labels=side.entity_labels,
        emits_claims=side.has_claims,
        corpus_labels=corpus.labels,
        corpus_has_claims=corpus.has_claims,
        min_overlap=side.min_overlap,
    )
    return score_documents(corpus.documents, side.predictions, settings), True


# --- paired metrics ------------------------------------------------------------


def shared_metrics(table_a: Sequence[Metric], table_b: Sequence[Metric], a: RunSide, b: RunSide) -> tuple[tuple[Metric, ...], tuple[str, ...]]:
    """Count metrics both runs have, and why others were left out.

    A metric over the declared labels compares only when both runs declared
    the same labels: otherwise one run's F1 counts labels the other's ignores.
    """
    keys_b = {m.key for m in table_b if m.is_count}
    shared, notes = [], []
    for metric in table_a:
        if not metric.is_count or metric.key not in keys_b:
            continue
        if metric.declared_scope and set(a.entity_labels) != set(b.entity_labels):
            continue
        shared.append(metric)
    if set(a.entity_labels) != set(b.entity_labels):
        notes.append(
            f"the runs declare different entity labels ({', '.join(a.entity_labels) or 'none'} vs "
            f"{', '.join(b.entity_labels) or 'none'}): entity scores are compared per label and over all labels only"
        )
    return tuple(shared), tuple(notes)


@dataclass(frozen=True)
class MetricComparison:
    """One metric of B against A: the paired bootstrap interval and the permutation test."""

    metric: str
    title: str
    #: Paired bootstrap of the difference (interval; its p-value is shown for reference only).
    bootstrap: PairedComparison
    #: The significance test: exact permutation when the units are few, else Monte Carlo.
    permutation: PairedComparison
    #: The resampling unit ("document" or "paragraph") and what resampling by it assumes.
    unit: str = "document"
    assumption: str = ""
    higher_is_better: bool = True

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

    @property
    def p_value(self) -> float:
        return self.permutation.p_value

    @property
    def randomisation(self) -> PairedComparison:
        """Alias kept for readers of the schema-1 comparison."""
        return self.permutation


def unit_matrix(
    metric: Metric, results: Sequence[DocumentResult], unit: str, corpus: Corpus | None
) -> tuple[np.ndarray, np.ndarray | None]:
    """The (units, 3) credit matrix of a metric, and the document of each unit (None for documents)."""
    assert metric.counts is not None
    if unit == "document":
        counts = [metric.counts(r) for r in results]
        if any(c is None for c in counts):
            raise UnknownMetric(f"metric {metric.key} was not scored in one of the runs")
        return credit_matrix(counts, metric.partial_credit), None  # type: ignore[arg-type]
    if metric.rows is None:
        raise UnknownMetric(f"metric {metric.key} keeps no alignment rows: it can be compared by document only")
    if corpus is None:
        raise UnknownMetric("paragraph units need the corpus texts")
    matrices, groups = [], []
    for index, (result, gold) in enumerate(zip(results, corpus.documents)):
        per_unit = unit_counts(metric.rows(result), paragraph_starts(gold.document.text))
        matrices.append(credit_matrix(per_unit, metric.partial_credit))
        groups += [index] * len(per_unit)
    return np.vstack(matrices), np.array(groups)


def compare_metric(
    metric: Metric,
    results_a: Sequence[DocumentResult],
    results_b: Sequence[DocumentResult],
    rate: str = "f1",
    *,
    seed: int = DEFAULT_SEED,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    unit: str = "document",
    corpus: Corpus | None = None,
) -> MetricComparison:
    """The paired tests of one metric, B - A."""
    matrix_a, groups = unit_matrix(metric, results_a, unit, corpus)
    matrix_b, _ = unit_matrix(metric, results_b, unit, corpus)
    function = RATE_FUNCTIONS[rate]
    options: dict[str, Any] = {"resamples": resamples, "level": level, "seed": seed}
    if groups is not None:
        options.update(unit=unit, groups=groups.tolist())
    permutation = exact_permutation_counts(matrix_a, matrix_b, function, **options)
    return MetricComparison(
        f"{metric.key}.{rate}",
        metric.title,
        paired_bootstrap_counts(matrix_a, matrix_b, function, **options),
        permutation,
        unit=unit,
        assumption=permutation.assumption,
        higher_is_better=metric.higher_is_better,
    )


# --- per-document diff -----------------------------------------------------------


@dataclass(frozen=True)
class ClaimFound:
    """A gold claim one run got right (headline mode) and the other did not."""

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
    #: Strict entity counts of each run on this document (declared labels; None when not comparable).
    entities_a: MatchCounts | None
    entities_b: MatchCounts | None
    #: Headline claim counts of each run (None when claims are not compared).
    claims_a: MatchCounts | None
    claims_b: MatchCounts | None

    @property
    def changed(self) -> bool:
        return bool(self.claims_found or self.slot_changes or self.entity_changes) or (
            self.entities_a != self.entities_b or self.claims_a != self.claims_b
        )


def excerpt(text: str, limit: int = 60) -> str:
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
    if slot == "location":
        return "" if claim.location is None else claim.location.text
    raise ValueError(f"unknown slot {slot!r}")


def _strict_correct(result: DocumentResult) -> set[int]:
    return {row.gold for row in result.rows("strict") if row.outcome == "correct" and row.gold is not None}


def _claims_right(result: DocumentResult) -> set[str]:
    if result.claims is None:
        return set()
    return {p.gold_id for p in result.claims.pairs if p.verdict(HEADLINE_CLAIM_MODE)}


def _aligned_claims(result: DocumentResult, prediction: Prediction | None) -> dict[str, Claim]:
    if result.claims is None or prediction is None or prediction.failed:
        return {}
    claims = prediction.annotations.claims
    return {p.gold_id: claims[p.predicted_index] for p in result.claims.pairs if p.predicted_index < len(claims)}


def document_diff(
    gold: GoldDocument,
    result_a: DocumentResult,
    result_b: DocumentResult,
    prediction_a: Prediction | None,
    prediction_b: Prediction | None,
    entities_comparable: bool,
) -> DocumentDiff:
    """What changed on one document from run A to run B, read from the stored alignments."""
    entity_changes: list[EntityChange] = []
    if entities_comparable:
        matched_a, matched_b = _strict_correct(result_a), _strict_correct(result_b)
        for index in sorted(matched_a ^ matched_b, key=lambda i: (gold.gold.entities[i].start, i)):
            entity = gold.gold.entities[index]
            entity_changes.append(EntityChange(entity.label, entity.start, entity.end, entity.text, "gained" if index in matched_b else "lost"))
    claims_found: list[ClaimFound] = []
    slot_changes: list[SlotChange] = []
    compared_claims = result_a.claims is not None and result_b.claims is not None
    if compared_claims:
        right_a, right_b = _claims_right(result_a), _claims_right(result_b)
        aligned_a, aligned_b = _aligned_claims(result_a, prediction_a), _aligned_claims(result_b, prediction_b)
        for claim in sorted(gold.gold.claims, key=lambda c: (c.evidence.start, c.evidence.end, c.id)):
            if (claim.id in right_a) != (claim.id in right_b):
                claims_found.append(ClaimFound(claim.id, excerpt(claim.evidence.text), "A" if claim.id in right_a else "B"))
            if claim.id in aligned_a and claim.id in aligned_b:
                for slot in DIFF_SLOTS:
                    value_a, value_b = slot_value(aligned_a[claim.id], slot), slot_value(aligned_b[claim.id], slot)
                    if value_a != value_b:
                        slot_changes.append(SlotChange(claim.id, slot, value_a, value_b))

    def strict(result: DocumentResult) -> MatchCounts | None:
        scope = result.scope(DECLARED)
        return scope.overall.strict if entities_comparable and scope is not None else None

    def headline(result: DocumentResult) -> MatchCounts | None:
        return result.claims.counts().part(HEADLINE_CLAIM_MODE) if compared_claims and result.claims is not None else None

    return DocumentDiff(
        doc_id=gold.document.doc_id,
        claims_found=tuple(claims_found),
        slot_changes=tuple(slot_changes),
        entity_changes=tuple(entity_changes),
        entities_a=strict(result_a),
        entities_b=strict(result_b),
        claims_a=headline(result_a),
        claims_b=headline(result_b),
    )


# --- the comparison ----------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Run B against run A on one corpus: paired tests per metric and the per-document diff."""

    run_a: str
    run_b: str
    corpus: str
    gold_sha256: str
    #: Entity labels of each run's headline scope.
    labels_a: tuple[str, ...]
    labels_b: tuple[str, ...]
    claims_compared: bool
    #: Documents of the corpus.
    document_count: int
    metrics: tuple[MetricComparison, ...]
    documents: tuple[DocumentDiff, ...]
    seed: int
    resamples: int
    level: float
    unit: str = "document"
    #: Why some metrics were not compared.
    notes: tuple[str, ...] = ()
    #: In-sample marking of each run on this corpus.
    in_sample_a: InSample = InSample()
    in_sample_b: InSample = InSample()
    #: Sides whose results had to be scored from their predictions (records from before results were kept).
    rescored: tuple[str, ...] = ()

    @property
    def entity_labels(self) -> tuple[str, ...]:
        return tuple(label for label in self.labels_a if label in self.labels_b)

    def metric(self, name: str) -> MetricComparison:
        for item in self.metrics:
            if item.metric == name:
                return item
        raise KeyError(f"metric {name!r} not compared (compared: {', '.join(m.metric for m in self.metrics)})")


def _metric_requests(names: Sequence[str] | None, table: Sequence[Metric], shared: Sequence[Metric]) -> list[tuple[Metric, str]]:
    if names is None:
        return [(metric, "f1") for metric in shared]
    keys = {m.key for m in shared}
    requests = []
    for name in names:
        note = renamed(name)
        try:
            metric, rate = find_metric(table, name)
        except KeyError:
            hint = f"; {note.why}: write {note.new}" if note is not None else ""
            raise UnknownMetric(f"no paired test for metric {name!r}: not a count metric of both runs{hint}") from None
        if not rate or metric.key not in keys:
            raise UnknownMetric(f"no paired test for metric {name!r}: it is not a count metric both runs share")
        requests.append((metric, rate))
    return requests


def compare_sides(
    a: RunSide,
    b: RunSide,
    corpus: Corpus,
    *,
    metrics: Sequence[str] | None = None,
    seed: int = DEFAULT_SEED,
    resamples: int = DEFAULT_RESAMPLES,
    level: float = DEFAULT_LEVEL,
    unit: str = "document",
    with_diff: bool = True,
) -> Comparison:
    """Compare two runs on ``corpus``; ``metrics`` (paths) default to every count metric both share."""
    if unit not in UNITS:
        raise ValueError(f"unknown resampling unit {unit!r} (known: {', '.join(UNITS)})")
    check_comparable(a, b, corpus)
    results_a, rescored_a = results_of(a, corpus)
    results_b, rescored_b = results_of(b, corpus)
    table_a, table_b = build_table(results_a), build_table(results_b)
    shared, notes = shared_metrics(table_a, table_b, a, b)
    requests = _metric_requests(metrics, table_a, shared)
    compared = []
    for metric, rate in requests:
        if unit != "document" and metric.rows is None:
            continue
        compared.append(
            compare_metric(metric, results_a, results_b, rate, seed=seed, resamples=resamples, level=level, unit=unit, corpus=corpus)
        )
    if unit != "document":
        notes += (f"by {unit}: only metrics that keep alignment rows (entity modes, claim modes) are compared",)
    diffs: tuple[DocumentDiff, ...] = ()
    if with_diff:
        pred_a, pred_b = a.by_doc(), b.by_doc()
        comparable = set(a.entity_labels) == set(b.entity_labels)
        diffs = tuple(
            document_diff(g, ra, rb, pred_a.get(g.document.doc_id), pred_b.get(g.document.doc_id), comparable)
            for g, ra, rb in zip(corpus.documents, results_a, results_b)
        )
    return Comparison(
        run_a=a.name,
        run_b=b.name,
        corpus=corpus.source,
        gold_sha256=corpus.gold_sha256,
        labels_a=a.entity_labels,
        labels_b=b.entity_labels,
        claims_compared=a.has_claims and b.has_claims and corpus.has_claims,
        document_count=len(corpus.documents),
        metrics=tuple(compared),
        documents=diffs,
        seed=seed,
        resamples=resamples,
        level=level,
        unit=unit,
        notes=notes,
        in_sample_a=a.in_sample,
        in_sample_b=b.in_sample,
        rescored=tuple(side.name for side, again in ((a, rescored_a), (b, rescored_b)) if again),
    )


def compare_records(record_a: Path, record_b: Path, corpus: Corpus | None = None, **options: Any) -> Comparison:
    """Compare two run record directories (B - A); the corpus defaults to the one run A names."""
    a, b = side_from_record(record_a), side_from_record(record_b)
    check_same_gold(a, b)
    return compare_sides(a, b, corpus if corpus is not None else corpus_of(a), **options)


def total(results: Sequence[DocumentResult], metric: Metric) -> MatchCounts:
    """The summed counts of a count metric over results."""
    assert metric.counts is not None
    return sum_counts(c for c in (metric.counts(r) for r in results) if c is not None)
