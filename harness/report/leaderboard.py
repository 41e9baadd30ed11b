"""Building the leaderboard: one row per setup, one column group per track, from the registry.

``harness leaderboard`` takes the latest run of every (setup, track) (or the
runs named with ``--run``), ranks the setups on the ranking track of the bench
file by its ranking metrics, tests whether neighbours in the ranking really
differ (:mod:`harness.report.significance`), builds the per-document views of
every track (:mod:`harness.report.document_view`) and writes
``leaderboard.md`` and ``leaderboard.html`` atomically.

Everything shown comes from the run records: the numbers are the indexed
ones, the tests and views read the per-document results stored with each
run; nothing is extracted or scored again (a record from before results were
kept is the exception, scored once from its predictions and named in a
warning). A score on text that shaped the extractor (in-sample) is marked,
and a row in-sample on the ranking track is not ranked beside the others.
Writing the pages is :mod:`harness.report.pages`: building does not depend
on rendering.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from harness.common.capped import capped
from harness.config import Ranking, Track
from harness.corpus.load import Corpus
from harness.judging.floor import JudgeInfo, rankable_metrics
from harness.report.board import Leaderboard, SetupRow, Speed, TrackColumn, TrackRun
from harness.report.document_view import CorpusView, ViewedRun, build_corpus_view
from harness.report.significance import Neighbours, ranking_notes
from harness.runs.record import RunRecord, read_record
from harness.runs.registry import RunRow
from harness.runs.sides import (
    ComparisonRefused,
    corpus_of,
    results_of,
    side_from_record,
)
from harness.scoring.metric_table import build_table, find_metric, union_table
from harness.scoring.results import DocumentResult
from harness.scoring.settings import DEFAULT_LEVEL, DEFAULT_RESAMPLES, DEFAULT_SEED


class LeaderboardError(ValueError):
    """A leaderboard that cannot be built; the message says which run or file and why."""


class RunIndex(Protocol):
    """What the leaderboard needs of :class:`harness.runs.registry.RunRegistry`."""

    def list(self, extractor: str | None = None, setup: str | None = None, track: str | None = None) -> list[RunRow]: ...

    def get(self, run: str) -> RunRow: ...

    # builtins.list: inside this class, after ``def list``, the bare name is that method.
    def latest_per_setup(self, gold_sha256: str | None = None, track: str | None = None) -> builtins.list[RunRow]: ...


# --- choosing the runs ------------------------------------------------------------


def select_runs(index: RunIndex, runs: Sequence[str] = ()) -> list[RunRow]:
    """The runs named in ``runs`` (ids, prefixes or record directories), else the latest per (setup, track)."""
    if runs:
        unique: dict[str, RunRow] = {}
        for run in runs:
            row = index.get(run)
            unique.setdefault(row.run_id, row)
        return list(unique.values())
    rows = index.latest_per_setup()
    if not rows:
        raise LeaderboardError(
            "no runs in the registry; run `harness run configs/bench.yaml` first"
            " (or `harness runs reindex` if the run records are there but not indexed)"
        )
    return rows


def measured_speed(row: RunRow, index: RunIndex) -> Speed:
    """This run's documents per second, or that of the newest earlier run of the same extractor fingerprint
    that computed on the same track (the same documents: speed depends on their length)."""
    if row.documents_per_second is not None:
        return Speed(row.documents_per_second)
    for other in index.list(extractor=row.extractor, track=row.track):
        if other.fingerprint_hash == row.fingerprint_hash and other.documents_per_second is not None and other.started_at <= row.started_at:
            return Speed(other.documents_per_second, measured_in=other.run_id)
    return Speed(None)


def _current_gold(rows: Sequence[RunRow]) -> tuple[list[RunRow], list[str]]:
    """Per track, the runs on the gold of its newest run; the others, with a warning each."""
    newest: dict[str, RunRow] = {}
    for row in rows:
        if row.track not in newest or row.started_at > newest[row.track].started_at:
            newest[row.track] = row
    kept, warnings = [], []
    for row in rows:
        if row.gold_sha256 == newest[row.track].gold_sha256:
            kept.append(row)
        else:
            warnings.append(
                f"{row.setup} on {row.track}: run {row.run_id} was scored on gold {row.gold_sha256[:12]}, not the track's"
                f" current gold {newest[row.track].gold_sha256[:12]}; left out (run it again, or `harness score` it on the new gold)"
            )
    return kept, warnings


def _names(rows: Sequence[RunRow]) -> dict[str, str]:
    """Row name per run: the setup, with the start time added where one setup has two runs on one track."""
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        counts[row.setup, row.track] = counts.get((row.setup, row.track), 0) + 1
    return {row.run_id: row.setup if counts[row.setup, row.track] == 1 else f"{row.setup} ({row.started_at[:19]})" for row in rows}


def _read(row: RunRow) -> RunRecord | str:
    """The run's record, or why it cannot be read (the leaderboard then leaves the run out and says so)."""
    try:
        record = read_record(Path(row.path), with_results=True)
        record.prediction_json()
        return record
    except (FileNotFoundError, ValueError) as err:
        return f"{row.setup} on {row.track}: run {row.run_id} left out: its record cannot be read: {err}"


