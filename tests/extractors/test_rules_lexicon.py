"""The word-list files of the rule extractor: format, generated forms, clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.annotations import Document
from harness.extractors.rules.extractor import RulesExtractor
from harness.extractors.rules.lexicon import (
    DEFAULT_CUE_DIR,
    DEFAULT_GAZETTEER_DIR,
    LexiconError,
    adjective_forms,
    load_lexicon,
)
from harness.extractors.rules.tokens import readings_of
from harness.text.arabic import normalize_arabic_str


@pytest.fixture
def lists(tmp_path: Path) -> tuple[Path, Path]:
    gazetteers, cues = tmp_path / "gazetteers", tmp_path / "cues"
    shutil.copytree(DEFAULT_GAZETTEER_DIR, gazetteers)
    shutil.copytree(DEFAULT_CUE_DIR, cues)
    return gazetteers, cues


def test_one_adjective_stem_gives_all_four_forms_and_plurals():
    forms = adjective_forms("أمريكي")
    for form in ("أمريكي", "أمريكية", "الأمريكي", "الأمريكية", "الأمريكيين", "أمريكيون"):
        assert form in forms


def test_packaged_lists_hold_generated_nationalities_and_countries():
    lexicon = load_lexicon()
    assert normalize_arabic_str("الأمريكية") in lexicon.nationalities
    assert normalize_arabic_str("فرنسيون") in lexicon.nationalities
    assert lexicon.names.payload_of(normalize_arabic_str("لبنان")) == "LOC"


def test_country_form_wins_over_the_same_adjective_form():
    # السعودية is both "Saudi Arabia" and "the Saudi (fem.)": the country wins.
    lexicon = load_lexicon()
    key = normalize_arabic_str("السعودية")
    assert lexicon.names.payload_of(key) == "LOC"
    assert key not in lexicon.nationalities


def test_comments_and_variants_are_read(lists):
    gazetteers, cues = lists
    (gazetteers / "org_test.txt").write_text(
        "# a comment line\nشركة الكهرباء الوطنية; الكهرباء الوطنية  # trailing comment\n\n", encoding="utf-8"
    )
    extractor = RulesExtractor({"gazetteer_dir": str(gazetteers), "cue_dir": str(cues), "claims": False})
    text = "أعلنت شركة الكهرباء الوطنية خطة جديدة، ثم عدلت الكهرباء الوطنية الخطة."
    entities = extractor.extract([Document("d", text)])[0].annotations.entities
    orgs = [e.text for e in entities if e.label == "ORG"]
    assert orgs == ["شركة الكهرباء الوطنية", "الكهرباء الوطنية"]


def test_unknown_gazetteer_file_name_is_an_error_naming_the_file(lists):
    gazetteers, cues = lists
    (gazetteers / "places.txt").write_text("زردنا\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="places.txt"):
        load_lexicon(gazetteers, cues)


def test_multi_word_entry_in_a_single_word_list_names_file_and_line(lists):
    gazetteers, cues = lists
    path = cues / "function_words.txt"
    path.write_text(path.read_text(encoding="utf-8") + "لا يزال\n", encoding="utf-8")
    line_number = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(LexiconError, match=rf"function_words.txt:{line_number}"):
        load_lexicon(gazetteers, cues)


def test_country_row_with_too_many_columns_is_an_error(lists):
    gazetteers, cues = lists
    (gazetteers / "countries.txt").write_text("سوريا | سوري | | زيادة\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="countries.txt:1"):
        load_lexicon(gazetteers, cues)


def test_missing_cue_file_is_an_error_naming_it(lists):
    gazetteers, cues = lists
    (cues / "compass.txt").unlink()
    with pytest.raises(LexiconError, match="compass.txt"):
        load_lexicon(gazetteers, cues)


def test_entry_without_letters_is_an_error(lists):
    gazetteers, cues = lists
    (gazetteers / "loc_bad.txt").write_text("دمشق\n--\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="loc_bad.txt:2"):
        load_lexicon(gazetteers, cues)


def test_clitic_readings_of_a_word():
    stems = {reading.stem: reading.skip for reading in readings_of("وبدمشق")}
    assert stems["دمشق"] == 2
    assert stems["بدمشق"] == 1
    lam_lam = {reading.stem: reading.skip for reading in readings_of("للتحالف")}
    assert lam_lam["التحالف"] == 1


def test_short_words_are_not_split_into_clitic_and_one_letter():
    assert [reading.stem for reading in readings_of("بل")] == ["بل"]
