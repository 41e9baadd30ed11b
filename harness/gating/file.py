"""Reading a gate file: which setups are gated, where their current run comes from, and their checks.

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
    _read_yaml,
    _take,
    _unknown_keys,
    check_inside,
    shown,
)
from harness.runs.record import read_record
from harness.scoring.metric_paths import is_rate, metric_path_problem
from harness.scoring.metric_table import renamed

POLICIES: tuple[str, ...] = ("floor", "ceiling", "max_drop")
SOURCES: tuple[str, ...] = ("run", "current", "predictions")
FILE_KEYS = {"root", "corpus", "track", "seed", "bootstrap", "gates", "description", OUTSIDE_KEY}
ENTRY_KEYS = {"setup", *SOURCES, "baseline", "checks", "description", "corpus", "track"}
CHECK_KEYS = {"metric", *POLICIES}



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


def resolve(root: Path, value: str) -> Path:
    """A path of the gate file: absolute as written, else under the root."""
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
        check_inside(path, prefix + source, resolve(root, target), outside)
        if not resolve(root, target).exists():
            raise ConfigError(path, prefix + source, f"no such file or directory: {resolve(root, target)}")
    elif target != "latest" and resolve(root, target).is_dir():
        check_inside(path, prefix + source, resolve(root, target), outside)
    baseline = None
    if "baseline" in data:
        baseline = check_inside(path, prefix + "baseline", resolve(root, _take(data, path, "baseline", str, prefix=prefix)), outside)
        try:
            read_record(baseline)
        except (FileNotFoundError, ValueError) as err:
            raise ConfigError(path, prefix + "baseline", f"not a readable run record: {err}") from None
    entries = _take(data, path, "checks", list, prefix=prefix)
    if not entries:
        raise ConfigError(path, prefix + "checks", "lists no check")
    corpus = None
    if "corpus" in data:
        corpus = check_inside(path, prefix + "corpus", resolve(root, _take(data, path, "corpus", str, prefix=prefix)), outside)
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
    corpus = check_inside(path, "corpus", resolve(root, _take(data, path, "corpus", str, ".")), outside)
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
