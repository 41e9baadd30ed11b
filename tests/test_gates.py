"""The score gates of `configs/gates.yaml`, enforced by the ordinary test run.

One test per check (setup, metric, policy), so a failing gate names itself in
pytest's summary. The gate file is evaluated once per session, into a
temporary results directory (the rule baseline runs in under a second). A
gate file that cannot be read fails one test with the file and key.
"""

from __future__ import annotations

import pytest

from harness.common.paths import PROJECT_ROOT
from harness.config import ConfigError
from harness.gate import GateReport, evaluate_gates, load_gate_file
from harness.report.text import format_check

GATES = PROJECT_ROOT / "configs" / "gates.yaml"

try:
    GATE_FILE = load_gate_file(GATES)
    CHECK_IDS = [check.id for check in GATE_FILE.checks]
    LOAD_ERROR = None
except ConfigError as err:
    GATE_FILE, CHECK_IDS, LOAD_ERROR = None, [], str(err)


@pytest.fixture(scope="session")
def gate_report(tmp_path_factory) -> GateReport:
    return evaluate_gates(GATE_FILE, tmp_path_factory.mktemp("gate-results"))


def test_the_gate_file_is_readable():
    assert LOAD_ERROR is None, LOAD_ERROR


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_gate(gate_report, check_id):
    result = gate_report.result(check_id)
    assert result.passed, format_check(result)
