"""What an extractor is: the Protocol every plug-in implements.

The harness never names a concrete extractor; it asks the registry
(:mod:`harness.extractors.registry`) for one by name and talks to it only
through this Protocol. An extractor knows nothing of runs, caches or reports.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Protocol, Sequence, runtime_checkable

from harness.model import Document, Prediction


@runtime_checkable
class Extractor(Protocol):
    """Reads documents, returns entities and claims for each.

    ``entity_labels`` and ``claim_slots`` declare what the extractor can
    produce, so that it is scored over what it attempts as well as over
    everything. ``extract`` must return one :class:`Prediction` per input
    document, in order; a document it cannot handle gets a Prediction with
    ``error`` set rather than an exception, although the runner also catches
    exceptions and records them per document.
    """

    name: str
    version: str
    entity_labels: tuple[str, ...]
    claim_slots: tuple[str, ...]
    emits_claims: bool

    def fingerprint(self) -> dict[str, Any]:
        """Everything that changes the output: code version, model id and
        revision or file hash, prompt, settings. Two extractors with equal
        fingerprints must give equal predictions; the prediction cache relies
        on it."""
        ...

    def extract(self, documents: Sequence[Document]) -> list[Prediction]:
        """Predictions for a batch of documents, in the same order."""
        ...


#: ``Prediction.meta`` key an extractor with a cache of its own sets to True when a
#: document's prediction was rebuilt from that cache without running the model;
#: the runner then reports no speed for the run instead of a meaningless one.
REUSED_CACHED_WORK = "reused_cached_work"


def fingerprint_hash(fingerprint: dict[str, Any]) -> str:
    """A stable short hash of a fingerprint (key order does not matter)."""
    canonical = json.dumps(fingerprint, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
