"""The transformers NER extractor: model sources, label maps, fingerprints, windows and offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch")

from harness.annotations import Document  # noqa: E402
from harness.common.paths import PROJECT_ROOT  # noqa: E402
from harness.extractors.ner.extractor import (  # noqa: E402
    TransformersNerExtractor,
    entity_types,
    trim_span,
)
from harness.extractors.ner.loading import ModelUnavailableError  # noqa: E402
from harness.extractors.registry import create_extractor  # noqa: E402
from harness.training.tiny import write_tiny_classifier  # noqa: E402

SHIPPED = PROJECT_ROOT / "models" / "ner-e5-anercorp"
LABELS = ["O", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-PERS", "I-PERS"]
MAP = {"PERS": "PER", "ORG": "ORG", "LOC": "LOC"}
WORDS = ["قال", "محمد", "في", "بغداد", "دمشق", "علي", "الأمم", "المتحدة"]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    """A tiny random token classifier (untrained: its labels are arbitrary but deterministic)."""
    return write_tiny_classifier(tmp_path_factory.mktemp("ner") / "classifier", WORDS, LABELS, seed=5)


def _extractor(model_dir: Path, **params) -> TransformersNerExtractor:
    return TransformersNerExtractor({"model": str(model_dir), "label_map": MAP, "threads": 1, **params})


def test_a_hub_model_offline_fails_the_setup_with_one_line_naming_the_model(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ModelUnavailableError) as error:
        create_extractor("ner", {"model": "CAMeL-Lab/bert-base-arabic-camelbert-msa-ner", "label_map": MAP})
    message = str(error.value)
    assert "\n" not in message
    assert "CAMeL-Lab/bert-base-arabic-camelbert-msa-ner" in message and "HF_HUB_OFFLINE" in message


def test_the_camelbert_config_run_offline_prints_one_error_line_and_no_traceback(monkeypatch, capsys):
    from harness.cli import main

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    code = main(["run", str(PROJECT_ROOT / "configs" / "ner-camelbert.yaml"), "--results", str(PROJECT_ROOT / "results")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ner model 'CAMeL-Lab/bert-base-arabic-camelbert-msa-ner' cannot be loaded")
    assert "Traceback" not in err and err.count("\n") == 1


def test_a_missing_local_directory_is_named():
    with pytest.raises(ModelUnavailableError, match="models/no-such-model.*does not exist"):
        create_extractor("ner", {"model": "models/no-such-model"})


def test_every_model_type_must_be_mapped_or_dropped(model_dir):
    with pytest.raises(ValueError, match="ORG"):
        TransformersNerExtractor({"model": str(model_dir), "label_map": {"PERS": "PER", "LOC": "LOC"}})
    with pytest.raises(ValueError, match="not a harness label"):
        TransformersNerExtractor({"model": str(model_dir), "label_map": {**MAP, "PERS": "PERSON"}})
    dropped = TransformersNerExtractor({"model": str(model_dir), "label_map": {**MAP, "ORG": None}})
    assert dropped.entity_labels == ("PER", "LOC")


def test_it_declares_the_labels_it_emits_and_no_claims(model_dir):
    extractor = _extractor(model_dir)
    assert extractor.entity_labels == ("PER", "ORG", "LOC")
    assert extractor.emits_claims is False and extractor.claim_slots == ()
    assert entity_types(LABELS) == ["LOC", "ORG", "PERS"]


def test_the_fingerprint_changes_with_the_model_bytes_label_map_and_windows(model_dir, tmp_path):
    base = _extractor(model_dir).fingerprint()
    assert _extractor(model_dir).fingerprint() == base
    assert _extractor(model_dir, window=64).fingerprint() != base
    assert _extractor(model_dir, overlap=8).fingerprint() != base
    assert TransformersNerExtractor({"model": str(model_dir), "label_map": {**MAP, "ORG": None}}).fingerprint() != base
    assert _extractor(model_dir, decoding="argmax").fingerprint() != base
    copy = tmp_path / "copy"
    copy.mkdir()
    for path in model_dir.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    assert _extractor(copy).fingerprint()["model_sha256"] == base["model_sha256"]
    (copy / "config.json").write_text((copy / "config.json").read_text().replace('"O"', '"O" '))
    assert _extractor(copy).fingerprint()["model_sha256"] != base["model_sha256"]


def test_a_long_document_is_windowed_and_every_word_gets_exactly_one_label(model_dir):
    extractor = _extractor(model_dir, window=16, overlap=4, batch_size=3)
    text = " ".join(["قال محمد علي في بغداد، إن الأمم المتحدة في دمشق."] * 12)
    encoded, tags = extractor.word_tags([text, "قال محمد"])
    assert len(tags[0]) == len(text.split()) and len(tags[1]) == 2
    assert all(tag in LABELS for tag in tags[0])


def test_constrained_decoding_repairs_the_orphan_i_tags_argmax_writes(model_dir):
    text = " ".join(["قال محمد علي في بغداد، إن الأمم المتحدة في دمشق."] * 6)
    _, [constrained] = _extractor(model_dir, window=16, overlap=4).word_tags([text])
    _, [argmax] = _extractor(model_dir, window=16, overlap=4, decoding="argmax").word_tags([text])

    def orphans(tags: list[str]) -> int:
        return sum(tag.startswith("I-") and before[2:] != tag[2:] for before, tag in zip(["O", *tags[:-1]], tags))

    assert len(constrained) == len(argmax) == len(text.split())
    assert orphans(argmax) > 0, "the random tiny model should write some invalid sequences"
    assert orphans(constrained) == 0
    with pytest.raises(ValueError, match="decoding must be one of"):
        _extractor(model_dir, decoding="beam")


def test_entity_offsets_point_into_the_raw_text_and_skip_glued_punctuation(model_dir):
    extractor = _extractor(model_dir, window=16, overlap=4)
    text = "قال محمد علي في «بغداد»، إن الأمم المتحدة في دمشق.\n" * 6
    [prediction] = extractor.extract([Document("d", text)])
    for entity in prediction.annotations.entities:
        assert text[entity.start : entity.end] == entity.text
        assert entity.text and trim_span(entity.text, 0, len(entity.text)) == (0, len(entity.text))
    from harness.extractors.ner.words import encode_text

    forced = ["B-PERS", "I-PERS", "O", "O", "B-LOC"] + ["O"] * 5
    one = "محمد علي في قال «بغداد»، إن الأمم المتحدة في"
    entities = extractor.entities_from_tags(one, encode_text(extractor.tokenizer, one), forced)
    assert [(e.label, e.text) for e in entities] == [("PER", "محمد علي"), ("LOC", "بغداد")]


def test_trim_span_removes_arabic_punctuation_and_quotes():
    text = "«بغداد»،"
    start, end = trim_span(text, 0, len(text))
    assert text[start:end] == "بغداد"


@pytest.mark.skipif(not SHIPPED.is_dir(), reason=f"the shipped model is not at {SHIPPED}")
def test_the_shipped_model_finds_a_person_and_a_place_in_a_written_sentence():
    extractor = create_extractor("ner", {"model": "models/ner-e5-anercorp", "label_map": {"PERS": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}})
    text = "وقال الرئيس الفرنسي إيمانويل ماكرون في باريس إن المحادثات ستستمر."
    [prediction] = extractor.extract([Document("t", text)])
    found = {(e.label, e.text) for e in prediction.annotations.entities}
    assert ("LOC", "باريس") in found
    assert any(label == "PER" and "ماكرون" in name for label, name in found)


def test_fetching_a_local_model_directory_from_the_hub_is_refused_naming_it(tmp_path):
    # A source without a Hub id (a directory on disk) has nothing to download: a named error,
    # not a download of the id None.
    from harness.extractors.ner.loading import fetch_hub_model, resolve_source

    source = resolve_source(str(tmp_path))
    assert source.hub_id is None and source.local_dir == tmp_path.resolve()
    with pytest.raises(ValueError, match=f"ner model {tmp_path}: a local model, not a Hub id"):
        fetch_hub_model(source)
