"""Marks over a text, turned into a tree of properly nested pieces for HTML.

HTML elements must nest, but annotations need not: a gold PER can hold a
nested LOC, and a prediction may cross a gold boundary. This module turns a
flat list of marks over one text into a tree whose nodes nest: a mark that
crosses the end of an enclosing mark is cut in two at that end, and the two
pieces carry the same classes and title (so a reader sees one highlight that
happens to be drawn as two boxes).

The tree is plain data (no HTML), so a template renders it and escapes every
piece of text; nothing here builds markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Mark:
    """One highlight: ``text[start:end]`` drawn with ``classes``, explained by ``title``."""

    start: int
    end: int
    #: CSS class names (chosen by the caller from fixed vocabularies, never from data).
    classes: tuple[str, ...]
    #: Tooltip text; may hold document or model text (the template escapes it).
    title: str = ""


@dataclass(frozen=True)
class Node:
    """Either a run of plain text (``mark`` is None) or a mark with its children."""

    text: str = ""
    mark: Mark | None = None
    children: tuple[Node, ...] = ()


def _order(mark: Mark) -> tuple[int, int]:
    # Earlier first; of two marks starting together the longer one encloses the other.
    return (mark.start, -mark.end)


def nest_marks(text: str, marks: Sequence[Mark]) -> tuple[Node, ...]:
    """The text as nodes, with every mark inside ``[0, len(text)]`` drawn over it.

    Empty or inverted marks and marks outside the text are dropped (a report
    must still render when a prediction's offsets are wrong; such predictions
    are listed elsewhere as ungrounded). Marks with the same span nest in the
    order given.
    """
    valid = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    ordered = sorted(enumerate(valid), key=lambda im: (_order(im[1]), im[0]))
    return _build(text, 0, len(text), [m for _, m in ordered])


def _build(text: str, start: int, end: int, marks: list[Mark]) -> tuple[Node, ...]:
    """Nodes of ``text[start:end]``; ``marks`` lie inside it, sorted by :func:`_order`."""
    nodes: list[Node] = []
    position = start
    pending = list(marks)
    while pending:
        outer = pending.pop(0)
        if outer.start > position:
            nodes.append(Node(text=text[position : outer.start]))
        inside: list[Mark] = []
        after: list[Mark] = []
        for mark in pending:
            if mark.start >= outer.end:
                after.append(mark)
            elif mark.end <= outer.end:
                inside.append(mark)
            else:
                # Crosses the end of ``outer``: one piece inside, the rest after it.
                inside.append(Mark(mark.start, outer.end, mark.classes, mark.title))
                after.append(Mark(outer.end, mark.end, mark.classes, mark.title))
        inside.sort(key=_order)
        after.sort(key=_order)
        nodes.append(Node(mark=outer, children=_build(text, outer.start, outer.end, inside)))
        position = outer.end
        pending = after
    if position < end:
        nodes.append(Node(text=text[position:end]))
    return tuple(nodes)


def plain_text(nodes: Sequence[Node]) -> str:
    """The text the nodes cover, marks removed: equals the input text (a test invariant)."""
    return "".join(node.text if node.mark is None else plain_text(node.children) for node in nodes)
