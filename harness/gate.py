"""Score gates: the checks a CI job runs so that a change cannot quietly lower a score.

A gate file (YAML, e.g. ``configs/gates.yaml``) lists, per extractor setup,
where the *current* run comes from and which checks it must pass::

    root: ..                  # relative paths below start here (itself relative to this file); default: this file's directory
    corpus: .                 # the gold the checks are scored on (default: root)
    seed: 13                  # of the paired tests (default 13)
    bootstrap: {resamples: 1000, level: 0.95}
    gates:
      - setup: rules
        run: configs/rules.yaml             # run it now (served from the cache when cached), or
        # current: latest                   # the newest registered run of the setup on this gold, or a run id / record dir, or
        # predictions: path/predictions.jsonl   # stored predictions (a file or a record dir): nothing runs
        baseline: results/baselines/rules-seeds# a committed run record directory (needed by max_drop)
        checks:
          - metric: entities.strict.f1      # dotted path into metrics.json
            floor: 0.90                     # fail when the value is below
            max_drop: 0.02                  # fail when the paired interval of current - baseline lies wholly below -0.02
          - metric: failures
            ceiling: 0                      # fail when the value is above

Why ``max_drop`` reads the interval and not the point difference: with a few
documents a run can lose a point by chance; the gate fails only when the
paired bootstrap (documents resampled, both runs scored on each resample) is
confident the drop is larger than the allowed one. Floors catch the slow
slide that many small tolerated drops would add up to.

Checks that cannot be evaluated (the baseline was scored on other gold, no
registered run of the setup) fail, with the reason. A gate file that cannot
be read fails with :class:`~harness.config.ConfigError` naming file and key,
and so does a check that could never be decided: a metric that is not a
``metrics.json`` path (:mod:`harness.scoring.metric_paths`), or a threshold on
a rate outside [0, 1]. Paths stay inside the project unless the file says
``allow_outside_project: true`` (:func:`harness.config.check_inside`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.config import (
    DEFAULT_LEVEL,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    DEFAULT_TRACK,
    OUTSIDE_KEY,
    ConfigError,
    Track,
    _read_yaml,
    _take,
    _unknown_keys,
    check_inside,
    load_run_config,
    shown,
)
from harness.corpus.load import Corpus, CorpusSpec, load_corpus
from harness.extractors.identity import code_identity_of_module
from harness.extractors.registry import UnknownExtractorError, get_factory
from harness.runs.compare import (
    ComparisonRefused,
    RunSide,
    UnknownMetric,
    compare_sides,
    side_from_record,
)
from harness.runs.environment import git_state
from harness.runs.record import RunRecord, read_record
from harness.runs.registry import RegistryError, RunRegistry
from harness.scoring.metric_paths import is_rate, metric_path_problem
from harness.scoring.metric_table import renamed, value_at

POLICIES: tuple[str, ...] = ("floor", "ceiling", "max_drop")
SOURCES: tuple[str, ...] = ("run", "current", "predictions")
FILE_KEYS = {"root", "corpus", "track", "seed", "bootstrap", "gates", "description", OUTSIDE_KEY}
ENTRY_KEYS = {"setup", *SOURCES, "baseline", "checks", "description", "corpus", "track"}
CHECK_KEYS = {"metric", *POLICIES}


# --- the gate file ---------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One policy on one metric of one setup: a floor, a ceiling or a maximum drop."""

    setup: str
    metric: str
    policy: str
    threshold: float
    #: Where in the gate file it was written, e.g. ``gates[0].checks[1].floor``.
    key: str
    #: The track of its entry, when the entry names one (two entries may gate one setup on two tracks).
    track: str | None = None

    @property
    def id(self) -> str:
        setup = self.setup if self.track is None else f"{self.setup}@{self.track}"
        return f"{setup}:{self.metric}:{self.policy}"


@dataclass(frozen=True)
class GateEntry:
    """One setup's gates: where its current run comes from, its baseline, its checks."""

    setup: str
    #: "run", "current" or "predictions".
    source: str
    #: A path (run / predictions) or "latest" / a run id / a path (current).
    target: str
    baseline: Path | None
    checks: tuple[Check, ...]
    key: str
    #: The entry's own corpus and track name (default: the gate file's).
    corpus: Path | None = None
    track: str | None = None


