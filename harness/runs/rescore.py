"""``harness score``: score a run record's stored predictions again, without the extractor.

Used after a gold fix, or to check that scoring is reproducible: with the same
gold and settings the metrics must come out identical to the stored ones.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.corpus.load import Corpus, load_corpus
from harness.runs.record import read_record
from harness.scoring.corpus import ScoringSettings, score_corpus


@dataclass(frozen=True)
class Rescored:
    setup: str
    metrics: dict[str, Any]
    identical: bool
    #: JSON paths whose values differ from the stored metrics (empty when identical).
    differences: tuple[str, ...]


def _differences(a: Any, b: Any, path: str = "$") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(set(a) | set(b)):
            out += _differences(a.get(key), b.get(key), f"{path}.{key}")
        return out
    return [] if json.dumps(a) == json.dumps(b) else [path]


def rescore_record(run_dir: Path, corpus: Corpus | None = None) -> Rescored:
    """Metrics of the stored predictions against ``corpus`` (default: the corpus the run used)."""
    record = read_record(run_dir)
    if corpus is None:
        corpus = load_corpus(Path(record.run["corpus"]["source"]))
    extractor = record.run["extractor"]
    settings = record.config["settings"]
    metrics = score_corpus(
        corpus.documents,
        record.predictions(),
        ScoringSettings.for_run(
            declared_labels=extractor["entity_labels"],
            emits_claims=extractor["emits_claims"],
            corpus_labels=corpus.labels,
            corpus_has_claims=corpus.has_claims,
            seed=settings["seed"],
            resamples=settings["resamples"],
            level=settings["level"],
        ),
    )
    # Round-trip through JSON so floats compare as they are stored.
    metrics = json.loads(json.dumps(metrics))
    diffs = tuple(_differences(metrics, record.metrics))
    return Rescored(record.run["setup"], metrics, identical=not diffs, differences=diffs)
