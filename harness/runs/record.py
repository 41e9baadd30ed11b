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
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.annotations import Prediction
from harness.common.atomic import NotWritableError
from harness.scoring.results import DocumentResult, from_json, to_json
from harness.serialize import annotations_from_dict, annotations_to_dict


class RecordError(ValueError):
    """A run record file that cannot be read (damaged, truncated, edited by hand); the message names the file and line."""


#: Files every record has; ``documents.jsonl`` is read when present.
REQUIRED_FILES = ("run.json", "config.json", "predictions.jsonl", "metrics.json")
RESULTS_FILE = "documents.jsonl"
#: Track name given to records written before tracks existed.
UNNAMED_TRACK = "(no track)"


def new_run_id(setup: str, config_hash: str, now: datetime | None = None, track: str = "") -> str:
    """Sortable by time, readable, unique enough: ``20261122T101500123Z-rules-heldout-1a2b3c``."""
    now = now or datetime.now(UTC)
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


def check_prediction_line(data: dict[str, Any]) -> None:
    """Raise ValueError when a ``predictions.jsonl`` line cannot be read back into a Prediction."""
    if not isinstance(data.get("doc_id"), str):
        raise ValueError(f"doc_id must be a string, got {type(data.get('doc_id')).__name__}")
    if not isinstance(data.get("annotations"), dict):
        raise ValueError(f"annotations must be an object, got {type(data.get('annotations')).__name__}")
    if data.get("error") is not None and not isinstance(data["error"], str):
        raise ValueError("error must be a string or null")
    if not isinstance(data.get("meta", {}), dict):
        raise ValueError("meta must be an object")
    if "doc_sha256" in data and data["doc_sha256"] is not None and not isinstance(data["doc_sha256"], str):
        raise ValueError("doc_sha256 must be a string")
    try:
        prediction = prediction_from_json(data)
        for item in (*prediction.annotations.entities, *prediction.annotations.claims):
            hash(item)
    except (KeyError, TypeError, AttributeError, ValueError) as err:
        raise ValueError(f"annotations do not read back ({type(err).__name__}: {err})") from None


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
        file = self.path / "predictions.jsonl"
        lines = tuple(read_jsonl(file, ("doc_id", "annotations"), check=check_prediction_line))
        _check_count(file, len(lines), self.run)
        return lines


def read_jsonl(path: Path, required: tuple[str, ...] = (), check: Callable[[dict[str, Any]], None] | None = None) -> list[dict[str, Any]]:
    """The objects of a JSON-lines file; errors (:class:`RecordError`) name the file and line.

    ``check`` is called on each object and raises ValueError for one it cannot use.
    A last line without its newline is read like any other: a record is
    written whole before it is renamed into place, so a cut line is damage,
    and it shows as invalid JSON or a missing field.
    """
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as err:
        raise FileNotFoundError(f"{path}: cannot read: {err.strerror}") from None
    except UnicodeDecodeError as err:
        raise RecordError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start}; truncated or damaged?)") from None
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except (ValueError, RecursionError) as err:
            raise RecordError(f"{path}: line {number}: not valid JSON: {_short(err)}") from None
        if not isinstance(data, dict) or any(key not in data for key in required):
            raise RecordError(f"{path}: line {number}: expected an object with {', '.join(required) or 'fields'}")
        if check is not None:
            try:
                check(data)
            except (ValueError, RecursionError) as err:
                raise RecordError(f"{path}: line {number}: {_short(err)}") from None
        lines.append(data)
    return lines


def _check_count(file: Path, lines: int, run: dict[str, Any]) -> None:
    """A per-document file holds one line per document of the run (``run.json`` ``corpus.documents``)."""
    expected = (run.get("corpus") or {}).get("documents") if isinstance(run.get("corpus"), dict) else None
    if isinstance(expected, int) and not isinstance(expected, bool) and lines != expected:
        raise RecordError(f"{file}: {lines} line(s) for the run's {expected} documents (truncated or edited?)")


def _short(err: BaseException, limit: int = 300) -> str:
    """An exception's message cut to ``limit`` characters (a message may quote a huge value)."""
    text = str(err) if not isinstance(err, RecursionError) else "nested too deeply"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


