"""Corpus formats: how a path on disk becomes a :class:`~harness.corpus.load.Corpus`.

A format is a small object with a name, a typed options dataclass, a
``detect(path)`` test and ``load(path, options) -> Corpus`` (the
:class:`CorpusFormat` protocol). The registry (:mod:`harness.corpus.formats.registry`)
finds formats by name: the built-ins (``gold-dir``, ``conll``, ``jsonl``) and
plug-ins declared by other packages, the same way extractors are found.

Why options are a dataclass per format rather than keyword arguments of one
loader: each option belongs to exactly one format (a label map means nothing
to a gold directory), so a track or a command line that gives an option the
chosen format does not have is refused by name instead of silently ignored.
"""

from __future__ import annotations

from harness.corpus.formats.base import CorpusFormat, FormatOptionError, parse_options

__all__ = ["CorpusFormat", "FormatOptionError", "parse_options"]
