"""``harness train ner`` end to end on a tiny E5S1 file: pruned base, training, shipped model and card."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch")

from harness.cli import main  # noqa: E402
from harness.training.tiny import write_tiny_e5s1  # noqa: E402

CONLL = """قال O
محمد B-PERS
في O
بغداد B-LOC

وصل O
علي B-PERS
إلى O
دمشق B-LOC

أعلنت O
الأمم B-ORG
المتحدة I-ORG

زار O
محمد B-PERS
دمشق B-LOC
"""


def test_the_train_command_ships_fp16_weights_a_tokenizer_the_crf_scores_and_a_card(tmp_path, capsys):
    data = tmp_path / "train.txt"
    data.write_text(CONLL, encoding="utf-8")
    words = {line.split()[0] for line in CONLL.splitlines() if line.strip()} | {"news", "the"}
    weights = write_tiny_e5s1(tmp_path / "tiny.bin", words)
    out = tmp_path / "model"
    code = main([
        "train", "ner", "--data", str(data), "--base-weights", str(weights), "--out", str(out),
        "--work-dir", str(tmp_path / "work"), "--dev-size", "1", "--dev-out", str(tmp_path / "dev.txt"),
        "--vocab-budget", "30", "--epochs", "1", "--batch-size", "2", "--threads", "1", "--crf",
    ])
    assert code == 0
    assert {p.name for p in out.iterdir()} >= {"model.safetensors", "config.json", "tokenizer.json", "README.md", "training.json"}
    record = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert record["data"]["train_sentences"] == 3 and record["data"]["dev_sentences"] == 1
    assert record["base"]["vocabulary"]["kept"] <= 30 and record["settings"]["epochs"] == 1
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert len(config["crf_transitions"]) == len(config["id2label"]), "the CRF's scores ship in config.json"
    assert record["settings"]["crf"] is True
    assert set(record["shipped_dev"]) == {"weights", "passage_tokens", "constrained", "argmax"}
    assert record["shipped_dev"]["passage_tokens"] is None
    assert record["history"][0]["dev"]["decoding"] == "constrained"
    assert record["pruning_check"]["sentences compared"] == 1
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "Dev scores of the shipped model" in card and "Pruning check" in card and "CRF layer" in card
    assert (tmp_path / "dev.txt").read_text(encoding="utf-8").split() == ["زار", "O", "محمد", "B-PERS", "دمشق", "B-LOC"]
    from safetensors import safe_open

    with safe_open(str(out / "model.safetensors"), "pt") as weights_file:
        assert {str(weights_file.get_tensor(k).dtype) for k in weights_file.keys()} == {"torch.float16"}


def test_a_model_trained_on_passages_is_scored_on_passages_and_on_sentences_alone(tmp_path, capsys):
    data = tmp_path / "train.txt"
    data.write_text(CONLL + "\n" + CONLL, encoding="utf-8")
    words = {line.split()[0] for line in CONLL.splitlines() if line.strip()}
    weights = write_tiny_e5s1(tmp_path / "tiny.bin", words)
    out = tmp_path / "model"
    code = main([
        "train", "ner", "--data", str(data), "--base-weights", str(weights), "--out", str(out),
        "--work-dir", str(tmp_path / "work"), "--dev-size", "3", "--vocab-budget", "30", "--epochs", "1",
        "--batch-size", "2", "--threads", "1", "--passage-tokens", "8",
    ])
    assert code == 0
    record = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert record["settings"]["passage_tokens"] == 8 and record["shipped_dev"]["passage_tokens"] == 8
    assert set(record["shipped_dev"]["sentences_alone"]) == {"constrained", "argmax"}
    assert "sentence_alone_f1" in record["history"][0]["dev"]
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "passages of up to 8 tokens" in card and "Each sentence read alone" in card


def test_a_missing_data_file_is_one_line(tmp_path, capsys):
    assert main(["train", "ner", "--data", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "m")]) == 2
    assert "nope.txt: no such CoNLL file" in capsys.readouterr().err


def _dev_run_record(tmp_path, words_extra=()):
    """A tiny run with a dev split, shipped with its card: the record a final run takes its estimate from."""
    data = tmp_path / "train.txt"
    data.write_text(CONLL, encoding="utf-8")
    words = {line.split()[0] for line in CONLL.splitlines() if line.strip()} | set(words_extra)
    weights = write_tiny_e5s1(tmp_path / "tiny.bin", words)
    common = ["--data", str(data), "--base-weights", str(weights), "--vocab-budget", "30", "--batch-size", "2", "--threads", "1"]
    code = main(["train", "ner", *common, "--out", str(tmp_path / "dev-model"), "--work-dir", str(tmp_path / "dev-work"), "--dev-size", "1", "--epochs", "2"])
    assert code == 0
    return common, json.loads((tmp_path / "dev-model" / "training.json").read_text(encoding="utf-8"))


def test_with_no_dev_split_every_sentence_trains_and_the_card_gives_the_dev_runs_figures_as_the_estimate(tmp_path, capsys):
    common, dev_record = _dev_run_record(tmp_path)
    epochs = dev_record["best_epoch"]
    out = tmp_path / "full-model"
    code = main([
        "train", "ner", *common, "--out", str(out), "--work-dir", str(tmp_path / "full-work"), "--dev-size", "0",
        "--epochs", str(epochs), "--dev-estimate", str(tmp_path / "dev-model" / "training.json"),
    ])
    assert code == 0, capsys.readouterr().err
    record = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert record["data"]["train_sentences"] == 4 and record["data"]["dev_sentences"] == 0
    assert [h["epoch"] for h in record["history"]] == list(range(1, epochs + 1)) and record["best_epoch"] == epochs
    assert all(h["dev"] == {} for h in record["history"]), "no dev split, so no epoch has dev scores"
    assert "shipped_dev" not in record and "pruning_check" not in record
    estimate = record["dev_estimate"]
    assert estimate["constrained"]["conlleval"] == round(dev_record["shipped_dev"]["constrained"]["conlleval"]["f1"], 4)
    assert estimate["best_epoch"] == epochs and estimate["train_sentences"] == 3 and estimate["dev_sentences"] == 1
    card = (out / "README.md").read_text(encoding="utf-8")
    assert "## No dev score for this model" in card and "Dev scores of the shipped model" not in card
    assert "Training: all 4 sentences" in card
    assert f"{estimate['constrained']['conlleval']:.3f} conlleval-compatible" in card
    shaped = json.loads((out / "shaped_by.json").read_text(encoding="utf-8"))
    assert shaped["convention"] == "anercorp" and len(shaped["texts"][0]["unit_sha256"]) == 4


def test_a_final_run_whose_settings_differ_from_the_dev_run_is_refused_before_training(tmp_path, capsys):
    common, dev_record = _dev_run_record(tmp_path)
    estimate = str(tmp_path / "dev-model" / "training.json")
    base = ["train", "ner", *common, "--out", str(tmp_path / "full"), "--work-dir", str(tmp_path / "full-work"), "--dev-size", "0"]
    assert main([*base, "--epochs", str(dev_record["best_epoch"]), "--lr", "3e-4", "--dev-estimate", estimate]) == 2
    assert "learning_rate: 0.00015 there, 0.0003 here" in capsys.readouterr().err
    assert main([*base, "--epochs", str(dev_record["best_epoch"] + 1), "--dev-estimate", estimate]) == 2
    assert f"selected epoch {dev_record['best_epoch']}" in capsys.readouterr().err
    assert main([*base, "--epochs", "1"]) == 2
    assert "--dev-estimate" in capsys.readouterr().err
    assert not (tmp_path / "full-work" / "run").exists(), "refused before any training step"
