"""ANERcorp train split read end to end, checked against a direct count of the file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from harness.corpus.conll import read_conll

pytestmark = pytest.mark.shared_data


@pytest.fixture(scope="module")
def anercorp_train(shared_data_dir: Path) -> Path:
    path = shared_data_dir / "anercorp" / "train.txt"
    if not path.is_file():
        pytest.skip(f"ANERcorp train split not found at {path}")
    return path


def count_entities_directly(path: Path) -> tuple[int, Counter, list[list[tuple[str, str]]]]:
    """Sentences, entities per label and (label, text) per sentence, by plain iteration.

    An entity starts at every B- tag and at every I- tag that does not continue
    an entity of its own label; written here without the harness's decoder.
    """
    sentences: list[list[tuple[str, str]]] = []
    per_label: Counter = Counter()
    current: list[tuple[str, list[str]]] | None = None
    open_label = None
    for line in path.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            open_label = None
            if current is not None:
                sentences.append([(label, " ".join(words)) for label, words in current])
                current = None
            continue
        if current is None:
            current = []
        word, tag = line.split()[0], line.split()[-1]
        if tag == "O":
            open_label = None
            continue
        prefix, label = tag.split("-", 1)
        if prefix == "B" or label != open_label:
            per_label[label] += 1
            current.append((label, [word]))
        else:
            current[-1][1].append(word)
        open_label = label
    if current is not None:
        sentences.append([(label, " ".join(words)) for label, words in current])
    return len(sentences), per_label, sentences


def test_anercorp_train_has_the_sentences_and_entities_a_direct_count_gives(anercorp_train):
    corpus = read_conll(anercorp_train, scheme="IOB2")
    n_sentences, per_label, expected_entities = count_entities_directly(anercorp_train)

    assert len(corpus.sentences) == n_sentences == 3972
    assert corpus.token_count == 125_100
    read_per_label = Counter(e.label for d in corpus.gold_documents() for e in d.gold.entities)
    print(f"\nANERcorp train entities per label: {dict(sorted(per_label.items()))}")
    assert read_per_label == per_label
    assert [[(e.label, e.text) for e in d.gold.entities] for d in corpus.gold_documents()] == (
        expected_entities
    )


def test_anercorp_entity_offsets_slice_their_text_at_token_boundaries(anercorp_train):
    corpus = read_conll(anercorp_train, label_map="PERS=PER,LOC=LOC,ORG=ORG,MISC=MISC")
    assert corpus.labels == ("LOC", "MISC", "ORG", "PER")
    for sentence in corpus.sentences:
        text = sentence.doc.document.text
        assert text == " ".join(sentence.tokens)
        starts = {start for start, _ in sentence.token_spans}
        ends = {end for _, end in sentence.token_spans}
        for entity, span in zip(sentence.doc.gold.entities, sentence.entity_spans, strict=True):
            assert text[entity.start : entity.end] == entity.text
            assert entity.start in starts and entity.end in ends
            assert entity.text == " ".join(sentence.tokens[span.start_token : span.end_token])
