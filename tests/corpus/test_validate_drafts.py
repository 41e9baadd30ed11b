"""Drafts in the gold contract: the ``review`` and ``provenance`` fields, and unreviewed drafts.

The gold files here are made for these tests from a sentence written for them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.annotations import sha256_text
from harness.cli import main
from harness.common.paths import PROJECT_ROOT
from harness.corpus.gold import UnreviewedDraftsError, load_gold_corpus
from harness.corpus.load import CorpusSpec, load_corpus
from harness.corpus.validate import unreviewed_drafts, validate_gold_file

TEXT = "قالت وزارة الصحة في عمّان إن 300 طبيب وصلوا يوم الأحد.\n"
REVIEW = {"status": "accepted", "by": "سلمى", "at": "2024-05-01T09:30:00Z"}
PROVENANCE = {
    "kind": "model-draft",
    "setup": "rules",
    "setup_file": "configs/rules.yaml",
    "extractor": {"name": "rules", "version": "1.0.0", "fingerprint_hash": "0123456789abcdef"},
    "drafted_at": "2024-05-01T08:00:00+00:00",
    "tool": {"name": "arabic-claims-harness", "version": "0.1.0", "git_commit": None},
    "dropped": {"entities": 1, "claims": 0, "reasons": ["ungrounded: entity 'e9' ..."]},
    "repaired": [],
}


def item(eid: str, label: str, text: str, **extra) -> dict:
    start = TEXT.index(text)
    return {"id": eid, "label": label, "start": start, "end": start + len(text), "text": text, **extra}


def claim(cid: str, **extra) -> dict:
    evidence = "300 طبيب وصلوا يوم الأحد"
    start = TEXT.index(evidence)
    span = {"start": start, "end": start + len(evidence), "text": evidence}
    return {"id": cid, "kind": "fact", "evidence": span, "predicate": "doctors arrived", "speaker": None, "quantity": None, "time": None, "location": None, **extra}


def corpus(tmp_path: Path, entities: list[dict], claims: list[dict] = (), **top) -> Path:
    """A corpus directory (gold/ + seeds/) holding one document ``d1``; returns the gold file."""
    (tmp_path / "seeds").mkdir(parents=True, exist_ok=True)
    (tmp_path / "gold").mkdir(exist_ok=True)
    (tmp_path / "seeds" / "d1.txt").write_text(TEXT, encoding="utf-8")
    doc = {"doc_id": "d1", "text_sha256": sha256_text(TEXT), "entities": entities, "claims": list(claims), **top}
    path = tmp_path / "gold" / "d1.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    return [f"{p.path}: {p.message}" for p in validate_gold_file(path, path.parent.parent / "seeds")]


def test_a_reviewed_draft_with_provenance_keeps_the_contract(tmp_path):
    path = corpus(
        tmp_path,
        [
            item("e1", "ORG", "وزارة الصحة", drafted=True, review=REVIEW),
            item("e2", "LOC", "عمّان", drafted=False, review={**REVIEW, "status": "edited"}),
            item("e3", "QUANTITY", "300 طبيب", review={**REVIEW, "status": "added"}),
        ],
        [claim("c1", drafted=True, review=REVIEW)],
        provenance=PROVENANCE,
    )
    assert problems(path) == []
    assert unreviewed_drafts(json.loads(path.read_text(encoding="utf-8"))) == 0


def test_review_status_person_and_time_are_checked(tmp_path):
    path = corpus(
        tmp_path,
        [
            item("e1", "ORG", "وزارة الصحة", drafted=True, review={**REVIEW, "status": "approved"}),
            item("e2", "LOC", "عمّان", drafted=True, review={**REVIEW, "by": "  "}),
            item("e3", "QUANTITY", "300 طبيب", drafted=True, review={**REVIEW, "at": "2024-05-01"}),
        ],
    )
    found = problems(path)
    assert found == [
        "$.entities[0].review.status: unknown status 'approved' (known: accepted, edited, added)",
        "$.entities[1].review.by: empty; name the reviewer",
        "$.entities[2].review.at: '2024-05-01' is not an ISO-8601 date and time with a zone (e.g. 2024-05-01T09:30:00Z)",
    ]


def test_review_must_agree_with_the_drafted_flag(tmp_path):
    path = corpus(
        tmp_path,
        [
            item("e1", "ORG", "وزارة الصحة", review=REVIEW),
            item("e2", "LOC", "عمّان", drafted=True, review={**REVIEW, "status": "edited"}),
        ],
        [claim("c1", drafted=True, review={**REVIEW, "status": "added"})],
    )
    found = problems(path)
    assert found[0].startswith("$.entities[0].review.status: 'accepted' is for drafted items")
    assert found[1] == "$.entities[1].drafted: true on an item the review marks 'edited'; the reviewer's items have drafted false"
    assert found[2] == "$.claims[0].drafted: true on an item the review marks 'added'; the reviewer's items have drafted false"
    assert len(found) == 3


def test_review_with_a_missing_or_unknown_field_is_named(tmp_path):
    path = corpus(tmp_path, [item("e1", "ORG", "وزارة الصحة", drafted=True, review={"status": "accepted", "by": "x", "when": "now"})])
    assert problems(path) == [
        "$.entities[0].review.when: unknown field (known: status, by, at)",
        "$.entities[0].review.at: missing field",
    ]


def test_provenance_kind_time_and_counts_are_checked_without_hiding_item_problems(tmp_path):
    broken = {**PROVENANCE, "kind": "hand-made", "drafted_at": "yesterday", "dropped": {"entities": -1, "claims": 0, "reasons": []}}
    path = corpus(tmp_path, [item("e1", "ORGANISATION", "وزارة الصحة", drafted=True)], provenance=broken)
    assert problems(path) == [
        "$.provenance.kind: unknown kind 'hand-made' (known: model-draft)",
        "$.provenance.drafted_at: 'yesterday' is not an ISO-8601 date and time with a zone",
        "$.provenance.dropped.entities: a count cannot be negative, got -1",
        "$.entities[0].label: unknown label 'ORGANISATION' (known: PER, ORG, LOC, MISC, DATE, QUANTITY)",
    ]


def test_provenance_structure_names_the_missing_part(tmp_path):
    without_tool = {key: value for key, value in PROVENANCE.items() if key != "tool"}
    path = corpus(tmp_path, [item("e1", "ORG", "وزارة الصحة")], provenance={**without_tool, "extractor": {"name": "rules"}})
    assert problems(path) == [
        "$.provenance.extractor.version: missing field",
        "$.provenance.extractor.fingerprint_hash: missing field",
        "$.provenance.tool: missing field",
    ]


def test_unreviewed_drafts_are_drafted_items_without_a_review():
    doc = {
        "entities": [{"drafted": True}, {"drafted": True, "review": REVIEW}, {"drafted": False}, {}],
        "claims": [{"drafted": True}],
    }
    assert unreviewed_drafts(doc) == 2


def test_the_loader_refuses_unreviewed_drafts_in_one_line_naming_the_file_and_count(tmp_path):
    path = corpus(tmp_path, [item("e1", "ORG", "وزارة الصحة", drafted=True), item("e2", "LOC", "عمّان", drafted=True, review=REVIEW)], [claim("c1", drafted=True)])
    with pytest.raises(UnreviewedDraftsError) as info:
        load_gold_corpus(path.parent, tmp_path / "seeds")
    assert str(info.value) == f"{path}: 2 unreviewed draft item(s) (drafted: true, no review); review them (harness gold review) or score with --allow-drafts"
    assert info.value.files == [(path, 2)]
    with pytest.raises(UnreviewedDraftsError):
        load_corpus(tmp_path)
    (doc,) = load_corpus(tmp_path, allow_drafts=True).documents
    assert [e.drafted for e in doc.gold.entities] == [True, True]
    assert CorpusSpec(tmp_path, allow_drafts=True).to_dict() == {"path": str(tmp_path), "allow_drafts": True}
    assert "allow_drafts" not in CorpusSpec(tmp_path).to_dict()


def test_validate_warns_one_line_per_file_with_drafts_and_fails_only_when_asked(tmp_path, capsys):
    path = corpus(tmp_path, [item("e1", "ORG", "وزارة الصحة", drafted=True)])
    assert main(["validate", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == f"warning: {path}: 1 unreviewed draft item(s) (drafted: true, no review); harness run refuses it unless --allow-drafts\n"
    assert captured.out == "ok: 1 gold file(s) keep the contract; 1 hold unreviewed drafts\n"
    assert main(["validate", str(tmp_path), "--fail-on-drafts"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "1 file(s) hold unreviewed drafts (--fail-on-drafts)"


def test_harness_run_refuses_drafts_in_one_line_and_scores_them_when_allowed(tmp_path, capsys):
    corpus(tmp_path / "corpus", [item("e1", "ORG", "وزارة الصحة", drafted=True)])
    config = PROJECT_ROOT / "configs" / "rules.yaml"
    results = tmp_path / "results"
    assert main(["run", str(config), "--corpus", str(tmp_path / "corpus"), "--results", str(results)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "d1.json: 1 unreviewed draft item(s)" in err
    assert not (results / "runs").exists() or not any((results / "runs").iterdir())
    assert main(["run", str(config), "--corpus", str(tmp_path / "corpus"), "--results", str(results), "--allow-drafts"]) == 0
