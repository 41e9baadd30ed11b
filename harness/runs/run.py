"""``harness run``: extract, score and record every setup on every track.

This is the place that joins the rooms: the tracks' corpora, an extractor
from the registry, the cache, the scorers and the run record. Each setup's
extractor is built once and run on every track it is listed for; each
(setup, track) gives one run record, registered at once. It returns what it
wrote so the CLI can print a summary and tests can inspect it.
"""

from __future__ import annotations

import sqlite3
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.common.environment import git_state, machine, package_versions
from harness.common.paths import portable
from harness.config import (
    RunConfig,
    RunSettings,
    SetupConfig,
    Track,
    config_hash,
    default_track,
)
from harness.corpus.load import PROJECT_CONVENTION, Corpus
from harness.extractors.base import (
    REUSED_CACHED_WORK,
    Extractor,
    ShapingText,
    declared_convention,
    fingerprint_hash,
    shaping_texts,
)
from harness.extractors.identity import cache_key, code_identity
from harness.extractors.registry import create_extractor
from harness.judging.floor import JudgeInfo
from harness.runs.cache import PredictionCache
from harness.runs.executors import (
    Executor,
    ExtractorSpec,
    SerialExecutor,
    describe,
    make_executor,
)
from harness.runs.extract import ExtractionResult, run_extractor
from harness.runs.judged import LoadedJudge, judge_scoring, load_judge
from harness.runs.record import (
    InSample,
    RunRecord,
    new_run_id,
    prediction_to_json,
    write_record,
)
from harness.runs.registry import RunRegistry
from harness.scoring.corpus import score_corpus
from harness.scoring.settings import IntervalSettings, Projection, ScoringSettings


@dataclass(frozen=True)
class SetupOutcome:
    """One (setup, track) run: what was written and what it cost."""

    setup: str
    track: str
    run_id: str
    record_dir: Path
    metrics: dict[str, Any]
    computed: int
    cached: int
    failed: int
    seconds: float
    in_sample: InSample
    #: The extractor's annotation convention (scores under it are in metrics.json ``conventions``).
    convention: str
    #: Cache entries that were not served, and why.
    cache_rejected: tuple[str, ...] = ()
    #: Cache entries that could not be written (a read-only or full disk), and why.
    cache_unwritten: tuple[str, ...] = ()
    #: Why the run counts as failed (too many documents failed; see :func:`run_status`), or None.
    run_failed: str | None = None
    #: The judge of the run's ``content`` claim mode (None: the bench names no judge).
    judge: JudgeInfo | None = None


@dataclass(frozen=True)
class SkippedTrack:
    """A track that did not run, and why (an optional corpus that is not on this machine)."""

    track: str
    reason: str


ProgressFactory = Callable[[str, int], Callable[[int], None]]


def _documents_per_second(extraction: ExtractionResult) -> float | None:
    """Speed of the documents the extractor computed; None when it computed none, or when
    any of them was rebuilt from the extractor's own cache (the time is not the model's)."""
    computed = [p for i, p in enumerate(extraction.predictions) if i not in extraction.cached_positions]
    if not computed or extraction.extract_seconds <= 0 or any(p.meta.get(REUSED_CACHED_WORK) for p in computed):
        return None
    return round(len(computed) / extraction.extract_seconds, 3)


#: Usage counters an extractor may report per document in ``Prediction.meta["usage"]`` (generative extractors).
USAGE_KEYS = ("requests", "prompt_tokens", "completion_tokens", "cached_requests", "failed_requests")


