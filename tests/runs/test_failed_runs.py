"""A run whose documents fail (an endpoint that cannot be reached) is a failed run, not a score of zero.

The extractor below really asks a local port nobody listens on, the way an
LLM backend whose server is down does, and fails the documents whose ids it
is told to. The bench setting ``max_failures`` (a share of the documents)
says how many may fail; by default a run fails when every document failed.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from fault_tools import EXAMPLE, HELDOUT, write_setup

from harness.cli import main
from harness.config import ConfigError, load_run_config
from harness.extractors.registry import BUILTIN
from harness.extractors.rules.extractor import RulesExtractor


def closed_port() -> int:
    """A local TCP port with nobody listening (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class UnreachableEndpoint:
    """The rule baseline for most documents; for those in ``fail``, a request to a closed port (ConnectionRefusedError)."""

    name = "unreachable-endpoint"
    version = "1"

    def __init__(self, params: dict):
        self.fail = set(params.get("fail", ()))
        self.everything = bool(params.get("everything", False))
        self.rules = RulesExtractor({})
        self.entity_labels, self.claim_slots, self.emits_claims = self.rules.entity_labels, self.rules.claim_slots, True

    def fingerprint(self) -> dict:
        return {"name": self.name, "fail": sorted(self.fail), "everything": self.everything}

    def extract(self, documents):
        for document in documents:
            if self.everything or document.doc_id in self.fail:
                socket.create_connection(("127.0.0.1", closed_port()), timeout=5)
        return self.rules.extract(documents)


def build(params: dict) -> UnreachableEndpoint:
    return UnreachableEndpoint(params)


@pytest.fixture(autouse=True)
def registered(monkeypatch):
    monkeypatch.setitem(BUILTIN, UnreachableEndpoint.name, f"{__name__}:build")


def bench(directory: Path, params: str, max_failures: str = "", corpus: Path = HELDOUT, name: str = "down") -> Path:
    (directory / f"{name}.yaml").write_text(f"setup: {name}\nextractor: unreachable-endpoint\nbatch_size: 1\nparams: {params}\n", encoding="utf-8")
    path = directory / f"bench-{name}.yaml"
    path.write_text(f"setups: [{name}.yaml]\ntracks: [{{name: t, corpus: {corpus}}}]\nbootstrap: {{resamples: 20}}\n{max_failures}", encoding="utf-8")
    return path


def newest_run(results: Path) -> dict:
    newest = max((results / "runs").iterdir(), key=lambda p: p.name)
    return json.loads((newest / "run.json").read_text(encoding="utf-8"))


def test_a_run_whose_every_document_failed_exits_1_and_its_record_says_so(tmp_path, capsys):
    results = tmp_path / "results"
    assert main(["run", str(bench(tmp_path, "{everything: true}")), "--results", str(results)]) == 1
    err = capsys.readouterr().err
    documents = len(list((HELDOUT / "gold").glob("*.json")))
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]
    assert f"failed: {documents} of {documents} documents failed (every document failed)" in line
    run = newest_run(results)
    assert run["status"] == {
        "failed": True, "failed_documents": documents, "documents": documents, "max_failures": None,
        "reason": f"{documents} of {documents} documents failed (every document failed)",
    }  # fmt: skip
    assert run["failures"] == documents


@pytest.mark.parametrize(("max_failures", "status"), [("", 0), ("max_failures: 0.2\n", 1), ("max_failures: 0.25\n", 0), ("max_failures: 0\n", 1)])
def test_max_failures_in_the_bench_file_decides_when_some_failed_documents_fail_the_run(tmp_path, capsys, max_failures, status):
    results = tmp_path / "results"
    one = sorted(p.stem for p in (HELDOUT / "gold").glob("*.json"))[0]
    assert main(["run", str(bench(tmp_path, f"{{fail: [{one}]}}", max_failures)), "--results", str(results)]) == status
    run = newest_run(results)
    assert run["status"]["failed"] is bool(status) and run["status"]["failed_documents"] == 1
    assert ("error: run" in capsys.readouterr().err) is bool(status)


def test_max_failures_outside_0_to_1_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r"max_failures: a share of the documents, between 0 and 1, got 1.5"):
        load_run_config(bench(tmp_path, "{}", "max_failures: 1.5\n"))


def test_the_leaderboard_marks_a_failed_run_and_does_not_rank_it(tmp_path, capsys):
    results = tmp_path / "results"
    down = bench(tmp_path, "{everything: true}", corpus=EXAMPLE)
    up = tmp_path / "bench-up.yaml"
    up.write_text(f"setups: [{write_setup(tmp_path, 'up')}]\ntracks: [{{name: t, corpus: {EXAMPLE}}}]\nbootstrap: {{resamples: 20}}\n", encoding="utf-8")
    assert main(["run", str(down), "--results", str(results)]) == 1
    assert main(["run", str(up), "--results", str(results)]) == 0
    assert main(["leaderboard", "--results", str(results), "--bench", str(up)]) == 0
    err = capsys.readouterr().err
    assert any(line.startswith("warning: down on t: run") and "failed (1 of 1 documents failed" in line for line in err.splitlines())
    markdown = (results / "leaderboard.md").read_text(encoding="utf-8")
    rows = {line.split(" | ")[1]: line for line in markdown.splitlines() if line.startswith("| ") and " | t | " not in line and "setup" not in line}
    assert rows["up"].startswith("| 1 | up |")
    assert rows["down"].startswith("| – (the run on the ranking track t failed: 1 of 1 documents failed (every document failed)) | down |")
    assert "(run failed)" in rows["down"]
    page = (results / "leaderboard.html").read_text(encoding="utf-8")
    assert "Warning: down on t: run" in page and "(run failed)" in page
