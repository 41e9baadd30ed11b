"""Quantities beyond number + listed noun: ranges, fractions, open nouns, vague amounts.

Sentences written for these tests. ``open_nouns`` is the rule extractor's
setting; the default (used to ground model output) keeps the closed table.
"""

from __future__ import annotations

import pytest

from harness.text.quantities import find_quantities


def quantities(text: str, *, open_nouns: bool = True) -> list[tuple]:
    found = find_quantities(text, open_nouns=open_nouns)
    for match in found:
        assert text[match.start : match.end] == match.text
    return [(m.text, round(m.value, 2), m.unit, m.approx) for m in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أصيب بين 12 و18 شخصاً", ("12 و18 شخصاً", 12, "people", True)),
        ("يتراوح عددهم ما بين 40 و55 مقاتلاً", ("40 و55 مقاتلاً", 40, "fighters", True)),
        ("نقل من 3 إلى 4 أطفال", ("3 إلى 4 أطفال", 3, "children", True)),
        ("اعتقل 20-25 مسلحاً", ("20-25 مسلحاً", 20, "fighters", True)),
        ("ارتفعت الأسعار بين 10% و15%", ("10% و15%", 10, "percent", True)),
        ("فقد ثلاثة أو أربعة جنود", ("ثلاثة أو أربعة جنود", 3, "soldiers", True)),
    ],
)
def test_a_range_is_one_span_from_the_first_number_valued_by_the_lower_bound(text, expected):
    assert quantities(text) == [expected]


def test_numbers_joined_by_wa_without_bayna_stay_two_and_a_score_is_no_range():
    assert quantities("وصل 5 و6 أشخاص", open_nouns=False) == [("6 أشخاص", 6, "people", False)]
    assert quantities("انتهت المباراة 3-1 لصالح الضيوف") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("صوّت ثلث الأعضاء ضد القرار", ("ثلث الأعضاء", 33.33, "percent", False)),
        ("يعيش ربع السكان تحت خط الفقر", ("ربع السكان", 25, "percent", False)),
        ("فاز بثلثي المقاعد", ("ثلثي المقاعد", 66.67, "percent", False)),
        ("دُمّر ثلاثة أرباع المباني", ("ثلاثة أرباع المباني", 75, "percent", False)),
        ("نحو نصف الموظفين", ("نصف الموظفين", 50, "percent", True)),
        ("تأخر القطار نصف ساعة", ("نصف ساعة", 0.5, "hours", False)),
    ],
)
def test_fractions_of_a_whole_are_percent_and_of_a_unit_are_that_unit(text, expected):
    assert quantities(text) == [expected]


def test_a_fraction_with_a_scale_word_is_still_one_number():
    assert quantities("خصصت نصف مليون دولار") == [("نصف مليون دولار", 500_000, "USD", False)]


def test_semi_and_quarter_finals_are_no_fractions():
    assert quantities("بلغ الفريق نصف النهائي بعد ربع النهائي") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("افتتحت البلدية 14 حديقة", ("14 حديقة", 14, "حديقه", False)),
        ("أطلقت الفصائل خمسة صواريخ", ("خمسة صواريخ", 5, "صواريخ", False)),
        ("نجا سبعة آخرون", ("سبعة آخرون", 7, "اخرون", False)),
        ("وزعت الجمعية ٤٠٠ سلة غذائية", ("٤٠٠ سلة", 400, "سله", False)),
        ("احتجز خمستاشر صياد", ("خمستاشر صياد", 15, "صياد", False)),
    ],
)
def test_open_nouns_are_counted_with_their_own_form_as_unit(text, expected):
    assert quantities(text) == [expected]
    assert quantities(text, open_nouns=False) == []  # the closed table knows none of them


@pytest.mark.parametrize(
    "text",
    [
        "تنص المادة 12 صراحة على ذلك",  # an article number
        "سجل اللاعب في الدقيقة 77 هدفاً",  # a match minute
        "طالب القرار 2254 بوقف النار",  # a resolution number
        "يحمل اللاعب الرقم 10 منذ سنوات",
        "في 2019 شهدت المدينة احتجاجات",  # a year
        "قتل ثلاثة وأصيب آخرون",  # a new clause after و
        "التقى 5 منهم بالوزير",  # a pronoun after a preposition
        "وصل 3 صباحاً",  # a time word
        "في 15 آذار",  # a date
    ],
)
def test_open_nouns_skip_identifiers_years_and_closed_class_words(text):
    assert quantities(text) == []


