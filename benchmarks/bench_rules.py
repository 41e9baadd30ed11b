"""Rule extractor speed: milliseconds per article on every article the project ships.

Runs ``RulesExtractor`` (entities and claims) over every article the project
ships: the five seeds, ``tests/data/heldout`` and ``tests/data/styles``.
Prints the best of ``--repeat`` timed passes (after one warm-up pass, so word
lists and compiled patterns are loaded), per article and per 1,000
characters, and the share of the time spent in ``find_dates`` and
``find_quantities``. Single-threaded, deterministic input.

    .venv/bin/python benchmarks/bench_rules.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CORPORA = ("seeds", "tests/data/heldout/seeds", "tests/data/styles/seeds")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed passes; the best is reported")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(PROJECT_ROOT))
    from harness.annotations import Document
    from harness.extractors.rules.extractor import RulesExtractor
    from harness.text.dates import find_dates
    from harness.text.quantities import find_quantities

    documents = [
        Document(path.stem, path.read_text(encoding="utf-8"))
        for folder in CORPORA
        for path in sorted((PROJECT_ROOT / folder).glob("*.txt"))
    ]
    characters = sum(len(d.text) for d in documents)
    extractor = RulesExtractor({})
    extractor.extract(documents)

    def best(run) -> float:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        return min(times)

    total = best(lambda: extractor.extract(documents))
    dates = best(lambda: [find_dates(d.text) for d in documents])
    quantities = best(lambda: [find_quantities(d.text, open_nouns=True) for d in documents])
    print(f"{len(documents)} articles, {characters} characters, best of {args.repeat} passes")
    print(f"rule extractor: {total * 1000 / len(documents):.1f} ms per article, {total * 1e6 / characters:.1f} ms per 1,000 characters")
    print(f"one find_dates pass: {dates * 1000 / len(documents):.1f} ms per article ({dates / total:.0%} of the extractor's time)")
    print(f"find_quantities: {quantities * 1000 / len(documents):.1f} ms per article ({quantities / total:.0%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
