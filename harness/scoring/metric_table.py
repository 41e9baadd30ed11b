"""The metric table: one declaration per metric, read by every room that shows a score.

A :class:`Metric` says how one number is computed from per-document results
(:class:`~harness.scoring.results.DocumentResult`), where it lives in
``metrics.json``, how reports name it, whether higher is better and whether it
has a confidence interval. Scoring (``metrics.json``), ``harness compare``,
the gates, the registry, the console and the leaderboard all iterate over
:func:`build_table`; none of them names a metric path of its own except the
headline choice below. Adding a metric is one entry in :data:`METRIC_FAMILIES`
(a function from the run's :class:`TableContext` to metrics) plus its test;
:func:`registered` adds one for a while (a test, a plug-in).

Where a metric is shown is declared on it, not in the readers: ``headline``
(the registry's listing), ``summary`` (the console summary of ``harness
run``), ``board`` and ``column`` (which detail table of the leaderboard, under
which heading). Readers that hold no per-document results (the registry, the
console, the gate file check) read the table expanded over a context of their
own: :func:`reference_table` (the project's labels and claim modes) or
:func:`path_patterns` (any label or convention name).

Count metrics (most of them) reduce one document to
:class:`~harness.scoring.counts.MatchCounts`; their corpus value is precision,
recall and F1 of the summed counts, and their intervals and paired tests
resample documents (or paragraphs, for metrics that keep alignment rows with
positions). Scalar metrics (failures, ungrounded predictions) are plain
numbers over the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from harness.annotations import ENTITY_LABELS
from harness.scoring.claims import (
    CLAIM_KINDS,
    CLAIM_MODES,
    HEADLINE_CLAIM_MODE,
    SCORED_SLOTS,
    ClaimAlignment,
)
from harness.scoring.counts import MatchCounts
from harness.scoring.entities import MODES, PARTIAL_CREDIT
from harness.scoring.results import (
    ALL_LABELS,
    CONVENTION_PREFIX,
    DECLARED,
    DocumentResult,
)

#: The rates a count metric's block holds; ``<key>.<rate>`` is a metric path (gates, compare).
RATES: tuple[str, ...] = ("f1", "precision", "recall")

CountsOf = Callable[[DocumentResult], MatchCounts | None]
#: ``(position in the text, counts of one alignment row)`` for resampling finer than documents.
RowsOf = Callable[[DocumentResult], Iterable[tuple[int, MatchCounts]]]


@dataclass(frozen=True)
class Metric:
    """One number of a run, and how to compute and read it."""

    #: Path of its block in ``metrics.json``, e.g. ``entities.strict`` (values at ``.f1`` etc.).
    key: str
    #: How reports name it, e.g. "entity strict F1".
    title: str
    #: One sentence: what it measures.
    description: str
    #: Section of reports it belongs to: entities, labels, all_labels, conventions, claims, slots, run.
    section: str
    #: A count metric: the counts one document contributes (None: not scored in this run).
    counts: CountsOf | None = None
    #: A scalar metric: its value over the documents.
    scalar: Callable[[Sequence[DocumentResult]], float] | None = None
    #: Credit of a partial match (0.5 in the SemEval partial mode, else 0).
    partial_credit: float = 0.0
    higher_is_better: bool = True
    #: Does it get a bootstrap interval (count metrics only)?
    interval: bool = True
    #: One of the run's headline numbers (summaries, registry, leaderboard overview).
    headline: bool = False
    #: A column of the console summary ``harness run`` prints after its runs.
    summary: bool = False
    #: The leaderboard detail table that shows it (``entities``, ``labels``, ``claims``, ``runs``), or None.
    board: str | None = None
    #: Its column heading in that table (short: the table's title says the rest).
    column: str = ""
    #: Decided by a judge (a claim mode such as ``content``): shown with the judge and its kappa.
    judged: bool = False
    #: Its value depends on the labels the run declares: runs compare on it only with equal labels.
    declared_scope: bool = False
    #: Alignment rows with positions, when the metric can be resampled by paragraph.
    rows: RowsOf | None = None

    @property
    def is_count(self) -> bool:
        return self.counts is not None

    def path(self, rate: str = "f1") -> str:
        """The ``metrics.json`` path of one of its values."""
        return self.key if self.scalar is not None else f"{self.key}.{rate}"


@dataclass(frozen=True)
class TableContext:
    """What a run's table is expanded over: read from its per-document results."""

    #: Labels of the headline scope (the extractor's declared labels the corpus annotates).
    declared_labels: tuple[str, ...]
    #: Labels with a row in the headline scope (declared labels and any that occurred).
    declared_rows: tuple[str, ...]
    #: Labels with a row over all labels (every label that occurred in gold or predictions).
    all_rows: tuple[str, ...]
    #: ``(convention, labels with a row)`` of each extra convention scored.
    conventions: tuple[tuple[str, tuple[str, ...]], ...]
    #: Claim modes judged (empty when claims were not scored).
    claim_modes: tuple[str, ...]

    @classmethod
    def of(cls, results: Sequence[DocumentResult]) -> TableContext:
        declared: tuple[str, ...] = ()
        declared_rows: set[str] = set()
        all_rows: set[str] = set()
        conventions: dict[str, set[str]] = {}
        modes: list[str] = []
        for result in results:
            for scope, counts in result.entities:
                labels = {label for label, _ in counts.per_label}
                if scope == DECLARED:
                    declared = counts.labels or ()
                    declared_rows |= labels | set(declared)
                elif scope == ALL_LABELS:
                    all_rows |= labels
                elif scope.startswith(CONVENTION_PREFIX):
                    conventions.setdefault(scope[len(CONVENTION_PREFIX):], set()).update(labels)
            if result.claims is not None:
                modes += [m for m in result.claims.modes if m not in modes]
        return cls(
            declared_labels=tuple(sorted(declared, key=label_order)),
            declared_rows=tuple(sorted(declared_rows, key=label_order)),
            all_rows=tuple(sorted(all_rows, key=label_order)),
            conventions=tuple((name, tuple(sorted(labels, key=label_order))) for name, labels in sorted(conventions.items())),
            claim_modes=_mode_order(modes),
        )

    @classmethod
    def union(cls, contexts: Iterable[TableContext]) -> TableContext:
        """One context holding every label, convention and mode of ``contexts``: the columns of a report over several runs."""
        given = list(contexts)
        conventions: dict[str, set[str]] = {}
        for context in given:
            for name, rows in context.conventions:
                conventions.setdefault(name, set()).update(rows)

        def merged(attribute: str) -> tuple[str, ...]:
            return tuple(sorted({label for c in given for label in getattr(c, attribute)}, key=label_order))

        return cls(
            declared_labels=merged("declared_labels"),
            declared_rows=merged("declared_rows"),
            all_rows=merged("all_rows"),
            conventions=tuple((name, tuple(sorted(found, key=label_order))) for name, found in sorted(conventions.items())),
            claim_modes=_mode_order([mode for c in given for mode in c.claim_modes]),
        )

    @classmethod
    def reference(cls) -> TableContext:
        """A run of every project label with claims, scored under the project convention only.

        Readers without per-document results (registry listing, console summary) take their
        columns from the table over this context.
        """
        return cls(ENTITY_LABELS, ENTITY_LABELS, ENTITY_LABELS, (), CLAIM_MODES)


