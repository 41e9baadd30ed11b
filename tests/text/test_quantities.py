"""Quantities: a number with what it counts, its unit and whether it is exact."""

from __future__ import annotations

import pytest

from harness.text.quantities import canonical_unit, find_quantities


def only(text: str):
    [match] = find_quantities(text)
    assert text[match.start : match.end] == match.text
    return match


@pytest.mark.parametrize(
    ("text", "span", "value", "unit"),
    [
        ("تحرير حوالي 110,000 كيلومتر مربع من الأراضي", "110,000 كيلومتر مربع", 110_000, "km2"),  # seed 003
        ("(42,471 ميل مربع)", "42,471 ميل مربع", 42_471, "mi2"),  # seed 003
        ("تحرير 7.7 مليون شخص من قمع داعش", "7.7 مليون شخص", 7_700_000, "people"),  # seed 003
        ("أبقت واشنطن على 600 جندي", "600 جندي", 600, "soldiers"),  # seed 001
        ("نفذنا 50 عملية ضد داعش", "50 عملية", 50, "operations"),  # seed 002
        ("ردع 62 عنصرًا من عصابات داعش", "62 عنصرًا", 62, "fighters"),  # seed 002
        ("حرمان 20 إرهابيًا الملاذ الآمن", "20 إرهابيًا", 20, "fighters"),  # seed 004
        ("التحالف الدولي المؤلف من 83 عضوا", "83 عضوا", 83, "members"),  # seed 004
        ("إزالة أكثر من 25500 مادة متفجرة", "25500 مادة", 25_500, "items"),  # seed 004
        ("تدريب 300 مواطن سوري", "300 مواطن", 300, "people"),  # seed 004
        ("تتضمن 7 بنود", "7 بنود", 7, "items"),  # seed 000
        ("استمرت أربع سنوات", "أربع سنوات", 4, "years"),  # seed 003
        ("مساحة ٥٠٠ كم² من الأرض", "٥٠٠ كم²", 500, "km2"),
        ("قتل ثلاثة أطفال", "ثلاثة أطفال", 3, "children"),
        ("شارك 1500 مقاتل", "1500 مقاتل", 1500, "fighters"),
        ("بلغت الخسائر 3 ملايين دولار", "3 ملايين دولار", 3_000_000, "USD"),
    ],
)
def test_number_followed_by_its_counted_noun(text, span, value, unit):
    match = only(text)
    assert (match.text, match.value, match.unit) == (span, value, unit)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("عودة أكثر من 65 بالمئة من النازحين", "65 بالمئة"),  # seed 000
        ("ارتفعت النسبة إلى 40 في المائة", "40 في المائة"),
        ("بنسبة ١٢٪ فقط", "١٢٪"),
        ("بنسبة 12 % فقط", "12 %"),
        ("بنسبة %12 فقط", "%12"),
    ],
)
def test_percentages_in_words_and_signs(text, span):
    match = only(text)
    assert (match.text, match.unit) == (span, "percent")


def test_decimal_comma_before_a_percent_is_a_decimal_not_a_list():
    match = only("ارتفع التضخم بنسبة 2,5% خلال الشهر")
    assert (match.text, match.value, match.unit) == ("2,5%", 2.5, "percent")


def test_approximators_set_approx_and_stay_outside_the_span():
    for text in (
        "حوالي 110,000 كيلومتر مربع",
        "نحو 50 عملية",
        "قرابة 300 مواطن",
        "ما يقارب 20 عنصرا",
        "أقل من 10 بالمئة",
        "أكثر من 65 بالمئة",
        "بأكثر من 3 آلاف شخص",
        "قتل 30 شخصا تقريبا",
        "قتل 30 شخصا على الأقل",
    ):
        match = only(text)
        assert match.approx, text
        assert not match.text.startswith(("حوالي", "نحو", "قرابة", "ما", "أقل", "أكثر", "بأكثر"))


