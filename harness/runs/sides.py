"""The two sides of a comparison: what ``harness compare``, gates and the leaderboard need of a run.

A side is a run record (or a bare predictions file) reduced to what pairing
needs: its predictions, its stored per-document results, the labels and
claims it declared, and the gold and texts it was scored on. Pairing two
sides is refused when they were not scored against the same gold and texts
(:func:`check_comparable`): their numbers would measure different things.
Stored results are read as they are; only a record from before they were kept
is scored, once (:func:`results_of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.annotations import ENTITY_LABELS, Prediction
from harness.common.paths import from_portable
from harness.corpus.load import Corpus, CorpusSpec
from harness.runs.record import (
    InSample,
    RunRecord,
    prediction_from_json,
    read_jsonl,
    read_record,
)
from harness.scoring.corpus import score_documents
from harness.scoring.results import DocumentResult
from harness.scoring.settings import ScoringSettings


class ComparisonRefused(ValueError):
    """Two runs (or a run and a corpus) whose scores cannot be compared; the message says why."""



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
    return CorpusSpec.from_dict(spec, from_portable(str(spec.get("path"))))


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
