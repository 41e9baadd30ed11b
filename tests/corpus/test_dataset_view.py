"""The datasets.Dataset views: declared features, round trip, token tags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from datasets import ClassLabel, List, Value

from harness.annotations import (
    ENTITY_LABELS,
    Annotations,
    Claim,
    Document,
    Entity,
    GoldDocument,
    Quantity,
    Span,
    Speaker,
    TimeRef,
)
from harness.corpus.conll import read_conll
from harness.corpus.dataset_view import (
    DOCUMENT_FEATURES,
    conll_to_token_dataset,
    gold_documents_from_dataset,
    to_dataset,
)

TEXT = "قال وزير المالية إن العجز بلغ 5 مليارات دولار في 2023."


def sample_gold() -> GoldDocument:
    """One document with an entity, a drafted entity and a claim with several slots."""
    return GoldDocument(
        Document("doc-a", TEXT),
        Annotations(
            "doc-a",
            entities=(
                Entity("e1", "QUANTITY", 30, 45, TEXT[30:45]),
                Entity("e2", "DATE", 49, 53, TEXT[49:53], drafted=True),
            ),
            claims=(
                Claim(
                    id="c1",
                    evidence=Span(0, len(TEXT), TEXT),
                    predicate="بلغ العجز",
                    speaker=Speaker(TEXT[4:16], 4, 16, aliases=("الوزير",)),
                    quantity=Quantity(5e9, "USD", False, TEXT[30:45], 30, 45),
                    time=TimeRef("2023", TEXT[49:53], 49, 53),
                ),
            ),
        ),
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mini.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_document_dataset_declares_its_features():
    dataset = to_dataset([sample_gold()])
    assert dataset.features == DOCUMENT_FEATURES
    label = dataset.features["entities"].feature["label"]
    assert isinstance(label, ClassLabel) and label.names == list(ENTITY_LABELS)
    assert dataset.features["claims"] == Value("string")


def test_document_dataset_stores_entity_labels_as_class_ids_and_claims_as_json():
    row = to_dataset([sample_gold()])[0]
    label_names = DOCUMENT_FEATURES["entities"].feature["label"].names
    assert [label_names[e["label"]] for e in row["entities"]] == ["QUANTITY", "DATE"]
    assert json.loads(row["claims"])[0]["speaker"]["text"] == "وزير المالية"


def test_document_dataset_round_trips_to_equal_gold_documents():
    original = [sample_gold(), GoldDocument(Document("doc-b", "نص"), Annotations("doc-b"))]
    assert gold_documents_from_dataset(to_dataset(original)) == original


def test_label_outside_the_harness_labels_is_an_error_naming_document_and_label(tmp_path):
    corpus = read_conll(write(tmp_path, "محمد B-PERS\nقال O\n"))
    with pytest.raises(ValueError, match=r"mini-s00001.*'PERS'"):
        to_dataset(corpus.gold_documents())


def test_conll_corpus_with_mapped_labels_fits_the_document_view(tmp_path):
    corpus = read_conll(write(tmp_path, "محمد B-PERS\nفي O\nدبي B-LOC\n"), label_map="PERS=PER,LOC=LOC")
    row = to_dataset(corpus.gold_documents())[0]
    assert [(e["text"], e["start"], e["end"]) for e in row["entities"]] == [("محمد", 0, 4), ("دبي", 8, 11)]


def test_token_dataset_has_tokens_and_class_label_tags_in_scheme_order(tmp_path):
    corpus = read_conll(write(tmp_path, "محمد B-PERS\nفي O\nدبي B-LOC\n"))
    dataset = conll_to_token_dataset(corpus)
    tag_feature = dataset.features["ner_tags"]
    assert isinstance(tag_feature, List) and isinstance(tag_feature.feature, ClassLabel)
    assert tag_feature.feature.names == ["O", "B-LOC", "I-LOC", "B-PERS", "I-PERS"]
    assert dataset.features["tokens"] == List(Value("string"))
    row = dataset[0]
    assert row["tokens"] == ["محمد", "في", "دبي"]
    assert tag_feature.feature.int2str(row["ner_tags"]) == ["B-PERS", "O", "B-LOC"]


def test_token_dataset_writes_an_inside_started_entity_with_a_begin_tag(tmp_path):
    corpus = read_conll(write(tmp_path, "أعلنت O\nالأمم I-ORG\nالمتحدة I-ORG\n"))
    dataset = conll_to_token_dataset(corpus)
    names = dataset.features["ner_tags"].feature
    assert names.int2str(dataset[0]["ner_tags"]) == ["O", "B-ORG", "I-ORG"]
    assert corpus.sentences[0].tags == ("O", "I-ORG", "I-ORG")


def test_token_dataset_uses_mapped_labels_and_a_given_label_order(tmp_path):
    text = "محمد S-PERS\nفي O\nدبي S-LOC\nالعاصمة O\n"
    corpus = read_conll(write(tmp_path, text), scheme="IOBES", label_map="PERS=PER,LOC=drop")
    dataset = conll_to_token_dataset(corpus, labels=["PER", "ORG"])
    feature = dataset.features["ner_tags"].feature
    assert feature.names == ["O", "B-PER", "I-PER", "E-PER", "S-PER", "B-ORG", "I-ORG", "E-ORG", "S-ORG"]
    assert feature.int2str(dataset[0]["ner_tags"]) == ["S-PER", "O", "O", "O"]


def test_token_dataset_rejects_a_label_missing_from_the_given_order(tmp_path):
    corpus = read_conll(write(tmp_path, "محمد B-PERS\n"))
    with pytest.raises(ValueError, match=r"mini-s00001 \(line 1\).*'PERS'"):
        conll_to_token_dataset(corpus, labels=["PER"])