def test_exact_amount_is_not_approx():
    assert not only("تحرير 7.7 مليون شخص").approx  # seed 003
    assert not only("مقتل 12 مدنيا في القصف").approx


def test_two_counts_joined_by_wa_are_two_quantities():
    found = find_quantities("التحالف المكون من 74 دولة وخمس منظمات عالمية")  # seed 003
    assert [(q.text, q.value, q.unit) for q in found] == [
        ("74 دولة", 74, "countries"),
        ("خمس منظمات", 5, "organizations"),
    ]


def test_coordinated_nouns_of_persons_stay_inside_and_count_people():
    match = only("لقد إستسلم أكثر من 60,000 إرهابي ومدني من داعش")  # seed 003
    assert (match.text, match.value, match.unit) == ("60,000 إرهابي ومدني", 60_000, "people")
    assert match.approx


def test_dual_noun_is_two_of_its_unit():
    match = only("التحالف الدولي يستعرض انجازاته خلال عامين")  # seed 000
    assert (match.text, match.value, match.unit) == ("عامين", 2, "years")
    assert only("زار البلاد مرتين").unit == "times"


def test_definite_noun_with_a_number_word_after_it():
    match = only("أما الإنجازات الأربعة الأخرى")  # seed 000
    assert (match.text, match.value, match.unit) == ("الإنجازات الأربعة", 4, "items")
    assert only("اجتمع وزراء الدول الخمس").unit == "countries"


def test_vague_plural_with_a_counted_noun_is_a_lower_bound():
    match = only("أُسْتُشْهِدَ الآلاف من مُقاتلي قوات سوريا الديمقراطية")  # seed 003
    assert (match.text, match.value, match.unit, match.approx) == ("الآلاف", 1000, "fighters", True)
    tens = only("نزوح عشرات الآلاف من اللاجئين")
    assert (tens.text, tens.value, tens.unit) == ("عشرات الآلاف", 10_000, "refugees")


def test_numbers_that_count_nothing_known_are_no_quantities():
    text = "تطبيق مقررات مؤتمر جنيف 2254 وإخراج المنظمات، وفي 23 آذار 2019"  # after seed 004
    assert find_quantities(text) == []


@pytest.mark.parametrize(
    ("noun", "unit"),
    [
        ("شخص", "people"),
        ("أشخاص", "people"),
        ("مدني", "people"),
        ("مواطن", "people"),
        ("عملية", "operations"),
        ("عمليات", "operations"),
        ("عضو", "members"),
        ("أعضاء", "members"),
        ("دولة", "countries"),
        ("دول", "countries"),
        ("جندي", "soldiers"),
        ("جنود", "soldiers"),
        ("عنصر", "fighters"),
        ("عناصر", "fighters"),
        ("مقاتل", "fighters"),
        ("إرهابي", "fighters"),
        ("مادة", "items"),
        ("مواد", "items"),
        ("عام", "years"),
        ("سنة", "years"),
        ("منظمة", "organizations"),
        ("كيلومتر مربع", "km2"),
        ("كم2", "km2"),
        ("ميل مربع", "mi2"),
        ("بالمئة", "percent"),
        ("%", "percent"),
        ("عنصرًا", "fighters"),
        ("الأشخاص", "people"),
        ("والدول", "countries"),
        ("مقاتلي", "fighters"),
    ],
)
def test_canonical_unit_of_nouns_in_all_their_forms(noun, unit):
    assert canonical_unit(noun) == unit


def test_canonical_unit_is_idempotent_on_canonical_names():
    for name in ("km2", "mi2", "percent", "people", "operations", "members", "countries",
                 "organizations", "soldiers", "fighters", "items", "years", "months", "days"):
        assert canonical_unit(name) == name
    assert canonical_unit("KM2") == "km2"


def test_unknown_noun_comes_back_normalised_so_spellings_compare_equal():
    assert canonical_unit("إنجازات") == canonical_unit("انجازات") == "انجازات"
    assert canonical_unit(canonical_unit("إنجازات")) == "انجازات"