def costs(extraction: ExtractionResult, documents: Sequence[Any]) -> dict[str, Any]:
    """Per-document wall time and token usage of a run, and their totals (``run.json`` ``costs``)."""
    seconds = dict(extraction.document_seconds)
    rows = []
    totals: dict[str, float] = {key: 0 for key in USAGE_KEYS}
    for i, (document, prediction) in enumerate(zip(documents, extraction.predictions)):
        usage = prediction.meta.get("usage") if isinstance(prediction.meta, dict) else None
        row: dict[str, Any] = {"doc_id": document.doc_id, "cached": i in extraction.cached_positions}
        if i in seconds:
            row["seconds"] = round(seconds[i], 4)
        if isinstance(usage, dict):
            for key in USAGE_KEYS:
                if isinstance(usage.get(key), (int, float)):
                    row[key] = usage[key]
                    totals[key] += usage[key]
        rows.append(row)
    computed = [r for r in rows if "seconds" in r]
    summary: dict[str, Any] = {
        "documents": rows,
        "computed_seconds": round(sum(r["seconds"] for r in computed), 4),
        "seconds_per_computed_document": round(sum(r["seconds"] for r in computed) / len(computed), 4) if computed else None,
    }
    if any(totals.values()):
        summary["totals"] = totals
        summary["tokens_per_document"] = round((totals["prompt_tokens"] + totals["completion_tokens"]) / max(1, len(rows)), 1)
    return summary


def run_status(documents: int, failed: int, max_failures: float | None) -> dict[str, Any]:
    """``run.json`` ``status``: did the run as a whole fail, and why.

    A run fails when the share of its documents that failed is above
    ``max_failures`` (a bench setting), or, when none is set, when every
    document failed (an endpoint that cannot be reached, a model that cannot
    load): its scores would say "0.0" about an extractor that never ran.
    """
    share = failed / documents if documents else 0.0
    if max_failures is None:
        failed_run = documents > 0 and failed == documents
        rule = "every document failed"
    else:
        failed_run = share > max_failures
        rule = f"more than max_failures {max_failures:g} of the documents failed"
    status: dict[str, Any] = {"failed": failed_run, "failed_documents": failed, "documents": documents, "max_failures": max_failures}
    if failed_run:
        status["reason"] = f"{failed} of {documents} documents failed ({rule})"
    return status


def in_sample(corpus: Corpus, texts: Sequence[ShapingText]) -> InSample:
    """Which of the corpus's documents share a text unit with the texts that shaped the extractor."""
    if not texts or not corpus.document_units:
        return InSample()
    seen = set().union(*(t.unit_sha256 for t in texts))
    hits = [i for i, units in enumerate(corpus.document_units) if seen.intersection(units)]
    if not hits:
        return InSample()
    touched = {i: set(units) for i, units in enumerate(corpus.document_units) if i in set(hits)}
    names = tuple(t.name for t in texts if any(t.unit_sha256.intersection(units) for units in touched.values()))
    return InSample(names, len(hits), len(hits) / len(corpus.documents))


def named_projections(names: Sequence[str]) -> tuple[Projection, ...]:
    """The projections of named annotation conventions (their data files load only when asked for)."""
    if not names:
        return ()
    from harness.conventions import load_convention

    return tuple(load_convention(name) for name in names)


def projections(extractor_convention: str, corpus: Corpus) -> tuple[Projection, ...]:
    """The conventions to score under besides the corpus's own: the extractor's, when the
    corpus's gold is in the project's convention (the only one that holds the facts to project)."""
    if extractor_convention == corpus.convention or corpus.convention != PROJECT_CONVENTION:
        return ()
    return named_projections((extractor_convention,))


def _extractor_json(extractor: Extractor, fingerprint: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": extractor.name,
        "version": extractor.version,
        "entity_labels": list(extractor.entity_labels),
        "claim_slots": list(extractor.claim_slots),
        "emits_claims": extractor.emits_claims,
        "convention": declared_convention(extractor),
        "shaped_by": [{"name": t.name, "how": t.how, "units": len(t.unit_sha256)} for t in shaping_texts(extractor)],
        "fingerprint": fingerprint,
        "fingerprint_hash": fingerprint_hash(fingerprint),
        # The source and data files behind its output, and the cache key they give with the fingerprint.
        "code_sha256": code_identity(extractor).sha256,
        "cache_key": cache_key(extractor, fingerprint),
    }


