"""The run summary names the confidence level the run was scored with, never a fixed 95%."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from harness.report.console import print_summary


def outcome(level: float) -> SimpleNamespace:
    """A run outcome as the summary reads it, with made-up scores and the bootstrap block of metrics.json."""
    block = {"f1": 0.5, "f1_ci": [0.4, 0.6]}
    metrics = {
        "entities": {"strict": block},
        "claims": {"strict": block, "evidence": block},
        "failures": 0,
        "bootstrap": {"unit": "document", "seed": 13, "resamples": 200, "level": level, "interval": "percentile"},
    }
    return SimpleNamespace(
        setup="rules", track="seeds", metrics=metrics, in_sample=SimpleNamespace(marked=False), convention="project", seconds=1.0, run_id="r1"
    )


@pytest.mark.parametrize(("level", "printed"), [(0.9, "90%"), (0.95, "95%"), (0.99, "99%")])
def test_the_summary_title_names_the_configured_level(level, printed, capsys):
    print_summary([outcome(level)])
    out = capsys.readouterr().out
    assert f"F1 with {printed} bootstrap interval" in out
    for other in {"90%", "95%", "99%"} - {printed}:
        assert other not in out


def test_a_record_without_a_level_prints_a_question_mark_instead_of_guessing(capsys):
    bare = outcome(0.9)
    del bare.metrics["bootstrap"]
    print_summary([bare])
    assert "F1 with ? bootstrap interval" in capsys.readouterr().out
