"""Real runs of the rule baseline on two tracks, made once per test session.

A bench file like the project's: the track ``seeds`` (the project's gold,
the five articles the rules were written on, so every score there is
in-sample) and the track ``heldout`` (tests/data/heldout-b, written blind:
out of sample for the rules), ranked on ``heldout``. Run records in a temporary results directory:

* ``rules`` (configs/rules.yaml) twice on each track: the second run is
  served from the cache, so it has no speed of its own;
* ``rules-entities``: the same extractor with ``claims: false``, so its
  entities are identical to ``rules`` and it has no claim scores;
* ``rules-no-anchor``: the same extractor with ``date_anchor: none``, so only
  the resolution of relative dates differs (a small difference by chance).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.cli import main
from harness.common.paths import PROJECT_ROOT as ROOT
from harness.config import RunConfig, load_run_config
from harness.report.leaderboard import Leaderboard, build_leaderboard, select_runs
from harness.runs.registry import RunRegistry

HELDOUT = ROOT / "tests" / "data" / "heldout-b"

TRACKS = f"""tracks:
  - name: seeds
    corpus: {ROOT}
    description: the five seed articles (the rules were written on them)
  - name: heldout
    corpus: {HELDOUT}
    description: five articles written blind for the tests
ranking: {{track: heldout}}
"""


@dataclass(frozen=True)
class RealRuns:
    results: Path
    registry: RunRegistry
    #: The bench file the runs were made with (tracks and ranking of the leaderboard).
    bench: Path
    config: RunConfig


def write_setup(directory: Path, name: str, params: str = "{}") -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(f"setup: {name}\nextractor: rules\nbatch_size: 5\nparams: {params}\n", encoding="utf-8")
    return path


def write_bench(directory: Path, name: str, setups: list[Path]) -> Path:
    path = directory / name
    path.write_text(f"setups: [{', '.join(str(s) for s in setups)}]\n{TRACKS}", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def real_runs(tmp_path_factory: pytest.TempPathFactory) -> RealRuns:
    base = tmp_path_factory.mktemp("leaderboard")
    results = base / "results"
    rules = ROOT / "configs" / "rules.yaml"
    bench = write_bench(base, "bench.yaml", [rules, write_setup(base, "rules-entities", "{claims: false}"), write_setup(base, "rules-no-anchor", "{date_anchor: none}")])
    again = write_bench(base, "rules-again.yaml", [rules])
    for config in (bench, again):
        assert main(["run", str(config), "--results", str(results)]) == 0
    registry = RunRegistry(results / "runs.sqlite", results / "runs")
    return RealRuns(results, registry, bench, load_run_config(bench))


@pytest.fixture(scope="session")
def board(real_runs: RealRuns) -> Leaderboard:
    config = real_runs.config
    return build_leaderboard(select_runs(real_runs.registry), real_runs.registry, config.tracks, config.ranking)
