"""Label maps: parsing both spellings, dropping labels, the unmapped-label policy."""

from __future__ import annotations

import pytest

from harness.corpus.tagging import LabelMap, UnmappedLabelError, parse_label_map


def test_equals_and_arrow_spellings_give_the_same_map():
    assert parse_label_map("PERS=PER,ORG=ORG") == parse_label_map("PERS->PER, ORG -> ORG")


def test_mapped_label_is_renamed():
    assert parse_label_map("PERS=PER").apply("PERS") == "PER"


def test_drop_target_removes_the_label():
    assert parse_label_map("PERS=PER,MISC=drop").apply("MISC") is None


def test_unmapped_label_is_an_error_naming_the_label():
    with pytest.raises(UnmappedLabelError, match="'LOC'") as caught:
        parse_label_map("PERS=PER").apply("LOC")
    assert caught.value.label == "LOC"


def test_unmapped_label_is_kept_when_told_to():
    assert parse_label_map("PERS=PER", unmapped="keep").apply("LOC") == "LOC"


def test_unmapped_label_is_dropped_when_told_to():
    assert parse_label_map("PERS=PER", unmapped="drop").apply("LOC") is None


@pytest.mark.parametrize("spec", ["PERS", "PERS=", "=PER", "PERS=PER=X", "PERS->", "A=B,A=C"])
def test_malformed_label_map_entry_is_an_error_quoting_it(spec):
    with pytest.raises(ValueError, match="PERS|'A'|PER"):
        parse_label_map(spec)


def test_unknown_unmapped_policy_is_rejected():
    with pytest.raises(ValueError, match="ignore"):
        LabelMap({}, unmapped="ignore")