def failed_run(record: RunRecord, row: RunRow) -> str | None:
    """Why the run as a whole failed, from ``run.json`` ``status``; records written before it
    count as failed when every document failed."""
    status = record.run.get("status")
    if isinstance(status, dict):
        return str(status.get("reason") or "too many documents failed") if status.get("failed") else None
    if row.documents > 0 and row.failures >= row.documents:
        return f"{row.failures} of {row.documents} documents failed (every document failed)"
    return None


# --- ranking ---------------------------------------------------------------------------


def _rank_value(run: TrackRun | None, metric: str) -> float:
    if run is None:
        return float("-inf")
    value = run.score(metric).value
    if value is None and "." not in metric:
        return float("-inf")
    return value if value is not None else float("-inf")


def rank(rows: Sequence[SetupRow], ranking: Ranking) -> tuple[SetupRow, ...]:
    """Rows ranked on the ranking track by the ranking metrics in turn; rows without a run there,
    or in-sample there, come after, unranked, with the reason."""
    from dataclasses import replace

    rankable, others = [], []
    for row in rows:
        run = row.on(ranking.track)
        if run is None:
            others.append(replace(row, unranked=f"no run on the ranking track {ranking.track}"))
        elif run.failed is not None:
            others.append(replace(row, unranked=f"the run on the ranking track {ranking.track} failed: {run.failed}"))
        elif run.in_sample.marked:
            others.append(replace(row, unranked=f"in-sample on the ranking track {ranking.track} ({run.in_sample.describe()})"))
        else:
            rankable.append(row)
    rankable.sort(key=lambda row: (*(-_rank_value(row.on(ranking.track), m) for m in ranking.metrics), row.name))
    ranked = [replace(row, rank=i) for i, row in enumerate(rankable, start=1)]
    return (*ranked, *sorted(others, key=lambda row: row.name))


def _neighbours(rows: Sequence[SetupRow], ranking: Ranking, results: dict[str, tuple[DocumentResult, ...]]) -> list[Neighbours]:
    pairs = []
    ranked = [row for row in rows if row.rank is not None]
    for higher, lower in zip(ranked, ranked[1:]):
        run_h, run_l = higher.on(ranking.track), lower.on(ranking.track)
        assert run_h is not None and run_l is not None
        res_h, res_l = results.get(run_h.run_id), results.get(run_l.run_id)
        if res_h is None or res_l is None:
            pairs.append(Neighbours(higher.name, lower.name, None, "f1", (), (), "the per-document results of a run could not be read", "the ranking metric"))
            continue
        table_h, table_l = build_table(res_h), build_table(res_l)
        chosen = None
        for path in ranking.metrics:
            try:
                metric_h, rate = find_metric(table_h, path)
                find_metric(table_l, path)
            except KeyError:
                continue
            if metric_h.is_count and not (metric_h.declared_scope and set(run_h.labels) != set(run_l.labels)):
                chosen = (metric_h, rate)
                break
        if chosen is None:
            pairs.append(Neighbours(higher.name, lower.name, None, "f1", (), (), "the two rows share no ranking metric", "the ranking metrics"))
            continue
        metric, rate = chosen
        title = f"{metric.title} on {ranking.track}" if rate == "f1" else f"{metric.key}.{rate} on {ranking.track}"
        pairs.append(Neighbours(higher.name, lower.name, metric, rate, res_h, res_l, None, title))
    return pairs


# --- the whole board --------------------------------------------------------------------


