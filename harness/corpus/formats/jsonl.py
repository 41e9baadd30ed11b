"""JSONL corpora: one JSON document per line, or a saved Hugging Face dataset of the same rows.

The schema (``docs/corpus-formats.md``) keeps the project gold's entity and
claim shapes, so a corpus kept as a dataset is scored exactly like a gold
directory, and the project's gold exported with :func:`export_jsonl` reads
back to the same documents::

    {"doc_id": "d1", "text": "...", "entities": [{"label": "PER", "start": 0, "end": 4}],
     "claims": [...]}

* ``entities``: ``label``, ``start``, ``end`` (character offsets, end
  excluded); ``id`` (default ``e1, e2, ...``), ``text`` (checked against the
  document), ``adjective`` and ``drafted`` are optional;
* ``claims``: optional, in the gold file's claim form; when one record has the
  key every record must (``[]`` for none), otherwise the corpus is entity-only
  and claim metrics are not computed;
* labels are the corpus's own: any non-empty name (``WEAPON`` too), or only
  those of the ``labels`` option when it is given.

A saved dataset (``datasets.Dataset.save_to_disk``) is read with
``datasets.load_from_disk``; a ``DatasetDict`` needs the ``split`` option
unless it has one split. ``entities[].label`` may be a ``ClassLabel``, and
``claims`` a JSON string (the layout :func:`harness.corpus.dataset_view.to_dataset`
writes). Every error names the file, the line (or dataset row) and the field.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.annotations import ENTITY_LABELS, Document, GoldDocument, sha256_text
from harness.common.capped import capped
from harness.corpus.formats.base import FormatOptionError, parse_options
from harness.corpus.gold import UnreviewedDraftsError
from harness.corpus.load import PROJECT_CONVENTION, Corpus
from harness.corpus.validate import (
    SCHEMA,
    check_semantics,
    check_structure,
    unreviewed_drafts,
)
from harness.serialize import annotations_from_dict, claim_to_dict, entity_to_dict

NAME = "jsonl"
RECORD_KEYS = ("doc_id", "text", "entities", "claims")
ENTITY_KEYS = ("id", "label", "start", "end", "text", "adjective", "drafted")
#: Files a ``save_to_disk`` directory holds (a Dataset, or a DatasetDict).
DATASET_MARKERS = ("dataset_info.json", "state.json", "dataset_dict.json")


class JsonlFormatError(ValueError):
    """A JSONL corpus that cannot be read; each line of the message starts ``file:line:``."""

    def __init__(self, path: Path | str, problems: Sequence[str]):
        self.path = Path(path)
        self.problems = list(problems)
        super().__init__("\n".join(capped(self.problems)))


@dataclass(frozen=True)
class JsonlOptions:
    """How a JSONL file or saved dataset is read."""

    #: The corpus's label set; entities with another label are refused (default: the labels found).
    labels: tuple[str, ...] = ()
    #: The split of a saved ``DatasetDict`` (not needed when it has one split).
    split: str | None = None
    #: The annotation convention of the records (the project's unless said otherwise).
    convention: str = PROJECT_CONVENTION
    #: Top-level fields of a record that are not part of the corpus (e.g. a dataset's ``url`` column).
    ignore_fields: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(set(self.labels)) != len(self.labels):
            raise FormatOptionError(NAME, "labels", f"names a label twice: {list(self.labels)}")
        clash = [f for f in self.ignore_fields if f in RECORD_KEYS]
        if clash:
            raise FormatOptionError(NAME, "ignore_fields", f"{', '.join(clash)} are fields of the corpus, not extra ones")
        if self.convention != PROJECT_CONVENTION:
            from harness.conventions import ConventionError, load_convention

            try:
                load_convention(self.convention)
            except ConventionError as err:
                raise FormatOptionError(NAME, "convention", str(err)) from None


def label_order(label: str) -> tuple[int, str]:
    """The project's labels in their usual order, other labels after them alphabetically."""
    return (ENTITY_LABELS.index(label) if label in ENTITY_LABELS else len(ENTITY_LABELS), label)


