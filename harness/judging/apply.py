"""Judging a run: add the ``content`` claim mode to its per-document results.

:func:`judge_results` takes the corpus, the run's predictions and its
per-document results (:mod:`harness.scoring.results`), builds one
:class:`~harness.judging.items.JudgeItem` per aligned claim pair, asks the
judge once for all of them, and returns the results with each alignment's
``content`` verdicts (:meth:`harness.scoring.claims.ClaimAlignment.with_verdicts`;
an unjudged pair's verdict is None) together with the judgements and the
judge's identity. The alignment itself is never changed: the ``content``
mode is scored on exactly the pairs the other modes were.

:func:`judge_block` is what a run record's ``run.json`` says about the judge
and :func:`judgement_lines` the ``judgements.jsonl`` lines (every pair's
verdict, reason, status and raw answer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from harness.annotations import GoldDocument, Prediction
from harness.judging.base import Judge, identity_hash
from harness.judging.items import JudgeItem, Judgement, items_of_alignment, verdict_map
from harness.judging.validation import MeasuredAgreement
from harness.scoring.results import DocumentResult

#: The claim mode a judge decides.
CONTENT_MODE = "content"
#: File of a run record holding every judgement.
JUDGEMENTS_FILE = "judgements.jsonl"


@dataclass(frozen=True)
class JudgedResults:
    """A run's results with the ``content`` mode, and what the judge said."""

    results: tuple[DocumentResult, ...]
    items: tuple[JudgeItem, ...]
    judgements: tuple[Judgement, ...]
    identity: dict[str, Any]

    @property
    def identity_hash(self) -> str:
        return identity_hash(self.identity)

    @property
    def unjudged(self) -> int:
        return sum(j.verdict is None for j in self.judgements)


def judge_results(
    judge: Judge,
    corpus: Sequence[GoldDocument],
    predictions: Sequence[Prediction],
    results: Sequence[DocumentResult],
    mode: str = CONTENT_MODE,
) -> JudgedResults:
    """The results with ``mode`` judged on every aligned claim pair (results without claims stay as they are)."""
    gold_by_id = {g.document.doc_id: g for g in corpus}
    prediction_by_id = {p.doc_id: p for p in predictions}
    items: list[JudgeItem] = []
    for result in results:
        if result.claims is None:
            continue
        if result.doc_id not in gold_by_id:
            raise ValueError(f"{result.doc_id}: a stored result for a document the corpus does not hold")
        items += items_of_alignment(gold_by_id[result.doc_id], prediction_by_id.get(result.doc_id), result.claims)
    judgements = judge.judge(items)
    verdicts = verdict_map(items, judgements)
    judged = []
    for result in results:
        if result.claims is None:
            judged.append(result)
            continue
        mine = {(gold_id, index): value for (doc_id, gold_id, index), value in verdicts.items() if doc_id == result.doc_id}
        judged.append(replace(result, claims=result.claims.with_verdicts(mode, mine)))
    return JudgedResults(tuple(judged), tuple(items), tuple(judgements), judge.identity())


def judgement_lines(judged: JudgedResults) -> list[dict[str, Any]]:
    """One ``judgements.jsonl`` line per judged pair."""
    return [
        {
            "doc_id": item.doc_id,
            "gold": item.gold.id,
            "predicted": item.predicted_index,
            "verdict": judgement.label,
            "status": judgement.status,
            "reason": judgement.reason,
            "raw": judgement.raw,
            "cached": judgement.cached,
        }
        for item, judgement in zip(judged.items, judged.judgements)
    ]


def judge_block(name: str, judged: JudgedResults, agreement: MeasuredAgreement | None, source: str = "") -> dict[str, Any]:
    """What ``run.json`` says about the judge: name, identity and its hash, kappa on the validation set when known."""
    return {
        "name": name,
        "identity": judged.identity,
        "identity_hash": judged.identity_hash,
        "kappa": agreement.kappa if agreement is not None else None,
        "validation": agreement.summary() if agreement is not None else None,
        "pairs": len(judged.items),
        "unjudged": judged.unjudged,
        "config": source,
    }
