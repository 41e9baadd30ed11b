"""Differential tests: the harness against seqeval 1.2.2 and nervaluate 1.2.1.

Random BIO sequence pairs (seeded) are scored by both sides.

* seqeval, default mode (conlleval chunking) against ``scheme="conlleval"``,
  and ``mode="strict", scheme=IOB2`` against ``scheme="iob2"``: precision,
  recall and F1 per type and micro must be equal as floats.
* nervaluate, given the very same entity spans (so only matching is
  compared): the correct / incorrect / partial / missed / spurious counts of
  the four modes, overall and per label. nervaluate's spans have inclusive
  ends, hence ``end - 1``. Its ``min_overlap_percentage`` default (1% of the
  gold span) accepts any overlap for spans under 100 tokens, as here.

Known difference (nervaluate's, documented, not hidden): in the type mode
(nervaluate "ent_type") nervaluate visits predictions in list order and
gives each one the nearest still-free same-label gold, or else the first free
overlapping gold of another label as "incorrect". An early prediction can so
take a gold that a later prediction needed (the greedy-order pattern of
nervaluate issue #40); the harness solves an assignment instead. Where the
two differ, the test requires that the harness found strictly more correct
pairs, or as many correct and more matched pairs, over the same totals
(test_entities_matching checks the harness against brute force). The strict, exact and partial modes must agree
exactly: with BIO spans (no overlaps within one side) nervaluate's greedy
pass is optimal there.
"""

from __future__ import annotations

import random
import warnings

import pytest

from harness.corpus.tagging import Chunk, conlleval_chunks, iob2_chunks
from harness.scoring.conlleval import score_tag_sequences
from harness.scoring.entities import MODES, count_document

seqeval_metrics = pytest.importorskip("seqeval.metrics")
seqeval_scheme = pytest.importorskip("seqeval.scheme")
nervaluate = pytest.importorskip("nervaluate")

TYPES = ("PER", "LOC", "ORG")
# "O" is repeated so entities are not wall to wall.
TAGS = ("O", "O", "O", "O") + tuple(f"{p}-{t}" for t in TYPES for p in "BI")
NERVALUATE_MODE = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}
N_PAIRS = 1000


def random_pairs(seed: int, n: int = N_PAIRS) -> list[tuple[list[list[str]], list[list[str]]]]:
    """``n`` (gold, predicted) corpora of one to three sentences of up to 14 tags."""
    rng = random.Random(seed)
    pairs = []
    for _ in range(n):
        lengths = [rng.randint(0, 14) for _ in range(rng.randint(1, 3))]
        gold = [[rng.choice(TAGS) for _ in range(k)] for k in lengths]
        predicted = [[rng.choice(TAGS) for _ in range(k)] for k in lengths]
        pairs.append((gold, predicted))
    return pairs


