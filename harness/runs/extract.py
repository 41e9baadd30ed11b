"""Runs one extractor over documents: cache first, batches on an executor, failures kept.

Every document ends with exactly one :class:`Prediction`. The documents the
cache does not hold are cut into batches of ``batch_size`` (in document
order, so the batches are the same whichever executor runs them) and handed
to an executor (:mod:`harness.runs.executors`; serial by default). Failures
are kept per document (:mod:`harness.runs.batches`). This process alone
writes the cache, each batch's documents as soon as the batch is back, so an
interrupted run resumes from everything that had finished; failed documents
are never cached.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass

from harness.annotations import Document, Prediction
from harness.extractors.base import Extractor, fingerprint_hash
from harness.extractors.identity import cache_key
from harness.runs.cache import PredictionCache
from harness.runs.executors import (
    Executor,
    ExecutorError,
    ExtractorSpec,
    SerialExecutor,
)


@dataclass(frozen=True)
class ExtractionResult:
    """Predictions in document order, and what it took to get them."""

    predictions: tuple[Prediction, ...]
    computed: int
    cached: int
    failed: int
    #: Seconds this process waited for the executor: with the serial executor, the
    #: time spent inside ``extract``; with workers, the wall time from starting them
    #: (model loading included) to the last batch, less this process's own cache
    #: writes. Cache hits cost nothing here.
    extract_seconds: float
    #: Positions (in document order) whose prediction came from the cache.
    cached_positions: frozenset[int] = frozenset()
    #: Seconds of extraction per computed document (its batch's time shared evenly), by position.
    document_seconds: tuple[tuple[int, float], ...] = ()


def run_extractor(
    extractor: Extractor,
    documents: Sequence[Document],
    cache: PredictionCache | None,
    batch_size: int = 8,
    on_progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
    spec: ExtractorSpec | None = None,
) -> ExtractionResult:
    """Predictions for every document; cached ones are read, the rest computed and cached.

    ``executor`` runs the batches (default :class:`SerialExecutor`, which uses
    ``extractor`` itself). Workers build their extractor from ``spec`` when it
    is given (it must build one with ``extractor``'s fingerprint: every batch
    is checked), else from a pickled copy of ``extractor``. ``on_progress`` is
    called with the number of documents each time the cache answers or a
    batch comes back.
    """
    executor = executor or SerialExecutor()
    fingerprint = extractor.fingerprint()
    expected = fingerprint_hash(fingerprint)
    key = cache_key(extractor, fingerprint)
    slots: list[Prediction | None] = [None] * len(documents)
    todo: list[int] = []
    for i, doc in enumerate(documents):
        hit = cache.get(key, doc.sha256, doc.doc_id) if cache is not None else None
        if hit is not None:
            slots[i] = hit
        else:
            todo.append(i)
    cached = len(documents) - len(todo)
    if on_progress is not None and cached:
        on_progress(cached)

    positions = [todo[begin : begin + batch_size] for begin in range(0, len(todo), batch_size)]
    batches = [[documents[i] for i in indices] for indices in positions]

    seconds = 0.0
    per_document: list[tuple[int, float]] = []
    started = time.perf_counter()
    with closing(executor.run_batches(extractor, spec, batches)) as outcomes:
        for outcome in outcomes:
            seconds += time.perf_counter() - started
            if outcome.fingerprint_hash != expected:
                raise ExecutorError(
                    f"a {executor.name} worker built extractor {extractor.name!r} with fingerprint hash "
                    f"{outcome.fingerprint_hash}, not the run's {expected}: its params, code or model files differ "
                    "from this process's; nothing of that batch was cached"
                )
            indices = positions[outcome.index]
            if len(outcome.predictions) != len(indices):  # pragma: no cover - extract_batch always matches
                raise ExecutorError(f"batch {outcome.index} came back with {len(outcome.predictions)} predictions for {len(indices)} documents")
            for i, prediction in zip(indices, outcome.predictions):
                slots[i] = prediction
                per_document.append((i, outcome.seconds / len(indices)))
                if cache is not None:
                    cache.put(key, documents[i].sha256, prediction)
            if on_progress is not None:
                on_progress(len(indices))
            started = time.perf_counter()

    missing = [documents[i].doc_id for i, p in enumerate(slots) if p is None]
    if missing:
        raise ExecutorError(f"the {executor.name} executor returned no prediction for {len(missing)} document(s): {', '.join(missing[:8])}")
    predictions = tuple(p for p in slots if p is not None)
    return ExtractionResult(
        predictions=predictions,
        computed=len(todo),
        cached=cached,
        failed=sum(p.failed for p in predictions),
        extract_seconds=seconds,
        cached_positions=frozenset(set(range(len(documents))) - set(todo)),
        document_seconds=tuple(sorted(per_document)),
    )
