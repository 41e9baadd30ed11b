"""The extractor's batched path: paragraphs of several documents asked at once, answers arriving in any order.

A scripted backend answers from a table keyed by words of the paragraph
(no model needed). Its concurrent twin runs each request in a thread that
sleeps a seeded random time first, so answers come back out of order and
several are in flight together; the extractor must give exactly what the
serial path gives for the same answers.
"""

from __future__ import annotations

import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import pytest

from harness.annotations import Document
from harness.extractors.llm.backends.base import (
    BackendError,
    ConcurrentBackend,
    Generation,
)
from harness.extractors.llm.extractor import LLMExtractor


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False)


DOCS = [
    Document(
        "bakery",
        "مخبز جديد في حي الروضة\n\n"
        "افتتحت جمعية التعاون الأهلية مخبزاً جديداً في حي الروضة يوم الأحد بكلفة 30 ألف دينار.\n\n"
        "وقالت رئيسة الجمعية سلمى العطار إن المخبز سيوفر الخبز لنحو 800 أسرة.\n\n"
        "ويعمل في المخبز تسعة عمال من أبناء الحي.",
    ),
    Document(
        "library",
        "مكتبة متنقلة تجوب القرى\n\n"
        "أطلقت مديرية الثقافة في مأدبا مكتبة متنقلة تحمل 2000 كتاب.\n\n"
        "وأكد مدير المديرية فراس الشوبكي أن المكتبة ستزور 15 قرية كل شهر.",
    ),
]

ANSWERS = {
    "جمعية التعاون": _json({
        "claims": [{"text": "افتتحت جمعية التعاون الأهلية مخبزاً جديداً في حي الروضة", "kind": "fact",
                    "speaker": "جمعية التعاون الأهلية", "quantity": "30 ألف دينار", "date": "يوم الأحد", "place": "حي الروضة"}],
        "entities": [{"text": "جمعية التعاون الأهلية", "label": "ORG"}, {"text": "حي الروضة", "label": "LOC"}],
    }),
    "سلمى العطار": _json({
        "claims": [{"text": "المخبز سيوفر الخبز لنحو 800 أسرة", "kind": "opinion", "speaker": "سلمى العطار", "quantity": "800 أسرة"}],
        "entities": [{"text": "سلمى العطار", "label": "PER"}],
    }),
    "مأدبا": _json({
        "claims": [{"text": "أطلقت مديرية الثقافة في مأدبا مكتبة متنقلة تحمل 2000 كتاب", "kind": "fact", "quantity": "2000 كتاب"}],
        "entities": [{"text": "مديرية الثقافة", "label": "ORG"}, {"text": "مأدبا", "label": "LOC"}],
    }),
    "فراس الشوبكي": _json({
        "claims": [{"text": "المكتبة ستزور 15 قرية كل شهر", "kind": "fact", "speaker": "فراس الشوبكي"}],
        "entities": [{"text": "فراس الشوبكي", "label": "PER"}],
    }),
}  # fmt: skip


