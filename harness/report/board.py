"""What a leaderboard shows, as plain data: rows of setups, a column group per track.

Built by :mod:`harness.report.leaderboard`, rendered by
:mod:`harness.report.tables` (cells), :mod:`harness.report.markdown` and
:mod:`harness.report.html`. This module depends on nothing above it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from harness.config import Ranking
from harness.judging.floor import JudgeInfo
from harness.report.views import CorpusView
from harness.runs.record import InSample
from harness.runs.registry import RunRow
from harness.scoring.metric_table import Metric, value_at
from harness.stats import (
    DEFAULT_ALPHA,
    PairedComparison,
    SignificanceVerdict,
    significance_verdict,
)


@dataclass(frozen=True)
class RankingNote:
    """One neighbour pair on the ranking metric: the paired test, or why there is none."""

    #: Name of the higher-ranked row.
    higher: str
    #: Name of the row ranked just below it.
    lower: str
    #: How the note names the metric, e.g. "claim strict F1 on heldout".
    metric: str
    #: Why the pair was not tested; None when tested.
    skipped: str | None = None
    #: The permutation test, lower row as A and higher row as B (difference = higher - lower),
    #: its interval the paired bootstrap's.
    test: PairedComparison | None = None
    #: Tests made on the board together (the Bonferroni factor).
    tests: int = 1
    alpha: float = DEFAULT_ALPHA

    @property
    def verdict(self) -> SignificanceVerdict | None:
        return significance_verdict(self.test, self.alpha, self.tests) if self.test is not None else None

    @property
    def significant(self) -> bool:
        verdict = self.verdict
        return verdict is not None and verdict.significant

    @property
    def text(self) -> str:
        """The note as a sentence a reader can check."""
        pair = f"{self.higher} vs {self.lower}"
        verdict, test = self.verdict, self.test
        if self.skipped is not None or verdict is None or test is None:
            return f"{pair}: {self.metric} not compared: {self.skipped}"
        return (
            f"{pair}: difference in {self.metric} {verdict.reason} "
            f"({test.method}, n = {test.units}; assumption: {test.assumption}; "
            f"{test.metric_b:.3f} vs {test.metric_a:.3f}, difference {test.difference:+.3f}, "
            f"{test.level:.0%} paired bootstrap interval [{test.low:+.3f}, {test.high:+.3f}])"
        )


@dataclass(frozen=True)
class Score:
    """One F1 and its bootstrap interval, as indexed; value None when not scored."""

    value: float | None
    low: float | None = None
    high: float | None = None

    @classmethod
    def at(cls, row: RunRow, path: str) -> Score:
        found = row.score(path)
        return cls(None) if found is None else cls(*found)

    @property
    def scored(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Speed:
    """Documents per second of a run; a run served from the cache borrows the figure of the run that computed."""

    per_second: float | None
    #: Run id the figure was measured in, when not this run (a cached run).
    measured_in: str | None = None


@dataclass(frozen=True)
class TrackRun:
    """One setup's run on one track: the cells of one column group."""

    track: str
    row: RunRow
    in_sample: InSample
    #: Labels of the run's headline entity scope.
    labels: tuple[str, ...]
    #: The extractor's annotation convention ("project" or e.g. "anercorp").
    convention: str
    speed: Speed
    #: Prompt and generated tokens per document (generative extractors), from ``run.json`` ``costs``.
    tokens_per_document: float | None = None
    #: Why the run as a whole failed (too many documents failed: ``run.json`` ``status``), or None.
    failed: str | None = None
    #: The judge of its ``content`` claim mode (None: not judged).
    judge: JudgeInfo | None = None
    #: The run's ``metrics.json``, for its scalar metrics (the F1s are read from the indexed row).
    metrics: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def score(self, path: str) -> Score:
        return Score.at(self.row, path)

    def value(self, metric: Metric) -> float | None:
        """A scalar metric's value in this run (None when the run does not have it)."""
        found = value_at(self.metrics, metric.key)
        return float(found) if isinstance(found, (int, float)) and not isinstance(found, bool) else None

    @property
    def run_id(self) -> str:
        return self.row.run_id


@dataclass(frozen=True)
class SetupRow:
    """One row of the leaderboard: a setup and its run on each track."""

    name: str
    runs: Mapping[str, TrackRun]
    #: Position in the ranking (1 = best); None when the row is not ranked.
    rank: int | None = None
    #: Why the row is not ranked (no run on the ranking track, or in-sample there).
    unranked: str | None = None

    def on(self, track: str) -> TrackRun | None:
        return self.runs.get(track)


@dataclass(frozen=True)
class TrackColumn:
    """A track as the leaderboard shows it: a column group."""

    name: str
    description: str
    corpus: str
    gold_sha256: str
    documents: int


@dataclass(frozen=True)
class Leaderboard:
    """Everything the pages show, rows in ranking order (ranked rows first)."""

    tracks: tuple[TrackColumn, ...]
    ranking: Ranking
    rows: tuple[SetupRow, ...]
    notes: tuple[RankingNote, ...]
    #: Per track, the per-document views of its runs.
    views: tuple[CorpusView, ...]
    #: Confidence level and resamples of the intervals.
    level: float
    resamples: int
    #: Problems met while building (a run on outdated gold...), shown on both pages.
    warnings: tuple[str, ...] = ()
    #: The metric table over every run shown (:func:`harness.scoring.metric_table.union_table`):
    #: the detail tables show its metrics that declare a ``board`` table, in table order.
    metrics: tuple[Metric, ...] = ()

    def shown_in(self, table: str) -> tuple[Metric, ...]:
        """The metrics a detail table shows: those of the board's table that declare it, in table order."""
        return tuple(metric for metric in self.metrics if metric.board == table)

    @property
    def ranked(self) -> tuple[SetupRow, ...]:
        return tuple(row for row in self.rows if row.rank is not None)
