"""Claim scoring scenarios (harness/scoring/claims.py).

The document below is written for these tests; its second sentence is a real
phrase of seed 003 (the area with its miles form).
"""

from __future__ import annotations

import dataclasses
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.model import (
    Annotations,
    Claim,
    Document,
    Entity,
    GoldDocument,
    Location,
    Prediction,
    Quantity,
    QuantityForm,
    Speaker,
    Span,
    TimeRef,
)
from harness.scoring.claims import (
    MIN_SIMILARITY,
    NO_PREDICTION,
    QUANTITY_TOLERANCE,
    SCORED_SLOTS,
    ClaimCounts,
    ClaimScores,
    claim_f1,
    count_matrix,
    score_claims,
    score_document,
    similarity,
)
from harness.scoring.counts import MatchCounts
from harness.stats import bootstrap_interval, bootstrap_interval_counts

TEXT = (
    "قال الجنرال بول لاكاميرا إن القوات حررت المدينة في سوريا. "
    "إستطاعت قوات التحالف تحرير حوالي 110,000 كيلومتر مربع (42,471 ميل مربع) من الأراضي. "
    "وأضاف لاكاميرا أن نسبة البطالة بلغت 5% في آذار 2019. "
    "ورأى المحلل أحمد الأسعد أن هذه الجهود لا تؤتي ثمارها. "
    "وكرر احمد الاسعد موقفه أمس. "
    "وذكر التقرير أن القوات حررت ١١٠٬٠٠٠ كيلومتر مربع."
)


