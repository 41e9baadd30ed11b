"""Matching is one-to-one, optimal and independent of the order of annotations."""

from __future__ import annotations

import itertools
import random
from collections import Counter

from harness.annotations import Entity
from harness.scoring.entities import MODES, _pair_grade, align_entities, count_document


def span(id_: str, label: str, start: int, end: int) -> Entity:
    return Entity(id_, label, start, end, "x" * (end - start))


def brute_force_best(gold: list[Entity], predicted: list[Entity], mode: str) -> tuple[int, int]:
    """(correct pairs, matched pairs) of the best one-to-one matching, by enumeration.

    "Best" is the documented priority: most correct pairs, then most matched
    pairs. Every matching of overlapping pairs is tried.
    """
    best = (0, 0)

    def visit(i: int, used: frozenset[int], correct: int, matched: int) -> None:
        nonlocal best
        if i == len(gold):
            best = max(best, (correct, matched))
            return
        visit(i + 1, used, correct, matched)
        g = gold[i]
        for j, p in enumerate(predicted):
            if j not in used:
                grade = _pair_grade((g.start, g.end, g.label), (p.start, p.end, p.label), mode)
                if grade:
                    visit(i + 1, used | {j}, correct + (grade == 2), matched + 1)

    visit(0, frozenset(), 0, 0)
    return best


def random_entities(rng: random.Random, prefix: str) -> list[Entity]:
    """Up to five spans on a short axis, overlapping each other freely."""
    out = []
    for n in range(rng.randint(0, 5)):
        start = rng.randint(0, 12)
        out.append(span(f"{prefix}{n}", rng.choice("AB"), start, start + rng.randint(1, 5)))
    return out


def test_a_prediction_between_two_golds_does_not_block_the_second():
    # Read in order, the wide prediction p1 takes its closest gold g2, and p2,
    # which only overlaps g2, is left spurious (nervaluate issue #40 pattern).
    gold = [span("g1", "LOC", 0, 3), span("g2", "LOC", 3, 9)]
    predicted = [span("p1", "LOC", 2, 7), span("p2", "LOC", 7, 9)]
    counts = count_document(gold, predicted).overall.type
    assert (counts.correct, counts.missed, counts.spurious) == (2, 0, 0)


def test_a_wrong_label_prediction_does_not_take_the_gold_of_a_right_one():
    gold = [span("g1", "PER", 0, 4)]
    predicted = [span("p1", "LOC", 0, 2), span("p2", "PER", 2, 4)]
    rows = align_entities(gold, predicted, mode="type")
    outcomes = {(r.outcome, r.predicted.id if r.predicted else None) for r in rows}
    assert outcomes == {("correct", "p2"), ("spurious", "p1")}


def test_exact_matches_win_over_larger_overlaps():
    gold = [span("g1", "ORG", 0, 10)]
    predicted = [span("p1", "ORG", 0, 12), span("p2", "ORG", 0, 10)]
    rows = align_entities(gold, predicted, mode="strict")
    assert [(r.outcome, r.predicted.id) for r in rows if r.gold] == [("correct", "p2")]


def test_duplicate_predictions_count_once_and_the_copy_is_spurious():
    gold = [span("g1", "PER", 0, 4)]
    predicted = [span("p1", "PER", 0, 4), span("p2", "PER", 0, 4)]
    for mode in MODES:
        counts = count_document(gold, predicted).overall.mode(mode)
        assert (counts.correct, counts.spurious) == (1, 1), mode


def test_counts_equal_the_brute_force_optimum_on_random_documents():
    rng = random.Random(20240517)
    for _ in range(600):
        gold, predicted = random_entities(rng, "g"), random_entities(rng, "p")
        counts = count_document(gold, predicted)
        for mode in MODES:
            got = counts.overall.mode(mode)
            matched = got.correct + got.incorrect + got.partial
            best = brute_force_best(gold, predicted, mode)
            assert (got.correct, matched) == best, (mode, gold, predicted)
            for label in "AB":
                row = counts.label(label).mode(mode)
                gl = [e for e in gold if e.label == label]
                pl = [e for e in predicted if e.label == label]
                assert (row.correct, row.correct + row.incorrect + row.partial) == brute_force_best(gl, pl, mode)


def test_shuffling_annotations_changes_neither_counts_nor_pairs():
    rng = random.Random(7)
    for _ in range(300):
        gold, predicted = random_entities(rng, "g"), random_entities(rng, "p")
        counts = count_document(gold, predicted)
        pairs = {m: _pairs(align_entities(gold, predicted, m)) for m in MODES}
        for _ in range(3):
            g2, p2 = gold[:], predicted[:]
            rng.shuffle(g2)
            rng.shuffle(p2)
            assert count_document(g2, p2) == counts
            for mode in MODES:
                assert _pairs(align_entities(g2, p2, mode)) == pairs[mode]


def _pairs(rows) -> set[tuple[str | None, str | None, str]]:
    return {(r.gold.id if r.gold else None, r.predicted.id if r.predicted else None, r.outcome) for r in rows}


def test_alignment_uses_each_annotation_once_and_tallies_to_the_counts():
    rng = random.Random(11)
    for _ in range(300):
        gold, predicted = random_entities(rng, "g"), random_entities(rng, "p")
        for mode in MODES:
            rows = align_entities(gold, predicted, mode)
            gold_ids = [r.gold.id for r in rows if r.gold]
            pred_ids = [r.predicted.id for r in rows if r.predicted]
            assert sorted(gold_ids) == sorted(e.id for e in gold)
            assert sorted(pred_ids) == sorted(e.id for e in predicted)
            tally = Counter(r.outcome for r in rows)
            counts = count_document(gold, predicted).overall.mode(mode)
            assert tally == Counter(
                {
                    name: getattr(counts, name)
                    for name in ("correct", "incorrect", "partial", "missed", "spurious")
                    if getattr(counts, name)
                }
            )


def test_alignment_rows_come_in_text_order():
    gold = [span("g2", "LOC", 20, 25), span("g1", "PER", 0, 4)]
    predicted = [span("p1", "ORG", 10, 12)]
    rows = align_entities(gold, predicted, mode="strict")
    starts = [(r.gold or r.predicted).start for r in rows]
    assert starts == sorted(starts)


def test_large_group_of_chained_overlaps_is_solved_optimally():
    # A chain g0-p0-g1-p1-... where greedy pairing in reverse would strand ends.
    gold = [span(f"g{i}", "A", 3 * i, 3 * i + 2) for i in range(6)]
    predicted = [span(f"p{i}", "A", 3 * i + 1, 3 * i + 4) for i in range(6)]
    for order in itertools.islice(itertools.permutations(range(6)), 0, 50, 7):
        shuffled = [predicted[i] for i in order]
        counts = count_document(gold, shuffled).overall.type
        assert counts.correct == 6
