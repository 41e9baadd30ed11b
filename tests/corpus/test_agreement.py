"""Inter-annotator agreement (harness/corpus/agreement.py) on annotations written for these tests.

The sentences below are made up for the tests; every expected figure is worked
out by hand in the comment above its assertion.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from sklearn.metrics import cohen_kappa_score

from harness.annotations import (
    Annotations,
    Claim,
    Document,
    Entity,
    GoldDocument,
    Quantity,
    Span,
    Speaker,
    TimeRef,
)
from harness.corpus.agreement import (
    ALL,
    Agreement,
    AgreementError,
    category,
    cohen_kappa,
    compare,
    token_labels,
)

TEXT = (
    "قالت وزارة الصحة في عمّان إن 40 مريضا غادروا المستشفى في 3 أيار 2024. "
    "ورأى الطبيب سامي حداد أن الخطة ناجحة. "
    "وتوجه الوفد لبغداد صباحا."
)


def at(part: str, occurrence: int = 0, text: str = TEXT) -> dict:
    """``start`` / ``end`` / ``text`` of the n-th occurrence of ``part``, as keywords."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
        assert start >= 0
    return {"start": start, "end": start + len(part), "text": part}


ENTITIES = (
    Entity("e1", "ORG", **at("وزارة الصحة")),
    Entity("e2", "LOC", **at("عمّان")),
    Entity("e3", "QUANTITY", **at("40 مريضا")),
    Entity("e4", "DATE", **at("3 أيار 2024")),
    Entity("e5", "PER", **at("سامي حداد")),
    Entity("e6", "LOC", **at("بغداد")),
)

CLAIMS = (
    Claim(
        "c1",
        Span(**at("40 مريضا غادروا المستشفى في 3 أيار 2024")),
        "40 patients left hospital",
        kind="fact",
        speaker=Speaker(**at("وزارة الصحة"), entity="e1"),
        quantity=Quantity(40, "people", False, **at("40 مريضا")),
        time=TimeRef("2024-05-03", **at("3 أيار 2024")),
    ),
    Claim(
        "c2",
        Span(**at("الخطة ناجحة")),
        "the plan works",
        kind="opinion",
        speaker=Speaker(**at("سامي حداد"), entity="e5"),
    ),
    Claim("c3", Span(**at("توجه الوفد لبغداد صباحا")), "the delegation went to Baghdad", kind="fact"),
)


def doc(entities=ENTITIES, claims=CLAIMS, text: str = TEXT, doc_id: str = "t1") -> GoldDocument:
    return GoldDocument(Document(doc_id, text), Annotations(doc_id, tuple(entities), tuple(claims)))


def replaced(items, item_id: str, **changes):
    """``items`` with the one whose id is ``item_id`` changed."""
    return tuple(dataclasses.replace(x, **changes) if x.id == item_id else x for x in items)


def span_row(agreement: Agreement, label: str):
    return next(row for row in agreement.entities.spans if row.label == label)


def kappa_of(agreement: Agreement, name: str):
    return next(k for k in agreement.entities.kappas if k.name == name)


# --- identical annotations ----------------------------------------------------


def test_identical_annotations_agree_fully_in_every_figure():
    agreement = compare([doc()], [doc()])

    for row in agreement.entities.spans:
        assert (row.strict.f1, row.partial.f1) == (1.0, 1.0), row.label
    assert [row.label for row in agreement.entities.spans] == [ALL, "PER", "ORG", "LOC", "DATE", "QUANTITY"]
    for k in agreement.entities.kappas:
        assert k.kappa == pytest.approx(1.0), k.name
    claims = agreement.claims
    assert (claims.evidence.prf().f1, claims.strict.prf().f1) == (1.0, 1.0)
    assert claims.aligned == claims.same_evidence == 3
    assert claims.kind_kappa.kappa == pytest.approx(1.0)
    speaker = next(s for s in claims.slots if s.slot == "speaker")
    assert (speaker.agree, speaker.only_a, speaker.only_b, speaker.differ, speaker.empty) == (2, 0, 0, 0, 1)
    assert agreement.disagreements == ()


# --- entity disagreements -----------------------------------------------------