def at(part: str, occurrence: int = 0, text: str = TEXT) -> dict:
    """``start``/``end``/``text`` of the n-th occurrence of ``part`` in the text, as keywords."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return {"start": start, "end": start + len(part), "text": part}


ENTITIES = (
    Entity("e1", "PER", **at("بول لاكاميرا")),
    Entity("e2", "LOC", **at("سوريا")),
    Entity("e3", "PER", **at("لاكاميرا", 1)),
    Entity("e4", "PER", **at("أحمد الأسعد")),
)

GOLD_CLAIMS = (
    Claim(
        "c1",
        Span(**at("القوات حررت المدينة في سوريا")),
        "the forces freed the city",
        speaker=Speaker(**at("بول لاكاميرا"), entity="e1", aliases=("لاكاميرا",)),
        location=Location(**at("سوريا"), entity="e2"),
    ),
    Claim(
        "c2",
        Span(**at("تحرير حوالي 110,000 كيلومتر مربع (42,471 ميل مربع) من الأراضي")),
        "area freed",
        quantity=Quantity(
            110000.0,
            "km2",
            True,
            **at("110,000 كيلومتر مربع"),
            alternatives=(QuantityForm(42471.0, "mi2", **at("42,471 ميل مربع")),),
        ),
    ),
    Claim(
        "c3",
        Span(**at("نسبة البطالة بلغت 5% في آذار 2019")),
        "unemployment rate",
        speaker=Speaker(**at("لاكاميرا", 1), entity="e3", aliases=("بول لاكاميرا",)),
        quantity=Quantity(5.0, "percent", False, **at("5%")),
        time=TimeRef("2019-03", **at("آذار 2019")),
    ),
    Claim(
        "c4",
        Span(**at("هذه الجهود لا تؤتي ثمارها")),
        "the efforts fail",
        kind="opinion",
        speaker=Speaker(**at("أحمد الأسعد"), entity="e4"),
    ),
)

GOLD = GoldDocument(Document("doc-1", TEXT), Annotations("doc-1", ENTITIES, GOLD_CLAIMS))


def gold_claim(claim_id: str) -> Claim:
    return next(c for c in GOLD_CLAIMS if c.id == claim_id)


def as_prediction(claim: Claim, **changes) -> Claim:
    """A predicted copy of a gold claim: own id, no aliases or entity links, with changes."""
    speaker = claim.speaker
    if speaker is not None:
        speaker = Speaker(speaker.text, speaker.start, speaker.end)
    changes = {"id": "p-" + claim.id, "speaker": speaker, **changes}
    return dataclasses.replace(claim, **changes)


def predict(*claims: Claim, doc_id: str = "doc-1") -> Prediction:
    return Prediction(doc_id, Annotations(doc_id, claims=tuple(claims)))


def perfect() -> list[Claim]:
    return [as_prediction(c) for c in GOLD_CLAIMS]


def score(*claims: Claim) -> ClaimScores:
    return score_claims([GOLD], [predict(*claims)])


def score_one(gold_id: str, predicted: Claim) -> ClaimScores:
    """Score one prediction against a document whose gold is only the claim ``gold_id``."""
    doc = GoldDocument(GOLD.document, Annotations("doc-1", ENTITIES, (gold_claim(gold_id),)))
    return score_claims([doc], [predict(predicted)])


def slot_counts(scores: ClaimScores, slot: str) -> MatchCounts:
    return scores.counts.part(slot)


# --- the required scenarios -------------------------------------------------------


def test_perfect_prediction_is_correct_on_every_claim_and_slot():
    scores = score(*perfect())
    assert scores.counts.claims == MatchCounts(correct=4)
    assert (scores.claims.precision, scores.claims.recall, scores.claims.f1) == (1.0, 1.0, 1.0)
    for slot in SCORED_SLOTS:
        counts = slot_counts(scores, slot)
        assert counts.correct > 0 and counts.correct == counts.possible == counts.actual, slot
    assert scores.failures == () and scores.grounding.grounded


def test_missed_claim_lowers_recall_and_keeps_precision():
    scores = score(*perfect()[:3])
    assert scores.counts.claims == MatchCounts(correct=3, missed=1)
    assert scores.claims.precision == 1.0
    assert scores.claims.recall == 3 / 4
    assert scores.documents[0].missed == ("c4",)
    assert slot_counts(scores, "speaker") == MatchCounts(correct=2, missed=1)


def test_spurious_claim_lowers_precision_and_keeps_recall():
    extra = Claim("p-extra", Span(**at("وكرر احمد الاسعد موقفه أمس")), "repeats", speaker=Speaker(**at("احمد الاسعد")))
    scores = score(*perfect(), extra)
    assert scores.counts.claims == MatchCounts(correct=4, spurious=1)
    assert scores.claims.recall == 1.0
    assert scores.claims.precision == 4 / 5
    assert scores.documents[0].spurious == ("p-extra",)
    assert slot_counts(scores, "speaker") == MatchCounts(correct=3, spurious=1)


def test_wrong_quantity_is_an_incorrect_claim_and_an_incorrect_value():
    c3 = gold_claim("c3")
    wrong = as_prediction(c3, quantity=dataclasses.replace(c3.quantity, value=6.0))
    scores = score(*perfect()[:2], wrong, perfect()[3])
    assert scores.counts.claims == MatchCounts(correct=3, incorrect=1)
    assert slot_counts(scores, "quantity") == MatchCounts(correct=1, incorrect=1)
    assert slot_counts(scores, "unit") == MatchCounts(correct=2)  # the unit is still percent
    pair = next(p for p in scores.documents[0].pairs if p.gold_id == "c3")
    assert pair.predicted_id == "p-c3" and not pair.correct


def test_five_percent_never_equals_six_percent():
    text = "بلغت نسبة البطالة 5% وفق الحكومة و6% وفق النقابة."
    evidence = Span(**at("بلغت نسبة البطالة 5% وفق الحكومة و6% وفق النقابة", text=text))
    gold = Claim("g", evidence, "rate", quantity=Quantity(5.0, "percent", False, **at("5%", text=text)))
    six = Claim("p", evidence, "rate", quantity=Quantity(6.0, "percent", False, **at("6%", text=text)))
    doc = GoldDocument(Document("doc-1", text), Annotations("doc-1", claims=(gold,)))
    result = score_document(doc, predict(six))
    assert result.counts.claims == MatchCounts(incorrect=1)
    assert result.counts.quantity == MatchCounts(incorrect=1)
    assert abs(6.0 - 5.0) > QUANTITY_TOLERANCE * 5.0


@pytest.mark.parametrize(
    ("value", "correct"),
    [(110000.0, True), (110400.0, True), (109600.0, True), (110600.0, False), (42471.0, True), (42000.0, False)],
)
def test_quantity_value_matches_within_the_relative_tolerance_or_an_alternative_form(value, correct):
    c2 = gold_claim("c2")
    predicted = as_prediction(c2, quantity=dataclasses.replace(c2.quantity, value=value, alternatives=()))
    assert score_one("c2", predicted).counts.claims == (MatchCounts(correct=1) if correct else MatchCounts(incorrect=1))


def test_right_quantity_with_a_different_unit_spelling():
    c2 = gold_claim("c2")
    arabic_unit = as_prediction(c2, quantity=dataclasses.replace(c2.quantity, unit="كيلومتر مربع", alternatives=()))
    scores = score_one("c2", arabic_unit)
    assert scores.counts.claims.correct == 1
    assert slot_counts(scores, "unit") == MatchCounts(correct=1)


def test_the_unit_of_an_alternative_form_is_right_for_its_value():
    c2 = gold_claim("c2")
    miles = dataclasses.replace(c2.quantity, value=42471.0, unit="ميل مربع", alternatives=(), **at("42,471 ميل مربع"))
    assert slot_counts(score_one("c2", as_prediction(c2, quantity=miles)), "unit") == MatchCounts(correct=1)
    km_value_mile_unit = dataclasses.replace(c2.quantity, unit="mi2", alternatives=())
    assert slot_counts(score_one("c2", as_prediction(c2, quantity=km_value_mile_unit)), "unit") == MatchCounts(incorrect=1)


@pytest.mark.parametrize("how", ["value as text", "value missing"])
def test_arabic_indic_digits_parse_to_the_same_value(how):
    evidence = Span(**at("القوات حررت ١١٠٬٠٠٠ كيلومتر مربع"))
    gold = Claim("g", evidence, "area", quantity=Quantity(110000.0, "km2", False, **at("١١٠٬٠٠٠ كيلومتر مربع")))
    value = "١١٠٬٠٠٠" if how == "value as text" else math.nan
    predicted = Claim("p", evidence, "area", quantity=Quantity(value, "كيلومتر مربع", False, **at("١١٠٬٠٠٠")))
    doc = GoldDocument(Document("doc-1", TEXT), Annotations("doc-1", claims=(gold,)))
    result = score_document(doc, predict(predicted))
    assert result.counts.claims == MatchCounts(correct=1)
    assert result.counts.quantity == MatchCounts(correct=1)
    assert result.counts.unit == MatchCounts(correct=1)


@pytest.mark.parametrize(
    ("where", "case"),
    [
        (at("لاكاميرا", 0), "surname inside the gold mention"),
        (at("لاكاميرا", 1), "surname elsewhere, listed in the aliases"),
        (at("الجنرال بول لاكاميرا"), "longer span over the gold mention"),
    ],
)
def test_speaker_name_written_differently_still_agrees(where, case):
    predicted = as_prediction(gold_claim("c1"), speaker=Speaker(**where))
    assert slot_counts(score_one("c1", predicted), "speaker") == MatchCounts(correct=1), case


def test_speaker_with_hamza_variant_agrees_after_normalisation():
    predicted = as_prediction(gold_claim("c4"), speaker=Speaker(**at("احمد الاسعد")))
    assert slot_counts(score_one("c4", predicted), "speaker") == MatchCounts(correct=1)


def test_surname_elsewhere_without_an_alias_does_not_agree():
    c1 = gold_claim("c1")
    no_aliases = dataclasses.replace(c1, speaker=dataclasses.replace(c1.speaker, aliases=()))
    doc = GoldDocument(GOLD.document, Annotations("doc-1", ENTITIES, (no_aliases,)))
    surname_elsewhere = as_prediction(c1, speaker=Speaker(**at("لاكاميرا", 1)))
    assert score_document(doc, predict(surname_elsewhere)).counts.speaker == MatchCounts(incorrect=1)


def test_a_different_person_as_speaker_does_not_agree():
    other_person = as_prediction(gold_claim("c4"), speaker=Speaker(**at("لاكاميرا", 1)))
    assert slot_counts(score_one("c4", other_person), "speaker") == MatchCounts(incorrect=1)


def test_shuffled_claim_order_gives_the_same_scores():
    predicted = perfect()
    c3 = gold_claim("c3")
    predicted[2] = as_prediction(c3, quantity=dataclasses.replace(c3.quantity, value=6.0))
    twin = dataclasses.replace(predicted[2], id="p-twin", quantity=c3.quantity)  # competes for c3
    predicted.append(twin)
    reference = score(*predicted).counts
    rng = random.Random(7)
    for _ in range(10):
        gold_order = list(GOLD_CLAIMS)
        rng.shuffle(gold_order)
        rng.shuffle(predicted)
        doc = GoldDocument(GOLD.document, Annotations("doc-1", ENTITIES, tuple(gold_order)))
        assert score_document(doc, predict(*predicted)).counts == reference
    assert reference.claims == MatchCounts(correct=4, spurious=1)


def test_kinds_are_reported_apart():
    c4_as_fact = as_prediction(gold_claim("c4"), kind="fact")  # aligned: counted as the gold's opinion
    stray_opinion = Claim("p-stray", Span(**at("وكرر احمد الاسعد موقفه أمس")), "repeats", kind="opinion")
    scores = score(*perfect()[:2], c4_as_fact, stray_opinion)
    assert scores.kinds_distinguished
    assert scores.counts.facts == MatchCounts(correct=2, missed=1)
    assert scores.counts.opinions == MatchCounts(correct=1, spurious=1)
    assert scores.counts.claims == MatchCounts(correct=3, missed=1, spurious=1)
    assert scores.facts.recall == 2 / 3 and scores.facts.precision == 1.0
    assert scores.opinions.precision == 1 / 2 and scores.opinions.recall == 1.0


def test_gold_of_one_kind_is_not_reported_as_distinguished():
    facts_only = GoldDocument(GOLD.document, Annotations("doc-1", ENTITIES, GOLD_CLAIMS[:3]))
    scores = score_claims([facts_only], [predict(*perfect()[:3])])
    assert not scores.kinds_distinguished
    assert scores.counts.opinions == MatchCounts()


def test_failed_document_scores_its_gold_as_missed_with_the_reason():
    failed = Prediction("doc-1", Annotations("doc-1"), error="LLM output is not JSON")
    scores = score_claims([GOLD], [failed])
    assert scores.counts.claims == MatchCounts(missed=4)
    assert scores.counts.failed_documents == 1
    assert scores.failures == (("doc-1", "LLM output is not JSON"),)
    values = [scores.claims.precision, scores.claims.recall, scores.claims.f1, scores.facts.f1, scores.opinions.f1]
    values += [prf.f1 for prf in scores.slots.values()]
    assert values == [0.0] * len(values)  # zeros, never NaN
    assert scores.counts.speaker.missed == 3


def test_document_without_a_prediction_is_a_failure_not_a_crash():
    other = GoldDocument(Document("doc-2", "نص قصير."), Annotations("doc-2"))
    scores = score_claims([GOLD, other], [predict(doc_id="doc-2")])
    assert scores.failures == (("doc-1", NO_PREDICTION),)
    assert scores.counts.claims.missed == 4


def test_ungrounded_prediction_is_spurious_and_reported():
    c1 = gold_claim("c1")
    shifted = Span(c1.evidence.start + 2, c1.evidence.end + 2, c1.evidence.text)
    scores = score(as_prediction(c1, evidence=shifted), *perfect()[1:])
    doc = scores.documents[0]
    assert scores.counts.claims == MatchCounts(correct=3, missed=1, spurious=1)
    assert scores.counts.ungrounded == 1
    (problem,) = doc.grounding.problems
    assert (problem.doc_id, problem.item_id, problem.field) == ("doc-1", "p-c1", "evidence")
    assert slot_counts(scores, "location") == MatchCounts(missed=1, spurious=1)


def test_partial_time_value_does_not_equal_a_full_date():
    c3 = gold_claim("c3")
    full_date = as_prediction(c3, time=dataclasses.replace(c3.time, value="2019-03-23"))
    scores = score_one("c3", full_date)
    assert slot_counts(scores, "time") == MatchCounts(incorrect=1)
    assert scores.counts.claims.correct == 1  # the headline does not look at the time


def test_evidence_that_does_not_overlap_is_never_aligned():
    c4 = gold_claim("c4")
    elsewhere = as_prediction(c4, evidence=Span(**at("وكرر احمد الاسعد موقفه أمس")))
    assert similarity(c4, elsewhere, {}) == 0.0 < MIN_SIMILARITY
    result = score_one("c4", elsewhere).documents[0]
    assert result.pairs == () and result.spurious == ("p-c4",)


def test_alignment_prefers_the_gold_claim_whose_quantity_matches():
    evidence = Span(**at("حوالي 110,000 كيلومتر مربع (42,471 ميل مربع)"))
    km = Claim("g-km", evidence, "km", quantity=Quantity(110000.0, "km2", True, **at("110,000 كيلومتر مربع")))
    mi = Claim("g-mi", evidence, "mi", quantity=Quantity(42471.0, "mi2", True, **at("42,471 ميل مربع")))
    doc = GoldDocument(GOLD.document, Annotations("doc-1", claims=(km, mi)))
    # Same evidence and unit text as g-km, but the value of g-mi.
    predicted = Claim("p", evidence, "x", quantity=Quantity(42471.0, "km2", True, **at("110,000 كيلومتر مربع")))
    result = score_document(doc, predict(predicted))
    assert [(p.gold_id, p.correct) for p in result.pairs] == [("g-mi", True)]


# --- counts that add up, and what the bootstrap needs -----------------------------


def test_per_document_counts_add_up_to_the_corpus_counts():
    other_text = "وقال الوزير إن 7 أشخاص قتلوا."
    other_claim = Claim("o1", Span(**at("7 أشخاص قتلوا", text=other_text)), "deaths")
    other = GoldDocument(Document("doc-2", other_text), Annotations("doc-2", claims=(other_claim,)))
    scores = score_claims([GOLD, other], [predict(*perfect()[:2]), predict(doc_id="doc-2")])
    per_doc = [d.counts for d in scores.documents]
    assert sum(per_doc, ClaimCounts()) == scores.counts
    assert scores.counts.documents == 2
    matrix = count_matrix(per_doc)
    assert matrix.shape == (2, 3)
    tp, fp, fn = matrix.sum(axis=0)
    assert (tp, fp, fn) == (2, 0, 3)
    assert claim_f1(per_doc) == scores.claims.f1
    fast = bootstrap_interval_counts(matrix, resamples=200)
    generic = bootstrap_interval(per_doc, claim_f1, resamples=200)
    assert fast.estimate == pytest.approx(scores.claims.f1)
    assert (fast.low, fast.high) == pytest.approx((generic.low, generic.high))


def test_count_matrix_reads_kinds_and_slots():
    per_doc = [d.counts for d in score(*perfect()[:3]).documents]
    assert count_matrix(per_doc, "opinion").tolist() == [[0, 0, 1]]
    assert count_matrix(per_doc, "speaker").tolist() == [[2, 0, 1]]
    with pytest.raises(ValueError, match="unknown part"):
        count_matrix(per_doc, "predicate")


def test_two_predictions_for_one_document_are_refused():
    with pytest.raises(ValueError, match="doc-1"):
        score_claims([GOLD], [predict(), predict()])


def test_predictions_for_an_unknown_document_are_refused():
    with pytest.raises(ValueError, match="doc-9"):
        score_claims([GOLD], [predict(), predict(doc_id="doc-9")])


# --- properties over random prediction sets ---------------------------------------


def _prediction_pool() -> list[Claim]:
    c3 = gold_claim("c3")
    c1 = gold_claim("c1")
    return [
        *perfect(),
        as_prediction(c3, id="p-wrong", quantity=dataclasses.replace(c3.quantity, value=6.0)),
        Claim("p-extra", Span(**at("وكرر احمد الاسعد موقفه أمس")), "repeats", kind="opinion"),
        as_prediction(c1, id="p-shifted", evidence=Span(0, 5, c1.evidence.text[:5])),
    ]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=st.data())
def test_any_prediction_set_accounts_for_every_gold_and_predicted_claim_in_any_order(data):
    pool = _prediction_pool()
    chosen = data.draw(st.lists(st.sampled_from(pool), max_size=len(pool), unique_by=lambda c: c.id))
    counts = score(*chosen).counts
    assert counts.claims.possible == len(GOLD_CLAIMS)
    assert counts.claims.actual == len(chosen)
    assert counts.facts.possible + counts.opinions.possible == len(GOLD_CLAIMS)
    assert counts.claims.correct <= min(len(GOLD_CLAIMS), len(chosen))
    shuffled = data.draw(st.permutations(chosen))
    assert score(*shuffled).counts == counts
