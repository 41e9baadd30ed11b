"""Claims of the rule extractor on sentences written for these tests.

Speakers (named after the verb, carried by وأضاف, documents as subjects,
headlines, quotations), numeric claims, dated events and opinion kinds.
"""

from __future__ import annotations

import pytest

from harness.annotations import Claim, Document
from harness.extractors.rules.extractor import RulesExtractor


@pytest.fixture(scope="module")
def extractor() -> RulesExtractor:
    return RulesExtractor({"date_anchor": "none"})


def claims_of(extractor: RulesExtractor, text: str) -> list[Claim]:
    return list(extractor.extract([Document("t", text)])[0].annotations.claims)


def claim_with(claims: list[Claim], fragment: str) -> Claim:
    matching = [c for c in claims if fragment in c.evidence.text]
    assert matching, f"no claim with {fragment!r} in {[c.evidence.text for c in claims]}"
    return matching[0]


def test_speaker_named_after_the_verb_and_title(extractor):
    text = "قال المتحدث باسم الأمم المتحدة ستيفان دوجاريك إن المنظمة قلقة من تدهور الأوضاع."
    claim = claim_with(claims_of(extractor, text), "المنظمة قلقة")
    assert claim.speaker is not None
    assert claim.speaker.text == "ستيفان دوجاريك"
    assert claim.speaker.entity is not None
    assert claim.predicate == "قال"
    assert claim.kind == "fact"


def test_evidence_starts_at_the_reported_content(extractor):
    text = "وقال وزير الخارجية الأردني سامر الحلبي إن المحادثات كانت بناءة."
    claim = claim_with(claims_of(extractor, text), "المحادثات")
    assert claim.evidence.text == "إن المحادثات كانت بناءة"


def test_wa_adafa_without_subject_carries_the_previous_speaker(extractor):
    text = (
        "قال المتحدث باسم الدفاع المدني، العقيد مازن الخطيب، إن فرق الإنقاذ انتشلت الضحايا. "
        "وأضاف أن عمليات البحث مستمرة."
    )
    claim = claim_with(claims_of(extractor, text), "عمليات البحث")
    assert claim.speaker is not None
    assert claim.speaker.text == "مازن الخطيب"
    assert claim.predicate == "أضاف"


def test_carried_speaker_points_to_the_latest_mention(extractor):
    text = (
        "قال الناطق العسكري العميد يحيى رسول إن القوات تقدمت. "
        "وتابع رسول أن الطيران شارك في العملية. "
        "وأضاف أن القوات ستواصل التقدم."
    )
    claims = claims_of(extractor, text)
    second = claim_with(claims, "الطيران")
    third = claim_with(claims, "ستواصل")
    assert second.speaker is not None and second.speaker.text == "رسول"
    assert third.speaker is not None and third.speaker.text == "رسول"
    assert third.speaker.start == second.speaker.start


def test_title_without_a_name_is_the_speaker_without_entity(extractor):
    text = "قال وزير الخارجية الأمريكي إن بلاده ستواصل دعم الحل السياسي."
    claim = claim_with(claims_of(extractor, text), "ستواصل")
    assert claim.speaker is not None
    assert claim.speaker.text == "وزير الخارجية الأمريكي"
    assert claim.speaker.entity is None


def test_document_as_subject_speaks_for_its_issuer(extractor):
    text = "أصدر مجلس الأمن بيانا حول الوضع. وأكد البيان أن الحل السياسي هو الطريق الوحيد."
    claim = claim_with(claims_of(extractor, text), "الحل السياسي")
    assert claim.speaker is not None
    assert claim.speaker.text == "مجلس الأمن"
    assert "البيان" in claim.speaker.aliases


def test_headline_name_before_a_colon_is_the_speaker(extractor):
    text = "المرصد السوري: مقتل 14 عنصرا من قوات النظام في البادية السورية"
    claim = claim_with(claims_of(extractor, text), "مقتل")
    assert claim.speaker is not None and claim.speaker.text == "المرصد السوري"
    assert claim.quantity is not None and claim.quantity.value == 14


def test_sentences_inside_a_quotation_keep_the_quoted_speaker(extractor):
    text = "وقال المبعوث الأممي: “الوضع الإنساني صعب للغاية. نحتاج إلى دعم عاجل لإيصال المساعدات”."
    claims = claims_of(extractor, text)
    first = claim_with(claims, "الوضع الإنساني")
    second = claim_with(claims, "نحتاج")
    assert first.evidence.text == "الوضع الإنساني صعب للغاية"
    assert first.speaker is not None and second.speaker is not None
    assert first.speaker.text == second.speaker.text == "المبعوث الأممي"