def _is_dataset_dir(path: Path) -> bool:
    return path.is_dir() and any((path / marker).is_file() for marker in DATASET_MARKERS)


def _file_records(path: Path) -> Iterator[tuple[str, Any]]:
    """``(where, parsed JSON)`` per non-blank line; a line that is not JSON raises at once."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise JsonlFormatError(path, [f"{path}: cannot read: {err.strerror or err}"]) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        bad_line = data[: err.start].count(b"\n") + 1
        raise JsonlFormatError(path, [f"{path}:{bad_line}: not valid UTF-8: {err.reason}"]) from None
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            yield f"{path}:{number}", json.loads(line)
        except json.JSONDecodeError as err:
            raise JsonlFormatError(path, [f"{path}:{number}: not valid JSON: {err.msg} at column {err.colno}"]) from None
        except RecursionError:
            raise JsonlFormatError(path, [f"{path}:{number}: JSON nested too deeply to be a corpus record"]) from None


def _prune_nulls(obj: Any, spec_name: str) -> Any:
    """``obj`` without the null values Arrow writes for optional keys a row did not have."""
    spec = SCHEMA.get(spec_name)
    if not isinstance(obj, dict) or spec is None:
        return obj
    out = {}
    for key, value in obj.items():
        entry = spec.get(key)
        if value is None and entry is not None and not entry[1]:
            continue
        if entry is not None and entry[3] is not None and value is not None:
            value = [_prune_nulls(v, entry[3]) for v in value] if isinstance(value, list) else _prune_nulls(value, entry[3])
        out[key] = value
    return out


def _dataset_records(path: Path, split: str | None) -> tuple[str, Iterator[tuple[str, Any]]]:
    """The rows of a saved dataset as records, and the split read ("" for a plain Dataset)."""
    from datasets import DatasetDict, load_from_disk

    loaded = load_from_disk(str(path))
    name = ""
    if isinstance(loaded, DatasetDict):
        splits = list(loaded)
        if split is None and len(splits) == 1:
            split = splits[0]
        if split is None or split not in loaded:
            given = "" if split is None else f" has no split {split!r};"
            raise FormatOptionError(NAME, "split", f"{path}{given} name one of its splits: {', '.join(splits)}")
        loaded, name = loaded[split], split
    elif split is not None:
        raise FormatOptionError(NAME, "split", f"{path} is a single dataset without splits; leave split out")
    entity_feature = loaded.features.get("entities")
    inner = getattr(entity_feature, "feature", None)
    label_feature = inner.get("label") if isinstance(inner, dict) else None
    names = getattr(label_feature, "names", None)

    def rows() -> Iterator[tuple[str, Any]]:
        where = f"{path}[{name}]" if name else str(path)
        for number, row in enumerate(loaded, 1):
            record = dict(row)
            entities = record.get("entities")
            if isinstance(entities, list):
                fixed = []
                for ent in entities:
                    if isinstance(ent, dict):
                        ent = {k: v for k, v in ent.items() if not (v is None and k in ("id", "text", "adjective", "drafted"))}
                        if names is not None and isinstance(ent.get("label"), int):
                            ent["label"] = names[ent["label"]]
                    fixed.append(ent)
                record["entities"] = fixed
            claims = record.get("claims")
            if isinstance(claims, str):
                try:
                    record["claims"] = json.loads(claims)
                except json.JSONDecodeError as err:
                    raise JsonlFormatError(path, [f"{where} row {number}: $.claims: not a JSON list of claims: {err.msg}"]) from None
            if isinstance(record.get("claims"), list):
                record["claims"] = [_prune_nulls(c, "claim") for c in record["claims"]]
            yield f"{where} row {number}", record

    return name, rows()


def _entity_problems(entities: list, text: str) -> tuple[list[tuple[int, dict]], list[str]]:
    """Entities with ``id``/``text`` filled in, and the structural problems of the rest."""
    problems: list[str] = []
    sound: list[tuple[int, dict]] = []
    for i, ent in enumerate(entities):
        path = f"$.entities[{i}]"
        if not isinstance(ent, dict):
            problems.append(f"{path}: expected an object, got {type(ent).__name__}")
            continue
        unknown = [k for k in ent if k not in ENTITY_KEYS]
        if unknown:
            problems.append(f"{path}.{unknown[0]}: unknown field (known: {', '.join(ENTITY_KEYS)})")
            continue
        filled = {"id": f"e{i + 1}", **ent}
        if "text" not in ent and isinstance(ent.get("start"), int) and isinstance(ent.get("end"), int):
            filled["text"] = text[ent["start"] : ent["end"]] if 0 <= ent["start"] < ent["end"] else ""
        if check_structure(filled, "entity", path, problems):
            sound.append((i, filled))
    return sound, problems


def _read_record(where: str, raw: Any, options: JsonlOptions) -> tuple[dict | None, list[str]]:
    """One record as a gold-file-shaped dict (``None`` when broken) and its problems as ``where: path: message``."""
    if not isinstance(raw, dict):
        return None, [f"{where}: $: expected a JSON object (one document per line), got {type(raw).__name__}"]
    problems: list[str] = []
    known = (*RECORD_KEYS, *options.ignore_fields)
    for key in raw:
        if key not in known:
            problems.append(f"$.{key}: unknown field (known: {', '.join(RECORD_KEYS)}; list extra fields in the ignore_fields option)")
    for key in ("doc_id", "text"):
        if not isinstance(raw.get(key), str) or not raw.get(key):
            problems.append(f"$.{key}: expected a non-empty string, got {raw.get(key)!r}" if key in raw else f"$.{key}: missing field")
    if not isinstance(raw.get("entities"), list):
        problems.append("$.entities: expected a list of entities" if "entities" in raw else "$.entities: missing field ([] for none)")
    claims_raw = raw.get("claims")
    if "claims" in raw and not isinstance(claims_raw, list):
        problems.append(f"$.claims: expected a list of claims, got {type(claims_raw).__name__}")
    if problems:
        return None, [f"{where}: {p}" for p in problems]
    text: str = raw["text"]
    entities, problems = _entity_problems(raw["entities"], text)
    claims = [(i, c) for i, c in enumerate(claims_raw or []) if check_structure(c, "claim", f"$.claims[{i}]", problems)]
    check_semantics(entities, claims, text, problems, labels=options.labels or None, entity_facts=False)
    record = {
        "doc_id": raw["doc_id"],
        "text": text,
        "entities": [e for _, e in entities],
        "claims": [c for _, c in claims],
        "has_claims": "claims" in raw,
    }
    return record, [f"{where}: {p}" for p in problems]


@dataclass(frozen=True)
class JsonlRead:
    """What a JSONL corpus holds, before it becomes a :class:`Corpus`."""

    documents: tuple[GoldDocument, ...]
    #: Every record has a ``claims`` key: the corpus has claim gold.
    has_claims: bool
    #: The split of a saved DatasetDict that was read ("" otherwise).
    split: str
    #: ``(where, count)`` of records holding unreviewed model drafts.
    drafts: tuple[tuple[Path, int], ...]


def read_jsonl_documents(path: Path, options: JsonlOptions) -> JsonlRead:
    """The documents of a ``.jsonl`` file or saved dataset, whether they carry claims, and the split read.

    Raises :class:`JsonlFormatError` with every problem (file:line: $.field: message).
    """
    split = ""
    if _is_dataset_dir(path):
        split, records = _dataset_records(path, options.split)
    else:
        if options.split is not None:
            raise FormatOptionError(NAME, "split", f"{path} is a JSONL file, not a saved dataset with splits")
        records = _file_records(path)
    documents: list[GoldDocument] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    with_claims: list[str] = []
    without_claims: list[str] = []
    drafts = []
    for where, raw in records:
        record, found = _read_record(where, raw, options)
        problems += found
        if record is None:
            continue
        if record["doc_id"] in seen:
            problems.append(f"{where}: $.doc_id: duplicate id {record['doc_id']!r} (first at {seen[record['doc_id']]})")
        seen.setdefault(record["doc_id"], where)
        (with_claims if record["has_claims"] else without_claims).append(where)
        if found:
            continue
        count = unreviewed_drafts(record)
        if count:
            drafts.append((Path(where), count))
        annotations = annotations_from_dict({"doc_id": record["doc_id"], "entities": record["entities"], "claims": record["claims"]})
        documents.append(GoldDocument(Document(record["doc_id"], record["text"]), annotations))
    if with_claims and without_claims:
        problems.append(
            f"{without_claims[0]}: $.claims: missing, while {with_claims[0]} has claims; give claims: [] for a document without claims"
        )
    if not problems and not documents and not seen:
        problems.append(f"{path}: no documents (the corpus holds no records)")
    if problems:
        raise JsonlFormatError(path, problems)
    return JsonlRead(tuple(documents), bool(with_claims), split, tuple(drafts))


def _source_sha256(path: Path) -> str:
    """Hash of the bytes the corpus is read from: the file, or every file of a dataset directory."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        digest.update(str(file.relative_to(path) if path.is_dir() else file.name).encode("utf-8") + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


