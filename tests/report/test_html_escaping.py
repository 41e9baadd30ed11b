"""A document and model outputs holding ``<script>`` show as text on both pages, never run."""

from __future__ import annotations

import json
from pathlib import Path

from harness.cli import main
from harness.model import sha256_text

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


def poison_predictions(record: Path) -> None:
    """Add model outputs holding script tags: grounded ones and an ungrounded one."""
    path = record / "predictions.jsonl"
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    annotations = lines[0]["annotations"]
    annotations["entities"] += [
        {"id": "p-script", "label": "MISC", **span(TEXT, SCRIPT)},
        {"id": "p-bad", "label": "ORG", "start": 0, "end": 3, "text": "<script>alert(3)</script>"},
    ]
    annotations["claims"].append(
        {
            "id": "p-claim",
            "kind": "fact",
            "evidence": span(TEXT, f"{SCRIPT} وصل"),
            "predicate": "<script>alert(2)</script>",
            "speaker": {**span(TEXT, "سامر الحلبي"), "entity": None},
            "quantity": None,
            "time": None,
            "location": None,
        }
    )
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")


def test_script_tags_in_documents_outputs_and_names_are_shown_escaped(tmp_path: Path, capsys):
    corpus = write_corpus(tmp_path / "corpus")
    setup = tmp_path / "evil.yaml"
    setup.write_text('setup: "evil<script>alert(4)</script>"\nextractor: rules\n', encoding="utf-8")
    results = tmp_path / "results"
    assert main(["run", str(setup), "--corpus", str(corpus), "--results", str(results)]) == 0
    (record,) = (results / "runs").iterdir()
    poison_predictions(record)

    assert main(["leaderboard", "--results", str(results), "--corpus", str(corpus)]) == 0
    capsys.readouterr()
    page = (results / "leaderboard.html").read_text(encoding="utf-8")
    markdown = (results / "leaderboard.md").read_text(encoding="utf-8")

    # The page's own script is the only script element.
    assert page.lower().count("<script") == 1
    assert page.count("</script>") == 1
    for n in (1, 2, 3, 4):
        assert f"&lt;script&gt;alert({n})&lt;/script&gt;" in page, n
    documents = page.split('<section id="documents">', 1)[1]
    assert f"إن &lt;script&gt;alert(1)&lt;/script&gt; وصل" in documents  # the document text, escaped
    # The grounded script entity is drawn as a mark, its text escaped inside.
    assert '<mark class="ent lab-MISC out-correct" title="predicted MISC · correct">&lt;script&gt;alert(1)&lt;/script&gt;</mark>' in page

    assert "<script" not in markdown.lower()
    assert "evil&lt;script&gt;alert(4)&lt;/script&gt;" in markdown
