"""JSONL corpora and saved Hugging Face datasets: reading, errors that name file, line and field.

Every corpus here is written in ``tmp_path`` from sentences written for the tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.corpus.formats.base import FormatOptionError
from harness.corpus.formats.jsonl import JsonlFormatError, export_jsonl
from harness.corpus.gold import UnreviewedDraftsError
from harness.corpus.load import CorpusSpec

TEXT_1 = "أعلن وزير الدفاع سامر خليل أن الجيش ضبط 40 بندقية في حمص."
TEXT_2 = "قالت منظمة الإغاثة إن 300 عائلة نزحت من حماة."


def _span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def _entity(text: str, label: str, part: str, **extra) -> dict:
    start, end = _span(text, part)
    return {"label": label, "start": start, "end": end, **extra}


def _claim(text: str) -> dict:
    start, end = _span(text, "نزحت")
    qs, qe = _span(text, "300 عائلة")
    return {
        "id": "c1",
        "kind": "fact",
        "evidence": {"start": 0, "end": len(text) - 1, "text": text[:-1]},
        "predicate": "نزحت",
        "speaker": None,
        "quantity": {"value": 300.0, "unit": "family", "approx": False, "text": text[qs:qe], "start": qs, "end": qe},
        "time": None,
        "location": None,
    }


def _records() -> list[dict]:
    return [
        {"doc_id": "d1", "text": TEXT_1, "entities": [_entity(TEXT_1, "PER", "سامر خليل"), _entity(TEXT_1, "WEAPON", "بندقية"), _entity(TEXT_1, "LOC", "حمص")], "claims": []},
        {"doc_id": "d2", "text": TEXT_2, "entities": [_entity(TEXT_2, "ORG", "منظمة الإغاثة"), _entity(TEXT_2, "LOC", "حماة")], "claims": [_claim(TEXT_2)]},
    ]


def _write(path: Path, records: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_jsonl_file_reads_as_documents_with_entities_claims_and_its_own_labels(tmp_path):
    corpus = CorpusSpec.of(_write(tmp_path / "arms.jsonl", _records())).load()
    assert corpus.name == "arms" and corpus.has_claims and corpus.convention == "project"
    assert corpus.labels == ("PER", "ORG", "LOC", "WEAPON")  # the project's order, then its own labels
    d1, d2 = corpus.documents
    assert [(e.id, e.label, e.text) for e in d1.gold.entities] == [("e1", "PER", "سامر خليل"), ("e2", "WEAPON", "بندقية"), ("e3", "LOC", "حمص")]
    assert d2.gold.claims[0].quantity.value == 300.0 and d2.gold.claims[0].quantity.text == "300 عائلة"


def test_records_without_claims_make_an_entity_only_corpus(tmp_path):
    records = [{k: v for k, v in r.items() if k != "claims"} for r in _records()]
    corpus = CorpusSpec.of(_write(tmp_path / "c.jsonl", records)).load()
    assert not corpus.has_claims and len(corpus.documents) == 2


def test_the_labels_option_fixes_the_label_set_and_refuses_others_by_line_and_field(tmp_path):
    path = _write(tmp_path / "c.jsonl", _records())
    with pytest.raises(JsonlFormatError, match=rf"{path}:1: \$\.entities\[1\]\.label: unknown label 'WEAPON'"):
        CorpusSpec.of(path, None, {"labels": ["PER", "ORG", "LOC"]}).load()
    corpus = CorpusSpec.of(path, None, {"labels": ["PER", "ORG", "LOC", "WEAPON", "DATE"]}).load()
    assert corpus.labels == ("PER", "ORG", "LOC", "WEAPON", "DATE")


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        (lambda r: r[1].update(text=""), ":2: $.text", "expected a non-empty string"),
        (lambda r: r[0].pop("entities"), ":1: $.entities", "missing field"),
        (lambda r: r[0]["entities"][0].update(end=999), ":1: $.entities[0]", "outside the document"),
        (lambda r: r[0]["entities"][0].update(text="خليل"), ":1: $.entities[0].text", "does not match the document"),
        (lambda r: r[0]["entities"][1].update(colour="red"), ":1: $.entities[1].colour", "unknown field"),
        (lambda r: r[1].update(doc_id="d1"), ":2: $.doc_id", "duplicate id 'd1'"),
        (lambda r: r[1]["claims"][0].update(kind="rumour"), ":2: $.claims[0].kind", "unknown kind 'rumour'"),
        (lambda r: r[1]["claims"][0]["quantity"].pop("approx"), ":2: $.claims[0].quantity.approx", "missing field"),
        (lambda r: r[0].pop("claims"), ":1: $.claims", "missing, while"),
        (lambda r: r[0].update(url="https://example.org"), ":1: $.url", "ignore_fields"),
    ],
)
def test_a_broken_record_is_refused_naming_file_line_and_field(tmp_path, change, where, message):
    records = _records()
    change(records)
    path = _write(tmp_path / "c.jsonl", records)
    with pytest.raises(JsonlFormatError) as info:
        CorpusSpec.of(path).load()
    first = str(info.value).splitlines()[0]
    assert first.startswith(f"{path}{where}") and message in first


def test_a_line_that_is_not_json_or_not_an_object_is_refused_with_its_line(tmp_path):
    path = _write(tmp_path / "c.jsonl", [_records()[0], '{"doc_id": "d2", "text": '])
    with pytest.raises(JsonlFormatError, match=rf"{path}:2: not valid JSON"):
        CorpusSpec.of(path).load()
    path = _write(tmp_path / "d.jsonl", ["[1, 2]"])
    with pytest.raises(JsonlFormatError, match=rf"{path}:1: \$: expected a JSON object"):
        CorpusSpec.of(path).load()
    empty = _write(tmp_path / "e.jsonl", [])
    with pytest.raises(JsonlFormatError, match="no documents"):
        CorpusSpec.of(empty).load()


def test_extra_fields_named_in_ignore_fields_are_accepted(tmp_path):
    records = _records()
    for r in records:
        r["url"] = "https://example.org/" + r["doc_id"]
    corpus = CorpusSpec.of(_write(tmp_path / "c.jsonl", records), None, {"ignore_fields": ["url"]}).load()
    assert len(corpus.documents) == 2


def test_unreviewed_drafted_items_are_refused_unless_drafts_are_allowed(tmp_path):
    records = _records()
    records[0]["entities"][0]["drafted"] = True
    path = _write(tmp_path / "c.jsonl", records)
    with pytest.raises(UnreviewedDraftsError, match=rf"{path}:1: 1 unreviewed draft item"):
        CorpusSpec.of(path).load()
    assert len(CorpusSpec.of(path, allow_drafts=True).load().documents) == 2


def test_a_saved_dataset_reads_as_the_same_documents_as_its_jsonl_file(tmp_path):
    from datasets import Dataset

    records = _records()
    path = _write(tmp_path / "c.jsonl", records)
    rows = [{**r, "claims": json.dumps(r["claims"], ensure_ascii=False)} for r in records]
    Dataset.from_list(rows).save_to_disk(str(tmp_path / "saved"))
    from_file = CorpusSpec.of(path).load()
    from_dataset = CorpusSpec.of(tmp_path / "saved").load()
    assert from_dataset.documents == from_file.documents and from_dataset.labels == from_file.labels and from_dataset.has_claims


def test_a_saved_dataset_dict_needs_its_split_named_when_it_has_several(tmp_path):
    from datasets import Dataset, DatasetDict

    records = [{k: v for k, v in r.items() if k != "claims"} for r in _records()]
    DatasetDict({"train": Dataset.from_list(records[:1]), "test": Dataset.from_list(records[1:])}).save_to_disk(str(tmp_path / "dd"))
    with pytest.raises(FormatOptionError, match="name one of its splits: train, test"):
        CorpusSpec.of(tmp_path / "dd").load()
    corpus = CorpusSpec.of(tmp_path / "dd", None, {"split": "test"}).load()
    assert corpus.name == "dd[test]" and [g.document.doc_id for g in corpus.documents] == ["d2"]


def test_the_dataset_view_of_a_corpus_reads_back_through_the_jsonl_format(tmp_path):
    from harness.corpus.dataset_view import to_dataset

    gold = CorpusSpec.of(_write(tmp_path / "c.jsonl", [r for r in _records() if r["doc_id"] == "d2"])).load()
    to_dataset(gold.documents).save_to_disk(str(tmp_path / "view"))
    again = CorpusSpec.of(tmp_path / "view").load()
    assert [(e.label, e.start, e.end) for e in again.documents[0].gold.entities] == [(e.label, e.start, e.end) for e in gold.documents[0].gold.entities]
    assert again.documents[0].gold.claims == gold.documents[0].gold.claims


def test_export_writes_one_record_per_document_that_reads_back_unchanged(tmp_path):
    corpus = CorpusSpec.of(_write(tmp_path / "c.jsonl", _records())).load()
    out = tmp_path / "out.jsonl"
    assert export_jsonl(corpus, out) == 2
    again = CorpusSpec.of(out).load()
    assert again.documents == corpus.documents and again.labels == corpus.labels


def test_the_dataset_view_of_a_corpus_with_its_own_labels_declares_them_and_reads_back(tmp_path):
    from harness.corpus.dataset_view import to_dataset

    gold = CorpusSpec.of(_write(tmp_path / "c.jsonl", _records())).load()
    with pytest.raises(ValueError, match="label 'WEAPON', not one of PER, ORG, LOC, MISC, DATE, QUANTITY"):
        to_dataset(gold.documents)
    view = to_dataset(gold.documents, gold.labels)
    assert view.features["entities"].feature["label"].names == ["PER", "ORG", "LOC", "WEAPON"]
    view.save_to_disk(str(tmp_path / "view"))
    again = CorpusSpec.of(tmp_path / "view").load()
    assert again.labels == gold.labels
    assert [[(e.label, e.text) for e in g.gold.entities] for g in again.documents] == [[(e.label, e.text) for e in g.gold.entities] for g in gold.documents]


def test_bytes_that_are_not_utf8_are_refused_with_their_line(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(json.dumps(_records()[0], ensure_ascii=False).encode("utf-8") + b"\n{\"doc_id\": \"\xff\"}\n")
    with pytest.raises(JsonlFormatError, match=rf"{path}:2: not valid UTF-8"):
        CorpusSpec.of(path).load()