def _mode_order(modes: Iterable[str]) -> tuple[str, ...]:
    """Claim modes present in ``modes``: the scorer's in their order, then judged ones alphabetically."""
    present = set(modes)
    return tuple(m for m in (*CLAIM_MODES, *sorted(present - set(CLAIM_MODES))) if m in present)


def label_order(label: str) -> tuple[int, str]:
    """The project's labels in their usual order, other labels after them alphabetically."""
    return (ENTITY_LABELS.index(label) if label in ENTITY_LABELS else len(ENTITY_LABELS), label)


# --- how counts are read from a result ----------------------------------------------


def _scope_counts(scope: str, mode: str, label: str | None = None) -> CountsOf:
    def counts(result: DocumentResult) -> MatchCounts | None:
        document = result.scope(scope)
        if document is None:
            return None
        return (document.overall if label is None else document.label(label)).mode(mode)

    return counts


def _entity_rows(mode: str) -> RowsOf:
    def rows(result: DocumentResult) -> Iterator[tuple[int, MatchCounts]]:
        for row in result.rows(mode):
            yield row.position, MatchCounts(**{row.outcome: 1})

    return rows


def _claim_counts(part: str) -> CountsOf:
    def counts(result: DocumentResult) -> MatchCounts | None:
        return result.claims.counts().part(part) if result.claims is not None else None

    return counts


