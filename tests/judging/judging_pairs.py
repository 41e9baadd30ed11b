"""Claim pairs on a short Arabic news paragraph written for these tests.

The paragraph (a measles count in Amman, a spokesman's breakdown, a doctor's
opinion) is invented; it is not taken from the seed articles or the held-out
set. ``make_claim`` builds claims whose spans are found in it, so every claim
is grounded like a real extractor's output.
"""

from __future__ import annotations

from harness.annotations import (
    Annotations,
    Claim,
    Document,
    Entity,
    GoldDocument,
    Location,
    Prediction,
    Quantity,
    Span,
    Speaker,
)

TEXT = (
    "أعلنت وزارة الصحة في عمّان يوم الأحد تسجيل 120 إصابة جديدة بالحصبة، "
    "وقال الناطق باسمها سامر الخطيب إن 30 منها في مدينة الزرقاء. "
    "ورأى الطبيب رامي حداد أن حملة التطعيم تأخرت كثيراً."
)
DOC_ID = "measles_test"


def where(phrase: str, after: int = 0) -> tuple[int, int]:
    start = TEXT.index(phrase, after)
    return start, start + len(phrase)


def span(phrase: str) -> Span:
    return Span(*where(phrase), phrase)


def speaker(phrase: str, entity: str | None = None) -> Speaker:
    return Speaker(phrase, *where(phrase), entity=entity)


def quantity(phrase: str, value: float, unit: str = "") -> Quantity:
    return Quantity(value, unit, False, phrase, *where(phrase))


def location(phrase: str) -> Location:
    return Location(phrase, *where(phrase))


ENTITIES = (
    Entity("e1", "ORG", *where("وزارة الصحة"), "وزارة الصحة"),
    Entity("e2", "PER", *where("سامر الخطيب"), "سامر الخطيب"),
    Entity("e3", "PER", *where("رامي حداد"), "رامي حداد"),
)

#: The three gold claims of the paragraph.
GOLD_CLAIMS = (
    Claim("g1", span("تسجيل 120 إصابة جديدة بالحصبة"), "120 new measles cases recorded", "fact",
          speaker("وزارة الصحة", "e1"), quantity("120 إصابة", 120, "إصابة"), None, location("عمّان")),
    Claim("g2", span("30 منها في مدينة الزرقاء"), "30 of them in Zarqa", "fact",
          speaker("سامر الخطيب", "e2"), quantity("30", 30), None, location("الزرقاء")),
    Claim("g3", span("حملة التطعيم تأخرت كثيراً"), "the vaccination campaign came too late", "opinion",
          speaker("رامي حداد", "e3")),
)  # fmt: skip


def gold_document() -> GoldDocument:
    return GoldDocument(Document(DOC_ID, TEXT), Annotations(DOC_ID, ENTITIES, GOLD_CLAIMS))


def prediction(*claims: Claim) -> Prediction:
    return Prediction(DOC_ID, Annotations(DOC_ID, (), tuple(claims)))
