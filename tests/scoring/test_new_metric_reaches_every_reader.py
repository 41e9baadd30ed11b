"""One metric added to the metric table reaches every reader: metrics.json, compare, gates, registry, leaderboard.

The metric is declared here and nowhere else: the share of documents on
which the extractor predicted no false positive entity (strict mode, labels it
declares). Each document contributes one unit, correct when clean and
incorrect otherwise, so the metric's F1 is that share, with an interval and
paired tests like any count metric. It is registered through
:func:`harness.scoring.metric_table.registered` for the test only; no module
of the harness names it.

The corpus is a CoNLL file of sentences written for this test (its gold
leaves one city unlabeled, so a place found there is a false positive),
scored by real bench runs of the rule baseline.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from harness.cli import main
from harness.runs.record import read_record
from harness.runs.registry import RunRegistry
from harness.scoring.counts import MatchCounts
from harness.scoring.metric_paths import metric_path_problem
from harness.scoring.metric_table import Metric, TableContext, registered
from harness.scoring.results import DECLARED, DocumentResult

KEY = "clean_documents"
PATH = f"{KEY}.f1"
COLUMN = "documents without a false positive"

#: Three documents of the test's own: two with a labeled place, one whose city the gold leaves unlabeled.
CONLL = """وصل O
الوفد O
إلى O
حلب B-LOC
صباح O
الأحد O

افتتح O
المحافظ O
سوقا O
جديدا O
في O
حمص B-LOC

قال O
المتحدث O
إن O
الاجتماع O
انتهى O
في O
دمشق O
"""


def is_clean(result: DocumentResult) -> bool | None:
    """Did the run predict no entity that fails to match the gold exactly (None: entities not scored)?"""
    scope = result.scope(DECLARED)
    if scope is None:
        return None
    strict = scope.overall.strict
    return strict.spurious + strict.incorrect + strict.partial == 0


def clean_documents(context: TableContext) -> Iterator[Metric]:
    """The family this test adds: one entry, shown in the leaderboard's entity table."""
    if not context.declared_labels:
        return

    def counts(result: DocumentResult) -> MatchCounts | None:
        clean = is_clean(result)
        return None if clean is None else MatchCounts(correct=1) if clean else MatchCounts(incorrect=1)

    yield Metric(
        key=KEY,
        title="share of documents without a false positive",
        description="documents on which no predicted entity fails to match the gold (strict, declared labels)",
        section="entities",
        counts=counts,
        board="entities",
        column=COLUMN,
    )


@pytest.fixture
def added_metric() -> Iterator[None]:
    with registered(clean_documents):
        yield
    assert metric_path_problem(PATH) is not None  # removed again: other tests see the table as it was


