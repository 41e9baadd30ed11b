"""Entity scoring speed: the harness against seqeval on ANERcorp train.

Scores the 125,100-token ANERcorp train file (gold) against a perturbed copy
(each token's tag replaced, with probability ``--noise``, by a tag drawn from
the file's tag set; fixed seed), once with ``seqeval.metrics.
classification_report`` in its default (conlleval-compatible) mode and once
with ``harness.scoring.conlleval.score_tag_sequences(scheme="conlleval")``,
which computes all four SemEval modes, per label, micro and macro. Prints
both times (best of ``--repeat`` runs) and their ratio, and checks that the
harness's strict numbers equal seqeval's report exactly (per type, micro and
macro average). The same is then done for seqeval's strict mode
(``mode="strict", scheme=IOB2``) against ``scheme="iob2"``. Exit status 1
when any number differs.

    .venv/bin/python benchmarks/bench_entity_scoring.py [--data PATH]

The data path defaults to ``anercorp/train.txt`` in the shared data folder
(``../shared/data`` beside the project; ``harness.common.paths`` says how the
environment moves it).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import warnings
from pathlib import Path


def default_data_path() -> Path:
    from harness.common.paths import shared_data_dir

    return shared_data_dir() / "anercorp" / "train.txt"


def read_tag_sentences(path: Path) -> list[list[str]]:
    """Tags of a ``token TAG`` file, one list per blank-line-separated sentence."""
    sentences: list[list[str]] = []
    current: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.split()
            if not fields:
                if current:
                    sentences.append(current)
                    current = []
                continue
            if len(fields) < 2:
                raise ValueError(f"{path}, line {number}: expected 'token TAG', got {line.rstrip()!r}")
            current.append(fields[-1])
    if current:
        sentences.append(current)
    return sentences


def perturb(sentences: list[list[str]], noise: float, seed: int) -> list[list[str]]:
    """A copy with each tag replaced, with probability ``noise``, by a random tag."""
    rng = random.Random(seed)
    tags = sorted({tag for sentence in sentences for tag in sentence})
    return [[rng.choice(tags) if rng.random() < noise else tag for tag in s] for s in sentences]


def best_time(function, repeat: int):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def compare(report: dict, scores) -> list[str]:
    """Differences between seqeval's report dict and the harness's strict scores."""
    problems = []
    strict = scores.strict
    types = sorted(k for k in report if not k.endswith(" avg"))
    if types != [row.label for row in strict.per_label]:
        problems.append(f"types differ: seqeval {types}, harness {[r.label for r in strict.per_label]}")
    for label in types:
        ours, theirs = strict.label(label), report[label]
        pairs = [
            ("precision", ours.prf.precision),
            ("recall", ours.prf.recall),
            ("f1-score", ours.prf.f1),
            ("support", ours.counts.possible),
        ]
        for key, value in pairs:
            if value != theirs[key]:
                problems.append(f"{label} {key}: seqeval {theirs[key]!r}, harness {value!r}")
    for avg, prf in (("micro avg", strict.micro), ("macro avg", strict.macro)):
        for key, value in (("precision", prf.precision), ("recall", prf.recall), ("f1-score", prf.f1)):
            if abs(value - report[avg][key]) > 1e-12:
                problems.append(f"{avg} {key}: seqeval {report[avg][key]!r}, harness {value!r}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_data_path())
    parser.add_argument("--noise", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.data.is_file():
        print(f"no data at {args.data} (set HARNESS_SHARED_DATA or pass --data)", file=sys.stderr)
        return 2

    from seqeval.metrics import classification_report

    from harness.scoring.conlleval import score_tag_sequences

    gold = read_tag_sentences(args.data)
    predicted = perturb(gold, args.noise, args.seed)
    n_tokens = sum(len(s) for s in gold)
    print(f"{args.data}: {len(gold)} sentences, {n_tokens} tokens; noise {args.noise}, seed {args.seed}")

    from seqeval.scheme import IOB2

    problems: list[str] = []
    speedups: list[float] = []
    runs = [
        ("default (conlleval)", {}, "conlleval"),
        ("strict IOB2", {"mode": "strict", "scheme": IOB2}, "iob2"),
    ]
    for title, seqeval_options, scheme in runs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            seqeval_time, report = best_time(
                lambda options=seqeval_options: classification_report(
                    gold, predicted, output_dict=True, zero_division=0, **options
                ),
                args.repeat,
            )
        harness_time, scores = best_time(
            lambda scheme=scheme: score_tag_sequences(gold, predicted, scheme=scheme), args.repeat
        )
        speedups.append(seqeval_time / harness_time)
        m = scores.strict.micro
        print(f"\n{title}")
        print(f"  seqeval classification_report:           {seqeval_time * 1000:8.1f} ms")
        print(f"  harness score_tag_sequences (all 4 modes): {harness_time * 1000:8.1f} ms")
        print(f"  speed-up: {seqeval_time / harness_time:.1f}x")
        print(f"  strict micro P/R/F1: {m.precision:.6f} / {m.recall:.6f} / {m.f1:.6f}")
        found = compare(report, scores)
        print("  results identical" if not found else f"  {len(found)} difference(s)")
        problems += [f"{title}: {problem}" for problem in found]

    for problem in problems:
        print(f"MISMATCH {problem}", file=sys.stderr)
    target = speedups[0] >= 5
    print(f"\ntarget (harness at least 5x faster than seqeval's default mode): {'met' if target else 'NOT met'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