#: How many other names a record tries when its run id is taken (two runs started in the same millisecond).
ID_ATTEMPTS = 20


def write_record(runs_dir: Path, record: RunRecord) -> RunRecord:
    """Write the record's files into a temporary directory, then rename it into place.

    Returns the record with its ``path`` set (and its ``run_id``, which gets a
    ``-2``, ``-3``... suffix when another process wrote a record of the same
    id first: two runs of one setup and track started in the same
    millisecond). The per-document results and prediction lines must be given
    in memory. A folder that cannot be written raises :class:`NotWritableError`
    naming it.
    """
    if record.results is None or record.prediction_lines is None:
        raise ValueError(f"run record {record.run_id}: results and predictions must be given to write it")
    try:
        runs_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=runs_dir, prefix=f".{record.run_id}."))
    except OSError as err:
        raise NotWritableError(runs_dir, err) from err
    try:
        for attempt in range(1, ID_ATTEMPTS + 1):
            run_id = record.run_id if attempt == 1 else f"{record.run_id}-{attempt}"
            final = runs_dir / run_id
            if final.exists():
                continue
            record = replace(record, run_id=run_id, run={**record.run, "run_id": run_id})
            _write_files(staging, record)
            try:
                os.rename(staging, final)
            except OSError as err:
                if final.exists():  # taken between the check and the rename: try the next name
                    continue
                raise NotWritableError(final, err) from err
            return replace(record, path=final)
        raise FileExistsError(f"run record {runs_dir / record.run_id} exists already (and {ID_ATTEMPTS - 1} suffixed names)")
    except OSError as err:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(err, (NotWritableError, FileExistsError)):
            raise
        raise NotWritableError(staging, err) from err
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_files(staging: Path, record: RunRecord) -> None:
    """The record's files (five, and a judge's extra ones), written and flushed to disk inside ``staging``."""
    assert record.results is not None and record.prediction_lines is not None
    for name, data in (("run.json", record.run), ("config.json", record.config), ("metrics.json", record.metrics)):
        with (staging / name).open("w", encoding="utf-8") as handle:
            handle.write(_dump(data))
            handle.flush()
            os.fsync(handle.fileno())
    lines_files = (("predictions.jsonl", record.prediction_lines), (RESULTS_FILE, [to_json(r) for r in record.results]), *record.extra_lines)
    for name, lines in lines_files:
        with (staging / name).open("w", encoding="utf-8") as handle:
            for line in lines:
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as err:
        raise FileNotFoundError(f"{path}: cannot read: {err.strerror}") from None
    except UnicodeDecodeError as err:
        raise RecordError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start}; truncated or damaged?)") from None
    except (ValueError, RecursionError) as err:
        raise RecordError(f"{path}: not valid JSON: {_short(err)}") from None
    if not isinstance(data, dict):
        raise RecordError(f"{path}: expected a JSON object, got {type(data).__name__}")
    return data


def read_results(path: Path) -> tuple[DocumentResult, ...] | None:
    """The per-document results of a record directory, or None for a record from before they were kept."""
    file = path / RESULTS_FILE
    if not file.exists():
        return None
    results = []
    for i, line in enumerate(read_jsonl(file, ("doc_id",)), start=1):
        try:
            results.append(from_json(line, f"{file}: line {i}"))
        except (ValueError, RecursionError) as err:
            raise RecordError(_short(err) if not isinstance(err, RecursionError) else f"{file}: line {i}: nested too deeply") from None
    return tuple(results)


def read_record(path: Path, with_results: bool = False) -> RunRecord:
    """A run record directory; the error names the missing or broken file."""
    path = Path(path)
    for name in REQUIRED_FILES:
        if not (path / name).is_file():
            raise FileNotFoundError(f"{path}: not a run record (missing {name})")
    run, config, metrics = (_read_json(path / name) for name in ("run.json", "config.json", "metrics.json"))
    try:
        InSample.from_json(run.get("in_sample"))
    except (TypeError, ValueError, OverflowError) as err:
        raise RecordError(f"{path / 'run.json'}: in_sample: {_short(err)}") from None
    results = read_results(path) if with_results else None
    if results is not None:
        _check_count(path / RESULTS_FILE, len(results), run)
    return RunRecord(str(run.get("run_id", path.name)), run, config, metrics, path, results)
