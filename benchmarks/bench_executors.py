"""Executors compared: the NER extractor on ANERcorp passages, serial vs worker processes vs Ray.

The extractor is ``configs/ner.yaml`` as committed (``models/ner-e5-anercorp``,
offline, 1 torch thread), run over ANERcorp train read as passages of up to
256 tokens (as ``harness run --passage-tokens 256`` reads it), three times
with no cache:

* serial: one process, 1 thread;
* processes: ``--workers`` spawned processes x 1 thread each;
* ray: a local Ray with ``--workers`` CPUs, one actor per CPU, 1 thread each
  (Ray's own start-up is timed apart and not counted in the run).

Each time is the wall time of :func:`harness.runs.extract.run_extractor`,
start-up included, as a user waits for it: the serial run loads its model,
the workers (or actors) are spawned, import torch and load the model each.
How long the first batch took to come back shows that start-up. The
entities of every document must be identical to the serial run's, else the
benchmark exits with status 1. Then the executors' own cost: a trivial
extractor that returns no entities over ``--trivial-docs`` documents, in
batches of 1 and of 64.

The machine's load average is printed before each timed run: other jobs on a
shared machine take cores away and the speed-up with them.

    .venv/bin/python benchmarks/bench_executors.py [--data PATH] [--limit N] [--workers 2] [--skip-ray]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from harness.annotations import Annotations, Document, Prediction  # noqa: E402


def default_data_path() -> Path:
    from harness.common.paths import shared_data_dir

    return shared_data_dir() / "anercorp" / "train.txt"


class Trivial:
    """Returns an empty prediction per document: what is left of a run is the executor's own cost."""

    name = "trivial"
    version = "1"
    entity_labels = ("MISC",)
    claim_slots: tuple[str, ...] = ()
    emits_claims = False

    def fingerprint(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version}

    def extract(self, documents: Sequence[Document]) -> list[Prediction]:
        return [Prediction(d.doc_id, Annotations(d.doc_id)) for d in documents]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def entities(predictions: Sequence[Prediction]) -> list[tuple[tuple[int, int, str], ...]]:
    return [tuple((e.start, e.end, e.label) for e in p.annotations.entities) for p in predictions]


def timed(label: str, run) -> tuple[float, Any]:
    print(f"  {label}: {load()} ...", flush=True)
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def run_timed(extractor, documents, batch_size, executor, spec):
    """The run's result and the seconds until its first batch came back (start-up plus one batch)."""
    from harness.runs.extract import run_extractor

    started, arrivals = time.perf_counter(), []
    result = run_extractor(
        extractor, documents, None, batch_size, on_progress=lambda n: arrivals.append(time.perf_counter() - started),
        executor=executor, spec=spec,
    )
    return result, arrivals[0] if arrivals else 0.0


