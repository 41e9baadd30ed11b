"""Claim scoring scenarios (harness/scoring/claims.py).

The document below is written for these tests (no sentence of it comes from
the seed articles). Scores are read from the one alignment of a document
(``ClaimAlignment``) in each claim mode: ``evidence`` (evidence overlap and
the number agrees) and ``strict`` (the headline: evidence overlap and every
slot agrees).
"""

from __future__ import annotations

import dataclasses
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.annotations import (
    Annotations,
    Claim,
    Document,
    Entity,
    GoldDocument,
    Location,
    Prediction,
    Quantity,
    QuantityForm,
    Span,
    Speaker,
    TimeRef,
)
from harness.scoring.claims import (
    CLAIM_MODES,
    HEADLINE_CLAIM_MODE,
    MIN_SIMILARITY,
    NO_PREDICTION,
    QUANTITY_TOLERANCE,
    SCORED_SLOTS,
    ClaimAlignment,
    ClaimCounts,
    align_document,
    score_claims,
    similarity,
    total_counts,
)
from harness.scoring.corpus import credit_matrix, f1_of_credit_sums
from harness.scoring.counts import MatchCounts
from harness.scoring.document import score_document
from harness.scoring.settings import ScoringSettings
from harness.stats import bootstrap_interval, bootstrap_interval_counts

TEXT = (
    "قال العقيد سمير الحداد إن فرق الإنقاذ فتحت الطريق الساحلي في اللاذقية. "
    "وأعلنت الوزارة استصلاح نحو 25,900 كيلومتر مربع (10,000 ميل مربع) من الأراضي الزراعية. "
    "وأضاف الحداد أن نسبة البطالة بلغت 5% في آذار 2019. "
    "ورأت الباحثة إيمان الأحمد أن هذه الخطط لن تنجح دون تمويل. "
    "وكررت ايمان الاحمد موقفها أمس. "
    "وذكر البيان أن المشروع يغطي ١١٠٬٠٠٠ كيلومتر مربع."
)


