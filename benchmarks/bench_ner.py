"""NER extractor speed and agreement: the harness's extractor against a plain transformers pipeline.

Both run the same model object (the shipped ``models/ner-e5-anercorp`` by
default, as configured in ``configs/ner.yaml``) in the same process, on the
ANERcorp dev split (the last 400 sentences of the train file, one document
per sentence, tokens joined by spaces). The pipeline is
``pipeline("token-classification", aggregation_strategy="first")`` with its
default batch size; its entities get the same label map and the same
trimming of whitespace/punctuation at the ends.

Speed (the config's dtype, ``auto`` = bfloat16 on AMX machines): words per
second of the pipeline and of the extractor (best of ``--repeat`` timed
runs after a warm-up), twice: at parity with the pipeline (a 512-sub-token
window so no dev sentence is windowed, argmax decoding as the pipeline
does) and as configured (128-sub-token windows, constrained decoding).

Agreement (float32, also timed once each): the parity extractor and the pipeline must find the
same entities (start, end, label). float32 because bfloat16 results depend
on how inputs are batched (the pipeline runs one sentence at a time), which
says nothing about the extractor. One difference is expected and reported
apart: the pipeline does not use the tokenizer's words but guesses them
from offsets ("fallback heuristic"), and for sentencepiece tokenizers it
splits a word spelt as a bare ``▁`` marker plus letters into two "words"
(at the start of a text the marker even gets the first letter's offsets).
A differing entity that touches such a word is counted as *explained by
the pipeline's word heuristic*; any other difference makes the benchmark
exit with status 1.

    .venv/bin/python benchmarks/bench_ner.py [--data PATH] [--threads N] [--update-card]

``--update-card`` writes the figures into the model card's Speed section.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

Span = tuple[int, int, str]


def default_data_path() -> Path:
    from harness.common.paths import shared_data_dir

    return shared_data_dir() / "anercorp" / "train.txt"


def pipeline_entities(results: list[list[dict]], texts: list[str], label_map: dict[str, str]) -> list[set[Span]]:
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


def words_the_pipeline_splits(tokenizer: Any, text: str) -> list[tuple[int, int]]:
    """Character spans of the tokenizer's words whose bounds the pipeline's offset heuristic misreads.

    The pipeline calls a sub-token a word start unless the characters around
    its start offset hold no space; the tokenizer's ``word_ids`` say which
    sub-tokens really share a word. Where the two disagree, the pipeline
    labels a piece of a word as a word of its own (or two words as one).
    """
    encoding = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    word_ids, offsets = encoding.word_ids(), encoding.offset_mapping
    split_words = set()
    for index in range(1, len(word_ids)):
        start = offsets[index][0]
        heuristic_continues = start > 0 and " " not in text[start - 1 : start + 1]
        if heuristic_continues != (word_ids[index] == word_ids[index - 1]):
            split_words.update((word_ids[index - 1], word_ids[index]))
    spans = []
    for word in sorted(split_words):
        pieces = [offsets[i] for i, w in enumerate(word_ids) if w == word]
        spans.append((min(p[0] for p in pieces), max(p[1] for p in pieces)))
    return spans


@dataclass(frozen=True)
class Agreement:
    ours: int
    theirs: int
    identical: int
    #: Sentences whose differing entities all touch a word the pipeline splits.
    explained: list[int]
    unexplained: list[int]


def agreement(ours: Sequence[set[Span]], theirs: Sequence[set[Span]], split_words: Sequence[list[tuple[int, int]]]) -> Agreement:
    explained, unexplained = [], []
    for index, (a, b, spans) in enumerate(zip(ours, theirs, split_words)):
        differing = a ^ b
        if not differing:
            continue
        touches = all(any(start < w_end and w_start < end for w_start, w_end in spans) for start, end, _ in differing)
        (explained if touches else unexplained).append(index)
    return Agreement(sum(map(len, ours)), sum(map(len, theirs)), sum(len(a & b) for a, b in zip(ours, theirs)), explained, unexplained)


def best_of(repeat: int, run) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - started)
    return best, result


def entity_sets(predictions) -> list[set[Span]]:
    return [{(e.start, e.end, e.label) for e in p.annotations.entities} for p in predictions]


def main(argv: list[str] | None = None) -> int:
    import yaml

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_path())
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "configs" / "ner.yaml")
    parser.add_argument("--dev-size", type=int, default=400)
    parser.add_argument("--threads", type=int, default=None, help="torch threads for both (default: the config's)")
    parser.add_argument("--dtype", default=None, help="dtype of the speed runs: float32, bfloat16 or auto (default: the config's)")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--update-card", action="store_true", help="write the figures into the model card's Speed section")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"skipped: {args.data} not found (set HARNESS_SHARED_DATA)", file=sys.stderr)
        return 0

    import torch
    from transformers import pipeline
    from transformers.utils import logging as hf_logging

    from harness.annotations import Document
    from harness.extractors.registry import create_extractor
    from harness.training.data import hold_out_last, read_tagged

    hf_logging.set_verbosity_error()
    warnings.filterwarnings("ignore")
    params = dict(yaml.safe_load(args.config.read_text(encoding="utf-8"))["params"])
    if args.threads is not None:
        params["threads"] = args.threads
    if args.dtype is not None:
        params["dtype"] = args.dtype
    parity_params = {**params, "window": 512, "overlap": 128, "decoding": "argmax"}

    dev = hold_out_last(read_tagged(args.data), args.dev_size).dev
    texts = [" ".join(s.tokens) for s in dev]
    documents = [Document(f"dev-{i:04d}", t) for i, t in enumerate(texts)]
    words = sum(len(s.tokens) for s in dev)

    # ---- speed, in the configured dtype
    parity = create_extractor("ner", parity_params)
    configured = create_extractor("ner", params)
    parity.load()
    configured._tokenizer, configured._model = parity.tokenizer, parity.model  # one model object for all
    torch.set_num_threads(parity.settings.threads)
    tagger = pipeline("token-classification", model=parity.model, tokenizer=parity.tokenizer, aggregation_strategy="first", device=-1)
    parity.extract(documents[:8])
    tagger(texts[:8])
    pipe_seconds, _ = best_of(args.repeat, lambda: tagger(texts))
    print(f"model: {parity.source.name} ({parity.model_dir}), {torch.get_num_threads()} thread(s)")
    print(f"data: {len(dev)} dev sentences, {words:,} words")
    print(f"speed, dtype {parity.settings.dtype}:")
    print(f"  pipeline (aggregation first, default batch size): {pipe_seconds:.2f} s, {words / pipe_seconds:,.0f} words/s")
    speed: dict[str, str] = {}
    for title, extractor in (("extractor at parity (window 512, argmax)", parity), ("extractor as configured", configured)):
        seconds, _ = best_of(args.repeat, lambda extractor=extractor: extractor.extract(documents))
        s = extractor.settings
        line = f"{words / seconds:,.0f} words/s, {pipe_seconds / seconds:.2f}x the pipeline (window {s.window}/{s.overlap}, batch {s.batch_size}, {s.decoding})"
        print(f"  {title}: {seconds:.2f} s, {line}")
        speed[title] = line
    speed["transformers pipeline"] = f"{words / pipe_seconds:,.0f} words/s"

    # ---- agreement, in float32
    if parity.settings.dtype != "float32":
        parity = create_extractor("ner", {**parity_params, "dtype": "float32"})
        parity.load()
        tagger = pipeline("token-classification", model=parity.model, tokenizer=parity.tokenizer, aggregation_strategy="first", device=-1)
        parity.extract(documents[:8])
        tagger(texts[:8])
    fp32_pipe_seconds, raw = best_of(1, lambda: tagger(texts))
    fp32_seconds, predictions = best_of(1, lambda: parity.extract(documents))
    theirs = pipeline_entities(raw, texts, parity.label_map)
    ours = entity_sets(predictions)
    split = [words_the_pipeline_splits(parity.tokenizer, t) for t in texts]
    result = agreement(ours, theirs, split)
    fp32_speed = (f"pipeline {words / fp32_pipe_seconds:,.0f} words/s, extractor at parity {words / fp32_seconds:,.0f} words/s, "
                  f"{fp32_pipe_seconds / fp32_seconds:.2f}x (one timed run each)")
    print(f"float32: {fp32_speed}")
    print("agreement, float32, extractor at parity vs pipeline:")
    print(f"  entities: extractor {result.ours}, pipeline {result.theirs}, identical {result.identical}")
    print(f"  sentences that differ only where the pipeline's word heuristic splits a word: {len(result.explained)}")
    print(f"  sentences that differ otherwise: {len(result.unexplained)}")
    for index in [*result.explained, *result.unexplained][:8]:
        print(f"    {documents[index].doc_id}: only extractor {sorted(ours[index] - theirs[index])}, "
              f"only pipeline {sorted(theirs[index] - ours[index])}, split words {split[index][:3]}")

    if args.update_card:
        from harness.training.card import update_card

        speed = {
            "benchmark": f"benchmarks/bench_ner.py, ANERcorp dev split ({len(dev)} sentences, {words:,} words), "
            f"{torch.get_num_threads()} torch thread(s), speed in {configured.settings.dtype} (config dtype {params.get('dtype', 'float32')})",
            **speed,
            "speed in float32": fp32_speed,
            "agreement (float32, parity)": f"{result.identical} of {result.theirs} pipeline entities identical; "
            f"{len(result.explained)} sentence(s) differ only at words the pipeline's offset heuristic splits, "
            f"{len(result.unexplained)} otherwise",
        }
        update_card(parity.model_dir, {"speed": speed})
        print(f"card updated: {parity.model_dir / 'README.md'}")
    return 1 if result.unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
