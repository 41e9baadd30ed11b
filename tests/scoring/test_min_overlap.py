"""The minimum overlap ratio (``min_overlap``, IoU): for claim evidence and for entity partial / type matches.

A pair whose spans share less than the ratio of their union is not a pair: the
gold item is missed and the prediction spurious. At exactly the ratio it
matches. 0 (the default) means any shared character. The text is written for
these tests.
"""

from __future__ import annotations

import pytest

from harness.annotations import (
    Annotations,
    Claim,
    Document,
    Entity,
    GoldDocument,
    Prediction,
    Span,
)
from harness.scoring.claims import CLAIM_MODES, align_document, evidence_iou
from harness.scoring.counts import MatchCounts
from harness.scoring.document import score_document
from harness.scoring.entities import (
    MODES,
    align_entities,
    count_document,
    overlap_ratio,
)
from harness.scoring.results import DECLARED
from harness.scoring.settings import ScoringSettings

TEXT = "وقال المحافظ كريم العلي إن المدارس ستفتح أبوابها قريبا في المدينة."


def at(part: str) -> tuple[int, int, str]:
    start = TEXT.index(part)
    return start, start + len(part), part


GOLD_EVIDENCE = Span(*at("المدارس ستفتح أبوابها قريبا في المدينة"))
# The first half of the gold evidence: IoU exactly 0.5.
HALF = len(GOLD_EVIDENCE.text) // 2
HALF_EVIDENCE = Span(GOLD_EVIDENCE.start, GOLD_EVIDENCE.start + HALF, GOLD_EVIDENCE.text[:HALF])
GOLD_CLAIM = Claim("g1", GOLD_EVIDENCE, "schools will open")
HALF_CLAIM = Claim("p1", HALF_EVIDENCE, "schools will open")

GOLD_NAME = Entity("e1", "PER", *at("كريم العلي"))
SURNAME = Entity("p1", "PER", *at("العلي"))  # 5 of the 10 characters: IoU exactly 0.5


def gold_document() -> GoldDocument:
    return GoldDocument(Document("doc-o", TEXT), Annotations("doc-o", (GOLD_NAME,), (GOLD_CLAIM,)))


def prediction(*, entities=(), claims=()) -> Prediction:
    return Prediction("doc-o", Annotations("doc-o", tuple(entities), tuple(claims)))


def test_the_spans_of_these_scenarios_overlap_by_exactly_one_half():
    assert len(GOLD_EVIDENCE.text) % 2 == 0
    assert evidence_iou(GOLD_CLAIM, HALF_CLAIM) == 0.5
    assert overlap_ratio((GOLD_NAME.start, GOLD_NAME.end), (SURNAME.start, SURNAME.end)) == 0.5


# --- claim evidence ----------------------------------------------------------------------


@pytest.mark.parametrize("min_overlap", [0.0, 0.3, 0.5])
def test_claim_evidence_at_or_above_the_ratio_is_aligned(min_overlap):
    alignment = align_document(gold_document(), prediction(claims=[HALF_CLAIM]), min_overlap)
    assert [(p.gold_id, p.predicted_id) for p in alignment.pairs] == [("g1", "p1")]
    assert {mode: alignment.counts().part(mode) for mode in CLAIM_MODES} == {mode: MatchCounts(correct=1) for mode in CLAIM_MODES}


@pytest.mark.parametrize("min_overlap", [0.51, 0.9])
def test_claim_evidence_below_the_ratio_is_a_miss_and_a_spurious_claim(min_overlap):
    alignment = align_document(gold_document(), prediction(claims=[HALF_CLAIM]), min_overlap)
    assert alignment.pairs == ()
    assert ([c.id for c in alignment.missed], [c.id for c in alignment.spurious]) == (["g1"], ["p1"])
    for mode in CLAIM_MODES:
        assert alignment.counts().part(mode) == MatchCounts(missed=1, spurious=1)


def test_the_run_setting_reaches_the_claims_of_a_scored_document():
    loose = score_document(gold_document(), prediction(claims=[HALF_CLAIM]), ScoringSettings(min_overlap=0.5))
    tight = score_document(gold_document(), prediction(claims=[HALF_CLAIM]), ScoringSettings(min_overlap=0.6))
    assert loose.claims.counts().part("strict") == MatchCounts(correct=1)
    assert tight.claims.counts().part("strict") == MatchCounts(missed=1, spurious=1)


# --- entities -----------------------------------------------------------------------------


def test_an_entity_overlap_at_the_ratio_matches_in_the_partial_and_type_modes():
    counts = count_document([GOLD_NAME], [SURNAME], min_overlap=0.5).overall
    assert counts.partial == MatchCounts(partial=1)
    assert counts.type == MatchCounts(correct=1)
    # Other boundaries: matched, but not correct, in the boundary modes.
    assert counts.strict == counts.exact == MatchCounts(incorrect=1)


def test_an_entity_overlap_below_the_ratio_is_a_miss_and_a_spurious_item_in_every_mode():
    counts = count_document([GOLD_NAME], [SURNAME], min_overlap=0.6).overall
    for mode in MODES:
        assert counts.mode(mode) == MatchCounts(missed=1, spurious=1), mode
    # The per-label rows follow the same rule.
    assert count_document([GOLD_NAME], [SURNAME], min_overlap=0.6).label("PER").type == MatchCounts(missed=1, spurious=1)


def test_a_zero_ratio_means_any_shared_character():
    one_character = Entity("p1", "PER", GOLD_NAME.end - 1, GOLD_NAME.end + 1, TEXT[GOLD_NAME.end - 1 : GOLD_NAME.end + 1])
    assert count_document([GOLD_NAME], [one_character], min_overlap=0.0).overall.type == MatchCounts(correct=1)
    assert count_document([GOLD_NAME], [one_character], min_overlap=0.2).overall.type == MatchCounts(missed=1, spurious=1)


@pytest.mark.parametrize("min_overlap", [0.5, 0.6])
def test_the_alignment_rows_of_every_mode_follow_the_ratio_like_the_counts(min_overlap):
    counts = count_document([GOLD_NAME], [SURNAME], min_overlap=min_overlap).overall
    for mode in MODES:
        rows = align_entities([GOLD_NAME], [SURNAME], mode, min_overlap=min_overlap)
        tally = sum((MatchCounts(**{row.outcome: 1}) for row in rows), MatchCounts())
        assert tally == counts.mode(mode), mode


def test_the_run_setting_reaches_the_entity_scopes_and_stored_rows_of_a_scored_document():
    scored = score_document(gold_document(), prediction(entities=[SURNAME]), ScoringSettings(entity_labels=("PER",), min_overlap=0.6))
    assert scored.scope(DECLARED).overall.type == MatchCounts(missed=1, spurious=1)
    assert [(row.outcome, row.gold, row.predicted) for row in scored.rows("type")] == [("missed", 0, None), ("spurious", None, 0)]
    loose = score_document(gold_document(), prediction(entities=[SURNAME]), ScoringSettings(entity_labels=("PER",), min_overlap=0.5))
    assert [(row.outcome, row.gold, row.predicted) for row in loose.rows("type")] == [("correct", 0, 0)]


@pytest.mark.parametrize("ratio", [-0.1, 1.5])
def test_a_ratio_outside_zero_to_one_is_refused(ratio):
    with pytest.raises(ValueError, match="min_overlap must be between 0 and 1"):
        ScoringSettings(min_overlap=ratio)
