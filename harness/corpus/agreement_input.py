"""Reads the two annotations ``harness gold agree A B`` compares.

A and B are directories of gold files in the project's format
(``gold/README.md``), both referring to the texts of one seeds directory; B
may hold a subset of A's documents (or the other way round):
:func:`harness.corpus.agreement.compare` matches them by ``doc_id`` and names
the ones it could not compare. Before anything else, the ``text_sha256`` that
the two files of one document declare are compared: two annotations of
different texts are refused with both files named, rather than failing later
on offsets that do not fit. Every problem of the contract stops the
comparison (:class:`GoldError`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from harness.corpus.gold import GoldError
from harness.corpus.seeds import read_text_exact
from harness.corpus.validate import gold_files, validate_gold_file
from harness.model import Document, GoldDocument
from harness.serialize import annotations_from_dict


class AgreementInputError(ValueError):
    """Two annotation directories that cannot be compared; the message names the files."""


@dataclass(frozen=True)
class AnnotationPair:
    """Every document of A and of B, read and validated, ordered by id."""

    a: tuple[GoldDocument, ...]
    b: tuple[GoldDocument, ...]


def _declared_sha256(path: Path) -> str | None:
    """The ``text_sha256`` a gold file declares, or None when it cannot be read (validation says why)."""
    try:
        raw = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    value = raw.get("text_sha256") if isinstance(raw, dict) else None
    return value if isinstance(value, str) else None


def _files_by_id(directory: Path, side: str) -> dict[str, Path]:
    if not directory.is_dir():
        raise AgreementInputError(f"{side}: {directory} is not a directory of gold files")
    files = {path.stem: path for path in gold_files([directory])}
    if not files:
        raise AgreementInputError(f"{side}: no gold files (*.json) in {directory}")
    return files


def _read(path: Path, seeds_dir: Path) -> GoldDocument:
    raw = json.loads(path.read_bytes().decode("utf-8"))
    text = read_text_exact(seeds_dir / f"{raw['doc_id']}.txt")
    return GoldDocument(Document(raw["doc_id"], text), annotations_from_dict(raw))


def read_annotation_pair(a_dir: Path, b_dir: Path, seeds_dir: Path) -> AnnotationPair:
    """A's and B's annotations, validated against ``seeds_dir``.

    Raises :class:`AgreementInputError` when a directory holds no gold file,
    when no document is shared, or when A and B declare different texts for a
    document; :class:`GoldError` listing every contract problem of every file.
    """
    files_a = _files_by_id(a_dir, "A")
    files_b = _files_by_id(b_dir, "B")
    shared = sorted(files_a.keys() & files_b.keys())
    if not shared:
        raise AgreementInputError(
            f"{a_dir} and {b_dir} share no document (A: {', '.join(sorted(files_a))}; B: {', '.join(sorted(files_b))})"
        )
    for doc_id in shared:
        sha_a, sha_b = _declared_sha256(files_a[doc_id]), _declared_sha256(files_b[doc_id])
        if sha_a is not None and sha_b is not None and sha_a != sha_b:
            raise AgreementInputError(
                f"{doc_id}: {files_a[doc_id]} and {files_b[doc_id]} annotate different texts"
                f" (text_sha256 {sha_a} and {sha_b})"
            )
    paths = [*files_a.values(), *files_b.values()]
    problems = [p for path in paths for p in validate_gold_file(path, seeds_dir)]
    if problems:
        raise GoldError(problems)
    return AnnotationPair(
        a=tuple(_read(files_a[doc_id], seeds_dir) for doc_id in sorted(files_a)),
        b=tuple(_read(files_b[doc_id], seeds_dir) for doc_id in sorted(files_b)),
    )
