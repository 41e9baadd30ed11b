"""`harness compare`: paired tests on the metrics two runs share, and a per-document diff.

The runs compared here are records written with the real writer whose
predictions are the gold with deliberate changes (a claim left out, a date
changed, entities dropped), so every expected difference is known by
construction. Significance is checked on CoNLL corpora of sentences written
for the test: twenty, enough for the exact paired test to be confident, and
five, where no test can be.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from harness.annotations import Annotations, GoldDocument, Prediction, TimeRef
from harness.cli import main
from harness.common.paths import PROJECT_ROOT as ROOT
from harness.corpus.load import Corpus, load_corpus
from harness.report.text import format_comparison, format_document_diff
from harness.runs.compare import ComparisonRefused, compare_records
from harness.runs.record import (
    InSample,
    RunRecord,
    prediction_to_json,
    read_record,
    write_record,
)
from harness.scoring.corpus import score_corpus
from harness.scoring.settings import IntervalSettings, ScoringSettings

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
    in_sample: InSample = InSample(),
) -> Path:
    """A run record whose predictions are ``edit(gold)`` for every document, scored for real."""
    predictions = [Prediction(g.document.doc_id, edit(g)) for g in corpus.documents]
    labels = labels if labels is not None else corpus.labels
    settings = ScoringSettings(entity_labels=labels, score_claims=corpus.has_claims, intervals=IntervalSettings(seed=3, resamples=200))
    scored = score_corpus(corpus.documents, predictions, settings)
    run = {
        "run_id": name,
        "setup": name,
        "track": corpus.name,
        "extractor": {"name": name, "version": "1", "entity_labels": list(labels), "emits_claims": True, "fingerprint_hash": name},
        "config_hash": name,
        "corpus": {
            "name": corpus.name,
            "source": corpus.source,
            "spec": {"path": corpus.source},
            "documents": len(corpus.documents),
            "gold_sha256": corpus.gold_sha256,
        },
        "gold_sha256": corpus.gold_sha256,
        "in_sample": in_sample.to_json(),
        "scoring": settings.to_dict(),
        "started_at": "2026-01-01T00:00:00+00:00",
    }
    lines = tuple(prediction_to_json(p, g.document.sha256, cached=False) for p, g in zip(predictions, corpus.documents))
    record = write_record(runs_dir, RunRecord(name, run, {"settings": {}}, scored.metrics, results=scored.results, prediction_lines=lines))
    assert record.path is not None
    return record.path


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
    assert {m.metric for m in comparison.metrics} >= {
        "entities.strict.f1",
        "entities.type.f1",
        "entities.all_labels.strict.f1",
        "claims.strict.f1",
        "claims.evidence.f1",
        "claims.slots.time.f1",
    }
    for item in comparison.metrics:
        for test in (item.bootstrap, item.permutation):
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
    stored = score_corpus(heldout.documents, _predictions(b), ScoringSettings(entity_labels=heldout.labels)).metrics
    for mode in ("strict", "evidence"):
        assert comparison.metric(f"claims.{mode}.f1").b == pytest.approx(stored["claims"][mode]["f1"], abs=1e-6)
        assert comparison.metric(f"claims.{mode}.f1").a == 1.0
    assert comparison.metric("entities.strict.f1").b == pytest.approx(stored["entities"]["strict"]["f1"], abs=1e-6)
    assert comparison.metric("entities.strict.f1").b < 1.0


def _predictions(record: Path) -> list[Prediction]:
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
    # One metric: the exact test scores all 2^20 swap patterns per metric.
    comparison = compare_records(good, worse, conll_corpus, metrics=["entities.strict.f1"], resamples=500)
    strict = comparison.metric("entities.strict.f1")
    assert strict.difference < 0
    assert strict.bootstrap.p_value < 0.01 and strict.permutation.p_value < 0.01
    assert strict.permutation.method.startswith("exact paired permutation test over documents")
    assert strict.permutation.smallest_p_value == 2.0**-19 and strict.permutation.units == 20
    assert strict.interval[1] < 0
    assert not comparison.claims_compared


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
    assert f"claim {claim_id} right in A only" in text
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
    assert comparison.metric("claims.strict.f1").difference < 0  # strict mode checks the time slot
    assert comparison.metric("claims.evidence.f1").difference == 0  # evidence mode does not


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
    compared = {m.metric for m in comparison.metrics}
    assert "entities.strict.f1" not in compared  # over the declared labels: each run's F1 counts different labels
    assert {"entities.all_labels.strict.f1", "entities.all_labels.per_label.PER.strict.f1"} <= compared
    assert any("declare different entity labels" in note for note in comparison.notes)
    assert all(d.entity_changes == () for d in comparison.documents)


def test_the_compare_command_prints_the_table_and_the_diff(tmp_path, heldout, capsys):
    document, claim_id = first_claim(heldout)
    a = make_record(tmp_path / "runs", "run-a", heldout)
    b = make_record(tmp_path / "runs", "run-b", heldout, without_claim(document.document.doc_id, claim_id))
    assert main(["compare", str(a), str(b), "--results", str(tmp_path), "--resamples", "100"]) == 0
    out = capsys.readouterr().out
    assert "metric" in out and "min p" in out and "paired bootstrap" in out and "exact paired permutation test" in out
    assert "claims.strict.f1" in out and "claims.evidence.f1" in out
    assert f"claim {claim_id} right in A only" in out


def test_per_label_per_kind_and_all_label_metrics_have_paired_tests_matching_the_stored_values(tmp_path, heldout):
    document, claim_id = first_claim(heldout)
    drop = without_claim(document.document.doc_id, claim_id)
    a = make_record(tmp_path, "a", heldout)
    b = make_record(tmp_path, "b", heldout, lambda g: replace(drop(g), entities=g.gold.entities[1:]))
    paths = [
        "entities.per_label.LOC.strict.f1",
        "entities.all_labels.partial.recall",
        "claims.strict.by_kind.fact.precision",
        "claims.evidence.by_kind.fact.recall",
        "claims.slots.unit.f1",
    ]
    comparison = compare_records(a, b, metrics=paths, resamples=50, with_diff=False)
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


@pytest.fixture(scope="module")
def five_sentences(tmp_path_factory) -> Corpus:
    """Five documents, as many as the project's gold set: too few for any paired test at 0.05."""
    path = tmp_path_factory.mktemp("conll5") / "five.txt"
    blocks = ["\n".join(f"{token} {tag}" for token, tag in CONLL_SENTENCES) for _ in range(5)]
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return load_corpus(path)


