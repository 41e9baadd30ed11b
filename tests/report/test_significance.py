"""Ranking notes on made-up runs whose verdict is known: a perfect run against an empty one."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.corpus.load import load_corpus
from harness.model import ENTITY_LABELS, Annotations, Prediction
from harness.report.leaderboard import Entry, Score, Speed
from harness.report.significance import RankingNote, ranking_notes
from harness.runs.compare import RunSide
from harness.runs.registry import RunRow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT)


def row(run_id: str, gold_sha256: str) -> RunRow:
    return RunRow(run_id, "/nowhere", "2026-01-01T00:00:00", run_id, "made-up", "0", "f", "c", gold_sha256, "gold", None, 5, 0.0, (0.0, 0.0), None, None, 0, 0, None)


def entry(name: str, gold_sha256: str, with_claims: bool = True) -> Entry:
    return Entry(
        name=name,
        row=row(name, gold_sha256),
        entities={"strict": Score(0.5)},
        per_label={},
        labels=ENTITY_LABELS,
        claims=Score(0.5) if with_claims else None,
        slots={},
        speed=Speed(None),
        bootstrap={},
    )


def side(name: str, gold_sha256: str, predictions) -> RunSide:
    return RunSide(name, name, gold_sha256, ENTITY_LABELS, True, tuple(predictions))


def perfect(corpus):
    return [Prediction(g.document.doc_id, g.gold) for g in corpus.documents]


def empty(corpus):
    return [Prediction(g.document.doc_id, Annotations(g.document.doc_id)) for g in corpus.documents]


SETTINGS = {"seed": 13, "resamples": 1000, "level": 0.95}


def test_a_perfect_run_beats_an_empty_one_significantly_even_after_bonferroni(corpus):
    gold = corpus.gold_sha256
    entries = [entry("perfect", gold), entry("empty", gold)]
    sides = {"perfect": side("perfect", gold, perfect(corpus)), "empty": side("empty", gold, empty(corpus))}
    notes = ranking_notes(entries, sides, {"perfect": corpus, "empty": corpus}, **SETTINGS)
    assert [n.metric for n in notes] == ["entity strict F1", "claim F1"]
    for note in notes:
        assert (note.value_higher, note.value_lower, note.difference) == (1.0, 0.0, 1.0)
        # Every resample shows the same difference: the smallest p-value there is.
        assert note.p_value == pytest.approx(1 / 1001)
        assert note.tests == 2 and note.p_adjusted == pytest.approx(2 / 1001)
        assert note.significant and note.documents == len(corpus.documents)
        assert "perfect vs empty: difference in" in note.text and " significant (p=0.002 after Bonferroni over 2 tests" in note.text


def test_neighbours_scored_on_different_gold_are_not_compared_and_the_note_says_why(corpus):
    entries = [entry("a", corpus.gold_sha256), entry("b", "0" * 64)]
    sides = {"a": side("a", corpus.gold_sha256, perfect(corpus)), "b": side("b", "0" * 64, empty(corpus))}
    notes = ranking_notes(entries, sides, {"a": corpus, "b": corpus}, **SETTINGS)
    assert {n.skipped for n in notes} == {"scored against different gold"}
    assert notes[0].text == "a vs b: entity strict F1 not compared: scored against different gold"
    assert not any(n.significant for n in notes)


def test_a_run_whose_corpus_is_gone_is_named_in_its_notes(corpus):
    gold = corpus.gold_sha256
    entries = [entry("a", gold), entry("b", gold, with_claims=False)]
    sides = {"a": side("a", gold, perfect(corpus)), "b": side("b", gold, empty(corpus))}
    (note,) = ranking_notes(entries, sides, {"a": corpus}, **SETTINGS)
    assert note.metric == "entity strict F1" and note.skipped == "the corpus of b could not be loaded"


def test_a_single_test_is_reported_without_bonferroni_wording():
    note = RankingNote("rules", "ner", "entity strict F1", value_higher=0.6, value_lower=0.55, difference=0.05, low=-0.02, high=0.12, p_value=0.41, p_adjusted=0.41, tests=1, documents=5)
    assert note.text == (
        "rules vs ner: difference in entity strict F1 not significant (p=0.41, paired bootstrap over 5 documents; "
        "0.600 vs 0.550, difference +0.050, 95% interval [-0.020, +0.120])"
    )
