"""Score gates: the checks a CI job runs so that a change cannot quietly lower a score.

``harness gate FILE`` reads a gate file (:mod:`harness.gating.file`, where
its format is described), finds or makes the current run of each entry and
refuses runs that do not test the code under test
(:mod:`harness.gating.current`), and decides each check
(:mod:`harness.gating.verdicts`). This module runs those steps entry by entry
and re-exports their names for readers that import them from here; the text
of the report is :mod:`harness.report.text`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from harness.common.environment import git_state
from harness.config import ConfigError
from harness.corpus.load import Corpus, load_corpus
from harness.gating.current import (
    CurrentRun,
    GateRefused,
    check_code_under_test,
    current_from_record,
    resolve_current,
)
from harness.gating.file import (
    CHECK_KEYS,
    ENTRY_KEYS,
    FILE_KEYS,
    POLICIES,
    SOURCES,
    Check,
    GateEntry,
    GateFile,
    load_gate_file,
)
from harness.gating.verdicts import (
    CheckResult,
    GateReport,
    absolute_check,
    drop_checks,
    error_results,
    metric_value,
)
from harness.runs.registry import RegistryError
from harness.runs.sides import side_from_record

__all__ = [
    "CHECK_KEYS",
    "ENTRY_KEYS",
    "FILE_KEYS",
    "POLICIES",
    "SOURCES",
    "Check",
    "CheckResult",
    "CurrentRun",
    "GateEntry",
    "GateFile",
    "GateRefused",
    "GateReport",
    "check_code_under_test",
    "current_from_record",
    "evaluate_entry",
    "evaluate_gates",
    "load_gate_file",
    "metric_value",
    "run_gates",
]


def evaluate_entry(gates: GateFile, entry: GateEntry, corpus: Corpus, results_dir: Path) -> tuple[list[CheckResult], str]:
    """The verdicts of one gate entry, and a line saying which runs were gated."""
    baseline = side_from_record(entry.baseline) if entry.baseline is not None else None
    try:
        current = resolve_current(gates, entry, corpus, results_dir, baseline)
    except (LookupError, RegistryError) as err:
        return error_results(entry, str(err).strip("'\"")), f"{entry.setup}: no current run"
    if current.side.gold_sha256 and current.side.gold_sha256 != corpus.gold_sha256:
        reason = (
            f"current run {current.side.name} was scored against gold {current.side.gold_sha256[:12]}, "
            f"not the gate's corpus (gold {corpus.gold_sha256[:12]})"
        )
        return error_results(entry, reason, current.side.name), f"{entry.setup}: {current.description}"
    results: dict[str, CheckResult] = {}
    for check in entry.checks:
        if check.policy != "max_drop":
            results[check.id] = absolute_check(check, current)
    drops = [c for c in entry.checks if c.policy == "max_drop"]
    if baseline is not None:
        for result in drop_checks(gates, drops, current, baseline, corpus):
            results[result.check.id] = result
    note = f"{entry.setup}{(' on ' + entry.track) if entry.track else ''}: current {current.description}"
    if baseline is not None:
        note += f"; baseline {baseline.name} ({entry.baseline})"
    return [results[c.id] for c in entry.checks], note


def evaluate_gates(gates: GateFile, results_dir: Path, corpus: Corpus | None = None) -> GateReport:
    """Evaluate every check of a gate file; ``results_dir`` holds runs/, cache/ and runs.sqlite.

    ``corpus`` replaces the gate file's own corpus (entries that name their own keep theirs).
    """
    corpora: dict[Path, Corpus] = {}

    def corpus_of_entry(entry: GateEntry) -> Corpus:
        if entry.corpus is None and corpus is not None:
            return corpus
        path = entry.corpus or gates.corpus
        if path not in corpora:
            try:
                corpora[path] = load_corpus(path)
            except (FileNotFoundError, ValueError) as err:
                raise ConfigError(gates.path, f"{entry.key}.corpus" if entry.corpus else "corpus", str(err)) from None
        return corpora[path]

    results: list[CheckResult] = []
    notes: list[str] = []
    used: list[Corpus] = []
    for entry in gates.entries:
        entry_corpus = corpus_of_entry(entry)
        if entry_corpus not in used:
            used.append(entry_corpus)
        entry_results, note = evaluate_entry(gates, entry, entry_corpus, Path(results_dir))
        results += entry_results
        notes.append(note)
    described = "; ".join(f"{c.name} ({c.source}, gold {c.gold_sha256[:12]})" for c in used)
    return GateReport(str(gates.path), described, tuple(results), tuple(notes))


def run_gates(path: Path, results_dir: Path) -> GateReport:
    """Load and evaluate a gate file (ConfigError when the file is broken), noting a dirty working tree."""
    gates = load_gate_file(path)
    report = evaluate_gates(gates, results_dir)
    return replace(report, dirty=git_state(gates.root).get("dirty"))  # type: ignore[arg-type]
