"""CoNLL/BIO files as a corpus format: entity-only documents, one per sentence or passage.

The options here were keyword arguments of the one loader and flags of four
commands; they are now this format's, so they are refused for any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.corpus.formats.base import (
    CorpusOptionError,
    FormatOptionError,
    parse_options,
)
from harness.corpus.load import (
    Corpus,
    harness_label_map,
    load_conll_file,
    sentence_slice,
)
from harness.corpus.tagging import get_scheme

NAME = "conll"


@dataclass(frozen=True)
class ConllOptions:
    """How a CoNLL file is read; each check raises :class:`FormatOptionError` naming its key."""

    #: The file's labels renamed, e.g. ``PERS=PER,ORG=ORG``; without it the file's labels are kept.
    label_map: str | None = None
    #: Labels beyond the project's a label map may target (e.g. ``WEAPON``): a typo still fails.
    labels: tuple[str, ...] = ()
    #: The tagging scheme (IOB1, IOB2, IOBES, BILOU).
    scheme: str = "IOB2"
    #: Consecutive sentences read together as documents of up to N tokens.
    passage_tokens: int | None = None
    #: The annotation convention of the file's tags (e.g. ``anercorp``); default ``conll``.
    convention: str | None = None
    #: A range of the file's sentences, ``"START:STOP"`` (e.g. ``"3572:"``).
    sentences: str | None = None

    def __post_init__(self) -> None:
        if self.label_map is not None:
            try:
                harness_label_map(self.label_map, self.labels)
            except CorpusOptionError as err:
                raise FormatOptionError(NAME, "label_map", str(err)) from None
        try:
            get_scheme(self.scheme)
        except ValueError as err:
            raise FormatOptionError(NAME, "scheme", str(err)) from None
        if self.passage_tokens is not None and self.passage_tokens < 1:
            raise FormatOptionError(NAME, "passage_tokens", f"must be at least 1, got {self.passage_tokens}")
        if self.sentences is not None:
            try:
                sentence_slice(self.sentences)
            except CorpusOptionError as err:
                raise FormatOptionError(NAME, "sentences", str(err)) from None
        if self.convention is not None:
            # A misspelt convention would only be recorded, never applied: refuse it by name.
            from harness.conventions import ConventionError, load_convention

            try:
                load_convention(self.convention)
            except ConventionError as err:
                raise FormatOptionError(NAME, "convention", str(err)) from None


class ConllFormat:
    name = NAME
    options_type = ConllOptions
    path_options: tuple[str, ...] = ("convention",)

    def detect(self, path: Path) -> bool:
        return path.is_file()

    def parse_options(self, raw: Mapping[str, Any]) -> ConllOptions:
        return parse_options(self.name, ConllOptions, raw)

    def load(self, path: Path, options: ConllOptions, *, allow_drafts: bool = False) -> Corpus:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such CoNLL file")
        return load_conll_file(
            path,
            options.label_map,
            options.scheme,
            options.passage_tokens,
            options.convention or "conll",
            options.sentences,
            extra_labels=options.labels,
        )


FORMAT = ConllFormat()
