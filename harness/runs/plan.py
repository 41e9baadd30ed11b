"""``harness run --dry-run``: the work a run would do, without doing it.

For every (setup, track): how many documents, how many of them the prediction
cache already holds for this extractor's code and settings, how many units of
work the rest are (an extractor may say how it divides a document, e.g. the
LLM's paragraphs, with ``work_units(document)``), and an estimate of the time
from the speed measured by earlier runs of the same extractor fingerprint in
the registry. Nothing is extracted, scored or written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.config import RunConfig, Track
from harness.extractors.base import Extractor, fingerprint_hash
from harness.extractors.identity import cache_key
from harness.extractors.registry import create_extractor
from harness.runs.cache import PredictionCache
from harness.runs.registry import RunRegistry
from harness.runs.run import load_tracks


@dataclass(frozen=True)
class PlannedRun:
    """What one (setup, track) run would do."""

    setup: str
    track: str
    documents: int
    cached: int
    #: Work units of the documents to compute (documents, unless the extractor divides them).
    units_to_compute: int
    unit: str
    #: Seconds per document measured by an earlier run of the same fingerprint, and where.
    seconds_per_document: float | None
    measured_in: str | None
    #: Of ``units_to_compute``, those an extractor's own cache already answers (the LLM's
    #: generation cache): the document is recomputed, but these units cost no generation.
    units_cached: int = 0

    @property
    def to_compute(self) -> int:
        return self.documents - self.cached

    @property
    def estimated_seconds(self) -> float | None:
        if self.to_compute == 0 or (self.units_to_compute and self.units_cached == self.units_to_compute):
            return 0.0
        if self.seconds_per_document is None:
            return None
        share = 1.0 - self.units_cached / self.units_to_compute if self.units_to_compute else 1.0
        return self.seconds_per_document * self.to_compute * share


def _units(extractor: Extractor, documents: Sequence) -> tuple[int, str, int]:
    """Work units of ``documents``, their name, and how many the extractor's own cache answers."""
    method = getattr(extractor, "work_units", None)
    if not callable(method):
        return len(documents), "documents", 0
    cached_method = getattr(extractor, "cached_work_units", None)
    cached = sum(int(cached_method(doc)) for doc in documents) if callable(cached_method) else 0
    return sum(int(method(doc)) for doc in documents), str(getattr(extractor, "work_unit_name", "units")), cached


def _measured_speed(registry: RunRegistry | None, extractor_name: str, fingerprint: str) -> tuple[float | None, str | None]:
    if registry is None:
        return None, None
    for row in registry.list(extractor=extractor_name):
        if row.fingerprint_hash == fingerprint and row.documents_per_second:
            return 1.0 / row.documents_per_second, row.run_id
    return None, None


def plan_run(config: RunConfig, tracks: Sequence[Track], results_dir: Path) -> tuple[list[PlannedRun], list[str]]:
    """The planned runs, and the tracks that would be skipped (with the reason)."""
    loaded, skipped = load_tracks(tracks)
    cache = PredictionCache(results_dir / "cache")
    database = results_dir / "runs.sqlite"
    registry = RunRegistry(database, results_dir / "runs") if database.exists() else None
    planned = []
    for setup in config.setups:
        wanted = [(track, corpus) for track, corpus in loaded if track.runs(setup.setup)]
        if not wanted:
            continue
        extractor = create_extractor(setup.extractor, setup.params)
        fingerprint = extractor.fingerprint()
        key = cache_key(extractor, fingerprint)
        speed, measured_in = _measured_speed(registry, extractor.name, fingerprint_hash(fingerprint))
        for track, corpus in wanted:
            documents = [g.document for g in corpus.documents]
            missing = [d for d in documents if cache.get(key, d.sha256, d.doc_id) is None]
            units, unit, units_cached = _units(extractor, missing)
            planned.append(
                PlannedRun(setup.setup, track.name, len(documents), len(documents) - len(missing), units, unit, speed, measured_in, units_cached)
            )
    return planned, [f"track {s.track} skipped: {s.reason}" for s in skipped]


def format_plan(planned: Sequence[PlannedRun], skipped: Sequence[str]) -> str:
    """The plan as lines for a terminal."""
    lines = ["dry run: nothing is extracted, scored or written"]
    total: float | None = 0.0
    for p in planned:
        if p.estimated_seconds == 0.0 and p.to_compute:
            estimate = f"every one of its {p.unit} answered by the extractor's own cache"
        elif p.estimated_seconds is None:
            estimate = "no measured speed for this extractor fingerprint yet"
            total = None
        else:
            estimate = f"about {p.estimated_seconds:,.0f} s (measured in {p.measured_in})" if p.to_compute else "nothing to compute"
            total = None if total is None else total + p.estimated_seconds
        lines.append(
            f"{p.setup} on {p.track}: {p.documents} documents, {p.cached} from the cache, {p.to_compute} to compute"
            f" ({p.units_to_compute} {p.unit}{f', {p.units_cached} of them cached' if p.units_cached else ''}); {estimate}"
        )
    lines += list(skipped)
    lines.append(f"estimated time: about {total:,.0f} s" if total is not None else "estimated time: unknown (some extractor has no measured speed)")
    return "\n".join(lines)
