"""Judging runs: the ``content`` claim mode in ``harness run`` (a bench's ``judge:``) and ``harness judge run``.

:func:`judge_scoring` judges one freshly scored run (``harness run`` calls it
when the bench file names a judge); :func:`judge_record` judges a stored run
record and writes a **new** record with the content mode (records are
immutable): same predictions, same alignment, one more claim mode, the
judge in ``run.json`` (``judge: {name, identity_hash, kappa, ...}``, the
kappa when it was measured for this exact judge on the validation set as it
is now) and every pair's judgement in ``judgements.jsonl``. The new record
names the record it was judged from (``judged_from``).
"""

from __future__ import annotations

import sqlite3
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.annotations import GoldDocument, Prediction
from harness.judging.apply import (
    JUDGEMENTS_FILE,
    judge_block,
    judge_results,
    judgement_lines,
)
from harness.judging.base import Judge
from harness.judging.config import JudgeConfig, build_judge, load_judge_config
from harness.judging.validation import find_agreement
from harness.runs.compare import spec_from_json
from harness.runs.record import RunRecord, new_run_id, read_record, write_record
from harness.runs.registry import RunRegistry
from harness.scoring.corpus import ScoredCorpus, metrics_document
from harness.scoring.results import DocumentResult
from harness.scoring.settings import ScoringSettings


@dataclass(frozen=True)
class LoadedJudge:
    """A judge config and the judge it built (built once per ``harness run``)."""

    config: JudgeConfig
    judge: Judge


def load_judge(path: Path | str) -> LoadedJudge:
    config = load_judge_config(path)
    return LoadedJudge(config, build_judge(config))


@dataclass(frozen=True)
class JudgedScoring:
    """A run's scoring with the content mode, and what the record keeps about the judge."""

    scored: ScoredCorpus
    #: ``run.json``'s ``judge`` block.
    block: dict[str, Any]
    #: ``judgements.jsonl``.
    lines: tuple[dict[str, Any], ...]

    @property
    def extra_lines(self) -> tuple[tuple[str, tuple[dict[str, Any], ...]], ...]:
        return ((JUDGEMENTS_FILE, self.lines),)


def judge_scoring(
    loaded: LoadedJudge,
    corpus: Sequence[GoldDocument],
    predictions: Sequence[Prediction],
    results: Sequence[DocumentResult],
    settings: ScoringSettings,
) -> JudgedScoring | None:
    """The content mode on a run's results and the metrics rebuilt from them; None when the run scored no claims."""
    if not any(r.claims is not None for r in results):
        return None
    started = time.perf_counter()
    judged = judge_results(loaded.judge, corpus, predictions, results)
    block = judge_block(loaded.config.name, judged, find_agreement(judged.identity_hash), loaded.config.source)
    block["seconds"] = round(time.perf_counter() - started, 3)
    scored = ScoredCorpus(judged.results, metrics_document(judged.results, settings))
    return JudgedScoring(scored, block, tuple(judgement_lines(judged)))


@dataclass(frozen=True)
class JudgedRecord:
    source_run_id: str
    record: RunRecord
    judged: JudgedScoring


def judge_record(run_dir: Path, judge_path: Path, results_dir: Path, registry: RunRegistry | None = None) -> JudgedRecord:
    """Judge a stored run record and write a new record with the content mode (see the module docstring)."""
    from harness.runs.rescore import settings_of

    record = read_record(run_dir, with_results=True)
    if record.results is None:
        raise ValueError(f"{run_dir}: the record keeps no per-document results (metrics schema 1); run the setup again first")
    corpus = spec_from_json(record.corpus_spec).load()
    if record.gold_sha256 and corpus.gold_sha256 != record.gold_sha256:
        raise ValueError(
            f"{run_dir}: the run was scored on gold {record.gold_sha256[:12]}, the corpus now has gold {corpus.gold_sha256[:12]};"
            " `harness score` it on the new gold, or run it again, before judging"
        )
    loaded = load_judge(judge_path)
    judged = judge_scoring(loaded, corpus.documents, record.predictions(), record.results, settings_of(record, corpus))
    if judged is None:
        raise ValueError(f"{run_dir}: the run scored no claims; there is nothing to judge")
    started_at = datetime.now(UTC)
    run_id = new_run_id(record.setup, str(record.run.get("config_hash", "judged")), started_at, record.track if record.run.get("track") else "")
    run = {**record.run, "run_id": run_id, "started_at": started_at.isoformat(), "judge": judged.block, "judged_from": record.run_id}
    config = {**record.config, "judge": loaded.config.to_dict()}
    written = write_record(
        results_dir / "runs",
        RunRecord(
            run_id, run, config, judged.scored.metrics,
            results=judged.scored.results, prediction_lines=record.prediction_json(), extra_lines=judged.extra_lines,
        ),
    )  # fmt: skip
    try:
        (registry or RunRegistry(results_dir / "runs.sqlite", results_dir / "runs")).add_record(written)
    except (sqlite3.Error, OSError, ValueError) as err:
        warnings.warn(f"run record {written.path} was written but not indexed: {err}", RuntimeWarning, stacklevel=2)
    return JudgedRecord(record.run_id, written, judged)
