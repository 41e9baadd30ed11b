"""Ranking notes: does each row of the leaderboard really beat the next one?

With five documents two setups a few F1 points apart may well swap places on
another five documents. So every pair of neighbours in the ranking is tested
with the paired bootstrap of :mod:`harness.stats` on per-document counts
(recomputed from the runs' stored predictions by :mod:`harness.runs.compare`,
on the entity labels both runs were scored on), for entity strict F1 and, when
both runs scored claims, claim F1.

Testing several neighbours at once raises the chance that one difference
looks significant by luck, so the p-values are Bonferroni-adjusted over all
the tests of the board (:func:`harness.stats.bonferroni`), and a difference
counts as significant only when its adjusted p-value is below ``alpha``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from harness.corpus.load import Corpus
from harness.runs.compare import (
    ComparisonRefused,
    RunSide,
    check_comparable,
    compare_metric,
    document_scores,
    shared_settings,
)
from harness.stats import bonferroni

if TYPE_CHECKING:
    from harness.report.leaderboard import Entry

#: Adjusted p-values below this count as significant.
DEFAULT_ALPHA = 0.05
#: ``metrics.json`` path of each tested metric, and how a note names it.
TESTED_METRICS: tuple[tuple[str, str], ...] = (("entities.strict.f1", "entity strict F1"), ("claims.f1", "claim F1"))


@dataclass(frozen=True)
class RankingNote:
    """One neighbour pair and one metric: the paired test, or why there is none."""

    #: Name of the higher-ranked row.
    higher: str
    #: Name of the row ranked just below it.
    lower: str
    #: How the metric is named in the sentence, e.g. "entity strict F1".
    metric: str
    #: Why the pair was not tested (different gold, missing corpus); None when tested.
    skipped: str | None = None
    value_higher: float = 0.0
    value_lower: float = 0.0
    #: ``value_higher - value_lower`` and its paired bootstrap interval.
    difference: float = 0.0
    low: float = 0.0
    high: float = 0.0
    level: float = 0.95
    p_value: float = 1.0
    #: After Bonferroni over ``tests`` tests (equal to ``p_value`` when there is one test).
    p_adjusted: float = 1.0
    tests: int = 1
    documents: int = 0
    #: Labels compared, when fewer than either run was scored on (their common labels).
    labels: tuple[str, ...] | None = None
    alpha: float = DEFAULT_ALPHA

    @property
    def significant(self) -> bool:
        return self.skipped is None and self.p_adjusted < self.alpha

    @property
    def text(self) -> str:
        """The note as a sentence, e.g. "rules vs ner: difference in entity strict F1 not significant (...)"."""
        pair = f"{self.higher} vs {self.lower}"
        if self.skipped is not None:
            return f"{pair}: {self.metric} not compared: {self.skipped}"
        verdict = "significant" if self.significant else "not significant"
        if self.tests > 1:
            p = f"p={_p(self.p_adjusted)} after Bonferroni over {self.tests} tests, p={_p(self.p_value)} before"
        else:
            p = f"p={_p(self.p_value)}"
        labels = f" on the labels both emit ({', '.join(self.labels)})" if self.labels is not None else ""
        return (
            f"{pair}: difference in {self.metric}{labels} {verdict} "
            f"({p}, paired bootstrap over {self.documents} documents; "
            f"{self.value_higher:.3f} vs {self.value_lower:.3f}, difference {self.difference:+.3f}, "
            f"{self.level:.0%} interval [{self.low:+.3f}, {self.high:+.3f}])"
        )


def _p(value: float) -> str:
    return f"{value:.3f}" if value < 0.01 else f"{value:.2f}"


def _pair_notes(
    higher: Entry,
    lower: Entry,
    sides: Mapping[str, RunSide],
    corpora: Mapping[str, Corpus],
    seed: int,
    resamples: int,
    level: float,
) -> list[RankingNote]:
    both_claims = higher.claims is not None and lower.claims is not None
    metrics = [(path, name) for path, name in TESTED_METRICS if path != "claims.f1" or both_claims]
    missing = [e.name for e in (higher, lower) if e.run_id not in corpora]
    if missing:
        reason = f"the corpus of {', '.join(missing)} could not be loaded"
        return [RankingNote(higher.name, lower.name, name, skipped=reason) for _, name in metrics]
    corpus = corpora[higher.run_id]
    a, b = sides[lower.run_id], sides[higher.run_id]
    try:
        check_comparable(a, b, corpus)
    except ComparisonRefused as err:
        reason = "scored against different gold" if a.gold_sha256 != b.gold_sha256 else str(err)
        return [RankingNote(higher.name, lower.name, name, skipped=reason) for _, name in metrics]
    settings = shared_settings(a, b, corpus)
    scores_a, scores_b = document_scores(corpus, a, settings), document_scores(corpus, b, settings)
    labels = settings.entity_labels
    narrowed = labels if set(labels) != set(higher.labels) or set(labels) != set(lower.labels) else None
    notes = []
    for path, name in metrics:
        if path.startswith("entities") and not labels:
            notes.append(RankingNote(higher.name, lower.name, name, skipped="the two runs share no entity label"))
            continue
        # A is the lower row and B the higher one, so the difference is higher - lower.
        result = compare_metric(scores_a, scores_b, path, seed=seed, resamples=resamples, level=level).bootstrap
        notes.append(
            RankingNote(
                higher.name,
                lower.name,
                name,
                value_higher=result.metric_b,
                value_lower=result.metric_a,
                difference=result.difference,
                low=result.low,
                high=result.high,
                level=result.level,
                p_value=result.p_value,
                p_adjusted=result.p_value,
                documents=result.documents,
                labels=narrowed if path.startswith("entities") else None,
            )
        )
    return notes


def ranking_notes(
    entries: Sequence[Entry],
    sides: Mapping[str, RunSide],
    corpora: Mapping[str, Corpus],
    *,
    seed: int,
    resamples: int,
    level: float,
    alpha: float = DEFAULT_ALPHA,
) -> tuple[RankingNote, ...]:
    """Notes for every pair of neighbours in ``entries`` (already ranked), Bonferroni-adjusted together.

    ``sides`` and ``corpora`` are keyed by run id; a run missing from
    ``corpora`` gets notes saying it was not compared.
    """
    notes: list[RankingNote] = []
    for higher, lower in zip(entries, entries[1:]):
        notes += _pair_notes(higher, lower, sides, corpora, seed, resamples, level)
    tested = [i for i, note in enumerate(notes) if note.skipped is None]
    adjusted = bonferroni([notes[i].p_value for i in tested])
    for i, p in zip(tested, adjusted):
        notes[i] = replace(notes[i], p_adjusted=p, tests=len(tested), alpha=alpha)
    return tuple(replace(note, alpha=alpha) for note in notes)
