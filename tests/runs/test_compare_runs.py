"""`harness compare`: paired tests on the metrics two runs share, and a per-document diff.

The runs compared here are records written with the real writer whose
predictions are the gold with deliberate changes (a claim left out, a date
changed, entities dropped), so every expected difference is known by
construction. Significance is checked on a CoNLL corpus of twenty sentences
written for the test: with five documents no test can be confident.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest

from harness.cli import main
from harness.corpus.load import Corpus, load_corpus
from harness.model import Annotations, GoldDocument, Prediction, TimeRef
from harness.runs.compare import (
    ComparisonRefused,
    compare_records,
    format_comparison,
    format_document_diff,
)
from harness.runs.record import prediction_to_json, write_record
from harness.scoring.corpus import ScoringSettings, score_corpus

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = ROOT / "tests" / "data" / "heldout"
EXAMPLE = ROOT / "tests" / "data" / "example"

Edit = Callable[[GoldDocument], Annotations]


def gold_as_predicted(g: GoldDocument) -> Annotations:
    return g.gold


def make_record(
    runs_dir: Path,
    name: str,
    corpus: Corpus,
    edit: Edit = gold_as_predicted,
    labels: tuple[str, ...] | None = None,
) -> Path:
    """A run record whose predictions are ``edit(gold)`` for every document, scored for real."""
    predictions = [Prediction(g.document.doc_id, edit(g)) for g in corpus.documents]
    labels = labels if labels is not None else corpus.labels
    metrics = score_corpus(
        corpus.documents, predictions, ScoringSettings(entity_labels=labels, score_claims=corpus.has_claims, seed=3, resamples=200)
    )
    run = {
        "run_id": name,
        "setup": name,
        "extractor": {"name": name, "version": "1", "entity_labels": list(labels), "emits_claims": True, "fingerprint_hash": name},
        "config_hash": name,
        "corpus": {"name": corpus.name, "source": corpus.source, "documents": len(corpus.documents), "gold_sha256": corpus.gold_sha256},
        "gold_sha256": corpus.gold_sha256,
        "started_at": "2026-01-01T00:00:00+00:00",
    }
    lines = [prediction_to_json(p, g.document.sha256, cached=False) for p, g in zip(predictions, corpus.documents)]
    return write_record(runs_dir, name, run, {"settings": {}}, lines, metrics)


@pytest.fixture(scope="module")
def heldout() -> Corpus:
    return load_corpus(HELDOUT)


def first_claim(corpus: Corpus) -> tuple[GoldDocument, str]:
    g = next(g for g in corpus.documents if g.gold.claims)
    return g, sorted(g.gold.claims, key=lambda c: (c.evidence.start, c.id))[0].id


def without_claim(doc_id: str, claim_id: str) -> Edit:
    """The gold, except that one claim of one document is not predicted (claim ids repeat across documents)."""

    def edit(g: GoldDocument) -> Annotations:
        if g.document.doc_id != doc_id:
            return g.gold
        return replace(g.gold, claims=tuple(c for c in g.gold.claims if c.id != claim_id))

    return edit


def test_runs_scored_on_different_gold_are_refused_with_the_reason(tmp_path, heldout):
    a = make_record(tmp_path, "on-heldout", heldout)
    b = make_record(tmp_path, "on-example", load_corpus(EXAMPLE))
    with pytest.raises(ComparisonRefused, match="different gold"):
        compare_records(a, b, heldout)


def test_the_compare_command_refuses_different_gold_with_exit_1(tmp_path, heldout, capsys):
    a = make_record(tmp_path / "runs", "on-heldout", heldout)
    b = make_record(tmp_path / "runs", "on-example", load_corpus(EXAMPLE))
    assert main(["compare", str(a), str(b), "--results", str(tmp_path)]) == 1
    assert "refused:" in capsys.readouterr().err


def test_a_corpus_other_than_the_runs_gold_is_refused(tmp_path, heldout):
    a = make_record(tmp_path, "a", heldout)
    b = make_record(tmp_path, "b", heldout)
    with pytest.raises(ComparisonRefused, match="pass the corpus the run used"):
        compare_records(a, b, load_corpus(EXAMPLE))


def test_identical_runs_differ_by_zero_with_p_value_one(tmp_path, heldout):
    a = make_record(tmp_path, "a", heldout)
    b = make_record(tmp_path, "b", heldout)
    comparison = compare_records(a, b, resamples=200)
    assert {m.metric for m in comparison.metrics} >= {"entities.strict.f1", "entities.type.f1", "claims.f1", "claims.slots.time.f1"}
    for item in comparison.metrics:
        for test in (item.bootstrap, item.randomisation):
            assert test.difference == 0.0
            assert test.p_value == 1.0
            assert (test.low, test.high) == (0.0, 0.0)
    assert not any(d.changed for d in comparison.documents)
    assert "no differences" in format_comparison(comparison)


def test_the_value_of_each_run_equals_its_stored_metric(tmp_path, heldout):
    document, claim_id = first_claim(heldout)
    drop = without_claim(document.document.doc_id, claim_id)
    a = make_record(tmp_path, "a", heldout)
    b = make_record(tmp_path, "b", heldout, lambda g: replace(drop(g), entities=g.gold.entities[1:]))
    comparison = compare_records(a, b, resamples=50)
    stored = score_corpus(
        heldout.documents,
        [p for p in _predictions(b)],
        ScoringSettings(entity_labels=heldout.labels),
    )
    assert comparison.metric("claims.f1").b == pytest.approx(stored["claims"]["f1"], abs=1e-6)
    assert comparison.metric("entities.strict.f1").b == pytest.approx(stored["entities"]["strict"]["f1"], abs=1e-6)


def _predictions(record: Path) -> list[Prediction]:
    from harness.runs.record import read_record

    return read_record(record).predictions()


CONLL_SENTENCES = [
    ("قال", "O"), ("المتحدث", "O"), ("باسم", "O"), ("وزارة", "B-ORG"), ("الصحة", "I-ORG"),
    ("في", "O"), ("بغداد", "B-LOC"), ("إن", "O"), ("كريم", "B-PER"), ("الساعدي", "I-PER"), ("وصل", "O"),
]


@pytest.fixture(scope="module")
def conll_corpus(tmp_path_factory) -> Corpus:
    """Twenty sentences with three entities each: enough documents for a paired test to be confident."""
    path = tmp_path_factory.mktemp("conll") / "twenty.txt"
    blocks = ["\n".join(f"{token} {tag}" for token, tag in CONLL_SENTENCES) for _ in range(20)]
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return load_corpus(path)


def test_a_clearly_worse_run_is_significant_by_both_tests(tmp_path, conll_corpus):
    good = make_record(tmp_path, "good", conll_corpus)
    worse = make_record(tmp_path, "worse", conll_corpus, lambda g: replace(g.gold, entities=g.gold.entities[1:]))
    comparison = compare_records(good, worse, conll_corpus, resamples=500)
    strict = comparison.metric("entities.strict.f1")
    assert strict.difference < 0
    assert strict.bootstrap.p_value < 0.01 and strict.randomisation.p_value < 0.01
    assert strict.interval[1] < 0
    assert not comparison.claims_compared
    assert all(not m.metric.startswith("claims") for m in comparison.metrics)


def test_the_diff_lists_a_claim_found_by_one_run_only(tmp_path, heldout):
    document, claim_id = first_claim(heldout)
    a = make_record(tmp_path, "a", heldout)
    b = make_record(tmp_path, "b", heldout, without_claim(document.document.doc_id, claim_id))
    comparison = compare_records(a, b, resamples=50)
    (diff,) = [d for d in comparison.documents if d.changed]
    assert diff.doc_id == document.document.doc_id
    (found,) = diff.claims_found
    assert (found.gold_id, found.found_by) == (claim_id, "A")
    assert diff.claims_a.correct == diff.claims_b.correct + 1
    text = format_comparison(comparison)
    assert f"claim {claim_id} found by A only" in text
    assert found.excerpt[:20] in text


def _shift_year(g: GoldDocument, doc_id: str, claim_id: str) -> Annotations:
    claims = []
    for c in g.gold.claims:
        if g.document.doc_id == doc_id and c.id == claim_id and c.time is not None and c.time.value:
            year = int(c.time.value[:4]) + 1
            c = replace(c, time=TimeRef(f"{year}{c.time.value[4:]}", c.time.text, c.time.start, c.time.end))
        claims.append(c)
    return replace(g.gold, claims=tuple(claims))


def test_the_diff_lists_a_time_value_that_changed_between_the_runs(tmp_path, heldout):
    dated = [(g, c) for g in heldout.documents for c in g.gold.claims if c.time is not None and c.time.value and c.time.value[:4].isdigit()]
    if not dated:
        pytest.skip("the held-out gold has no claim with a dated time value")
    document, claim = dated[0]
    a = make_record(tmp_path, "a", heldout)
    b = make_record(tmp_path, "b", heldout, lambda g: _shift_year(g, document.document.doc_id, claim.id))
    comparison = compare_records(a, b, resamples=50)
    (diff,) = [d for d in comparison.documents if d.changed]
    (change,) = diff.slot_changes
    assert (change.gold_id, change.slot, change.a) == (claim.id, "time", claim.time.value)
    assert change.b.startswith(str(int(claim.time.value[:4]) + 1))
    assert comparison.metric("claims.slots.time.f1").difference < 0


def test_entities_gained_and_lost_are_listed_in_strict_mode(tmp_path, heldout):
    g0 = heldout.documents[0]
    first, second = sorted(g0.gold.entities, key=lambda e: e.start)[:2]  # objects of document 0 only
    a = make_record(tmp_path, "a", heldout, lambda g: replace(g.gold, entities=tuple(e for e in g.gold.entities if e is not first)))
    b = make_record(tmp_path, "b", heldout, lambda g: replace(g.gold, entities=tuple(e for e in g.gold.entities if e is not second)))
    comparison = compare_records(a, b, resamples=50)
    diff = comparison.documents[0]
    changes = {(e.text, e.change) for e in diff.entity_changes}
    assert changes == {(first.text, "gained"), (second.text, "lost")}
    assert diff.entities_a.correct == diff.entities_b.correct


def test_the_diff_of_a_document_is_capped_with_a_count_of_the_rest(tmp_path, heldout):
    a = make_record(tmp_path, "a", heldout)
    b = make_record(tmp_path, "b", heldout, lambda g: Annotations(g.document.doc_id))
    comparison = compare_records(a, b, resamples=50)
    diff = max(comparison.documents, key=lambda d: len(d.entity_changes) + len(d.claims_found))
    lines = format_document_diff(diff, max_lines=3)
    hidden = len(diff.entity_changes) + len(diff.claims_found) + len(diff.slot_changes) - 3
    assert len(lines) == 1 + 3 + 1
    assert lines[-1].strip() == f"... {hidden} more"


def test_only_the_entity_labels_both_runs_declare_are_compared(tmp_path, heldout):
    a = make_record(tmp_path, "a", heldout, labels=("PER", "LOC"))
    b = make_record(tmp_path, "b", heldout, labels=("PER", "ORG"))
    comparison = compare_records(a, b, resamples=50)
    assert comparison.entity_labels == ("PER",)


def test_the_compare_command_prints_the_table_and_the_diff(tmp_path, heldout, capsys):
    document, claim_id = first_claim(heldout)
    a = make_record(tmp_path / "runs", "run-a", heldout)
    b = make_record(tmp_path / "runs", "run-b", heldout, without_claim(document.document.doc_id, claim_id))
    assert main(["compare", str(a), str(b), "--results", str(tmp_path), "--resamples", "100"]) == 0
    out = capsys.readouterr().out
    assert "metric" in out and "p-value" in out and "paired bootstrap" in out and "approx. randomisation" in out
    assert f"claim {claim_id} found by A only" in out


def test_per_label_per_kind_and_all_label_metrics_have_paired_tests_matching_the_stored_values(tmp_path, heldout):
    document, claim_id = first_claim(heldout)
    drop = without_claim(document.document.doc_id, claim_id)
    a = make_record(tmp_path, "a", heldout)
    b = make_record(tmp_path, "b", heldout, lambda g: replace(drop(g), entities=g.gold.entities[1:]))
    paths = ["entities.per_label.LOC.strict.f1", "entities.all_labels.partial.recall", "claims.by_kind.fact.precision", "claims.slots.unit.f1"]
    comparison = compare_records(a, b, metrics=paths, resamples=50, with_diff=False)
    from harness.runs.record import read_record

    stored = read_record(b).metrics
    for path in paths:
        value = stored
        for part in path.split("."):
            value = value[part]
        assert comparison.metric(path).b == pytest.approx(value, abs=1e-6)


def test_a_metric_without_a_paired_test_is_named_in_the_error(tmp_path, heldout):
    from harness.runs.compare import UnknownMetric

    a = make_record(tmp_path, "a", heldout)
    with pytest.raises(UnknownMetric, match="'failures'"):
        compare_records(a, a, metrics=["failures"], resamples=10)
