"""What ``harness run`` and ``harness score`` print: progress bars and summary tables."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

#: Logs and CI have no terminal width; 160 columns keep the tables on one line each.
console = Console(width=None if sys.stdout.isatty() else 160)


@contextmanager
def progress_bars() -> Iterator[Callable[[str, int], Callable[[int], None]]]:
    """A factory of per-extractor progress bars: ``bar = factory(name, total); bar(n_done)``."""
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as progress:

        def factory(name: str, total: int) -> Callable[[int], None]:
            task = progress.add_task(name, total=total)
            return lambda advance: progress.advance(task, advance)

        yield factory


def _with_ci(block: dict[str, Any] | None, key: str = "f1") -> str:
    if not block:
        return "n/a"
    ci = block.get(f"{key}_ci")
    value = block.get(key)
    if value is None:
        return "n/a"
    return f"{value:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else f"{value:.3f}"


def print_summary(outcomes: Sequence[Any]) -> None:
    """One row per setup: entity strict F1, claim F1 (with intervals), failures, time."""
    table = Table(title="Run summary (F1 with 95% bootstrap interval over documents)")
    for column in ("setup", "entities strict F1", "claims F1", "failures", "ungrounded", "time s", "run id"):
        table.add_column(column)
    for o in outcomes:
        m = o.metrics
        table.add_row(
            o.setup,
            _with_ci(m["entities"]["strict"]),
            _with_ci(m.get("claims")),
            str(m["failures"]),
            str(m["ungrounded"]),
            f"{o.seconds:.2f}",
            o.run_id,
        )
    console.print(table)


def print_metrics_table(setup: str, metrics: dict[str, Any]) -> None:
    """Entity modes and per-label strict F1 of one run, then the claim scores."""
    table = Table(title=f"{setup}: entities ({', '.join(metrics['entities']['labels'])})")
    for column in ("scope", "strict", "exact", "partial", "type"):
        table.add_column(column)
    ents = metrics["entities"]
    table.add_row("micro", *(_with_ci(ents[mode]) for mode in ("strict", "exact", "partial", "type")))
    for label, modes in ents["per_label"].items():
        table.add_row(label, *(_with_ci(modes.get(mode)) for mode in ("strict", "exact", "partial", "type")))
    console.print(table)
    claims = metrics.get("claims")
    if claims:
        t = Table(title=f"{setup}: claims")
        for column in ("scope", "precision", "recall", "F1"):
            t.add_column(column)
        t.add_row("all", f"{claims['precision']:.3f}", f"{claims['recall']:.3f}", _with_ci(claims))
        for kind, block in claims.get("by_kind", {}).items():
            t.add_row(kind, f"{block['precision']:.3f}", f"{block['recall']:.3f}", _with_ci(block))
        for slot, block in claims.get("slots", {}).items():
            t.add_row(f"slot {slot}", f"{block['precision']:.3f}", f"{block['recall']:.3f}", _with_ci(block))
        console.print(t)
    console.print(f"failures: {metrics['failures']}   ungrounded predictions: {metrics['ungrounded']}")
