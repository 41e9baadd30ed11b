"""Plain-text reports for terminals and CI logs: ``harness compare``, ``gate``, ``runs list``/``show``.

The computing rooms (``harness.runs.compare``, ``harness.gating``,
``harness.runs.registry``) return data; the sentences are written here, so the
words a reader sees live in one room.
"""

from __future__ import annotations

from pathlib import Path

from harness.gating.file import Check
from harness.gating.verdicts import CheckResult, GateReport
from harness.runs.compare import Comparison
from harness.runs.document_diff import DocumentDiff
from harness.runs.record import read_record
from harness.runs.registry import RunRow, Score
from harness.scoring.metric_table import Metric, reference_table
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


# --- `harness runs list` and `harness runs show` ------------------------------------------


def _with_interval(score: Score | None) -> str:
    if score is None:
        return "n/a"
    value, low, high = score
    return f"{value:.3f} [{low:.3f}, {high:.3f}]" if low is not None and high is not None else f"{value:.3f}"


def listed_metrics() -> tuple[Metric, ...]:
    """The scores ``runs list`` shows: the headline F1s of the metric table (the scalar headlines have columns of their own)."""
    return tuple(metric for metric in reference_table() if metric.headline and metric.is_count)


def format_rows(rows: list[RunRow]) -> str:
    """A plain table of runs, newest first, for terminals and logs."""
    listed = listed_metrics()
    header = ("run id", "setup", "track", "extractor", "gold", *(m.title for m in listed), "in-sample", "fail", "ungr.", "commit")
    body = [
        (
            row.run_id,
            row.setup,
            row.track,
            f"{row.extractor} {row.extractor_version}",
            row.gold_sha256[:12],
            *(_with_interval(row.score(m.path())) for m in listed),
            f"{row.in_sample_share:.0%}" if row.in_sample else "no",
            str(row.failures),
            str(row.ungrounded),
            (row.git_commit or "")[:10] + ("+" if row.git_dirty else ""),
        )
        for row in rows
    ]
    widths = [max(len(r[i]) for r in (header, *body)) for i in range(len(header))]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(tuple("-" * w for w in widths)), *(line(r) for r in body)])


def format_run(row: RunRow) -> str:
    """What a run record says about itself, and its scores (``harness runs show``)."""
    record = read_record(Path(row.path))
    run = record.run
    extractor = run.get("extractor", {})
    corpus = run.get("corpus", {})
    git = run.get("git") or {}
    timings = run.get("timings") or {}
    settings = record.config.get("settings", {})
    lines = [
        f"run id        {row.run_id}",
        f"record        {row.path}",
        f"started at    {row.started_at}",
        f"setup         {row.setup} ({run.get('config_source', '')}; config hash {row.config_hash})",
        f"track         {row.track}: {record.in_sample.describe()}",
        f"extractor     {row.extractor} {row.extractor_version} (fingerprint {row.fingerprint_hash};"
        f" labels {', '.join(extractor.get('entity_labels', []))}; claims {'yes' if extractor.get('emits_claims') else 'no'};"
        f" convention {extractor.get('convention', 'project')})",
        f"corpus        {corpus.get('name', '')} ({corpus.get('source', '')}; {corpus.get('documents', '?')} documents; gold {row.gold_sha256})",
        f"git           {git.get('commit') or 'n/a'}{' (uncommitted changes)' if git.get('dirty') else ''}",
        f"settings      seed {settings.get('seed')}, {settings.get('resamples')} resamples, level {settings.get('level')},"
        f" min overlap {settings.get('min_overlap', 0.0)}",
        f"timings       {timings.get('wall_seconds')} s wall, {timings.get('documents_computed')} computed,"
        f" {timings.get('documents_cached')} from the cache, {timings.get('documents_per_second')} documents/s",
        f"failures      {row.failures}",
        f"ungrounded    {row.ungrounded}",
        f"metrics       schema {row.metrics_schema}",
        "",
        "metric".ljust(40) + "  value  interval",
    ]
    shown = [path for path in row.scores if path.count(".") <= 2 and ".per_label." not in path]
    for path in shown:
        lines.append(path.ljust(40) + "  " + _with_interval(row.scores[path]))
    if not any(path.startswith("claims.") for path in row.scores):
        lines.append("claims".ljust(40) + "  not scored")
    return "\n".join(lines)


# --- `harness gate` ---------------------------------------------------------------------


def _f(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def _figure(check: Check, value: float | None) -> str:
    """Rates with three decimals; counts (failures, ungrounded, ...) as whole numbers."""
    if value is None:
        return "n/a"
    is_rate = check.metric.rsplit(".", 1)[-1] in ("f1", "precision", "recall")
    return f"{value:.3f}" if is_rate or not float(value).is_integer() else f"{value:.0f}"


def format_check(result: CheckResult) -> str:
    """One line: verdict, setup, metric, policy and the figures behind the verdict."""
    check = result.check
    setup = check.setup if check.track is None else f"{check.setup} on {check.track}"
    head = f"{result.verdict.upper():5} {setup}  {check.metric}  {check.policy}"
    if result.verdict == "error":
        return f"{head}: {result.detail}"
    if check.policy == "floor":
        relation = ">=" if result.passed else "<"
        return f"{head}: value {_figure(check, result.value)} {relation} floor {_figure(check, check.threshold)}"
    if check.policy == "ceiling":
        relation = "<=" if result.passed else ">"
        return f"{head}: value {_figure(check, result.value)} {relation} ceiling {_figure(check, check.threshold)}"
    level = f"{result.level:.0%}" if result.level is not None else ""
    relation = ">=" if result.passed else "<"
    return (
        f"{head} {check.threshold:.3f}: current {_f(result.value)} - baseline {_f(result.baseline_value)}"
        f" = {_f(result.difference, True)}, {level} interval [{_f(result.low, True)}, {_f(result.high, True)}],"
        f" p {_f(result.p_value)}; upper bound {_f(result.high, True)} {relation} {-check.threshold:+.3f}"
    )


def format_report(report: GateReport) -> str:
    failed = [r for r in report.results if not r.passed]
    lines = [f"gate {report.source}: corpus {report.corpus}", *report.notes]
    if report.dirty:
        lines.append("note: the working tree has uncommitted changes: the code under test is this tree, not a commit")
    lines.append("")
    lines += [format_check(result) for result in report.results]
    lines.append("")
    total = len(report.results)
    lines.append(
        f"passed: all {total} checks" if not failed else f"FAILED: {len(failed)} of {total} checks ({', '.join(r.check.id for r in failed)})"
    )
    return "\n".join(lines)
