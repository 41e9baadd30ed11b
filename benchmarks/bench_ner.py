"""NER extractor speed: the harness's extractor against a plain transformers pipeline.

Both run the same model object (the shipped ``models/ner-e5-anercorp`` by
default, as configured in ``configs/ner.yaml``) in the same process, on the
ANERcorp dev split (the last 400 sentences of the train file, one document
per sentence, tokens joined by spaces). The pipeline is
``pipeline("token-classification", aggregation_strategy="first")`` with its
default batch size; its entities get the same label map and the same
trimming of whitespace/punctuation at the ends. Prints words per second of
each (best of ``--repeat`` timed runs after a warm-up), their ratio, and how
many entities the two agree on (same start, end and label). The extractor
runs twice: with a 512-sub-token window like the pipeline's (parity: no dev
sentence is windowed, so entities must be identical; exit status 1 when
not), and with the configured window (sentences longer than it are
windowed, which may change a few labels).

    .venv/bin/python benchmarks/bench_ner.py [--data PATH] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))


def default_data_path() -> Path:
    shared = os.environ.get("HARNESS_SHARED_DATA")
    base = Path(shared) if shared else PROJECT_ROOT.parent / "shared" / "data"
    return base / "anercorp" / "train.txt"


def pipeline_entities(results: list[list[dict]], texts: list[str], label_map: dict[str, str]) -> list[set[tuple[int, int, str]]]:
    from harness.extractors.ner.extractor import trim_span

    out = []
    for text, found in zip(texts, results):
        entities = set()
        for item in found:
            label = label_map.get(item["entity_group"])
            if label is None:
                continue
            start, end = trim_span(text, int(item["start"]), int(item["end"]))
            if end > start:
                entities.add((start, end, label))
        out.append(entities)
    return out


def best_of(repeat: int, run) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def main(argv: list[str] | None = None) -> int:
    import yaml

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_path())
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "configs" / "ner.yaml")
    parser.add_argument("--dev-size", type=int, default=400)
    parser.add_argument("--threads", type=int, default=None, help="torch threads for both (default: the config's)")
    parser.add_argument("--dtype", default=None, help="float32, bfloat16 or auto (default: the config's)")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"skipped: {args.data} not found (set HARNESS_SHARED_DATA)", file=sys.stderr)
        return 0

    import torch
    from transformers import pipeline
    from transformers.utils import logging as hf_logging

    from harness.extractors.registry import create_extractor
    from harness.model import Document
    from harness.training.data import hold_out_last, read_tagged

    hf_logging.set_verbosity_error()
    warnings.filterwarnings("ignore")
    params = dict(yaml.safe_load(args.config.read_text(encoding="utf-8"))["params"])
    if args.threads is not None:
        params["threads"] = args.threads
    if args.dtype is not None:
        params["dtype"] = args.dtype
    # Parity: a window as long as the pipeline's (512), so no dev sentence is
    # windowed differently; the configured window is timed and compared too.
    parity = create_extractor("ner", {**params, "window": 512, "overlap": 128})
    configured = create_extractor("ner", params)
    parity.load()
    configured._tokenizer, configured._model = parity.tokenizer, parity.model  # one model object for all
    torch.set_num_threads(parity.settings.threads)

    dev = hold_out_last(read_tagged(args.data), args.dev_size).dev
    texts = [" ".join(s.tokens) for s in dev]
    documents = [Document(f"dev-{i:04d}", t) for i, t in enumerate(texts)]
    words = sum(len(s.tokens) for s in dev)
    tagger = pipeline("token-classification", model=parity.model, tokenizer=parity.tokenizer, aggregation_strategy="first", device=-1)

    parity.extract(documents[:8])
    tagger(texts[:8])
    pipe_seconds, raw = best_of(args.repeat, lambda: tagger(texts))
    theirs = pipeline_entities(raw, texts, parity.label_map)
    print(f"model: {parity.source.name} ({parity.model_dir}), dtype {parity.settings.dtype}, {torch.get_num_threads()} thread(s)")
    print(f"data: {len(dev)} dev sentences, {words} words")
    print(f"pipeline (aggregation first, default batch size): {pipe_seconds:.2f} s, {words / pipe_seconds:,.0f} words/s")
    status = 0
    for title, extractor in (("extractor, window 512 (parity)", parity), ("extractor, configured window", configured)):
        seconds, predictions = best_of(args.repeat, lambda: extractor.extract(documents))
        ours = [{(e.start, e.end, e.label) for e in p.annotations.entities} for p in predictions]
        same = sum(len(a & b) for a, b in zip(ours, theirs))
        differing = [i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b]
        s = extractor.settings
        print(f"{title} ({s.window}/{s.overlap}, batch {s.batch_size}): {seconds:.2f} s, {words / seconds:,.0f} words/s, "
              f"{pipe_seconds / seconds:.2f}x the pipeline")
        print(f"  entities: extractor {sum(map(len, ours))}, pipeline {sum(map(len, theirs))}, identical {same}; "
              f"sentences that differ: {len(differing)}")
        for i in differing[:5]:
            print(f"    {documents[i].doc_id}: only extractor {sorted(ours[i] - theirs[i])}, only pipeline {sorted(theirs[i] - ours[i])}")
        if extractor is parity and differing:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
