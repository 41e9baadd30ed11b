"""Splitting a document into the units one model call reads."""

from __future__ import annotations

import pytest

from harness.extractors.llm.paragraphs import headline_of, split_paragraphs

DOC = (
    "عنوان الخبر الرئيسي يتحدث عن افتتاح مستشفى جديد في المدينة\n\n"
    "عمّان – بترا\n"
    "افتتح وزير الصحة مستشفى جديداً بسعة 200 سرير في شمال المملكة اليوم الأحد.\n\n"
    "وقال الوزير إن المستشفى سيخدم أكثر من نصف مليون نسمة في المنطقة.\n"
)


def test_every_unit_is_the_raw_text_at_its_offsets():
    for paragraph in split_paragraphs(DOC):
        assert DOC[paragraph.start : paragraph.end] == paragraph.text


def test_short_dateline_joins_the_paragraph_after_it():
    units = split_paragraphs(DOC)
    assert len(units) == 3
    assert units[1].text.startswith("عمّان – بترا\nافتتح")


def test_headline_is_the_first_non_blank_line():
    assert headline_of("\n\n  العنوان هنا  \nنص") == "العنوان هنا"


def test_long_paragraph_is_cut_after_a_sentence_end():
    sentence = "هذه جملة طويلة بعض الشيء عن موضوع ما. "
    text = sentence * 20
    units = split_paragraphs(text, max_chars=200)
    assert len(units) > 1
    assert all(len(u.text) <= 200 for u in units)
    assert all(u.text.endswith(".") for u in units[:-1])
    assert "".join(u.text for u in units).replace(" ", "") == text.strip().replace(" ", "")


def test_short_lines_at_the_end_join_the_last_unit():
    text = "فقرة أولى طويلة بما يكفي لتكون وحدة مستقلة في النص.\n#وسم"
    units = split_paragraphs(text)
    assert len(units) == 1 and units[0].text.endswith("#وسم")


def test_too_small_max_chars_is_refused():
    with pytest.raises(ValueError, match="max_chars"):
        split_paragraphs("نص", max_chars=10)