def test_a_clitic_boundary_disagreement_lowers_strict_f1_but_not_token_kappa():
    # B takes the preposition into the LOC: "لبغداد" instead of "بغداد".
    b = doc(entities=replaced(ENTITIES, "e6", **at("لبغداد")))
    agreement = compare([doc()], [b])

    # 6 entities each: 5 correct, 1 incorrect pair. Strict P = R = 5/6;
    # partial credits the pair 0.5: (5 + 0.5) / 6.
    overall = span_row(agreement, ALL)
    assert overall.strict.f1 == pytest.approx(5 / 6)
    assert overall.partial.f1 == pytest.approx(5.5 / 6)
    # LOC alone: 2 in each, 1 correct, 1 incorrect: strict 1/2, partial 1.5/2.
    loc = span_row(agreement, "LOC")
    assert (loc.in_a, loc.in_b) == (2, 2)
    assert loc.strict.f1 == pytest.approx(0.5)
    assert loc.partial.f1 == pytest.approx(0.75)
    # The clitic sits in the same whitespace token: tokens cannot see it.
    assert kappa_of(agreement, ALL).kappa == pytest.approx(1.0)

    (d,) = agreement.disagreements
    assert (d.item, d.kind) == ("entity", "boundary")
    assert (d.a.text, d.b.text) == ("بغداد", "لبغداد")
    assert d.b.start == d.a.start - 1


def test_a_label_disagreement_is_one_incorrect_pair_overall_and_a_miss_and_a_spurious_per_label():
    # B calls the ministry a LOC.
    b = doc(entities=replaced(ENTITIES, "e1", label="LOC"))
    agreement = compare([doc()], [b])

    # Overall strict: 5 correct of 6 on each side.
    assert span_row(agreement, ALL).strict.f1 == pytest.approx(5 / 6)
    # ORG: A has 1, B none: P 0 (no B item), R 0, F1 0.
    org = span_row(agreement, "ORG")
    assert (org.in_a, org.in_b, org.strict.f1) == (1, 0, 0.0)
    # LOC: A 2, B 3, 2 correct: P 2/3, R 1, F1 0.8.
    loc = span_row(agreement, "LOC")
    assert (loc.in_a, loc.in_b) == (2, 3)
    assert loc.strict.f1 == pytest.approx(0.8)

    (d,) = agreement.disagreements
    assert (d.item, d.kind, d.a.says, d.b.says) == ("entity", "label", "ORG", "LOC")
    assert d.a.text == d.b.text == "وزارة الصحة"


def test_entities_only_one_annotation_has_are_listed_as_missing_on_the_other_side():
    extra = Entity("e9", "LOC", **at("المستشفى"))
    agreement = compare([doc(entities=ENTITIES[1:])], [doc(entities=(*ENTITIES, extra))])

    kinds = {(d.kind, (d.a or d.b).text) for d in agreement.disagreements}
    assert kinds == {("missing in A", "وزارة الصحة"), ("missing in A", "المستشفى")}
    # A 5, B 7, 5 correct: P 5/7, R 1, F1 = 2 * 5/7 / (5/7 + 1) = 10/12.
    assert span_row(agreement, ALL).strict.f1 == pytest.approx(10 / 12)


# --- kappa ------------------------------------------------------------------


KAPPA_TEXT = "زار سامي حداد مدينة حلب ثم عاد إلى بيروت مساء"


def kappa_doc(*entities: tuple[str, str]) -> GoldDocument:
    ents = tuple(Entity(f"e{i}", label, **at(part, text=KAPPA_TEXT)) for i, (label, part) in enumerate(entities))
    return doc(entities=ents, claims=(), text=KAPPA_TEXT, doc_id="k1")


def test_token_kappa_matches_a_hand_computation():
    a = kappa_doc(("PER", "سامي حداد"), ("LOC", "حلب"), ("LOC", "بيروت"))
    b = kappa_doc(("PER", "سامي حداد"), ("LOC", "مدينة حلب"))
    agreement = compare([a], [b])

    # Tokens:  زار سامي حداد مدينة حلب ثم عاد إلى بيروت مساء
    #      A:  O   PER  PER  O     LOC O  O   O   LOC   O
    #      B:  O   PER  PER  LOC   LOC O  O   O   O     O
    # Same category on 8 of 10 tokens: p_o = 0.8.
    # Shares: A O 6, PER 2, LOC 2; B O 6, PER 2, LOC 2:
    # p_e = (6*6 + 2*2 + 2*2) / 100 = 0.44; kappa = (0.8 - 0.44) / 0.56 = 9/14.
    overall = kappa_of(agreement, ALL)
    assert agreement.entities.tokens == overall.units == 10
    assert overall.observed == pytest.approx(0.8)
    assert overall.expected == pytest.approx(0.44)
    assert overall.kappa == pytest.approx(9 / 14)
    # LOC or not: A {حلب, بيروت}, B {مدينة, حلب}; same on 8 tokens: p_o 0.8;
    # p_e = (2*2 + 8*8) / 100 = 0.68; kappa = 0.12 / 0.32 = 0.375.
    loc = kappa_of(agreement, "LOC")
    assert (loc.observed, loc.expected) == (pytest.approx(0.8), pytest.approx(0.68))
    assert loc.kappa == pytest.approx(0.375)
    # PER is the same on every token: p_o 1, p_e 0.68, kappa 1.
    assert kappa_of(agreement, "PER").kappa == pytest.approx(1.0)
    # Spans: A 3, B 2; PER correct, حلب a boundary pair, بيروت missed.
    # Strict P 1/2, R 1/3, F1 0.4; partial credit 1.5: P 0.75, R 0.5, F1 0.6.
    overall_spans = span_row(agreement, ALL)
    assert overall_spans.strict.f1 == pytest.approx(0.4)
    assert overall_spans.partial.f1 == pytest.approx(0.6)


