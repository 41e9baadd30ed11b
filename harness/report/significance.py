"""Ranking notes: does each row of the leaderboard really beat the next one on the ranking track?

Every pair of neighbours in the ranking is tested on the ranking metric with
the paired test of ``harness compare`` (:func:`harness.runs.compare.compare_metric`),
on the per-document results both runs stored: a permutation test, exact over
all 2^n swaps of n documents when n is small, with the paired bootstrap
interval of the difference.

Testing several neighbours at once raises the chance that one difference
looks significant by luck, so the verdict (:func:`harness.stats.significance_verdict`)
multiplies by the number of tests of the board (Bonferroni). A difference is
called significant only when its adjusted p-value is below ``alpha`` *and*
the smallest p-value the test can reach with this many units, adjusted the
same way, is below ``alpha``: with five documents an exact test cannot go
below 2/32, so no ranking of five documents is called significant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from harness.runs.compare import compare_metric
from harness.scoring.metric_table import Metric
from harness.scoring.results import DocumentResult
from harness.stats import DEFAULT_ALPHA, PairedComparison, SignificanceVerdict, significance_verdict


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
