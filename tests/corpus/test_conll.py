"""Reading CoNLL files written by the tests: schemes, offsets, label maps, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.annotations import GoldDocument
from harness.corpus.conll import ConllFormatError, read_conll

# Two sentences; the second has an entity that starts with I- (as in ANERcorp).
IOB2_TEXT = """-DOCSTART- O

زار O
محمد B-PERS
بن I-PERS
سلمان I-PERS
باريس B-LOC
أمس O

أعلنت O
الأمم I-ORG
المتحدة I-ORG
ذلك O
"""

IOB1_TEXT = """زار O
محمد I-PERS
سلمان I-PERS
عمرو B-PERS
في O
باريس I-LOC
"""

IOBES_TEXT = """زار O
محمد B-PERS
بن I-PERS
سلمان E-PERS
باريس S-LOC
"""


def write(tmp_path: Path, text: str, name: str = "sample.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def entity_view(doc: GoldDocument) -> list[tuple[str, str]]:
    return [(e.label, e.text) for e in doc.gold.entities]


def test_each_sentence_becomes_a_document_with_numbered_id_and_spaced_text(tmp_path):
    corpus = read_conll(write(tmp_path, IOB2_TEXT))
    docs = corpus.gold_documents()
    assert [d.document.doc_id for d in docs] == ["sample-s00001", "sample-s00002"]
    assert docs[0].document.text == "زار محمد بن سلمان باريس أمس"
    assert docs[0].gold.doc_id == "sample-s00001"


def test_entities_carry_ids_labels_and_offsets_into_the_sentence_text(tmp_path):
    doc = read_conll(write(tmp_path, IOB2_TEXT)).gold_documents()[0]
    person, place = doc.gold.entities
    assert (person.id, person.label, person.text) == ("e1", "PERS", "محمد بن سلمان")
    assert (place.id, place.label, place.text) == ("e2", "LOC", "باريس")
    for entity in doc.gold.entities:
        assert doc.document.text[entity.start : entity.end] == entity.text


def test_token_offsets_slice_each_token_out_of_the_text(tmp_path):
    sentence = read_conll(write(tmp_path, IOB2_TEXT)).sentences[0]
    text = sentence.doc.document.text
    assert [text[s:e] for s, e in sentence.token_spans] == list(sentence.tokens)


def test_raw_tags_and_first_line_are_kept_as_written(tmp_path):
    sentence = read_conll(write(tmp_path, IOB2_TEXT)).sentences[1]
    assert sentence.tags == ("O", "I-ORG", "I-ORG", "O")
    assert sentence.line == 10


def test_entity_starting_with_inside_tag_is_read_as_an_entity(tmp_path):
    doc = read_conll(write(tmp_path, IOB2_TEXT)).gold_documents()[1]
    assert entity_view(doc) == [("ORG", "الأمم المتحدة")]


def test_iob1_file_splits_adjacent_people_at_the_begin_tag(tmp_path):
    doc = read_conll(write(tmp_path, IOB1_TEXT), scheme="IOB1").gold_documents()[0]
    assert entity_view(doc) == [("PERS", "محمد سلمان"), ("PERS", "عمرو"), ("LOC", "باريس")]


def test_iobes_file_gives_the_same_entities_as_its_iob2_twin(tmp_path):
    iobes = read_conll(write(tmp_path, IOBES_TEXT), scheme="IOBES").gold_documents()[0]
    iob2 = IOBES_TEXT.replace("E-PERS", "I-PERS").replace("S-LOC", "B-LOC")
    twin = read_conll(write(tmp_path, iob2, "twin.txt")).gold_documents()[0]
    assert entity_view(iobes) == entity_view(twin) == [("PERS", "محمد بن سلمان"), ("LOC", "باريس")]


def test_single_column_line_is_an_error_with_file_and_line(tmp_path):
    path = write(tmp_path, "زار O\nمحمد\nباريس B-LOC\n")
    with pytest.raises(ConllFormatError) as caught:
        read_conll(path)
    assert str(caught.value).startswith(f"{path}:2: ")
    assert caught.value.line == 2


def test_tag_from_another_scheme_is_an_error_with_file_and_line(tmp_path):
    path = write(tmp_path, IOBES_TEXT)
    with pytest.raises(ConllFormatError, match=r"sample\.txt:4: .*'E-PERS'.*IOB2"):
        read_conll(path, scheme="IOB2")


def test_label_map_renames_and_drops_labels(tmp_path):
    corpus = read_conll(write(tmp_path, IOB2_TEXT), label_map="PERS=PER,LOC->LOC,ORG=drop")
    docs = corpus.gold_documents()
    assert entity_view(docs[0]) == [("PER", "محمد بن سلمان"), ("LOC", "باريس")]
    assert docs[1].gold.entities == ()
    assert corpus.labels == ("LOC", "PER")
    assert corpus.sentences[1].tags == ("O", "I-ORG", "I-ORG", "O")


def test_label_missing_from_the_map_is_an_error_naming_label_file_and_line(tmp_path):
    path = write(tmp_path, IOB2_TEXT)
    with pytest.raises(ConllFormatError, match=r"sample\.txt:11: .*'ORG'"):
        read_conll(path, label_map="PERS=PER,LOC=LOC")


def test_other_columns_are_skipped_and_columns_can_be_chosen(tmp_path):
    four_columns = "EU NNP B-NP B-ORG\nrejects VBZ B-VP O\nGerman JJ B-NP B-MISC\n"
    corpus = read_conll(write(tmp_path, four_columns))
    assert entity_view(corpus.gold_documents()[0]) == [("ORG", "EU"), ("MISC", "German")]
    chunks = read_conll(write(tmp_path, four_columns), tag_col=2)
    assert entity_view(chunks.gold_documents()[0]) == [("NP", "EU"), ("VP", "rejects"), ("NP", "German")]


def test_tabs_crlf_missing_final_newline_and_extra_blank_lines_are_tolerated(tmp_path):
    text = "\r\n\r\nزار\tO\r\nباريس\tB-LOC\r\n\r\n\r\nأمس\tO"
    docs = read_conll(write(tmp_path, text)).gold_documents()
    assert [d.document.text for d in docs] == ["زار باريس", "أمس"]
    assert entity_view(docs[0]) == [("LOC", "باريس")]


def test_no_break_space_inside_a_token_does_not_split_columns(tmp_path):
    doc = read_conll(write(tmp_path, "عبد\u00a0الله B-PERS\nقال O\n")).gold_documents()[0]
    assert entity_view(doc) == [("PERS", "عبد\u00a0الله")]


def test_file_without_tokens_is_an_error(tmp_path):
    with pytest.raises(ConllFormatError, match="no sentences"):
        read_conll(write(tmp_path, "-DOCSTART- O\n\n"))


def test_invalid_utf8_is_an_error_with_its_line(tmp_path):
    path = tmp_path / "broken.txt"
    path.write_bytes("زار O\n".encode() + b"\xff\xfe O\n")
    with pytest.raises(ConllFormatError, match=r"broken\.txt:2: not valid UTF-8"):
        read_conll(path)