def test_cohen_kappa_equals_scikit_learn_on_random_labelings():
    rng = random.Random(7)
    categories = ["O", "PER", "ORG", "LOC"]
    for _ in range(50):
        n = rng.randint(2, 40)
        a = [rng.choice(categories) for _ in range(n)]
        b = [x if rng.random() < 0.6 else rng.choice(categories) for x in a]
        if len(set(a) | set(b)) == 1:
            continue
        assert cohen_kappa("t", list(zip(a, b))).kappa == pytest.approx(cohen_kappa_score(a, b))


def test_kappa_is_undefined_when_both_annotators_use_one_category_only():
    k = cohen_kappa("t", [("O", "O")] * 5)
    assert (k.observed, k.expected, k.kappa) == (1.0, 1.0, None)
    assert cohen_kappa("t", []).kappa is None


def test_a_token_covered_by_two_labels_gets_the_joined_label():
    text = "حدود سوريا/العراق مغلقة"
    ents = [Entity("e1", "MISC", **at("سوريا", text=text)), Entity("e2", "LOC", **at("العراق", text=text))]
    labels = token_labels(text, ents)
    assert [category(x) for x in labels] == ["O", "LOC+MISC", "O"]


def test_tokens_take_the_label_of_an_entity_starting_after_a_clitic():
    text = "وصل الوفد لبغداد"
    labels = token_labels(text, [Entity("e1", "LOC", **at("بغداد", text=text))])
    assert [category(x) for x in labels] == ["O", "O", "LOC"]


# --- claims -----------------------------------------------------------------


def test_a_claim_with_a_different_speaker_is_aligned_agrees_on_evidence_but_not_strictly():
    # B credits the opinion to "الطبيب" (a title, no entity) instead of "سامي حداد".
    b_claims = replaced(CLAIMS, "c2", speaker=Speaker(**at("الطبيب")))
    agreement = compare([doc()], [doc(claims=b_claims)])
    claims = agreement.claims

    # 3 claims each, all aligned; evidence sense: 3 correct -> F1 1.
    # Strict: 2 correct, 1 incorrect -> P = R = F1 = 2/3.
    assert claims.aligned == 3
    assert claims.evidence.prf().f1 == 1.0
    assert claims.strict.prf().f1 == pytest.approx(2 / 3)
    speaker = next(s for s in claims.slots if s.slot == "speaker")
    assert (speaker.agree, speaker.differ, speaker.empty) == (1, 1, 1)

    (d,) = agreement.disagreements
    assert (d.item, d.kind) == ("claim", "slot speaker")
    assert d.a.text == "سامي حداد" and "entity e5" in d.a.says
    assert d.b.text == "الطبيب"


def test_a_different_quantity_fails_the_evidence_sense_and_lists_the_quantity():
    quantity = Quantity(14, "people", False, **at("40 مريضا"))
    agreement = compare([doc()], [doc(claims=replaced(CLAIMS, "c1", quantity=quantity))])

    # The pair stays aligned (its evidence is identical), but A's quantity is
    # not matched: evidence 2 of 3 correct, strict 2 of 3.
    assert agreement.claims.aligned == 3
    assert agreement.claims.evidence.correct == 2
    assert agreement.claims.strict.correct == 2
    assert [d.kind for d in agreement.disagreements] == ["slot quantity"]


