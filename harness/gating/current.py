"""The run a gate entry checks, and the refusal of runs that do not test the code under test.

A gate entry names where its current run comes from: run the setup now,
the newest registered run, a run id or record directory. A gate must not pass
on predictions another version of the extractor made, so a stored run is
refused (:class:`GateRefused`) unless its recorded extractor code identity is
the one of this checkout; a bare predictions file carries none and is refused
outright. Resolving a run that is not there is a LookupError, which the gate
turns into failed checks with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.config import ConfigError, Track, load_run_config
from harness.corpus.load import Corpus, CorpusSpec
from harness.extractors.identity import code_identity_of_module
from harness.extractors.registry import UnknownExtractorError, get_factory
from harness.gating.file import GateEntry, GateFile, resolve
from harness.runs.record import RunRecord, read_record
from harness.runs.registry import RunRegistry
from harness.runs.sides import RunSide, side_from_record


@dataclass(frozen=True)
class CurrentRun:
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


def current_from_record(record_dir: Path, description: str, check_code: bool = False) -> CurrentRun:
    record = read_record(record_dir, with_results=True)
    if check_code:
        check_code_under_test(record, description)
    return CurrentRun(side_from_record(record), record.metrics, description)


def resolve_current(
    gates: GateFile, entry: GateEntry, corpus: Corpus, results_dir: Path, baseline: RunSide | None
) -> CurrentRun:
    """Find, run or score the current run of one gate entry (ConfigError / LookupError when impossible)."""
    where = f"{entry.key}.{entry.source}"
    if entry.source == "run":
        from harness.runs.run import run_setup

        config_path = resolve(gates.root, entry.target)
        config = load_run_config(config_path)
        chosen = [s for s in config.setups if s.setup == entry.setup]
        if not chosen:
            names = ", ".join(s.setup for s in config.setups)
            raise ConfigError(gates.path, where, f"{config_path} has no setup named {entry.setup!r} (it has: {names})")
        track = Track(entry.track or gates.track, CorpusSpec(entry.corpus or gates.corpus))
        outcome = run_setup(chosen[0], config.settings, track, corpus, results_dir, gates.root)
        served = "all from the cache" if outcome.computed == 0 else f"{outcome.computed} computed, {outcome.cached} from the cache"
        return current_from_record(outcome.record_dir, f"ran {entry.target} ({served}): {outcome.run_id}")
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
            as_path = resolve(gates.root, entry.target)
            row = registry.get(str(as_path) if as_path.is_dir() else entry.target)
        if row.setup != entry.setup:
            raise ConfigError(gates.path, where, f"run {row.run_id} is of setup {row.setup!r}, not {entry.setup!r}")
        return current_from_record(Path(row.path), f"registered run {row.run_id}", check_code=True)
    path = resolve(gates.root, entry.target)
    if path.is_dir():
        return current_from_record(path, f"stored record {entry.target}", check_code=True)
    raise GateRefused(
        f"{where}: {entry.target} is a bare predictions file; it carries no code identity, so it cannot show that"
        " the code under test made it (give a run record directory instead)"
    )
