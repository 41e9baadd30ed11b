"""Fitting a prediction to the gold contract: what is left out, what is repaired, and that it is all said.

The sentence and the predictions are made for these tests.
"""

from __future__ import annotations

import math

from harness.annotations import (
    Annotations,
    Claim,
    Document,
    Entity,
    Location,
    Quantity,
    QuantityForm,
    Span,
    Speaker,
    TimeRef,
)
from harness.drafting.fit import fit_to_contract, guess_adjective

TEXT = "قال الوزير المصري حسام نبيل في القاهرة إن 200 شاحنة عبرت معبر رفح في مؤتمر الإغاثة الدولي."
DOC = Document("t1", TEXT)


def span(text: str) -> tuple[int, int, str]:
    start = TEXT.index(text)
    return start, start + len(text), text


def at(text: str) -> dict:
    """The offsets and text of ``text`` in TEXT, as keyword arguments."""
    start, end, _ = span(text)
    return {"start": start, "end": end, "text": text}


def ent(eid: str, label: str, text: str, **extra) -> Entity:
    return Entity(eid, label, *span(text), **extra)


def evidence(text: str) -> Span:
    return Span(*span(text))


def test_grounded_items_are_kept_renumbered_and_marked_drafted():
    prediction = Annotations(
        "t1",
        entities=(ent("x7", "PER", "حسام نبيل"), ent("x3", "LOC", "القاهرة")),
        claims=(
            Claim(
                "k1",
                evidence("200 شاحنة عبرت معبر رفح"),
                "trucks crossed",
                speaker=Speaker(**at("حسام نبيل"), entity="x7"),
                location=Location(**at("القاهرة"), entity="x3"),
            ),
        ),
    )
    fitted = fit_to_contract(DOC, prediction)
    assert [(e["id"], e["label"], e["text"], e["drafted"]) for e in fitted.entities] == [("e1", "PER", "حسام نبيل", True), ("e2", "LOC", "القاهرة", True)]
    (claim,) = fitted.claims
    assert claim["id"] == "c1" and claim["drafted"] is True
    assert claim["speaker"]["entity"] == "e1" and claim["location"]["entity"] == "e2"
    assert fitted.dropped.entities == fitted.dropped.claims == 0 and fitted.repaired == ()


def test_ungrounded_items_are_left_out_and_counted_with_the_reason():
    start, end, _ = span("القاهرة")
    prediction = Annotations(
        "t1",
        entities=(ent("e1", "PER", "حسام نبيل"), Entity("e2", "LOC", start + 1, end + 1, "القاهرة")),
        claims=(Claim("c1", Span(0, 5, "قال X"), "said"),),
    )
    fitted = fit_to_contract(DOC, prediction)
    assert [e["text"] for e in fitted.entities] == ["حسام نبيل"]
    assert fitted.claims == ()
    assert (fitted.dropped.entities, fitted.dropped.claims) == (1, 1)
    assert len(fitted.dropped.reasons) == 2
    assert fitted.dropped.reasons[0].startswith("ungrounded: t1: entity 'e2' (#1) span: text")
    assert "claim 'c1' (#0) evidence" in fitted.dropped.reasons[1]


def test_an_unknown_label_or_kind_and_a_same_label_overlap_are_left_out():
    prediction = Annotations(
        "t1",
        entities=(
            ent("e1", "LOC", "معبر رفح"),
            ent("e2", "LOC", "رفح"),  # inside e1, same label
            ent("e3", "FAC", "معبر رفح"),
            ent("e4", "ORG", "رفح"),  # another label may overlap
        ),
        claims=(Claim("c1", evidence("200 شاحنة عبرت معبر رفح"), "trucks", kind="rumour"),),
    )
    fitted = fit_to_contract(DOC, prediction)
    assert [(e["id"], e["label"], e["text"]) for e in fitted.entities] == [("e1", "LOC", "معبر رفح"), ("e2", "ORG", "رفح")]
    assert (fitted.dropped.entities, fitted.dropped.claims) == (2, 1)
    reasons = fitted.dropped.reasons
    assert "entity 'e2' (LOC 'رفح'" in reasons[0] and reasons[0].endswith("overlaps e1 of the same label")
    assert "entity 'e3' (FAC" in reasons[1] and "unknown label" in reasons[1]
    assert "unknown kind 'rumour'" in reasons[2]


