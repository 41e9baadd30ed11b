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
