"""Dates and quantities as the rule extractor emits them: entities and claim slots.

The grammar itself is tested in ``tests/text``; here, how the extractor uses
it: counted nouns in no table are quantities, a duration or a clock time is a
DATE and not a QUANTITY, a vague amount gives no claim quantity, and relative
dates resolve against the article's latest full date. Sentences written for
these tests.
"""

from __future__ import annotations

import pytest

from harness.annotations import Document
from harness.extractors.rules.extractor import RulesExtractor


@pytest.fixture(scope="module")
def extractor() -> RulesExtractor:
    return RulesExtractor({})


def predict(extractor: RulesExtractor, text: str):
    return extractor.extract([Document("t", text)])[0].annotations


def spans(annotations, label: str) -> list[str]:
    return [e.text for e in annotations.entities if e.label == label]


def test_a_noun_in_no_table_is_counted(extractor):
    annotations = predict(extractor, "وزعت البلدية 350 شتلة على المزارعين.")
    assert spans(annotations, "QUANTITY") == ["350 شتلة"]


def test_durations_in_hours_and_clock_times_are_dates_not_quantities(extractor):
    annotations = predict(extractor, "بقي الطريق مغلقاً 48 ساعة حتى الساعة السادسة صباحاً.")
    assert spans(annotations, "DATE") == ["48 ساعة", "الساعة السادسة صباحاً"]
    assert spans(annotations, "QUANTITY") == []


def test_a_vague_amount_is_a_quantity_entity_but_no_claim_quantity(extractor):
    annotations = predict(extractor, "نزح الآلاف من القرى الحدودية خلال الأسبوع الماضي.")
    assert spans(annotations, "QUANTITY") == ["الآلاف"]
    assert all(claim.quantity is None for claim in annotations.claims)


def test_a_range_gives_the_lower_bound_as_an_approximate_claim_quantity(extractor):
    annotations = predict(extractor, "أعلنت الشرطة اعتقال بين 30 و40 مشتبهاً.")
    [claim] = [c for c in annotations.claims if c.quantity is not None]
    assert (claim.quantity.value, claim.quantity.approx, claim.quantity.text) == (30, True, "30 و40 مشتبهاً")


def test_relative_times_of_day_resolve_against_the_dateline(extractor):
    text = "عمّان، الخميس 6 حزيران/يونيو 2024 – أعلنت الشرطة مساء أمس ضبط شحنة مخدرات."
    annotations = predict(extractor, text)
    dates = {e.text: e for e in annotations.entities if e.label == "DATE"}
    assert set(dates) == {"الخميس 6 حزيران/يونيو 2024", "مساء أمس"}
    [claim] = [c for c in annotations.claims if c.time is not None and c.time.text == "مساء أمس"]
    assert claim.time.value == "2024-06-05"
