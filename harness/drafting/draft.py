"""``harness gold draft``: an extractor setup proposes gold for texts nobody has labeled.

For each text file the setup's extractor (built through the registry, run
through the same cache and failure handling as ``harness run``) proposes
entities and claims; :mod:`harness.drafting.fit` keeps what can stand in a
gold file. The result is a corpus directory::

    OUT/seeds/<stem>.txt    the text, byte for byte
    OUT/gold/<stem>.json    the draft: every item ``drafted: true``, a
                            ``provenance`` block, an ``annotation`` block
                            saying it is an unreviewed model draft

Each written file is checked with the gold validator before the command
returns, so a draft always keeps the contract. A document the extractor
failed on gets no file (an empty draft would read as "nothing to label"); it
is reported with the reason. Existing files are not overwritten without
``force``: they may hold a person's review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from harness.annotations import Annotations, Document
from harness.common.atomic import write_json_atomic
from harness.common.environment import git_state
from harness.config import load_setup
from harness.corpus.seeds import read_text_exact
from harness.corpus.validate import validate_gold_file
from harness.drafting.errors import DraftError
from harness.drafting.fit import fit_to_contract
from harness.drafting.provenance import (
    DraftOrigin,
    DraftProvenance,
    Dropped,
    ExtractorIdentity,
    ToolIdentity,
)
from harness.extractors.base import fingerprint_hash
from harness.extractors.registry import create_extractor
from harness.runs.cache import PredictionCache
from harness.runs.extract import run_extractor

#: The distribution name of this harness (``pyproject.toml``).
TOOL_NAME = "arabic-claims-harness"


@dataclass(frozen=True)
class DraftedFile:
    """One draft written: where, and how much it holds."""

    doc_id: str
    gold_path: Path
    seed_path: Path
    entities: int
    claims: int
    dropped: Dropped
    repaired: int


@dataclass(frozen=True)
class DraftFailure:
    """A text the extractor failed on: no draft was written for it."""

    source: Path
    reason: str


@dataclass(frozen=True)
class DraftResult:
    files: tuple[DraftedFile, ...]
    failures: tuple[DraftFailure, ...]


def tool_identity(project_root: Path) -> ToolIdentity:
    try:
        tool_version = version(TOOL_NAME)
    except PackageNotFoundError:
        tool_version = "unknown (not installed)"
    commit = git_state(project_root).get("commit")
    return ToolIdentity(TOOL_NAME, tool_version, commit if isinstance(commit, str) else None)


def _read_texts(paths: Sequence[Path]) -> list[tuple[Path, Document, bytes]]:
    """Each text as a Document named by its stem; two texts with one stem are refused."""
    seen: dict[str, Path] = {}
    out = []
    for path in paths:
        if not path.is_file():
            raise DraftError(f"{path}: no such text file")
        if path.stem in seen:
            raise DraftError(f"{path}: same name {path.stem!r} as {seen[path.stem]}; drafts are named by the file stem")
        seen[path.stem] = path
        raw = path.read_bytes()
        try:
            text = read_text_exact(path)
        except UnicodeDecodeError as err:
            raise DraftError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start})") from None
        if not text.strip():
            raise DraftError(f"{path}: the text is empty")
        out.append((path, Document(path.stem, text), raw))
    return out


def _shown_path(path: Path, project_root: Path) -> str:
    resolved = path.resolve()
    return str(resolved.relative_to(project_root)) if resolved.is_relative_to(project_root) else str(resolved)


def draft_document(document: Document, annotations: Annotations, origin: DraftOrigin) -> tuple[dict[str, Any], DraftProvenance]:
    """The gold JSON of one draft (``annotations`` from the extractor), and its provenance."""
    fitted = fit_to_contract(document, annotations)
    provenance = DraftProvenance(origin, fitted.dropped, fitted.repaired)
    gold = {
        "doc_id": document.doc_id,
        "text_sha256": document.sha256,
        "annotation": {
            "status": "model draft, unreviewed",
            "drafted_by": f"setup {origin.setup} (extractor {origin.extractor.name} {origin.extractor.version})",
            "note": (
                "Items with drafted: true and no review are a model's proposals nobody has checked:"
                " harness validate warns about them and harness run refuses the file while any is left,"
                " unless told --allow-drafts. Review them with harness gold review."
            ),
        },
        "provenance": provenance.to_dict(),
        "entities": list(fitted.entities),
        "claims": list(fitted.claims),
    }
    return gold, provenance


def draft_gold(
    setup_path: Path,
    texts: Sequence[Path],
    out_dir: Path,
    *,
    project_root: Path,
    cache: PredictionCache | None = None,
    force: bool = False,
    now: datetime | None = None,
) -> DraftResult:
    """Draft one gold file per text with the setup of ``setup_path``; see the module doc."""
    setup = load_setup(setup_path)
    documents = _read_texts(texts)
    gold_dir, seeds_dir = out_dir / "gold", out_dir / "seeds"
    if not force:
        for _, document, _ in documents:
            for existing in (gold_dir / f"{document.doc_id}.json", seeds_dir / f"{document.doc_id}.txt"):
                if existing.exists():
                    raise FileExistsError(f"{existing}: already exists (it may hold a review); pass --force to draft over it")
    extractor = create_extractor(setup.extractor, setup.params)
    origin = DraftOrigin(
        setup=setup.setup,
        setup_file=_shown_path(setup_path, project_root),
        extractor=ExtractorIdentity(extractor.name, extractor.version, fingerprint_hash(extractor.fingerprint())),
        drafted_at=(now or datetime.now(UTC)).isoformat(timespec="seconds"),
        tool=tool_identity(project_root),
    )
    extraction = run_extractor(extractor, [d for _, d, _ in documents], cache, setup.batch_size)
    files, failures = [], []
    for (source, document, raw), prediction in zip(documents, extraction.predictions):
        if prediction.failed:
            failures.append(DraftFailure(source, prediction.error or "failed"))
            continue
        gold, provenance = draft_document(document, prediction.annotations, origin)
        seed_path, gold_path = seeds_dir / f"{document.doc_id}.txt", gold_dir / f"{document.doc_id}.json"
        seeds_dir.mkdir(parents=True, exist_ok=True)
        seed_path.write_bytes(raw)
        write_json_atomic(gold_path, gold)
        problems = validate_gold_file(gold_path, seeds_dir)
        if problems:
            gold_path.unlink()
            raise DraftError(f"{gold_path}: the draft breaks the gold contract (a bug in harness.drafting.fit): {problems[0]}")
        files.append(
            DraftedFile(
                document.doc_id,
                gold_path,
                seed_path,
                len(gold["entities"]),
                len(gold["claims"]),
                provenance.dropped,
                len(provenance.repaired),
            )
        )
    return DraftResult(tuple(files), tuple(failures))
