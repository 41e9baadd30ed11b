"""A document and model outputs holding ``<script>`` show as text on both pages, never run."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from harness.cli import main
from harness.extractors.registry import BUILTIN
from harness.extractors.rules.extractor import RulesExtractor
from harness.model import Claim, Entity, Span, Speaker, sha256_text
from harness.runs.record import read_record

SCRIPT = "<script>alert(1)</script>"
TEXT = f"قال الوزير سامر الحلبي إن {SCRIPT} وصل إلى دمشق مع 40 شخصا.\n"


def span(text: str, part: str) -> dict:
    start = text.index(part)
    return {"start": start, "end": start + len(part), "text": part}


def write_corpus(root: Path) -> Path:
    """A one-document corpus whose text and gold hold a script tag."""
    (root / "seeds").mkdir(parents=True)
    (root / "gold").mkdir()
    (root / "seeds" / "x1.txt").write_text(TEXT, encoding="utf-8")
    gold = {
        "doc_id": "x1",
        "text_sha256": sha256_text(TEXT),
        "entities": [
            {"id": "e1", "label": "PER", **span(TEXT, "سامر الحلبي")},
            {"id": "e2", "label": "MISC", **span(TEXT, SCRIPT), "adjective": False},
            {"id": "e3", "label": "LOC", **span(TEXT, "دمشق")},
        ],
        "claims": [
            {
                "id": "c1",
                "kind": "fact",
                "evidence": span(TEXT, f"{SCRIPT} وصل إلى دمشق"),
                "predicate": "a script arrived",
                "speaker": {**span(TEXT, "سامر الحلبي"), "entity": "e1"},
                "quantity": None,
                "time": None,
                "location": {**span(TEXT, "دمشق"), "entity": "e3"},
            }
        ],
    }
    (root / "gold" / "x1.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")
    return root


class ScriptWritingExtractor:
    """The rule baseline, plus model outputs holding script tags: grounded ones and an ungrounded one."""

    name = "script-writer"
    version = "1"

    def __init__(self, params: dict):
        self.rules = RulesExtractor(params)
        self.entity_labels = self.rules.entity_labels
        self.claim_slots = self.rules.claim_slots
        self.emits_claims = True

    def fingerprint(self) -> dict:
        return {"name": self.name, "version": self.version, "rules": self.rules.fingerprint()}

    def extract(self, documents):
        predictions = []
        for prediction, document in zip(self.rules.extract(documents), documents):
            text = document.text
            entities = (
                *prediction.annotations.entities,
                Entity("p-script", "MISC", *_offsets(text, SCRIPT), SCRIPT),
                Entity("p-bad", "ORG", 0, 3, "<script>alert(3)</script>"),
            )
            claim = Claim(
                id="p-claim",
                kind="fact",
                evidence=Span(*_offsets(text, f"{SCRIPT} وصل"), f"{SCRIPT} وصل"),
                predicate="<script>alert(2)</script>",
                speaker=Speaker("سامر الحلبي", *_offsets(text, "سامر الحلبي")),
            )
            annotations = replace(prediction.annotations, entities=entities, claims=(*prediction.annotations.claims, claim))
            predictions.append(replace(prediction, annotations=annotations))
        return predictions


def _offsets(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def build(params: dict) -> ScriptWritingExtractor:
    return ScriptWritingExtractor(params)


def test_script_tags_in_documents_outputs_and_names_are_shown_escaped(tmp_path: Path, capsys, monkeypatch):
    # The extractor is registered for this test only, so its outputs go through extraction, scoring and storage.
    monkeypatch.setitem(BUILTIN, "script-writer", f"{__name__}:build")
    corpus = write_corpus(tmp_path / "corpus")
    (tmp_path / "evil.yaml").write_text('setup: "evil<script>alert(4)</script>"\nextractor: script-writer\n', encoding="utf-8")
    bench = tmp_path / "bench.yaml"
    bench.write_text(
        "setups: [evil.yaml]\n"
        f"tracks:\n  - {{name: x, corpus: {corpus}, description: '<script>alert(5)</script>'}}\n",
        encoding="utf-8",
    )
    results = tmp_path / "results"
    assert main(["run", str(bench), "--results", str(results)]) == 0
    (record,) = (results / "runs").iterdir()
    stored = read_record(record, with_results=True)
    assert stored.results[0].ungrounded and stored.metrics["ungrounded"] == 1  # the bad span was scored, and kept

    assert main(["leaderboard", "--results", str(results), "--bench", str(bench)]) == 0
    capsys.readouterr()
    page = (results / "leaderboard.html").read_text(encoding="utf-8")
    markdown = (results / "leaderboard.md").read_text(encoding="utf-8")

    # The page's own script is the only script element.
    assert page.lower().count("<script") == 1
    assert page.count("</script>") == 1
    for n in (1, 2, 3, 4, 5):
        assert f"&lt;script&gt;alert({n})&lt;/script&gt;" in page, n
    documents = page.split('<section id="documents">', 1)[1]
    assert "إن &lt;script&gt;alert(1)&lt;/script&gt; وصل" in documents  # the document text, escaped
    # The grounded script entity is drawn as a mark, its text escaped inside.
    assert '<mark class="ent lab-MISC out-correct" title="predicted MISC · correct">&lt;script&gt;alert(1)&lt;/script&gt;</mark>' in page

    assert "<script" not in markdown.lower()
    assert "evil&lt;script&gt;alert(4)&lt;/script&gt;" in markdown
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in markdown
