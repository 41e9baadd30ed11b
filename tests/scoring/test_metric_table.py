"""The metric table: one declaration per metric, read by metrics.json and every report; schema-1 paths renamed."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from harness.annotations import Annotations, Prediction
from harness.corpus.gold import load_gold_corpus
from harness.scoring import metric_table
from harness.scoring.corpus import metrics_document, score_corpus
from harness.scoring.counts import MatchCounts
from harness.scoring.metric_table import (
    RENAMED_PATHS,
    Metric,
    TableContext,
    build_table,
    entity_metrics,
    find_metric,
    headline,
    renamed,
    value_at,
)
from harness.scoring.settings import IntervalSettings, ScoringSettings

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example"
(GOLD_DOC,) = load_gold_corpus(EXAMPLE / "gold", EXAMPLE / "seeds")
SETTINGS = ScoringSettings(intervals=IntervalSettings(resamples=50))


def one_claim() -> Prediction:
    """All gold entities, and the first gold claim without its speaker (evidence-correct, strict-incorrect)."""
    c1 = GOLD_DOC.gold.claims[0]
    return Prediction("ex1", Annotations("ex1", GOLD_DOC.gold.entities, (replace(c1, id="p1", speaker=None),)))


def aligned_claims(context: TableContext):
    """A family written for this test: a claim counts when it is aligned at all, whatever its verdicts."""
    if not context.claim_modes:
        return

    def counts(result):
        alignment = result.claims
        if alignment is None:
            return None
        return MatchCounts(
            correct=len(alignment.pairs), missed=len(alignment.missed), spurious=len(alignment.spurious) + len(alignment.ungrounded)
        )

    yield Metric(key="claims.aligned", title="claim alignment F1", description="claims aligned at all", section="claims", counts=counts)
    yield Metric(
        key="predicted_claims",
        title="predicted claims",
        description="claims the extractor predicted",
        section="run",
        scalar=lambda results: float(sum(r.claims.counts().part("strict").actual for r in results if r.claims is not None)),
        interval=False,
    )


def test_a_metric_family_appended_to_the_table_appears_in_metrics_json(monkeypatch):
    before = score_corpus([GOLD_DOC], [one_claim()], SETTINGS).metrics
    assert "aligned" not in before["claims"] and "predicted_claims" not in before
    monkeypatch.setattr(metric_table, "METRIC_FAMILIES", [*metric_table.METRIC_FAMILIES, aligned_claims])
    scored = score_corpus([GOLD_DOC], [one_claim()], SETTINGS)
    block = scored.metrics["claims"]["aligned"]
    assert (block["correct"], block["missed"], block["spurious"], block["f1"]) == (1, 1, 0, pytest.approx(2 / 3))
    assert len(block["f1_ci"]) == 2
    assert scored.metrics["predicted_claims"] == 1
    metric, rate = find_metric(build_table(scored.results), "claims.aligned.f1")
    assert (metric.title, rate) == ("claim alignment F1", "f1")
    # Everything that was there before is still there, with the same values.
    for key in ("entities", "failures", "ungrounded"):
        assert scored.metrics[key] == before[key]
    assert {k: v for k, v in scored.metrics["claims"].items() if k != "aligned"} == before["claims"]


def test_renamed_schema_1_claim_paths_point_to_the_evidence_mode():
    note = renamed("claims.f1")
    assert note is not None and note.new == "claims.evidence.f1" and "claims.strict" in note.why
    assert renamed("claims.by_kind.opinion.recall").new == "claims.evidence.by_kind.opinion.recall"
    assert renamed("claims.strict.f1") is None and renamed("entities.strict.f1") is None


def test_every_renamed_path_resolves_in_a_schema_2_metrics_json_and_the_old_one_does_not():
    scored = score_corpus([GOLD_DOC], [one_claim()], SETTINGS)
    table = build_table(scored.results)
    for item in RENAMED_PATHS:
        assert value_at(scored.metrics, item.old) is None, item.old
        assert value_at(scored.metrics, item.new) is not None, item.new
        if item.old.rpartition(".")[2] in metric_table.RATES:
            metric, rate = find_metric(table, item.new)
            assert metric.key.startswith("claims.evidence") and item.new.endswith(rate)
            with pytest.raises(KeyError):
                find_metric(table, item.old)
    # The schema-1 headline was the evidence mode: the number moved, it did not change.
    assert value_at(scored.metrics, "claims.evidence.f1") == pytest.approx(2 / 3)
    assert value_at(scored.metrics, "claims.strict.f1") == 0.0


def test_a_judged_mode_is_a_metric_of_its_own_and_the_headline_stays_strict():
    scored = score_corpus([GOLD_DOC], [one_claim()], SETTINGS)
    (result,) = scored.results
    judged = replace(result, claims=result.claims.with_verdicts("content", {(p.gold_id, p.predicted_index): True for p in result.claims.pairs}))
    table = build_table([judged])
    keys = {metric.key for metric in table}
    assert {"claims.content", "claims.content.by_kind.fact", "claims.content.by_kind.opinion"} <= keys
    assert headline(table, "claims").key == "claims.strict"
    metrics = metrics_document([judged], SETTINGS)
    assert metrics["claims"]["modes"] == ["evidence", "strict", "content"]
    assert (metrics["claims"]["content"]["correct"], metrics["claims"]["strict"]["correct"]) == (1, 0)


def test_a_metric_declared_twice_is_refused():
    scored = score_corpus([GOLD_DOC], [one_claim()], SETTINGS)
    with pytest.raises(ValueError, match="declares entities.exact, entities.partial, entities.strict, entities.type more than once"):
        build_table(scored.results, families=[entity_metrics, entity_metrics])


def test_find_metric_reads_rates_and_scalars_and_nothing_else():
    table = build_table(score_corpus([GOLD_DOC], [one_claim()], SETTINGS).results)
    metric, rate = find_metric(table, "entities.strict.recall")
    assert (metric.key, rate) == ("entities.strict", "recall")
    metric, rate = find_metric(table, "failures")
    assert (metric.key, rate, metric.higher_is_better) == ("failures", "", False)
    for path in ("entities.strict.f1_ci", "entities.strict", "claims.f1", "entities.per_label.XYZ.strict.f1"):
        with pytest.raises(KeyError):
            find_metric(table, path)