def run_setup(
    setup: SetupConfig,
    settings: RunSettings,
    track: Track,
    corpus: Corpus,
    results_dir: Path,
    project_root: Path,
    progress: ProgressFactory | None = None,
    extractor: Extractor | None = None,
    registry: RunRegistry | None = None,
    executor: Executor | None = None,
    max_failures: float | None = None,
    judge: LoadedJudge | None = None,
) -> SetupOutcome:
    """Run one extractor setup over one track's corpus and write its run record.

    ``executor`` runs the uncached documents (default: serially in this
    process); workers build their own extractor from the setup's name and params.
    ``max_failures`` decides when the run as a whole failed (:func:`run_status`).
    """
    started_at = datetime.now(UTC)
    wall_start = time.perf_counter()
    spec = ExtractorSpec(setup.extractor, dict(setup.params))
    extractor = extractor if extractor is not None else spec.build()
    executor = executor or SerialExecutor()
    fingerprint = extractor.fingerprint()
    cache = PredictionCache(results_dir / "cache")
    documents = [g.document for g in corpus.documents]
    on_progress = progress(f"{setup.setup} on {track.name}", len(documents)) if progress is not None else None
    extraction = run_extractor(extractor, documents, cache, setup.batch_size, on_progress, executor=executor, spec=spec)

    convention = declared_convention(extractor)
    scoring = ScoringSettings.for_run(
        declared_labels=extractor.entity_labels,
        emits_claims=extractor.emits_claims,
        corpus_labels=corpus.labels,
        corpus_has_claims=corpus.has_claims,
        min_overlap=settings.min_overlap,
        conventions=projections(convention, corpus),
        intervals=IntervalSettings(settings.seed, settings.resamples, settings.level),
    )
    scored = score_corpus(corpus.documents, extraction.predictions, scoring)
    # The bench's judge (if any) adds the content claim mode to the same alignment.
    judged = judge_scoring(judge, corpus.documents, extraction.predictions, scored.results, scoring) if judge is not None else None
    scored = judged.scored if judged is not None else scored
    marking = in_sample(corpus, shaping_texts(extractor))
    wall_seconds = time.perf_counter() - wall_start
    chash = config_hash(setup, settings)
    run_id = new_run_id(setup.setup, chash, started_at, track.name)
    status = run_status(len(documents), extraction.failed, max_failures)
    run = {
        "run_id": run_id,
        "setup": setup.setup,
        "track": track.name,
        "extractor": _extractor_json(extractor, fingerprint),
        "config_hash": chash,
        "config_source": setup.source,
        "corpus": {
            "name": corpus.name,
            "source": portable(Path(corpus.source)),
            "spec": track.corpus.to_dict(),
            "documents": len(documents),
            "gold_sha256": corpus.gold_sha256,
            "convention": corpus.convention,
        },
        "gold_sha256": corpus.gold_sha256,
        "in_sample": marking.to_json(),
        "seed": settings.seed,
        "scoring": scoring.to_dict(),
        "started_at": started_at.isoformat(),
        "timings": {
            "wall_seconds": round(wall_seconds, 4),
            "extract_seconds": round(extraction.extract_seconds, 4),
            "documents_computed": extraction.computed,
            "documents_cached": extraction.cached,
            "documents_per_second": _documents_per_second(extraction),
        },
        "costs": costs(extraction, documents),
        "failures": extraction.failed,
        "status": status,
        # Cache entries met but not served (damaged, or edited by hand: their content hash did not match).
        "cache_rejected": list(cache.rejected),
        # Cache entries that could not be written (the run cannot resume from them).
        "cache_unwritten": list(cache.unwritten),
        "executor": describe(executor),
        "judge": judged.block if judged is not None else None,
        "versions": package_versions(),
        "git": git_state(project_root),
        "machine": machine(),
    }
    config = {
        "setup": setup.to_dict(),
        "track": {"name": track.name, "description": track.description, "corpus": track.corpus.to_dict()},
        "settings": {"seed": settings.seed, "resamples": settings.resamples, "level": settings.level, "min_overlap": settings.min_overlap},
        "judge": judge.config.to_dict() if judge is not None else None,
    }
    lines = tuple(
        prediction_to_json(p, g.document.sha256, cached=i in extraction.cached_positions)
        for i, (p, g) in enumerate(zip(extraction.predictions, corpus.documents))
    )
    record = write_record(
        results_dir / "runs",
        RunRecord(
            run_id, run, config, scored.metrics, results=scored.results, prediction_lines=lines,
            extra_lines=judged.extra_lines if judged is not None else (),
        ),
    )  # fmt: skip
    _register(results_dir, record, registry)
    assert record.path is not None
    return SetupOutcome(
        setup=setup.setup,
        track=track.name,
        run_id=record.run_id,
        record_dir=record.path,
        metrics=scored.metrics,
        computed=extraction.computed,
        cached=extraction.cached,
        failed=extraction.failed,
        seconds=wall_seconds,
        in_sample=marking,
        convention=convention,
        cache_rejected=tuple(cache.rejected),
        cache_unwritten=tuple(cache.unwritten),
        run_failed=status.get("reason"),
        judge=JudgeInfo.of_run(run),
    )


