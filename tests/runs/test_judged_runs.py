"""The content mode in run records: a bench's ``judge:``, ``harness judge run`` and ``harness judge validate``.

Runs the rule baseline on the hand-made example corpus (``tests/data/example``)
and judges it with the deterministic judge; nothing is mocked.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.common.paths import PROJECT_ROOT as ROOT
from harness.judging.validation import find_agreement

EXAMPLE = ROOT / "tests" / "data" / "example"
DETERMINISTIC = ROOT / "configs" / "judges" / "deterministic.yaml"


def bench(tmp_path: Path, judge: bool = True, params: str = "{}") -> Path:
    (tmp_path / "rules.yaml").write_text(f"setup: rules-test\nextractor: rules\nbatch_size: 1\nparams: {params}\n", encoding="utf-8")
    path = tmp_path / "bench.yaml"
    lines = ["setups: [rules.yaml]", "tracks:", "  - name: example", f"    corpus: {EXAMPLE}"]
    if judge:
        lines.append(f"judge: {DETERMINISTIC}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def records(results: Path) -> list[Path]:
    return sorted(p for p in (results / "runs").iterdir() if not p.name.startswith("."))


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def digest(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_bench_with_a_judge_records_content_scores_the_judge_and_every_judgement(tmp_path):
    results = tmp_path / "results"
    assert main(["run", str(bench(tmp_path)), "--results", str(results)]) == 0
    (record,) = records(results)
    run, metrics, config = read(record / "run.json"), read(record / "metrics.json"), read(record / "config.json")
    block = run["judge"]
    assert block["name"] == "deterministic" and block["pairs"] == 2 and block["unjudged"] == 0
    measured = find_agreement(block["identity_hash"])
    assert block["kappa"] == (measured.kappa if measured is not None else None)
    assert config["judge"]["judge"] == "deterministic"
    assert metrics["claims"]["modes"] == ["evidence", "strict", "content"]
    assert metrics["claims"]["content"]["unjudged"] == 0
    lines = [json.loads(line) for line in (record / "judgements.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(line["doc_id"], line["gold"], line["verdict"]) for line in lines] == [("ex1", "c1", "same"), ("ex1", "c2", "same")]


def test_bench_without_a_judge_has_no_content_mode(tmp_path):
    results = tmp_path / "results"
    assert main(["run", str(bench(tmp_path, judge=False)), "--results", str(results)]) == 0
    (record,) = records(results)
    assert read(record / "run.json")["judge"] is None
    assert "content" not in read(record / "metrics.json")["claims"]["modes"]
    assert not (record / "judgements.jsonl").exists()


def test_judge_run_writes_a_new_record_and_leaves_the_judged_one_untouched(tmp_path, capsys):
    results = tmp_path / "results"
    assert main(["run", str(bench(tmp_path, judge=False)), "--results", str(results)]) == 0
    (source,) = records(results)
    before = digest(source)
    capsys.readouterr()
    assert main(["judge", "run", str(source), "--judge", str(DETERMINISTIC), "--results", str(results)]) == 0
    out = capsys.readouterr().out
    assert "judge deterministic" in out and "2 pair(s) judged, 0 unjudged" in out
    assert digest(source) == before
    (new,) = [r for r in records(results) if r != source]
    run = read(new / "run.json")
    assert run["judged_from"] == source.name and run["run_id"] == new.name
    assert read(new / "metrics.json")["claims"]["content"]["f1"] == 1.0
    assert (new / "predictions.jsonl").read_bytes() == (source / "predictions.jsonl").read_bytes()
    # the strict and evidence scores are those of the source: the alignment did not move
    for mode in ("evidence", "strict"):
        assert read(new / "metrics.json")["claims"][mode] == read(source / "metrics.json")["claims"][mode]
    # registered: the registry lists both
    assert main(["runs", "list", "--results", str(results)]) == 0
    assert new.name in capsys.readouterr().out


def test_judging_a_run_without_claims_is_a_one_line_error(tmp_path, capsys):
    results = tmp_path / "results"
    assert main(["run", str(bench(tmp_path, judge=False, params="{claims: false}")), "--results", str(results)]) == 0
    (source,) = records(results)
    capsys.readouterr()
    assert main(["judge", "run", str(source), "--judge", str(DETERMINISTIC), "--results", str(results)]) == 2
    assert "nothing to judge" in capsys.readouterr().err


def test_an_unknown_judge_is_a_one_line_error_naming_the_file(tmp_path, capsys):
    config = tmp_path / "judge.yaml"
    config.write_text("name: mine\njudge: oracle\n", encoding="utf-8")
    results = tmp_path / "results"
    assert main(["run", str(bench(tmp_path, judge=False)), "--results", str(results)]) == 0
    (source,) = records(results)
    capsys.readouterr()
    assert main(["judge", "run", str(source), "--judge", str(config), "--results", str(results)]) == 2
    err = capsys.readouterr().err
    assert "unknown judge 'oracle'" in err and "deterministic" in err


def test_judge_validate_prints_agreement_and_records_it_for_that_judge(tmp_path, capsys):
    from judging_set import write_small_set

    pairs = write_small_set(tmp_path / "set.jsonl")
    measured_dir = tmp_path / "measured"
    assert main(["judge", "validate", str(DETERMINISTIC), "--set", str(pairs), "--measured-dir", str(measured_dir)]) == 0
    out = capsys.readouterr().out
    assert "accuracy 1.000" in out and "Cohen's kappa 1.000" in out
    assert "unjudged" in out and "judged 4, unjudged 0" in out
    (written,) = measured_dir.glob("*.json")
    data = read(written)
    assert data["kappa"] == 1.0 and data["pairs"] == 4
    found = find_agreement(data["identity_hash"], pairs, measured_dir)
    assert found is not None and found.kappa == 1.0
    # another validation set (here: one pair changed) makes the measurement not apply
    pairs.write_text(pairs.read_text(encoding="utf-8").replace("same", "different", 1), encoding="utf-8")
    assert find_agreement(data["identity_hash"], pairs, measured_dir) is None


@pytest.fixture(autouse=True)
def _judging_helpers_on_path(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "tests" / "judging"))


def test_the_run_summary_prints_the_content_column_and_the_judge_with_its_kappa(tmp_path, capsys):
    assert main(["run", str(bench(tmp_path)), "--results", str(tmp_path / "results")]) == 0
    out = capsys.readouterr().out
    assert "claim content F1" in out
    (record,) = records(tmp_path / "results")
    block = read(record / "run.json")["judge"]
    kappa = f"{block['kappa']:.2f}" if block["kappa"] is not None else "unmeasured"
    assert f"claim content F1: judge deterministic, κ {kappa}" in out


def test_the_run_summary_has_no_content_column_when_the_bench_names_no_judge(tmp_path, capsys):
    assert main(["run", str(bench(tmp_path, judge=False)), "--results", str(tmp_path / "results")]) == 0
    out = capsys.readouterr().out
    assert "claim evidence F1" in out and "claim content F1" not in out