def seqeval_report(gold, predicted, strict: bool) -> dict:
    kwargs = {"mode": "strict", "scheme": seqeval_scheme.IOB2} if strict else {}
    if not any(gold) and not any(predicted):
        return {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return seqeval_metrics.classification_report(
            gold, predicted, output_dict=True, zero_division=0, **kwargs
        )


@pytest.mark.parametrize(
    "scheme, strict", [("conlleval", False), ("iob2", True)], ids=["default", "strict"]
)
def test_strict_scores_equal_seqeval_on_random_bio_pairs(scheme, strict):
    compared_types = 0
    for gold, predicted in random_pairs(seed=2013):
        report = seqeval_report(gold, predicted, strict)
        scores = score_tag_sequences(gold, predicted, scheme=scheme).strict
        types = sorted(k for k in report if not k.endswith(" avg"))
        assert types == [row.label for row in scores.per_label], (gold, predicted)
        for label in types:
            ours, theirs = scores.label(label), report[label]
            assert (ours.prf.precision, ours.prf.recall, ours.prf.f1) == (
                theirs["precision"],
                theirs["recall"],
                theirs["f1-score"],
            ), (label, gold, predicted)
            assert ours.counts.possible == theirs["support"]
            compared_types += 1
        if types:
            micro = report["micro avg"]
            assert (scores.micro.precision, scores.micro.recall, scores.micro.f1) == (
                micro["precision"],
                micro["recall"],
                micro["f1-score"],
            ), (gold, predicted)
            macro = report["macro avg"]
            assert scores.macro.f1 == pytest.approx(macro["f1-score"], abs=1e-12)
    assert compared_types > N_PAIRS  # the random data did exercise the comparison


def nervaluate_counts(gold_spans, predicted_spans):
    def as_dicts(spans_per_doc):
        return [
            [{"label": c.label, "start": c.start, "end": c.end - 1} for c in doc] for doc in spans_per_doc
        ]

    evaluator = nervaluate.Evaluator(
        as_dicts(gold_spans), as_dicts(predicted_spans), tags=list(TYPES), loader="dict"
    )
    return evaluator.evaluate()


def five(counts) -> tuple[int, int, int, int, int]:
    return counts.correct, counts.incorrect, counts.partial, counts.missed, counts.spurious


@pytest.mark.parametrize("chunker", [iob2_chunks, conlleval_chunks], ids=["iob2", "conlleval"])
def test_mode_counts_equal_nervaluate_except_its_greedy_type_mode(chunker):
    differences = 0
    for gold_tags, predicted_tags in random_pairs(seed=40):
        # One sentence per document on each side, scored with the same spans.
        gold_spans = [chunker(s) for s in gold_tags]
        predicted_spans = [chunker(s) for s in predicted_tags]
        theirs = nervaluate_counts(gold_spans, predicted_spans)
        ours = sum(
            (count_document(g, p) for g, p in zip(gold_spans, predicted_spans)),
            start=count_document([], []),
        )
        for mode in MODES:
            name = NERVALUATE_MODE[mode]
            expected = five(theirs["overall"][name]) if name in theirs["overall"] else (0,) * 5
            got = five(ours.overall.mode(mode))
            rows = [
                (label, five(ours.label(label).mode(mode)), five(r[name]))
                for label, r in theirs["entities"].items()
            ]
            if mode != "type":
                assert got == expected, (mode, gold_tags, predicted_tags)
                for label, mine, reference in rows:
                    assert mine == reference, (mode, label, gold_tags, predicted_tags)
                continue
            for mine, reference in [(got, expected)] + [(m, r) for _, m, r in rows]:
                if mine != reference:
                    differences += 1
                    assert_harness_is_the_better_matching(mine, reference)
        assert {label for label, _ in ours.per_label} == set(theirs["entities"])
    # The difference is real and rare, not a systematic disagreement.
    assert 0 < differences < N_PAIRS // 10


def assert_harness_is_the_better_matching(mine, reference):
    """Same totals; strictly better by (correct, matched) in the documented priority."""
    c, i, p, m, s = mine
    rc, ri, rp, rm, rs = reference
    assert (c + i + p + m, c + i + p + s) == (rc + ri + rp + rm, rc + ri + rp + rs)
    assert (c, c + i + p) > (rc, rc + ri + rp)


def test_nervaluate_type_mode_depends_on_prediction_order_and_the_harness_does_not():
    # A LOC prediction listed first overlaps the PER gold and takes it as
    # "incorrect"; the PER prediction that matches it is then spurious.
    gold = [[{"label": "PER", "start": 0, "end": 3}]]
    loc_first = [[{"label": "LOC", "start": 0, "end": 1}, {"label": "PER", "start": 2, "end": 3}]]
    per_first = [loc_first[0][::-1]]
    tags = ["PER", "LOC"]
    greedy = nervaluate.Evaluator(gold, loc_first, tags=tags, loader="dict").evaluate()
    reordered = nervaluate.Evaluator(gold, per_first, tags=tags, loader="dict").evaluate()
    greedy, reordered = greedy["overall"]["ent_type"], reordered["overall"]["ent_type"]
    assert (greedy.correct, greedy.incorrect, greedy.spurious) == (0, 1, 1)
    assert (reordered.correct, reordered.incorrect, reordered.spurious) == (1, 0, 1)

    ours = [
        count_document([Chunk(0, 4, "PER")], [Chunk(0, 2, "LOC"), Chunk(2, 4, "PER")]).overall.type,
        count_document([Chunk(0, 4, "PER")], [Chunk(2, 4, "PER"), Chunk(0, 2, "LOC")]).overall.type,
    ]
    assert ours[0] == ours[1]
    assert (ours[0].correct, ours[0].incorrect, ours[0].spurious) == (1, 0, 1)
