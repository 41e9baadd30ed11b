"""Real runs of the rule baseline on the project gold, made once per test session.

Four run records in a temporary results directory:

* ``rules`` (configs/rules.yaml) twice: the second run is served from the
  cache, so it has no speed of its own;
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
from harness.corpus.load import Corpus, load_corpus
from harness.report.leaderboard import Leaderboard, build_leaderboard, select_runs
from harness.runs.registry import RunRegistry

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class RealRuns:
    results: Path
    registry: RunRegistry
    corpus: Corpus


def write_setup(directory: Path, name: str, params: str = "{}") -> Path:
    path = directory / f"{name}.yaml"
    path.write_text(f"setup: {name}\nextractor: rules\nbatch_size: 5\nparams: {params}\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def real_runs(tmp_path_factory: pytest.TempPathFactory) -> RealRuns:
    base = tmp_path_factory.mktemp("leaderboard")
    results = base / "results"
    configs = [
        ROOT / "configs" / "rules.yaml",
        ROOT / "configs" / "rules.yaml",
        write_setup(base, "rules-entities", "{claims: false}"),
        write_setup(base, "rules-no-anchor", "{date_anchor: none}"),
    ]
    for config in configs:
        assert main(["run", str(config), "--results", str(results)]) == 0
    registry = RunRegistry(results / "runs.sqlite", results / "runs")
    registry.reindex()
    return RealRuns(results, registry, load_corpus(ROOT))


@pytest.fixture(scope="session")
def board(real_runs: RealRuns) -> Leaderboard:
    rows = select_runs(real_runs.registry, real_runs.corpus.gold_sha256)
    return build_leaderboard(rows, real_runs.registry, real_runs.corpus)
