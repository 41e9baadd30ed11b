"""The leaderboard's tables as plain data, shared by the Markdown and HTML pages.

Both pages must show the same numbers in the same order; building the cells
once here (and only rendering them in the templates) keeps them from drifting
apart. Cell texts are not escaped: each renderer escapes for its own format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.model import ENTITY_LABELS
from harness.report.leaderboard import Entry, Leaderboard, Score, Speed
from harness.scoring.claims import SCORED_SLOTS
from harness.scoring.entities import MODES

NOT_SCORED = "n/a"


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


@dataclass(frozen=True)
class Table:
    #: Stable identifier (HTML id, test lookups).
    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def score_cell(score: Score | None) -> Cell:
    if score is None or score.value is None:
        return Cell(NOT_SCORED)
    interval = f"[{score.low:.3f}, {score.high:.3f}]" if score.low is not None and score.high is not None else ""
    return Cell(f"{score.value:.3f}", interval, numeric=True)


def speed_cell(speed: Speed) -> Cell:
    if speed.per_second is None:
        return Cell("cached", note="served from the cache; no run that computed it is indexed")
    figure = f"{speed.per_second:,.1f}" if speed.per_second >= 10 else f"{speed.per_second:.2f}"
    if speed.measured_in is not None:
        return Cell(figure, note=f"cached; measured in {speed.measured_in}", numeric=True)
    return Cell(figure, numeric=True)


def _name(entry: Entry) -> Cell:
    return Cell(entry.name)


def overview_table(entries: Sequence[Entry]) -> Table:
    rows = tuple(
        (
            Cell(str(rank), numeric=True),
            _name(entry),
            score_cell(entry.entities["strict"]),
            score_cell(entry.claims),
            Cell(str(entry.row.failures), numeric=True),
            Cell(str(entry.row.ungrounded), numeric=True),
            speed_cell(entry.speed),
            Cell(entry.run_id),
        )
        for rank, entry in enumerate(entries, start=1)
    )
    columns = ("#", "setup", "entity strict F1", "claim F1", "failures", "ungrounded", "docs/s", "run id")
    return Table("overview", "Overview", columns, rows)


def entity_table(entries: Sequence[Entry]) -> Table:
    rows = tuple(
        (_name(e), *(score_cell(e.entities[mode]) for mode in MODES), Cell(", ".join(e.labels) or "none"))
        for e in entries
    )
    return Table("entities", "Entities: F1 in the four modes", ("setup", *(f"{m} F1" for m in MODES), "labels scored"), rows)


def label_columns(entries: Sequence[Entry]) -> tuple[str, ...]:
    """Every label some row was scored on: the model's labels in their order, others after."""
    present = {label for e in entries for label in e.labels}
    return tuple(label for label in ENTITY_LABELS if label in present) + tuple(sorted(present - set(ENTITY_LABELS)))


def label_table(entries: Sequence[Entry]) -> Table:
    labels = label_columns(entries)
    rows = tuple((_name(e), *(score_cell(e.per_label.get(label)) for label in labels)) for e in entries)
    return Table("labels", "Entities: strict F1 per label", ("setup", *labels), rows)


def claim_table(entries: Sequence[Entry]) -> Table:
    rows = tuple(
        (_name(e), score_cell(e.claims), *(score_cell(e.slots.get(slot)) for slot in SCORED_SLOTS)) for e in entries
    )
    return Table("claims", "Claims: headline and slot F1", ("setup", "claim F1", *(f"{s} F1" for s in SCORED_SLOTS)), rows)


def leaderboard_tables(board: Leaderboard) -> tuple[Table, ...]:
    """The four tables of both pages, rows in ranking order."""
    entries = board.entries
    return (overview_table(entries), entity_table(entries), label_table(entries), claim_table(entries))


def how_to_read(board: Leaderboard) -> str:
    """The one line on intervals both pages print under the tables."""
    return (
        f"How to read: each F1 is followed by its {board.level:.0%} bootstrap interval [low, high], "
        f"from {board.resamples} resamples of the documents with replacement; with few documents the intervals "
        "are wide, and two rows whose intervals overlap may still differ (or not): the ranking notes below test "
        "each pair of neighbours on the same documents."
    )
