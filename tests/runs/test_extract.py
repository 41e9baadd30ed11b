"""Running an extractor: cache hits, failures kept per document, resume after an interruption.

The extractors here are small real classes written for the tests (no mocks):
they label the first word of each document and can be told to fail.
"""

from __future__ import annotations

from harness.annotations import Annotations, Document, Entity, Prediction
from harness.runs.cache import PredictionCache
from harness.runs.extract import run_extractor

DOCS = [Document(f"d{i}", f"كلمة{i} في نص تجريبي رقم {i}") for i in range(7)]


class FirstWord:
    name = "first-word"
    version = "1"
    entity_labels = ("MISC",)
    claim_slots = ()
    emits_claims = False

    def __init__(self, fail_on: set[str] = frozenset(), interrupt_after: int | None = None, setting: int = 0):
        self.fail_on = fail_on
        self.interrupt_after = interrupt_after
        self.setting = setting
        self.seen: list[str] = []

    def fingerprint(self):
        return {"name": self.name, "version": self.version, "setting": self.setting}

    def extract(self, documents):
        out = []
        for doc in documents:
            if self.interrupt_after is not None and len(self.seen) >= self.interrupt_after:
                raise KeyboardInterrupt
            self.seen.append(doc.doc_id)
            if doc.doc_id in self.fail_on:
                raise RuntimeError(f"cannot read {doc.doc_id}")
            word = doc.text.split()[0]
            out.append(Prediction(doc.doc_id, Annotations(doc.doc_id, (Entity("e1", "MISC", 0, len(word), word),))))
        return out


class WrongShape(FirstWord):
    def extract(self, documents):
        return {"not": "a list"}


def test_second_run_is_served_from_the_cache(tmp_path):
    cache = PredictionCache(tmp_path)
    first = run_extractor(FirstWord(), DOCS, cache, batch_size=3)
    again_extractor = FirstWord()
    second = run_extractor(again_extractor, DOCS, cache, batch_size=3)
    assert (first.computed, first.cached) == (7, 0)
    assert (second.computed, second.cached) == (0, 7)
    assert again_extractor.seen == []
    assert second.predictions == first.predictions


def test_a_changed_fingerprint_misses_the_cache(tmp_path):
    cache = PredictionCache(tmp_path)
    run_extractor(FirstWord(setting=1), DOCS, cache)
    other = run_extractor(FirstWord(setting=2), DOCS, cache)
    assert other.computed == 7


def test_a_failing_document_is_recorded_and_its_neighbours_survive(tmp_path):
    cache = PredictionCache(tmp_path)
    result = run_extractor(FirstWord(fail_on={"d4"}), DOCS, cache, batch_size=3)
    assert [p.doc_id for p in result.predictions] == [d.doc_id for d in DOCS]
    failed = [p for p in result.predictions if p.failed]
    assert [p.doc_id for p in failed] == ["d4"]
    assert failed[0].error == "RuntimeError: cannot read d4"
    assert result.failed == 1
    # Failures are not cached: the next run tries d4 again and only d4.
    retry = FirstWord()
    again = run_extractor(retry, DOCS, cache, batch_size=3)
    assert retry.seen == ["d4"] and again.failed == 0


def test_output_of_the_wrong_shape_is_a_failure_not_a_crash(tmp_path):
    result = run_extractor(WrongShape(), DOCS[:2], PredictionCache(tmp_path))
    assert result.failed == 2
    assert all("not a list of Prediction" in p.error for p in result.predictions)


def test_an_interrupted_run_resumes_from_what_it_had_finished(tmp_path):
    cache = PredictionCache(tmp_path)
    interrupted = FirstWord(interrupt_after=4)
    try:
        run_extractor(interrupted, DOCS, cache, batch_size=2)
    except KeyboardInterrupt:
        pass
    else:  # pragma: no cover - the test extractor always interrupts
        raise AssertionError("the run should have been interrupted")
    assert interrupted.seen == ["d0", "d1", "d2", "d3"]
    resumed = FirstWord()
    result = run_extractor(resumed, DOCS, cache, batch_size=2)
    assert resumed.seen == ["d4", "d5", "d6"]
    assert (result.cached, result.computed, result.failed) == (4, 3, 0)


def test_cache_entries_are_keyed_by_text_not_id(tmp_path):
    cache = PredictionCache(tmp_path)
    run_extractor(FirstWord(), DOCS[:1], cache)
    renamed = [Document("other-id", DOCS[0].text)]
    result = run_extractor(FirstWord(), renamed, cache)
    assert result.cached == 1
    assert result.predictions[0].doc_id == "other-id"


class FromOwnCache(FirstWord):
    """Marks its predictions as rebuilt from a cache of its own, as the LLM extractor does."""

    def extract(self, documents):
        from dataclasses import replace

        from harness.extractors.base import REUSED_CACHED_WORK

        return [replace(p, meta={REUSED_CACHED_WORK: True}) for p in super().extract(documents)]


def test_speed_is_not_reported_for_work_rebuilt_from_an_extractors_own_cache(tmp_path):
    from harness.runs.run import _documents_per_second

    measured = run_extractor(FirstWord(), DOCS, PredictionCache(tmp_path / "a"))
    rebuilt = run_extractor(FromOwnCache(), DOCS, PredictionCache(tmp_path / "b"))
    served = run_extractor(FirstWord(), DOCS, PredictionCache(tmp_path / "a"))
    assert _documents_per_second(measured) is not None and _documents_per_second(measured) > 0
    assert _documents_per_second(rebuilt) is None
    assert _documents_per_second(served) is None