def test_according_to_attributes_the_whole_sentence(extractor):
    text = "قتل 9 مدنيين في قصف على مدينة أريحا، بحسب المرصد السوري لحقوق الإنسان."
    claim = claim_with(claims_of(extractor, text), "قتل")
    assert claim.speaker is not None
    assert claim.speaker.text == "المرصد السوري لحقوق الإنسان"
    assert claim.quantity is not None and claim.quantity.value == 9


def test_numeric_claim_with_approximator_and_unit(extractor):
    claims = claims_of(extractor, "ونزح نحو 3 آلاف مدني من بلدة الصالحية خلال الأيام الماضية.")
    assert len(claims) == 1
    quantity = claims[0].quantity
    assert quantity is not None
    assert (quantity.value, quantity.unit, quantity.approx) == (3000, "people", True)
    assert quantity.text == "3 آلاف مدني"
    assert claims[0].speaker is None
    assert claims[0].location is not None and claims[0].location.text == "الصالحية"


def test_every_quantity_of_a_sentence_is_its_own_claim(extractor):
    text = "أعلنت الشرطة اعتقال 12 شخصا ومصادرة 40 قطعة سلاح في ريف درعا."
    values = sorted(c.quantity.value for c in claims_of(extractor, text) if c.quantity)
    assert values == [12, 40]


def test_dated_event_gets_an_iso_time_and_its_place(extractor):
    claims = claims_of(extractor, "وفي 15 أيار/مايو 2017 سيطرت القوات على مدينة منبج بعد معارك عنيفة.")
    assert len(claims) == 1
    claim = claims[0]
    assert claim.time is not None
    assert (claim.time.value, claim.time.text) == ("2017-05-15", "15 أيار/مايو 2017")
    assert claim.location is not None and claim.location.text == "منبج"
    assert claim.location.entity is not None
    assert claim.evidence.text.startswith("في 15")  # leading و left out


def test_date_of_the_speech_act_is_a_claim_of_its_own(extractor):
    claims = claims_of(extractor, "قال الوزير يوم 3 كانون الثاني/يناير 2020 إن الحكومة ستدعم المزارعين.")
    dated = [c for c in claims if c.time is not None]
    stated = claim_with(claims, "ستدعم")
    assert len(dated) == 1 and dated[0].speaker is None
    assert dated[0].time.value == "2020-01-03"
    assert stated.time is None
    assert stated.speaker is not None and stated.speaker.text == "الوزير"


def test_analyst_title_or_opinion_verb_makes_an_opinion(extractor):
    by_title = claim_with(claims_of(extractor, "وقال المحلل العسكري خالد العمر إن الهجوم سيفشل."), "الهجوم")
    by_verb = claim_with(claims_of(extractor, "واعتبرت الحكومة الكندية أن القرار خاطئ."), "القرار")
    assert by_title.kind == "opinion"
    assert by_title.speaker is not None and by_title.speaker.text == "خالد العمر"
    assert by_verb.kind == "opinion"
    assert by_verb.predicate == "اعتبر"


def test_numbers_stay_facts_even_from_an_analyst(extractor):
    claims = claims_of(extractor, "وقال الخبير الاقتصادي ماهر دياب إن الأسعار ارتفعت 40 بالمئة.")
    claim = claim_with(claims, "الأسعار")
    assert claim.quantity is not None and claim.quantity.unit == "percent"
    assert claim.kind == "fact"
    assert claim.speaker is not None and claim.speaker.text == "ماهر دياب"


def test_sentence_without_cue_number_or_date_gives_no_claim(extractor):
    assert claims_of(extractor, "تتميز المدينة بأسواقها القديمة وشوارعها الضيقة.") == []


def test_claims_are_numbered_in_reading_order(extractor):
    text = "ونزح نحو 3 آلاف مدني. وقال الوزير إن الحكومة ستساعدهم. وأضاف أن 200 خيمة وصلت."
    claims = claims_of(extractor, text)
    assert [c.id for c in claims] == [f"c{k}" for k in range(1, len(claims) + 1)]
    starts = [c.evidence.start for c in claims]
    assert starts == sorted(starts)


def test_two_places_leave_the_location_empty(extractor):
    claims = claims_of(extractor, "وأعلنت الوزارة نقل 120 شخصا إلى مستشفيات في حلب وحمص.")
    assert len(claims) == 1
    assert claims[0].quantity is not None
    assert claims[0].location is None
    assert claims[0].evidence.text.startswith("نقل 120")
