"""The project's gold set: complete, valid, and described by an up-to-date stats table."""

from __future__ import annotations

import json

from harness.common.paths import PROJECT_ROOT as ROOT
from harness.corpus.gold import load_gold_corpus
from harness.corpus.gold_stats import BEGIN, END, stats_markdown
from harness.corpus.validate import gold_files, validate_gold_file

GOLD, SEEDS = ROOT / "gold", ROOT / "seeds"


def test_every_seed_document_has_a_gold_file():
    seeds = {p.stem for p in SEEDS.glob("*.txt")}
    gold = {p.stem for p in GOLD.glob("*.json")}
    assert seeds, "no seed documents found"
    assert seeds - gold == set(), f"seed documents without gold: {sorted(seeds - gold)}"
    assert gold - seeds == set(), f"gold files without a seed document: {sorted(gold - seeds)}"


def test_every_gold_file_keeps_the_contract():
    problems = [str(p) for path in gold_files([GOLD]) for p in validate_gold_file(path, SEEDS)]
    assert problems == []


def test_gold_readme_holds_the_current_stats_table():
    readme = (GOLD / "README.md").read_text(encoding="utf-8")
    block = readme.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert block == stats_markdown(load_gold_corpus(GOLD, SEEDS)).strip(), (
        "gold/README.md is stale: run `harness gold stats --write-readme`"
    )


def test_every_gold_file_records_its_provenance():
    corpus = load_gold_corpus(GOLD, SEEDS)
    assert len(corpus) == 5
    for path in gold_files([GOLD]):
        annotation = json.loads(path.read_text(encoding="utf-8")).get("annotation")
        assert annotation and annotation.get("passes", 0) >= 2, f"{path.name}: annotation block must record two passes"
