"""Locating the model's strings in the document; values come from the normalisers."""

from __future__ import annotations

from harness.extractors.llm import grounding as g

TEXT = "قال المتحدث باسم الجيش إن القوات حررت 7.7 مليون شخص. وأكد أحمد الصافي أن الإنجاز كبير، وزار بغداد أمس."


def test_verbatim_copy_is_exact():
    hit = g.locate(TEXT, "القوات حررت 7.7 مليون شخص", [(0, len(TEXT))])
    assert hit.status == g.EXACT
    assert TEXT[hit.start : hit.end] == "القوات حررت 7.7 مليون شخص"


def test_copy_with_other_hamza_and_digits_is_found_normalised():
    hit = g.locate(TEXT, "واكد احمد الصافي", [(0, len(TEXT))])
    assert hit.status == g.NORMALISED
    assert TEXT[hit.start : hit.end] == "وأكد أحمد الصافي"


def test_surrounding_quotes_and_full_stop_of_the_model_are_ignored():
    hit = g.locate(TEXT, "«القوات حررت 7.7 مليون شخص.»", [(0, len(TEXT))])
    assert hit is not None and hit.status == g.EXACT


def test_invented_text_is_not_found():
    assert g.locate(TEXT, "القوات حررت ثمانية ملايين", [(0, len(TEXT))]) is None


def test_first_region_with_a_hit_wins_and_nearest_before_the_point_is_chosen():
    text = "أحمد قال شيئاً. ثم أحمد قال شيئاً آخر. وأحمد غادر."
    evidence = text.index("شيئاً آخر")
    hit = g.locate(text, "أحمد", [(0, evidence)], near=evidence, prefer_before=True)
    assert hit.start == text.index("ثم أحمد") + 3


def test_name_with_a_proclitic_is_a_mention_but_part_of_a_word_is_not():
    text = "وصل الوفد بدير الزور، ثم غادر دير الزورية."
    hits = g.mentions(text, "دير الزور", 0, len(text))
    assert [(h.start, text[h.start : h.end]) for h in hits] == [(text.index("دير الزور"), "دير الزور")]


def test_quantity_value_is_read_from_the_text_not_the_model():
    from harness.text import find_quantities

    quantities = find_quantities(TEXT)
    where = g.locate(TEXT, "7.7 مليون شخص", [(0, len(TEXT))])
    match = g.most_overlapping(quantities, where.start, where.end)
    assert match.value == 7_700_000 and match.unit == "people"


def test_article_anchor_is_the_latest_full_date_stated():
    text = "في 3 آذار/مارس 2019 ... وفي 24 آذار/مارس 2021 قال البيان أمس"
    assert g.article_anchor(text) == "2021-03-24"
    assert g.article_anchor("لا تاريخ هنا") is None


def test_quoted_clause_copied_without_its_quotes_is_found():
    text = 'وقال الوزير إن الخطة "ستغير وجه الريف" خلال سنوات.'
    hit = g.locate(text, "الخطة ستغير وجه الريف", [(0, len(text))])
    assert hit.status == g.NORMALISED
    assert text[hit.start : hit.end] == 'الخطة "ستغير وجه الريف'


def test_sentence_around_a_span_stops_at_sentence_ends():
    text = "الجملة الأولى فيها 5 قتلى. الجملة الثانية فيها 7 جرحى. الثالثة."
    start = text.index("الثانية")
    left, right = g.sentence_around(text, start, start + 7)
    assert text[left:right].strip() == "الجملة الثانية فيها 7 جرحى."


def test_space_after_a_conjunction_and_arabic_percent_sign_do_not_block_grounding():
    text = "أسفرت العمليات عن مقتل 27 مسلحاً واعتقال 41 مطلوباً، و٣٨٪ من السكان عادوا."
    hit = g.locate(text, "مقتل 27 مسلحاً و اعتقال 41 مطلوباً", [(0, len(text))])
    assert text[hit.start : hit.end] == "مقتل 27 مسلحاً واعتقال 41 مطلوباً"
    hit = g.locate(text, "38% من السكان", [(0, len(text))])
    assert text[hit.start : hit.end] == "٣٨٪ من السكان"


def test_short_strings_are_not_searched_without_spaces():
    text = "ذهب الوفد إلى عمان ثم عاد."
    assert g.locate(text, "ثم ع", [(0, len(text))]) is not None  # found normally
    assert g.occurrences(text, "نث", 0, len(text)) == []  # "عمان ثم" without its space is not a hit
