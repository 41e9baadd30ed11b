"""Consecutive CoNLL sentences read as passages: grouping, offsets, and a gold hash of their own."""

from __future__ import annotations

import pytest

from harness.annotations import Annotations, Claim, Document, GoldDocument, Span
from harness.corpus.load import CorpusOptionError, load_conll_file, load_corpus
from harness.corpus.passages import join_gold_documents, pack_consecutive

# Three sentences of 4, 3 and 2 tokens; the last one starts with an entity.
CONLL = """قال O
محمد B-PERS
في O
بغداد B-LOC

أعلنت O
الأمم B-ORG
المتحدة I-ORG

دمشق B-LOC
أمس O
"""


def _write(tmp_path):
    path = tmp_path / "dev.txt"
    path.write_text(CONLL, encoding="utf-8")
    return path


def test_items_are_packed_greedily_in_order_and_a_large_one_stands_alone():
    assert pack_consecutive([4, 3, 2], 7) == [range(0, 2), range(2, 3)]
    assert pack_consecutive([9, 1], 5) == [range(0, 1), range(1, 2)]
    assert pack_consecutive([], 5) == []
    with pytest.raises(ValueError, match="passage size"):
        pack_consecutive([1], 0)


def test_passages_of_a_conll_file_keep_every_entity_at_the_right_characters(tmp_path):
    by_sentence = load_conll_file(_write(tmp_path), "PERS=PER,ORG=ORG,LOC=LOC")
    in_passages = load_conll_file(_write(tmp_path), "PERS=PER,ORG=ORG,LOC=LOC", passage_tokens=7)
    assert len(by_sentence.documents) == 3 and len(in_passages.documents) == 2
    first = in_passages.documents[0]
    assert first.document.text == "قال محمد في بغداد أعلنت الأمم المتحدة"
    assert [(e.id, e.label, e.text) for e in first.gold.entities] == [("e1", "PER", "محمد"), ("e2", "LOC", "بغداد"), ("e3", "ORG", "الأمم المتحدة")]
    for document in in_passages.documents:
        for entity in document.gold.entities:
            assert document.document.text[entity.start : entity.end] == entity.text
    assert sum(len(d.gold.entities) for d in in_passages.documents) == sum(len(d.gold.entities) for d in by_sentence.documents)


def test_reading_in_passages_changes_the_gold_hash_and_the_corpus_name(tmp_path):
    path = _write(tmp_path)
    alone, grouped = load_conll_file(path, None), load_conll_file(path, None, passage_tokens=7)
    assert alone.gold_sha256 != grouped.gold_sha256
    assert grouped.gold_sha256 != load_conll_file(path, None, passage_tokens=100).gold_sha256
    assert grouped.name == "dev-passages7" and alone.name == "dev"


def test_passages_are_refused_for_a_gold_directory(tmp_path):
    with pytest.raises(CorpusOptionError, match="passage_tokens: not an option of the gold-dir format"):
        load_corpus(tmp_path, passage_tokens=100)


def test_documents_with_claims_are_not_joined():
    claim = Claim("c1", Span(0, 2, "نص"), "قال")
    document = GoldDocument(Document("d", "نص"), Annotations("d", claims=(claim,)))
    with pytest.raises(ValueError, match="only entity gold"):
        join_gold_documents("p1", [document])