def test_half_after_a_unit_adds_to_it():
    assert quantities("استغرقت الرحلة ساعتين ونصف") == [("ساعتين ونصف", 2.5, "hours", False)]
    assert quantities("بعد أربعة أشهر ونصف") == [("أربعة أشهر ونصف", 4.5, "months", False)]


def test_a_plural_noun_with_a_compound_or_digits_after_the_article_is_counted():
    assert quantities("اجتمعت الدول الخمس والعشرون") == [("الدول الخمس والعشرون", 25, "countries", False)]
    assert quantities("وقعت الدول الـ27 على البيان") == [("الدول الـ27", 27, "countries", False)]
    assert quantities("افتتحت الدورة الـ75 للجمعية") == []  # singular: the 75th session


def test_vague_amounts_with_any_noun_or_none_are_vague_lower_bounds():
    found = find_quantities("نزح الآلاف بينما دمرت عشرات الجسور", open_nouns=True)
    assert [(m.text, m.value, m.vague, m.approx) for m in found] == [
        ("الآلاف", 1000, True, True),
        ("عشرات الجسور", 10, True, True),
    ]
    assert find_quantities("نزح الآلاف بينما دمرت عشرات الجسور") == []  # closed table: no known noun


def test_exact_counts_are_not_vague():
    assert not find_quantities("أصيب 12 شخصاً")[0].vague


@pytest.mark.parametrize(
    "text",
    [
        "بلغت الخسائر ما يتجاوز 40 مليون دولار",
        "بزيادة تناهز 6 بالمئة",
        "في حدود 300 شخص",
        "وصل شي 50 شخص",  # Levantine "about"
        "قتل 10 أشخاص على الأكثر",
        "فر 200 شخص أو يزيد",
        "حضر أكتر من 100 شخص",
    ],
)
def test_approximators_of_every_form_set_approx_and_stay_outside(text):
    [match] = find_quantities(text)
    assert match.approx, text
    assert match.text[0].isdigit() or match.text[0] in "٠١٢٣٤٥٦٧٨٩"


@pytest.mark.parametrize(
    "text",
    [
        "وصل 4 وهذه أول مرة",  # و + a demonstrative
        "قتل 3 بغارات جوية",  # ب + a counted noun: a prepositional phrase
        "وإصابة اثنين بجروح خطيرة",  # the word "two" takes no counted noun after it
        "انطلقت البطولة الـ12 للناشئين",  # digits after the article: an ordinal
        "شارك 30 للمرة الأولى",  # ل + the article
    ],
)
def test_open_nouns_skip_words_with_a_glued_preposition_and_ordinal_digits(text):
    assert quantities(text) == []


def test_maghrebi_plural_of_billion_is_a_scale_word():
    assert quantities("بلغت الاستثمارات ثلاثة ملايير درهم") == [("ثلاثة ملايير درهم", 3e9, "dirham", False)]


def test_spoken_two_comes_before_its_noun():
    assert quantities("اشترى جوج كراسي") == [("جوج كراسي", 2, "كراسي", False)]


@pytest.mark.parametrize(
    "text",
    [
        "قتل المسلحون سبعة وجرحت القذائف عشرة",  # و + a past verb
        "من الخامس عشر حتى السابع عشر تشهد المدينة مهرجاناً",  # the ten of an ordinal
        "في الذكرى 40 لتأسيس النادي",  # an anniversary number
        "ولد عام 1871 في القاهرة",  # a year after عام
        "فاز الفريق 3-2 علماً بأنه لعب منقوصاً",  # an adverb after a score
    ],
)
def test_open_nouns_skip_verbs_after_wa_ordinals_anniversaries_and_years(text):
    assert quantities(text) == []


def test_a_root_waw_noun_after_a_number_is_counted():
    assert quantities("سلمت 12 وحدة سكنية") == [("12 وحدة", 12, "وحده", False)]
