"""What a run is scored against (:class:`Corpus`) and where it comes from (:class:`CorpusSpec`).

A spec names a path, a format and that format's options; the format reads it
(:mod:`harness.corpus.formats`). The built-in formats:

* ``gold-dir``: the project's gold (``gold/`` beside ``seeds/``), the default;
  another directory in the same format: ``DIR`` holding ``gold/`` and ``seeds/``,
  or a gold directory whose sibling ``seeds/`` holds the texts;
* ``conll``: a CoNLL/BIO file (entities only), with a label map such as ``PERS=PER``;
* ``jsonl``: one JSON document per line, or a saved Hugging Face dataset (``docs/corpus-formats.md``).

The readers of the first two live here; the formats wrap them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.annotations import ENTITY_LABELS, GoldDocument, sha256_text
from harness.common.paths import portable
from harness.corpus.conll import read_conll
from harness.corpus.formats.base import (
    CorpusFormat,
    CorpusOptionError,
    FormatOptionError,
)
from harness.corpus.gold import gold_corpus_sha256, load_gold_corpus
from harness.corpus.passages import join_gold_documents, pack_consecutive
from harness.corpus.tagging import LabelMap, get_scheme, parse_label_map

#: The annotation convention of gold in the project's format (``gold/GUIDELINES.md``).
PROJECT_CONVENTION = "project"

__all__ = ["Corpus", "CorpusOptionError", "CorpusSpec", "PROJECT_CONVENTION", "load_corpus"]


@dataclass(frozen=True)
class Corpus:
    """What a run is scored against, and how to name it in records."""

    name: str
    documents: tuple[GoldDocument, ...]
    #: Hash of the gold (files or CoNLL source): runs with different gold do not compare.
    gold_sha256: str
    #: False for corpora that hold entities only (CoNLL): claim metrics are then not computed.
    has_claims: bool
    source: str
    #: Entity labels the corpus annotates (the project gold's by default; a CoNLL file's or a JSONL
    #: corpus's own otherwise): with the extractor's declared labels they decide the per-label metrics.
    labels: tuple[str, ...] = ENTITY_LABELS
    #: Per document, the SHA-256 of each text unit it is made of (the document's text; the
    #: sentences of a CoNLL passage), to tell whether an extractor was shaped by it (in-sample scores).
    document_units: tuple[tuple[str, ...], ...] = ()
    #: The annotation convention of its gold (the project's, or e.g. ``anercorp`` for a CoNLL file).
    convention: str = PROJECT_CONVENTION


def load_gold_dir(path: Path, allow_drafts: bool = False) -> Corpus:
    """A corpus in the project's gold format (see ``gold/README.md``).

    Files with unreviewed model drafts are refused unless ``allow_drafts``
    (:class:`harness.corpus.gold.UnreviewedDraftsError`).
    """
    if (path / "gold").is_dir() and (path / "seeds").is_dir():
        gold_dir, seeds_dir = path / "gold", path / "seeds"
    else:
        gold_dir, seeds_dir = path, path.parent / "seeds"
    if not seeds_dir.is_dir():
        raise FileNotFoundError(f"{path}: no seeds/ directory beside the gold files (looked for {seeds_dir})")
    documents = tuple(load_gold_corpus(gold_dir, seeds_dir, allow_drafts=allow_drafts))
    if not documents:
        raise FileNotFoundError(f"{gold_dir}: no gold files (*.json)")
    return Corpus(
        gold_dir.name,
        documents,
        gold_corpus_sha256(gold_dir),
        has_claims=True,
        source=str(path),
        document_units=tuple((g.document.sha256,) for g in documents),
    )


def harness_label_map(spec: str, extra_labels: Sequence[str] = ()) -> LabelMap:
    """A label map onto the harness's labels: ``PERS=PER,ORG=ORG,MISC=drop``.

    Every target must be one of :data:`harness.annotations.ENTITY_LABELS`, one of
    ``extra_labels`` (a corpus with a label set of its own declares it, e.g.
    ``WEAPON``) or ``drop``: a typo such as ``PERS=PRE`` would otherwise keep
    the entities under a label no extractor declares, which quietly takes a
    whole label out of the headline score. Raises :class:`CorpusOptionError`
    naming the entry.
    """
    known = (*ENTITY_LABELS, *(label for label in extra_labels if label not in ENTITY_LABELS))
    try:
        parsed = parse_label_map(spec)
    except ValueError as err:
        raise CorpusOptionError(f"label map {spec!r}: {err}") from None
    if not parsed.mapping:
        raise CorpusOptionError(f"label map {spec!r}: maps no label (write e.g. PERS=PER,ORG=ORG,LOC=LOC,MISC=MISC)")
    for source, target in parsed.mapping.items():
        if target is not None and target not in known:
            raise CorpusOptionError(
                f"label map {spec!r}: {source}={target}: {target!r} is not a harness label ({', '.join(known)});"
                f" write {source}=drop to leave {source} out, or declare it with the labels option"
            )
    return parsed


def sentence_slice(text: str) -> slice:
    """``"START:STOP"`` (either may be empty, 0-based, stop excluded) as a slice of a CoNLL file's sentences.

    E.g. ``"3572:"``: every sentence from the 3,573rd on (a dev split held out at the end of a training file).
    """
    parts = text.split(":")
    if len(parts) != 2 or not all(p.strip() == "" or p.strip().isdigit() for p in parts):
        raise CorpusOptionError(f"sentences: expected START:STOP with whole numbers (either may be empty, e.g. '3572:'), got {text!r}")
    start, stop = (int(p) if p.strip() else None for p in parts)
    if start is not None and stop is not None and stop <= start:
        raise CorpusOptionError(f"sentences: {text!r} selects no sentence (STOP must be above START)")
    return slice(start, stop)


def load_conll_file(
    path: Path,
    label_map: str | None,
    scheme: str = "IOB2",
    passage_tokens: int | None = None,
    convention: str = "conll",
    sentences: str | None = None,
    extra_labels: Sequence[str] = (),
) -> Corpus:
    """A CoNLL/BIO file as a corpus of entity-only documents.

    Each sentence is a document, or with ``passage_tokens`` each run of
    consecutive sentences of up to that many tokens (see
    :mod:`harness.corpus.passages`), so an extractor reads a sentence with
    its neighbours. ``sentences`` (``"START:STOP"``, see :func:`sentence_slice`)
    keeps a range of the file's sentences, e.g. a dev split at its end;
    documents keep their ids from the whole file. The gold hash covers the
    grouping and the range: runs read one way never compare against runs
    read the other.
    """
    try:
        get_scheme(scheme)
    except ValueError as err:
        raise CorpusOptionError(f"{path}: {err}") from None
    conll = read_conll(path, scheme=scheme, label_map=harness_label_map(label_map, extra_labels) if label_map is not None else None)
    documents = conll.gold_documents()
    name, grouping, chosen = path.stem, "", list(conll.sentences)
    if sentences is not None:
        documents, chosen = documents[sentence_slice(sentences)], chosen[sentence_slice(sentences)]
        if not documents:
            raise CorpusOptionError(f"{path}: sentences {sentences!r} selects none of its {len(conll.sentences)} sentences")
        name, grouping = f"{path.stem}[{sentences}]", f"\0sentences={sentences}"
    units: list[tuple[str, ...]] = [(sha256_text(d.document.text),) for d in documents]
    if passage_tokens is not None:
        groups = pack_consecutive([len(s.tokens) for s in chosen], passage_tokens)
        documents = [join_gold_documents(f"{path.stem}-p{n:05d}", [documents[i] for i in group]) for n, group in enumerate(groups, 1)]
        units = [tuple(units[i][0] for i in group) for group in groups]
        name, grouping = f"{name}-passages{passage_tokens}", f"{grouping}\0passages={passage_tokens}"
    digest = hashlib.sha256(path.read_bytes() + f"\0{scheme}\0{label_map or ''}{grouping}".encode()).hexdigest()
    return Corpus(
        name,
        tuple(documents),
        digest,
        has_claims=False,
        source=str(path),
        labels=tuple(conll.labels),
        document_units=tuple(units),
        convention=convention,
    )


#: Keys of a recorded spec that are not format options.
_SPEC_KEYS = ("path", "format", "allow_drafts")


@dataclass(frozen=True)
class CorpusSpec:
    """Where a corpus is and how to read it: what a track of a bench file names.

    ``format`` names a registered corpus format (:mod:`harness.corpus.formats.registry`);
    None: detected from the path. ``options`` are that format's options as given
    (key, value pairs); the format parses them into its own typed options and
    refuses keys it does not have, so a CoNLL option given for a gold directory
    fails by name instead of silently scoring something else.
    """

    path: Path
    format: str | None = None
    options: tuple[tuple[str, Any], ...] = ()
    #: Score even when the gold holds unreviewed model drafts (``--allow-drafts``); any format.
    allow_drafts: bool = False

    @classmethod
    def of(cls, path: Path, format: str | None = None, options: Mapping[str, Any] | None = None, allow_drafts: bool = False) -> CorpusSpec:
        """A spec from a mapping of options (lists become tuples, so the spec stays hashable)."""
        items = tuple((k, tuple(v) if isinstance(v, list) else v) for k, v in (options or {}).items())
        return cls(Path(path), format, items, allow_drafts)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], path: Path) -> CorpusSpec:
        """A spec as :meth:`to_dict` wrote it (run records), ``path`` already resolved.

        Every key other than ``path``, ``format`` and ``allow_drafts`` is an option; records
        written before formats hold CoNLL options the same way, so they read back unchanged.
        """
        options = {key: value for key, value in data.items() if key not in _SPEC_KEYS}
        return cls.of(path, data.get("format"), options, bool(data.get("allow_drafts", False)))

    def option(self, key: str, default: Any = None) -> Any:
        """The value given for ``key`` (``default`` when not given)."""
        return dict(self.options).get(key, default)

    def corpus_format(self) -> CorpusFormat:
        """The named format, or the one detected from the path."""
        from harness.corpus.formats.registry import detect_format, get_format

        return get_format(self.format) if self.format is not None else detect_format(self.path)

    def parsed_options(self) -> Any:
        """The options as the format's typed dataclass (errors name the key)."""
        return self.corpus_format().parse_options(dict(self.options))

    def load(self) -> Corpus:
        fmt = self.corpus_format()
        try:
            options = fmt.parse_options(dict(self.options))
        except FormatOptionError as err:
            raise FormatOptionError(err.format_name, err.key, f"{err.message} (corpus {self.path})") from None
        return fmt.load(self.path, options, allow_drafts=self.allow_drafts)

    def to_dict(self) -> dict[str, object]:
        """The spec as recorded in a run record: path, the format when named, the options given.

        The options sit beside ``path`` (not under a key of their own), as CoNLL
        options always did, so records written before formats read the same.
        """
        out: dict[str, object] = {"path": portable(self.path)}
        if self.format is not None:
            out["format"] = self.format
        for key, value in self.options:
            out[key] = list(value) if isinstance(value, tuple) else value
        if self.allow_drafts:
            out["allow_drafts"] = True
        return out


def load_corpus(
    path: Path,
    label_map: str | None = None,
    scheme: str = "IOB2",
    passage_tokens: int | None = None,
    convention: str | None = None,
    allow_drafts: bool = False,
    sentences: str | None = None,
) -> Corpus:
    """The corpus at ``path``, its format detected, with the CoNLL options given as arguments.

    Kept for callers from before formats (a directory is gold, a file CoNLL);
    new code builds a :class:`CorpusSpec`.
    """
    given = {"label_map": label_map, "passage_tokens": passage_tokens, "convention": convention, "sentences": sentences}
    options = {k: v for k, v in given.items() if v is not None}
    if scheme != "IOB2":
        options["scheme"] = scheme
    return CorpusSpec.of(path, None, options, allow_drafts).load()
