"""Entities of the rule extractor on sentences written for these tests.

Each test checks one span convention of gold/GUIDELINES.md: clitics, titles
and cue words outside names, heads inside or outside, nationality MISC,
durations as DATE, approximators outside QUANTITY.
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


def test_attached_preposition_stays_outside_a_place(extractor):
    entities = found(extractor, "عاد الوفد الحكومي بعد زيارة قصيرة بدمشق، ثم توجه لحلب.")
    assert ("LOC", "دمشق") in entities
    assert ("LOC", "حلب") in entities
    assert not any(text.startswith(("ب", "ل")) for _, text in entities)


def test_lam_before_the_article_keeps_the_articles_lam(extractor):
    # ل + الأمم is written للأمم: the span starts at the article's own ل.
    entities = found(extractor, "وجه الوزير رسالة للأمم المتحدة يطلب فيها الدعم.")
    assert ("ORG", "لأمم المتحدة") in entities


def test_conjunction_and_preposition_together_stay_outside(extractor):
    entities = found(extractor, "وصلت الإمدادات إلى الرقة وبالحسكة في اليوم نفسه.")
    assert ("LOC", "الرقة") in entities
    assert ("LOC", "الحسكة") in entities


def test_title_is_outside_the_person_and_nationality_is_misc(extractor):
    entities = found(extractor, "وقال وزير الخارجية الأردني سامر الحلبي إن المحادثات كانت بناءة.")
    assert ("PER", "سامر الحلبي") in entities
    assert ("MISC", "الأردني") in entities
    assert not any(label == "PER" and "وزير" in text for label, text in entities)


def test_name_after_spokesperson_of_an_organisation_and_a_rank(extractor):
    text = "قال المتحدث باسم الدفاع المدني، العقيد مازن الخطيب، إن فرق الإنقاذ انتشلت الجثث."
    entities = found(extractor, text)
    assert ("PER", "مازن الخطيب") in entities
    assert ("ORG", "الدفاع المدني") in entities


def test_title_without_a_name_gives_no_person(extractor):
    entities = found(extractor, "قال وزير الخارجية الأمريكي في بيان إن بلاده ستواصل دعمها.")
    assert [label for label, _ in entities if label == "PER"] == []
    assert ("MISC", "الأمريكي") in entities


def test_known_given_name_without_title_is_a_person(extractor):
    entities = found(extractor, "التقى فيصل المقداد بالوفد الزائر في العاصمة.")
    assert ("PER", "فيصل المقداد") in entities


def test_kunya_belongs_to_the_name(extractor):
    entities = found(extractor, "ظهر أبو محمد الجولاني في تسجيل مصور جديد.")
    assert ("PER", "أبو محمد الجولاني") in entities


def test_surname_alone_later_is_the_same_person(extractor):
    text = "قال الناطق العسكري العميد يحيى رسول إن القوات تقدمت. وأضاف رسول أن العملية مستمرة."
    entities = found(extractor, text)
    assert entities.count(("PER", "رسول")) == 1
    assert ("PER", "يحيى رسول") in entities


def test_ministry_head_belongs_to_the_organisation_with_its_adjective(extractor):
    entities = found(extractor, "أعلنت وزارة الصحة العراقية افتتاح مستشفى جديد في الموصل.")
    assert ("ORG", "وزارة الصحة العراقية") in entities
    assert ("MISC", "العراقية") not in entities
    assert ("LOC", "الموصل") in entities


def test_organisation_name_stops_before_a_purpose_phrase(extractor):
    entities = found(extractor, "وصلت قوات التحالف الدولي لمكافحة الإرهاب إلى القاعدة.")
    assert ("ORG", "قوات التحالف الدولي") in entities


def test_listed_organisation_is_one_span_without_nested_place(extractor):
    entities = found(extractor, "سيطرت قوات سوريا الديمقراطية على حقل نفطي جديد.")
    assert ("ORG", "قوات سوريا الديمقراطية") in entities
    assert ("LOC", "سوريا") not in entities


def test_generic_head_tanzim_is_outside_the_group_name(extractor):
    entities = found(extractor, "تبنى تنظيم داعش الهجوم، في حين نفى تنظيم الدولة أي صلة له بالتفجير.")
    assert ("ORG", "داعش") in entities
    assert ("ORG", "الدولة") in entities
    assert not any("تنظيم" in text for _, text in entities)


def test_media_and_site_heads_are_outside_the_outlet_name(extractor):
    entities = found(extractor, "قالت صحيفة الوطن إن المفاوضات توقفت، بحسب ما نقلت منصة Levant24.")
    assert ("ORG", "الوطن") in entities
    assert ("ORG", "Levant24") in entities


def test_site_head_before_a_common_definite_word_is_no_outlet(extractor):
    entities = found(extractor, "وصل المسعفون إلى موقع الانفجار بعد دقائق.")
    assert not any(label == "ORG" for label, _ in entities)


def test_place_cue_words_stay_outside_the_place(extractor):
    entities = found(extractor, "قصفت طائرات حربية بلدة كفرنبل في ريف حماة الشمالي، كما استهدفت قرية تل حميس.")
    assert ("LOC", "كفرنبل") in entities
    assert ("LOC", "حماة") in entities
    assert ("LOC", "تل حميس") in entities
    assert not any(text.startswith(("بلدة", "ريف", "قرية")) for _, text in entities)


def test_place_found_after_a_cue_is_found_again_without_it(extractor):
    entities = found(extractor, "دخلت القوات بلدة الصالحية صباحا، وانسحبت من الصالحية مساء.")
    assert entities.count(("LOC", "الصالحية")) == 2


def test_geographic_head_belongs_to_the_place(extractor):
    entities = found(extractor, "عبرت الدورية نهر الخابور قرب حقل الجبسة النفطي.")
    assert ("LOC", "نهر الخابور") in entities
    assert ("LOC", "حقل الجبسة النفطي") in entities


def test_nationality_adjective_standing_alone_is_misc(extractor):
    entities = found(extractor, "نفذت طائرات روسية غارة على مواقع قرب الحدود، ورد الجيش التركي بقصف مدفعي.")
    assert ("MISC", "روسية") in entities
    assert ("ORG", "الجيش التركي") in entities
    assert ("MISC", "التركي") not in entities


def test_event_head_before_a_place_is_one_misc(extractor):
    entities = found(extractor, "شارك الوفد في مؤتمر برلين حول ليبيا.")
    assert ("MISC", "مؤتمر برلين") in entities
    assert ("LOC", "ليبيا") in entities
    assert ("LOC", "برلين") not in entities


def test_quantity_leaves_the_approximator_outside(extractor):
    entities = found(extractor, "ونزح نحو 3 آلاف مدني من المنطقة.")
    assert ("QUANTITY", "3 آلاف مدني") in entities


def test_duration_is_a_date_and_not_a_quantity(extractor):
    entities = found(extractor, "استمرت الحرب في البلاد خلال ثلاث سنوات متتالية.")
    assert ("DATE", "ثلاث سنوات") in entities
    assert not any(label == "QUANTITY" for label, _ in entities)


def test_date_leaves_the_preposition_outside(extractor):
    entities = found(extractor, "وفي 15 أيار/مايو 2017 سيطرت القوات على مدينة منبج.")
    assert ("DATE", "15 أيار/مايو 2017") in entities
    assert ("LOC", "منبج") in entities


def test_latin_platform_names_are_organisations(extractor):
    entities = found(extractor, "نشر الفيديو على تويتر ثم حذفته إدارة YouTube.")
    assert ("ORG", "تويتر") in entities
    assert ("ORG", "YouTube") in entities


def test_imperfect_verb_after_a_title_is_not_a_name(extractor):
    entities = found(extractor, "الرئيس يزور المدينة غدا.")
    assert not any(label == "PER" for label, _ in entities)


def test_urls_and_handles_are_not_names(extractor):
    entities = found(extractor, "نشر الحساب @Reuters الصورة على الرابط pic.twitter.com/AbC123 مساء أمس.")
    assert not any(label == "ORG" for label, _ in entities)
