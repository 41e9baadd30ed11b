"""What an extractor is: the Protocol every plug-in implements.

The harness never names a concrete extractor; it asks the registry
(:mod:`harness.extractors.registry`) for one by name and talks to it only
through this Protocol. An extractor knows nothing of runs, caches or reports.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from harness.annotations import Document, Prediction

#: The project's own annotation convention (``gold/GUIDELINES.md``).
PROJECT_CONVENTION = "project"


@runtime_checkable
class Extractor(Protocol):
    """Reads documents, returns entities and claims for each.

    ``entity_labels`` and ``claim_slots`` declare what the extractor can
    produce, so that it is scored over what it attempts as well as over
    everything. Two optional declarations are read with defaults (plug-ins
    written before them keep working): ``convention``, the annotation
    convention its output follows (:func:`declared_convention`), and
    ``shaped_by()``, the texts that shaped it (:func:`shaping_texts`), so that
    scores on those texts are marked in-sample. ``extract`` must return one :class:`Prediction` per input
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


@dataclass(frozen=True)
class ShapingText:
    """A body of text that shaped an extractor: rules written while reading it, a model
    trained on it, prompt examples taken from it.

    A score on a corpus that shares text with it is *in-sample*: evidence of
    fit, not of quality. Texts are identified by the SHA-256 of each unit (a
    document's text, or a CoNLL sentence's tokens joined by single spaces), so
    the harness can tell which documents of a corpus the extractor has seen.
    """

    #: What the text is, e.g. "the five seed articles".
    name: str
    #: How it shaped the extractor, e.g. "gazetteers and cue lists written while reading it".
    how: str
    #: SHA-256 (hex) of each text unit.
    unit_sha256: frozenset[str]


#: Beside a model's weights (or in a rules package): the texts that shaped it, as ``ShapingText`` JSON.
SHAPING_FILE = "shaped_by.json"


def read_shaping_file(path: Path) -> tuple[tuple[ShapingText, ...], str | None]:
    """The shaping texts recorded in ``path`` and the annotation convention it names (absent file: none).

    Format: ``{"convention": "anercorp", "texts": [{"name": ..., "how": ..., "unit_sha256": [...]}]}``.
    """
    if not path.is_file():
        return (), None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        texts = tuple(ShapingText(str(t["name"]), str(t["how"]), frozenset(map(str, t["unit_sha256"]))) for t in data.get("texts", ()))
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        raise ValueError(f"{path}: not a shaping file ({SHAPING_FILE} format): {err}") from None
    convention = data.get("convention")
    return texts, convention if isinstance(convention, str) else None


def write_shaping_file(path: Path, texts: Sequence[ShapingText], convention: str | None = None) -> None:
    """Write the texts that shaped a model or rule set (sorted, so the file is stable)."""
    data: dict[str, Any] = {}
    if convention is not None:
        data["convention"] = convention
    data["texts"] = [{"name": t.name, "how": t.how, "unit_sha256": sorted(t.unit_sha256)} for t in texts]
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def declared_convention(extractor: object) -> str:
    """The annotation convention an extractor's output follows (``convention``; default the project's)."""
    value = getattr(extractor, "convention", PROJECT_CONVENTION)
    return value if isinstance(value, str) and value else PROJECT_CONVENTION


def shaping_texts(extractor: object) -> tuple[ShapingText, ...]:
    """The texts that shaped an extractor (``shaped_by()``; none declared when it has no such method)."""
    method = getattr(extractor, "shaped_by", None)
    return tuple(method()) if callable(method) else ()


#: ``Prediction.meta`` key an extractor with a cache of its own sets to True when a
#: document's prediction was rebuilt from that cache without running the model;
#: the runner then reports no speed for the run instead of a meaningless one.
REUSED_CACHED_WORK = "reused_cached_work"


def fingerprint_hash(fingerprint: dict[str, Any]) -> str:
    """A stable short hash of a fingerprint (key order does not matter)."""
    canonical = json.dumps(fingerprint, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