@pytest.fixture
def bench(tmp_path: Path) -> Path:
    (tmp_path / "cities.txt").write_text(CONLL, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text("setup: rules\nextractor: rules\n", encoding="utf-8")
    (tmp_path / "rules-entities.yaml").write_text("setup: rules-entities\nextractor: rules\nparams: {claims: false}\n", encoding="utf-8")
    path = tmp_path / "bench.yaml"
    path.write_text(
        "setups: [rules.yaml, rules-entities.yaml]\ntracks:\n  - {name: cities, corpus: cities.txt}\nranking: {track: cities, metrics: [entities.strict.f1]}\n",
        encoding="utf-8",
    )
    return path


def run_gate(tmp_path: Path, results: Path, checks: list[dict], baseline: Path | None = None) -> tuple[int, str]:
    entry = {"setup": "rules", "current": "latest", "checks": checks, **({"baseline": str(baseline)} if baseline else {})}
    path = tmp_path / "gates.yaml"
    path.write_text(yaml.safe_dump({"root": str(tmp_path), "corpus": "cities.txt", "gates": [entry]}), encoding="utf-8")
    status = main(["gate", str(path), "--results", str(results)])
    return status, path.name


def test_a_metric_added_to_the_table_reaches_metrics_json_compare_gates_and_the_leaderboard(added_metric, bench, tmp_path, capsys):
    results = tmp_path / "results"
    assert main(["run", str(bench), "--results", str(results)]) == 0
    capsys.readouterr()
    registry = RunRegistry(results / "runs.sqlite", results / "runs")
    rows = {row.setup: row for row in registry.list()}
    assert sorted(rows) == ["rules", "rules-entities"]

    # metrics.json: the block is there, and its F1 is the share computed here from the stored per-document results.
    record = read_record(Path(rows["rules"].path), with_results=True)
    clean = [is_clean(result) for result in record.results]
    assert len(clean) == 3 and None not in clean
    share = sum(bool(c) for c in clean) / len(clean)
    assert 0 < share < 1, "the corpus is meant to hold clean and unclean documents"
    block = json.loads((Path(rows["rules"].path) / "metrics.json").read_text(encoding="utf-8"))[KEY]
    assert block["f1"] == pytest.approx(share) and (block["correct"], block["incorrect"]) == (sum(map(bool, clean)), clean.count(False))
    assert len(block["f1_ci"]) == 2
    # The registry indexed it like every F1.
    assert rows["rules"].score(PATH)[0] == pytest.approx(share)

    # harness compare: a paired test on it, on the line named by its path.
    assert main(["compare", rows["rules-entities"].run_id, rows["rules"].run_id, "--results", str(results)]) == 0
    (line,) = [line for line in capsys.readouterr().out.splitlines() if line.startswith(PATH + " ")]
    assert line.split()[1:4] == [f"{share:.3f}", f"{share:.3f}", "+0.000"]

    # A gate file may name it, and its checks are decided on its value: a floor at the share passes, one above fails.
    status, _ = run_gate(tmp_path, results, [{"metric": PATH, "floor": round(share, 3) - 0.001}, {"metric": PATH, "ceiling": 0.0}])
    out = capsys.readouterr().out
    assert status == 1
    assert f"PASS  rules  {PATH}  floor: value {share:.3f} >=" in out and f"FAIL  rules  {PATH}  ceiling: value {share:.3f} > ceiling" in out
    status, _ = run_gate(tmp_path, results, [{"metric": PATH, "max_drop": 0.0}], baseline=Path(rows["rules"].path))
    out = capsys.readouterr().out
    assert status == 0 and f"PASS  rules  {PATH}  max_drop" in out and "= +0.000" in out

    # The leaderboard's entity table has its column, with the F1 and interval of metrics.json.
    assert main(["leaderboard", "--results", str(results), "--bench", str(bench)]) == 0
    markdown = (results / "leaderboard.md").read_text(encoding="utf-8")
    section = markdown.split("## Entities: F1 in the four modes", 1)[1].split("\n## ", 1)[0]
    header, _, *body = [line for line in section.splitlines() if line.startswith("|")]
    cells = [cell.strip() for cell in header.strip("|").split(" | ")]
    column = cells.index(COLUMN)
    (rules_row,) = [[c.strip() for c in line.strip("|").split(" | ")] for line in body if line.startswith("| rules |")]
    assert rules_row[column] == f"{block['f1']:.3f} [{block['f1_ci'][0]:.3f}, {block['f1_ci'][1]:.3f}]"


def test_without_the_entry_a_gate_naming_the_metric_is_a_broken_gate_file(bench, tmp_path, capsys):
    assert main(["run", str(bench), "--results", str(tmp_path / "results")]) == 0
    capsys.readouterr()
    status, name = run_gate(tmp_path, tmp_path / "results", [{"metric": PATH, "floor": 0.5}])
    err = capsys.readouterr().err
    assert status == 2 and name in err and f"'{PATH}' is not a metrics.json path" in err
    metrics = json.loads(next((tmp_path / "results" / "runs").glob("*rules-cities*/metrics.json")).read_text(encoding="utf-8"))
    assert KEY not in metrics