@dataclass(frozen=True)
class GateFile:
    path: Path
    root: Path
    corpus: Path
    seed: int
    resamples: int
    level: float
    entries: tuple[GateEntry, ...]
    #: The track name the runs the gate makes are recorded under.
    track: str = DEFAULT_TRACK

    @property
    def checks(self) -> tuple[Check, ...]:
        return tuple(check for entry in self.entries for check in entry.checks)


def _resolve(root: Path, value: str) -> Path:
    path = Path(value)
    return path if path.is_absolute() else (root / path)


def _number(data: dict, path: Path, key: str, prefix: str) -> float:
    return float(_take(data, path, key, (int, float), prefix=prefix))


def _load_check(data: Any, path: Path, setup: str, prefix: str, has_baseline: bool) -> list[Check]:
    if not isinstance(data, dict):
        raise ConfigError(path, prefix.rstrip("."), f"expected a mapping with metric and a policy, got {shown(data)}")
    _unknown_keys(data, path, CHECK_KEYS, prefix)
    metric = _take(data, path, "metric", str, prefix=prefix)
    if not metric.strip() or any(not part for part in metric.split(".")):
        raise ConfigError(path, prefix + "metric", f"expected a dotted path into metrics.json, got {metric!r}")
    moved = renamed(metric)
    if moved is not None:
        raise ConfigError(path, prefix + "metric", f"{metric} is a metrics.json schema 1 path; {moved.why}: write {moved.new} (same meaning) or {moved.headline} (the new headline)")
    problem = metric_path_problem(metric)
    if problem is not None:
        raise ConfigError(path, prefix + "metric", problem)
    policies = [p for p in POLICIES if p in data]
    if not policies:
        raise ConfigError(path, prefix.rstrip("."), f"names no policy (one or more of: {', '.join(POLICIES)})")
    checks = []
    for policy in policies:
        threshold = _number(data, path, policy, prefix)
        if threshold != threshold or threshold in (float("inf"), float("-inf")):
            raise ConfigError(path, prefix + policy, f"must be a finite number, got {threshold}")
        if is_rate(metric) and not 0 <= threshold <= 1:
            raise ConfigError(path, prefix + policy, f"{metric} is a fraction between 0 and 1; a {policy} of {threshold} lies outside that range")
        if policy == "max_drop":
            if threshold < 0:
                raise ConfigError(path, prefix + policy, f"must be 0 or more, got {threshold}")
            if not has_baseline:
                raise ConfigError(path, prefix + policy, "needs a baseline: run record of the same gate entry")
        checks.append(Check(setup, metric, policy, threshold, prefix + policy))
    return checks


def _load_entry(data: Any, path: Path, root: Path, prefix: str, outside: bool = False) -> GateEntry:
    if not isinstance(data, dict):
        raise ConfigError(path, prefix.rstrip("."), f"expected a mapping (setup, run/current/predictions, checks), got {shown(data)}")
    _unknown_keys(data, path, ENTRY_KEYS, prefix)
    setup = _take(data, path, "setup", str, prefix=prefix)
    sources = [s for s in SOURCES if s in data]
    if len(sources) != 1:
        raise ConfigError(
            path, prefix.rstrip("."), f"needs exactly one of {', '.join(SOURCES)} (where the current run comes from), got {sources or 'none'}"
        )
    source = sources[0]
    target = _take(data, path, source, str, prefix=prefix)
    if source in ("run", "predictions"):
        check_inside(path, prefix + source, _resolve(root, target), outside)
        if not _resolve(root, target).exists():
            raise ConfigError(path, prefix + source, f"no such file or directory: {_resolve(root, target)}")
    elif target != "latest" and _resolve(root, target).is_dir():
        check_inside(path, prefix + source, _resolve(root, target), outside)
    baseline = None
    if "baseline" in data:
        baseline = check_inside(path, prefix + "baseline", _resolve(root, _take(data, path, "baseline", str, prefix=prefix)), outside)
        try:
            read_record(baseline)
        except (FileNotFoundError, ValueError) as err:
            raise ConfigError(path, prefix + "baseline", f"not a readable run record: {err}") from None
    entries = _take(data, path, "checks", list, prefix=prefix)
    if not entries:
        raise ConfigError(path, prefix + "checks", "lists no check")
    corpus = None
    if "corpus" in data:
        corpus = check_inside(path, prefix + "corpus", _resolve(root, _take(data, path, "corpus", str, prefix=prefix)), outside)
        if not corpus.exists():
            raise ConfigError(path, prefix + "corpus", f"no such corpus: {corpus}")
    track = _take(data, path, "track", str, None, prefix=prefix)
    checks = [
        replace(c, track=track)
        for i, item in enumerate(entries)
        for c in _load_check(item, path, setup, f"{prefix}checks[{i}].", baseline is not None)
    ]
    ids = [c.id for c in checks]
    for check in checks:
        if ids.count(check.id) > 1:
            raise ConfigError(path, check.key, f"the {check.policy} of {check.metric} is given twice for setup {setup!r}")
    return GateEntry(setup, source, target, baseline, tuple(checks), prefix.rstrip("."), corpus, track)


