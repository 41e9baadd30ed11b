"""Tagging schemes: decoding with conlleval's chunk rules, encoding, round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.corpus.tagging import (
    SCHEMES,
    TagError,
    TagSpan,
    get_scheme,
    spans_to_tags,
    tags_to_spans,
)


def spans(*triples: tuple[str, int, int]) -> list[TagSpan]:
    return [TagSpan(label, start, end) for label, start, end in triples]


def test_iob2_reads_begin_inside_entities_with_exclusive_ends():
    tags = ["B-PER", "I-PER", "O", "B-LOC", "O"]
    assert tags_to_spans(tags, "IOB2") == spans(("PER", 0, 2), ("LOC", 3, 4))


def test_iob2_inside_tag_after_outside_starts_an_entity_as_conlleval_does():
    tags = ["O", "I-ORG", "I-ORG", "O"]
    assert tags_to_spans(tags, "IOB2") == spans(("ORG", 1, 3))


def test_iob2_inside_tag_of_another_label_starts_a_new_entity():
    tags = ["B-PER", "I-LOC", "I-LOC"]
    assert tags_to_spans(tags, "IOB2") == spans(("PER", 0, 1), ("LOC", 1, 3))


def test_iob2_begin_tag_splits_two_adjacent_entities_of_one_label():
    tags = ["B-PER", "I-PER", "B-PER"]
    assert tags_to_spans(tags, "IOB2") == spans(("PER", 0, 2), ("PER", 2, 3))


def test_entity_running_to_the_last_token_is_closed():
    assert tags_to_spans(["O", "B-MISC", "I-MISC"], "IOB2") == spans(("MISC", 1, 3))


def test_iob1_uses_begin_only_between_adjacent_entities_of_one_label():
    tags = ["I-PER", "I-PER", "B-PER", "O", "I-LOC"]
    assert tags_to_spans(tags, "IOB1") == spans(("PER", 0, 2), ("PER", 2, 3), ("LOC", 4, 5))


def test_iobes_reads_single_and_end_tags():
    tags = ["S-PER", "B-ORG", "I-ORG", "E-ORG", "O", "S-LOC", "S-LOC"]
    assert tags_to_spans(tags, "IOBES") == spans(
        ("PER", 0, 1), ("ORG", 1, 4), ("LOC", 5, 6), ("LOC", 6, 7)
    )


def test_iobes_inside_tag_after_an_end_tag_starts_a_new_entity():
    tags = ["B-ORG", "E-ORG", "I-ORG", "E-ORG"]
    assert tags_to_spans(tags, "IOBES") == spans(("ORG", 0, 2), ("ORG", 2, 4))


def test_iobes_end_tag_without_a_begin_is_a_one_token_entity():
    assert tags_to_spans(["O", "E-LOC", "O"], "BIOES") == spans(("LOC", 1, 2))


def test_bilou_reads_like_iobes_with_its_own_letters():
    iobes = ["S-PER", "B-ORG", "I-ORG", "E-ORG", "O"]
    bilou = ["U-PER", "B-ORG", "I-ORG", "L-ORG", "O"]
    assert tags_to_spans(bilou, "BILOU") == tags_to_spans(iobes, "IOBES")


def test_labels_may_contain_hyphens():
    assert tags_to_spans(["B-GPE-ORG", "I-GPE-ORG"], "IOB2") == spans(("GPE-ORG", 0, 2))


@pytest.mark.parametrize(
    ("tag", "scheme"),
    [("E-PER", "IOB2"), ("S-PER", "IOB1"), ("L-PER", "IOBES"), ("B-", "IOB2"), ("BPER", "IOB2"), ("o", "IOB2")],
)
def test_tag_outside_the_scheme_is_an_error_naming_tag_and_position(tag, scheme):
    with pytest.raises(TagError) as caught:
        tags_to_spans(["O", tag], scheme)
    assert caught.value.position == 1
    assert repr(tag) in str(caught.value)
    assert scheme in str(caught.value)


def test_unknown_scheme_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="IOB2"):
        get_scheme("IOB3")


def test_scheme_names_are_case_insensitive_and_have_aliases():
    assert get_scheme("bio") is SCHEMES["IOB2"]
    assert get_scheme("BIOES") is SCHEMES["IOBES"]


def test_iob2_encoding_marks_every_start_with_begin():
    tags = spans_to_tags(spans(("PER", 0, 2), ("PER", 2, 3), ("LOC", 4, 5)), 6, "IOB2")
    assert tags == ["B-PER", "I-PER", "B-PER", "O", "B-LOC", "O"]


def test_iob1_encoding_writes_begin_only_after_an_adjacent_entity_of_the_same_label():
    tags = spans_to_tags(spans(("PER", 0, 2), ("PER", 2, 3), ("LOC", 3, 4), ("LOC", 5, 6)), 6, "IOB1")
    assert tags == ["I-PER", "I-PER", "B-PER", "I-LOC", "O", "I-LOC"]


def test_iobes_encoding_uses_single_begin_inside_end():
    tags = spans_to_tags(spans(("PER", 0, 1), ("ORG", 1, 4)), 5, "IOBES")
    assert tags == ["S-PER", "B-ORG", "I-ORG", "E-ORG", "O"]


def test_bilou_encoding_uses_unit_and_last():
    assert spans_to_tags(spans(("PER", 0, 1), ("ORG", 1, 3)), 3, "BILOU") == ["U-PER", "B-ORG", "L-ORG"]


@pytest.mark.parametrize(
    "bad",
    [spans(("PER", 0, 2), ("LOC", 1, 3)), spans(("PER", 2, 2)), spans(("PER", 3, 5)), spans(("", 0, 1))],
    ids=["overlap", "empty", "outside", "no-label"],
)
def test_encoding_rejects_spans_that_no_tag_sequence_can_hold(bad):
    with pytest.raises(ValueError):
        spans_to_tags(bad, 4, "IOB2")


@st.composite
def span_layouts(draw):
    """Non-overlapping spans over up to 12 tokens, adjacency included."""
    n = draw(st.integers(min_value=0, max_value=12))
    cuts = sorted(draw(st.sets(st.integers(min_value=0, max_value=n), max_size=n + 1)))
    result = []
    for start, end in zip(cuts, cuts[1:]):
        if draw(st.booleans()):
            result.append(TagSpan(draw(st.sampled_from(["PER", "LOC"])), start, end))
    return n, result


@pytest.mark.parametrize("scheme", sorted(SCHEMES))
@given(layout=span_layouts())
def test_encoding_then_decoding_gives_back_the_spans(scheme, layout):
    n, original = layout
    assert tags_to_spans(spans_to_tags(original, n, scheme), scheme) == original
