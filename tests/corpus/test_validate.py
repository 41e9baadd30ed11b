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


# --- the `adjective` fact of MISC entities -------------------------------------------

ADJ_TEXT = "أعلن مسؤول عراقي أن مؤتمر البصرة للمانحين يبدأ غداً.\n"


def adjective_doc(tmp_path: Path, *entities: dict) -> tuple[Path, Path]:
    """A one-sentence document written for these tests, with the given entities; (gold file, seeds dir)."""
    from harness.annotations import sha256_text

    seeds = tmp_path / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / "adj.txt").write_text(ADJ_TEXT, encoding="utf-8")
    doc = {"doc_id": "adj", "text_sha256": sha256_text(ADJ_TEXT), "entities": list(entities), "claims": []}
    path = tmp_path / "adj.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path, seeds


def mention(eid: str, label: str, text: str, **facts) -> dict:
    start = ADJ_TEXT.index(text)
    return {"id": eid, "label": label, "start": start, "end": start + len(text), "text": text, **facts}


def test_misc_adjective_and_misc_event_keep_the_contract_and_load_their_fact(tmp_path):
    path, seeds = adjective_doc(
        tmp_path,
        mention("e1", "MISC", "عراقي", adjective=True),
        mention("e2", "MISC", "مؤتمر البصرة", adjective=False),
        mention("e3", "LOC", "البصرة", adjective=False),
    )
    assert validate_gold_file(path, seeds) == []
    (doc,) = load_gold_corpus(tmp_path, seeds)
    assert [(e.text, e.adjective) for e in doc.gold.entities] == [
        ("عراقي", True),
        ("مؤتمر البصرة", False),
        ("البصرة", False),
    ]


def test_misc_entity_without_the_adjective_fact_is_one_problem_at_its_path(tmp_path):
    path, seeds = adjective_doc(tmp_path, mention("e1", "LOC", "البصرة"), mention("e2", "MISC", "عراقي"))
    (problem,) = [str(p) for p in validate_gold_file(path, seeds)]
    assert problem.startswith(f"{path}: $.entities[1].adjective: missing on a MISC entity")
    assert "عراقي" in problem


def test_adjective_that_is_not_true_or_false_is_named(tmp_path):
    path, seeds = adjective_doc(tmp_path, mention("e1", "MISC", "عراقي", adjective="yes"))
    (problem,) = [str(p) for p in validate_gold_file(path, seeds)]
    assert problem == f'{path}: $.entities[0].adjective: expected true or false, got "yes"'


def test_adjective_true_on_a_non_misc_entity_is_refused(tmp_path):
    path, seeds = adjective_doc(tmp_path, mention("e1", "LOC", "البصرة", adjective=True))
    (problem,) = [str(p) for p in validate_gold_file(path, seeds)]
    assert problem == f"{path}: $.entities[0].adjective: true on a LOC entity; only MISC mentions can be adjectives"


def test_entity_json_carries_adjective_only_when_stated():
    from harness.annotations import Entity
    from harness.serialize import entity_from_dict, entity_to_dict

    prediction = Entity("p1", "MISC", 10, 15, "عراقي")
    assert "adjective" not in entity_to_dict(prediction)
    gold = Entity("e1", "MISC", 10, 15, "عراقي", adjective=True)
    assert entity_to_dict(gold)["adjective"] is True
    assert entity_from_dict(entity_to_dict(gold)) == gold
    event = Entity("e2", "MISC", 21, 33, "مؤتمر البصرة", adjective=False)
    assert entity_to_dict(event)["adjective"] is False
    assert entity_from_dict(entity_to_dict(event)) == event


# --- which texts `harness validate` reads ---------------------------------------------


def corpus_copy(root: Path, with_seeds: bool = True) -> Path:
    """A corpus laid out like the project's: root/gold/ex1.json (+ root/seeds/ex1.txt)."""
    (root / "gold").mkdir(parents=True)
    (root / "gold" / "ex1.json").write_bytes(GOLD_FILE.read_bytes())
    if with_seeds:
        (root / "seeds").mkdir()
        (root / "seeds" / "ex1.txt").write_bytes((SEEDS / "ex1.txt").read_bytes())
    return root


def test_validate_a_gold_directory_reads_the_texts_beside_it(tmp_path, capsys):
    corpus = corpus_copy(tmp_path / "corpus")
    assert main(["validate", str(corpus / "gold")]) == 0
    assert capsys.readouterr().out.strip() == "ok: 1 gold file(s) keep the contract"
    assert main(["validate", str(corpus / "gold" / "ex1.json")]) == 0


def test_validate_a_corpus_directory_finds_its_gold(tmp_path, capsys):
    corpus = corpus_copy(tmp_path / "corpus")
    assert main(["validate", str(corpus)]) == 0
    assert capsys.readouterr().out.strip() == "ok: 1 gold file(s) keep the contract"


def test_validate_without_texts_beside_the_gold_falls_back_to_the_project_seeds(tmp_path, capsys):
    corpus = corpus_copy(tmp_path / "corpus", with_seeds=False)
    assert main(["validate", str(corpus / "gold")]) == 1
    err = capsys.readouterr().err
    assert "$.doc_id: no seed document" in err and "ex1.txt" in err


def test_an_explicit_seeds_option_wins_over_the_texts_beside_the_gold(tmp_path, capsys):
    corpus = corpus_copy(tmp_path / "corpus")
    (corpus / "seeds" / "ex1.txt").write_text("نص آخر لا يطابق الملف.\n", encoding="utf-8")
    assert main(["validate", str(corpus / "gold"), "--seeds", str(SEEDS)]) == 0
    capsys.readouterr()
    assert main(["validate", str(corpus / "gold")]) == 1
    assert "$.text_sha256: does not match" in capsys.readouterr().err


def test_the_held_out_corpus_validates_against_its_own_texts(capsys):
    heldout = EXAMPLE.parent / "heldout"
    assert main(["validate", str(heldout / "gold")]) == 0
    assert main(["validate", str(heldout)]) == 0
    assert capsys.readouterr().out.count("ok: 4 gold file(s) keep the contract") == 2


def test_the_blind_held_out_corpus_validates_against_its_own_texts(capsys):
    blind = EXAMPLE.parent / "heldout-b"
    assert main(["validate", str(blind)]) == 0
    assert capsys.readouterr().out.count("ok: 5 gold file(s) keep the contract") == 1


def test_the_styles_corpus_of_the_rule_tests_keeps_the_gold_contract(capsys):
    """The sentences written for the rules in several styles are scored as a corpus; their gold
    must keep the contract as it grows (the MISC ``adjective`` fact came after it was written)."""
    assert main(["validate", str(EXAMPLE.parent / "styles")]) == 0
    assert "ok: 9 gold file(s) keep the contract" in capsys.readouterr().out
