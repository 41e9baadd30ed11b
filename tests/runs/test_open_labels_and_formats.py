"""Labels and corpus formats are open: a corpus with its own label is scored per label, and a
JSONL export of the project's gold scores exactly like the gold directory.

Real runs through ``harness run`` into a temporary results directory. The
WEAPON corpus and the extractor's word list are written for this test.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.annotations import Annotations, Entity, Prediction
from harness.cli import main
from harness.common.paths import PROJECT_ROOT as ROOT
from harness.extractors.registry import BUILTIN
from harness.runs.record import read_record


class WordLabeller:
    """Labels every occurrence of the words it is given: a real extractor with a label set of its own."""

    name = "word-labeller"
    version = "1"
    claim_slots = ()
    emits_claims = False

    def __init__(self, words: dict[str, str]):
        self.words = dict(words)
        self.entity_labels = tuple(sorted(set(self.words.values())))

    def fingerprint(self):
        return {"name": self.name, "version": self.version, "words": self.words}

    def extract(self, documents):
        out = []
        for doc in documents:
            found = []
            for word, label in self.words.items():
                start = doc.text.find(word)
                while start != -1:
                    found.append(Entity(f"e{len(found) + 1}", label, start, start + len(word), word))
                    start = doc.text.find(word, start + 1)
            out.append(Prediction(doc.doc_id, Annotations(doc.doc_id, tuple(sorted(found, key=lambda e: e.start)))))
        return out


def build(params: dict) -> WordLabeller:
    return WordLabeller(params["words"])


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setitem(BUILTIN, WordLabeller.name, f"{__name__}:build")


ARMS = [
    ("a1", "ضبطت الشرطة بندقية وقذيفة في حمص.", [("ORG", "الشرطة"), ("WEAPON", "بندقية"), ("WEAPON", "قذيفة"), ("LOC", "حمص")]),
    ("a2", "أطلق المسلحون صاروخا على القرية.", [("WEAPON", "صاروخا")]),
]


def _arms_corpus(path: Path) -> Path:
    lines = []
    for doc_id, text, entities in ARMS:
        spans = [{"label": label, "start": text.index(part), "end": text.index(part) + len(part)} for label, part in entities]
        lines.append(json.dumps({"doc_id": doc_id, "text": text, "entities": spans}, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _setup(directory: Path) -> Path:
    words = {"بندقية": "WEAPON", "صاروخا": "WEAPON", "الشرطة": "ORG", "القرية": "LOC"}
    path = directory / "words.yaml"
    path.write_text(f"setup: words\nextractor: {WordLabeller.name}\nparams: {{words: {json.dumps(words, ensure_ascii=False)}}}\n", encoding="utf-8")
    return path


def test_a_corpus_with_a_weapon_label_is_scored_and_reported_per_label_without_code_changes(tmp_path, registered, capsys):
    corpus, results = _arms_corpus(tmp_path / "arms.jsonl"), tmp_path / "results"
    assert main(["run", str(_setup(tmp_path)), "--corpus", str(corpus), "--results", str(results)]) == 0
    out = capsys.readouterr().out
    (record_dir,) = (results / "runs").iterdir()
    entities = read_record(record_dir).metrics["entities"]
    assert entities["labels"] == ["ORG", "LOC", "WEAPON"]  # declared by the extractor and annotated by the corpus
    weapon = entities["per_label"]["WEAPON"]["strict"]
    assert (weapon["correct"], weapon["missed"], weapon["spurious"]) == (2, 1, 0)  # قذيفة is missed
    assert weapon["f1"] == pytest.approx(0.8)
    loc = entities["per_label"]["LOC"]["strict"]
    assert (loc["correct"], loc["missed"], loc["spurious"]) == (0, 1, 1)
    assert "WEAPON" in out

    assert main(["leaderboard", "--results", str(results), "--run", record_dir.name]) == 0
    board = (results / "leaderboard.md").read_text(encoding="utf-8")
    header = next(line for line in board.splitlines() if line.startswith("| setup | track | ") and "WEAPON" in line)
    assert header.split(" | ")[2:] == ["ORG", "LOC", "WEAPON |"]
    assert "WEAPON" in (results / "leaderboard.html").read_text(encoding="utf-8")


def test_the_project_gold_exported_to_jsonl_gives_the_same_scores_as_the_gold_directory(tmp_path, capsys):
    results, exported = tmp_path / "results", tmp_path / "gold.jsonl"
    assert main(["export-jsonl", "--out", str(exported)]) == 0
    assert main(["run", str(ROOT / "configs" / "rules.yaml"), "--results", str(results), "--track-name", "dir", "--corpus", str(ROOT)]) == 0
    assert main(["run", str(ROOT / "configs" / "rules.yaml"), "--results", str(results), "--track-name", "jsonl", "--corpus", str(exported)]) == 0
    capsys.readouterr()
    records = {r.track: r for r in (read_record(p) for p in (results / "runs").iterdir())}
    from_dir, from_jsonl = records["dir"], records["jsonl"]
    assert from_jsonl.run["corpus"]["spec"] == {"path": str(exported)}
    assert from_dir.metrics == from_jsonl.metrics
    assert (from_dir.path / "documents.jsonl").read_bytes() == (from_jsonl.path / "documents.jsonl").read_bytes()
    assert from_dir.metrics["claims"]["strict"]["f1"] > 0  # claims were scored on both, not left out of both