def load_gate_file(path: Path) -> GateFile:
    """A gate file, validated: every error names the file and the key."""
    path = Path(path)
    data = _read_yaml(path)
    _unknown_keys(data, path, FILE_KEYS)
    outside = bool(_take(data, path, OUTSIDE_KEY, bool, False))
    root = (path.parent / _take(data, path, "root", str, ".")).resolve()
    if not root.is_dir():
        raise ConfigError(path, "root", f"no such directory: {root}")
    corpus = check_inside(path, "corpus", _resolve(root, _take(data, path, "corpus", str, ".")), outside)
    if not corpus.exists():
        raise ConfigError(path, "corpus", f"no such corpus: {corpus}")
    bootstrap = _take(data, path, "bootstrap", dict, {}) or {}
    _unknown_keys(bootstrap, path, {"resamples", "level"}, prefix="bootstrap.")
    resamples = _take(bootstrap, path, "resamples", int, DEFAULT_RESAMPLES, prefix="bootstrap.")
    level = float(_take(bootstrap, path, "level", (int, float), DEFAULT_LEVEL, prefix="bootstrap."))
    if resamples < 1:
        raise ConfigError(path, "bootstrap.resamples", f"must be at least 1, got {resamples}")
    if not 0 < level < 1:
        raise ConfigError(path, "bootstrap.level", f"must be between 0 and 1, got {level}")
    gates = _take(data, path, "gates", list)
    if not gates:
        raise ConfigError(path, "gates", "lists no gate")
    entries = tuple(_load_entry(item, path, root, f"gates[{i}].", outside) for i, item in enumerate(gates))
    track = _take(data, path, "track", str, DEFAULT_TRACK)
    return GateFile(path, root, corpus, _take(data, path, "seed", int, DEFAULT_SEED), resamples, level, entries, track)


# --- verdicts --------------------------------------------------------------------


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


@dataclass(frozen=True)
class _Current:
    """The run a gate entry checks: one side of a comparison and its metrics."""

    side: RunSide
    metrics: dict[str, Any]
    description: str


class GateRefused(RuntimeError):
    """A gate that must not pass: its predictions were made by code other than the code under test."""


def check_code_under_test(record: RunRecord, where: str) -> None:
    """Refuse stored predictions whose extractor code differs from the code in this checkout.

    The record's ``extractor.code_sha256`` (:mod:`harness.extractors.identity`) is
    compared with the identity of the same registered extractor now; a record
    without one (written before it was recorded) cannot show it matches.
    """
    extractor = record.extractor
    recorded = extractor.get("code_sha256")
    name = extractor.get("name")
    if not recorded:
        raise GateRefused(
            f"{where}: run {record.run_id} does not record its extractor's code identity (written before it was);"
            " its predictions cannot be shown to come from the code under test: run the setup again"
        )
    try:
        factory = get_factory(str(name))
    except UnknownExtractorError as err:
        raise GateRefused(f"{where}: run {record.run_id} was made by extractor {name!r}, which is not here: {err}") from None
    current = code_identity_of_module(factory.__module__).sha256
    if current != recorded:
        raise GateRefused(
            f"{where}: run {record.run_id} was made by other code of extractor {name!r} (code {recorded[:12]}, this checkout"
            f" {current[:12]}): its predictions do not test this code; run the setup again"
        )


