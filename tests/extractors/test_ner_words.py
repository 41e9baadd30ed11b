"""Words, sub-tokens and overlapping windows of the NER extractor."""

from __future__ import annotations

import pytest

from harness.extractors.ner.words import (
    EncodedText,
    encode_text,
    owner_windows,
    plan_windows,
    word_spans,
)
from harness.training.export import build_tokenizer
from harness.training.tiny import tiny_vocab


def _encoded(word_lengths: list[int]) -> EncodedText:
    word_of, word_first = [], []
    for word, length in enumerate(word_lengths):
        word_first.append(len(word_of))
        word_of.extend([word] * length)
    n = len(word_of)
    return EncodedText(tuple(range(n)), tuple((i, i + 1) for i in range(n)), tuple(word_of), tuple(word_first), tuple(word_first))


def test_a_short_text_is_one_window():
    assert [(w.start, w.end) for w in plan_windows(_encoded([1, 2, 1]), 10, 2)] == [(0, 4)]


def test_windows_start_at_word_starts_never_cut_a_word_and_overlap():
    encoded = _encoded([2, 3, 1, 2, 2, 3, 1, 2, 2])
    windows = plan_windows(encoded, size=6, overlap=2)
    starts = set(encoded.word_first)
    assert windows[0].start == 0 and windows[-1].end == len(encoded.ids)
    for a, b in zip(windows, windows[1:]):
        assert b.start in starts and b.start < a.end  # overlapping, at a word start
        assert a.end in starts  # no word cut
    assert all(w.end - w.start <= 6 for w in windows)


def test_each_word_is_labelled_by_the_window_where_it_is_most_central():
    encoded = _encoded([1] * 12)
    windows = plan_windows(encoded, size=6, overlap=3)
    owners = owner_windows(encoded, windows)
    assert len(owners) == 12 and all(o >= 0 for o in owners)
    for word, owner in enumerate(owners):
        first = encoded.word_first[word]
        margin = min(first - windows[owner].start, windows[owner].end - 1 - first)
        for w in windows:
            if w.start <= first < w.end:
                assert margin >= min(first - w.start, w.end - 1 - first)


def test_bad_window_settings_are_refused():
    with pytest.raises(ValueError, match="overlap"):
        plan_windows(_encoded([1, 1]), size=4, overlap=4)


def test_word_spans_point_into_the_raw_text_without_the_leading_space():
    tokenizer = build_tokenizer(tiny_vocab(["قال", "محمد", "بغداد"]))
    text = "  قال محمد\tفي بغداد،"
    encoded = encode_text(tokenizer, text)
    assert [text[s:e] for s, e in word_spans(encoded, text)] == ["قال", "محمد", "في", "بغداد،"]


def test_a_bare_word_start_marker_does_not_carry_the_words_label():
    tokenizer = build_tokenizer(tiny_vocab(["قال", "محمد"]))
    text = "قال دار"  # "دار" is no piece: spelt "▁" + letters
    encoded = encode_text(tokenizer, text)
    pieces = tokenizer.convert_ids_to_tokens(list(encoded.ids))
    assert pieces[encoded.word_first[1]] == "\u2581"
    assert text[slice(*encoded.offsets[encoded.word_head[1]])] == "د"
    assert encoded.word_head[0] == encoded.word_first[0]
