"""Claim modes over one alignment: ``evidence`` and the ``strict`` headline, the alignment's priorities, judged modes.

The document is written for these tests. ``evidence`` asks for overlapping
evidence and the gold's number; ``strict`` asks for overlapping evidence and
every slot (speaker, quantity, unit, time, location) to agree, a slot both
sides leave empty agreeing and a slot only one side fills disagreeing.
"""

from __future__ import annotations

import dataclasses

import pytest

from harness.model import Annotations, Claim, Document, GoldDocument, Location, Prediction, Quantity, Span, Speaker, TimeRef
from harness.scoring.claims import CLAIM_MODES, align_document, evidence_match, similarity, strict_match
from harness.scoring.counts import MatchCounts

TEXT = (
    "قال الوزير فادي سليمان إن 300 عائلة عادت إلى حمص في نيسان 2021 بعد سنوات من النزوح. "
    "وقال المحافظ كريم العلي إن المدارس ستفتح قريبا. "
    "وأكد المدير رامي حداد أن 40 مدرسة فتحت أبوابها وأن الدروس بدأت في الصباح."
)


def at(part: str, occurrence: int = 0) -> dict:
    start = -1
    for _ in range(occurrence + 1):
        start = TEXT.index(part, start + 1)
    return {"start": start, "end": start + len(part), "text": part}


def speaker(name: str) -> Speaker:
    return Speaker(**at(name))


RETURNS = Claim(
    "g-returns",
    Span(**at("300 عائلة عادت إلى حمص في نيسان 2021")),
    "families returned",
    speaker=speaker("فادي سليمان"),
    quantity=Quantity(300.0, "families", False, **at("300 عائلة")),
    time=TimeRef("2021-04", **at("نيسان 2021")),
    location=Location(**at("حمص")),
)
SCHOOLS = Claim("g-schools", Span(**at("المدارس ستفتح قريبا")), "schools will open", speaker=speaker("كريم العلي"))


def document(*claims: Claim) -> GoldDocument:
    return GoldDocument(Document("doc-m", TEXT), Annotations("doc-m", claims=claims))


def align(gold: tuple[Claim, ...], *predicted: Claim):
    return align_document(document(*gold), Prediction("doc-m", Annotations("doc-m", claims=predicted)))


def modes(alignment) -> dict[str, MatchCounts]:
    counts = alignment.counts()
    return {mode: counts.part(mode) for mode in CLAIM_MODES}


def as_prediction(claim: Claim, **changes) -> Claim:
    return dataclasses.replace(claim, id="p-" + claim.id, **changes)


# --- the strict mode ------------------------------------------------------------------


def test_right_words_with_the_wrong_speaker_are_correct_in_evidence_and_incorrect_in_strict():
    wrong_speaker = as_prediction(RETURNS, speaker=speaker("كريم العلي"))
    alignment = align((RETURNS,), wrong_speaker)
    (pair,) = alignment.pairs
    assert pair.verdicts == (("evidence", True), ("strict", False))
    assert modes(alignment) == {"evidence": MatchCounts(correct=1), "strict": MatchCounts(incorrect=1)}
    assert alignment.counts().part("slot.speaker") == MatchCounts(incorrect=1)
    # Every other slot agrees: the speaker alone decides the strict verdict.
    assert [slot for slot, outcome in pair.slots if outcome != "correct"] == ["speaker"]


def test_a_slot_both_claims_leave_empty_agrees_in_strict():
    same_speaker_only = as_prediction(SCHOOLS)
    alignment = align((SCHOOLS,), same_speaker_only)
    (pair,) = alignment.pairs
    assert dict(pair.slots) == {"speaker": "correct", "quantity": "absent", "unit": "absent", "time": "absent", "location": "absent"}
    assert modes(alignment) == {"evidence": MatchCounts(correct=1), "strict": MatchCounts(correct=1)}
    # Empty on both sides is not scored as a slot at all.
    for slot in ("quantity", "unit", "time", "location"):
        assert alignment.counts().part(f"slot.{slot}") == MatchCounts()


@pytest.mark.parametrize(
    ("gold", "predicted", "slot", "outcome"),
    [
        (SCHOOLS, as_prediction(SCHOOLS, location=Location(**at("حمص"))), "location", MatchCounts(spurious=1)),
        (RETURNS, as_prediction(RETURNS, time=None), "time", MatchCounts(missed=1)),
        (SCHOOLS, as_prediction(SCHOOLS, speaker=None), "speaker", MatchCounts(missed=1)),
    ],
    ids=["prediction adds a location the gold lacks", "prediction leaves out the gold's time", "prediction leaves out the speaker"],
)
def test_a_slot_only_one_side_fills_fails_strict(gold, predicted, slot, outcome):
    alignment = align((gold,), predicted)
    assert modes(alignment) == {"evidence": MatchCounts(correct=1), "strict": MatchCounts(incorrect=1)}
    assert alignment.counts().part(f"slot.{slot}") == outcome


