"""``ner+rules-claims``: NER names inside the rule baseline's claim frames, composed by name."""

from __future__ import annotations

import pytest

from harness.annotations import Document, Entity
from harness.extractors.ner.combined import NerWithRuleClaims, merge_mentions
from harness.extractors.registry import create_extractor
from harness.extractors.rules.claims import find_claims
from harness.extractors.rules.entities import analyse
from harness.extractors.rules.lexicon import load_lexicon

TEXT = "وقال سامر الخطيب إن خمسة آلاف شخص وصلوا إلى مدينة الرمادي يوم 3 آذار 2021."


def _entity(label: str, surface: str) -> Entity:
    start = TEXT.index(surface)
    return Entity("x", label, start, start + len(surface), surface)


def test_a_person_only_the_model_knows_becomes_the_speaker_of_the_rule_claim():
    lexicon = load_lexicon(None, None)
    analysis = analyse(TEXT, lexicon)
    assert not any(m.label == "PER" for m in analysis.mentions)  # the rules do not know this name
    merged = merge_mentions(analysis, [_entity("PER", "سامر الخطيب"), _entity("LOC", "الرمادي")])
    assert [(m.entity.id, m.label) for m in merged.mentions] == [("e1", "PER"), ("e2", "QUANTITY"), ("e3", "LOC"), ("e4", "DATE")]
    [claim] = find_claims(merged, lexicon)
    assert claim.speaker is not None and claim.speaker.entity == "e1" and claim.speaker.text == "سامر الخطيب"
    assert claim.quantity is not None and claim.quantity.value == 5000
    assert claim.location is not None and claim.location.entity == "e3"


def test_rule_names_are_replaced_and_a_name_overlapping_a_date_is_dropped():
    lexicon = load_lexicon(None, None)
    analysis = analyse(TEXT, lexicon)
    merged = merge_mentions(analysis, [_entity("PER", "آذار")])
    labels = [m.label for m in merged.mentions]
    assert "PER" not in labels and "LOC" not in labels  # the rules' LOC is gone: names come from NER only
    assert labels == ["QUANTITY", "DATE"]


def test_the_combined_setup_is_built_by_name_and_fingerprints_both_parts(tmp_path):
    pytest.importorskip("torch")
    from harness.training.tiny import write_tiny_classifier

    labels = ["O", "B-LOC", "I-LOC", "B-PERS", "I-PERS"]
    model = write_tiny_classifier(tmp_path / "m", ["قال", "الرمادي"], labels, seed=2)
    extractor = create_extractor("ner+rules-claims", {"ner": {"model": str(model), "label_map": {"PERS": "PER", "LOC": "LOC"}, "threads": 1}})
    assert isinstance(extractor, NerWithRuleClaims)
    assert extractor.entity_labels == ("PER", "LOC", "DATE", "QUANTITY")
    assert extractor.emits_claims and extractor.claim_slots
    fingerprint = extractor.fingerprint()
    assert fingerprint["ner"]["model_sha256"] and fingerprint["rules"]["lexicon_sha256"]
    [prediction] = extractor.extract([Document("d", TEXT)])
    ids = {e.id for e in prediction.annotations.entities}
    for claim in prediction.annotations.claims:
        for ref in (claim.speaker, claim.location):
            assert ref is None or ref.entity is None or ref.entity in ids


def test_the_combined_setup_needs_the_ner_params():
    with pytest.raises(ValueError, match="params.ner"):
        create_extractor("ner+rules-claims", {})
