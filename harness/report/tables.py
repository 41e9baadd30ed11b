"""The leaderboard's tables as plain data, shared by the Markdown and HTML pages.

Both pages must show the same numbers in the same order; building the cells
once here (and only rendering them in the templates) keeps them from drifting
apart. Cell texts are not escaped: each renderer escapes for its own format.

The overview has one column group per track; the detail tables have one row
per (setup, track) and a column per metric of the board's metric table that
declares the table (``Metric.board``), headed ``Metric.column``: a metric
added to the table reaches the pages without an edit here. A score on text that shaped the extractor is an
*in-sample* cell: it carries the mark :data:`IN_SAMPLE_MARK` and a note, and
both pages explain the mark.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from harness.judging.floor import refusal
from harness.report.board import Leaderboard, Score, SetupRow, Speed, TrackRun
from harness.scoring.claims import HEADLINE_CLAIM_MODE
from harness.scoring.metric_table import Metric

NOT_SCORED = "n/a"
NOT_RUN = "—"
#: Printed after an in-sample score, on both pages.
IN_SAMPLE_MARK = "†"
#: The remark on every score of a run that failed as a whole (too many documents failed).
FAILED_NOTE = "run failed"

#: The headline paths of a track's column group.
ENTITY_HEADLINE = "entities.strict.f1"
CLAIM_HEADLINE = f"claims.{HEADLINE_CLAIM_MODE}.f1"


@dataclass(frozen=True)
class Cell:
    """One table cell: a main text, an optional interval and an optional remark."""

    text: str
    #: ``[low, high]`` of an F1, or "".
    interval: str = ""
    #: A remark in parentheses, e.g. where a cached run's speed was measured.
    note: str = ""
    #: Right-aligned in HTML.
    numeric: bool = False
    #: A score on text that shaped the extractor (marked on both pages).
    in_sample: bool = False


@dataclass(frozen=True)
class Table:
    #: Stable identifier (HTML id, test lookups).
    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def score_cell(score: Score | None, in_sample: bool = False, note: str = "") -> Cell:
    if score is None or score.value is None:
        return Cell(NOT_SCORED)
    interval = f"[{score.low:.3f}, {score.high:.3f}]" if score.low is not None and score.high is not None else ""
    return Cell(f"{score.value:.3f}", interval, note=note, numeric=True, in_sample=in_sample)


def run_score(run: TrackRun | None, path: str) -> Cell:
    """A run's score at a metrics path, marked when in-sample; a dash when the setup did not run there."""
    if run is None:
        return Cell(NOT_RUN)
    marked = run.in_sample.marked
    return score_cell(run.score(path), marked, note=FAILED_NOTE if run.failed is not None else "")


def speed_cell(speed: Speed) -> Cell:
    if speed.per_second is None:
        return Cell("cached", note="served from the cache; no run that computed it is indexed")
    figure = f"{speed.per_second:,.1f}" if speed.per_second >= 10 else f"{speed.per_second:.2f}"
    if speed.measured_in is not None:
        return Cell(figure, note=f"cached; measured in {speed.measured_in}", numeric=True)
    return Cell(figure, numeric=True)


def _conventions(board: Leaderboard, track: str) -> tuple[str, ...]:
    """Own conventions of the rows on a track that were scored under one besides the project's."""
    found = {
        run.convention
        for row in board.rows
        for run in (row.on(track),)
        if run is not None and run.score(f"conventions.{run.convention}.strict.f1").scored
    }
    return tuple(sorted(found))


def _rank_cell(row: SetupRow) -> Cell:
    if row.rank is None:
        return Cell("–", note=row.unranked or "not ranked")
    return Cell(str(row.rank), numeric=True)


def overview_table(board: Leaderboard) -> Table:
    """Rank, setup, and per track the headline entity and claim F1 (and the own-convention entity F1)."""
    columns: list[str] = ["#", "setup"]
    getters: list[Callable[[SetupRow], Cell]] = []
    for track in board.tracks:
        name = track.name
        columns += [f"{name}: entity strict F1", f"{name}: claim {HEADLINE_CLAIM_MODE} F1"]
        getters += [_score_getter(name, ENTITY_HEADLINE), _score_getter(name, CLAIM_HEADLINE)]
        for convention in _conventions(board, name):
            columns.append(f"{name}: entity strict F1, {convention} convention")
            getters.append(_convention_getter(name, convention))
    columns += ["failures", "docs/s"]
    rows = []
    for row in board.rows:
        ranking_run = row.on(board.ranking.track) or next(iter(row.runs.values()))
        failures = sum(run.row.failures for run in row.runs.values())
        rows.append(
            (
                _rank_cell(row),
                Cell(row.name),
                *(get(row) for get in getters),
                Cell(str(failures), numeric=True),
                speed_cell(ranking_run.speed),
            )
        )
    return Table("overview", f"Overview (ranked on {board.ranking.track} by {', '.join(board.ranking.metrics)})", tuple(columns), tuple(rows))


def _score_getter(track: str, path: str) -> Callable[[SetupRow], Cell]:
    """A column's cell of a row: the score at ``path`` on ``track`` (both bound now, not at call time)."""
    return lambda row: run_score(row.on(track), path)


def _convention_getter(track: str, convention: str) -> Callable[[SetupRow], Cell]:
    """A column's cell of a row: the entity strict F1 on ``track`` under ``convention``."""
    return lambda row: _convention_cell(row.on(track), convention)