class JsonlFormat:
    name = NAME
    options_type = JsonlOptions
    path_options: tuple[str, ...] = ("convention",)

    def detect(self, path: Path) -> bool:
        return (path.is_file() and path.suffix == ".jsonl") or _is_dataset_dir(path)

    def parse_options(self, raw: Mapping[str, Any]) -> JsonlOptions:
        return parse_options(self.name, JsonlOptions, raw)

    def load(self, path: Path, options: JsonlOptions, *, allow_drafts: bool = False) -> Corpus:
        if not path.exists():
            raise FileNotFoundError(f"{path}: no such JSONL file or dataset directory")
        read = read_jsonl_documents(path, options)
        documents, split = read.documents, read.split
        if read.drafts and not allow_drafts:
            raise UnreviewedDraftsError(list(read.drafts))
        found = {e.label for g in documents for e in g.gold.entities}
        labels = options.labels or tuple(sorted(found, key=label_order))
        settings = json.dumps({"labels": list(options.labels), "split": split}, sort_keys=True)
        return Corpus(
            f"{path.stem}[{split}]" if split else path.stem,
            tuple(documents),
            hashlib.sha256(f"{_source_sha256(path)}\0{settings}".encode()).hexdigest(),
            has_claims=read.has_claims,
            source=str(path),
            labels=labels,
            document_units=tuple((sha256_text(g.document.text),) for g in documents),
            convention=options.convention,
        )


FORMAT = JsonlFormat()


def jsonl_records(documents: Iterable[GoldDocument], with_claims: bool = True) -> Iterator[dict[str, Any]]:
    """Each document as a JSONL record (entities and claims in the gold file's form)."""
    for gold in documents:
        record: dict[str, Any] = {
            "doc_id": gold.document.doc_id,
            "text": gold.document.text,
            "entities": [entity_to_dict(e) for e in gold.gold.entities],
        }
        if with_claims:
            record["claims"] = [claim_to_dict(c) for c in gold.gold.claims]
        yield record


def export_jsonl(corpus: Corpus, out: Path) -> int:
    """Write ``corpus`` as a JSONL corpus at ``out`` (atomically); returns the number of documents.

    Claims are written when the corpus has claim gold. Read back with the
    ``jsonl`` format (and ``convention`` set as the source's, when it is not
    the project's), the documents are the same, so are the scores.
    """
    from harness.common.atomic import write_text_atomic

    lines = [json.dumps(r, ensure_ascii=False) for r in jsonl_records(corpus.documents, corpus.has_claims)]
    write_text_atomic(out, "".join(line + "\n" for line in lines))
    return len(lines)
