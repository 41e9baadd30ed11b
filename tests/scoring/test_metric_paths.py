"""The metrics.json path grammar accepts every number a real run writes and refuses typos."""

from __future__ import annotations

import json

import pytest

from harness.common.paths import PROJECT_ROOT as ROOT
from harness.scoring.metric_paths import is_rate, metric_path_problem


def numeric_paths(data, prefix: str = ""):
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from numeric_paths(value, f"{path}.")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            yield path


@pytest.mark.parametrize("baseline", sorted(p.name for p in (ROOT / "results" / "baselines").iterdir() if p.is_dir()))
def test_every_number_of_a_committed_baseline_is_a_path_of_the_grammar(baseline):
    metrics = json.loads((ROOT / "results" / "baselines" / baseline / "metrics.json").read_text(encoding="utf-8"))
    paths = [p for p in numeric_paths(metrics) if not p.startswith(("bootstrap.", "scoring."))]
    assert len(paths) > 100
    assert [p for p in paths if metric_path_problem(p) is not None] == []


@pytest.mark.parametrize("typo", [
    "entities.strictt.f1", "entities.strict.F1", "claims.strict", "claims.slots.speakers.f1", "claim.strict.f1",
    "entities.per_label.PER.strict", "claims.evidence.by_kind.claim.f1", "failure", "entities.strict.f1.value", "",
])  # fmt: skip
def test_typos_are_refused_with_a_reason(typo):
    problem = metric_path_problem(typo)
    assert problem is not None and "is not a metrics.json path" in problem


def test_rates_are_the_fractions():
    assert is_rate("claims.strict.f1") and is_rate("entities.per_label.LOC.exact.recall")
    assert not is_rate("failures") and not is_rate("entities.strict.correct")
