"""The run registry: a SQLite index of run record directories that can always be rebuilt.

Records are written here with the real writer and real metrics (the example
corpus scored against its own gold, minus a few entities), so each record is
what `harness run` would have produced, with chosen ids, times and tracks.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import sqlite3
import threading
from dataclasses import replace
from pathlib import Path

import pytest

from harness.annotations import Prediction
from harness.cli import main
from harness.common.paths import PROJECT_ROOT as ROOT
from harness.corpus.load import load_corpus
from harness.runs.record import InSample, RunRecord, prediction_to_json, write_record
from harness.runs.registry import SCHEMA_VERSION, RegistryError, RunRegistry
from harness.scoring.corpus import score_corpus
from harness.scoring.settings import IntervalSettings, ScoringSettings

EXAMPLE = ROOT / "tests" / "data" / "example"
CORPUS = load_corpus(EXAMPLE)


def make_record(
    runs_dir: Path,
    run_id: str,
    *,
    setup: str = "rules",
    extractor: str = "rules",
    track: str = "example",
    started_at: str = "2026-01-01T00:00:00+00:00",
    gold_sha256: str | None = None,
    drop_entities: int = 0,
    in_sample: InSample = InSample(),
) -> Path:
    """A complete run record whose predictions are the gold minus ``drop_entities`` entities."""
    predictions = [
        Prediction(g.document.doc_id, replace(g.gold, entities=g.gold.entities[drop_entities:]))
        for g in CORPUS.documents
    ]
    scored = score_corpus(CORPUS.documents, predictions, ScoringSettings(intervals=IntervalSettings(seed=1, resamples=50)))
    gold = gold_sha256 or CORPUS.gold_sha256
    run = {
        "run_id": run_id,
        "setup": setup,
        "track": track,
        "extractor": {"name": extractor, "version": "1", "entity_labels": ["PER"], "claim_slots": [], "emits_claims": True,
                      "fingerprint": {"name": extractor}, "fingerprint_hash": f"fp-{extractor}"},
        "config_hash": f"cfg-{setup}",
        "corpus": {"name": CORPUS.name, "source": CORPUS.source, "documents": len(CORPUS.documents), "gold_sha256": gold},
        "gold_sha256": gold,
        "in_sample": in_sample.to_json(),
        "started_at": started_at,
        "timings": {"documents_per_second": 2.5},
        "failures": 0,
        "git": {"commit": "abc123", "dirty": False},
    }
    lines = tuple(prediction_to_json(p, g.document.sha256, cached=False) for p, g in zip(predictions, CORPUS.documents))
    config = {"setup": {"setup": setup}, "settings": {"seed": 1, "resamples": 50, "level": 0.95}}
    record = write_record(runs_dir, RunRecord(run_id, run, config, scored.metrics, results=scored.results, prediction_lines=lines))
    assert record.path is not None
    return record.path


@pytest.fixture
def results(tmp_path: Path) -> Path:
    return tmp_path / "results"


def registry_of(results: Path) -> RunRegistry:
    return RunRegistry(results / "runs.sqlite", results / "runs")


def test_adding_a_record_indexes_its_identity_and_headline_metrics(results):
    record = make_record(results / "runs", "20260101T000000000Z-rules-aaaaaa", drop_entities=1)
    row = registry_of(results).add(record)
    metrics = json.loads((record / "metrics.json").read_text(encoding="utf-8"))
    assert row.run_id == "20260101T000000000Z-rules-aaaaaa"
    assert row.path == str(record.resolve())
    assert (row.setup, row.extractor, row.extractor_version) == ("rules", "rules", "1")
    assert (row.fingerprint_hash, row.config_hash, row.git_commit) == ("fp-rules", "cfg-rules", "abc123")
    assert row.gold_sha256 == CORPUS.gold_sha256 and row.corpus == CORPUS.name
    assert row.track == "example" and row.metrics_schema == 2
    assert row.score("entities.strict.f1") == (metrics["entities"]["strict"]["f1"], *metrics["entities"]["strict"]["f1_ci"])
    for mode in ("strict", "evidence"):
        block = metrics["claims"][mode]
        assert row.score(f"claims.{mode}.f1") == (block["f1"], *block["f1_ci"])
    assert row.score("claims.f1") is None  # schema 1's path: the claim score now lives under its mode
    assert row.score("entities.strict.f1")[0] < 1.0  # one entity dropped: the indexed score is the real one
    assert row.documents == 1 and row.documents_per_second == 2.5
    assert not row.in_sample and row.in_sample_documents == 0
    assert registry_of(results).list() == [row]


def test_every_f1_of_the_metrics_is_indexed_by_its_path(results):
    record = make_record(results / "runs", "r1", drop_entities=2)
    row = registry_of(results).add(record)
    metrics = json.loads((record / "metrics.json").read_text(encoding="utf-8"))
    for path in ("entities.per_label.PER.strict.f1", "entities.all_labels.type.f1", "claims.strict.by_kind.fact.f1", "claims.slots.speaker.f1"):
        block = metrics
        for part in path.split(".")[:-1]:
            block = block[part]
        assert row.score(path) == (block["f1"], *block["f1_ci"])


def test_an_in_sample_record_is_indexed_as_in_sample(results):
    marking = InSample(("the example article",), 1, 1.0)
    row = registry_of(results).add(make_record(results / "runs", "seen", in_sample=marking))
    assert row.in_sample and (row.in_sample_documents, row.in_sample_share) == (1, 1.0)


def test_adding_the_same_record_twice_keeps_one_row(results):
    record = make_record(results / "runs", "r1")
    registry = registry_of(results)
    registry.add(record)
    registry.add(record)
    assert [r.run_id for r in registry.list()] == ["r1"]


def test_list_is_newest_first_and_filters_by_extractor_setup_and_track(results):
    registry = registry_of(results)
    registry.add(make_record(results / "runs", "old", started_at="2026-01-01T00:00:00+00:00"))
    registry.add(make_record(results / "runs", "new", started_at="2026-03-01T00:00:00+00:00", track="heldout"))
    registry.add(make_record(results / "runs", "ner", setup="ner-small", extractor="ner", started_at="2026-02-01T00:00:00+00:00"))
    assert [r.run_id for r in registry.list()] == ["new", "ner", "old"]
    assert [r.run_id for r in registry.list(extractor="rules")] == ["new", "old"]
    assert [r.run_id for r in registry.list(setup="ner-small")] == ["ner"]
    assert [r.run_id for r in registry.list(track="heldout")] == ["new"]
    assert [r.run_id for r in registry.list(setup="rules", track="example")] == ["old"]
    assert registry.list(extractor="ner", setup="rules") == []


def test_get_finds_a_run_by_id_by_unique_prefix_and_by_path(results):
    registry = registry_of(results)
    first = registry.add(make_record(results / "runs", "20260101T000000000Z-rules-aaaaaa"))
    registry.add(make_record(results / "runs", "20260202T000000000Z-rules-bbbbbb"))
    assert registry.get("20260101T000000000Z-rules-aaaaaa") == first
    assert registry.get("202601") == first
    assert registry.get(first.path) == first


def test_get_reads_a_record_directory_that_is_not_indexed_without_adding_it(tmp_path, results):
    outside = make_record(tmp_path / "baselines", "baseline-run")
    registry = registry_of(results)
    assert registry.get(str(outside)).run_id == "baseline-run"
    assert registry.list() == []


def test_an_ambiguous_prefix_or_an_unknown_run_is_a_clear_error(results):
    registry = registry_of(results)
    registry.add(make_record(results / "runs", "2026-a"))
    registry.add(make_record(results / "runs", "2026-b"))
    with pytest.raises(RegistryError, match=r"ambiguous.*2026-a.*2026-b|ambiguous.*2026-b.*2026-a"):
        registry.get("2026")
    with pytest.raises(RegistryError, match="no run 'zzz'.*reindex"):
        registry.get("zzz")


def test_a_prefix_with_sql_wildcards_matches_only_literally(results):
    registry = registry_of(results)
    registry.add(make_record(results / "runs", "ab-1"))
    with pytest.raises(RegistryError, match="no run"):
        registry.get("a_")


def test_latest_per_setup_takes_the_newest_run_of_each_setup_on_the_given_gold(results):
    registry = registry_of(results)
    registry.add(make_record(results / "runs", "rules-old", started_at="2026-01-01T00:00:00+00:00"))
    registry.add(make_record(results / "runs", "rules-new", started_at="2026-02-01T00:00:00+00:00"))
    registry.add(make_record(results / "runs", "rules-other-gold", started_at="2026-03-01T00:00:00+00:00", gold_sha256="f" * 64))
    registry.add(make_record(results / "runs", "ner", setup="ner", started_at="2026-01-15T00:00:00+00:00"))
    assert [r.run_id for r in registry.latest_per_setup(CORPUS.gold_sha256)] == ["ner", "rules-new"]
    assert [r.run_id for r in registry.latest_per_setup()] == ["ner", "rules-other-gold"]


def test_latest_per_setup_keeps_the_newest_run_of_each_setup_on_each_track(results):
    registry = registry_of(results)
    registry.add(make_record(results / "runs", "seeds-old", track="seeds", started_at="2026-01-01T00:00:00+00:00"))
    registry.add(make_record(results / "runs", "seeds-new", track="seeds", started_at="2026-02-01T00:00:00+00:00"))
    registry.add(make_record(results / "runs", "heldout-old", track="heldout", started_at="2026-01-02T00:00:00+00:00"))
    latest = registry.latest_per_setup()
    assert [(r.setup, r.track, r.run_id) for r in latest] == [("rules", "heldout", "heldout-old"), ("rules", "seeds", "seeds-new")]
    assert [r.run_id for r in registry.latest_per_setup(track="seeds")] == ["seeds-new"]


def test_reindex_after_deleting_the_database_restores_every_run_and_skips_broken_ones(results):
    registry = registry_of(results)
    for i in range(3):
        registry.add(make_record(results / "runs", f"run-{i}", started_at=f"2026-01-0{i + 1}T00:00:00+00:00"))
    before = registry.list()
    broken = results / "runs" / "half-written"
    broken.mkdir()
    (broken / "run.json").write_text("{", encoding="utf-8")
    for path in results.glob("runs.sqlite*"):
        path.unlink()
    rebuilt = registry_of(results)
    assert rebuilt.reindex() == 3
    assert rebuilt.list() == before
    assert any("half-written" in problem for problem in rebuilt.problems())


def test_listing_after_deleting_the_database_heals_the_index_by_itself(results):
    registry = registry_of(results)
    for i in range(3):
        registry.add(make_record(results / "runs", f"run-{i}", started_at=f"2026-01-0{i + 1}T00:00:00+00:00"))
    before = registry.list()
    broken = results / "runs" / "half-written"
    broken.mkdir()
    (broken / "run.json").write_text("{", encoding="utf-8")
    for path in results.glob("runs.sqlite*"):
        path.unlink()
    healed = registry_of(results)
    assert healed.list() == before
    assert any("half-written" in problem for problem in healed.problems())


def test_reindex_drops_rows_whose_directory_is_gone(results):
    registry = registry_of(results)
    registry.add(make_record(results / "runs", "kept"))
    gone = make_record(results / "runs", "gone")
    registry.add(gone)
    for path in gone.iterdir():
        path.unlink()
    gone.rmdir()
    assert registry.reindex() == 1
    assert [r.run_id for r in registry.list()] == ["kept"]


def _add_records(results: str, names: list[str]) -> None:
    registry = RunRegistry(Path(results) / "runs.sqlite", Path(results) / "runs")
    for name in names:
        registry.add(Path(results) / "runs" / name)


def test_two_processes_adding_at_the_same_time_both_land(results):
    names = [f"run-{i:02d}" for i in range(16)]
    for name in names:
        make_record(results / "runs", name)
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_add_records, args=(str(results), names[k::2])) for k in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert sorted(r.run_id for r in registry_of(results).list()) == names


def test_threads_adding_at_the_same_time_all_land(results):
    names = [f"run-{i:02d}" for i in range(12)]
    for name in names:
        make_record(results / "runs", name)
    registry_of(results)  # create the schema once; the threads race on the writes
    errors: list[BaseException] = []

    def work(part: list[str]) -> None:
        try:
            _add_records(str(results), part)
        except BaseException as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(names[k::3],)) for k in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(registry_of(results).list()) == len(names)


def test_harness_run_registers_each_new_record(tmp_path, capsys):
    setup = tmp_path / "rules.yaml"
    setup.write_text("setup: rules-test\nextractor: rules\n", encoding="utf-8")
    results = tmp_path / "results"
    assert main(["run", str(setup), "--corpus", str(EXAMPLE), "--results", str(results)]) == 0
    (record,) = (results / "runs").iterdir()
    (row,) = registry_of(results).list()
    assert row.run_id == record.name and row.setup == "rules-test"


def test_a_registry_that_is_not_a_database_is_kept_aside_rebuilt_and_the_record_indexed(tmp_path, capsys):
    setup = tmp_path / "rules.yaml"
    setup.write_text("setup: rules-test\nextractor: rules\n", encoding="utf-8")
    results = tmp_path / "results"
    results.mkdir()
    (results / "runs.sqlite").write_text("this is not a database", encoding="utf-8")
    with pytest.warns(RuntimeWarning, match="was not a SQLite database.*kept as runs.sqlite.corrupt-"):
        assert main(["run", str(setup), "--corpus", str(EXAMPLE), "--results", str(results)]) == 0
    (record,) = (results / "runs").iterdir()
    assert (record / "metrics.json").is_file()
    (kept,) = results.glob("runs.sqlite.corrupt-*")
    assert kept.read_text(encoding="utf-8") == "this is not a database"
    capsys.readouterr()
    assert main(["runs", "list", "--results", str(results)]) == 0
    assert record.name in capsys.readouterr().out


def test_runs_commands_list_show_and_reindex(results, capsys):
    make_record(results / "runs", "20260101T000000000Z-rules-aaaaaa")
    assert main(["runs", "reindex", "--results", str(results)]) == 0
    assert "indexed 1 run record(s)" in capsys.readouterr().out
    assert main(["runs", "list", "--setup", "rules", "--results", str(results)]) == 0
    assert "20260101T000000000Z-rules-aaaaaa" in capsys.readouterr().out
    assert main(["runs", "show", "20260101", "--results", str(results)]) == 0
    shown = capsys.readouterr().out
    assert "setup         rules" in shown and "track         example: out of sample" in shown
    assert "entities.strict.f1" in shown and "claims.strict.f1" in shown and "claims.evidence.f1" in shown
    assert main(["runs", "show", "nope", "--results", str(results)]) == 2
    assert "no run 'nope'" in capsys.readouterr().err


# --- the index heals itself from the record directories ----------------------------


def _run_killed_before_indexing(setup: str, results: str) -> None:
    """`harness run` in a process that dies (SIGKILL) at the moment it would index its new record."""
    from harness.runs import registry

    def die(self, record):  # noqa: ANN001 - replaces RunRegistry.add_record in this process only
        os.kill(os.getpid(), signal.SIGKILL)

    registry.RunRegistry.add_record = die
    main(["run", setup, "--corpus", str(EXAMPLE), "--results", results])


def test_a_record_written_by_a_run_killed_before_indexing_shows_up_in_runs_list(tmp_path, capsys):
    setup = tmp_path / "rules.yaml"
    setup.write_text("setup: rules-killed\nextractor: rules\n", encoding="utf-8")
    results = tmp_path / "results"
    worker = multiprocessing.get_context("fork").Process(target=_run_killed_before_indexing, args=(str(setup), str(results)))
    worker.start()
    worker.join(timeout=120)
    assert worker.exitcode == -signal.SIGKILL
    (record,) = (results / "runs").iterdir()
    assert (record / "documents.jsonl").is_file()
    with sqlite3.connect(results / "runs.sqlite") as connection:
        assert connection.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 0
    capsys.readouterr()
    assert main(["runs", "list", "--results", str(results)]) == 0
    listed = capsys.readouterr().out
    assert record.name in listed and "rules-killed" in listed
    (row,) = registry_of(results).list()
    assert row.path == str(record.resolve())


def test_a_deleted_record_directory_disappears_from_runs_list(results, capsys):
    registry = registry_of(results)
    registry.add(make_record(results / "runs", "kept-run"))
    gone = make_record(results / "runs", "deleted-run")
    registry.add(gone)
    shutil.rmtree(gone)
    assert main(["runs", "list", "--results", str(results)]) == 0
    listed = capsys.readouterr().out
    assert "kept-run" in listed and "deleted-run" not in listed
    assert [r.run_id for r in registry.list()] == ["kept-run"]
    with pytest.raises(RegistryError, match="no run 'deleted-run'"):
        registry.get("deleted-run")


_SCHEMA_1 = """
CREATE TABLE runs (
    run_id TEXT PRIMARY KEY, path TEXT NOT NULL, started_at TEXT NOT NULL, setup TEXT NOT NULL,
    extractor TEXT NOT NULL, extractor_version TEXT NOT NULL, fingerprint_hash TEXT NOT NULL,
    config_hash TEXT NOT NULL, gold_sha256 TEXT NOT NULL, corpus TEXT NOT NULL, git_commit TEXT,
    documents INTEGER NOT NULL, entity_strict_f1 REAL NOT NULL, entity_strict_f1_low REAL NOT NULL,
    entity_strict_f1_high REAL NOT NULL, claim_f1 REAL, claim_f1_low REAL, claim_f1_high REAL,
    failures INTEGER NOT NULL, ungrounded INTEGER NOT NULL, documents_per_second REAL
);
PRAGMA user_version = 1;
"""


def test_an_index_of_the_old_schema_is_rebuilt_from_the_records_on_open(results):
    record = make_record(results / "runs", "current-run", track="heldout")
    results.mkdir(exist_ok=True)
    with sqlite3.connect(results / "runs.sqlite") as connection:
        connection.executescript(_SCHEMA_1)
        connection.execute(
            "INSERT INTO runs VALUES ('stale-run', '/nowhere/stale-run', '2025-01-01', 'rules', 'rules', '1', 'fp', 'cfg',"
            " 'gold', 'example', NULL, 1, 0.5, 0.4, 0.6, NULL, NULL, NULL, 0, 0, NULL)"
        )
    registry = registry_of(results)
    with sqlite3.connect(results / "runs.sqlite") as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
        columns = {row[1] for row in connection.execute("PRAGMA table_info(runs)")}
    assert {"track", "scores", "in_sample_documents"} <= columns and "claim_f1" not in columns
    (row,) = registry.list()
    assert (row.run_id, row.track, row.path) == ("current-run", "heldout", str(record.resolve()))
    assert row.score("claims.strict.f1") is not None
