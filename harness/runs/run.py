"""``harness run``: extract, score and record, one setup after another.

This is the only place that joins the rooms: a corpus, an extractor from the
registry, the cache, the scorers and the run record. It returns what it wrote
so the CLI can print a summary and tests can inspect it.
"""

from __future__ import annotations

import sqlite3
import time
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from harness.config import RunConfig, RunSettings, SetupConfig, config_hash
from harness.extractors.base import REUSED_CACHED_WORK, fingerprint_hash
from harness.extractors.registry import create_extractor
from harness.corpus.load import Corpus
from harness.runs.cache import PredictionCache
from harness.runs.environment import git_state, machine, package_versions
from harness.runs.extract import ExtractionResult, run_extractor
from harness.runs.record import new_run_id, prediction_to_json, write_record
from harness.runs.registry import RunRegistry
from harness.scoring.corpus import ScoringSettings, score_corpus


@dataclass(frozen=True)
class SetupOutcome:
    setup: str
    run_id: str
    record_dir: Path
    metrics: dict[str, Any]
    computed: int
    cached: int
    failed: int
    seconds: float


ProgressFactory = Callable[[str, int], Callable[[int], None]]


def _documents_per_second(extraction: ExtractionResult) -> float | None:
    """Speed of the documents the extractor computed; None when it computed none, or when
    any of them was rebuilt from the extractor's own cache (the time is not the model's)."""
    computed = [p for i, p in enumerate(extraction.predictions) if i not in extraction.cached_positions]
    if not computed or extraction.extract_seconds <= 0 or any(p.meta.get(REUSED_CACHED_WORK) for p in computed):
        return None
    return round(len(computed) / extraction.extract_seconds, 3)


def run_setup(
    setup: SetupConfig,
    settings: RunSettings,
    corpus: Corpus,
    results_dir: Path,
    project_root: Path,
    progress: ProgressFactory | None = None,
) -> SetupOutcome:
    """Run one extractor setup over the corpus and write its run record."""
    started_at = datetime.now(timezone.utc)
    wall_start = time.perf_counter()
    extractor = create_extractor(setup.extractor, setup.params)
    fingerprint = extractor.fingerprint()
    cache = PredictionCache(results_dir / "cache")
    documents = [g.document for g in corpus.documents]
    on_progress = progress(setup.setup, len(documents)) if progress is not None else None
    extraction = run_extractor(extractor, documents, cache, setup.batch_size, on_progress)

    metrics = score_corpus(
        corpus.documents,
        extraction.predictions,
        ScoringSettings.for_run(
            declared_labels=extractor.entity_labels,
            emits_claims=extractor.emits_claims,
            corpus_labels=corpus.labels,
            corpus_has_claims=corpus.has_claims,
            seed=settings.seed,
            resamples=settings.resamples,
            level=settings.level,
        ),
    )
    wall_seconds = time.perf_counter() - wall_start
    chash = config_hash(setup, settings)
    run_id = new_run_id(setup.setup, chash, started_at)
    run = {
        "run_id": run_id,
        "setup": setup.setup,
        "extractor": {
            "name": extractor.name,
            "version": extractor.version,
            "entity_labels": list(extractor.entity_labels),
            "claim_slots": list(extractor.claim_slots),
            "emits_claims": extractor.emits_claims,
            "fingerprint": fingerprint,
            "fingerprint_hash": fingerprint_hash(fingerprint),
        },
        "config_hash": chash,
        "config_source": setup.source,
        "corpus": {"name": corpus.name, "source": corpus.source, "documents": len(documents), "gold_sha256": corpus.gold_sha256},
        "gold_sha256": corpus.gold_sha256,
        "seed": settings.seed,
        "started_at": started_at.isoformat(),
        "timings": {
            "wall_seconds": round(wall_seconds, 4),
            "extract_seconds": round(extraction.extract_seconds, 4),
            "documents_computed": extraction.computed,
            "documents_cached": extraction.cached,
            "documents_per_second": _documents_per_second(extraction),
        },
        "failures": extraction.failed,
        "versions": package_versions(),
        "git": git_state(project_root),
        "machine": machine(),
    }
    config = {"setup": setup.to_dict(), "settings": {"seed": settings.seed, "resamples": settings.resamples, "level": settings.level}}
    lines = [
        prediction_to_json(p, g.document.sha256, cached=i in extraction.cached_positions)
        for i, (p, g) in enumerate(zip(extraction.predictions, corpus.documents))
    ]
    record_dir = write_record(results_dir / "runs", run_id, run, config, lines, metrics)
    _register(results_dir, record_dir)
    return SetupOutcome(
        setup=setup.setup,
        run_id=run_id,
        record_dir=record_dir,
        metrics=metrics,
        computed=extraction.computed,
        cached=extraction.cached,
        failed=extraction.failed,
        seconds=wall_seconds,
    )


def _register(results_dir: Path, record_dir: Path) -> None:
    """Index the new record; the record directory is the truth, so a broken index only warns.

    ``harness runs reindex`` rebuilds the index from the directories later.
    """
    try:
        RunRegistry(results_dir / "runs.sqlite", results_dir / "runs").add(record_dir)
    except (sqlite3.Error, OSError, ValueError) as err:
        warnings.warn(
            f"run record {record_dir} was written but not indexed in {results_dir / 'runs.sqlite'}: {err}"
            " (run `harness runs reindex`)",
            RuntimeWarning,
            stacklevel=2,
        )


def run_config(
    config: RunConfig,
    corpus: Corpus,
    results_dir: Path,
    project_root: Path,
    progress: ProgressFactory | None = None,
) -> list[SetupOutcome]:
    return [run_setup(s, config.settings, corpus, results_dir, project_root, progress) for s in config.setups]