def test_five_documents_are_never_called_significant_and_the_smallest_p_is_printed(tmp_path, five_sentences, capsys):
    good = make_record(tmp_path / "runs", "good", five_sentences)
    empty = make_record(tmp_path / "runs", "empty", five_sentences, lambda g: Annotations(g.document.doc_id))
    comparison = compare_records(good, empty, five_sentences, resamples=200)
    assert not comparison.claims_compared and all(not m.metric.startswith("claims") for m in comparison.metrics)
    strict = comparison.metric("entities.strict.f1")
    assert (strict.a, strict.b) == (1.0, 0.0)  # B finds nothing: the largest difference there can be
    assert strict.permutation.p_value == strict.permutation.smallest_p_value == 2 / 32
    assert main(["compare", str(good), str(empty), "--results", str(tmp_path), "--resamples", "200"]) == 0
    out = capsys.readouterr().out
    assert "the smallest p-value this test can reach here is 0.062: no difference can be called significant at 0.05" in out
    rows = [line for line in out.splitlines() if line.startswith("entities.")]
    assert rows and all(line.rstrip().endswith("cannot be") for line in rows)
    assert "  significant" not in out


def test_twenty_documents_can_reach_significance_and_the_table_says_so(tmp_path, conll_corpus, capsys):
    good = make_record(tmp_path / "runs", "good", conll_corpus)
    worse = make_record(tmp_path / "runs", "worse", conll_corpus, lambda g: replace(g.gold, entities=g.gold.entities[1:]))
    comparison = compare_records(good, worse, conll_corpus, metrics=["entities.strict.f1"], resamples=200)
    text = format_comparison(comparison)
    assert "differences can reach 0.05" in text
    (row,) = [line for line in text.splitlines() if line.startswith("entities.strict.f1")]
    assert row.rstrip().endswith("significant") and "not significant" not in row


