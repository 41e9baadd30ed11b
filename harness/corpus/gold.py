"""Reads the project's gold: ``gold/<doc_id>.json`` beside ``seeds/<doc_id>.txt``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from harness.annotations import Document, GoldDocument
from harness.common.capped import capped
from harness.corpus.seeds import read_text_exact
from harness.corpus.validate import (
    Problem,
    gold_files,
    unreviewed_drafts,
    validate_gold_file,
)
from harness.serialize import annotations_from_dict


class GoldError(ValueError):
    """A gold corpus that breaks the contract; ``problems`` says where."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(capped(problems)))


class UnreviewedDraftsError(ValueError):
    """Gold that still holds model-drafted items nobody reviewed: a proposal, not gold.

    ``files`` pairs each such file with its count; the message is one line per file.
    """

    def __init__(self, files: list[tuple[Path, int]]):
        self.files = files
        super().__init__(
            "\n".join(
                capped(
                    (
                        f"{path}: {count} unreviewed draft item(s) (drafted: true, no review); review them"
                        " (harness gold review) or score with --allow-drafts"
                        for path, count in files
                    ),
                    what="files",
                )
            )
        )


def load_gold_corpus(gold_dir: Path, seeds_dir: Path, *, allow_drafts: bool = False) -> list[GoldDocument]:
    """Every gold file under ``gold_dir`` with its seed text, validated, ordered by id.

    Raises :class:`GoldError` listing every problem of every file at once, and
    :class:`UnreviewedDraftsError` when a file holds items a model drafted and
    nobody reviewed, unless ``allow_drafts``: scores against a model's own
    proposals would measure agreement with that model, not quality.
    """
    paths = gold_files([gold_dir])
    problems = [p for path in paths for p in validate_gold_file(path, seeds_dir)]
    if problems:
        raise GoldError(problems)
    corpus, drafts = [], []
    for path in paths:
        raw = json.loads(path.read_bytes().decode("utf-8"))
        count = unreviewed_drafts(raw)
        if count:
            drafts.append((path, count))
        text = read_text_exact(seeds_dir / f"{raw['doc_id']}.txt")
        corpus.append(GoldDocument(Document(raw["doc_id"], text), annotations_from_dict(raw)))
    if drafts and not allow_drafts:
        raise UnreviewedDraftsError(drafts)
    return corpus


def gold_corpus_sha256(gold_dir: Path) -> str:
    """One hash over the bytes of every gold file (name and content), for run records."""
    digest = hashlib.sha256()
    for path in gold_files([gold_dir]):
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
