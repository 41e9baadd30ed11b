"""`harness gate`: floors, ceilings and maximum drops against a baseline; exit 0 / 1 / 2.

Gate files are written per test into a temporary directory. Runs are real:
the committed gate file runs the rule baseline; the others gate records and
prediction files written here, whose predictions are the held-out gold with
deliberate losses, so the verdicts are known by construction.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from harness.annotations import Annotations, GoldDocument, Prediction
from harness.cli import main
from harness.common.paths import PROJECT_ROOT as ROOT
from harness.config import ConfigError
from harness.corpus.load import Corpus, load_corpus
from harness.extractors.identity import code_identity_of_module
from harness.gate import evaluate_gates, load_gate_file
from harness.runs.record import RunRecord, prediction_to_json, read_record, write_record
from harness.runs.registry import RunRegistry
from harness.scoring.corpus import score_corpus
from harness.scoring.settings import IntervalSettings, ScoringSettings

#: The rules extractor's code identity in this checkout (records made here carry it).
RULES_CODE = code_identity_of_module("harness.extractors.rules.extractor").sha256
GATES = ROOT / "configs" / "gates.yaml"
HELDOUT = ROOT / "tests" / "data" / "heldout"
EXAMPLE = ROOT / "tests" / "data" / "example"


@pytest.fixture(scope="module")
def heldout() -> Corpus:
    return load_corpus(HELDOUT)


def make_record(
    runs_dir: Path,
    name: str,
    corpus: Corpus,
    edit: Callable[[GoldDocument], Annotations] = lambda g: g.gold,
    setup: str = "tool",
    started_at: str = "2026-01-01T00:00:00+00:00",
    claims: bool = True,
) -> Path:
    """A run record whose predictions are ``edit(gold)``, scored for real.

    It names the registered ``rules`` extractor and the identity of its code in this
    checkout, as a record the rules made here would: the gate checks that identity.
    """
    predictions = [Prediction(g.document.doc_id, edit(g)) for g in corpus.documents]
    scored = score_corpus(corpus.documents, predictions, ScoringSettings(score_claims=claims, intervals=IntervalSettings(seed=3, resamples=200)))
    run = {
        "run_id": name,
        "setup": setup,
        "track": "heldout",
        "extractor": {"name": "rules", "version": "1", "entity_labels": list(corpus.labels), "emits_claims": claims, "fingerprint_hash": "fp", "code_sha256": RULES_CODE},
        "config_hash": "cfg",
        "corpus": {"name": corpus.name, "source": corpus.source, "documents": len(corpus.documents), "gold_sha256": corpus.gold_sha256},
        "gold_sha256": corpus.gold_sha256,
        "started_at": started_at,
    }
    lines = tuple(prediction_to_json(p, g.document.sha256, cached=False) for p, g in zip(predictions, corpus.documents))
    record = write_record(runs_dir, RunRecord(name, run, {"settings": {}}, scored.metrics, results=scored.results, prediction_lines=lines))
    assert record.path is not None
    return record.path


def half_the_entities(g: GoldDocument) -> Annotations:
    return replace(g.gold, entities=g.gold.entities[::2])


def write_gates(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "gates.yaml"
    path.write_text(yaml.safe_dump({"root": str(tmp_path), **data}, allow_unicode=True), encoding="utf-8")
    return path


def gate(path: Path, results: Path, capsys) -> tuple[int, str, str]:
    status = main(["gate", str(path), "--results", str(results)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# --- the committed gate file ------------------------------------------------------


def test_the_committed_gate_file_passes_on_this_checkout(tmp_path, capsys):
    status, out, _ = gate(GATES, tmp_path / "results", capsys)
    checks = load_gate_file(GATES).checks
    assert status == 0, out
    for check in checks:
        assert f"PASS  {check.setup}  {check.metric}  {check.policy}" in out
    assert f"passed: all {len(checks)} checks" in out


def test_raising_a_floor_above_the_score_fails_with_exit_1(tmp_path, capsys):
    data = yaml.safe_load(GATES.read_text(encoding="utf-8"))
    data["root"] = str(ROOT)
    # Above the rules' entity F1 on the seeds, and still a possible F1 (a floor above 1 is a broken gate file: exit 2).
    data["gates"][0]["checks"][0]["floor"] = 0.999
    path = tmp_path / "raised.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    metric = data["gates"][0]["checks"][0]["metric"]
    status, out, _ = gate(path, tmp_path / "results", capsys)
    assert status == 1
    assert f"FAIL  rules  {metric}  floor: value" in out and "< floor 0.999" in out
    assert f"FAILED: 1 of {len(load_gate_file(path).checks)} checks (rules:{metric}:floor)" in out


# --- broken gate files ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("gates", "key", "message"),
    [
        ([{"setup": "x", "run": "missing.yaml", "checks": [{"metric": "claims.strict.f1", "floor": 0.5}]}], "gates[0].run", "no such file"),
        ([{"setup": "x", "current": "latest", "checks": [{"metric": "claims.strict.f1", "floor": "high"}]}], "gates[0].checks[0].floor", "expected int or float"),
        ([{"setup": "x", "current": "latest", "checks": [{"metric": "claims.strict.f1", "flor": 0.5}]}], "gates[0].checks[0].flor", "unknown key"),
        ([{"setup": "x", "current": "latest", "checks": [{"floor": 0.5}]}], "gates[0].checks[0].metric", "missing key"),
        ([{"setup": "x", "current": "latest", "checks": [{"metric": "claims.strict.f1"}]}], "gates[0].checks[0]", "names no policy"),
        ([{"setup": "x", "current": "latest", "checks": [{"metric": "claims.strict.f1", "max_drop": 0.02}]}], "gates[0].checks[0].max_drop", "needs a baseline"),
        ([{"setup": "x", "current": "latest", "run": "a.yaml", "checks": [{"metric": "claims.strict.f1", "floor": 0.5}]}], "gates[0]", "exactly one of"),
        ([{"setup": "x", "current": "latest", "baseline": "nowhere", "checks": [{"metric": "claims.strict.f1", "floor": 0.5}]}], "gates[0].baseline", "not a readable run record"),
        ([], "gates", "lists no gate"),
    ],
)
def test_a_broken_gate_file_exits_2_naming_the_file_and_key(tmp_path, capsys, gates, key, message):
    path = write_gates(tmp_path, {"corpus": str(HELDOUT), "gates": gates})
    status, _, err = gate(path, tmp_path / "results", capsys)
    assert status == 2
    assert f"{path}: {key}: " in err and message in err


def test_a_max_drop_on_a_metric_without_a_paired_test_names_the_key(tmp_path, heldout):
    baseline = make_record(tmp_path / "base", "baseline", heldout)
    path = write_gates(
        tmp_path,
        {"corpus": str(HELDOUT), "gates": [{"setup": "tool", "predictions": str(baseline), "baseline": str(baseline),
                                            "checks": [{"metric": "failures", "max_drop": 0}]}]},
    )
    with pytest.raises(ConfigError, match=r"gates\[0\]\.checks\[0\]\.metric: no paired test"):
        evaluate_gates(load_gate_file(path), tmp_path / "results")


# --- max_drop against a baseline ------------------------------------------------------


def predictions_file(tmp_path: Path, corpus: Corpus, edit) -> Path:
    """A stored run record (the gate reads stored predictions from a record, which carries the code identity)."""
    return make_record(tmp_path / "made", "made", corpus, edit)


def drop_gate(tmp_path: Path, baseline: Path, predictions: Path, max_drop: float) -> Path:
    return write_gates(
        tmp_path,
        {
            "corpus": str(HELDOUT),
            "bootstrap": {"resamples": 300},
            "gates": [
                {"setup": "tool", "predictions": str(predictions), "baseline": str(baseline),
                 "checks": [{"metric": "entities.strict.f1", "max_drop": max_drop}]}
            ],
        },
    )


def test_max_drop_fails_when_the_whole_interval_lies_below_the_allowed_drop(tmp_path, heldout, capsys):
    baseline = make_record(tmp_path / "base", "baseline", heldout)
    worse = predictions_file(tmp_path, heldout, half_the_entities)
    status, out, _ = gate(drop_gate(tmp_path, baseline, worse, 0.02), tmp_path / "results", capsys)
    assert status == 1
    assert "FAIL  tool  entities.strict.f1  max_drop 0.020: current" in out
    assert "95% interval [" in out and "< -0.020" in out


def test_max_drop_passes_when_the_drop_may_be_within_the_allowance(tmp_path, heldout, capsys):
    baseline = make_record(tmp_path / "base", "baseline", heldout)
    worse = predictions_file(tmp_path, heldout, half_the_entities)
    status, out, _ = gate(drop_gate(tmp_path, baseline, worse, 0.9), tmp_path / "results", capsys)
    assert status == 0, out
    assert "PASS  tool  entities.strict.f1  max_drop 0.900" in out


def test_stored_predictions_equal_to_the_baseline_pass_with_a_zero_difference(tmp_path, heldout):
    baseline = make_record(tmp_path / "base", "baseline", heldout)
    report = evaluate_gates(load_gate_file(drop_gate(tmp_path, baseline, baseline, 0.0)), tmp_path / "r")
    (result,) = report.results
    assert result.passed and result.difference == 0.0 and (result.low, result.high) == (0.0, 0.0)
    assert result.value == result.baseline_value


def test_a_baseline_scored_on_other_gold_fails_the_check_with_the_reason(tmp_path, heldout, capsys):
    baseline = make_record(tmp_path / "base", "baseline", load_corpus(EXAMPLE))
    current = make_record(tmp_path / "cur", "current", heldout)
    status, out, _ = gate(drop_gate(tmp_path, baseline, current, 0.02), tmp_path / "results", capsys)
    assert status == 1
    assert "ERROR tool  entities.strict.f1  max_drop" in out and "gold" in out


# --- where the current run comes from -------------------------------------------------------


def test_current_latest_gates_the_newest_registered_run_of_the_setup(tmp_path, heldout, capsys):
    results = tmp_path / "results"
    registry = RunRegistry(results / "runs.sqlite", results / "runs")
    registry.add(make_record(results / "runs", "older-good", heldout, started_at="2026-01-01T00:00:00+00:00"))
    registry.add(make_record(results / "runs", "newer-worse", heldout, half_the_entities, started_at="2026-02-01T00:00:00+00:00"))
    registry.add(make_record(results / "runs", "other-setup", heldout, setup="other", started_at="2026-03-01T00:00:00+00:00"))
    path = write_gates(
        tmp_path,
        {"corpus": str(HELDOUT), "gates": [{"setup": "tool", "current": "latest", "checks": [{"metric": "entities.strict.f1", "floor": 0.9}]}]},
    )
    status, out, _ = gate(path, results, capsys)
    assert status == 1
    assert "registered run newer-worse" in out and "FAIL  tool  entities.strict.f1  floor" in out


def test_current_by_run_id_prefix_gates_that_run(tmp_path, heldout, capsys):
    results = tmp_path / "results"
    registry = RunRegistry(results / "runs.sqlite", results / "runs")
    registry.add(make_record(results / "runs", "20260101-good", heldout))
    path = write_gates(
        tmp_path,
        {"corpus": str(HELDOUT), "gates": [{"setup": "tool", "current": "20260101", "checks": [{"metric": "claims.strict.f1", "floor": 0.9}]}]},
    )
    status, out, _ = gate(path, results, capsys)
    assert status == 0, out
    assert "registered run 20260101-good" in out


def test_no_registered_run_fails_every_check_with_the_reason(tmp_path, capsys):
    path = write_gates(
        tmp_path,
        {"corpus": str(HELDOUT), "gates": [{"setup": "tool", "current": "latest", "checks": [{"metric": "claims.strict.f1", "floor": 0.1}]}]},
    )
    status, out, _ = gate(path, tmp_path / "results", capsys)
    assert status == 1
    assert "ERROR tool  claims.strict.f1  floor: no registered run of setup 'tool'" in out


def test_a_metric_the_run_does_not_have_fails_with_the_reason(tmp_path, heldout, capsys):
    record = make_record(tmp_path / "runs", "entities-only", heldout, claims=False)
    path = write_gates(
        tmp_path,
        {"corpus": str(HELDOUT), "gates": [{"setup": "tool", "predictions": str(record), "checks": [{"metric": "claims.strict.f1", "floor": 0.1}]}]},
    )
    status, out, _ = gate(path, tmp_path / "results", capsys)
    assert status == 1
    assert "ERROR tool  claims.strict.f1  floor: claims.strict.f1 is not a number" in out


def test_a_ceiling_fails_when_the_count_is_above_it(tmp_path, heldout, capsys):
    def ungrounded(g: GoldDocument) -> Annotations:
        first = g.gold.entities[0]
        return replace(g.gold, entities=(replace(first, text=first.text + "x"), *g.gold.entities[1:]))

    predictions = predictions_file(tmp_path, heldout, ungrounded)
    path = write_gates(
        tmp_path,
        {"corpus": str(HELDOUT), "gates": [{"setup": "tool", "predictions": str(predictions), "checks": [{"metric": "ungrounded", "ceiling": 0}]}]},
    )
    status, out, _ = gate(path, tmp_path / "results", capsys)
    assert status == 1
    assert f"FAIL  tool  ungrounded  ceiling: value {len(heldout.documents)} > ceiling 0" in out


# --- schema 2 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [("claims.f1", "claims.evidence.f1"), ("claims.precision", "claims.evidence.precision"), ("claims.by_kind.fact.f1", "claims.evidence.by_kind.fact.f1")],
)
def test_a_schema_1_metric_path_fails_loading_with_one_line_naming_the_replacement(tmp_path, capsys, old, new):
    path = write_gates(
        tmp_path,
        {"corpus": str(HELDOUT), "gates": [{"setup": "x", "current": "latest", "checks": [{"metric": "entities.strict.f1", "floor": 0.5}, {"metric": old, "floor": 0.5}]}]},
    )
    with pytest.raises(ConfigError, match=rf"gates\[0\]\.checks\[1\]\.metric: {old} is a metrics.json schema 1 path; .*: write {new} "):
        load_gate_file(path)
    status, out, err = gate(path, tmp_path / "results", capsys)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and f"write {new} (same meaning) or {new.replace('evidence', 'strict')} (the new headline)" in err


def test_a_run_entry_runs_on_the_gate_files_track_and_registers_the_record(tmp_path, capsys):
    setup = tmp_path / "rules.yaml"
    setup.write_text("setup: rules\nextractor: rules\n", encoding="utf-8")
    path = write_gates(
        tmp_path,
        {"corpus": str(HELDOUT), "track": "heldout-gate", "gates": [{"setup": "rules", "run": "rules.yaml", "checks": [{"metric": "failures", "ceiling": 0}]}]},
    )
    results = tmp_path / "results"
    status, out, _ = gate(path, results, capsys)
    assert status == 0, out
    (record_dir,) = (results / "runs").iterdir()
    record = read_record(record_dir)
    assert record.track == "heldout-gate" and record.run["corpus"]["spec"] == {"path": "tests/data/heldout"}
    assert f"ran rules.yaml (4 computed, 0 from the cache): {record.run_id}" in out
    (row,) = RunRegistry(results / "runs.sqlite", results / "runs").list(track="heldout-gate")
    assert row.run_id == record.run_id


def test_a_max_drop_between_two_records_reads_their_stored_results(tmp_path, heldout, monkeypatch):
    baseline = make_record(tmp_path / "base", "baseline", heldout)
    current = make_record(tmp_path / "cur", "current", heldout, half_the_entities)
    path = write_gates(
        tmp_path,
        {"corpus": str(HELDOUT), "bootstrap": {"resamples": 100},
         "gates": [{"setup": "tool", "predictions": str(current), "baseline": str(baseline),
                    "checks": [{"metric": "entities.strict.f1", "max_drop": 0.02}, {"metric": "claims.strict.f1", "max_drop": 0.0}]}]},
    )

    def no_scoring(*args, **kwargs):
        raise AssertionError("a document was scored again")

    monkeypatch.setattr("harness.scoring.document.score_document", no_scoring)
    monkeypatch.setattr("harness.scoring.corpus.score_document", no_scoring)
    report = evaluate_gates(load_gate_file(path), tmp_path / "results")
    entities, claims = report.results
    assert entities.verdict == "fail" and entities.difference < 0 and entities.high < -0.02
    assert claims.passed and claims.difference == 0.0  # half the entities, every claim: claims unchanged


# --- the code under test ---------------------------------------------------------------


def test_a_bare_predictions_file_is_refused_with_exit_2_because_it_names_no_code(tmp_path, heldout, capsys):
    record = make_record(tmp_path / "made", "made", heldout)
    path = write_gates(tmp_path, {"corpus": str(HELDOUT), "gates": [{"setup": "tool", "predictions": str(record / "predictions.jsonl"), "checks": [{"metric": "failures", "ceiling": 0}]}]})
    status, out, err = gate(path, tmp_path / "results", capsys)
    assert status == 2 and out == "" and err.count("\n") == 1
    assert "bare predictions file; it carries no code identity" in err


def test_a_record_made_by_other_code_of_the_extractor_is_refused_with_exit_2(tmp_path, heldout, capsys):
    record = make_record(tmp_path / "made", "made", heldout)
    run = json.loads((record / "run.json").read_text(encoding="utf-8"))
    run["extractor"]["code_sha256"] = "0" * 64
    (record / "run.json").write_text(json.dumps(run), encoding="utf-8")
    path = write_gates(tmp_path, {"corpus": str(HELDOUT), "gates": [{"setup": "tool", "predictions": str(record), "checks": [{"metric": "failures", "ceiling": 0}]}]})
    status, out, err = gate(path, tmp_path / "results", capsys)
    assert status == 2 and out == "" and err.count("\n") == 1
    assert "was made by other code of extractor 'rules'" in err and "run the setup again" in err


PLUGIN = """
from harness.annotations import Annotations, Entity, Prediction


