"""The card's "Scores on the harness tracks": filled from the run records of the weights beside it, never typed in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("torch")

from harness.annotations import sha256_text  # noqa: E402
from harness.cli import main  # noqa: E402
from harness.common.paths import PROJECT_ROOT as ROOT  # noqa: E402
from harness.extractors.base import ShapingText, write_shaping_file  # noqa: E402
from harness.extractors.ner.loading import directory_digest  # noqa: E402
from harness.training.tiny import write_tiny_classifier  # noqa: E402
from harness.training.track_scores import (  # noqa: E402
    RECORD_KEY,
    bench_tracks,
    fill_card,
    find_track_scores,
)

EXAMPLE = ROOT / "tests" / "data" / "example"
SHIPPED_RECORD = ROOT / "models" / "ner-e5-anercorp" / "training.json"

# Three sentences written for this test; the model "trained" on the second one.
CONLL = "زار O\nسامي B-PERS\nحلب B-LOC\n\nافتتحت O\nجامعة B-ORG\nدمشق I-ORG\n\nغادر O\nكريم B-PERS\n"
TRAINED_ON = "افتتحت جامعة دمشق"


def _project(tmp_path: Path) -> tuple[Path, Path]:
    """A tiny NER model with a card and a shaping file, two setups serving it, and a bench of two tracks."""
    if not SHIPPED_RECORD.is_file():
        pytest.skip(f"the card record of the shipped model is not at {SHIPPED_RECORD}")
    words = set((EXAMPLE / "seeds" / "ex1.txt").read_text(encoding="utf-8").split()) | set(CONLL.split())
    model = write_tiny_classifier(tmp_path / "model", words, ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG"], seed=3)
    shutil.copy(SHIPPED_RECORD, model / "training.json")  # a real card record to add the section to
    write_shaping_file(model / "shaped_by.json", [ShapingText("test sentences", "trained on", frozenset({sha256_text(TRAINED_ON)}))], "anercorp")
    ner = f"model: {model}\n  label_map: {{PERS: PER, ORG: ORG, LOC: LOC}}\n  threads: 1"
    (tmp_path / "ner.yaml").write_text(f"setup: ner-tiny\nextractor: ner\nparams:\n  {ner}\n", encoding="utf-8")
    (tmp_path / "combined.yaml").write_text(
        f"setup: ner-tiny+rules-claims\nextractor: ner+rules-claims\nparams:\n  ner:\n    model: {model}\n"
        "    label_map: {PERS: PER, ORG: ORG, LOC: LOC}\n    threads: 1\n  rules: {}\n",
        encoding="utf-8",
    )
    (tmp_path / "dev.txt").write_text(CONLL, encoding="utf-8")
    bench = tmp_path / "bench.yaml"
    bench.write_text(
        "setups: [ner.yaml, combined.yaml]\ntracks:\n"
        f"  - name: example\n    corpus: {EXAMPLE}\n"
        "  - name: dev\n    corpus: dev.txt\n    sentences: \"1:\"\n    label_map: PERS=PER,ORG=ORG,LOC=LOC\n    convention: anercorp\n"
        "bootstrap: {resamples: 50, level: 0.9}\n",
        encoding="utf-8",
    )
    assert main(["run", str(bench), "--results", str(tmp_path / "results")]) == 0
    return model, bench


def test_the_section_holds_each_setups_scores_on_each_track_as_its_run_record_has_them(tmp_path, capsys):
    model, bench = _project(tmp_path)
    fill_card(model, bench, tmp_path / "results" / "runs", ["harness run bench.yaml"])
    section = json.loads((model / "training.json").read_text(encoding="utf-8"))[RECORD_KEY]
    assert section["model_sha256"] == directory_digest(model)
    rows = {(row["setup"], row["track"]): row for row in section["rows"]}
    assert list(rows) == [("ner-tiny", "example"), ("ner-tiny", "dev"), ("ner-tiny+rules-claims", "example"), ("ner-tiny+rules-claims", "dev")]
    for (_setup, track), row in rows.items():
        [run_dir] = [p for p in (tmp_path / "results" / "runs").iterdir() if p.name == row["run_id"]]
        metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
        assert row["entities_strict"] == [metrics["entities"]["strict"]["f1"], *metrics["entities"]["strict"]["f1_ci"]]
        if track == "example":  # project gold: the anercorp projection is scored beside it
            assert row["own_convention_strict"][0] == metrics["conventions"]["anercorp"]["strict"]["f1"]
        else:  # the dev gold is already in the model's convention
            assert row["gold_convention"] == "anercorp" and row["own_convention_strict"] is None
    assert rows[("ner-tiny+rules-claims", "example")]["claims_strict"] is not None and rows[("ner-tiny", "example")]["claims_strict"] is None
    assert rows[("ner-tiny", "dev")]["in_sample_documents"] == 1, "the sentence it was trained on is marked in-sample"
    assert rows[("ner-tiny", "example")]["in_sample_documents"] == 0
    card = (model / "README.md").read_text(encoding="utf-8")
    assert "## Scores on the harness tracks" in card and "harness run bench.yaml" in card
    assert f"`{rows[('ner-tiny', 'dev')]['run_id']}` |" in card and "n/a (anercorp gold)" in card
    assert all(row["level"] == 0.9 for row in rows.values())
    assert "with its 90% bootstrap interval" in card, "the card says the level the runs used, not a fixed 95%"


def test_runs_of_other_weights_or_other_gold_are_not_taken(tmp_path, capsys):
    model, bench = _project(tmp_path)
    runs = tmp_path / "results" / "runs"
    tracks, setups = bench_tracks(bench)
    assert len(find_track_scores(runs, directory_digest(model), tracks, setups)) == 4
    assert find_track_scores(runs, directory_digest(model), {name: "0" * 64 for name in tracks}, setups) == []
    before = directory_digest(model)
    (model / "config.json").write_text((model / "config.json").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert directory_digest(model) != before, "other weights files, another model"
    with pytest.raises(LookupError, match="no run served the model"):
        fill_card(model, bench, runs, [])
