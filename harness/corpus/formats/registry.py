"""Finds corpus formats by name: built-ins, then plug-ins from entry points.

It follows the extractor registry (:mod:`harness.extractors.registry`):
built-ins are ``"module:attribute"`` strings imported only when asked for
(the ``jsonl`` format imports ``datasets`` only when it reads a saved
dataset), and another package adds a format without touching the harness by
declaring, in its own ``pyproject.toml``::

    [project.entry-points."harness.corpus_formats"]
    my-format = "my_package.corpus:FORMAT"

The target is a :class:`~harness.corpus.formats.base.CorpusFormat` object (or
a callable with no arguments returning one).

When a track names no format, it is detected: the formats with a specific
signature first (``jsonl``: a ``.jsonl`` file or a saved dataset directory),
then plug-ins, then the two catch-alls of the harness's history, ``gold-dir``
(any other directory) and ``conll`` (any other file).
"""

from __future__ import annotations

from pathlib import Path

from harness.common.plugins import available_names, find_target, load_target, plugin_targets
from harness.corpus.formats.base import CorpusFormat

ENTRY_POINT_GROUP = "harness.corpus_formats"

#: Formats that ship with the harness: name -> "module:attribute".
BUILTIN: dict[str, str] = {
    "gold-dir": "harness.corpus.formats.gold_dir:FORMAT",
    "conll": "harness.corpus.formats.conll:FORMAT",
    "jsonl": "harness.corpus.formats.jsonl:FORMAT",
}
#: Built-ins asked before plug-ins when detecting (they test for a specific signature).
DETECT_FIRST: tuple[str, ...] = ("jsonl",)
#: Built-ins asked last when detecting (they accept any directory / any file).
DETECT_LAST: tuple[str, ...] = ("gold-dir", "conll")


class UnknownFormatError(KeyError):
    """A format name no built-in or plug-in provides; lists the names that exist."""

    def __init__(self, name: str, available: list[str]):
        self.name = name
        self.available = available
        super().__init__(f"unknown corpus format {name!r}; available: {', '.join(available)}")

    def __str__(self) -> str:
        return self.args[0]


def _plugin_targets() -> dict[str, str]:
    return plugin_targets(ENTRY_POINT_GROUP)


def available_formats() -> list[str]:
    """Every name :func:`get_format` accepts, sorted."""
    return available_names(BUILTIN, _plugin_targets())


def _load(target: str) -> CorpusFormat:
    obj = load_target(target)
    if not isinstance(obj, CorpusFormat) and callable(obj):
        obj = obj()
    if not isinstance(obj, CorpusFormat):
        raise TypeError(f"corpus format {target!r} does not implement the CorpusFormat protocol: got {type(obj).__name__}")
    return obj


def get_format(name: str) -> CorpusFormat:
    """The format registered under ``name``; built-ins win over plug-ins of the same name."""
    target = find_target(name, BUILTIN, _plugin_targets())
    if target is None:
        raise UnknownFormatError(name, available_formats())
    return _load(target)


def detect_format(path: Path) -> CorpusFormat:
    """The format of ``path`` when none is named (order in the module docstring)."""
    plugins = sorted(n for n in _plugin_targets() if n not in BUILTIN)
    for name in (*DETECT_FIRST, *plugins, *DETECT_LAST):
        fmt = get_format(name)
        if fmt.detect(path):
            return fmt
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such corpus (a gold directory, a CoNLL file, a .jsonl file or a saved dataset)")
    raise FileNotFoundError(f"{path}: no corpus format recognises it (formats: {', '.join(available_formats())}); name one with format:")