def build_leaderboard(
    rows: Sequence[RunRow],
    index: RunIndex,
    tracks: Sequence[Track] = (),
    ranking: Ranking | None = None,
    warnings: Sequence[str] = (),
) -> Leaderboard:
    """Group ``rows`` by setup and track, rank, test neighbours and build the document views.

    ``tracks`` (the bench file's) give the column order and descriptions;
    ``ranking`` defaults to the first track with the default metrics.
    ``warnings`` are shown on both pages with the board's own (records the
    registry could not read, an index that could not be written). A run
    whose record cannot be read is left out with a warning naming it; a run
    that failed as a whole is shown, marked, and not ranked.
    """
    if not rows:
        raise LeaderboardError("no runs to show")
    given = list(warnings)
    records: dict[str, RunRecord] = {}
    readable = []
    for row in rows:
        record = _read(row)
        if isinstance(record, str):
            given.append(record)
            continue
        records[row.run_id] = record
        readable.append(row)
    if not readable:
        raise LeaderboardError("no readable runs to show: " + "; ".join(given[-3:]))
    rows, warnings = _current_gold(readable)
    warnings = [*given, *warnings]
    order = [t.name for t in tracks if any(r.track == t.name for r in rows)]
    order += sorted({r.track for r in rows} - set(order))
    described = {t.name: t.description for t in tracks}
    ranking = ranking or Ranking(order[0])
    if ranking.track not in order:
        warnings.append(f"no run on the ranking track {ranking.track}: rows are not ranked")

    names = _names(rows)
    results: dict[str, tuple[DocumentResult, ...]] = {}
    corpora: dict[str, Corpus] = {}
    by_setup: dict[str, dict[str, TrackRun]] = {}
    for row in rows:
        record = records[row.run_id]
        extractor = record.extractor
        run = TrackRun(
            track=row.track,
            row=row,
            in_sample=record.in_sample,
            labels=tuple((record.metrics.get("entities") or {}).get("labels", ())),
            convention=str(extractor.get("convention", "project")),
            speed=measured_speed(row, index),
            tokens_per_document=(record.run.get("costs") or {}).get("tokens_per_document"),
            failed=failed_run(record, row),
            judge=JudgeInfo.of_run(record.run),
            metrics=record.metrics,
        )
        if run.failed is not None:
            warnings.append(f"{row.setup} on {row.track}: run {row.run_id} failed ({run.failed}); shown, marked, not ranked")
        by_setup.setdefault(names[row.run_id], {})[row.track] = run

    columns = []
    for track in order:
        first = next(r for r in rows if r.track == track)
        side = side_from_record(records[first.run_id])
        try:
            corpora[track] = corpus_of(side)
        except (ComparisonRefused, FileNotFoundError, ValueError) as err:
            warnings.append(f"track {track}: no per-document views or tests: {err}")
        columns.append(TrackColumn(track, described.get(track, ""), records[first.run_id].run.get("corpus", {}).get("name", ""), first.gold_sha256, first.documents))
    for row in rows:
        record = records[row.run_id]
        if record.results is not None:
            results[row.run_id] = record.results
        elif row.track in corpora:
            results[row.run_id], _ = results_of(side_from_record(record), corpora[row.track])
            warnings.append(f"{row.setup} on {row.track}: run {row.run_id} keeps no per-document results (metrics schema 1); scored from its predictions")

    # A judge's content scores rank only above the bench's kappa floor (harness.judging.floor).
    judges = [runs[ranking.track].judge for runs in by_setup.values() if ranking.track in runs]
    kept, refused = rankable_metrics(ranking.metrics, judges, ranking.judge_kappa_floor)
    warnings += refused
    if kept != ranking.metrics:
        from dataclasses import replace

        ranking = replace(ranking, metrics=kept or Ranking(ranking.track).metrics)
    setup_rows = rank([SetupRow(name, runs) for name, runs in sorted(by_setup.items())], ranking)
    first_run = records[rows[0].run_id]
    settings = first_run.config.get("settings", {})
    seed = int(settings.get("seed", DEFAULT_SEED))
    resamples = int(settings.get("resamples", DEFAULT_RESAMPLES))
    level = float(settings.get("level", DEFAULT_LEVEL))
    notes = ranking_notes(_neighbours(setup_rows, ranking, results), seed=seed, resamples=resamples, level=level)

    views: list[CorpusView] = []
    for track in order:
        if track not in corpora:
            continue
        members = [
            ViewedRun(name, run.labels, tuple(records[run.run_id].predictions()), results[run.run_id])
            for name, runs in sorted(by_setup.items())
            for run in (runs.get(track),)
            if run is not None and run.run_id in results
        ]
        views.append(build_corpus_view(corpora[track], members, title=track))
    return Leaderboard(
        tracks=tuple(columns),
        ranking=ranking,
        rows=setup_rows,
        notes=notes,
        views=tuple(views),
        level=level,
        resamples=resamples,
        # Thousands of damaged records would bury the pages: the first 50 warnings, then their count.
        warnings=tuple(capped(warnings, what="warnings")),
        metrics=union_table(results.values()),
    )
