"""Run records: one directory per (run, extractor setup, track) under ``results/runs/``.

Layout of ``results/runs/<run_id>/``::

    run.json           what ran: setup, track, extractor (fingerprint, convention), corpus,
                       hashes, versions, git commit, seed, scoring settings, in-sample
                       marking, timings
    config.json        the resolved setup and run settings
    predictions.jsonl  one line per document, failures included
    documents.jsonl    one line per document: its per-document scoring result
                       (counts, alignments, verdicts; harness.scoring.results)
    metrics.json       the scores (shape: docs/metrics.md)

:class:`RunRecord` is the typed record: :func:`write_record` writes it once
(assembled under a temporary name and renamed into place, so a record exists
whole or not at all) and the same object is handed to the registry; readers
get it back with :func:`read_record`. Records written before
``documents.jsonl`` existed (``metrics.json`` schema 1) still read; their
per-document results are ``None`` and must be scored from the predictions.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from harness.model import Prediction
from harness.scoring.results import DocumentResult, from_json, to_json
from harness.serialize import annotations_from_dict, annotations_to_dict

#: Files every record has; ``documents.jsonl`` is read when present.
REQUIRED_FILES = ("run.json", "config.json", "predictions.jsonl", "metrics.json")
RESULTS_FILE = "documents.jsonl"
#: Track name given to records written before tracks existed.
UNNAMED_TRACK = "(no track)"


def new_run_id(setup: str, config_hash: str, now: datetime | None = None, track: str = "") -> str:
    """Sortable by time, readable, unique enough: ``20261122T101500123Z-rules-heldout-1a2b3c``."""
    now = now or datetime.now(timezone.utc)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{setup}-{track}" if track else setup).strip("-") or "setup"
    return f"{now:%Y%m%dT%H%M%S}{now.microsecond // 1000:03d}Z-{safe}-{config_hash[:6]}"


def prediction_to_json(prediction: Prediction, doc_sha256: str, cached: bool) -> dict[str, Any]:
    return {
        "doc_id": prediction.doc_id,
        "doc_sha256": doc_sha256,
        "error": prediction.error,
        "cached": cached,
        "annotations": annotations_to_dict(prediction.annotations),
        "meta": prediction.meta,
    }


def prediction_from_json(data: dict[str, Any]) -> Prediction:
    return Prediction(
        doc_id=data["doc_id"],
        annotations=annotations_from_dict(data["annotations"]),
        error=data.get("error"),
        meta=data.get("meta", {}),
    )


@dataclass(frozen=True)
class InSample:
    """How much of the scored corpus is text that shaped the extractor."""

    #: Names of the shaping texts the corpus shares documents with.
    texts: tuple[str, ...] = ()
    #: Documents of the corpus that share a text unit with them.
    documents: int = 0
    #: ``documents`` over the corpus's documents.
    share: float = 0.0

    @property
    def marked(self) -> bool:
        """Is the score in-sample (any scored document was seen while building the extractor)?"""
        return self.documents > 0

    def to_json(self) -> dict[str, Any]:
        return {"texts": list(self.texts), "documents": self.documents, "share": round(self.share, 6)}

    @classmethod
    def from_json(cls, data: Any) -> InSample:
        if not isinstance(data, dict):
            return cls()
        return cls(tuple(data.get("texts") or ()), int(data.get("documents") or 0), float(data.get("share") or 0.0))

    def describe(self) -> str:
        if not self.marked:
            return "out of sample"
        return f"in-sample: {self.documents} document(s) ({self.share:.0%}) from {', '.join(self.texts)}"


@dataclass(frozen=True)
class RunRecord:
    """One run of one setup on one track, as written to and read from its directory."""

    run_id: str
    #: ``run.json`` as a mapping (setup, track, extractor, corpus, timings, versions, ...).
    run: dict[str, Any]
    #: ``config.json``: the resolved setup and run settings.
    config: dict[str, Any]
    #: ``metrics.json``.
    metrics: dict[str, Any]
    #: Where the record lives (None before it is written).
    path: Path | None = None
    #: Per-document results, when given in memory or read from ``documents.jsonl``.
    results: tuple[DocumentResult, ...] | None = field(default=None, compare=False)
    #: Predictions, when given in memory (otherwise read lazily from ``predictions.jsonl``).
    prediction_lines: tuple[dict[str, Any], ...] | None = field(default=None, compare=False, repr=False)
    #: More JSON-lines files to write with the record, ``(file name, lines)`` (e.g. a judge's ``judgements.jsonl``).
    extra_lines: tuple[tuple[str, tuple[dict[str, Any], ...]], ...] = field(default=(), compare=False, repr=False)

    # -- the fields readers need most, typed --------------------------------------
    @property
    def setup(self) -> str:
        return str(self.run.get("setup", ""))

    @property
    def track(self) -> str:
        return str(self.run.get("track") or UNNAMED_TRACK)

    @property
    def gold_sha256(self) -> str:
        return str(self.run.get("gold_sha256", ""))

    @property
    def corpus_source(self) -> str | None:
        return (self.run.get("corpus") or {}).get("source")

    @property
    def corpus_spec(self) -> dict[str, Any]:
        """How the corpus was read (path and CoNLL options), as recorded."""
        corpus = self.run.get("corpus") or {}
        return dict(corpus.get("spec") or {"path": corpus.get("source")})

    @property
    def in_sample(self) -> InSample:
        return InSample.from_json(self.run.get("in_sample"))

    @property
    def extractor(self) -> dict[str, Any]:
        return dict(self.run.get("extractor") or {})

    @property
    def schema_version(self) -> int:
        return int(self.metrics.get("schema_version", 1))

    def predictions(self) -> list[Prediction]:
        return [prediction_from_json(line) for line in self.prediction_json()]

    def prediction_json(self) -> tuple[dict[str, Any], ...]:
        """The lines of ``predictions.jsonl``; errors name the file and line."""
        if self.prediction_lines is not None:
            return self.prediction_lines
        if self.path is None:
            return ()
        return tuple(read_jsonl(self.path / "predictions.jsonl", ("doc_id", "annotations")))


def read_jsonl(path: Path, required: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """The objects of a JSON-lines file; errors name the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise FileNotFoundError(f"{path}: cannot read: {err.strerror}") from None
    except UnicodeDecodeError as err:
        raise ValueError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except ValueError as err:
            raise ValueError(f"{path}: line {number}: not valid JSON: {err}") from None
        if not isinstance(data, dict) or any(key not in data for key in required):
            raise ValueError(f"{path}: line {number}: expected an object with {', '.join(required) or 'fields'}")
        lines.append(data)
    return lines


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_record(runs_dir: Path, record: RunRecord) -> RunRecord:
    """Write the record's files into a temporary directory, then rename it into place.

    Returns the record with its ``path`` set. The per-document results and
    prediction lines must be given in memory.
    """
    if record.results is None or record.prediction_lines is None:
        raise ValueError(f"run record {record.run_id}: results and predictions must be given to write it")
    runs_dir.mkdir(parents=True, exist_ok=True)
    final = runs_dir / record.run_id
    if final.exists():
        raise FileExistsError(f"run record {final} exists already")
    staging = Path(tempfile.mkdtemp(dir=runs_dir, prefix=f".{record.run_id}."))
    try:
        (staging / "run.json").write_text(_dump(record.run), encoding="utf-8")
        (staging / "config.json").write_text(_dump(record.config), encoding="utf-8")
        (staging / "metrics.json").write_text(_dump(record.metrics), encoding="utf-8")
        for name, lines in (("predictions.jsonl", record.prediction_lines), (RESULTS_FILE, [to_json(r) for r in record.results]), *record.extra_lines):
            with (staging / name).open("w", encoding="utf-8") as handle:
                for line in lines:
                    handle.write(json.dumps(line, ensure_ascii=False) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return replace(record, path=final)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise FileNotFoundError(f"{path}: cannot read: {err.strerror}") from None
    except (ValueError, RecursionError) as err:
        raise ValueError(f"{path}: not valid JSON: {err}") from None
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a JSON object, got {type(data).__name__}")
    return data


def read_results(path: Path) -> tuple[DocumentResult, ...] | None:
    """The per-document results of a record directory, or None for a record from before they were kept."""
    file = path / RESULTS_FILE
    if not file.exists():
        return None
    return tuple(from_json(line, f"{file}: line {i}") for i, line in enumerate(read_jsonl(file, ("doc_id",)), start=1))


def read_record(path: Path, with_results: bool = False) -> RunRecord:
    """A run record directory; the error names the missing or broken file."""
    path = Path(path)
    for name in REQUIRED_FILES:
        if not (path / name).is_file():
            raise FileNotFoundError(f"{path}: not a run record (missing {name})")
    run, config, metrics = (_read_json(path / name) for name in ("run.json", "config.json", "metrics.json"))
    results = read_results(path) if with_results else None
    return RunRecord(str(run.get("run_id", path.name)), run, config, metrics, path, results)