class FirstWord:
    name = "first-word"
    version = "1"  # never bumped by hand: the cache must notice the code change anyway
    entity_labels = ("LOC",)
    claim_slots = ()
    emits_claims = False

    def fingerprint(self):
        return {"name": self.name, "version": self.version}

    def extract(self, documents):
        out = []
        for doc in documents:
            entities = ()
            if EMIT:
                for gold_word in ("الموصل", "بغداد", "الأنبار", "كركوك", "سوريا", "العراق"):
                    start = doc.text.find(gold_word)
                    if start >= 0:
                        entities += (Entity(f"e{len(entities)}", "LOC", start, start + len(gold_word), gold_word),)
            out.append(Prediction(doc.doc_id, Annotations(doc.doc_id, entities)))
        return out


def build(params):
    return FirstWord()
"""


def test_a_code_change_with_a_warm_cache_is_computed_again_and_fails_the_gate(tmp_path, capsys, monkeypatch):
    """Issue case 1: an extractor edited to return nothing still passed its gate from a warm cache."""
    import importlib
    import sys

    from harness.extractors import registry
    from harness.extractors.identity import forget_identities

    package = tmp_path / "plugin"
    package.mkdir()
    module_file = package / "gate_plugin_tool.py"
    module_file.write_text("EMIT = True\n" + PLUGIN, encoding="utf-8")
    monkeypatch.syspath_prepend(str(package))
    monkeypatch.setitem(registry.BUILTIN, "gate-plugin-tool", "gate_plugin_tool:build")
    (tmp_path / "tool.yaml").write_text("setup: tool\nextractor: gate-plugin-tool\n", encoding="utf-8")
    path = write_gates(
        tmp_path,
        {"corpus": str(HELDOUT), "gates": [{"setup": "tool", "run": "tool.yaml", "checks": [{"metric": "entities.strict.f1", "floor": 0.05}]}]},
    )
    results = tmp_path / "results"
    status, out, _ = gate(path, results, capsys)
    assert status == 0 and "(4 computed, 0 from the cache)" in out
    status, out, _ = gate(path, results, capsys)
    assert status == 0 and "(all from the cache)" in out

    # The code now returns no entity; the version is not bumped.
    module_file.write_text("EMIT = False\n" + PLUGIN, encoding="utf-8")
    importlib.reload(sys.modules["gate_plugin_tool"])
    forget_identities()
    status, out, _ = gate(path, results, capsys)
    assert "(4 computed, 0 from the cache)" in out
    assert status == 1 and "FAIL  tool  entities.strict.f1  floor: value 0.000 < floor 0.050" in out
