"""The Judge protocol: decide, pair by pair, whether a prediction asserts what the gold claims.

A judge has a ``name``, an ``identity()`` (everything that can change its
verdicts: rules and thresholds, or model, prompt text and decoding; hashed
into its fingerprint, which keys its cache and is recorded with every run it
judged and every agreement it was measured at) and ``judge(items)``, which
returns one :class:`~harness.judging.items.Judgement` per item, in order.
A judge never turns an answer it could not read into a verdict: such an
item is unjudged (verdict None) and keeps the raw answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from harness.judging.items import JudgeItem, Judgement


@runtime_checkable
class Judge(Protocol):
    name: str

    def identity(self) -> dict[str, Any]:
        """Everything that changes the verdicts (JSON types only)."""
        ...

    def judge(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        """One judgement per item, in the items' order."""
        ...


def identity_hash(identity: dict[str, Any]) -> str:
    """The judge's fingerprint: 16 hex digits of the SHA-256 of its canonical identity."""
    canonical = json.dumps(identity, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
