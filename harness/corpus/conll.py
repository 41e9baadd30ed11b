"""Reads external gold in CoNLL form: one ``token ... TAG`` line per token.

Sentences are separated by blank lines; ``-DOCSTART-`` lines are skipped (and
end the sentence before them). Each sentence becomes a document of the
harness's own data model, so every scorer that works on the hand-labeled seeds
also works on a public corpus such as ANERcorp:

* the text is the tokens joined by single spaces (CoNLL files keep no
  original spacing, so this is the only text the offsets can refer to);
* entities carry character offsets into that text, ids ``e1, e2, ...`` and
  labels passed through the label map;
* the tokens, their offsets and the tags exactly as written stay beside the
  document for token-level scoring.

Columns are separated by spaces or tabs only, not by every Unicode space:
a token may contain a no-break space, and splitting there would shift every
column after it. Any problem is reported as ``file:line: message``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.annotations import Annotations, Document, Entity, GoldDocument
from harness.corpus.tagging import (
    LabelMap,
    TagError,
    TagSpan,
    UnmappedLabelError,
    get_scheme,
    parse_label_map,
    split_tag,
    tags_to_spans,
)

DOCSTART = "-DOCSTART-"
_COLUMNS = re.compile(r"[ \t\r\f\v]+")


class ConllFormatError(ValueError):
    """A CoNLL file that cannot be read; the message starts ``file:line:``."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class ConllSentence:
    """One sentence: its document with gold entities, and its token view.

    ``token_spans[i]`` is ``(start, end)`` of ``tokens[i]`` in ``doc.document.text``.
    ``tags`` are the tags as the file wrote them (no label map, no repair).
    ``entity_spans[k]`` is ``doc.gold.entities[k]`` in token positions, with
    the mapped label. ``line`` is the file line of the first token.
    """

    doc: GoldDocument
    tokens: tuple[str, ...]
    token_spans: tuple[tuple[int, int], ...]
    tags: tuple[str, ...]
    entity_spans: tuple[TagSpan, ...]
    line: int

    @property
    def doc_id(self) -> str:
        return self.doc.document.doc_id


@dataclass(frozen=True)
class ConllCorpus:
    """Every sentence of one CoNLL file, read with one scheme and label map."""

    sentences: tuple[ConllSentence, ...]
    path: Path
    scheme: str
    label_map: LabelMap | None

    def gold_documents(self) -> list[GoldDocument]:
        """One gold document per sentence, in file order."""
        return [s.doc for s in self.sentences]

    @property
    def labels(self) -> tuple[str, ...]:
        """The entity labels present after mapping, sorted."""
        return tuple(sorted({e.label for s in self.sentences for e in s.doc.gold.entities}))

    @property
    def token_count(self) -> int:
        return sum(len(s.tokens) for s in self.sentences)


def read_conll(
    path: Path | str,
    scheme: str = "IOB2",
    label_map: LabelMap | str | None = None,
    token_col: int = 0,
    tag_col: int = -1,
) -> ConllCorpus:
    """Read a CoNLL file into one gold document per sentence.

    ``scheme`` names the tagging scheme the file uses (IOB1, IOB2, IOBES,
    BILOU, or an alias); decoding follows conlleval, so an ``I-`` that does not
    continue an entity of its type starts one. ``label_map`` renames labels
    (a :class:`LabelMap` or a spec for :func:`parse_label_map`); without it
    the file's labels are kept. ``token_col`` and ``tag_col`` pick the columns
    (negative counts from the end). Raises :class:`ConllFormatError`.
    """
    path = Path(path)
    table = get_scheme(scheme)
    if isinstance(label_map, str):
        label_map = parse_label_map(label_map)
    text = _read_utf8(path)
    stem = path.stem

    sentences: list[ConllSentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    first_line = 0

    def finish() -> None:
        if tokens:
            doc_id = f"{stem}-s{len(sentences) + 1:05d}"
            sentences.append(
                _build_sentence(path, doc_id, tokens, tags, first_line, table.name, label_map)
            )
            tokens.clear()
            tags.clear()

    for line_no, line in enumerate(text.split("\n"), 1):
        stripped = line.strip(" \t\r\f\v")
        if not stripped:
            finish()
            continue
        columns = _COLUMNS.split(stripped)
        if columns[0] == DOCSTART:
            finish()
            continue
        n = len(columns)
        token_at = token_col if token_col >= 0 else n + token_col
        tag_at = tag_col if tag_col >= 0 else n + tag_col
        if not (0 <= token_at < n and 0 <= tag_at < n) or token_at == tag_at:
            raise ConllFormatError(
                path,
                line_no,
                f"expected a token in column {token_col} and a tag in column {tag_col}, "
                f"found {n} column(s) in {line.rstrip()!r}",
            )
        tag = columns[tag_at]
        try:
            split_tag(tag, table, len(tokens))
        except TagError as error:
            raise ConllFormatError(path, line_no, str(error)) from None
        if not tokens:
            first_line = line_no
        tokens.append(columns[token_at])
        tags.append(tag)
    finish()

    if not sentences:
        raise ConllFormatError(path, None, "no sentences (the file holds no token lines)")
    return ConllCorpus(tuple(sentences), path, table.name, label_map)


def _read_utf8(path: Path) -> str:
    """The file decoded as UTF-8 (a leading BOM dropped); errors name the line."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ConllFormatError(path, None, f"cannot read: {error.strerror or error}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConllFormatError(path, line, f"not valid UTF-8: {error.reason}") from None


def _build_sentence(
    path: Path,
    doc_id: str,
    tokens: Sequence[str],
    tags: Sequence[str],
    first_line: int,
    scheme: str,
    label_map: LabelMap | None,
) -> ConllSentence:
    """Document, offsets and entities of one sentence (tags already validated)."""
    token_spans: list[tuple[int, int]] = []
    cursor = 0
    for token in tokens:
        token_spans.append((cursor, cursor + len(token)))
        cursor += len(token) + 1
    text = " ".join(tokens)

    kept: list[TagSpan] = []
    entities: list[Entity] = []
    for span in tags_to_spans(tags, scheme):
        label: str | None = span.label
        if label_map is not None:
            try:
                label = label_map.apply(span.label)
            except UnmappedLabelError as error:
                raise ConllFormatError(path, first_line + span.start_token, str(error)) from None
        if label is None:
            continue
        start = token_spans[span.start_token][0]
        end = token_spans[span.end_token - 1][1]
        kept.append(TagSpan(label, span.start_token, span.end_token))
        entities.append(Entity(f"e{len(entities) + 1}", label, start, end, text[start:end]))

    document = Document(doc_id, text)
    gold = Annotations(doc_id, entities=tuple(entities))
    return ConllSentence(
        doc=GoldDocument(document, gold),
        tokens=tuple(tokens),
        token_spans=tuple(token_spans),
        tags=tuple(tags),
        entity_spans=tuple(kept),
        line=first_line,
    )
