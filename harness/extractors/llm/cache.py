"""Cache of raw generations: one file per (generation fingerprint, prompt).

Generating is the slow part (seconds per paragraph on a CPU); parsing and
grounding take milliseconds. Keeping the raw text of every answer means a
repeated run generates nothing, and a run after a parser or grounding fix
re-reads the same answers instead of asking the model again.

The key is the SHA-256 of the generation fingerprint (backend identity with
the model file's hash, prompt template hash, decoding settings) together
with the rendered messages (so the paragraph and its headline). Errors and
empty answers are not cached: the next run tries again. Files are written
atomically, so an interrupted run leaves no half-written entry.
Layout: ``<root>/<fingerprint hash>/<key[:2]>/<key>.json``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from harness.common.atomic import write_json_atomic
from harness.extractors.llm.backends.base import ChatMessage, Generation


def _digest(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class GenerationCache:
    def __init__(self, root: Path, fingerprint: dict[str, Any]):
        self.root = Path(root)
        self.fingerprint_hash = _digest(fingerprint)[:16]

    def key(self, messages: Sequence[ChatMessage]) -> str:
        return _digest({"fingerprint": self.fingerprint_hash, "messages": [[m.role, m.content] for m in messages]})

    def _path(self, key: str) -> Path:
        return self.root / self.fingerprint_hash / key[:2] / f"{key}.json"

    def get(self, messages: Sequence[ChatMessage]) -> Generation | None:
        key = self.key(messages)
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("generation"), dict):
            return None
        try:
            return Generation(**data["generation"])
        except TypeError:
            return None

    def put(self, messages: Sequence[ChatMessage], generation: Generation) -> bool:
        """Store a non-empty answer; returns whether it was stored."""
        if not generation.text.strip():
            return False
        key = self.key(messages)
        write_json_atomic(self._path(key), {"key": key, "fingerprint_hash": self.fingerprint_hash, "generation": asdict(generation)})
        return True