def at(part: str, occurrence: int = 0, text: str = TEXT) -> dict:
    """``start``/``end``/``text`` of the n-th occurrence of ``part`` in the text, as keywords."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return {"start": start, "end": start + len(part), "text": part}


ENTITIES = (
    Entity("e1", "PER", **at("سمير الحداد")),
    Entity("e2", "LOC", **at("اللاذقية")),
    Entity("e3", "PER", **at("الحداد", 1)),
    Entity("e4", "PER", **at("إيمان الأحمد")),
)

GOLD_CLAIMS = (
    Claim(
        "c1",
        Span(**at("فرق الإنقاذ فتحت الطريق الساحلي في اللاذقية")),
        "rescue teams opened the coast road",
        speaker=Speaker(**at("سمير الحداد"), entity="e1", aliases=("الحداد",)),
        location=Location(**at("اللاذقية"), entity="e2"),
    ),
    Claim(
        "c2",
        Span(**at("استصلاح نحو 25,900 كيلومتر مربع (10,000 ميل مربع) من الأراضي الزراعية")),
        "farmland reclaimed",
        quantity=Quantity(
            25900.0,
            "km2",
            True,
            **at("25,900 كيلومتر مربع"),
            alternatives=(QuantityForm(10000.0, "mi2", **at("10,000 ميل مربع")),),
        ),
    ),
    Claim(
        "c3",
        Span(**at("نسبة البطالة بلغت 5% في آذار 2019")),
        "unemployment rate",
        speaker=Speaker(**at("الحداد", 1), entity="e3", aliases=("سمير الحداد",)),
        quantity=Quantity(5.0, "percent", False, **at("5%")),
        time=TimeRef("2019-03", **at("آذار 2019")),
    ),
    Claim(
        "c4",
        Span(**at("هذه الخطط لن تنجح دون تمويل")),
        "the plans will fail without money",
        kind="opinion",
        speaker=Speaker(**at("إيمان الأحمد"), entity="e4"),
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


def score(*claims: Claim) -> ClaimAlignment:
    (alignment,) = score_claims([GOLD], [predict(*claims)])
    return alignment


def score_one(gold_id: str, predicted: Claim) -> ClaimAlignment:
    """Score one prediction against a document whose gold is only the claim ``gold_id``."""
    doc = GoldDocument(GOLD.document, Annotations("doc-1", ENTITIES, (gold_claim(gold_id),)))
    return align_document(doc, predict(predicted))


def modes(alignment: ClaimAlignment) -> dict[str, MatchCounts]:
    """The claim counts of every mode this module judges."""
    counts = alignment.counts()
    return {mode: counts.part(mode) for mode in CLAIM_MODES}


def slot_counts(alignment: ClaimAlignment, slot: str) -> MatchCounts:
    return alignment.counts().part(f"slot.{slot}")


def ids(items) -> list[str]:
    return [item.id for item in items]


# --- the required scenarios -------------------------------------------------------


def test_perfect_prediction_is_correct_on_every_claim_and_slot():
    alignment = score(*perfect())
    counts = alignment.counts()
    assert modes(alignment) == {mode: MatchCounts(correct=4) for mode in CLAIM_MODES}
    prf = counts.part(HEADLINE_CLAIM_MODE).prf()
    assert (prf.precision, prf.recall, prf.f1) == (1.0, 1.0, 1.0)
    for slot in SCORED_SLOTS:
        slot_part = counts.part(f"slot.{slot}")
        assert slot_part.correct > 0 and slot_part.correct == slot_part.possible == slot_part.actual, slot
    assert alignment.failure is None and alignment.ungrounded == () and counts.ungrounded == 0


def test_missed_claim_lowers_recall_and_keeps_precision():
    alignment = score(*perfect()[:3])
    assert modes(alignment) == {mode: MatchCounts(correct=3, missed=1) for mode in CLAIM_MODES}
    prf = alignment.counts().part(HEADLINE_CLAIM_MODE).prf()
    assert prf.precision == 1.0
    assert prf.recall == 3 / 4
    assert ids(alignment.missed) == ["c4"]
    assert slot_counts(alignment, "speaker") == MatchCounts(correct=2, missed=1)


def test_spurious_claim_lowers_precision_and_keeps_recall():
    extra = Claim("p-extra", Span(**at("وكررت ايمان الاحمد موقفها أمس")), "repeats", speaker=Speaker(**at("ايمان الاحمد")))
    alignment = score(*perfect(), extra)
    assert modes(alignment) == {mode: MatchCounts(correct=4, spurious=1) for mode in CLAIM_MODES}
    prf = alignment.counts().part(HEADLINE_CLAIM_MODE).prf()
    assert prf.recall == 1.0
    assert prf.precision == 4 / 5
    assert ids(alignment.spurious) == ["p-extra"]
    assert alignment.spurious[0].predicted_index == 4
    assert slot_counts(alignment, "speaker") == MatchCounts(correct=3, spurious=1)


def test_wrong_quantity_is_an_incorrect_claim_and_an_incorrect_value():
    c3 = gold_claim("c3")
    wrong = as_prediction(c3, quantity=dataclasses.replace(c3.quantity, value=6.0))
    alignment = score(*perfect()[:2], wrong, perfect()[3])
    assert modes(alignment) == {mode: MatchCounts(correct=3, incorrect=1) for mode in CLAIM_MODES}
    assert slot_counts(alignment, "quantity") == MatchCounts(correct=1, incorrect=1)
    assert slot_counts(alignment, "unit") == MatchCounts(correct=2)  # the unit is still percent
    pair = next(p for p in alignment.pairs if p.gold_id == "c3")
    assert (pair.predicted_id, pair.predicted_index) == ("p-c3", 2)
    assert pair.verdicts == (("evidence", False), ("strict", False))


def test_five_percent_never_equals_six_percent():
    text = "بلغت نسبة البطالة 5% وفق الحكومة و6% وفق النقابة."
    evidence = Span(**at("بلغت نسبة البطالة 5% وفق الحكومة و6% وفق النقابة", text=text))
    gold = Claim("g", evidence, "rate", quantity=Quantity(5.0, "percent", False, **at("5%", text=text)))
    six = Claim("p", evidence, "rate", quantity=Quantity(6.0, "percent", False, **at("6%", text=text)))
    doc = GoldDocument(Document("doc-1", text), Annotations("doc-1", claims=(gold,)))
    alignment = align_document(doc, predict(six))
    assert modes(alignment) == {mode: MatchCounts(incorrect=1) for mode in CLAIM_MODES}
    assert slot_counts(alignment, "quantity") == MatchCounts(incorrect=1)
    assert abs(6.0 - 5.0) > QUANTITY_TOLERANCE * 5.0


@pytest.mark.parametrize(
    ("value", "correct"),
    # tolerance 0.5% of 25,900 is 129.5; the miles form 10,000 allows 50
    [(25900.0, True), (26020.0, True), (25780.0, True), (26040.0, False), (10000.0, True), (9900.0, False)],
)
def test_quantity_value_matches_within_the_relative_tolerance_or_an_alternative_form(value, correct):
    c2 = gold_claim("c2")
    predicted = as_prediction(c2, quantity=dataclasses.replace(c2.quantity, value=value, alternatives=()))
    alignment = score_one("c2", predicted)
    assert alignment.counts().part("evidence") == (MatchCounts(correct=1) if correct else MatchCounts(incorrect=1))
    assert slot_counts(alignment, "quantity") == (MatchCounts(correct=1) if correct else MatchCounts(incorrect=1))


def test_right_quantity_with_a_different_unit_spelling():
    c2 = gold_claim("c2")
    arabic_unit = as_prediction(c2, quantity=dataclasses.replace(c2.quantity, unit="كيلومتر مربع", alternatives=()))
    alignment = score_one("c2", arabic_unit)
    assert modes(alignment) == {mode: MatchCounts(correct=1) for mode in CLAIM_MODES}
    assert slot_counts(alignment, "unit") == MatchCounts(correct=1)


def test_the_unit_of_an_alternative_form_is_right_for_its_value():
    c2 = gold_claim("c2")
    miles = dataclasses.replace(c2.quantity, value=10000.0, unit="ميل مربع", alternatives=(), **at("10,000 ميل مربع"))
    assert slot_counts(score_one("c2", as_prediction(c2, quantity=miles)), "unit") == MatchCounts(correct=1)
    km_value_mile_unit = dataclasses.replace(c2.quantity, unit="mi2", alternatives=())
    wrong_unit = score_one("c2", as_prediction(c2, quantity=km_value_mile_unit))
    assert slot_counts(wrong_unit, "unit") == MatchCounts(incorrect=1)
    # The evidence mode checks the number only; the strict mode checks the unit too.
    assert modes(wrong_unit) == {"evidence": MatchCounts(correct=1), "strict": MatchCounts(incorrect=1)}


@pytest.mark.parametrize("how", ["value as text", "value missing"])
def test_arabic_indic_digits_parse_to_the_same_value(how):
    evidence = Span(**at("المشروع يغطي ١١٠٬٠٠٠ كيلومتر مربع"))
    gold = Claim("g", evidence, "area", quantity=Quantity(110000.0, "km2", False, **at("١١٠٬٠٠٠ كيلومتر مربع")))
    value = "١١٠٬٠٠٠" if how == "value as text" else math.nan
    predicted = Claim("p", evidence, "area", quantity=Quantity(value, "كيلومتر مربع", False, **at("١١٠٬٠٠٠")))
    doc = GoldDocument(Document("doc-1", TEXT), Annotations("doc-1", claims=(gold,)))
    alignment = align_document(doc, predict(predicted))
    assert modes(alignment) == {mode: MatchCounts(correct=1) for mode in CLAIM_MODES}
    assert slot_counts(alignment, "quantity") == MatchCounts(correct=1)
    assert slot_counts(alignment, "unit") == MatchCounts(correct=1)


@pytest.mark.parametrize(
    ("where", "case"),
    [
        (at("الحداد", 0), "surname inside the gold mention"),
        (at("الحداد", 1), "surname elsewhere, listed in the aliases"),
        (at("العقيد سمير الحداد"), "longer span over the gold mention"),
    ],
)
def test_speaker_name_written_differently_still_agrees(where, case):
    predicted = as_prediction(gold_claim("c1"), speaker=Speaker(**where))
    alignment = score_one("c1", predicted)
    assert slot_counts(alignment, "speaker") == MatchCounts(correct=1), case
    assert alignment.counts().part("strict") == MatchCounts(correct=1), case


def test_speaker_with_hamza_variant_agrees_after_normalisation():
    predicted = as_prediction(gold_claim("c4"), speaker=Speaker(**at("ايمان الاحمد")))
    alignment = score_one("c4", predicted)
    assert slot_counts(alignment, "speaker") == MatchCounts(correct=1)
    assert alignment.counts().part("strict") == MatchCounts(correct=1)


def test_surname_elsewhere_without_an_alias_does_not_agree():
    c1 = gold_claim("c1")
    no_aliases = dataclasses.replace(c1, speaker=dataclasses.replace(c1.speaker, aliases=()))
    doc = GoldDocument(GOLD.document, Annotations("doc-1", ENTITIES, (no_aliases,)))
    surname_elsewhere = as_prediction(c1, speaker=Speaker(**at("الحداد", 1)))
    alignment = align_document(doc, predict(surname_elsewhere))
    assert slot_counts(alignment, "speaker") == MatchCounts(incorrect=1)
    assert modes(alignment) == {"evidence": MatchCounts(correct=1), "strict": MatchCounts(incorrect=1)}


def test_a_different_person_as_speaker_does_not_agree():
    other_person = as_prediction(gold_claim("c4"), speaker=Speaker(**at("الحداد", 1)))
    assert slot_counts(score_one("c4", other_person), "speaker") == MatchCounts(incorrect=1)


def test_shuffled_claim_order_gives_the_same_scores():
    predicted = perfect()
    c3 = gold_claim("c3")
    predicted[2] = as_prediction(c3, quantity=dataclasses.replace(c3.quantity, value=6.0))
    twin = dataclasses.replace(predicted[2], id="p-twin", quantity=c3.quantity)  # competes for c3
    predicted.append(twin)
    reference = score(*predicted).counts()
    rng = random.Random(7)
    for _ in range(10):
        gold_order = list(GOLD_CLAIMS)
        rng.shuffle(gold_order)
        rng.shuffle(predicted)
        doc = GoldDocument(GOLD.document, Annotations("doc-1", ENTITIES, tuple(gold_order)))
        assert align_document(doc, predict(*predicted)).counts() == reference
    assert {mode: reference.part(mode) for mode in CLAIM_MODES} == {mode: MatchCounts(correct=4, spurious=1) for mode in CLAIM_MODES}


def test_kinds_are_reported_apart():
    c4_as_fact = as_prediction(gold_claim("c4"), kind="fact")  # aligned: counted as the gold's opinion
    stray_opinion = Claim("p-stray", Span(**at("وكررت ايمان الاحمد موقفها أمس")), "repeats", kind="opinion")
    counts = score(*perfect()[:2], c4_as_fact, stray_opinion).counts()
    for mode in CLAIM_MODES:
        facts, opinions = counts.part(f"{mode}.fact"), counts.part(f"{mode}.opinion")
        assert facts == MatchCounts(correct=2, missed=1), mode
        assert opinions == MatchCounts(correct=1, spurious=1), mode
        assert counts.part(mode) == MatchCounts(correct=3, missed=1, spurious=1), mode
        assert facts.prf().recall == 2 / 3 and facts.prf().precision == 1.0
        assert opinions.prf().precision == 1 / 2 and opinions.prf().recall == 1.0


def test_gold_of_one_kind_is_not_reported_as_distinguished():
    facts_only = GoldDocument(GOLD.document, Annotations("doc-1", ENTITIES, GOLD_CLAIMS[:3]))
    (alignment,) = score_claims([facts_only], [predict(*perfect()[:3])])
    counts = alignment.counts()
    for mode in CLAIM_MODES:
        # No opinion in the gold or the predictions: the opinion split counts nothing, the fact split is everything.
        assert counts.part(f"{mode}.opinion") == MatchCounts()
        assert counts.part(f"{mode}.fact") == counts.part(mode) == MatchCounts(correct=3)


def test_failed_document_scores_its_gold_as_missed_with_the_reason():
    failed = Prediction("doc-1", Annotations("doc-1"), error="LLM output is not JSON")
    (alignment,) = score_claims([GOLD], [failed])
    counts = alignment.counts()
    assert modes(alignment) == {mode: MatchCounts(missed=4) for mode in CLAIM_MODES}
    assert counts.failed_documents == 1
    assert alignment.failure == "LLM output is not JSON"
    assert alignment.pairs == () and alignment.spurious == ()
    parts = [*CLAIM_MODES, *(f"{m}.{k}" for m in CLAIM_MODES for k in ("fact", "opinion")), *(f"slot.{s}" for s in SCORED_SLOTS)]
    values = [rate for part in parts for rate in (lambda prf: (prf.precision, prf.recall, prf.f1))(counts.part(part).prf())]
    assert values == [0.0] * len(values)  # zeros, never NaN
    assert counts.part("slot.speaker").missed == 3


def test_document_without_a_prediction_is_a_failure_not_a_crash():
    other = GoldDocument(Document("doc-2", "نص قصير."), Annotations("doc-2"))
    first, second = score_claims([GOLD, other], [predict(doc_id="doc-2")])
    assert (first.failure, second.failure) == (NO_PREDICTION, None)
    assert total_counts([first, second]).part(HEADLINE_CLAIM_MODE).missed == 4
    assert total_counts([first, second]).failed_documents == 1


def test_ungrounded_prediction_is_spurious_and_reported():
    c1 = gold_claim("c1")
    shifted = Span(c1.evidence.start + 2, c1.evidence.end + 2, c1.evidence.text)
    prediction = predict(as_prediction(c1, evidence=shifted), *perfect()[1:])
    (alignment,) = score_claims([GOLD], [prediction])
    counts = alignment.counts()
    assert modes(alignment) == {mode: MatchCounts(correct=3, missed=1, spurious=1) for mode in CLAIM_MODES}
    assert counts.ungrounded == 1
    assert [(c.id, c.predicted_index) for c in alignment.ungrounded] == [("p-c1", 0)]
    assert alignment.spurious == ()
    assert slot_counts(alignment, "location") == MatchCounts(missed=1, spurious=1)
    (problem,) = score_document(GOLD, prediction, ScoringSettings()).ungrounded
    assert (problem.item, problem.index, problem.id, problem.field) == ("claim", 0, "p-c1", "evidence")


def test_partial_time_value_does_not_equal_a_full_date():
    c3 = gold_claim("c3")
    full_date = as_prediction(c3, time=dataclasses.replace(c3.time, value="2019-03-23"))
    alignment = score_one("c3", full_date)
    assert slot_counts(alignment, "time") == MatchCounts(incorrect=1)
    # The evidence mode does not look at the time; the strict headline does.
    assert modes(alignment) == {"evidence": MatchCounts(correct=1), "strict": MatchCounts(incorrect=1)}


def test_evidence_that_does_not_overlap_is_never_aligned():
    c4 = gold_claim("c4")
    elsewhere = as_prediction(c4, evidence=Span(**at("وكررت ايمان الاحمد موقفها أمس")))
    assert similarity(c4, elsewhere, {}) == 0.0 < MIN_SIMILARITY
    alignment = score_one("c4", elsewhere)
    assert alignment.pairs == ()
    assert (ids(alignment.missed), ids(alignment.spurious)) == (["c4"], ["p-c4"])


def test_alignment_prefers_the_gold_claim_whose_quantity_matches():
    evidence = Span(**at("نحو 25,900 كيلومتر مربع (10,000 ميل مربع)"))
    km = Claim("g-km", evidence, "km", quantity=Quantity(25900.0, "km2", True, **at("25,900 كيلومتر مربع")))
    mi = Claim("g-mi", evidence, "mi", quantity=Quantity(10000.0, "mi2", True, **at("10,000 ميل مربع")))
    doc = GoldDocument(GOLD.document, Annotations("doc-1", claims=(km, mi)))
    # Same evidence and unit text as g-km, but the value of g-mi.
    predicted = Claim("p", evidence, "x", quantity=Quantity(10000.0, "km2", True, **at("25,900 كيلومتر مربع")))
    alignment = align_document(doc, predict(predicted))
    assert [(p.gold_id, p.verdict("evidence")) for p in alignment.pairs] == [("g-mi", True)]


# --- counts that add up, and what the bootstrap needs -----------------------------


def test_per_document_counts_add_up_to_the_corpus_counts():
    other_text = "وقال الوزير إن 7 أشخاص قتلوا."
    other_claim = Claim("o1", Span(**at("7 أشخاص قتلوا", text=other_text)), "deaths")
    other = GoldDocument(Document("doc-2", other_text), Annotations("doc-2", claims=(other_claim,)))
    alignments = score_claims([GOLD, other], [predict(*perfect()[:2]), predict(doc_id="doc-2")])
    per_doc = [a.counts() for a in alignments]
    total = total_counts(alignments)
    assert sum(per_doc, ClaimCounts()) == total
    assert total.documents == 2
    headline = [c.part(HEADLINE_CLAIM_MODE) for c in per_doc]
    matrix = credit_matrix(headline, 0.0)  # credit, predicted, gold per document
    assert matrix.tolist() == [[2, 2, 4], [0, 0, 1]]
    f1 = total.part(HEADLINE_CLAIM_MODE).prf().f1
    assert f1 == pytest.approx(4 / 7)
    fast = bootstrap_interval_counts(matrix, f1_of_credit_sums, resamples=200)
    generic = bootstrap_interval(per_doc, lambda docs: sum(docs, ClaimCounts()).part(HEADLINE_CLAIM_MODE).prf().f1, resamples=200)
    assert fast.estimate == pytest.approx(f1) == generic.estimate
    assert (fast.low, fast.high) == pytest.approx((generic.low, generic.high))


def test_claim_counts_read_kinds_and_slots_by_part_name():
    counts = score(*perfect()[:3]).counts()
    assert counts.part("strict.opinion") == MatchCounts(missed=1)
    assert counts.part("strict.fact") == MatchCounts(correct=3)
    assert counts.part("slot.speaker") == MatchCounts(correct=2, missed=1)
    assert {name for name, _ in counts.parts} == {
        *CLAIM_MODES,
        *(f"{m}.{k}" for m in CLAIM_MODES for k in ("fact", "opinion")),
        *(f"slot.{s}" for s in SCORED_SLOTS),
    }


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
        as_prediction(c1, id="p-other-speaker", speaker=Speaker(**at("إيمان الأحمد"))),
        Claim("p-extra", Span(**at("وكررت ايمان الاحمد موقفها أمس")), "repeats", kind="opinion"),
        as_prediction(c1, id="p-shifted", evidence=Span(0, 5, c1.evidence.text[:5])),
    ]


@settings(max_examples=40, deadline=None, derandomize=True)
@given(data=st.data())
def test_any_prediction_set_accounts_for_every_gold_and_predicted_claim_in_any_order(data):
    pool = _prediction_pool()
    chosen = data.draw(st.lists(st.sampled_from(pool), max_size=len(pool), unique_by=lambda c: c.id))
    counts = score(*chosen).counts()
    for mode in CLAIM_MODES:
        assert counts.part(mode).possible == len(GOLD_CLAIMS)
        assert counts.part(mode).actual == len(chosen)
        assert counts.part(f"{mode}.fact").possible + counts.part(f"{mode}.opinion").possible == len(GOLD_CLAIMS)
        assert counts.part(mode).correct <= min(len(GOLD_CLAIMS), len(chosen))
    # Every strict match is an evidence match of the same pair.
    assert counts.part("strict").correct <= counts.part("evidence").correct
    shuffled = data.draw(st.permutations(chosen))
    assert score(*shuffled).counts() == counts


def test_comparing_a_slot_that_one_claim_leaves_empty_is_an_error_naming_both_claims():
    # _agrees compares slots both claims fill; slot_outcome routes an empty one to missed/spurious.
    # Called on an empty quantity it says so, instead of failing on an attribute of None.
    from harness.scoring.claims import _agrees, slot_outcome

    text = "قدّرت البلدية عدد الزوار بنحو 300 ألف زائر هذا الصيف."
    evidence = Span(**at(text[:-1], text=text))
    counted = Claim("g", evidence, "visitors", quantity=Quantity(300000.0, "visitors", True, **at("300 ألف", text=text)))
    uncounted = Claim("p", evidence, "visitors")
    for slot in ("quantity", "unit", "time"):
        with pytest.raises(ValueError, match=r"leaves it empty \(g, p\)"):
            _agrees(counted, uncounted, slot, {})
    assert slot_outcome(counted, uncounted, "quantity", {}) == "missed"
