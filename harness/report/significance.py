"""Ranking notes: does each row of the leaderboard really beat the next one on the ranking track?

Every pair of neighbours in the ranking is tested on the ranking metric with
the paired test of ``harness compare`` (:func:`harness.runs.paired.compare_metric`),
on the per-document results both runs stored: a permutation test, exact over
all 2^n swaps of n documents when n is small, with the paired bootstrap
interval of the difference.

Testing several neighbours at once raises the chance that one difference
looks significant by luck, so the verdict (:func:`harness.stats.significance_verdict`)
multiplies by the number of tests of the board (Bonferroni). A difference is
called significant only when its adjusted p-value is below ``alpha`` *and*
the smallest p-value the test can reach with this many units, adjusted the
same way, is below ``alpha``: with five documents an exact test cannot go
below 2/32, so no ranking of five documents is called significant. The notes
are data of the board (:class:`harness.report.board.RankingNote`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from harness.report.board import RankingNote
from harness.runs.paired import compare_metric
from harness.scoring.metric_table import Metric
from harness.scoring.results import DocumentResult
from harness.stats import DEFAULT_ALPHA


@dataclass(frozen=True)
class Neighbours:
    """Two rows next to each other in the ranking, with what the test needs."""

    higher: str
    lower: str
    #: The metric both rows are ranked by, with the rate (``f1``), or None when they share none.
    metric: Metric | None
    rate: str
    results_higher: Sequence[DocumentResult]
    results_lower: Sequence[DocumentResult]
    #: Why they cannot be tested, when they cannot.
    skipped: str | None = None
    #: How the note names the metric.
    title: str = ""


def ranking_notes(
    pairs: Sequence[Neighbours], *, seed: int, resamples: int, level: float, alpha: float = DEFAULT_ALPHA
) -> tuple[RankingNote, ...]:
    """One note per neighbour pair, judged together (Bonferroni over every test of the board)."""
    notes: list[RankingNote] = []
    for pair in pairs:
        if pair.skipped is not None or pair.metric is None:
            notes.append(RankingNote(pair.higher, pair.lower, pair.title, skipped=pair.skipped or "no ranking metric both rows have"))
            continue
        # A is the lower row and B the higher one, so the difference is higher - lower.
        result = compare_metric(pair.metric, pair.results_lower, pair.results_higher, pair.rate, seed=seed, resamples=resamples, level=level)
        notes.append(RankingNote(pair.higher, pair.lower, pair.title, test=result.permutation))
    tests = max(1, sum(note.test is not None for note in notes))
    return tuple(replace(note, tests=tests, alpha=alpha) for note in notes)
