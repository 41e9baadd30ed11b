"""The prediction cache: one file per (extractor identity, document hash).

The key holds everything that can change an output (FIELD.md: a cache keyed
without the model identity served one model's answers as another's): the
extractor's fingerprint (model files, prompt, settings) and its code identity
(:mod:`harness.extractors.identity`: the source and data files behind it), so
a hit is always an answer of the code and model under test. Each entry also
records the SHA-256 of its own content; an entry edited by hand (or damaged)
no longer matches it and is recomputed, not served. Failed documents are never
cached: a later run tries again. Because every finished document is written at
once, the cache is also what an interrupted run resumes from.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from harness.annotations import Prediction
from harness.common.atomic import NotWritableError, write_json_atomic
from harness.serialize import annotations_from_dict, annotations_to_dict

#: Version of the entry layout; entries of another layout are misses.
ENTRY_FORMAT = 2


def content_sha256(annotations: dict[str, Any], meta: dict[str, Any]) -> str:
    """SHA-256 of an entry's payload in a canonical JSON form."""
    canonical = json.dumps({"annotations": annotations, "meta": meta}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class PredictionCache:
    def __init__(self, root: Path):
        self.root = root
        #: Entries met that were not served, and why (a damaged or hand-edited file).
        self.rejected: list[str] = []
        #: Entries that could not be written (a read-only or full disk), and why: the run
        #: goes on without them and says so, it only loses the chance to resume from them.
        self.unwritten: list[str] = []

    def _path(self, key: str, doc_sha256: str) -> Path:
        return self.root / key / f"{doc_sha256}.json"

    def get(self, key: str, doc_sha256: str, doc_id: str) -> Prediction | None:
        """The cached prediction, re-labelled with ``doc_id`` (the same text may have another id)."""
        path = self._path(key, doc_sha256)
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != ENTRY_FORMAT:
                return None
            if data.get("key") != key or data.get("doc_sha256") != doc_sha256:
                self.rejected.append(f"{path}: names another key or document")
                return None
            annotations, meta = data["annotations"], data.get("meta", {})
            if data.get("content_sha256") != content_sha256(annotations, meta):
                self.rejected.append(f"{path}: content does not match its recorded SHA-256 (edited or damaged); recomputed")
                return None
            parsed = annotations_from_dict({**annotations, "doc_id": doc_id})
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as err:
            self.rejected.append(f"{path}: unreadable ({type(err).__name__}); recomputed")
            return None
        return Prediction(doc_id=doc_id, annotations=parsed, meta=meta)

    def put(self, key: str, doc_sha256: str, prediction: Prediction) -> None:
        if prediction.failed:
            return
        annotations = annotations_to_dict(prediction.annotations)
        try:
            write_json_atomic(
                self._path(key, doc_sha256),
                {
                    "format": ENTRY_FORMAT,
                    "key": key,
                    "doc_sha256": doc_sha256,
                    "content_sha256": content_sha256(annotations, prediction.meta),
                    "annotations": annotations,
                    "meta": prediction.meta,
                },
            )
        except NotWritableError as err:
            self.unwritten.append(str(err))
