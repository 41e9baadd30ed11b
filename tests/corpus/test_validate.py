"""The validator on the hand-made example and on broken copies of it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.corpus.gold import GoldError, load_gold_corpus
from harness.corpus.validate import validate_gold_file

EXAMPLE = Path(__file__).resolve().parent.parent / "data" / "example"
SEEDS = EXAMPLE / "seeds"
GOLD_FILE = EXAMPLE / "gold" / "ex1.json"


@pytest.fixture
def example() -> dict:
    return json.loads(GOLD_FILE.read_text(encoding="utf-8"))


def write_copy(tmp_path: Path, doc: dict | str, name: str = "ex1.json") -> Path:
    path = tmp_path / name
    text = doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, doc: dict | str, name: str = "ex1.json") -> list[str]:
    return [str(p) for p in validate_gold_file(write_copy(tmp_path, doc, name), SEEDS)]


def test_hand_made_example_keeps_the_contract():
    assert validate_gold_file(GOLD_FILE, SEEDS) == []
    (doc,) = load_gold_corpus(GOLD_FILE.parent, SEEDS)
    assert doc.document.doc_id == "ex1"
    assert [e.label for e in doc.gold.entities] == ["PER", "QUANTITY", "LOC", "DATE", "QUANTITY"]
    assert doc.gold.claims[0].quantity.value == 40
    assert doc.gold.claims[0].speaker.aliases == ("الحلبي",)


def test_file_that_is_not_json_names_file_and_position(tmp_path):
    (problem,) = problems_of(tmp_path, '{"doc_id": "ex1",')
    assert "ex1.json: $: not valid JSON" in problem
    assert "line 1" in problem


def test_wrong_offset_is_reported_at_its_json_path(tmp_path, example):
    example["entities"][2]["end"] = 10_000
    (problem,) = problems_of(tmp_path, example)
    assert "$.entities[2]: offsets [" in problem and "outside the document" in problem


def test_text_that_does_not_match_the_document(tmp_path, example):
    example["claims"][0]["quantity"]["text"] = "41 عملية"
    (problem,) = problems_of(tmp_path, example)
    assert "$.claims[0].quantity.text:" in problem and "does not match the document" in problem


def test_unknown_label_lists_the_known_ones(tmp_path, example):
    example["entities"][0]["label"] = "PERS"
    (problem,) = problems_of(tmp_path, example)
    assert "$.entities[0].label: unknown label 'PERS'" in problem and "PER, ORG" in problem


def test_missing_field(tmp_path, example):
    del example["claims"][1]["evidence"]
    (problem,) = problems_of(tmp_path, example)
    assert problem.endswith("$.claims[1].evidence: missing field")


def test_document_not_in_seeds(tmp_path, example):
    example["doc_id"] = "ex9"
    problems = problems_of(tmp_path, example, name="ex9.json")
    assert any("$.doc_id: no seed document" in p and "ex9.txt" in p for p in problems)


def test_document_hash_must_match_the_seed(tmp_path, example):
    example["text_sha256"] = "0" * 64
    (problem,) = problems_of(tmp_path, example)
    assert "$.text_sha256: does not match" in problem


def test_duplicate_ids_and_dangling_references(tmp_path, example):
    example["entities"][1]["id"] = "e1"
    example["claims"][0]["location"]["entity"] = "e99"
    problems = problems_of(tmp_path, example)
    assert any("$.entities[1].id: duplicate id 'e1'" in p for p in problems)
    assert any("$.claims[0].location.entity: refers to unknown entity id 'e99'" in p for p in problems)


def test_overlapping_entities_of_one_label(tmp_path, example):
    overlapping = copy.deepcopy(example["entities"][0])
    overlapping.update(id="e6", start=overlapping["start"] + 5, end=overlapping["end"])
    overlapping["text"] = "الحلبي"
    example["entities"].append(overlapping)
    (problem,) = problems_of(tmp_path, example)
    assert "$.entities[5]: PER entity" in problem and "overlaps $.entities[0]" in problem


def test_time_value_must_be_iso(tmp_path, example):
    example["claims"][0]["time"]["value"] = "May 2020"
    (problem,) = problems_of(tmp_path, example)
    assert "$.claims[0].time.value: 'May 2020' is not an ISO-8601 date" in problem


def test_wrong_types_are_named(tmp_path, example):
    example["claims"][0]["quantity"]["value"] = "40"
    example["claims"][1]["quantity"]["approx"] = "yes"
    problems = problems_of(tmp_path, example)
    assert any('$.claims[0].quantity.value: expected a number, got "40"' in p for p in problems)
    assert any('$.claims[1].quantity.approx: expected true or false, got "yes"' in p for p in problems)


def test_cli_prints_one_line_per_problem_and_exits_1(tmp_path, example, capsys):
    example["entities"][0]["label"] = "PERS"
    del example["claims"][1]["evidence"]
    path = write_copy(tmp_path, example)
    status = main(["validate", str(path), "--seeds", str(SEEDS)])
    err = capsys.readouterr().err
    assert status == 1
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert lines[-1] == "2 problem(s) in 1 file(s)"
    assert all(line.startswith(str(path)) for line in lines[:-1])


def test_loading_a_broken_corpus_raises_with_every_problem(tmp_path, example):
    example["entities"][0]["label"] = "PERS"
    write_copy(tmp_path, example)
    with pytest.raises(GoldError) as info:
        load_gold_corpus(tmp_path, SEEDS)
    assert len(info.value.problems) == 1
