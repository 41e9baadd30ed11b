"""Executors: the same run gives the same predictions, cache and metrics whichever executor runs it.

The extractors are small real classes written for the tests (no mocks, see
``labelling_extractors.py``): they label the first word of each document, write
a line per finished document to a log file of their process (so the parent
can count what every worker computed), and can be told to fail, to raise
``KeyboardInterrupt`` or to kill their own process at a given document. The ``rules`` extractor runs
on the held-out test articles (measured, not tuned) for the metrics check.
Worker processes are real spawned processes; Ray tests run a real local Ray
(``slow``: Ray takes several seconds to start) and skip when Ray is absent.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from labelling_extractors import HoldsALock, Labeller, Threaded

from harness.annotations import Document
from harness.common.paths import PROJECT_ROOT
from harness.corpus.load import load_corpus
from harness.runs.cache import PredictionCache
from harness.runs.executors import (
    ExecutorError,
    ExecutorUnavailableError,
    ExtractorSpec,
    ProcessesExecutor,
    RayExecutor,
    SerialExecutor,
    UnpicklableExtractorError,
    declared_threads,
    import_ray,
    make_executor,
    oversubscription,
)
from harness.runs.extract import run_extractor
from harness.scoring.corpus import score_corpus
from harness.scoring.settings import IntervalSettings, ScoringSettings

DOCS = [Document(f"d{i}", f"عبارة{i} كتبت للاختبار في السطر {i}") for i in range(9)]
HAS_RAY = importlib.util.find_spec("ray") is not None
needs_ray = pytest.mark.skipif(not HAS_RAY, reason="Ray is not installed (pip install -e '.[ray]')")


def computed_ids(log_dir: Path) -> list[str]:
    """Every document id any process logged as finished, with repeats."""
    return sorted(line for path in log_dir.glob("*.log") for line in path.read_text(encoding="utf-8").split())


def cached_ids(cache_root: Path, documents=DOCS) -> set[str]:
    by_sha = {d.sha256: d.doc_id for d in documents}
    return {by_sha[path.stem] for path in cache_root.glob("*/*.json")}


def cache_files(cache_root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(cache_root)): path.read_bytes() for path in sorted(cache_root.glob("*/*.json"))}


def fresh_log(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.mkdir()
    return path


# ------------------------------------------------------------- processes


def test_processes_give_the_serial_predictions_cache_and_progress(tmp_path):
    serial_log, pool_log = fresh_log(tmp_path, "serial-log"), fresh_log(tmp_path, "pool-log")
    serial = run_extractor(Labeller(serial_log), DOCS, PredictionCache(tmp_path / "serial"), batch_size=2)
    progress: list[int] = []
    pooled = run_extractor(
        Labeller(pool_log), DOCS, PredictionCache(tmp_path / "pool"), batch_size=2,
        on_progress=progress.append, executor=ProcessesExecutor(workers=2),
    )
    assert pooled.predictions == serial.predictions
    assert [p.doc_id for p in pooled.predictions] == [d.doc_id for d in DOCS]
    assert (pooled.computed, pooled.cached, pooled.failed) == (9, 0, 0)
    assert cache_files(tmp_path / "pool") == cache_files(tmp_path / "serial")
    assert computed_ids(pool_log) == sorted(d.doc_id for d in DOCS)
    assert sorted(progress) == [1, 2, 2, 2, 2] and sum(progress) == len(DOCS)


def test_progress_counts_cached_documents_and_every_returned_batch(tmp_path):
    cache = PredictionCache(tmp_path / "cache")
    run_extractor(Labeller(), DOCS[:4], cache, batch_size=2)
    progress: list[int] = []
    result = run_extractor(Labeller(), DOCS, cache, batch_size=2, on_progress=progress.append, executor=ProcessesExecutor(workers=2))
    assert progress[0] == 4  # the cache answers first, at once
    assert sorted(progress[1:]) == [1, 2, 2]
    assert sum(progress) == len(DOCS) and (result.cached, result.computed) == (4, 5)


def test_processes_keep_failures_per_document_as_the_serial_run_does(tmp_path):
    serial = run_extractor(Labeller(fail_on={"d4"}), DOCS, PredictionCache(tmp_path / "serial"), batch_size=3)
    pooled = run_extractor(
        Labeller(fail_on={"d4"}), DOCS, PredictionCache(tmp_path / "pool"), batch_size=3, executor=ProcessesExecutor(workers=2)
    )
    assert pooled.predictions == serial.predictions
    assert [p.doc_id for p in pooled.predictions if p.failed] == ["d4"]
    assert pooled.predictions[4].error == "RuntimeError: cannot read d4"
    # The batch's neighbours of d4 were retried one by one and cached; d4 was not.
    assert cached_ids(tmp_path / "pool") == {d.doc_id for d in DOCS} - {"d4"}


def test_a_worker_interrupted_midway_stops_the_run_and_the_rerun_computes_only_the_rest(tmp_path):
    first_log, second_log = fresh_log(tmp_path, "first"), fresh_log(tmp_path, "second")
    cache = PredictionCache(tmp_path / "cache")
    with pytest.raises(KeyboardInterrupt):
        run_extractor(Labeller(first_log, interrupt_on={"d4"}), DOCS, cache, batch_size=2, executor=ProcessesExecutor(workers=2))
    finished = computed_ids(first_log)
    # Whatever a worker finished before the stop is cached, exactly once; d4's batch is not.
    assert set(finished) == cached_ids(tmp_path / "cache") and len(finished) == len(set(finished))
    assert {"d4", "d5"}.isdisjoint(finished)
    # The two batches taken before d4's were running when it stopped: they finished and count.
    assert {"d0", "d1", "d2", "d3"} <= set(finished)
    resumed = run_extractor(Labeller(second_log), DOCS, cache, batch_size=2, executor=ProcessesExecutor(workers=2))
    assert set(computed_ids(second_log)).isdisjoint(finished)
    assert sorted(finished + computed_ids(second_log)) == sorted(d.doc_id for d in DOCS)
    assert (resumed.cached, resumed.computed, resumed.failed) == (len(finished), len(DOCS) - len(finished), 0)
    assert resumed.predictions == run_extractor(Labeller(), DOCS, None, batch_size=2).predictions


def test_a_killed_worker_is_a_clear_error_and_the_rerun_recomputes_nothing_that_was_cached(tmp_path):
    second_log = fresh_log(tmp_path, "second")
    cache = PredictionCache(tmp_path / "cache")
    with pytest.raises(ExecutorError, match=r"worker process died .*d4.*running again resumes"):
        run_extractor(Labeller(kill_on={"d4"}), DOCS, cache, batch_size=2, executor=ProcessesExecutor(workers=2))
    before = cache_files(tmp_path / "cache")
    finished = cached_ids(tmp_path / "cache")
    assert "d4" not in finished
    # Nothing partial: every file left behind is a whole cache entry, and no temporary file remains.
    assert all(b'"content_sha256"' in content and content.endswith(b"}\n") for content in before.values())
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file() and p.suffix != ".json"]
    resumed = run_extractor(Labeller(second_log), DOCS, cache, batch_size=2, executor=ProcessesExecutor(workers=2))
    recomputed = computed_ids(second_log)
    assert sorted(recomputed) == sorted({d.doc_id for d in DOCS} - finished)
    assert resumed.cached == len(before) and resumed.computed == len(DOCS) - len(before)
    assert resumed.predictions == run_extractor(Labeller(), DOCS, None, batch_size=2).predictions


def test_an_unpicklable_extractor_object_is_refused_with_the_way_out(tmp_path):
    with pytest.raises(UnpicklableExtractorError, match=r"'first-word-logged' .*HoldsALock.* cannot be pickled.*ExtractorSpec"):
        run_extractor(HoldsALock(), DOCS, PredictionCache(tmp_path), executor=ProcessesExecutor(workers=2))
    assert not list(tmp_path.rglob("*.json"))
    # The serial executor uses the object itself, so it runs.
    assert run_extractor(HoldsALock(), DOCS, PredictionCache(tmp_path)).failed == 0


def test_a_worker_that_builds_another_extractor_is_refused_and_caches_nothing(tmp_path):
    with pytest.raises(ExecutorError, match=r"fingerprint hash .* not the run's"):
        run_extractor(Labeller(), DOCS, PredictionCache(tmp_path), executor=ProcessesExecutor(workers=2), spec=ExtractorSpec("rules", {}))
    assert not list(tmp_path.rglob("*.json"))


def test_workers_build_a_registry_extractor_from_its_spec_and_score_as_the_serial_run(tmp_path):
    corpus = load_corpus(PROJECT_ROOT / "tests" / "data" / "heldout")
    documents = [g.document for g in corpus.documents]
    spec = ExtractorSpec("rules", {})
    extractor = spec.build()
    serial = run_extractor(extractor, documents, PredictionCache(tmp_path / "serial"), batch_size=1)
    pooled = run_extractor(
        extractor, documents, PredictionCache(tmp_path / "pool"), batch_size=1, executor=ProcessesExecutor(workers=2), spec=spec
    )
    assert pooled.predictions == serial.predictions
    assert cache_files(tmp_path / "pool") == cache_files(tmp_path / "serial")
    assert metrics(corpus, extractor, pooled.predictions) == metrics(corpus, extractor, serial.predictions)


def metrics(corpus, extractor, predictions):
    settings = ScoringSettings.for_run(
        declared_labels=extractor.entity_labels, emits_claims=extractor.emits_claims, corpus_labels=corpus.labels,
        corpus_has_claims=corpus.has_claims, intervals=IntervalSettings(seed=13, resamples=200, level=0.95),
    )
    return score_corpus(corpus.documents, predictions, settings).metrics


# ------------------------------------------------------ names and threads


def test_executors_are_made_by_name_and_bad_names_or_counts_are_refused():
    assert isinstance(make_executor("serial"), SerialExecutor)
    assert make_executor("processes", workers=3) == ProcessesExecutor(workers=3)
    with pytest.raises(ValueError, match=r"unknown executor 'threads'; available: serial, processes, ray"):
        make_executor("threads")
    with pytest.raises(ValueError, match=r"serial executor runs one worker"):
        make_executor("serial", workers=2)
    with pytest.raises(ValueError, match=r"--workers must be an integer >= 1, got 0"):
        make_executor("processes", workers=0)


def test_the_ray_executor_without_ray_says_how_to_install_it(monkeypatch):
    # A None entry in sys.modules makes `import ray` fail as it does where Ray is not installed.
    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ExecutorUnavailableError, match=r"pip install -e '\.\[ray\]' \(ray==2\.60\.0\)"):
        make_executor("ray")


def test_an_extractor_whose_own_threads_overfill_the_cores_is_named():
    assert declared_threads(Threaded(3).fingerprint()) == 3
    assert declared_threads(Labeller().fingerprint()) is None
    message = oversubscription(Threaded(2), workers=2, cpus=2)
    assert message is not None and "2 thread(s) of its own in each of 2 workers on 2 core(s): set its threads to 1" in message
    assert oversubscription(Threaded(1), workers=2, cpus=2) is None
    assert oversubscription(Threaded(2), workers=1, cpus=2) is None


def test_an_overfilling_pool_warns_before_it_runs(tmp_path):
    with pytest.warns(RuntimeWarning, match=r"set its threads to 1"):
        run_extractor(Threaded(4), DOCS[:2], None, batch_size=1, executor=ProcessesExecutor(workers=2, threads_per_worker=1))


# -------------------------------------------------------------------- ray


@pytest.fixture(scope="module")
def ray_session():
    """A local Ray with 2 CPUs for this module; the test classes travel by value to its workers."""
    if not HAS_RAY:
        pytest.skip("Ray is not installed (pip install -e '.[ray]')")
    ray = import_ray()
    ray.cloudpickle.register_pickle_by_value(sys.modules[Labeller.__module__])
    executor = RayExecutor(cpus=2)
    executor.connect()
    yield executor
    ray.shutdown()


@pytest.mark.slow
@needs_ray
def test_ray_gives_the_serial_predictions_cache_and_metrics(tmp_path, ray_session):
    corpus = load_corpus(PROJECT_ROOT / "tests" / "data" / "heldout")
    documents = [g.document for g in corpus.documents]
    spec = ExtractorSpec("rules", {})
    extractor = spec.build()
    serial = run_extractor(extractor, documents, PredictionCache(tmp_path / "serial"), batch_size=1)
    progress: list[int] = []
    on_ray = run_extractor(
        extractor, documents, PredictionCache(tmp_path / "ray"), batch_size=1, on_progress=progress.append,
        executor=ray_session, spec=spec,
    )
    assert on_ray.predictions == serial.predictions
    assert cache_files(tmp_path / "ray") == cache_files(tmp_path / "serial")
    assert metrics(corpus, extractor, on_ray.predictions) == metrics(corpus, extractor, serial.predictions)
    assert sum(progress) == len(documents)


@pytest.mark.slow
@needs_ray
def test_ray_keeps_failures_per_document(tmp_path, ray_session):
    serial = run_extractor(Labeller(fail_on={"d4"}), DOCS, PredictionCache(tmp_path / "serial"), batch_size=3)
    on_ray = run_extractor(Labeller(fail_on={"d4"}), DOCS, PredictionCache(tmp_path / "ray"), batch_size=3, executor=ray_session)
    assert on_ray.predictions == serial.predictions
    assert cached_ids(tmp_path / "ray") == {d.doc_id for d in DOCS} - {"d4"}


@pytest.mark.slow
@needs_ray
def test_a_dead_ray_worker_is_a_clear_error_and_the_rerun_computes_only_the_rest(tmp_path, ray_session):
    cache = PredictionCache(tmp_path / "cache")
    with pytest.raises(ExecutorError, match=r"Ray worker died .*d4.*running again resumes"):
        run_extractor(Labeller(kill_on={"d4"}), DOCS, cache, batch_size=2, executor=ray_session)
    before = cached_ids(tmp_path / "cache")
    assert "d4" not in before
    log = fresh_log(tmp_path, "second")
    resumed = run_extractor(Labeller(log), DOCS, cache, batch_size=2, executor=ray_session)
    assert set(computed_ids(log)) == {d.doc_id for d in DOCS} - before
    assert resumed.predictions == run_extractor(Labeller(), DOCS, None, batch_size=2).predictions


def test_the_run_record_says_which_executor_ran_and_with_how_many_workers():
    from harness.runs.executors import describe

    assert describe(SerialExecutor()) == {"name": "serial"}
    assert describe(ProcessesExecutor(workers=2, threads_per_worker=1)) == {"name": "processes", "workers": 2, "threads_per_worker": 1}
    assert describe(ProcessesExecutor(workers=1))["threads_per_worker"] >= 1
