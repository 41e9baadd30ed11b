"""``harness score``: score a run record's stored predictions again, without the extractor.

Used after a gold fix, or to check that scoring is reproducible: with the same
gold and settings the metrics must come out identical to the stored ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.corpus.load import Corpus
from harness.runs.compare import spec_from_json
from harness.runs.record import RunRecord, read_record
from harness.runs.run import named_projections
from harness.scoring.corpus import score_corpus
from harness.scoring.results import DocumentResult
from harness.scoring.settings import (
    DEFAULT_LEVEL,
    DEFAULT_MIN_OVERLAP,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    IntervalSettings,
    ScoringSettings,
)


@dataclass(frozen=True)
class Rescored:
    setup: str
    metrics: dict[str, Any]
    identical: bool
    #: JSON paths whose values differ from the stored metrics (empty when identical).
    differences: tuple[str, ...]
    #: The per-document results of the new scoring.
    results: tuple[DocumentResult, ...] = ()


def _differences(a: Any, b: Any, path: str = "$") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            out += _differences(a.get(key), b.get(key), f"{path}.{key}")
        return out
    return [] if json.dumps(a) == json.dumps(b) else [path]


def settings_of(record: RunRecord, corpus: Corpus) -> ScoringSettings:
    """The scoring settings a run record was scored with (older records: the extractor's declarations)."""
    extractor = record.extractor
    settings = record.config.get("settings", {})
    scoring = record.run.get("scoring") or {}
    names = scoring.get("conventions") or ()
    return ScoringSettings.for_run(
        declared_labels=extractor.get("entity_labels", ()),
        emits_claims=bool(extractor.get("emits_claims")),
        corpus_labels=corpus.labels,
        corpus_has_claims=corpus.has_claims,
        min_overlap=float(scoring.get("min_overlap", settings.get("min_overlap", DEFAULT_MIN_OVERLAP))),
        conventions=named_projections(names),
        intervals=IntervalSettings(
            int(settings.get("seed", DEFAULT_SEED)), int(settings.get("resamples", DEFAULT_RESAMPLES)), float(settings.get("level", DEFAULT_LEVEL))
        ),
    )


def rescore_record(run_dir: Path, corpus: Corpus | None = None) -> Rescored:
    """Metrics of the stored predictions against ``corpus`` (default: the corpus the run used, read the same way)."""
    record = read_record(run_dir)
    if corpus is None:
        corpus = spec_from_json(record.corpus_spec).load()
    scored = score_corpus(corpus.documents, record.predictions(), settings_of(record, corpus))
    # Round-trip through JSON so floats compare as they are stored.
    metrics = json.loads(json.dumps(scored.metrics))
    diffs = tuple(_differences(metrics, record.metrics))
    return Rescored(record.setup, metrics, identical=not diffs, differences=diffs, results=scored.results)
