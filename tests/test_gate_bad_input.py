"""Broken gate files exit 2 (the documented code), naming the key; a failing check exits 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main
from harness.common.paths import PROJECT_ROOT as ROOT

BASELINE = ROOT / "results" / "baselines" / "rules-seeds"


def gate_file(tmp_path: Path, check: str) -> Path:
    path = tmp_path / "gates.yaml"
    path.write_text(
        f"root: {ROOT}\ngates:\n  - setup: rules\n    run: configs/rules.yaml\n    baseline: {BASELINE}\n    checks:\n      - {check}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(("check", "key", "message"), [
    ("{metric: entities.strictt.f1, floor: 0.5}", "gates[0].checks[0].metric", "'entities.strictt.f1' is not a metrics.json path"),
    ("{metric: entities.strict.f1, floor: 1.5}", "gates[0].checks[0].floor", "a floor of 1.5 lies outside that range"),
    ("{metric: claims.strict.recall, ceiling: -0.1}", "gates[0].checks[0].ceiling", "a ceiling of -0.1 lies outside that range"),
    ("{metric: entities.strict.f1, max_drop: .nan}", "gates[0].checks[0].max_drop", "must be a finite number"),
    ("{metric: claims.strictt.f1, max_drop: 0.02}", "gates[0].checks[0].metric", "is not a metrics.json path"),
])  # fmt: skip
def test_a_broken_check_is_a_broken_gate_file_exit_2_naming_the_key(tmp_path, capsys, check, key, message):
    path = gate_file(tmp_path, check)
    assert main(["gate", str(path), "--results", str(tmp_path / "results")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: {key}: ") and message in err and "Traceback" not in err
    assert not (tmp_path / "results").exists()  # refused before anything ran


def test_a_floor_the_run_does_not_reach_is_a_failed_check_exit_1(tmp_path, capsys):
    path = gate_file(tmp_path, "{metric: entities.strict.f1, floor: 1.0}")
    assert main(["gate", str(path), "--results", str(tmp_path / "results")]) == 1
    assert "FAIL  rules  entities.strict.f1  floor" in capsys.readouterr().out