def _current_from_record(record_dir: Path, description: str, check_code: bool = False) -> _Current:
    record = read_record(record_dir, with_results=True)
    if check_code:
        check_code_under_test(record, description)
    return _Current(side_from_record(record), record.metrics, description)


def _resolve_current(
    gates: GateFile, entry: GateEntry, corpus: Corpus, results_dir: Path, baseline: RunSide | None
) -> _Current:
    """Find, run or score the current run of one gate entry (ConfigError / LookupError when impossible)."""
    where = f"{entry.key}.{entry.source}"
    if entry.source == "run":
        from harness.runs.run import run_setup

        config_path = _resolve(gates.root, entry.target)
        config = load_run_config(config_path)
        chosen = [s for s in config.setups if s.setup == entry.setup]
        if not chosen:
            names = ", ".join(s.setup for s in config.setups)
            raise ConfigError(gates.path, where, f"{config_path} has no setup named {entry.setup!r} (it has: {names})")
        track = Track(entry.track or gates.track, CorpusSpec(entry.corpus or gates.corpus))
        outcome = run_setup(chosen[0], config.settings, track, corpus, results_dir, gates.root)
        served = "all from the cache" if outcome.computed == 0 else f"{outcome.computed} computed, {outcome.cached} from the cache"
        return _current_from_record(outcome.record_dir, f"ran {entry.target} ({served}): {outcome.run_id}")
    if entry.source == "current":
        registry = RunRegistry(results_dir / "runs.sqlite", results_dir / "runs")
        if entry.target == "latest":
            rows = [r for r in registry.list(setup=entry.setup) if r.gold_sha256 == corpus.gold_sha256]
            if not rows:
                raise LookupError(
                    f"no registered run of setup {entry.setup!r} on gold {corpus.gold_sha256[:12]} in {registry.db_path}"
                    " (run the setup first, or `harness runs reindex`)"
                )
            row = rows[0]
        else:
            # A run id or prefix, or a record directory (relative to the root).
            as_path = _resolve(gates.root, entry.target)
            row = registry.get(str(as_path) if as_path.is_dir() else entry.target)
        if row.setup != entry.setup:
            raise ConfigError(gates.path, where, f"run {row.run_id} is of setup {row.setup!r}, not {entry.setup!r}")
        return _current_from_record(Path(row.path), f"registered run {row.run_id}", check_code=True)
    path = _resolve(gates.root, entry.target)
    if path.is_dir():
        return _current_from_record(path, f"stored record {entry.target}", check_code=True)
    raise GateRefused(
        f"{where}: {entry.target} is a bare predictions file; it carries no code identity, so it cannot show that"
        " the code under test made it (give a run record directory instead)"
    )


def _error_results(entry: GateEntry, reason: str, current_run: str = "") -> list[CheckResult]:
    return [CheckResult(check, "error", current_run=current_run, detail=reason) for check in entry.checks]


def _absolute_check(check: Check, current: _Current) -> CheckResult:
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


def _drop_checks(
    gates: GateFile, checks: list[Check], current: _Current, baseline: RunSide, corpus: Corpus
) -> list[CheckResult]:
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


def evaluate_entry(gates: GateFile, entry: GateEntry, corpus: Corpus, results_dir: Path) -> tuple[list[CheckResult], str]:
    """The verdicts of one gate entry, and a line saying which runs were gated."""
    baseline = side_from_record(entry.baseline) if entry.baseline is not None else None
    try:
        current = _resolve_current(gates, entry, corpus, results_dir, baseline)
    except (LookupError, RegistryError) as err:
        return _error_results(entry, str(err).strip("'\"")), f"{entry.setup}: no current run"
    if current.side.gold_sha256 and current.side.gold_sha256 != corpus.gold_sha256:
        reason = (
            f"current run {current.side.name} was scored against gold {current.side.gold_sha256[:12]}, "
            f"not the gate's corpus (gold {corpus.gold_sha256[:12]})"
        )
        return _error_results(entry, reason, current.side.name), f"{entry.setup}: {current.description}"
    results: dict[str, CheckResult] = {}
    for check in entry.checks:
        if check.policy != "max_drop":
            results[check.id] = _absolute_check(check, current)
    drops = [c for c in entry.checks if c.policy == "max_drop"]
    if baseline is not None:
        for result in _drop_checks(gates, drops, current, baseline, corpus):
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
