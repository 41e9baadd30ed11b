"""Marks over a text become properly nested nodes, whatever the marks overlap."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from harness.report.highlight import Mark, Node, nest_marks, plain_text

TEXT = "قال العقيد سامر الحلبي إن 40 عملية نفذت في حلب"


def spans(nodes: tuple[Node, ...], offset: int = 0) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, classes) of every mark node, in document offsets."""
    found = []
    position = offset
    for node in nodes:
        if node.mark is None:
            position += len(node.text)
            continue
        length = len(plain_text(node.children))
        found.append((position, position + length, node.mark.classes))
        found += spans(node.children, position)
        position += length
    return found


def test_a_text_without_marks_is_one_plain_node():
    assert nest_marks(TEXT, []) == (Node(text=TEXT),)


def test_a_mark_inside_another_is_its_child():
    outer, inner = Mark(11, 22, ("per",)), Mark(16, 22, ("family",))
    before, per, after = nest_marks(TEXT, [inner, outer])
    assert before == Node(text=TEXT[:11]) and after == Node(text=TEXT[22:])
    assert per.mark == outer and [c.mark for c in per.children] == [None, inner]
    assert plain_text(per.children) == "سامر الحلبي"


def test_a_mark_crossing_the_end_of_another_is_cut_in_two_pieces_with_the_same_classes():
    first, crossing = Mark(4, 16, ("a",)), Mark(11, 28, ("b",))
    nodes = nest_marks(TEXT, [first, crossing])
    assert spans(nodes) == [(4, 16, ("a",)), (11, 16, ("b",)), (16, 28, ("b",))]
    assert plain_text(nodes) == TEXT


def test_marks_outside_the_text_or_empty_are_left_out():
    nodes = nest_marks(TEXT, [Mark(5, 5, ("empty",)), Mark(40, 400, ("beyond",)), Mark(-1, 3, ("before",))])
    assert nodes == (Node(text=TEXT),)


def test_two_marks_on_the_same_span_nest_in_the_order_given():
    gold, predicted = Mark(0, 3, ("gold",)), Mark(0, 3, ("predicted",))
    (node, _) = nest_marks(TEXT, [gold, predicted])
    assert node.mark == gold and node.children[0].mark == predicted


@given(
    st.lists(
        st.tuples(st.integers(-3, len(TEXT) + 3), st.integers(-3, len(TEXT) + 3), st.sampled_from("abc")),
        max_size=12,
    )
)
def test_any_marks_keep_the_text_and_draw_every_character_of_every_valid_mark(raw):
    marks = [Mark(start, end, (name,)) for start, end, name in raw]
    nodes = nest_marks(TEXT, marks)
    assert plain_text(nodes) == TEXT
    drawn = spans(nodes)
    for mark in marks:
        if 0 <= mark.start < mark.end <= len(TEXT):
            covered = {i for start, end, classes in drawn if classes == mark.classes for i in range(start, end)}
            assert set(range(mark.start, mark.end)) <= covered
    for start, end, _ in drawn:
        assert 0 <= start < end <= len(TEXT)
