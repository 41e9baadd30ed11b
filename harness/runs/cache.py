"""The prediction cache: one file per (extractor fingerprint, document hash).

The key holds everything that can change an output (FIELD.md: a cache keyed
without the model identity served one model's answers as another's), so a hit
is always right. Failed documents are never cached: a later run tries again.
Because every finished document is written at once, the cache is also what an
interrupted run resumes from.
"""

from __future__ import annotations

import json
from pathlib import Path

from harness.model import Prediction
from harness.runs.atomic import write_json_atomic
from harness.serialize import annotations_from_dict, annotations_to_dict


class PredictionCache:
    def __init__(self, root: Path):
        self.root = root

    def _path(self, fingerprint_hash: str, doc_sha256: str) -> Path:
        return self.root / fingerprint_hash / f"{doc_sha256}.json"

    def get(self, fingerprint_hash: str, doc_sha256: str, doc_id: str) -> Prediction | None:
        """The cached prediction, re-labelled with ``doc_id`` (the same text may have another id)."""
        path = self._path(fingerprint_hash, doc_sha256)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("fingerprint_hash") != fingerprint_hash or data.get("doc_sha256") != doc_sha256:
            return None
        annotations = annotations_from_dict({**data["annotations"], "doc_id": doc_id})
        return Prediction(doc_id=doc_id, annotations=annotations, meta=data.get("meta", {}))

    def put(self, fingerprint_hash: str, doc_sha256: str, prediction: Prediction) -> None:
        if prediction.failed:
            return
        write_json_atomic(
            self._path(fingerprint_hash, doc_sha256),
            {
                "fingerprint_hash": fingerprint_hash,
                "doc_sha256": doc_sha256,
                "annotations": annotations_to_dict(prediction.annotations),
                "meta": prediction.meta,
            },
        )