def _no_scoring(*args, **kwargs):
    raise AssertionError("a document was scored again")


def forbid_scoring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any scoring of a document fail: the function, and the name harness.scoring.corpus bound at import."""
    monkeypatch.setattr("harness.scoring.document.score_document", _no_scoring)
    monkeypatch.setattr("harness.scoring.corpus.score_document", _no_scoring)


def test_compare_reads_the_stored_results_and_scores_nothing_again(tmp_path, heldout, monkeypatch, capsys):
    document, claim_id = first_claim(heldout)
    a = make_record(tmp_path / "runs", "run-a", heldout)
    b = make_record(tmp_path / "runs", "run-b", heldout, without_claim(document.document.doc_id, claim_id))
    expected = compare_records(a, b, resamples=50)
    forbid_scoring(monkeypatch)
    comparison = compare_records(a, b, resamples=50)
    assert comparison == expected and comparison.rescored == ()
    assert main(["compare", str(a), str(b), "--results", str(tmp_path), "--resamples", "50"]) == 0
    assert f"claim {claim_id} right in A only" in capsys.readouterr().out


def test_a_record_without_stored_results_is_scored_from_its_predictions_and_the_report_says_so(tmp_path, heldout, monkeypatch):
    document, claim_id = first_claim(heldout)
    a = make_record(tmp_path, "a", heldout)
    b = make_record(tmp_path, "b", heldout, without_claim(document.document.doc_id, claim_id))
    expected = compare_records(a, b, resamples=50)
    (b / "documents.jsonl").unlink()  # as a record written before per-document results were kept
    comparison = compare_records(a, b, resamples=50)
    assert comparison.rescored == ("b",)
    assert [m.bootstrap for m in comparison.metrics] == [m.bootstrap for m in expected.metrics]
    assert "run b keeps no per-document results (metrics schema 1); it was scored from its predictions" in format_comparison(comparison)
    forbid_scoring(monkeypatch)
    with pytest.raises(AssertionError, match="scored again"):
        compare_records(a, b, resamples=50)


def test_paragraph_units_print_their_count_and_assumption(tmp_path, heldout, capsys):
    a = make_record(tmp_path / "runs", "run-a", heldout)
    b = make_record(tmp_path / "runs", "run-b", heldout, lambda g: replace(g.gold, entities=g.gold.entities[2:]))
    comparison = compare_records(a, b, metrics=["entities.strict.f1", "claims.strict.f1"], resamples=50, unit="paragraph")
    strict = comparison.metric("entities.strict.f1")
    paragraphs = sum(len([line for line in g.document.text.split("\n") if line.strip()]) for g in heldout.documents)
    assert strict.unit == "paragraph" and strict.permutation.units == paragraphs > len(heldout.documents)
    assert "paragraph" in strict.assumption
    assert main(["compare", str(a), str(b), "--results", str(tmp_path), "--resamples", "50", "--unit", "paragraph"]) == 0
    out = capsys.readouterr().out
    assert f"unit: {paragraphs} paragraph(s) in 4 documents; assumption: {strict.assumption}" in out
    assert "by paragraph: only metrics that keep alignment rows" in out


def test_the_in_sample_marking_of_each_run_is_printed(tmp_path, heldout, capsys):
    seen = InSample(("one held-out article",), 1, 0.25)
    a = make_record(tmp_path / "runs", "run-a", heldout, in_sample=seen)
    b = make_record(tmp_path / "runs", "run-b", heldout)
    assert main(["compare", str(a), str(b), "--results", str(tmp_path), "--resamples", "20"]) == 0
    out = capsys.readouterr().out
    assert "A: run-a (in-sample: 1 document(s) (25%) from one held-out article)" in out
    assert "B: run-b (out of sample)" in out
    assert "its score is evidence of fit, not of quality" in out
