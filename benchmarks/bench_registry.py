"""How the run registry and the leaderboard's run selection behave at 10,000 runs.

A simulated check for ``docs/scaling.md``: it writes N small but real run
records (one document each, scored by the harness's own scorer, written by the
real writer), indexes them, and times what users do at that size:

* ``runs list`` (which first syncs the index with the directories),
* ``latest_per_setup`` (what the leaderboard selects from),
* ``get`` by id prefix,
* a rebuild of the index from the directories (``runs reindex``),
* a sync after one record was written but not indexed (a killed run).

Usage: ``python benchmarks/bench_registry.py [--runs 10000] [--setups 20] [--tracks 3]``.
It prints figures; it asserts nothing (speed targets are read, not tested).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from harness.annotations import Annotations, Document, Entity, GoldDocument, Prediction
from harness.runs.record import RunRecord, prediction_to_json, write_record
from harness.runs.registry import RunRegistry
from harness.scoring.corpus import score_corpus
from harness.scoring.settings import IntervalSettings, ScoringSettings

TEXT = "قال وزير الخارجية إن الوفد وصل إلى عمّان يوم الأحد."


def _template() -> tuple[RunRecord, tuple[GoldDocument, ...]]:
    start = TEXT.index("عمّان")
    gold = GoldDocument(Document("d1", TEXT), Annotations("d1", (Entity("e1", "LOC", start, start + 5, "عمّان"),)))
    prediction = Prediction("d1", gold.gold)
    scored = score_corpus([gold], [prediction], ScoringSettings(entity_labels=("LOC",), score_claims=False, intervals=IntervalSettings(resamples=50)))
    run = {
        "run_id": "",
        "setup": "",
        "track": "",
        "extractor": {"name": "bench", "version": "1", "entity_labels": ["LOC"], "emits_claims": False, "fingerprint_hash": "f" * 16},
        "config_hash": "c" * 16,
        "corpus": {"name": "bench", "source": "bench", "documents": 1, "gold_sha256": "g" * 64},
        "gold_sha256": "g" * 64,
        "started_at": "",
    }
    lines = (prediction_to_json(prediction, gold.document.sha256, cached=False),)
    return RunRecord("", run, {"settings": {}}, scored.metrics, results=scored.results, prediction_lines=lines), (gold,)


def _timed(label: str, action) -> object:
    started = time.perf_counter()
    value = action()
    print(f"{label:<52} {time.perf_counter() - started:8.3f} s")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--setups", type=int, default=20)
    parser.add_argument("--tracks", type=int, default=3)
    parser.add_argument("--keep", type=Path, default=None, help="write the records here and keep them (default: a temporary folder)")
    args = parser.parse_args(argv)

    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-registry-"))
    runs_dir, db = root / "runs", root / "runs.sqlite"
    template, _ = _template()
    registry = RunRegistry(db, runs_dir)
    print(f"{args.runs} run records, {args.setups} setups x {args.tracks} tracks, in {root}")

    def write_all() -> None:
        for i in range(args.runs):
            setup, track = f"setup-{i % args.setups:02d}", f"track-{(i // args.setups) % args.tracks}"
            run_id = f"2026{i:08d}Z-{setup}-{track}"
            run = {**template.run, "run_id": run_id, "setup": setup, "track": track, "started_at": f"2026-01-01T00:00:00.{i:06d}+00:00"}
            record = write_record(runs_dir, replace(template, run_id=run_id, run=run))
            registry.add_record(record)

    _timed(f"write and index {args.runs} records", write_all)
    size = sum(p.stat().st_size for p in runs_dir.rglob("*") if p.is_file())
    print(f"{'disk: run records':<52} {size / 1e6:8.1f} MB ({size / args.runs / 1e3:.1f} kB per run)")
    print(f"{'disk: registry':<52} {db.stat().st_size / 1e6:8.1f} MB")
    rows = _timed("runs list (sync + all rows)", registry.list)
    _timed("runs list --setup (sync + one setup)", lambda: registry.list(setup="setup-03"))
    latest = _timed("latest per (setup, track)", registry.latest_per_setup)
    _timed("get by id prefix", lambda: registry.get(f"2026{args.runs // 2:08d}Z"))
    _timed("reindex from the directories", registry.reindex)
    orphan = write_record(runs_dir, replace(template, run_id="2027-orphan", run={**template.run, "run_id": "2027-orphan", "setup": "s", "track": "t", "started_at": "2027"}))
    added = _timed("sync after a record written but not indexed", registry.sync)
    print(f"rows {len(rows)}, latest {len(latest)}, sync added/dropped {added}, orphan {orphan.run_id} indexed")
    if args.keep is None:
        shutil.rmtree(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