def test_kind_disagreement_is_listed_and_counted_in_the_kind_kappa():
    agreement = compare([doc()], [doc(claims=replaced(CLAIMS, "c3", kind="opinion"))])
    claims = agreement.claims

    # Pairs (A, B): (fact, fact), (opinion, opinion), (fact, opinion): p_o = 2/3.
    # A: fact 2/3, opinion 1/3; B: fact 1/3, opinion 2/3;
    # p_e = 2/9 + 2/9 = 4/9; kappa = (2/3 - 4/9) / (5/9) = 2/5.
    assert dict(claims.kinds) == {("fact", "fact"): 1, ("fact", "opinion"): 1, ("opinion", "opinion"): 1}
    assert claims.kind_kappa.observed == pytest.approx(2 / 3)
    assert claims.kind_kappa.expected == pytest.approx(4 / 9)
    assert claims.kind_kappa.kappa == pytest.approx(0.4)
    # The kind is not part of either sense.
    assert claims.strict.prf().f1 == 1.0
    (d,) = agreement.disagreements
    assert (d.kind, d.a.says, d.b.says) == ("kind", "fact", "opinion")


def test_claims_only_one_side_has_and_evidence_edges_are_listed():
    # B drops c2 and starts c3's evidence at the conjunction "و".
    b_claims = replaced(CLAIMS, "c3", evidence=Span(**at("وتوجه الوفد لبغداد صباحا")))
    agreement = compare([doc()], [doc(claims=tuple(c for c in b_claims if c.id != "c2"))])
    claims = agreement.claims

    # A 3, B 2, 2 aligned, both correct: P 1, R 2/3, F1 0.8.
    assert (claims.in_a, claims.in_b, claims.aligned, claims.same_evidence) == (3, 2, 2, 1)
    assert claims.evidence.prf().f1 == pytest.approx(0.8)
    kinds = sorted((d.kind, (d.a or d.b).id) for d in agreement.disagreements)
    assert kinds == [("evidence", "c3"), ("missing in B", "c2")]


def test_an_approximate_quantity_on_one_side_is_listed_though_the_values_agree():
    quantity = Quantity(40, "people", True, **at("40 مريضا"))
    agreement = compare([doc()], [doc(claims=replaced(CLAIMS, "c1", quantity=quantity))])

    assert agreement.claims.strict.prf().f1 == 1.0
    (d,) = agreement.disagreements
    assert d.kind == "approx"
    assert "approx" in d.b.says and "approx" not in d.a.says


def test_a_time_span_without_value_on_one_side_only_is_listed():
    # B dates c3 with "صباحا" (value null); the scorer compares values only.
    agreement = compare([doc()], [doc(claims=replaced(CLAIMS, "c3", time=TimeRef(None, **at("صباحا"))))])

    time = next(s for s in agreement.claims.slots if s.slot == "time")
    assert (time.agree, time.empty) == (1, 2)
    (d,) = agreement.disagreements
    assert (d.kind, d.a.says, d.b.text) == ("slot time", "no time; evidence", "صباحا")


# --- documents ----------------------------------------------------------------


def test_documents_with_different_texts_are_refused_with_the_document_named():
    other = doc(text=TEXT.replace("40 مريضا", "41 مريضا"))
    with pytest.raises(AgreementError, match="t1: A and B annotate different texts"):
        compare([doc()], [other])


def test_only_the_documents_both_annotations_have_are_compared_and_the_others_named():
    second = doc(doc_id="t2")
    agreement = compare([doc(), second], [doc()])
    assert agreement.documents == ("t1",)
    assert agreement.only_in_a == ("t2",)
    assert agreement.only_in_b == ()


def test_annotations_sharing_no_document_are_refused():
    with pytest.raises(AgreementError, match="share no document"):
        compare([doc(doc_id="t1")], [doc(doc_id="t2")])


def test_a_reference_claim_id_used_twice_is_refused_rather_than_one_claim_dropped():
    twice = (*CLAIMS, dataclasses.replace(CLAIMS[0], evidence=Span(**at("الخطة ناجحة"))))
    with pytest.raises(AgreementError, match="t1: A uses a claim id twice"):
        compare([doc(claims=twice)], [doc()])


def test_claims_of_b_sharing_an_id_are_told_apart_by_position_and_none_is_dropped():
    twice = (*CLAIMS, dataclasses.replace(CLAIMS[0], evidence=Span(**at("الخطة ناجحة"))))
    agreement = compare([doc()], [doc(claims=twice)])
    assert agreement.claims.in_b == len(twice)
