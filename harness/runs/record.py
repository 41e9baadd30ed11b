"""Run records: one directory per (run, extractor setup) under ``results/runs/``.

Layout of ``results/runs/<run_id>/``::

    run.json           what ran: setup, extractor, fingerprint, hashes, versions,
                       git commit, seed, timings, corpus
    config.json        the resolved setup and run settings
    predictions.jsonl  one line per document, failures included
    metrics.json       the scores (shape: docs/metrics.md)

The directory is assembled under a temporary name and renamed into place, so
a record either exists whole or not at all.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from harness.model import Prediction
from harness.serialize import annotations_from_dict, annotations_to_dict

RECORD_FILES = ("run.json", "config.json", "predictions.jsonl", "metrics.json")


def new_run_id(setup: str, config_hash: str, now: datetime | None = None) -> str:
    """Sortable by time, readable, unique enough: ``20261122T101500Z-rules-1a2b3c``."""
    now = now or datetime.now(timezone.utc)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", setup).strip("-") or "setup"
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
class RunRecord:
    """A run record as read back from disk."""

    run_id: str
    path: Path
    run: dict[str, Any]
    config: dict[str, Any]
    metrics: dict[str, Any]

    def predictions(self) -> list[Prediction]:
        lines = (self.path / "predictions.jsonl").read_text(encoding="utf-8").splitlines()
        return [prediction_from_json(json.loads(line)) for line in lines if line.strip()]


def write_record(
    runs_dir: Path,
    run_id: str,
    run: dict[str, Any],
    config: dict[str, Any],
    prediction_lines: list[dict[str, Any]],
    metrics: dict[str, Any],
) -> Path:
    """Write the four files into a temporary directory, then rename it into place."""
    runs_dir.mkdir(parents=True, exist_ok=True)
    final = runs_dir / run_id
    if final.exists():
        raise FileExistsError(f"run record {final} exists already")
    staging = Path(tempfile.mkdtemp(dir=runs_dir, prefix=f".{run_id}."))
    try:
        dump = lambda data: json.dumps(data, ensure_ascii=False, indent=2) + "\n"  # noqa: E731
        (staging / "run.json").write_text(dump(run), encoding="utf-8")
        (staging / "config.json").write_text(dump(config), encoding="utf-8")
        (staging / "metrics.json").write_text(dump(metrics), encoding="utf-8")
        with (staging / "predictions.jsonl").open("w", encoding="utf-8") as handle:
            for line in prediction_lines:
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def read_record(path: Path) -> RunRecord:
    """A run record directory; the error names the missing or broken file."""
    for name in RECORD_FILES:
        if not (path / name).is_file():
            raise FileNotFoundError(f"{path}: not a run record (missing {name})")
    loaded = {}
    for name in ("run.json", "config.json", "metrics.json"):
        try:
            loaded[name] = json.loads((path / name).read_text(encoding="utf-8"))
        except ValueError as err:
            raise ValueError(f"{path / name}: not valid JSON: {err}") from None
    return RunRecord(path.name, path, loaded["run.json"], loaded["config.json"], loaded["metrics.json"])