def _register(results_dir: Path, record: RunRecord, registry: RunRegistry | None) -> None:
    """Index the new record; the record directory is the truth, so a broken index only warns.

    The registry also heals itself: it indexes records it finds on disk but not in the index.
    """
    try:
        (registry or RunRegistry(results_dir / "runs.sqlite", results_dir / "runs")).add_record(record)
    except (sqlite3.Error, OSError, ValueError) as err:  # RegistryNotWritableError is an OSError
        warnings.warn(
            f"run record {record.path} was written but not indexed in {results_dir / 'runs.sqlite'}: {err}"
            " (the next `harness runs list` indexes it)",
            RuntimeWarning,
            stacklevel=2,
        )


def _open_registry(results_dir: Path) -> RunRegistry | None:
    """The registry shared by a run's records; None when it cannot be opened (each record then warns as it is written).

    What happened to its index file on opening (a damaged file kept aside and
    rebuilt, a read-only folder) is said as a warning.
    """
    try:
        registry = RunRegistry(results_dir / "runs.sqlite", results_dir / "runs")
    except (sqlite3.Error, OSError):
        return None
    for notice in registry.notices:
        warnings.warn(notice, RuntimeWarning, stacklevel=2)
    return registry


def load_tracks(tracks: Sequence[Track]) -> tuple[list[tuple[Track, Corpus]], list[SkippedTrack]]:
    """Each track's corpus, loaded once; an optional track whose corpus is absent is skipped with the reason."""
    loaded, skipped = [], []
    for track in tracks:
        if track.optional and not track.corpus.path.exists():
            skipped.append(SkippedTrack(track.name, f"{track.corpus.path} is not on this machine"))
            continue
        loaded.append((track, track.corpus.load()))
    return loaded, skipped


def run_config(
    config: RunConfig,
    results_dir: Path,
    project_root: Path,
    progress: ProgressFactory | None = None,
    tracks: Sequence[Track] | None = None,
    executor: Executor | None = None,
) -> tuple[list[SetupOutcome], list[SkippedTrack]]:
    """Run every setup of ``config`` on every track (``tracks`` overrides the bench file's);
    ``executor`` spreads the documents over workers (default: the bench file's, else serial)."""
    chosen = tuple(tracks) if tracks is not None else (config.tracks or (default_track(project_root),))
    loaded, skipped = load_tracks(chosen)
    registry = _open_registry(results_dir)
    if executor is None:
        executor = make_executor(config.executor.name, config.executor.workers)
    judge = load_judge(config.judge) if config.judge is not None else None
    outcomes = []
    for setup in config.setups:
        wanted = [(track, corpus) for track, corpus in loaded if track.runs(setup.setup)]
        if not wanted:
            continue
        extractor = create_extractor(setup.extractor, setup.params)
        for track, corpus in wanted:
            outcomes.append(
                run_setup(
                    setup, config.settings, track, corpus, results_dir, project_root, progress, extractor, registry, executor, config.max_failures, judge
                )
            )
    return outcomes, skipped