def test_references_to_left_out_or_ambiguous_entities_are_cleared_and_said():
    prediction = Annotations(
        "t1",
        entities=(ent("p", "PER", "حسام نبيل"), ent("d", "LOC", "القاهرة"), ent("d", "LOC", "معبر رفح"), ent("q", "FAC", "رفح")),
        claims=(
            Claim(
                "c1",
                evidence("200 شاحنة عبرت معبر رفح"),
                "trucks",
                speaker=Speaker(**at("حسام نبيل"), entity="p"),
                location=Location(**at("معبر رفح"), entity="d"),
            ),
            Claim("c2", evidence("200 شاحنة عبرت معبر رفح"), "trucks", location=Location(**at("رفح"), entity="q")),
        ),
    )
    fitted = fit_to_contract(DOC, prediction)
    first, second = fitted.claims
    assert first["speaker"]["entity"] == "e1"
    assert first["location"]["entity"] is None and second["location"]["entity"] is None
    assert fitted.repaired == (
        "c1: location reference 'd' cleared (no kept entity has that id alone)",
        "c2: location reference 'q' cleared (no kept entity has that id alone)",
    )


def test_time_values_that_are_not_iso_and_numbers_that_are_not_finite_are_repaired():
    prediction = Annotations(
        "t1",
        claims=(
            Claim(
                "c1",
                evidence("200 شاحنة عبرت معبر رفح"),
                "trucks",
                quantity=Quantity(math.nan, "items", False, **at("200 شاحنة")),
                time=TimeRef("last week", **at("مؤتمر")),
            ),
            Claim(
                "c2",
                evidence("200 شاحنة عبرت معبر رفح"),
                "trucks",
                quantity=Quantity(200, "items", False, **at("200 شاحنة"), alternatives=(QuantityForm(math.inf, "items", **at("200")),)),
            ),
        ),
    )
    fitted = fit_to_contract(DOC, prediction)
    first, second = fitted.claims
    assert first["quantity"] is None and first["time"]["value"] is None
    assert second["quantity"]["value"] == 200 and "alternatives" not in second["quantity"]
    assert fitted.repaired == (
        "c1: quantity '200 شاحنة' removed (value nan is not a finite number)",
        "c1: time value 'last week' of 'مؤتمر' set to null (not ISO-8601)",
        "c2: alternatives of quantity '200 شاحنة' removed (a value is not a finite number)",
    )


def test_misc_mentions_get_an_adjective_guess_that_is_said_and_other_labels_lose_the_fact():
    prediction = Annotations(
        "t1",
        entities=(
            ent("e1", "MISC", "المصري"),
            ent("e2", "MISC", "مؤتمر الإغاثة الدولي"),
            ent("e4", "LOC", "القاهرة", adjective=True),
        ),
    )
    fitted = fit_to_contract(DOC, prediction)
    assert [e.get("adjective") for e in fitted.entities] == [True, False, None]
    assert fitted.repaired == (
        "e1 (MISC 'المصري'): adjective guessed true from the word's ending",
        "e2 (MISC 'مؤتمر الإغاثة الدولي'): adjective guessed false from the word's ending",
        "e3 (LOC 'القاهرة'): adjective removed (a fact of MISC mentions only)",
    )
    stated = fit_to_contract(DOC, Annotations("t1", entities=(ent("e1", "MISC", "المصري", adjective=False),)))
    assert stated.entities[0]["adjective"] is False and stated.repaired == ()


def test_the_adjective_guess_takes_single_words_with_a_nisba_ending():
    assert guess_adjective("السورية") and guess_adjective("لبنانيون") and guess_adjective("عراقي")
    assert not guess_adjective("عملية العزم الصلب") and not guess_adjective("رمضان") and not guess_adjective("الحرب العالمية")
