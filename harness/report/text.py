"""Plain-text reports for terminals and CI logs: ``harness compare``.

The computing rooms (``harness.runs.compare``) return data; the sentences are
written here, so the words a reader sees live in one room.
"""

from __future__ import annotations

from harness.runs.compare import Comparison, DocumentDiff
from harness.stats import DEFAULT_ALPHA, significance_verdict

#: Lines of diff shown per document before "... N more".
DEFAULT_MAX_LINES = 12


def _signed(value: float) -> str:
    return f"{value:+.3f}"


def _p(value: float) -> str:
    return f"{value:.4f}" if value < 0.01 else f"{value:.3f}"


def format_table(comparison: Comparison, alpha: float = DEFAULT_ALPHA) -> list[str]:
    """The metrics table: metric, A, B, B - A, interval, p-value, smallest reachable p, verdict."""
    level = f"{comparison.level:.0%}"
    header = ("metric", "A", "B", "B-A", f"{level} interval", "p", "min p", "verdict")
    rows = []
    for item in comparison.metrics:
        test = item.permutation
        verdict = significance_verdict(test, alpha, 1)
        word = "significant" if verdict.significant else ("cannot be" if verdict.smallest_p_adjusted >= alpha else "not significant")
        rows.append(
            (
                item.metric,
                f"{item.a:.3f}",
                f"{item.b:.3f}",
                _signed(item.difference),
                f"[{_signed(item.bootstrap.low)}, {_signed(item.bootstrap.high)}]",
                _p(test.p_value),
                _p(test.smallest_p_value),
                word,
            )
        )
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    line = lambda cells: "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()  # noqa: E731
    return [line(header), line(tuple("-" * w for w in widths)), *(line(row) for row in rows)]


def _counts_line(diff: DocumentDiff) -> str:
    parts = []
    if diff.entities_a is not None and diff.entities_b is not None:
        parts.append(f"entities strict correct {diff.entities_a.correct} -> {diff.entities_b.correct} of {diff.entities_a.possible}")
    if diff.claims_a is not None and diff.claims_b is not None:
        parts.append(f"claims correct {diff.claims_a.correct} -> {diff.claims_b.correct} of {diff.claims_a.possible}")
    return "; ".join(parts) or "no comparable counts"


def format_document_diff(diff: DocumentDiff, max_lines: int = DEFAULT_MAX_LINES) -> list[str]:
    """Lines for one document: counts, then claims, slot changes and entities, capped at ``max_lines``."""
    body = [f"  claim {c.gold_id} right in A only: {c.excerpt}" if c.found_by == "A" else f"  claim {c.gold_id} right in B only: {c.excerpt}" for c in diff.claims_found]
    body += [f"  claim {s.gold_id} {s.slot}: {s.a or '(none)'} -> {s.b or '(none)'}" for s in diff.slot_changes]
    body += [
        f"  entity {'+' if e.change == 'gained' else '-'} {e.label} {e.text} [{e.start}:{e.end}] ({e.change} by B)"
        for e in diff.entity_changes
    ]
    if len(body) > max_lines:
        body = body[:max_lines] + [f"  ... {len(body) - max_lines} more"]
    return [f"{diff.doc_id}: {_counts_line(diff)}", *body]


def format_comparison(comparison: Comparison, max_lines: int = DEFAULT_MAX_LINES) -> str:
    """The whole report of ``harness compare`` as text."""
    labels = ", ".join(comparison.entity_labels) or "(none shared)"
    tests = comparison.metrics[0].permutation if comparison.metrics else None
    lines = [
        f"A: {comparison.run_a} ({comparison.in_sample_a.describe()})",
        f"B: {comparison.run_b} ({comparison.in_sample_b.describe()})",
        f"corpus: {comparison.corpus} (gold {comparison.gold_sha256[:12]}); entity labels in common: {labels}; "
        f"claims compared: {'yes' if comparison.claims_compared else 'no'}",
    ]
    if tests is not None:
        lines += [
            f"test: {tests.method}; interval: {tests.interval_method}, {comparison.resamples} resamples, seed {comparison.seed}",
            f"unit: {tests.units} {tests.unit}(s) in {comparison.document_count} documents; assumption: {tests.assumption}",
            f"the smallest p-value this test can reach here is {_p(tests.smallest_p_value)}: "
            + ("no difference can be called significant at 0.05" if tests.smallest_p_value >= DEFAULT_ALPHA else "differences can reach 0.05"),
        ]
    if comparison.in_sample_a.marked or comparison.in_sample_b.marked:
        lines.append("in-sample: a run marked in-sample was built on (some of) these texts; its score is evidence of fit, not of quality")
    for note in comparison.notes:
        lines.append(f"note: {note}")
    for name in comparison.rescored:
        lines.append(f"note: run {name} keeps no per-document results (metrics schema 1); it was scored from its predictions")
    lines += ["", *format_table(comparison), "", "per document (A -> B):"]
    changed = [d for d in comparison.documents if d.changed]
    for diff in changed:
        lines += format_document_diff(diff, max_lines)
    if not changed:
        lines.append("  no differences")
    return "\n".join(lines)