# --- what the alignment maximises -----------------------------------------------------

WHOLE = Claim(
    "g-whole",
    Span(**at("40 مدرسة فتحت أبوابها وأن الدروس بدأت في الصباح")),
    "schools opened and lessons began",
    speaker=speaker("رامي حداد"),
    quantity=Quantity(40.0, "schools", False, **at("40 مدرسة")),
)
LESSONS = Claim("g-lessons", Span(**at("الدروس بدأت في الصباح")), "lessons began")


def test_the_alignment_prefers_evidence_matches_over_strict_matches():
    exact_copy = as_prediction(WHOLE)  # strict with g-whole; an evidence match of g-lessons too (it has no number)
    first_half = Claim("p-half", Span(**at("40 مدرسة فتحت أبوابها")), "schools opened", quantity=WHOLE.quantity)  # no speaker
    assert strict_match(WHOLE, exact_copy, {}) and evidence_match(LESSONS, exact_copy) and not strict_match(LESSONS, exact_copy, {})
    assert evidence_match(WHOLE, first_half) and not strict_match(WHOLE, first_half, {})
    assert not evidence_match(LESSONS, first_half)  # no shared character
    alignment = align((WHOLE, LESSONS), exact_copy, first_half)
    # Two evidence matches beat one evidence match that is also strict.
    assert sorted((p.gold_id, p.predicted_id) for p in alignment.pairs) == [("g-lessons", "p-g-whole"), ("g-whole", "p-half")]
    assert modes(alignment) == {"evidence": MatchCounts(correct=2), "strict": MatchCounts(incorrect=2)}


def test_the_alignment_prefers_strict_matches_over_higher_similarity():
    whole_sentence = dataclasses.replace(
        RETURNS, id="g-sentence", evidence=Span(**at("300 عائلة عادت إلى حمص في نيسان 2021 بعد سنوات من النزوح")), location=None
    )
    no_location = as_prediction(RETURNS, location=None)
    # RETURNS shares the prediction's exact evidence but fills a location the prediction lacks;
    # the longer gold claim agrees on every slot.
    assert similarity(RETURNS, no_location, {}) > similarity(whole_sentence, no_location, {})
    assert strict_match(whole_sentence, no_location, {}) and not strict_match(RETURNS, no_location, {})
    alignment = align((RETURNS, whole_sentence), no_location)
    assert [(p.gold_id, p.verdict("strict")) for p in alignment.pairs] == [("g-sentence", True)]
    assert [c.id for c in alignment.missed] == ["g-returns"]
    assert modes(alignment) == {"evidence": MatchCounts(correct=1, missed=1), "strict": MatchCounts(correct=1, missed=1)}


# --- a judged mode on the same pairs ---------------------------------------------------


def test_with_verdicts_adds_a_mode_scored_on_the_same_pairs():
    stray = Claim("p-stray", Span(**at("بعد سنوات من النزوح")), "displacement")
    alignment = align((RETURNS, SCHOOLS, WHOLE), as_prediction(RETURNS), as_prediction(SCHOOLS, speaker=None), stray)
    keys = [(p.gold_id, p.predicted_index) for p in alignment.pairs]
    assert keys == [("g-returns", 0), ("g-schools", 1)]
    judged = alignment.with_verdicts("content", {("g-returns", 0): False, ("g-schools", 1): True})
    assert judged.modes == (*CLAIM_MODES, "content")
    assert [(p.gold_id, p.predicted_index) for p in judged.pairs] == keys
    assert [p.verdict("content") for p in judged.pairs] == [False, True]
    before, after = alignment.counts(), judged.counts()
    assert after.part("content") == MatchCounts(correct=1, incorrect=1, missed=1, spurious=1)
    strict = after.part("strict")
    assert (strict.missed, strict.spurious) == (after.part("content").missed, after.part("content").spurious)
    # The modes judged before are untouched, and so are the slots.
    for part in (*CLAIM_MODES, "strict.fact", "slot.speaker", "slot.quantity"):
        assert after.part(part) == before.part(part), part
    # Judging the mode again replaces its verdicts; it does not add a second one.
    again = judged.with_verdicts("content", {("g-returns", 0): True, ("g-schools", 1): True})
    assert again.modes == judged.modes and again.counts().part("content").correct == 2
    assert [dict(p.verdicts) for p in again.pairs] == [
        {"evidence": True, "strict": True, "content": True},
        {"evidence": True, "strict": False, "content": True},
    ]


def test_with_verdicts_refuses_a_pair_left_unjudged():
    alignment = align((RETURNS, SCHOOLS), as_prediction(RETURNS), as_prediction(SCHOOLS))
    with pytest.raises(ValueError, match=r"doc-m: no content verdict for pairs \[\('g-schools', 1\)\]"):
        alignment.with_verdicts("content", {("g-returns", 0): True})