def _convention_cell(run: TrackRun | None, convention: str) -> Cell:
    if run is None or run.convention != convention:
        return Cell(NOT_RUN)
    return run_score(run, f"conventions.{convention}.strict.f1")


def _pairs(board: Leaderboard) -> list[tuple[SetupRow, TrackRun]]:
    """(row, run) for every setup and track, in ranking order then track order."""
    return [(row, run) for row in board.rows for track in board.tracks for run in (row.on(track.name),) if run is not None]


def metric_cell(run: TrackRun | None, metric: Metric) -> Cell:
    """A run's value of a metric: an F1 with its interval (marked when in-sample), or a plain number for a scalar."""
    if metric.is_count or run is None:
        return run_score(run, metric.path())
    value = run.value(metric)
    if value is None:
        return Cell(NOT_SCORED)
    return Cell(f"{value:.0f}" if value.is_integer() else f"{value:.3f}", numeric=True)


def entity_table(board: Leaderboard) -> Table:
    metrics = board.shown_in("entities")
    rows = tuple(
        (Cell(row.name), Cell(run.track), *(metric_cell(run, m) for m in metrics), Cell(", ".join(run.labels) or "none"))
        for row, run in _pairs(board)
    )
    columns = ("setup", "track", *(m.column for m in metrics), "labels scored")
    return Table("entities", "Entities: F1 in the four modes (declared labels), and strict F1 over every gold label", columns, rows)


def label_columns(board: Leaderboard) -> tuple[str, ...]:
    """Every label some run was scored on: the project's labels in their order, others after."""
    return tuple(m.column for m in board.shown_in("labels"))


def label_table(board: Leaderboard) -> Table:
    metrics = board.shown_in("labels")
    rows = tuple((Cell(row.name), Cell(run.track), *(metric_cell(run, m) for m in metrics)) for row, run in _pairs(board))
    return Table("labels", "Entities: strict F1 per label", ("setup", "track", *(m.column for m in metrics)), rows)


def judged_score(run: TrackRun, metric: Metric, floor: float) -> Cell:
    """A judged mode's F1 with its judge's name and kappa beside it, marked when it may not rank."""
    cell = metric_cell(run, metric)
    if cell.text in (NOT_RUN, NOT_SCORED):
        return cell
    refused = refusal(run.judge, floor)
    described = run.judge.describe() if run.judge is not None else "judge unknown"
    note = described if refused is None else f"{described}; not for ranking (kappa floor {floor})"
    return Cell(cell.text, cell.interval, note=note, numeric=True, in_sample=cell.in_sample)


def claim_table(board: Leaderboard) -> Table:
    runs = [(row, run) for row, run in _pairs(board) if run.score(CLAIM_HEADLINE).scored]
    metrics = board.shown_in("claims")
    floor = board.ranking.judge_kappa_floor
    rows = tuple(
        (Cell(row.name), Cell(run.track), *(judged_score(run, m, floor) if m.judged else metric_cell(run, m) for m in metrics))
        for row, run in runs
    )
    columns = ("setup", "track", *(m.column for m in metrics))
    return Table("claims", "Claims: F1 per mode (strict is the headline), per kind, and per slot", columns, rows)


def run_table(board: Leaderboard) -> Table:
    metrics = board.shown_in("runs")
    rows = tuple(
        (
            Cell(row.name),
            Cell(run.track),
            Cell(run.in_sample.describe(), in_sample=run.in_sample.marked),
            Cell(run.convention),
            *(metric_cell(run, m) for m in metrics),
            speed_cell(run.speed),
            Cell(f"{run.tokens_per_document:,.0f}", numeric=True) if run.tokens_per_document is not None else Cell(NOT_SCORED),
            Cell("ok") if run.failed is None else Cell("failed", note=run.failed),
            Cell(run.run_id),
        )
        for row, run in _pairs(board)
    )
    columns = ("setup", "track", "sample", "convention", *(m.column for m in metrics), "docs/s", "tokens/doc", "status", "run id")
    return Table("runs", "Runs", columns, rows)


def leaderboard_tables(board: Leaderboard) -> tuple[Table, ...]:
    """The tables of both pages, rows in ranking order."""
    return (overview_table(board), entity_table(board), label_table(board), claim_table(board), run_table(board))


def track_lines(board: Leaderboard) -> list[str]:
    """One line per track: what it is, its corpus and gold."""
    lines = []
    for track in board.tracks:
        described = f": {track.description}" if track.description else ""
        lines.append(f"Track {track.name}{described} (corpus {track.corpus}, {track.documents} documents, gold {track.gold_sha256[:12]}).")
    return lines


def in_sample_line() -> str:
    return (
        "in-sample: the extractor was built on (some of) this track's text (rules written while reading it, "
        "a model trained on it, prompt examples taken from it); such a score is evidence of fit, not of quality, and a row "
        "in-sample on the ranking track is not ranked."
    )


def how_to_read(board: Leaderboard) -> str:
    """The line on intervals both pages print under the tables."""
    return (
        f"How to read: each F1 is followed by its {board.level:.0%} bootstrap interval [low, high], "
        f"from {board.resamples} resamples of the documents with replacement; with few documents the intervals "
        "are wide. Claims are scored in modes: evidence (the evidence overlaps and the number, if any, agrees) and "
        "strict (the headline: evidence overlaps and every slot agrees, speaker included). The ranking notes below "
        "test each pair of neighbours on the same documents with an exact permutation test."
    )

