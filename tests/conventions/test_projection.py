"""Projecting entities onto a convention, on sentences written for these tests.

Every expected projection below was worked out by hand from the sentence:
under ``anercorp`` a span grows to its whole whitespace/punctuation-delimited
token (clitics inside, marks outside), nationality adjectives and DATE /
QUANTITY disappear; under ``project`` nothing changes.
"""

from __future__ import annotations

import pytest

from harness.conventions import (
    load_convention,
    project_entities,
    project_gold_document,
    project_predicted_entities,
    project_prediction,
    token_bounds,
)
from harness.model import Annotations, Document, Entity, GoldDocument, Prediction

ANERCORP = load_convention("anercorp")
PROJECT = load_convention("project")


def at(text: str, surface: str, label: str, eid: str, nth: int = 0, **facts) -> Entity:
    """The ``nth`` occurrence of ``surface`` in ``text`` as an entity."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return Entity(eid, label, start, start + len(surface), surface, **facts)


def view(text: str, entities) -> list[tuple[str, str, str]]:
    """(id, label, surface) of each entity, checking that the offsets agree with the text."""
    for e in entities:
        assert text[e.start : e.end] == e.text, e
    return [(e.id, e.label, e.text) for e in entities]


def test_single_clitics_wa_bi_li_fa_ka_go_inside_the_span():
    text = "التقى الوفد ببغداد مسؤولين من عمّان، ثم سافر لدمشق وفرنسا، فالقاهرة لا تشبهها مدينة كبيروت."
    gold = [
        at(text, "بغداد", "LOC", "e1"),
        at(text, "عمّان", "LOC", "e2"),
        at(text, "دمشق", "LOC", "e3"),
        at(text, "فرنسا", "LOC", "e4"),
        at(text, "القاهرة", "LOC", "e5"),
        at(text, "بيروت", "LOC", "e6"),
    ]
    assert view(text, project_entities(text, gold, ANERCORP)) == [
        ("e1", "LOC", "ببغداد"),
        ("e2", "LOC", "عمّان"),  # no clitic; the shadda is a mark inside the word, the comma stays out
        ("e3", "LOC", "لدمشق"),
        ("e4", "LOC", "وفرنسا"),  # comma after the word stays out
        ("e5", "LOC", "فالقاهرة"),
        ("e6", "LOC", "كبيروت"),
    ]


def test_clitic_pairs_go_inside_the_span():
    text = "عقد الوزير لقاءات في تونس وبالرباط، ولموسكو وجّه دعوة رسمية، وكطرابلس لم يزرها أحد."
    gold = [
        at(text, "تونس", "LOC", "e1"),
        at(text, "الرباط", "LOC", "e2"),
        at(text, "موسكو", "LOC", "e3"),
        at(text, "طرابلس", "LOC", "e4"),
    ]
    assert view(text, project_entities(text, gold, ANERCORP)) == [
        ("e1", "LOC", "تونس"),
        ("e2", "LOC", "وبالرباط"),
        ("e3", "LOC", "ولموسكو"),
        ("e4", "LOC", "وكطرابلس"),
    ]


def test_fused_lam_lam_widens_to_the_written_word():
    # The project's gold starts ل + ال names at the article's lam (GUIDELINES 4.1).
    text = "وجّه الأمين العام رسالة للجامعة العربية، ثم كتب وللبرلمان الأوروبي."
    gold = [
        at(text, "لجامعة العربية", "ORG", "e1"),
        at(text, "لبرلمان الأوروبي", "ORG", "e2"),
    ]
    assert gold[0].start == text.index("للجامعة") + 1
    assert view(text, project_entities(text, gold, ANERCORP)) == [
        ("e1", "ORG", "للجامعة العربية"),
        ("e2", "ORG", "وللبرلمان الأوروبي"),
    ]


def test_punctuation_next_to_a_name_stays_outside():
    text = "قال المتحدث إن “فرنسا” و(ألمانيا) و#إيطاليا تدعم القرار، وإسبانيا."
    gold = [
        at(text, "فرنسا", "LOC", "e1"),
        at(text, "ألمانيا", "LOC", "e2"),
        at(text, "إيطاليا", "LOC", "e3"),
        at(text, "إسبانيا", "LOC", "e4"),
    ]
    assert view(text, project_entities(text, gold, ANERCORP)) == [
        ("e1", "LOC", "فرنسا"),  # quotation marks are tokens of their own
        ("e2", "LOC", "ألمانيا"),  # و( : the bracket separates و from the name
        ("e3", "LOC", "إيطاليا"),
        ("e4", "LOC", "وإسبانيا"),  # the full stop after it stays out
    ]


def test_two_word_name_with_a_clitic_on_its_first_word():
    text = "انسحبت القوات من ريف حلب ودير الزور."
    gold = [at(text, "حلب", "LOC", "e1"), at(text, "دير الزور", "LOC", "e2")]
    assert view(text, project_entities(text, gold, ANERCORP)) == [
        ("e1", "LOC", "حلب"),
        ("e2", "LOC", "ودير الزور"),
    ]


def test_nationality_adjective_is_dropped_and_other_misc_kept():
    text = "وصف المسؤول الأردني مهرجان جرش بأنه ناجح، وقال إن الزوار الأتراك كثيرون."
    gold = [
        at(text, "الأردني", "MISC", "e1", adjective=True),
        at(text, "مهرجان جرش", "MISC", "e2", adjective=False),
        at(text, "الأتراك", "MISC", "e3", adjective=True),
    ]
    assert view(text, project_entities(text, gold, ANERCORP)) == [("e2", "MISC", "مهرجان جرش")]


def test_date_and_quantity_are_dropped():
    text = "وبدأ المهرجان في 3 أيار 2021 بحضور 200 فنان من لبنان."
    gold = [
        at(text, "3 أيار 2021", "DATE", "e1"),
        at(text, "200 فنان", "QUANTITY", "e2"),
        at(text, "لبنان", "LOC", "e3"),
    ]
    assert view(text, project_entities(text, gold, ANERCORP)) == [("e3", "LOC", "لبنان")]
    assert view(text, project_entities(text, gold, PROJECT)) == view(text, gold)


def test_the_project_convention_changes_nothing():
    text = "قال سامي النعيمي لوكالة الأنباء إن 40 عائلة عادت إلى حمص أمس."
    gold = (
        at(text, "سامي النعيمي", "PER", "e1"),
        at(text, "وكالة الأنباء", "ORG", "e2"),
        at(text, "40 عائلة", "QUANTITY", "e3"),
        at(text, "حمص", "LOC", "e4"),
    )
    assert project_entities(text, gold, PROJECT) == gold


def test_misc_without_the_adjective_fact_is_an_error_naming_the_entity():
    text = "قال الدبلوماسي الياباني إن الاتفاق صامد."
    gold = [at(text, "الياباني", "MISC", "e7")]
    with pytest.raises(ValueError, match=r"e7 \(MISC 'الياباني'\) does not state the gold fact 'adjective'"):
        project_entities(text, gold, ANERCORP)


def test_predictions_follow_span_and_label_rules_but_not_gold_facts():
    text = "أكد مراقب ياباني أن ببغداد هدوءاً في 5 آذار."
    predicted = [
        at(text, "ياباني", "MISC", "p1"),  # an extractor states no facts: kept
        at(text, "غداد", "LOC", "p2"),  # starts mid-word: widened to the token
        at(text, "5 آذار", "DATE", "p3"),
    ]
    assert view(text, project_predicted_entities(text, predicted, ANERCORP)) == [
        ("p1", "MISC", "ياباني"),
        ("p2", "LOC", "ببغداد"),
    ]


def test_same_label_spans_that_meet_after_widening_merge_into_the_first():
    text = "قصفت الطائرات مواقع ببغداد ودير الزور."
    predicted = [
        at(text, "ببغداد", "LOC", "p1"),
        at(text, "بغداد", "LOC", "p2"),  # same token: becomes ببغداد too
        at(text, "الزور", "LOC", "p4"),
        at(text, "دير الزور", "LOC", "p3"),  # overlaps p4, widens to ودير الزور
    ]
    assert view(text, project_predicted_entities(text, predicted, ANERCORP)) == [
        ("p1", "LOC", "ببغداد"),
        ("p3", "LOC", "ودير الزور"),
    ]


def test_a_span_does_not_widen_into_another_mention_glued_to_it(tmp_path):
    # A typesetting fault glues a name to the next word: one token, two mentions.
    text = "خفض التحالف قواته في سورياعام بعد الهزيمة."
    gold = [at(text, "سوريا", "LOC", "e1"), at(text, "عام", "DATE", "e2")]
    keep_all = tmp_path / "tokens-all-labels.yaml"
    keep_all.write_text(
        "name: tokens-all-labels\nspans: whole_token\n"
        "labels: {PER: PER, ORG: ORG, LOC: LOC, MISC: MISC, DATE: DATE, QUANTITY: QUANTITY}\n",
        encoding="utf-8",
    )
    assert view(text, project_entities(text, gold, load_convention(keep_all))) == [
        ("e1", "LOC", "سوريا"),
        ("e2", "DATE", "عام"),
    ]
    # Under anercorp the DATE is dropped first, so nothing stops the LOC.
    assert view(text, project_entities(text, gold, ANERCORP)) == [("e1", "LOC", "سورياعام")]


def test_labels_mapped_and_a_fact_turned_into_a_label(tmp_path):
    path = tmp_path / "renamed.yaml"
    path.write_text(
        "name: renamed\nspans: as_is\n"
        "labels: {PER: PERS, ORG: ORG, LOC: GPE, MISC: EVENT, DATE: DATE, QUANTITY: drop}\n"
        "facts: {adjective: NORP}\n",
        encoding="utf-8",
    )
    renamed = load_convention(path)
    text = "استقبل هشام العطار الوفد السويدي في حماة قبل معرض الكتاب بيومين مع 12 ضيفاً."
    gold = [
        at(text, "هشام العطار", "PER", "e1"),
        at(text, "السويدي", "MISC", "e2", adjective=True),
        at(text, "حماة", "LOC", "e3"),
        at(text, "معرض الكتاب", "MISC", "e4", adjective=False),
        at(text, "12 ضيفاً", "QUANTITY", "e5"),
    ]
    once = project_entities(text, gold, renamed)
    assert view(text, once) == [
        ("e1", "PERS", "هشام العطار"),
        ("e2", "NORP", "السويدي"),
        ("e3", "GPE", "حماة"),
        ("e4", "EVENT", "معرض الكتاب"),
    ]
    assert project_entities(text, once, renamed) == once
    with pytest.raises(ValueError, match="no rule for label 'TITLE'"):
        project_entities(text, [Entity("x", "TITLE", 0, 6, text[:6])], renamed)


def test_projecting_twice_is_projecting_once():
    text = "وقال المسؤول الليبي إن وللأمم المتحدة ودير الزور، و“حلب” في 2020 شهدت 30 هجوماً؛ سورياعام."
    gold = [
        at(text, "الليبي", "MISC", "e1", adjective=True),
        at(text, "لأمم المتحدة", "ORG", "e2"),
        at(text, "دير الزور", "LOC", "e3"),
        at(text, "حلب", "LOC", "e4"),
        at(text, "2020", "DATE", "e5"),
        at(text, "30 هجوماً", "QUANTITY", "e6"),
        at(text, "سوريا", "LOC", "e7"),
    ]
    once = project_entities(text, gold, ANERCORP)
    assert view(text, once) == [
        ("e2", "ORG", "وللأمم المتحدة"),
        ("e3", "LOC", "ودير الزور"),
        ("e4", "LOC", "حلب"),
        ("e7", "LOC", "سورياعام"),
    ]
    assert project_entities(text, once, ANERCORP) == once
    assert project_predicted_entities(text, once, ANERCORP) == once


def test_token_bounds_move_only_edges_that_lie_inside_a_word():
    text = "من وسوريا، إلى"
    start = text.index("سوريا")
    assert token_bounds(text, start, start + 5) == (text.index("وسوريا"), start + 5)
    assert token_bounds(text, 0, 2) == (0, 2)  # already whole
    assert token_bounds(text, 2, 4) == (2, 9)  # starts at the space: that edge stays; the right one moves out to the comma


def test_documents_and_predictions_are_projected_whole_with_claims_untouched():
    text = "أعلنت الحكومة التونسية بتونس خطة جديدة."
    document = GoldDocument(
        Document("t1", text),
        Annotations("t1", (at(text, "الحكومة التونسية", "ORG", "e1"), at(text, "تونس", "LOC", "e2", nth=1))),
    )
    projected = project_gold_document(document, ANERCORP)
    assert view(text, projected.gold.entities) == [("e1", "ORG", "الحكومة التونسية"), ("e2", "LOC", "بتونس")]
    assert projected.document == document.document and projected.gold.claims == document.gold.claims
    prediction = Prediction("t1", Annotations("t1", (at(text, "تونس", "LOC", "p1", nth=1),)), meta={"raw": "x"})
    moved = project_prediction(prediction, text, ANERCORP)
    assert view(text, moved.annotations.entities) == [("p1", "LOC", "بتونس")]
    assert moved.meta == {"raw": "x"} and moved.error is None
