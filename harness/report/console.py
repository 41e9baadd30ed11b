"""What ``harness run`` and ``harness score`` print: progress bars and summary tables.

Scores on text that shaped the extractor are marked in-sample here too, and
each track's rows are printed together, so a seed score is never read alone.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from harness.judging.floor import JudgeInfo
from harness.scoring.claims import CLAIM_KINDS, HEADLINE_CLAIM_MODE
from harness.scoring.entities import MODES
from harness.scoring.metric_table import Metric, reference_table, value_at

#: Logs and CI have no terminal width; 160 columns keep the tables on one line each.
console = Console(width=None if sys.stdout.isatty() else 160)


@contextmanager
def progress_bars() -> Iterator[Callable[[str, int], Callable[[int], None]]]:
    """A factory of per-run progress bars: ``bar = factory(name, total); bar(n_done)``."""
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:

        def factory(name: str, total: int) -> Callable[[int], None]:
            task = progress.add_task(escape(name), total=total)
            return lambda advance: progress.advance(task, advance)

        yield factory


def with_ci(block: Mapping[str, Any] | None, key: str = "f1") -> str:
    """``0.842 [0.814, 0.864]`` from a metrics block, or n/a."""
    if not block:
        return "n/a"
    value = block.get(key)
    if value is None:
        return "n/a"
    ci = block.get(f"{key}_ci")
    return f"{value:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else f"{value:.3f}"


def _level(metrics: Mapping[str, Any]) -> str:
    level = (metrics.get("bootstrap") or {}).get("level")
    return f"{level:.0%}" if isinstance(level, (int, float)) else "?"


def summary_metrics() -> tuple[tuple[Metric, ...], tuple[Metric, ...]]:
    """The summary's metric columns (``Metric.summary``): entity scores, then the rest, each section's headline first.

    The extractor's own-convention entity score goes between the two groups.
    """
    chosen = [metric for metric in reference_table() if metric.summary]
    sections = list(dict.fromkeys(metric.section for metric in chosen))
    ordered = sorted(chosen, key=lambda metric: (sections.index(metric.section), not metric.headline))
    return tuple(m for m in ordered if m.section == "entities"), tuple(m for m in ordered if m.section != "entities")


def _summary_cell(metrics: Mapping[str, Any], metric: Metric, mark: str) -> str:
    value = value_at(metrics, metric.key)
    if metric.is_count:
        return with_ci(value) + mark
    return "n/a" if value is None else str(value)


def print_summary(outcomes: Sequence[Any]) -> None:
    """One row per (setup, track): the summary metrics (headline entity and claim F1 with intervals...), in-sample marks, time."""
    if not outcomes:
        return
    level = _level(outcomes[0].metrics)
    entities, others = summary_metrics()
    # The content mode exists only in judged runs; its judge and kappa are printed under the table.
    judged = any(getattr(o, "judge", None) is not None for o in outcomes)
    table = Table(title=f"Run summary (F1 with {level} bootstrap interval over documents; † in-sample: the extractor was built on this text)")
    for column in ("setup", "track", *(m.title for m in entities), "own convention", *(m.title for m in others), *(("claim content F1",) if judged else ()), "time s", "run id"):
        table.add_column(column, overflow="fold")
    for o in sorted(outcomes, key=lambda o: (o.track, o.setup)):
        m = o.metrics
        mark = " †" if o.in_sample.marked else ""
        own = value_at(m, f"conventions.{o.convention}.strict")
        table.add_row(
            escape(o.setup),
            escape(o.track),
            *(_summary_cell(m, metric, mark) for metric in entities),
            f"{with_ci(own)}{mark} ({escape(o.convention)})" if own else "",
            *(_summary_cell(m, metric, mark) for metric in others),
            *((_content_cell(m, o.judge, mark),) if judged else ()),
            f"{o.seconds:.2f}",
            escape(o.run_id),
        )
    console.print(table)
    for line in _judge_lines(outcomes):
        console.print(line)


def _content_cell(metrics: Mapping[str, Any], judge: JudgeInfo | None, mark: str) -> str:
    """The content-mode F1 (the judge and its kappa are printed under the table)."""
    if judge is None:
        return "not judged"
    block = value_at(metrics, "claims.content")
    unjudged = (block or {}).get("unjudged")
    return with_ci(block) + mark + (f" ({unjudged} unjudged)" if unjudged else "")


def _judge_lines(outcomes: Sequence[Any]) -> list[str]:
    """One line per judge of the content column: its name and its kappa on the judge validation set."""
    judges = {o.judge.identity_hash: o.judge for o in outcomes if getattr(o, "judge", None) is not None}
    return [f"claim content F1: {escape(j.describe())} (Cohen's kappa with the validation set's labels; see docs/judging.md)" for j in judges.values()]


def print_metrics_table(title: str, metrics: Mapping[str, Any]) -> None:
    """Entity modes and per-label F1 of one run, scores under other conventions, then the claim scores."""
    entities = metrics.get("entities") or {}
    if any(mode in entities for mode in MODES):
        table = Table(title=f"{escape(title)}: entities ({', '.join(entities.get('labels', []))})")
        for column in ("scope", *MODES):
            table.add_column(column)
        table.add_row("micro", *(with_ci(entities.get(mode)) for mode in MODES))
        for label, modes in (entities.get("per_label") or {}).items():
            table.add_row(escape(label), *(with_ci(modes.get(mode)) for mode in MODES))
        all_labels = entities.get("all_labels") or {}
        table.add_row("all gold labels", *(with_ci(all_labels.get(mode)) for mode in MODES))
        for name, block in (metrics.get("conventions") or {}).items():
            table.add_row(escape(f"{name} convention"), *(with_ci(block.get(mode)) for mode in MODES))
        console.print(table)
    claims = metrics.get("claims")
    if claims:
        t = Table(title=f"{escape(title)}: claims")
        for column in ("scope", "precision", "recall", "F1"):
            t.add_column(column)
        for mode in claims.get("modes", ()):
            block = claims.get(mode) or {}
            headline = " (headline)" if mode == HEADLINE_CLAIM_MODE else ""
            t.add_row(f"{mode}{headline}", f"{block['precision']:.3f}", f"{block['recall']:.3f}", with_ci(block))
            for kind in CLAIM_KINDS:
                sub = (block.get("by_kind") or {}).get(kind)
                if sub:
                    t.add_row(f"  {kind}", f"{sub['precision']:.3f}", f"{sub['recall']:.3f}", with_ci(sub))
        for slot, block in (claims.get("slots") or {}).items():
            t.add_row(f"slot {slot}", f"{block['precision']:.3f}", f"{block['recall']:.3f}", with_ci(block))
        console.print(t)
    console.print(f"failures: {metrics.get('failures', 0)}   ungrounded predictions: {metrics.get('ungrounded', 0)}")