def _claim_rows(mode: str) -> RowsOf:
    def rows(result: DocumentResult) -> Iterator[tuple[int, MatchCounts]]:
        alignment: ClaimAlignment | None = result.claims
        if alignment is None:
            return
        for pair in alignment.pairs:
            if pair.unjudged(mode):
                continue  # a pair a judge left unjudged is not scored (claims.content.unjudged counts it)
            yield pair.position, MatchCounts(correct=1) if pair.verdict(mode) else MatchCounts(incorrect=1)
        for claim in alignment.missed:
            yield claim.position, MatchCounts(missed=1)
        for claim in (*alignment.spurious, *alignment.ungrounded):
            yield claim.position, MatchCounts(spurious=1)

    return rows


# --- the families ------------------------------------------------------------------------


def entity_metrics(context: TableContext) -> Iterator[Metric]:
    """The four SemEval modes over the declared labels: the headline entity scores."""
    if not context.declared_labels:
        return
    for mode in MODES:
        yield Metric(
            key=f"entities.{mode}",
            title=f"entity {mode} F1",
            description=f"entities in the SemEval-2013 {mode} mode, over the labels the extractor declares",
            section="entities",
            counts=_scope_counts(DECLARED, mode),
            partial_credit=PARTIAL_CREDIT[mode],
            headline=mode == "strict",
            summary=mode == "strict",
            declared_scope=True,
            rows=_entity_rows(mode),
            board="entities",
            column=f"{mode} F1",
        )


def label_metrics(context: TableContext) -> Iterator[Metric]:
    """Each label alone, in every mode (a wrong label is a miss of one label and a spurious item of the other)."""
    for label in context.declared_rows:
        for mode in MODES:
            yield Metric(
                key=f"entities.per_label.{label}.{mode}",
                title=f"{label} {mode} F1",
                description=f"{label} entities alone, {mode} mode",
                section="labels",
                counts=_scope_counts(DECLARED, mode, label),
                partial_credit=PARTIAL_CREDIT[mode],
                board="labels" if mode == "strict" and label in context.declared_labels else None,
                column=label,
            )


def all_label_metrics(context: TableContext) -> Iterator[Metric]:
    """Every label of the gold, labels the extractor does not emit counting as missed: comparable across extractors."""
    for mode in MODES:
        yield Metric(
            key=f"entities.all_labels.{mode}",
            title=f"entity {mode} F1, all labels",
            description=f"entities of every gold label in the {mode} mode; undeclared labels count as missed",
            section="all_labels",
            counts=_scope_counts(ALL_LABELS, mode),
            partial_credit=PARTIAL_CREDIT[mode],
            board="entities" if mode == "strict" else None,
            column=f"{mode} F1, all labels",
        )
    for label in context.all_rows:
        for mode in MODES:
            yield Metric(
                key=f"entities.all_labels.per_label.{label}.{mode}",
                title=f"{label} {mode} F1, all labels",
                description=f"{label} entities alone, {mode} mode, over every gold label",
                section="all_labels",
                counts=_scope_counts(ALL_LABELS, mode, label),
                partial_credit=PARTIAL_CREDIT[mode],
            )


def convention_metrics(context: TableContext) -> Iterator[Metric]:
    """Entity scores with gold and predictions projected onto the extractor's own annotation convention."""
    for name, labels in context.conventions:
        scope = CONVENTION_PREFIX + name
        for mode in MODES:
            yield Metric(
                key=f"conventions.{name}.{mode}",
                title=f"entity {mode} F1 ({name} convention)",
                description=f"entities in the {mode} mode under the {name} annotation convention",
                section="conventions",
                counts=_scope_counts(scope, mode),
                partial_credit=PARTIAL_CREDIT[mode],
                declared_scope=True,
            )
        for label in labels:
            yield Metric(
                key=f"conventions.{name}.per_label.{label}.strict",
                title=f"{label} strict F1 ({name} convention)",
                description=f"{label} entities alone, strict mode, under the {name} convention",
                section="conventions",
                counts=_scope_counts(scope, "strict", label),
            )


