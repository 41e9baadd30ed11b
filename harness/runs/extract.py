"""Runs one extractor over documents: cache first, batches, failures kept.

Every document ends with exactly one :class:`Prediction`. An exception in a
batch is retried document by document so that one bad document does not sink
its neighbours; a document that still fails is recorded with the reason. An
answer of the wrong shape (missing or foreign document ids) is a failure too.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass
from typing import Callable, Sequence

from harness.extractors.base import Extractor, fingerprint_hash
from harness.model import Annotations, Document, Prediction
from harness.runs.cache import PredictionCache


@dataclass(frozen=True)
class ExtractionResult:
    """Predictions in document order, and what it took to get them."""

    predictions: tuple[Prediction, ...]
    computed: int
    cached: int
    failed: int
    #: Wall time spent inside ``extract`` (cache hits cost nothing here).
    extract_seconds: float
    #: Positions (in document order) whose prediction came from the cache.
    cached_positions: frozenset[int] = frozenset()


def _failure(doc: Document, error: BaseException | str) -> Prediction:
    if isinstance(error, BaseException):
        reason = f"{type(error).__name__}: {error}"
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
    else:
        reason = detail = error
    return Prediction(doc.doc_id, Annotations(doc.doc_id), error=reason, meta={"error_detail": detail})


def _checked(batch: Sequence[Document], output: object) -> list[Prediction]:
    """Match an extractor's output to its batch; anything missing or foreign is a failure."""
    if not isinstance(output, list) or not all(isinstance(p, Prediction) for p in output):
        return [_failure(d, f"extract() returned {type(output).__name__}, not a list of Prediction") for d in batch]
    by_id = {p.doc_id: p for p in output}
    results = []
    for doc in batch:
        prediction = by_id.get(doc.doc_id)
        results.append(prediction if prediction is not None else _failure(doc, "extract() returned no prediction for this document"))
    return results


def _extract_batch(extractor: Extractor, batch: Sequence[Document]) -> list[Prediction]:
    try:
        return _checked(batch, extractor.extract(list(batch)))
    except Exception as error:  # noqa: BLE001 - an extractor's failure is data, not a crash
        if len(batch) == 1:
            return [_failure(batch[0], error)]
    results = []
    for doc in batch:
        try:
            results.extend(_checked([doc], extractor.extract([doc])))
        except Exception as error:  # noqa: BLE001
            results.append(_failure(doc, error))
    return results


def run_extractor(
    extractor: Extractor,
    documents: Sequence[Document],
    cache: PredictionCache | None,
    batch_size: int = 8,
    on_progress: Callable[[int], None] | None = None,
) -> ExtractionResult:
    """Predictions for every document; cached ones are read, the rest computed and cached."""
    key = fingerprint_hash(extractor.fingerprint())
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

    seconds = 0.0
    for begin in range(0, len(todo), batch_size):
        indices = todo[begin : begin + batch_size]
        batch = [documents[i] for i in indices]
        started = time.perf_counter()
        predictions = _extract_batch(extractor, batch)
        seconds += time.perf_counter() - started
        for i, prediction in zip(indices, predictions):
            slots[i] = prediction
            if cache is not None:
                cache.put(key, documents[i].sha256, prediction)
        if on_progress is not None:
            on_progress(len(batch))

    predictions = tuple(p for p in slots if p is not None)
    return ExtractionResult(
        predictions=predictions,
        computed=len(todo),
        cached=cached,
        failed=sum(p.failed for p in predictions),
        extract_seconds=seconds,
        cached_positions=frozenset(set(range(len(documents))) - set(todo)),
    )
