"""Name patterns of the rule extractor: titles, kinship chains, kunyas, organisation heads.

Names come from patterns first and from the lists only as a fallback, so each
test uses people and bodies that are in no gazetteer. Sentences written for
these tests.
"""

from __future__ import annotations

import pytest

from harness.annotations import Document
from harness.extractors.rules.extractor import RulesExtractor


@pytest.fixture(scope="module")
def extractor() -> RulesExtractor:
    return RulesExtractor({"claims": False})


def found(extractor: RulesExtractor, text: str) -> list[tuple[str, str]]:
    prediction = extractor.extract([Document("t", text)])[0]
    return [(e.label, e.text) for e in prediction.annotations.entities]


def test_an_office_noun_after_a_title_is_not_the_name(extractor):
    text = "وقال رئيس قسم الطوارئ في المستشفى، نزار القباني، إن الحالات مستقرة."
    entities = found(extractor, text)
    assert ("PER", "نزار القباني") in entities
    assert not any(label == "PER" and "قسم" in span for label, span in entities)


@pytest.mark.parametrize(
    ("text", "person"),
    [
        ("ورحب الحاج مصطفى الزعبي بالقرار", "مصطفى الزعبي"),
        ("قال المدرب جمال سليمان إن الفريق جاهز", "جمال سليمان"),
        ("وأكد سي عبد القادر بلحاج أن الموسم جيد", "عبد القادر بلحاج"),
    ],
)
def test_titles_of_speech_and_sport_are_outside_the_person(extractor, text, person):
    assert ("PER", person) in found(extractor, text)


def test_a_kinship_chain_is_a_person_without_a_known_given_name(extractor):
    entities = found(extractor, "استقبل الوفد زايد بن سلطان الحمادي في مكتبه.")
    assert ("PER", "زايد بن سلطان الحمادي") in entities


def test_ibn_after_a_common_noun_is_no_person(extractor):
    entities = found(extractor, "احترق منزل ابن عمه في القرية.")
    assert not any(label == "PER" for label, _ in entities)


def test_a_glued_abd_compound_is_a_given_name(extractor):
    entities = found(extractor, "وصرح عبدالكريم الفلاحي بأن الطريق مغلق.")
    assert ("PER", "عبدالكريم الفلاحي") in entities


def test_gulf_and_maghrebi_kunyas_and_umm_before_a_given_name(extractor):
    assert ("PER", "بو خالد") in found(extractor, "وقال بو خالد إن السوق هادئ.")
    assert ("PER", "أم خالد") in found(extractor, "روت أم خالد ما جرى.")
    assert not any(label == "PER" for label, _ in found(extractor, "هل يوافق المجلس أم يرفض؟"))


def test_a_name_stops_before_a_noun_with_an_ordinal(extractor):
    entities = found(extractor, "وأحرز سامي أبو ريشة الشوط الثاني لصالح فريقه.")
    assert ("PER", "سامي أبو ريشة") in entities


def test_the_preposition_kaf_is_not_read_before_a_given_name(extractor):
    entities = found(extractor, "وتحدث كريم أبو ريشة للصحفيين.")
    assert not any(label == "PER" and span.startswith("ريم") for label, span in entities)


@pytest.mark.parametrize(
    ("text", "organisation"),
    [
        ("أعلنت الهيئة الوطنية للانتخابات النتائج", "الهيئة الوطنية للانتخابات"),
        ("أصدر المجلس الأعلى للثقافة بياناً", "المجلس الأعلى للثقافة"),
        ("قالت المصلحة العامة للضرائب إن", "المصلحة العامة للضرائب"),
    ],
)
def test_a_definite_head_with_an_adjective_and_a_lam_complement_is_an_organisation(extractor, text, organisation):
    assert ("ORG", organisation) in found(extractor, text)


def test_a_definite_head_without_a_complement_is_a_description(extractor):
    assert not any(label == "ORG" for label, _ in found(extractor, "قالت الهيئة العامة إن العمل مستمر."))


def test_a_purpose_after_lam_is_outside_the_organisation(extractor):
    entities = found(extractor, "شكلت الحكومة اللجنة العليا للتصدي للفيضانات بعد العاصفة.")
    assert not any(label == "ORG" and "للتصدي" in span for label, span in entities)


def test_new_organisation_heads_take_their_complement(extractor):
    entities = found(extractor, "وأوقفت قيادة الشرطة المحلية اثنين، فيما حقق جهاز الأمن الوقائي معهما.")
    assert ("ORG", "قيادة الشرطة المحلية") in entities
    assert ("ORG", "جهاز الأمن الوقائي") in entities


def test_a_ministry_with_two_portfolios_is_one_organisation(extractor):
    entities = found(extractor, "أطلقت وزارة الثقافة والشباب مسابقة جديدة.")
    assert ("ORG", "وزارة الثقافة والشباب") in entities


def test_a_place_after_a_cue_may_start_with_waw(extractor):
    assert ("LOC", "ورقلة") in found(extractor, "زار الوفد ولاية ورقلة الأسبوع الماضي.")
