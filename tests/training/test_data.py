"""Training examples: one label per token on its first sub-token, long sentences cut without loss."""

from __future__ import annotations

import pytest

from harness.training.data import (
    IGNORE,
    TaggedSentence,
    build_examples,
    hold_out_last,
    label_list,
    read_tagged,
    write_conll,
)
from harness.training.export import build_tokenizer
from harness.training.tiny import tiny_vocab

WORDS = ["قال", "محمد", "في", "بغداد"]


@pytest.fixture(scope="module")
def tokenizer():
    tok = build_tokenizer(tiny_vocab(WORDS))
    tok.model_max_length = 10**9
    return tok


def test_only_the_first_sub_token_of_a_token_carries_its_label(tokenizer):
    # "بقال" is not a piece: it is spelt as a bare "▁" and letters; the bare
    # marker gets the label too, the head (first letter piece) is where it is read.
    sentence = TaggedSentence(("قال", "بقال", "بغداد"), ("O", "B-PERS", "B-LOC"))
    labels = label_list([sentence])
    [example] = build_examples(tokenizer, [sentence], {label: i for i, label in enumerate(labels)}, max_length=64)
    assert [labels[example.labels[c]] for c in example.head_columns] == ["O", "B-PERS", "B-LOC"]
    real = [labels[label_id] for label_id in example.labels if label_id != IGNORE]
    assert real == ["O", "B-PERS", "B-PERS", "B-LOC"]
    assert len(example.input_ids) > 6  # the spelt-out word has more sub-tokens than labels
    assert example.labels[0] == IGNORE and example.labels[-1] == IGNORE


def test_a_sentence_longer_than_the_limit_is_cut_at_token_boundaries_and_keeps_every_label(tokenizer):
    tokens = tuple(["قال", "محمد", "في", "بغداد"] * 10)
    tags = tuple(["O", "B-PERS", "O", "B-LOC"] * 10)
    sentence = TaggedSentence(tokens, tags)
    labels = label_list([sentence])
    examples = build_examples(tokenizer, [sentence], {label: i for i, label in enumerate(labels)}, max_length=12)
    assert len(examples) > 3 and all(len(e.input_ids) <= 12 for e in examples)
    positions = [p for e in examples for p in e.token_positions]
    assert positions == list(range(len(tokens)))
    assert [labels[e.labels[c]] for e in examples for c in e.head_columns] == list(tags)


def test_the_dev_split_is_the_last_sentences_and_round_trips_as_conll(tmp_path):
    sentences = [TaggedSentence((f"w{i}",), ("O",)) for i in range(10)]
    split = hold_out_last(sentences, 3)
    assert [s.tokens[0] for s in split.dev] == ["w7", "w8", "w9"] and len(split.train) == 7
    write_conll(tmp_path / "dev.txt", split.dev)
    assert read_tagged(tmp_path / "dev.txt") == list(split.dev)
    with pytest.raises(ValueError, match="dev size"):
        hold_out_last(sentences, 10)


def test_a_dev_size_of_zero_trains_on_every_sentence_and_holds_none_out():
    sentences = [TaggedSentence((f"w{i}",), ("O",)) for i in range(4)]
    split = hold_out_last(sentences, 0)
    assert list(split.train) == sentences and split.dev == ()
    with pytest.raises(ValueError, match="between 0 \\(no dev split\\) and 3"):
        hold_out_last(sentences, -1)


def test_labels_are_outside_then_begin_inside_per_type():
    sentences = [TaggedSentence(("a", "b"), ("B-PERS", "I-LOC"))]
    assert label_list(sentences) == ["O", "B-LOC", "I-LOC", "B-PERS", "I-PERS"]


def test_an_orphan_inside_tag_is_read_as_the_start_of_an_entity_as_conlleval_does():
    from harness.training.data import repair_orphan_tags

    sentence = TaggedSentence(("أ", "ب", "ج", "د", "ه"), ("O", "I-ORG", "I-ORG", "I-LOC", "B-PERS"))
    assert repair_orphan_tags(sentence).tags == ("O", "B-ORG", "I-ORG", "B-LOC", "B-PERS")
    assert repair_orphan_tags(sentence).tokens == sentence.tokens


def test_passages_join_consecutive_sentences_up_to_the_size_and_split_back_exactly():
    from harness.training.data import group_passages

    sentences = [TaggedSentence(tuple(f"w{i}_{j}" for j in range(n)), ("O",) * n) for i, n in enumerate([3, 2, 4, 6, 1])]
    passages = group_passages(sentences, max_tokens=5)
    # 3+2 fit; 4 alone (4+6 too long); 6 is longer than the size and stands alone; then 1.
    assert [p.members for p in passages] == [(0, 1), (2,), (3,), (4,)]
    assert passages[0].text.tokens == sentences[0].tokens + sentences[1].tokens
    rows = list(range(len(passages[0].text.tokens)))
    assert passages[0].split_rows(rows) == [[0, 1, 2], [3, 4]]
    assert [s for p in passages for s in p.split_rows(list(p.text.tokens))] == [list(s.tokens) for s in sentences]


def test_a_passage_size_below_one_token_is_refused():
    from harness.training.data import group_passages

    with pytest.raises(ValueError, match="passage size"):
        group_passages([TaggedSentence(("a",), ("O",))], max_tokens=0)
