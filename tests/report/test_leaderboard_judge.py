"""The leaderboard with judged runs: content F1 beside its judge and kappa, and the kappa floor on ranking.

Two real rule-baseline runs on the hand-made example corpus, judged by the
deterministic judge through the bench file's ``judge:`` key.
"""

from __future__ import annotations

import pytest

from harness.cli import main
from harness.common.paths import PROJECT_ROOT as ROOT
from harness.config import Ranking
from harness.report.leaderboard import build_leaderboard, select_runs
from harness.report.markdown import render_markdown
from harness.report.tables import claim_table
from harness.runs.registry import RunRegistry

EXAMPLE = ROOT / "tests" / "data" / "example"


@pytest.fixture(scope="module")
def judged_runs(tmp_path_factory) -> RunRegistry:
    base = tmp_path_factory.mktemp("judged-board")
    for name, params in (("rules-a", "{}"), ("rules-b", "{date_anchor: none}")):
        (base / f"{name}.yaml").write_text(f"setup: {name}\nextractor: rules\nparams: {params}\n", encoding="utf-8")
    bench = base / "bench.yaml"
    bench.write_text(
        f"setups: [rules-a.yaml, rules-b.yaml]\ntracks:\n  - name: example\n    corpus: {EXAMPLE}\n"
        f"judge: {ROOT / 'configs' / 'judges' / 'deterministic.yaml'}\n",
        encoding="utf-8",
    )
    results = base / "results"
    assert main(["run", str(bench), "--results", str(results)]) == 0
    return RunRegistry(results / "runs.sqlite", results / "runs")


def board_with(registry: RunRegistry, floor: float):
    ranking = Ranking("example", ("claims.content.f1", "claims.strict.f1"), judge_kappa_floor=floor)
    return build_leaderboard(select_runs(registry), registry, (), ranking)


def test_claim_table_shows_content_f1_with_the_judge_and_its_kappa(judged_runs):
    board = board_with(judged_runs, 0.6)
    table = claim_table(board)
    column = table.columns.index("content F1 (judge, κ)")
    for row in table.rows:
        cell = row[column]
        assert cell.numeric and cell.text == "1.000"
        assert cell.note.startswith("judge deterministic, κ ")
    assert "content F1 (judge, κ)" in render_markdown(board)


def test_content_scores_below_the_floor_are_shown_marked_and_never_rank(judged_runs):
    board = board_with(judged_runs, 2.0)  # no kappa reaches 2: content is refused whatever was measured
    assert board.ranking.metrics == ("claims.strict.f1",)
    assert any(w.startswith("claims.content.f1 is shown but does not rank") for w in board.warnings)
    column = claim_table(board).columns.index("content F1 (judge, κ)")
    assert all("not for ranking (kappa floor 2.0)" in row[column].note for row in claim_table(board).rows)
    assert all(row.rank is not None for row in board.rows)  # the rows still rank, by strict F1


def test_content_ranks_only_when_the_judge_was_measured(judged_runs):
    board = board_with(judged_runs, -1.0)
    judges = {run.judge for row in board.rows for run in row.runs.values()}
    (judge,) = judges
    assert judge is not None and judge.name == "deterministic"
    if judge.kappa is None:
        assert board.ranking.metrics == ("claims.strict.f1",)
    else:
        assert board.ranking.metrics == ("claims.content.f1", "claims.strict.f1")
