"""The deterministic judge on clear same / different pairs of a paragraph written for the tests."""

from __future__ import annotations

import pytest
from judging_pairs import (
    GOLD_CLAIMS,
    gold_document,
    location,
    prediction,
    quantity,
    span,
    speaker,
)

from harness.annotations import Claim
from harness.judging.deterministic import (
    DICE_THRESHOLD,
    DeterministicJudge,
    build,
    dice,
    words,
)
from harness.judging.items import item_for
from harness.judging.registry import create_judge

G1, G2, G3 = GOLD_CLAIMS


def judge_pair(predicted: Claim, gold_id: str):
    item = item_for(gold_document(), prediction(predicted), gold_id, 0)
    return DeterministicJudge().judge([item])[0]


def test_prediction_with_framing_words_and_the_same_slots_is_same():
    predicted = Claim(
        "p", span("أعلنت وزارة الصحة في عمّان يوم الأحد تسجيل 120 إصابة جديدة بالحصبة"), "",
        speaker=speaker("وزارة الصحة"), quantity=quantity("120 إصابة", 120, "إصابة"),
    )  # fmt: skip
    judgement = judge_pair(predicted, "g1")
    assert judgement.verdict is True
    assert judgement.label == "same"


def test_prediction_of_another_clause_is_different():
    predicted = Claim("p", span("قال الناطق باسمها سامر الخطيب إن 30 منها في مدينة الزرقاء"), "", speaker=speaker("سامر الخطيب"))
    judgement = judge_pair(predicted, "g1")
    assert judgement.verdict is False
    assert "overlap" in judgement.reason


def test_same_words_with_another_clause_number_is_different():
    predicted = Claim("p", span("تسجيل 120 إصابة جديدة بالحصبة"), "", quantity=quantity("30", 30))
    judgement = judge_pair(predicted, "g1")
    assert judgement.verdict is False
    assert "quantity" in judgement.reason


def test_opinion_credited_to_another_person_is_different():
    predicted = Claim("p", span("حملة التطعيم تأخرت كثيراً"), "", kind="opinion", speaker=speaker("سامر الخطيب"))
    judgement = judge_pair(predicted, "g3")
    assert judgement.verdict is False
    assert "speaker" in judgement.reason


def test_slot_the_prediction_leaves_empty_does_not_make_it_different():
    predicted = Claim("p", span("أن حملة التطعيم تأخرت كثيراً"), "", kind="opinion")
    assert judge_pair(predicted, "g3").verdict is True


def test_place_in_the_same_city_agrees_and_another_city_disagrees():
    same_place = Claim("p", span("30 منها في مدينة الزرقاء"), "", location=location("الزرقاء"))
    other_place = Claim("p", span("30 منها في مدينة الزرقاء"), "", location=location("عمّان"))
    assert judge_pair(same_place, "g2").verdict is True
    assert judge_pair(other_place, "g2").verdict is False


def test_words_fold_arabic_spelling_variants_and_digits():
    assert words("أعلنت الوزارة ١٢٠ إصابة") == words("اعلنت الوزاره 120 اصابه")


def test_dice_by_hand():
    # {a, b, c} and {b, c, d, e}: 2 * 2 / (3 + 4)
    assert dice(frozenset("abc"), frozenset("bcde")) == pytest.approx(4 / 7)
    assert dice(frozenset(), frozenset()) == 0.0


def test_overlap_exactly_at_the_threshold_is_same_and_just_below_is_different():
    # gold: حملة التطعيم تأخرت كثيراً (4 words). "حداد أن حملة التطعيم" shares 2 of its 4 words:
    # 2 * 2 / (4 + 4) = 0.5; one word more ("رامي") gives 2 * 2 / (4 + 5) < 0.5.
    at = Claim("p", span("حداد أن حملة التطعيم"), "", kind="opinion")
    below = Claim("p", span("رامي حداد أن حملة التطعيم"), "", kind="opinion")
    assert dice(words(G3.evidence.text), words(at.evidence.text)) == pytest.approx(DICE_THRESHOLD)
    assert judge_pair(at, "g3").verdict is True
    assert judge_pair(below, "g3").verdict is False


def test_deterministic_judge_takes_no_params_and_is_registered():
    assert isinstance(create_judge("deterministic"), DeterministicJudge)
    with pytest.raises(ValueError, match="fixed"):
        build({"threshold": 0.3})


def test_identity_names_the_rule_and_threshold():
    identity = DeterministicJudge().identity()
    assert identity["judge"] == "deterministic"
    assert identity["dice_threshold"] == DICE_THRESHOLD


def test_context_is_the_sentence_around_the_claims_and_a_decimal_point_does_not_end_it():
    from harness.judging.items import context_around

    text = "جملة أولى. نزح 6.8 مليون شخص داخل البلاد. جملة أخيرة."
    start = text.index("6.8")
    assert context_around(text, start, start + 3) == "نزح 6.8 مليون شخص داخل البلاد."
