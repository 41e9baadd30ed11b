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
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from harness.scoring.claims import CLAIM_KINDS, HEADLINE_CLAIM_MODE
from harness.scoring.entities import MODES
from harness.scoring.metric_table import value_at

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


def print_summary(outcomes: Sequence[Any]) -> None:
    """One row per (setup, track): headline entity and claim F1 with intervals, in-sample marks, failures, time."""
    if not outcomes:
        return
    level = _level(outcomes[0].metrics)
    table = Table(title=f"Run summary (F1 with {level} bootstrap interval over documents; † in-sample: the extractor was built on this text)")
    for column in ("setup", "track", "entities strict F1", "own convention", f"claims {HEADLINE_CLAIM_MODE} F1", "claims evidence F1", "failures", "time s", "run id"):
        table.add_column(column, overflow="fold")
    for o in sorted(outcomes, key=lambda o: (o.track, o.setup)):
        m = o.metrics
        mark = " †" if o.in_sample.marked else ""
        own = value_at(m, f"conventions.{o.convention}.strict")
        table.add_row(
            escape(o.setup),
            escape(o.track),
            with_ci(value_at(m, "entities.strict")) + mark,
            f"{with_ci(own)}{mark} ({escape(o.convention)})" if own else "",
            with_ci(value_at(m, f"claims.{HEADLINE_CLAIM_MODE}")) + mark,
            with_ci(value_at(m, "claims.evidence")) + mark,
            str(m.get("failures", 0)),
            f"{o.seconds:.2f}",
            escape(o.run_id),
        )
    console.print(table)


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
