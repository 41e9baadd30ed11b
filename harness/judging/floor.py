"""The kappa floor: a judge's content scores rank runs only when its measured agreement is high enough.

A run judged in the ``content`` mode names its judge in ``run.json``
(``judge: {name, identity_hash, kappa, ...}``, :func:`harness.judging.apply.judge_block`).
The bench file's ``ranking.judge_kappa_floor`` (default
:data:`DEFAULT_JUDGE_KAPPA_FLOOR`) is the least Cohen's kappa on the
validation set that lets those scores rank: below it, or when the kappa was
never measured for that exact judge, the leaderboard still shows the content
scores, marked, but never ranks by them.

0.6 is the conventional lower edge of "substantial" agreement (Landis and
Koch 1977): below it, a judge disagrees with careful reading too often for a
difference between two extractors to be the extractors' rather than the judge's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_JUDGE_KAPPA_FLOOR = 0.6
#: Metric paths a judge decides start with this.
CONTENT_PREFIX = "claims.content."


@dataclass(frozen=True)
class JudgeInfo:
    """What a run record says about the judge of its content mode."""

    name: str
    identity_hash: str
    kappa: float | None

    @classmethod
    def of_run(cls, run: Mapping[str, Any]) -> JudgeInfo | None:
        """From ``run.json``; None when the run was not judged."""
        block = run.get("judge")
        if not isinstance(block, Mapping):
            return None
        kappa = block.get("kappa")
        return cls(str(block.get("name", "?")), str(block.get("identity_hash", "")), float(kappa) if isinstance(kappa, (int, float)) else None)

    def describe(self) -> str:
        kappa = f"{self.kappa:.2f}" if self.kappa is not None else "unmeasured"
        return f"judge {self.name}, κ {kappa}"


def is_content_metric(path: str) -> bool:
    return path.startswith(CONTENT_PREFIX)


def refusal(info: JudgeInfo | None, floor: float) -> str | None:
    """Why content scores judged by ``info`` may not rank (None: they may)."""
    if info is None:
        return "no judge named in the run record"
    if info.kappa is None:
        return f"{info.describe()}: agreement never measured on the validation set"
    if info.kappa < floor:
        return f"{info.describe()} is below the floor {floor}"
    return None


def rankable_metrics(metrics: Sequence[str], judges: Sequence[JudgeInfo | None], floor: float) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ranking metrics that may rank ``judges``' runs, and one line per metric refused and why.

    A content metric ranks only when every run on the ranking track was judged
    by one and the same judge (same identity) whose kappa reaches ``floor``.
    """
    kept: list[str] = []
    refused: list[str] = []
    for metric in metrics:
        if not is_content_metric(metric):
            kept.append(metric)
            continue
        reasons = sorted({reason for info in judges for reason in (refusal(info, floor),) if reason is not None})
        identities = {info.identity_hash for info in judges if info is not None}
        if len(identities) > 1:
            reasons.append(f"the runs were judged by {len(identities)} different judges")
        if reasons:
            refused.append(f"{metric} is shown but does not rank: {'; '.join(reasons)}")
        else:
            kept.append(metric)
    return tuple(kept), tuple(refused)
