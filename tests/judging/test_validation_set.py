"""The committed judge validation set (gold/judge/validation.jsonl) keeps its promises."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from harness.common.paths import PROJECT_ROOT as ROOT
from harness.corpus.load import load_corpus
from harness.judging.validation import DEFAULT_VALIDATION_SET, load_validation_set


@pytest.fixture(scope="module")
def pairs():
    return load_validation_set(DEFAULT_VALIDATION_SET)


def test_set_has_at_least_200_pairs_balanced_between_same_and_different(pairs):
    labels = Counter(p.label for p in pairs)
    assert len(pairs) >= 200
    assert 0.4 <= labels["same"] / len(pairs) <= 0.6, labels


def test_pairs_come_from_every_claim_extractor_on_both_tracks(pairs):
    setups = {run["setup"] for p in pairs for run in p.source["runs"]}
    tracks = {run["track"] for p in pairs for run in p.source["runs"]}
    assert {"rules", "ner+rules-claims", "llm-qwen1.5b-fewshot"} <= setups
    assert {"seeds", "heldout"} <= tracks
    assert {p.source["aligned"] for p in pairs} == {True, False}


def test_every_span_of_every_pair_is_the_document_text_at_its_offsets(pairs):
    texts = {g.document.doc_id: g.document.text for root in (ROOT, ROOT / "tests" / "data" / "heldout") for g in load_corpus(root).documents}
    for pair in pairs:
        text = texts[pair.item.doc_id]
        for claim in (pair.item.gold, pair.item.predicted):
            for span in (claim.evidence, claim.speaker, claim.quantity, claim.time, claim.location):
                if span is not None:
                    assert text[span.start : span.end] == span.text, (pair.id, span)


def test_every_label_has_a_reason_and_ids_are_unique(pairs):
    assert all(p.reason for p in pairs)
    assert len({p.id for p in pairs}) == len(pairs)


def test_a_broken_line_is_refused_naming_the_file_and_line(tmp_path):
    first = DEFAULT_VALIDATION_SET.read_text(encoding="utf-8").splitlines()[0]
    broken = json.loads(first)
    broken["label"] = "maybe"
    path = tmp_path / "set.jsonl"
    path.write_text(first + "\n" + json.dumps(broken, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"set.jsonl: line 2: label: expected same or different"):
        load_validation_set(path)
