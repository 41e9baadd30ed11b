"""One entry point for every corpus a run can be scored against.

* the project's gold (``gold/`` beside ``seeds/``), the default;
* another directory in the same format: ``DIR`` holding ``gold/`` and ``seeds/``,
  or a gold directory whose sibling ``seeds/`` holds the texts;
* a CoNLL/BIO file (entities only), with a label map such as ``PERS=PER``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from harness.annotations import ENTITY_LABELS, GoldDocument, sha256_text
from harness.common.paths import portable
from harness.corpus.conll import read_conll
from harness.corpus.gold import gold_corpus_sha256, load_gold_corpus
from harness.corpus.passages import join_gold_documents, pack_consecutive
from harness.corpus.tagging import LabelMap, get_scheme, parse_label_map

#: The annotation convention of gold in the project's format (``gold/GUIDELINES.md``).
PROJECT_CONVENTION = "project"


class CorpusOptionError(ValueError):
    """An option that does not apply to the corpus it was given with."""


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
    #: Entity labels the corpus annotates; predictions of other labels are not scored against it.
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


def harness_label_map(spec: str) -> LabelMap:
    """A label map onto the harness's labels: ``PERS=PER,ORG=ORG,MISC=drop``.

    Every target must be one of :data:`harness.annotations.ENTITY_LABELS` (or
    ``drop``): a typo such as ``PERS=PRE`` would otherwise keep the entities
    under a label no extractor declares, which quietly takes a whole label
    out of the headline score. Raises :class:`CorpusOptionError` naming the entry.
    """
    try:
        parsed = parse_label_map(spec)
    except ValueError as err:
        raise CorpusOptionError(f"label map {spec!r}: {err}") from None
    if not parsed.mapping:
        raise CorpusOptionError(f"label map {spec!r}: maps no label (write e.g. PERS=PER,ORG=ORG,LOC=LOC,MISC=MISC)")
    for source, target in parsed.mapping.items():
        if target is not None and target not in ENTITY_LABELS:
            raise CorpusOptionError(
                f"label map {spec!r}: {source}={target}: {target!r} is not a harness label ({', '.join(ENTITY_LABELS)});"
                f" write {source}=drop to leave {source} out"
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
    conll = read_conll(path, scheme=scheme, label_map=harness_label_map(label_map) if label_map is not None else None)
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


@dataclass(frozen=True)
class CorpusSpec:
    """Where a corpus is and how to read it: what a track of a bench file names.

    The options other than ``path`` apply to CoNLL files only (a gold
    directory carries its own labels and claims); giving one for a gold
    directory is refused, so a typo cannot silently score something else.
    """

    path: Path
    #: CoNLL: the file's labels mapped to the harness's, e.g. ``PERS=PER,ORG=ORG``.
    label_map: str | None = None
    #: CoNLL: the tagging scheme (IOB1, IOB2, IOBES).
    scheme: str = "IOB2"
    #: CoNLL: consecutive sentences read together as documents of up to N tokens.
    passage_tokens: int | None = None
    #: CoNLL: the annotation convention of the file's tags (e.g. ``anercorp``).
    convention: str | None = None
    #: Gold directories: score even when files hold unreviewed model drafts (``--allow-drafts``).
    allow_drafts: bool = False
    #: CoNLL: a range of the file's sentences, ``"START:STOP"`` (e.g. ``"3572:"``).
    sentences: str | None = None

    def load(self) -> Corpus:
        return load_corpus(self.path, self.label_map, self.scheme, self.passage_tokens, self.convention, self.allow_drafts, self.sentences)

    def to_dict(self) -> dict[str, object]:
        """The spec as recorded in a run record (options left at their default are left out)."""
        out: dict[str, object] = {"path": portable(self.path)}
        if self.label_map is not None:
            out["label_map"] = self.label_map
        if self.scheme != "IOB2":
            out["scheme"] = self.scheme
        if self.passage_tokens is not None:
            out["passage_tokens"] = self.passage_tokens
        if self.convention is not None:
            out["convention"] = self.convention
        if self.allow_drafts:
            out["allow_drafts"] = True
        if self.sentences is not None:
            out["sentences"] = self.sentences
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
    """A directory is gold in the project's format; a file is CoNLL/BIO."""
    if path.is_dir():
        for name, value, default in (
            ("passage tokens", passage_tokens, None),
            ("a label map", label_map, None),
            ("a convention", convention, None),
            ("a sentence range", sentences, None),
        ):
            if value != default:
                raise CorpusOptionError(f"{path}: {name} applies to CoNLL files only; gold directories carry their own labels and convention")
        return load_gold_dir(path, allow_drafts)
    if path.is_file():
        if convention is not None:
            # A misspelt convention would only be recorded, never applied: refuse it by name.
            from harness.conventions import load_convention

            load_convention(convention)
        return load_conll_file(path, label_map, scheme, passage_tokens, convention or "conll", sentences)
    raise FileNotFoundError(f"{path}: no such corpus (a gold directory or a CoNLL file)")
