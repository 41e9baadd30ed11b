"""Ranking notes on made-up runs whose verdict is known: a perfect run against an empty one.

The notes use the exact paired permutation test over documents: its smallest
p-value is 2^(1-n), so five documents can never be called significant, and a
perfect run against an empty one reaches exactly that floor (only the observed
pattern and its mirror are as extreme).
"""

from __future__ import annotations

import pytest

from harness.annotations import ENTITY_LABELS, Annotations, Prediction
from harness.common.paths import PROJECT_ROOT as ROOT
from harness.config import Ranking
from harness.corpus.load import load_corpus
from harness.report.board import SetupRow, Speed, TrackRun
from harness.report.leaderboard import _neighbours
from harness.report.significance import Neighbours, RankingNote, ranking_notes
from harness.runs.record import InSample
from harness.runs.registry import RunRow
from harness.scoring.corpus import score_documents
from harness.scoring.metric_table import build_table, find_metric
from harness.scoring.settings import ScoringSettings
from harness.stats import exact_permutation_counts

SETTINGS = {"seed": 13, "resamples": 1000, "level": 0.95}


@pytest.fixture(scope="module")
def documents():
    """The five seed documents and the four held-out ones: nine documents with entities and claims."""
    return (*load_corpus(ROOT).documents, *load_corpus(ROOT / "tests" / "data" / "heldout").documents)


def results(documents, how: str):
    if how == "perfect":
        predictions = [Prediction(g.document.doc_id, g.gold) for g in documents]
    else:
        predictions = [Prediction(g.document.doc_id, Annotations(g.document.doc_id)) for g in documents]
    return score_documents(documents, predictions, ScoringSettings())


def pair(documents, path: str, title: str) -> Neighbours:
    higher, lower = results(documents, "perfect"), results(documents, "empty")
    metric, rate = find_metric(build_table(higher), path)
    return Neighbours("perfect", "empty", metric, rate, higher, lower, title=title)


def test_a_perfect_run_beats_an_empty_one_significantly_even_after_bonferroni(documents):
    assert len(documents) == 9
    pairs = [pair(documents, "entities.strict.f1", "entity strict F1"), pair(documents, "claims.strict.f1", "claim strict F1")]
    notes = ranking_notes(pairs, **SETTINGS)
    assert [n.metric for n in notes] == ["entity strict F1", "claim strict F1"]
    for note in notes:
        test = note.test
        assert (test.metric_b, test.metric_a, test.difference) == (1.0, 0.0, 1.0)
        # Only the observed swap pattern and its mirror are as extreme: the smallest p-value there is.
        assert test.p_value == pytest.approx(2 / 2**9) == test.smallest_p_value
        assert test.units == test.documents == 9 and test.resamples == 2**9
        assert note.tests == 2 and note.verdict.p_adjusted == pytest.approx(4 / 2**9)
        assert note.significant
        assert note.text.startswith(f"perfect vs empty: difference in {note.metric} significant: p = 0.00391 (0.00781 after Bonferroni over 2 tests)")


def test_five_documents_are_never_called_significant_even_for_a_perfect_run_against_an_empty_one(documents):
    seeds = documents[:5]
    (note,) = ranking_notes([pair(seeds, "entities.strict.f1", "entity strict F1")], **SETTINGS)
    assert note.test.difference == 1.0
    assert note.test.p_value == pytest.approx(1 / 16) == note.test.smallest_p_value
    assert not note.significant
    assert "cannot be significant: the smallest p this test can honestly give here is 0.0625 (5 documents, 32 rounds)" in note.text


def test_pairs_that_were_not_tested_say_why_and_do_not_count_as_tests(documents):
    skipped = Neighbours("a", "b", None, "f1", (), (), "scored against different gold", "entity strict F1")
    no_metric = Neighbours("b", "c", None, "f1", (), ())
    tested = pair(documents, "entities.strict.f1", "entity strict F1")
    notes = ranking_notes([skipped, tested, no_metric], **SETTINGS)
    assert notes[0].text == "a vs b: entity strict F1 not compared: scored against different gold"
    assert notes[2].skipped == "no ranking metric both rows have"
    assert not notes[0].significant and not notes[2].significant
    assert notes[1].test is not None and all(note.tests == 1 for note in notes)


def run_row(run_id: str) -> RunRow:
    return RunRow(
        run_id=run_id, path="/nowhere", started_at="2026-01-01T00:00:00", setup=run_id, track="seeds", extractor="made-up",
        extractor_version="0", fingerprint_hash="f", config_hash="c", gold_sha256="g", corpus="gold", git_commit=None,
        git_dirty=None, documents=5, metrics_schema=2, in_sample_documents=0, in_sample_share=0.0, failures=0, ungrounded=0,
        documents_per_second=None, scores={},
    )


def setup_row(name: str, rank: int, labels=ENTITY_LABELS) -> SetupRow:
    return SetupRow(name, {"seeds": TrackRun("seeds", run_row(name), InSample(), tuple(labels), "project", Speed(None))}, rank=rank)


def test_a_run_whose_stored_results_cannot_be_read_is_named_in_its_notes(documents):
    rows = [setup_row("a", 1), setup_row("b", 2)]
    (neighbours,) = _neighbours(rows, Ranking("seeds"), {"a": results(documents[:5], "perfect")})
    (note,) = ranking_notes([neighbours], **SETTINGS)
    assert note.skipped == "the per-document results of a run could not be read" and note.test is None


def test_the_neighbours_are_tested_on_the_first_ranking_metric_both_rows_can_share(documents):
    perfect, empty = results(documents[:5], "perfect"), results(documents[:5], "empty")
    ranking = Ranking("seeds", ("entities.strict.f1", "claims.strict.f1"))
    (same_labels,) = _neighbours([setup_row("a", 1), setup_row("b", 2)], ranking, {"a": perfect, "b": empty})
    assert (same_labels.metric.key, same_labels.title) == ("entities.strict", "entity strict F1 on seeds")
    # Entity F1 over different declared labels measures different things: the claims are compared instead.
    (other_labels,) = _neighbours([setup_row("a", 1), setup_row("b", 2, ("PER",))], ranking, {"a": perfect, "b": empty})
    assert (other_labels.metric.key, other_labels.title) == ("claims.strict", "claim strict F1 on seeds")


def test_a_single_test_is_reported_without_bonferroni_wording():
    # Five identical documents: A has F1 0.5 on each ([TP, FP, FN] = [1, 1, 1]), B 1.0 ([2, 0, 0]).
    test = exact_permutation_counts([[1, 1, 1]] * 5, [[2, 0, 0]] * 5, resamples=200, seed=13)
    note = RankingNote("rules", "ner", "entity strict F1", test=test)
    assert note.tests == 1 and "Bonferroni" not in note.text
    assert note.text == (
        "rules vs ner: difference in entity strict F1 cannot be significant: the smallest p this test can honestly give "
        "here is 0.0625 (5 documents, 32 rounds), not below alpha 0.05 "
        "(exact paired permutation test over documents: all 2^n swap patterns, n = 5; "
        "assumption: if A and B do not differ, each document's two outputs are exchangeable, independently of the other documents; "
        "1.000 vs 0.500, difference +0.500, 95% paired bootstrap interval [+0.500, +0.500])"
    )
