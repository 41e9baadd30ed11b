"""The content claim mode: verdicts added to the stored alignment, unjudged pairs counted apart."""

from __future__ import annotations

from dataclasses import replace

import pytest
from judging_pairs import gold_document, prediction, quantity, span, speaker

from harness.annotations import Claim
from harness.judging.apply import judge_results
from harness.judging.deterministic import DeterministicJudge
from harness.judging.items import ERROR, JudgeItem, Judgement
from harness.scoring.claims import align_document
from harness.scoring.corpus import metrics_document
from harness.scoring.document import score_document
from harness.scoring.metric_table import build_table, find_metric
from harness.scoring.results import from_json, to_json
from harness.scoring.settings import ScoringSettings

# Three predictions, each aligned with one gold claim of the test paragraph.
PREDICTED = (
    Claim("p1", span("تسجيل 120 إصابة جديدة بالحصبة"), "", speaker=speaker("وزارة الصحة"), quantity=quantity("120 إصابة", 120, "إصابة")),
    Claim("p2", span("30 منها في مدينة الزرقاء"), "", speaker=speaker("سامر الخطيب"), quantity=quantity("30", 30)),
    Claim("p3", span("حملة التطعيم تأخرت كثيراً"), "", kind="opinion", speaker=speaker("رامي حداد")),
)


def alignment():
    result = align_document(gold_document(), prediction(*PREDICTED))
    assert [(p.gold_id, p.predicted_index) for p in result.pairs] == [("g1", 0), ("g2", 1), ("g3", 2)]
    return result


def test_unjudged_pair_is_neither_correct_nor_incorrect():
    judged = alignment().with_verdicts("content", {("g1", 0): True, ("g2", 1): None, ("g3", 2): False})
    counts = judged.counts().part("content")
    assert (counts.correct, counts.incorrect, counts.missed, counts.spurious) == (1, 1, 0, 0)
    assert judged.unjudged("content") == 1
    assert judged.pairs[1].unjudged("content") and judged.pairs[1].verdict("content") is None
    # the other modes are untouched
    assert judged.counts().part("strict") == alignment().counts().part("strict")


def test_unjudged_pair_leaves_precision_and_recall_as_if_the_pair_were_not_there():
    with_unjudged = alignment().with_verdicts("content", {("g1", 0): True, ("g2", 1): None, ("g3", 2): False})
    without = replace(alignment(), pairs=alignment().pairs[::2]).with_verdicts("content", {("g1", 0): True, ("g3", 2): False})
    a, b = with_unjudged.counts().part("content"), without.counts().part("content")
    assert (a.prf().precision, a.prf().recall) == (b.prf().precision, b.prf().recall) == (0.5, 0.5)


def test_every_pair_needs_an_entry_and_scorer_modes_cannot_be_overwritten():
    with pytest.raises(ValueError, match="no content verdict"):
        alignment().with_verdicts("content", {("g1", 0): True})
    with pytest.raises(ValueError, match="decided by the scorer"):
        alignment().with_verdicts("strict", {("g1", 0): True, ("g2", 1): True, ("g3", 2): True})


class _Scripted:
    """A judge answering from a list (same, unjudged, different): the verdicts are known by construction."""

    name = "scripted"

    def identity(self):
        return {"judge": "scripted"}

    def judge(self, items: list[JudgeItem]) -> list[Judgement]:
        answers = [Judgement(True, "ok"), Judgement(None, "backend failed", ERROR, raw=""), Judgement(False, "no")]
        return answers[: len(items)]


def test_metrics_count_unjudged_apart_and_keep_it_out_of_the_content_scores():
    settings = ScoringSettings.for_run(
        declared_labels=(), emits_claims=True, corpus_labels=("PER", "ORG"), corpus_has_claims=True
    )
    result = score_document(gold_document(), prediction(*PREDICTED), settings)
    judged = judge_results(_Scripted(), [gold_document()], [prediction(*PREDICTED)], [result])
    metrics = metrics_document(judged.results, settings)
    content = metrics["claims"]["content"]
    assert content["unjudged"] == 1
    assert (content["correct"], content["incorrect"], content["possible"], content["actual"]) == (1, 1, 2, 2)
    assert content["precision"] == content["recall"] == 0.5
    assert metrics["claims"]["modes"] == ["evidence", "strict", "content"]
    assert "unjudged" not in metrics["claims"]["strict"]
    # the content mode is a metric of the table without being declared anywhere
    metric, rate = find_metric(build_table(judged.results), "claims.content.f1")
    assert metric.section == "claims" and rate == "f1"


def test_unjudged_verdict_survives_the_documents_jsonl_round_trip():
    settings = ScoringSettings.for_run(declared_labels=(), emits_claims=True, corpus_labels=("PER",), corpus_has_claims=True)
    result = score_document(gold_document(), prediction(*PREDICTED), settings)
    judged = judge_results(_Scripted(), [gold_document()], [prediction(*PREDICTED)], [result]).results[0]
    back = from_json(to_json(judged))
    assert back.claims is not None
    assert [p.verdict("content") for p in back.claims.pairs] == [True, None, False]
    assert back.claims.unjudged("content") == 1


def test_judging_a_run_keeps_the_alignment_and_records_the_identity():
    settings = ScoringSettings.for_run(declared_labels=(), emits_claims=True, corpus_labels=("PER",), corpus_has_claims=True)
    result = score_document(gold_document(), prediction(*PREDICTED), settings)
    judged = judge_results(DeterministicJudge(), [gold_document()], [prediction(*PREDICTED)], [result])
    after = judged.results[0].claims
    assert after is not None and result.claims is not None
    assert [(p.gold_id, p.predicted_index) for p in after.pairs] == [(p.gold_id, p.predicted_index) for p in result.claims.pairs]
    assert [p.verdict("content") for p in after.pairs] == [True, True, True]
    assert judged.identity == DeterministicJudge().identity()
    assert len(judged.identity_hash) == 16
