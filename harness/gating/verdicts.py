"""Deciding a gate's checks: a floor or ceiling on one run's value, a maximum drop against a baseline.

A floor or ceiling reads the number at the check's ``metrics.json`` path; a
``max_drop`` reads the paired bootstrap interval of current - baseline
(:mod:`harness.runs.paired`, through :func:`harness.runs.compare.compare_sides`)
and fails only when the whole interval lies below the allowed drop. A check
that cannot be decided (the number is absent, the runs do not pair) is an
``error`` verdict with the reason, which counts as a failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from harness.config import ConfigError
from harness.corpus.load import Corpus
from harness.gating.current import CurrentRun
from harness.gating.file import Check, GateEntry, GateFile
from harness.runs.compare import compare_sides
from harness.runs.paired import UnknownMetric
from harness.runs.sides import ComparisonRefused, RunSide
from harness.scoring.metric_table import value_at


@dataclass(frozen=True)
class CheckResult:
    """The verdict of one check, with the figures it was decided on."""

    check: Check
    #: "pass", "fail", or "error" (could not be evaluated; counts as a failure).
    verdict: str
    #: The current run's value of the metric.
    value: float | None = None
    #: The baseline's value (max_drop only).
    baseline_value: float | None = None
    #: current - baseline, and its paired interval (max_drop only).
    difference: float | None = None
    low: float | None = None
    high: float | None = None
    p_value: float | None = None
    level: float | None = None
    current_run: str = ""
    baseline_run: str | None = None
    #: Why, in words (always set for "error").
    detail: str = ""

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"


@dataclass(frozen=True)
class GateReport:
    source: str
    corpus: str
    results: tuple[CheckResult, ...]
    #: One line per gate entry: which runs were gated.
    notes: tuple[str, ...] = ()
    #: True when the checkout had uncommitted changes (the code under test is then not a commit).
    dirty: bool | None = None

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    def result(self, check_id: str) -> CheckResult:
        for result in self.results:
            if result.check.id == check_id:
                return result
        raise KeyError(f"no check {check_id!r} in {self.source}")


def metric_value(metrics: dict[str, Any], dotted: str) -> float | None:
    """The number at a dotted path of ``metrics.json``, or None when it is absent or not a number."""
    value = value_at(metrics, dotted)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def error_results(entry: GateEntry, reason: str, current_run: str = "") -> list[CheckResult]:
    """Every check of an entry that could not be evaluated, with the same reason."""
    return [CheckResult(check, "error", current_run=current_run, detail=reason) for check in entry.checks]


def absolute_check(check: Check, current: CurrentRun) -> CheckResult:
    """A floor or ceiling decided on the current run's value (an error when the run has no such number)."""
    value = metric_value(current.metrics, check.metric)
    if value is None:
        return CheckResult(
            check,
            "error",
            current_run=current.side.name,
            detail=f"{check.metric} is not a number in the metrics of {current.side.name} (see docs/metrics.md)",
        )
    ok = value >= check.threshold if check.policy == "floor" else value <= check.threshold
    return CheckResult(check, "pass" if ok else "fail", value=value, current_run=current.side.name)


def drop_checks(
    gates: GateFile, checks: list[Check], current: CurrentRun, baseline: RunSide, corpus: Corpus
) -> list[CheckResult]:
    """The max_drop checks of one entry, decided together on one paired comparison of baseline and current."""
    if not checks:
        return []
    try:
        comparison = compare_sides(
            baseline,
            current.side,
            corpus,
            metrics=sorted({c.metric for c in checks}),
            seed=gates.seed,
            resamples=gates.resamples,
            level=gates.level,
            with_diff=False,
        )
    except UnknownMetric as err:
        first = checks[0]
        raise ConfigError(gates.path, first.key.rsplit(".", 1)[0] + ".metric", str(err)) from None
    except ComparisonRefused as err:
        return [CheckResult(c, "error", current_run=current.side.name, baseline_run=baseline.name, detail=str(err)) for c in checks]
    results = []
    for check in checks:
        test = comparison.metric(check.metric).bootstrap
        ok = not test.high < -check.threshold
        results.append(
            CheckResult(
                check,
                "pass" if ok else "fail",
                value=test.metric_b,
                baseline_value=test.metric_a,
                difference=test.difference,
                low=test.low,
                high=test.high,
                p_value=test.p_value,
                level=test.level,
                current_run=current.side.name,
                baseline_run=baseline.name,
            )
        )
    return results
