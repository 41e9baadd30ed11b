"""``harness gold draft``: texts in, a corpus directory of drafts out, each keeping the gold contract.

Texts are written for these tests; the drafter is the rule baseline (fast, offline).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harness.annotations import Annotations, Prediction
from harness.cli import main
from harness.common.paths import PROJECT_ROOT as ROOT
from harness.corpus.validate import unreviewed_drafts, validate_gold_file
from harness.drafting import draft as draft_module
from harness.drafting.draft import draft_gold
from harness.extractors.base import fingerprint_hash
from harness.extractors.registry import create_extractor

RULES = ROOT / "configs" / "rules.yaml"
# A Windows line end and a character outside the BMP: the copy must keep both byte for byte.
TEXT_ONE = "قال المتحدث باسم وزارة الزراعة في دمشق إن 40 بالمئة من القمح وصل.\r\nوأضاف أن الموسم جيد 🌾.\n"
TEXT_TWO = "ذكرت الأمم المتحدة أن 1200 عائلة نزحت من مدينة إدلب في تموز 2022.\n"


def write_texts(tmp_path: Path) -> list[Path]:
    paths = []
    for name, text in (("one", TEXT_ONE), ("two", TEXT_TWO)):
        path = tmp_path / "texts" / f"{name}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    return paths


def test_each_text_becomes_a_draft_file_that_keeps_the_contract_with_its_provenance(tmp_path, capsys):
    texts = write_texts(tmp_path)
    out = tmp_path / "drafts"
    assert main(["gold", "draft", str(RULES), *map(str, texts), "--out", str(out), "--results", str(tmp_path / "results")]) == 0
    printed = capsys.readouterr().out
    assert f"review the drafts: harness gold review {out}" in printed

    rules = create_extractor("rules", {})
    for path in texts:
        gold_path, seed_path = out / "gold" / f"{path.stem}.json", out / "seeds" / f"{path.stem}.txt"
        assert seed_path.read_bytes() == path.read_bytes()
        assert validate_gold_file(gold_path, out / "seeds") == []
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        items = gold["entities"] + gold["claims"]
        assert items and all(item["drafted"] is True and "review" not in item for item in items)
        assert unreviewed_drafts(gold) == len(items)
        assert gold["annotation"]["status"] == "model draft, unreviewed"
        provenance = gold["provenance"]
        assert provenance["kind"] == "model-draft" and provenance["setup"] == "rules" and provenance["setup_file"] == "configs/rules.yaml"
        assert provenance["extractor"] == {"name": "rules", "version": rules.version, "fingerprint_hash": fingerprint_hash(rules.fingerprint())}
        assert provenance["tool"]["name"] == "arabic-claims-harness" and provenance["tool"]["version"]
        assert datetime.fromisoformat(provenance["drafted_at"]).tzinfo is not None
        assert provenance["dropped"] == {"entities": 0, "claims": 0, "reasons": []}
        assert f"{gold_path}: drafted {len(gold['entities'])} entities and {len(gold['claims'])} claims" in printed
    # The drafted offsets are code points: the character outside the BMP does not shift them.
    one = json.loads((out / "gold" / "one.json").read_text(encoding="utf-8"))
    assert all(TEXT_ONE[e["start"] : e["end"]] == e["text"] for e in one["entities"])


def test_the_predictions_of_a_draft_equal_the_extractors_own(tmp_path):
    (path, _) = write_texts(tmp_path)
    result = draft_gold(RULES, [path], tmp_path / "out", project_root=ROOT, now=datetime(2024, 5, 1, tzinfo=UTC))
    (drafted,) = result.files
    gold = json.loads(drafted.gold_path.read_text(encoding="utf-8"))
    assert gold["provenance"]["drafted_at"] == "2024-05-01T00:00:00+00:00"
    from harness.annotations import Document

    (prediction,) = create_extractor("rules", {}).extract([Document("one", TEXT_ONE)])
    assert [(e["label"], e["start"], e["end"]) for e in gold["entities"]] == [(e.label, e.start, e.end) for e in prediction.annotations.entities]
    assert [c["evidence"]["text"] for c in gold["claims"]] == [c.evidence.text for c in prediction.annotations.claims]


def test_existing_drafts_are_not_overwritten_without_force(tmp_path, capsys):
    texts = write_texts(tmp_path)
    out = tmp_path / "drafts"
    args = ["gold", "draft", str(RULES), *map(str, texts), "--out", str(out), "--results", str(tmp_path / "results")]
    assert main(args) == 0
    reviewed = out / "gold" / "one.json"
    before = reviewed.read_bytes()
    capsys.readouterr()
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err == f"error: {reviewed}: already exists (it may hold a review); pass --force to draft over it\n"
    assert reviewed.read_bytes() == before
    assert main([*args, "--force"]) == 0


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda d: [d / "missing.txt"], "missing.txt: no such text file"),
        (lambda d: [d / "a" / "x.txt", d / "b" / "x.txt"], "same name 'x' as"),
        (lambda d: [d / "latin1.txt"], "latin1.txt: not UTF-8 text"),
        (lambda d: [d / "blank.txt"], "blank.txt: the text is empty"),
    ],
)
def test_texts_that_cannot_be_drafted_are_one_line_naming_the_file(tmp_path, capsys, make, expected):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "x.txt").write_text("نص قصير.", encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("café".encode("latin-1"))
    (tmp_path / "blank.txt").write_text(" \n", encoding="utf-8")
    status = main(["gold", "draft", str(RULES), *map(str, make(tmp_path)), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("error: ") and expected in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


class _FailsOnSecond:
    """Stands in for an extractor that fails on one document (a real failure is not reproducible on demand)."""

    name, version = "fails-on-second", "0"
    entity_labels, claim_slots, emits_claims = ("PER",), (), False

    def fingerprint(self) -> dict:
        return {"name": self.name}

    def extract(self, documents):
        if any(d.doc_id == "two" for d in documents):
            raise RuntimeError("model crashed on this text")
        return [Prediction(d.doc_id, Annotations(d.doc_id)) for d in documents]


def test_a_text_the_extractor_fails_on_gets_no_draft_and_is_reported(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(draft_module, "create_extractor", lambda name, params: _FailsOnSecond())
    texts = write_texts(tmp_path)
    out = tmp_path / "drafts"
    assert main(["gold", "draft", str(RULES), *map(str, texts), "--out", str(out), "--results", str(tmp_path / "results")]) == 1
    err = capsys.readouterr().err
    assert err == f"error: {texts[1]}: not drafted: RuntimeError: model crashed on this text\n"
    assert (out / "gold" / "one.json").is_file() and not (out / "gold" / "two.json").exists()