def claim_metrics(context: TableContext) -> Iterator[Metric]:
    """Claims in every judged mode, then all modes per kind; ``strict`` is the headline.

    Modes come first so reports read the modes side by side before the kinds
    (``metrics.json`` nests kinds inside their mode either way).
    """
    for mode in context.claim_modes:
        judged = mode not in CLAIM_MODES
        yield Metric(
            key=f"claims.{mode}",
            title=f"claim {mode} F1",
            description=f"claims aligned one-to-one and judged in the {mode} mode" + (" by a judge" if judged else ""),
            section="claims",
            counts=_claim_counts(mode),
            headline=mode == HEADLINE_CLAIM_MODE,
            summary=not judged,
            rows=_claim_rows(mode),
            board="claims",
            column=f"{mode} F1 (judge, κ)" if judged else f"{mode} F1",
            judged=judged,
        )
    for mode in context.claim_modes:
        for kind in CLAIM_KINDS:
            yield Metric(
                key=f"claims.{mode}.by_kind.{kind}",
                title=f"claim {mode} F1, {kind}s",
                description=f"gold {kind}s (and predictions declared {kind}s), {mode} mode",
                section="claims",
                counts=_claim_counts(f"{mode}.{kind}"),
                board="claims" if mode == HEADLINE_CLAIM_MODE else None,
                column=f"{kind}s ({mode})",
            )


def slot_metrics(context: TableContext) -> Iterator[Metric]:
    """Each claim slot over the alignment: does the aligned prediction fill it with the gold's value?"""
    if not context.claim_modes:
        return
    for slot in SCORED_SLOTS:
        yield Metric(
            key=f"claims.slots.{slot}",
            title=f"{slot} F1",
            description=f"the {slot} slot of aligned claims",
            section="slots",
            counts=_claim_counts(f"slot.{slot}"),
            board="claims",
            column=f"{slot} F1",
        )


def run_metrics(context: TableContext) -> Iterator[Metric]:
    """What went wrong: failed documents and ungrounded predictions (lower is better)."""
    yield Metric(
        key="failures",
        title="failures",
        description="documents whose extraction failed (their gold counts as missed)",
        section="run",
        scalar=lambda results: float(sum(r.failure is not None for r in results)),
        higher_is_better=False,
        interval=False,
        headline=True,
        summary=True,
        board="runs",
        column="failures",
    )
    yield Metric(
        key="ungrounded",
        title="ungrounded",
        description="predicted items with a span that is not the document's text at its offsets",
        section="run",
        scalar=lambda results: float(sum(len({(u.item, u.index) for u in r.ungrounded}) for r in results)),
        higher_is_better=False,
        interval=False,
        headline=True,
        board="runs",
        column="ungrounded",
    )


Family = Callable[[TableContext], Iterable[Metric]]

#: Every metric of the harness, family by family, in report order.
METRIC_FAMILIES: list[Family] = [
    entity_metrics,
    label_metrics,
    all_label_metrics,
    convention_metrics,
    claim_metrics,
    slot_metrics,
    run_metrics,
]


@contextmanager
def registered(family: Family) -> Iterator[Family]:
    """Add a family to :data:`METRIC_FAMILIES` while the ``with`` block runs (a test's metric, a plug-in), then remove it."""
    METRIC_FAMILIES.append(family)
    try:
        yield family
    finally:
        METRIC_FAMILIES.remove(family)


def table_for(context: TableContext, families: Sequence[Family] | None = None) -> tuple[Metric, ...]:
    """The metrics the families declare for ``context``, in report order (ValueError on a key declared twice)."""
    table = tuple(metric for family in (families if families is not None else METRIC_FAMILIES) for metric in family(context))
    keys = [m.key for m in table]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise ValueError(f"the metric table declares {', '.join(duplicates)} more than once")
    return table


def build_table(results: Sequence[DocumentResult], families: Sequence[Family] | None = None) -> tuple[Metric, ...]:
    """The metrics of a run whose per-document results are ``results``, in report order."""
    return table_for(TableContext.of(results), families)


