"""One batch of documents through one extractor, with failures kept per document.

This is the unit of work every executor runs (in this process, in a worker
process or on a Ray actor), so a document fails the same way wherever it ran:
an exception in a batch is retried document by document, so that one bad
document does not sink its neighbours; a document that still fails is
recorded with the reason. An answer of the wrong shape (missing or foreign
document ids) is a failure too. Only ``Exception`` is data: a
``KeyboardInterrupt`` or ``SystemExit`` stops the run.
"""

from __future__ import annotations

import traceback
from collections.abc import Sequence

from harness.annotations import Annotations, Document, Prediction
from harness.extractors.base import Extractor


def failure(doc: Document, error: BaseException | str) -> Prediction:
    """A failed prediction for ``doc``, with the reason and, for an exception, its one-line detail."""
    if isinstance(error, BaseException):
        reason = f"{type(error).__name__}: {error}"
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
    else:
        reason = detail = error
    return Prediction(doc.doc_id, Annotations(doc.doc_id), error=reason, meta={"error_detail": detail})


def checked(batch: Sequence[Document], output: object) -> list[Prediction]:
    """Match an extractor's output to its batch; anything missing or foreign is a failure."""
    if not isinstance(output, list) or not all(isinstance(p, Prediction) for p in output):
        return [failure(d, f"extract() returned {type(output).__name__}, not a list of Prediction") for d in batch]
    by_id = {p.doc_id: p for p in output}
    results = []
    for doc in batch:
        prediction = by_id.get(doc.doc_id)
        results.append(prediction if prediction is not None else failure(doc, "extract() returned no prediction for this document"))
    return results


def extract_batch(extractor: Extractor, batch: Sequence[Document]) -> list[Prediction]:
    """One prediction per document of ``batch``, in order; see the module doc for failures."""
    try:
        return checked(batch, extractor.extract(list(batch)))
    except Exception as error:  # noqa: BLE001 - an extractor's failure is data, not a crash
        if len(batch) == 1:
            return [failure(batch[0], error)]
    results = []
    for doc in batch:
        try:
            results.extend(checked([doc], extractor.extract([doc])))
        except Exception as error:  # noqa: BLE001
            results.append(failure(doc, error))
    return results
