"""A range of a CoNLL file's sentences as a corpus: e.g. the dev split held out at the end of a training file."""

from __future__ import annotations

import pytest

from harness.corpus.load import (
    CorpusOptionError,
    CorpusSpec,
    load_conll_file,
    load_corpus,
    sentence_slice,
)
from harness.runs.compare import spec_from_json

# Four sentences written for this test; the last two stand for a dev split.
CONLL = """زار O
سامي B-PERS
حلب B-LOC

افتتحت O
جامعة B-ORG
دمشق I-ORG

وصلت O
ليلى B-PERS

غادر O
كريم B-PERS
طرابلس B-LOC
"""


def _write(tmp_path):
    path = tmp_path / "train.txt"
    path.write_text(CONLL, encoding="utf-8")
    return path


def test_a_range_keeps_those_sentences_with_their_ids_from_the_whole_file(tmp_path):
    corpus = load_conll_file(_write(tmp_path), "PERS=PER,ORG=ORG,LOC=LOC", sentences="2:")
    assert [d.document.doc_id for d in corpus.documents] == ["train-s00003", "train-s00004"]
    assert [d.document.text for d in corpus.documents] == ["وصلت ليلى", "غادر كريم طرابلس"]
    assert [e.text for d in corpus.documents for e in d.gold.entities] == ["ليلى", "كريم", "طرابلس"]
    assert corpus.name == "train[2:]" and len(corpus.document_units) == 2
    whole = load_conll_file(_write(tmp_path), "PERS=PER,ORG=ORG,LOC=LOC")
    assert corpus.document_units == whole.document_units[2:], "the in-sample check sees the same sentence identities"


def test_a_range_has_a_gold_hash_of_its_own(tmp_path):
    path = _write(tmp_path)
    hashes = {load_conll_file(path, None, sentences=r).gold_sha256 for r in ("2:", "1:", ":2")} | {load_conll_file(path, None).gold_sha256}
    assert len(hashes) == 4


def test_a_range_read_in_passages_groups_only_its_own_sentences(tmp_path):
    corpus = load_conll_file(_write(tmp_path), None, passage_tokens=100, sentences="1:3")
    [passage] = corpus.documents
    assert passage.document.text == "افتتحت جامعة دمشق وصلت ليلى"
    assert corpus.name == "train[1:3]-passages100"


@pytest.mark.parametrize(("text", "message"), [("3", "START:STOP"), ("a:", "whole numbers"), ("-1:", "whole numbers"), ("3:2", "selects no sentence"), ("1:2:3", "START:STOP")])
def test_a_malformed_range_is_refused_with_the_value(text, message):
    with pytest.raises(CorpusOptionError, match=message):
        sentence_slice(text)


def test_a_range_past_the_end_of_the_file_is_refused_with_the_file_and_its_size(tmp_path):
    with pytest.raises(CorpusOptionError, match=r"train.txt: sentences '9:' selects none of its 4 sentences"):
        load_conll_file(_write(tmp_path), None, sentences="9:")


def test_a_range_is_refused_for_a_gold_directory(tmp_path):
    with pytest.raises(CorpusOptionError, match="sentences: not an option of the gold-dir format"):
        load_corpus(tmp_path, sentences="1:")


def test_a_recorded_spec_with_a_range_reads_back_the_same_corpus(tmp_path):
    spec = CorpusSpec.of(_write(tmp_path), None, {"label_map": "PERS=PER,ORG=ORG,LOC=LOC", "sentences": "2:"})
    recorded = spec.to_dict()
    assert recorded["sentences"] == "2:"
    assert spec_from_json(recorded) == spec and spec_from_json(recorded).load().gold_sha256 == spec.load().gold_sha256
    assert "sentences" not in CorpusSpec(_write(tmp_path)).to_dict()