def ner_setup() -> tuple[dict[str, Any], int]:
    import yaml

    config = yaml.safe_load((PROJECT_ROOT / "configs" / "ner.yaml").read_text(encoding="utf-8"))
    params = dict(config["params"])
    params["model"] = str(PROJECT_ROOT / params["model"])
    params["threads"] = 1
    return params, int(config.get("batch_size", 8))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_path(), help="ANERcorp train (CoNLL)")
    parser.add_argument("--passage-tokens", type=int, default=256)
    parser.add_argument("--limit", type=int, default=None, help="first N passages only")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--trivial-docs", type=int, default=2000)
    parser.add_argument("--skip-ray", action="store_true")
    args = parser.parse_args(argv)

    from harness.corpus.load import load_corpus
    from harness.runs.executors import ExtractorSpec, ProcessesExecutor, RayExecutor, SerialExecutor
    from harness.runs.extract import run_extractor

    if not args.data.is_file():
        print(f"skipped: ANERcorp not found at {args.data} (set HARNESS_SHARED_DATA or pass --data)")
        return 0
    has_ray = importlib.util.find_spec("ray") is not None and not args.skip_ray
    if not has_ray and not args.skip_ray:
        print("note: Ray is not installed (pip install -e '.[ray]'): the ray rows are skipped")

    corpus = load_corpus(args.data, label_map="PERS=PER,ORG=ORG,LOC=LOC,MISC=MISC", passage_tokens=args.passage_tokens)
    documents = [g.document for g in corpus.documents][: args.limit]
    words = sum(len(d.text.split()) for d in documents)
    params, batch_size = ner_setup()
    spec = ExtractorSpec("ner", params)
    extractor = spec.build()
    print(f"{len(documents)} passages of up to {args.passage_tokens} tokens ({words:,} words) from {args.data}")
    print(f"extractor ner ({params['model']}, dtype {extractor.settings.dtype}, 1 thread per process), batch size {batch_size}; cpus {os.cpu_count()}")

    rows: list[tuple[str, float, float]] = []  # name, seconds, seconds until the first batch was back
    serial_seconds, (serial, first) = timed("serial, 1 process x 1 thread", lambda: run_timed(extractor, documents, batch_size, None, None))
    rows.append(("serial 1x1", serial_seconds, first))
    reference = entities(serial.predictions)
    failures = 0
    runs = [(f"processes {args.workers}x1", ProcessesExecutor(workers=args.workers, threads_per_worker=1))]
    if has_ray:
        ray_executor = RayExecutor(cpus=args.workers, threads_per_worker=1)
        started = time.perf_counter()
        ray_executor.connect()
        print(f"  ray started in {time.perf_counter() - started:.1f} s (not counted below)")
        runs.append((f"ray {args.workers} cpus x1", ray_executor))
    for name, executor in runs:
        seconds, (result, first) = timed(name, lambda executor=executor: run_timed(extractor, documents, batch_size, executor, spec))
        rows.append((name, seconds, first))
        same = entities(result.predictions) == reference
        if not same:
            differing = sum(a != b for a, b in zip(entities(result.predictions), reference))
            print(f"  {name}: {differing} document(s) with entities other than the serial run's")
            failures += 1
        if result.failed or serial.failed:
            print(f"  failed documents: serial {serial.failed}, {name} {result.failed}")
    n_entities = sum(len(e) for e in reference)
    n_batches = -(-len(documents) // batch_size)
    print(f"\nNER on {len(documents)} passages, {words:,} words, {n_batches} batches of {batch_size} ({n_entities:,} entities in the serial run)")
    print("times include start-up: the serial run's model loading; the workers' spawning, imports and model loading")
    print(f"{'executor':<20}{'seconds':>9}{'docs/s':>8}{'words/s':>9}{'speed-up':>9}{'first batch back after':>24}")
    for name, seconds, first in rows:
        print(f"{name:<20}{seconds:>9.1f}{len(documents) / seconds:>8.2f}{words / seconds:>9,.0f}{serial_seconds / seconds:>8.2f}x{first:>22.1f} s")
    print("entities identical to the serial run: " + ("yes" if not failures else f"NO ({failures} executor(s) differ)"))

    trivial_docs = [Document(f"t{i}", f"نص قصير رقم {i} للقياس") for i in range(args.trivial_docs)]
    print(f"\noverhead: a trivial extractor over {len(trivial_docs)} documents (start-up included)")
    print(f"{'executor':<20}{'batch':>6}{'seconds':>9}{'ms/doc':>8}")
    trivial_runs = [("serial", SerialExecutor()), (f"processes {args.workers}x1", ProcessesExecutor(workers=args.workers, threads_per_worker=1))]
    if has_ray:
        trivial_runs.append((f"ray {args.workers} cpus", ray_executor))
    for trivial_batch in (1, 64):
        for name, executor in trivial_runs:
            started = time.perf_counter()
            run_extractor(Trivial(), trivial_docs, None, trivial_batch, executor=executor)
            seconds = time.perf_counter() - started
            print(f"{name:<20}{trivial_batch:>6}{seconds:>9.2f}{1000 * seconds / len(trivial_docs):>8.3f}")
    print(f"\n{load()}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
