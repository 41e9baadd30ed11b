"""`harness run` and `harness score` end to end on the hand-made example corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.common.paths import PROJECT_ROOT as ROOT

EXAMPLE = ROOT / "tests" / "data" / "example"


@pytest.fixture
def setup_file(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text("setup: rules-test\nextractor: rules\nbatch_size: 1\n", encoding="utf-8")
    return path


def run(args: list[str], capsys) -> tuple[int, str]:
    status = main(args)
    return status, capsys.readouterr().out


def test_run_writes_a_complete_record_and_a_second_run_is_served_from_the_cache(tmp_path, setup_file, capsys):
    results = tmp_path / "results"
    status, out = run(["run", str(setup_file), "--corpus", str(EXAMPLE), "--results", str(results)], capsys)
    assert status == 0 and "1 computed, 0 from the cache" in out
    (record,) = sorted((results / "runs").iterdir())
    assert sorted(p.name for p in record.iterdir()) == ["config.json", "documents.jsonl", "metrics.json", "predictions.jsonl", "run.json"]
    meta = json.loads((record / "run.json").read_text(encoding="utf-8"))
    for key in ("config_hash", "gold_sha256", "seed", "versions", "git", "timings", "machine", "track", "in_sample", "scoring"):
        assert key in meta
    assert {"cpu_model", "cpu_flags"} <= set(meta["machine"])
    assert meta["extractor"]["fingerprint_hash"]
    assert meta["track"] == "example" and meta["corpus"]["spec"] == {"path": "tests/data/example"}
    lines = (record / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["doc_id"] for line in lines] == ["ex1"]
    results_lines = (record / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["doc_id"] for line in results_lines] == ["ex1"]
    assert json.loads((record / "metrics.json").read_text(encoding="utf-8"))["schema_version"] == 2

    status, out = run(["run", str(setup_file), "--corpus", str(EXAMPLE), "--results", str(results)], capsys)
    assert status == 0 and "all from the cache, nothing computed" in out
    first, second = sorted((results / "runs").iterdir())
    metrics = [json.loads((r / "metrics.json").read_text(encoding="utf-8")) for r in (first, second)]
    assert metrics[0] == metrics[1]
    stored = [(r / "documents.jsonl").read_text(encoding="utf-8") for r in (first, second)]
    assert stored[0] == stored[1]


def test_score_reproduces_the_stored_metrics(tmp_path, setup_file, capsys):
    results = tmp_path / "results"
    main(["run", str(setup_file), "--corpus", str(EXAMPLE), "--results", str(results)])
    (record,) = (results / "runs").iterdir()
    capsys.readouterr()
    status, out = run(["score", str(record), "--corpus", str(EXAMPLE)], capsys)
    assert status == 0
    assert "metrics identical to the stored metrics.json" in out


def test_an_unknown_extractor_is_a_one_line_error(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("setup: x\nextractor: no-such\n", encoding="utf-8")
    status = main(["run", str(path), "--corpus", str(EXAMPLE), "--results", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("error: unknown extractor 'no-such'; available: ") and "rules" in err


def test_a_conll_corpus_runs_with_a_label_map(tmp_path, setup_file, capsys):
    conll = tmp_path / "tiny.txt"
    conll.write_text("زار O\nالوزير O\nدمشق B-LOC\n\nقال O\nمحمد B-PERS\nالعلي I-PERS\n", encoding="utf-8")
    status, out = run(
        ["run", str(setup_file), "--corpus", str(conll), "--label-map", "PERS=PER,LOC=LOC", "--results", str(tmp_path / "r")],
        capsys,
    )
    assert status == 0
    (record,) = (tmp_path / "r" / "runs").iterdir()
    metrics = json.loads((record / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["claims"] is None and metrics["documents"] == 2
    assert metrics["entities"]["strict"]["possible"] == 2


def test_a_conll_corpus_read_in_passages_scores_the_same_gold_in_fewer_documents(tmp_path, setup_file, capsys):
    conll = tmp_path / "tiny.txt"
    conll.write_text("زار O\nالوزير O\nدمشق B-LOC\n\nقال O\nمحمد B-PERS\nالعلي I-PERS\n", encoding="utf-8")
    options = ["--corpus", str(conll), "--label-map", "PERS=PER,LOC=LOC", "--passage-tokens", "50", "--results", str(tmp_path / "r")]
    status, out = run(["run", str(setup_file), *options], capsys)
    assert status == 0 and "rules-test on tiny:" in out
    (record,) = (tmp_path / "r" / "runs").iterdir()
    meta = json.loads((record / "run.json").read_text(encoding="utf-8"))
    assert meta["corpus"]["name"] == "tiny-passages50" and meta["corpus"]["documents"] == 1
    assert meta["corpus"]["spec"]["passage_tokens"] == 50
    metrics = json.loads((record / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["documents"] == 1 and metrics["entities"]["strict"]["possible"] == 2


def test_passages_with_a_gold_directory_are_a_one_line_error(tmp_path, setup_file, capsys):
    status = main(["run", str(setup_file), "--corpus", str(EXAMPLE), "--passage-tokens", "50", "--results", str(tmp_path)])
    assert status == 2 and "passage_tokens: not an option of the gold-dir format" in capsys.readouterr().err


def test_a_dry_run_counts_cached_and_missing_documents_and_writes_nothing(tmp_path, capsys):
    setup = tmp_path / "rules.yaml"
    setup.write_text("setup: rules\nextractor: rules\n", encoding="utf-8")
    results = tmp_path / "results"
    assert main(["run", str(setup), "--corpus", str(EXAMPLE), "--results", str(tmp_path / "elsewhere"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "rules on example: 1 documents, 0 from the cache, 1 to compute (1 documents); no measured speed" in out
    assert not (tmp_path / "elsewhere").exists()

    assert main(["run", str(setup), "--corpus", str(EXAMPLE), "--results", str(results)]) == 0
    capsys.readouterr()
    records = sorted((results / "runs").iterdir())
    assert main(["run", str(setup), "--corpus", str(EXAMPLE), "--results", str(results), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "rules on example: 1 documents, 1 from the cache, 0 to compute (0 documents); nothing to compute" in out
    assert "estimated time: about 0 s" in out
    assert sorted((results / "runs").iterdir()) == records


def test_a_run_record_holds_the_time_of_each_computed_document_and_the_executor(tmp_path):
    setup = tmp_path / "rules.yaml"
    setup.write_text("setup: rules\nextractor: rules\nbatch_size: 2\n", encoding="utf-8")
    results = tmp_path / "results"
    assert main(["run", str(setup), "--corpus", str(ROOT / "tests" / "data" / "heldout"), "--results", str(results)]) == 0
    (record_dir,) = (results / "runs").iterdir()
    run = json.loads((record_dir / "run.json").read_text(encoding="utf-8"))
    rows = run["costs"]["documents"]
    assert [r["doc_id"] for r in rows] == sorted(p.stem for p in (ROOT / "tests" / "data" / "heldout" / "seeds").glob("*.txt"))
    assert all(r["cached"] is False and r["seconds"] > 0 for r in rows)
    assert abs(run["costs"]["computed_seconds"] - sum(r["seconds"] for r in rows)) < 1e-3
    assert run["executor"] == {"name": "serial"} and "totals" not in run["costs"]


def test_token_usage_reported_by_a_generative_extractor_is_summed_per_run():
    from harness.annotations import Annotations, Document, Prediction
    from harness.runs.extract import ExtractionResult
    from harness.runs.run import costs

    documents = [Document("a", "نص"), Document("b", "نص آخر")]
    predictions = (
        Prediction("a", Annotations("a"), meta={"usage": {"requests": 3, "prompt_tokens": 900, "completion_tokens": 150}}),
        Prediction("b", Annotations("b"), meta={"usage": {"requests": 2, "prompt_tokens": 600, "completion_tokens": 50, "cached_requests": 2}}),
    )
    extraction = ExtractionResult(predictions, computed=1, cached=1, failed=0, extract_seconds=4.0,
                                  cached_positions=frozenset({1}), document_seconds=((0, 4.0),))
    summary = costs(extraction, documents)
    assert summary["documents"][0] == {"doc_id": "a", "cached": False, "seconds": 4.0, "requests": 3, "prompt_tokens": 900, "completion_tokens": 150}
    assert summary["documents"][1]["cached"] is True and "seconds" not in summary["documents"][1]
    assert summary["totals"] == {"requests": 5, "prompt_tokens": 1500, "completion_tokens": 200, "cached_requests": 2, "failed_requests": 0}
    assert summary["tokens_per_document"] == 850.0 and summary["seconds_per_computed_document"] == 4.0


def test_a_dry_run_counts_work_the_extractors_own_cache_answers_as_free():
    from harness.runs.plan import PlannedRun, format_plan

    all_cached = PlannedRun("llm", "seeds", 5, 0, 72, "paragraphs", 14.0, "run-a", units_cached=72)
    half = PlannedRun("llm", "heldout", 4, 0, 20, "paragraphs", 10.0, "run-b", units_cached=10)
    assert all_cached.estimated_seconds == 0.0 and half.estimated_seconds == 20.0
    text = format_plan([all_cached, half], [])
    assert "5 to compute (72 paragraphs, 72 of them cached); every one of its paragraphs answered by the extractor's own cache" in text
    assert "4 to compute (20 paragraphs, 10 of them cached); about 20 s (measured in run-b)" in text
    assert text.endswith("estimated time: about 20 s")