def union_table(runs: Iterable[Sequence[DocumentResult]]) -> tuple[Metric, ...]:
    """The metrics of several runs together (a leaderboard's columns): every label, convention and mode any of them has."""
    return table_for(TableContext.union(TableContext.of(results) for results in runs))


def reference_table() -> tuple[Metric, ...]:
    """The table of a run over every project label with claims (:meth:`TableContext.reference`)."""
    return table_for(TableContext.reference())


#: Claim modes a run may hold besides the scorer's own: ``content`` comes from a judge (:mod:`harness.judging`).
JUDGED_CLAIM_MODES: tuple[str, ...] = ("content",)
#: The values of a count metric's block that are numbers (``f1_ci`` is a pair).
COUNT_FIELDS: tuple[str, ...] = (*RATES, "correct", "incorrect", "partial", "missed", "spurious", "possible", "actual")
#: Stand-ins for open names (labels, conventions) when the table is expanded into path patterns.
_ANY_LABEL, _ANY_CONVENTION = "\x00label", "\x00convention"
_NAME = r"[^.\s]+"


def path_patterns() -> tuple[tuple[re.Pattern[str], Metric], ...]:
    """A pattern per metric for every ``metrics.json`` number the table can hold, with its metric.

    The table is expanded over a context whose label and convention names
    stand for any name (a CoNLL corpus brings its own) and whose claim modes
    are the scorer's and the judges'; everything else is the closed list the
    families declare. A count metric's number is one of :data:`COUNT_FIELDS`
    under its key; a scalar metric's number is the key itself.
    """
    any_label = (_ANY_LABEL,)
    context = TableContext(any_label, any_label, any_label, ((_ANY_CONVENTION, any_label),), (*CLAIM_MODES, *JUDGED_CLAIM_MODES))
    patterns = []
    for metric in table_for(context):
        key = re.escape(metric.key).replace(re.escape(_ANY_LABEL), _NAME).replace(re.escape(_ANY_CONVENTION), _NAME)
        tail = f"\\.(?:{'|'.join(COUNT_FIELDS)})" if metric.is_count else ""
        patterns.append((re.compile(f"^{key}{tail}$"), metric))
    return tuple(patterns)


def find_metric(table: Sequence[Metric], path: str) -> tuple[Metric, str]:
    """The metric and rate of a ``metrics.json`` path such as ``claims.strict.f1`` (KeyError when none)."""
    for metric in table:
        if metric.scalar is not None and path == metric.key:
            return metric, ""
        head, _, rate = path.rpartition(".")
        if metric.counts is not None and head == metric.key and rate in RATES:
            return metric, rate
    raise KeyError(path)


def headline(table: Sequence[Metric], section: str) -> Metric | None:
    """The headline metric of a section (``entities`` or ``claims``), if the run has one."""
    for metric in table:
        if metric.headline and metric.section == section:
            return metric
    return None


def value_at(metrics: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of a ``metrics.json`` document, or None when absent."""
    value: Any = metrics
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


@dataclass(frozen=True)
class RenamedPath:
    """A ``metrics.json`` path of an older schema and what to write instead."""

    old: str
    new: str
    why: str = field(default="")

    @property
    def headline(self) -> str:
        """The same place in the headline mode (claims are judged strictly in the headline)."""
        return self.new.replace("claims.evidence.", f"claims.{HEADLINE_CLAIM_MODE}.", 1)


#: Paths of schema 1 whose meaning moved in schema 2 (gate files and scripts get one line saying what to change).
RENAMED_PATHS: tuple[RenamedPath, ...] = tuple(
    RenamedPath(
        f"claims.{rest}",
        f"claims.evidence.{rest}",
        "schema 2 has claim modes: claims.evidence.* is schema 1's claim score, claims.strict.* the new headline",
    )
    for rest in (*RATES, "f1_ci", "correct", "incorrect", "missed", "spurious", "possible", "actual")
) + tuple(
    RenamedPath(f"claims.by_kind.{kind}.{rate}", f"claims.evidence.by_kind.{kind}.{rate}", "claim kinds are reported per mode in schema 2")
    for kind in CLAIM_KINDS
    for rate in RATES
)


def renamed(path: str) -> RenamedPath | None:
    """The rename note of a schema-1 path, or None."""
    for item in RENAMED_PATHS:
        if item.old == path:
            return item
    return None
