"""YAML read with bounds: the one loader every YAML file of the harness goes through.

``yaml.safe_load`` refuses arbitrary Python objects but not the two ways a
small file can cost unbounded time and memory:

* aliases: ``&a [x, x, x]`` then ``&b [*a, *a, *a]`` and so on nine levels
  deep is a few hundred bytes that stand for a billion strings. Loading is
  quick (PyYAML shares the objects), but the first thing that walks the value
  (``repr`` in an error message, ``json.dumps`` for a config hash) hangs;
* nesting: ``[[[[...]]]]`` ten thousand levels deep ends in a RecursionError
  from the parser, a traceback instead of a message.

:class:`BoundedLoader` is PyYAML's safe loader with three limits checked
while the document is composed, before any Python object exists: the file's
size, the nesting depth, and the number of nodes the document has *once every
alias is expanded* (a recursive alias, which has no finite expansion, is
refused as well). The limits are far above what a config, gate file, prompt
template or convention needs (the largest in the project has a few hundred
nodes). Breaking one raises :class:`YamlLimitError`, a ``yaml.YAMLError``
with the line and column of the node that broke it, so every reader's existing
"not valid YAML" handling names the file and line.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

#: Largest YAML text read, in characters.
MAX_CHARS = 5_000_000
#: Deepest nesting of lists and mappings.
MAX_DEPTH = 100
#: Most nodes a document may hold with every alias expanded.
MAX_NODES = 200_000


class YamlLimitError(yaml.MarkedYAMLError):
    """A YAML document over one of the loader's limits (size, depth, expanded nodes)."""


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def expanded_size(root: Node, limit: int) -> int:
    """Nodes under ``root`` (itself included) with every alias expanded, counted up to ``limit``.

    An alias is the same node object met twice, so the graph is walked with a
    memo of each node's size: the cost is the number of distinct nodes, not
    of the expansion. Raises :class:`YamlLimitError` for a recursive alias
    and as soon as the count passes ``limit``.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            active.discard(key)
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            if total > limit:
                raise YamlLimitError(
                    None, None, f"the document stands for more than {limit:,} values once its aliases are expanded (an alias bomb?)", node.start_mark
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in active:
            raise YamlLimitError(None, None, "a recursive alias (a value that contains itself) cannot be read", node.start_mark)
        active.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in active:
                raise YamlLimitError(None, None, "a recursive alias (a value that contains itself) cannot be read", child.start_mark)
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(root)]


class BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses documents over :data:`MAX_DEPTH` or :data:`MAX_NODES`."""

    max_depth = MAX_DEPTH
    max_nodes = MAX_NODES

    def __init__(self, stream: Any):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            if self._depth > self.max_depth:
                raise YamlLimitError(None, None, f"nested more than {self.max_depth} levels deep", self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> Node | None:
        node = super().compose_document()
        if node is not None:
            expanded_size(node, self.max_nodes)
        return node


def load_yaml(text: str) -> Any:
    """The single YAML document in ``text``, read safely and within the limits.

    Raises ``yaml.YAMLError`` (:class:`YamlLimitError` for a broken limit);
    the callers turn it into their own error naming the file.
    """
    if len(text) > MAX_CHARS:
        raise YamlLimitError(None, None, f"longer than {MAX_CHARS:,} characters; not a configuration file", None)
    return yaml.load(text, Loader=BoundedLoader)  # noqa: S506 - BoundedLoader is a SafeLoader


def describe_yaml_error(err: yaml.YAMLError) -> tuple[str, str]:
    """``(where, what)`` of a YAML error: ``line N`` (or ``(file)``) and the problem in words."""
    mark = getattr(err, "problem_mark", None)
    where = f"line {mark.line + 1}" if mark is not None else "(file)"
    problem = getattr(err, "problem", None) or str(err)
    return where, str(problem)
