"""The judge validation set and a judge's measured agreement with it.

The set (``gold/judge/validation.jsonl``, provenance in its README) holds
gold/predicted claim pairs from real predictions, each labeled ``same`` or
``different`` with a one-line reason. One JSON object per line::

    {"id": "v001", "label": "same", "reason": "...",
     "item": {...a JudgeItem...}, "source": {"track": ..., "setup": ..., "run_id": ..., "aligned": true}}

:func:`measure` runs a judge on every pair and returns a
:class:`MeasuredAgreement` (confusion matrix, accuracy, Cohen's kappa, with
unjudged pairs apart), tied to the judge's identity hash and the set's
SHA-256. :func:`write_agreement` keeps it under ``gold/judge/measured/``;
:func:`find_agreement` finds the one that applies to a judge now (same
identity, same set), which is how a run record learns its judge's kappa.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness.common.paths import PROJECT_ROOT
from harness.judging.agreement import CLASSES, Confusion
from harness.judging.base import Judge, identity_hash
from harness.judging.items import JudgeItem, Judgement

DEFAULT_VALIDATION_SET = PROJECT_ROOT / "gold" / "judge" / "validation.jsonl"
DEFAULT_MEASURED_DIR = PROJECT_ROOT / "gold" / "judge" / "measured"


@dataclass(frozen=True)
class ValidationPair:
    """One labeled pair of the validation set."""

    id: str
    item: JudgeItem
    #: ``same`` or ``different``.
    label: str
    #: One line: why the labeler decided so.
    reason: str
    #: Where the prediction came from (track, setup, run id, whether the scorer aligned the pair).
    source: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "reason": self.reason, "item": self.item.to_json(), "source": self.source}


def load_validation_set(path: Path = DEFAULT_VALIDATION_SET) -> tuple[ValidationPair, ...]:
    """Every pair of the set; errors name the file, line and field."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise FileNotFoundError(f"{path}: cannot read: {err.strerror}") from None
    pairs: list[ValidationPair] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}: line {number}"
        try:
            data = json.loads(line)
        except ValueError as err:
            raise ValueError(f"{where}: not valid JSON: {err}") from None
        if not isinstance(data, dict):
            raise ValueError(f"{where}: expected a JSON object")
        for key in ("id", "label", "reason", "item"):
            if key not in data:
                raise ValueError(f"{where}: missing field {key}")
        if data["label"] not in CLASSES:
            raise ValueError(f"{where}: label: expected same or different, got {data['label']!r}")
        if not isinstance(data["reason"], str) or not data["reason"].strip():
            raise ValueError(f"{where}: reason: expected a non-empty line")
        if data["id"] in seen:
            raise ValueError(f"{where}: id: {data['id']!r} is used twice")
        seen.add(data["id"])
        item = JudgeItem.from_json(data["item"], f"{where}: item")
        pairs.append(ValidationPair(str(data["id"]), item, data["label"], data["reason"].strip(), dict(data.get("source") or {})))
    if not pairs:
        raise ValueError(f"{path}: holds no pair")
    return tuple(pairs)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True)
class MeasuredAgreement:
    """A judge's agreement with the validation set, tied to the judge's identity and the set's content."""

    judge: str
    identity: dict[str, Any]
    identity_hash: str
    validation_set: str
    validation_sha256: str
    confusion: Confusion
    measured_at: str
    #: ``(pair id, label, answer, status, reason)`` per pair, for reading what the judge did.
    answers: tuple[tuple[str, str, str, str, str], ...] = ()

    @property
    def kappa(self) -> float | None:
        value = self.confusion.kappa
        return round(value, 4) if value is not None else None

    @property
    def accuracy(self) -> float | None:
        value = self.confusion.accuracy
        return round(value, 4) if value is not None else None

    def summary(self) -> dict[str, Any]:
        return {
            "set": self.validation_set,
            "sha256": self.validation_sha256,
            "pairs": self.confusion.total,
            "judged": self.confusion.judged,
            "unjudged": self.confusion.unjudged,
            "accuracy": self.accuracy,
            "kappa": self.kappa,
            "measured_at": self.measured_at,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "judge": self.judge,
            "identity_hash": self.identity_hash,
            "identity": self.identity,
            **self.summary(),
            "confusion": self.confusion.to_json(),
            "answers": [
                {"id": i, "label": label, "answer": answer, "status": status, "reason": reason} for i, label, answer, status, reason in self.answers
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], where: str) -> MeasuredAgreement:
        try:
            matrix = data["confusion"]
            confusion = Confusion(**{f"{label}_{answer}": int(count) for label, row in matrix.items() for answer, count in row.items()})
            answers = tuple((a["id"], a["label"], a["answer"], a["status"], a["reason"]) for a in data.get("answers") or ())
            return cls(
                str(data["judge"]), dict(data["identity"]), str(data["identity_hash"]), str(data["set"]),
                str(data["sha256"]), confusion, str(data["measured_at"]), answers,
            )  # fmt: skip
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise ValueError(f"{where}: not a measured agreement ({type(err).__name__}: {err})") from None


def _display_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def measure(judge: Judge, name: str, pairs: Sequence[ValidationPair], set_path: Path, set_sha256: str) -> MeasuredAgreement:
    """Run ``judge`` on every pair and compare its answers with the labels."""
    judgements: list[Judgement] = judge.judge([p.item for p in pairs])
    if len(judgements) != len(pairs):
        raise ValueError(f"judge {name} answered {len(judgements)} time(s) for {len(pairs)} pair(s)")
    answers = tuple((p.id, p.label, j.label, j.status, j.reason) for p, j in zip(pairs, judgements))
    identity = judge.identity()
    return MeasuredAgreement(
        judge=name,
        identity=identity,
        identity_hash=identity_hash(identity),
        validation_set=_display_path(set_path),
        validation_sha256=set_sha256,
        confusion=Confusion.of((label, answer) for _, label, answer, _, _ in answers),
        measured_at=datetime.now(UTC).isoformat(timespec="seconds"),
        answers=answers,
    )


def agreement_path(agreement: MeasuredAgreement, directory: Path = DEFAULT_MEASURED_DIR) -> Path:
    return Path(directory) / f"{agreement.judge}-{agreement.identity_hash}.json"


def write_agreement(agreement: MeasuredAgreement, directory: Path = DEFAULT_MEASURED_DIR) -> Path:
    """Keep a measured agreement (one file per judge name and identity; a new measurement replaces it).

    Written under a temporary name and renamed, so a file is whole or absent.
    """
    path = agreement_path(agreement, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(json.dumps(agreement.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(staging, path)
    return path


def find_agreement(
    judge_identity_hash: str, set_path: Path = DEFAULT_VALIDATION_SET, directory: Path = DEFAULT_MEASURED_DIR
) -> MeasuredAgreement | None:
    """The agreement measured for this exact judge on the set as it is now, or None (kappa unknown)."""
    directory = Path(directory)
    if not directory.is_dir() or not Path(set_path).is_file():
        return None
    current = file_sha256(set_path)
    found = []
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("identity_hash") == judge_identity_hash and data.get("sha256") == current:
            found.append(MeasuredAgreement.from_json(data, str(path)))
    return max(found, key=lambda a: a.measured_at) if found else None