class Scripted:
    """Serial: answers from the table, counts calls, fails on a word when told."""

    kind = "scripted"

    def __init__(self, fail_on: str | None = None):
        self.fail_on = fail_on
        self.calls = 0
        self.lock = threading.Lock()

    def identity(self):
        return {"engine": "scripted", "answers": "v1"}

    def generate(self, messages, settings):
        with self.lock:
            self.calls += 1
        paragraph = messages[-1].content
        if self.fail_on and self.fail_on in paragraph:
            raise BackendError("HTTP 503 after 4 attempts")
        for key, answer in ANSWERS.items():
            if key in paragraph:
                return Generation(answer, 120, len(answer) // 4, "stop", total_seconds=0.01)
        return Generation('{"claims": [], "entities": []}', 120, 9, "stop", total_seconds=0.01)

    def close(self):
        pass


class ConcurrentScripted(Scripted):
    """The same answers from threads that finish in a seeded random order."""

    def __init__(self, fail_on: str | None = None, workers: int = 3, seed: int = 1):
        super().__init__(fail_on)
        self.workers = workers
        self.random = random.Random(seed)
        self.in_flight = self.most_in_flight = 0
        self.batches: list[int] = []

    def _timed(self, messages, settings, delay):
        with self.lock:
            self.in_flight += 1
            self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            time.sleep(delay)
            return self.generate(messages, settings)
        except BackendError as err:
            return err
        finally:
            with self.lock:
                self.in_flight -= 1

    def generate_many(self, requests, settings):
        self.batches.append(len(requests))
        delays = [self.random.uniform(0.0, 0.05) for _ in requests]
        with ThreadPoolExecutor(self.workers) as pool:
            futures = {pool.submit(self._timed, m, settings, d): i for i, (m, d) in enumerate(zip(requests, delays))}
            for future in as_completed(futures):
                yield futures[future], future.result()


def _extractor(cache: Path | None, backend) -> LLMExtractor:
    return LLMExtractor({"cache_dir": str(cache) if cache else None, "progress": False}, backend=backend)


def _without_timings(meta: dict) -> dict:
    """The meta with the wall-clock figures (which differ from run to run) taken out."""
    meta = json.loads(json.dumps(meta, ensure_ascii=False))
    for paragraph in meta["paragraphs"]:
        paragraph.pop("seconds", None)
    meta["usage"].pop("generation_seconds")
    return meta


def test_concurrent_twin_really_answers_out_of_order_and_in_parallel():
    backend = ConcurrentScripted(workers=3)
    assert isinstance(backend, ConcurrentBackend)
    requests = [[type("M", (), {"content": f"طلب {i}"})()] for i in range(12)]
    order = [i for i, _ in backend.generate_many(requests, None)]
    assert sorted(order) == list(range(12)) and order != list(range(12))
    assert backend.most_in_flight > 1


def test_batched_concurrent_output_is_the_serial_output(tmp_path):
    serial_backend, concurrent_backend = Scripted(), ConcurrentScripted()
    serial = [_extractor(tmp_path / "a", serial_backend).extract([d])[0] for d in DOCS]
    batched = _extractor(tmp_path / "b", concurrent_backend).extract(DOCS)
    assert concurrent_backend.batches == [5]  # every paragraph of both documents asked in one go
    assert concurrent_backend.most_in_flight > 1
    for one, other in zip(serial, batched):
        assert one.doc_id == other.doc_id
        assert one.annotations == other.annotations
        assert _without_timings(one.meta) == _without_timings(other.meta)
    assert sum(len(p.annotations.claims) for p in batched) == 4


def test_each_answer_is_cached_once_even_when_a_paragraph_repeats(tmp_path):
    backend = ConcurrentScripted()
    extractor = _extractor(tmp_path / "cache", backend)
    puts: list[int] = []
    original = extractor.cache.put
    extractor.cache.put = lambda messages, generation: puts.append(1) or original(messages, generation)
    twice = [DOCS[0], Document("bakery-copy", DOCS[0].text)]
    first, second = extractor.extract(twice)
    assert backend.calls == 3 and len(puts) == 3
    assert [p["cached"] for p in first.meta["paragraphs"]] == [False] * 3
    assert [p["cached"] for p in second.meta["paragraphs"]] == [True] * 3
    assert first.annotations.claims == second.annotations.claims
    files = list((tmp_path / "cache").rglob("*.json"))
    assert len(files) == 3 and not list((tmp_path / "cache").rglob("*.tmp"))


def test_a_failed_paragraph_fails_its_document_only_and_is_asked_again_alone(tmp_path):
    failing = ConcurrentScripted(fail_on="فراس الشوبكي")
    bakery, library = _extractor(tmp_path, failing).extract(DOCS)
    assert not bakery.failed
    assert library.failed and "1 of 2 paragraph(s) not generated" in library.error and "HTTP 503" in library.error
    failed = [p for p in library.meta["paragraphs"] if "error" in p]
    assert len(failed) == 1 and failed[0]["paragraph"] == 1
    assert library.meta["usage"]["failed_requests"] == 1
    retry = ConcurrentScripted()
    again = _extractor(tmp_path, retry).extract(DOCS)
    assert retry.calls == 1 and not any(p.failed for p in again)


def test_usage_block_counts_requests_tokens_seconds_and_cached_requests(tmp_path):
    cold = _extractor(tmp_path, ConcurrentScripted()).extract(DOCS)
    usage = cold[0].meta["usage"]
    completions = [p["completion_tokens"] for p in cold[0].meta["paragraphs"]]
    assert usage["requests"] == 3 and usage["cached_requests"] == 0 and usage["failed_requests"] == 0
    assert usage["prompt_tokens"] == 3 * 120 and usage["completion_tokens"] == sum(completions) > 0
    assert usage["generation_seconds"] == pytest.approx(0.03, abs=0.001) and usage["attempts"] == 3
    warm = _extractor(tmp_path, ConcurrentScripted()).extract(DOCS)
    assert warm[1].meta["usage"] == {
        "requests": 0, "failed_requests": 0, "cached_requests": 2, "prompt_tokens": 0,
        "completion_tokens": 0, "generation_seconds": 0, "attempts": 0,
    }  # fmt: skip


def test_without_a_cache_every_paragraph_is_asked(tmp_path):
    backend = ConcurrentScripted()
    _extractor(None, backend).extract([DOCS[0], DOCS[0]])
    assert backend.calls == 6
