"""Training a tiny random model for a few steps: checkpoints, resume, and the offsets of what it predicts."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from harness.extractors.ner.extractor import TransformersNerExtractor  # noqa: E402
from harness.model import Document  # noqa: E402
from harness.training.data import Split, TaggedSentence  # noqa: E402
from harness.training.tiny import write_tiny_model  # noqa: E402
from harness.training.trainer import CHECKPOINT_NAME, TrainSettings, train_token_classifier  # noqa: E402

SENTENCES = [
    TaggedSentence(("قال", "محمد", "في", "بغداد"), ("O", "B-PERS", "O", "B-LOC")),
    TaggedSentence(("وصل", "محمد", "علي", "إلى", "دمشق"), ("O", "B-PERS", "I-PERS", "O", "B-LOC")),
    TaggedSentence(("أعلنت", "الأمم", "المتحدة", "في", "بغداد"), ("O", "B-ORG", "I-ORG", "O", "B-LOC")),
    TaggedSentence(("زار", "علي", "دمشق"), ("O", "B-PERS", "B-LOC")),
]
DEV = [TaggedSentence(("قال", "علي", "في", "دمشق"), ("O", "B-PERS", "O", "B-LOC"))]
WORDS = sorted({t for s in SENTENCES + DEV for t in s.tokens})


@pytest.fixture()
def base_dir(tmp_path):
    return write_tiny_model(tmp_path / "base", WORDS, seed=1)


def _settings(**changes) -> TrainSettings:
    settings = TrainSettings(epochs=2, batch_size=2, learning_rate=5e-3, warmup_ratio=0.0, threads=1, checkpoint_every=1, seed=7)
    return replace(settings, **changes)


def test_a_few_steps_write_a_checkpoint_and_stop_inside_the_epoch(base_dir, tmp_path):
    result = train_token_classifier(base_dir, Split(tuple(SENTENCES), tuple(DEV)), tmp_path / "run", _settings(max_steps=1), progress=False, log=lambda _: None)
    state = torch.load(tmp_path / "run" / CHECKPOINT_NAME, weights_only=False)
    assert state["global_step"] == 1 and state["step_in_epoch"] == 1 and state["epoch"] == 0
    assert result.history == [] and result.best_epoch == -1


def test_resuming_continues_from_the_checkpoint_and_reaches_the_same_weights(base_dir, tmp_path):
    split = Split(tuple(SENTENCES), tuple(DEV))
    quiet = dict(progress=False, log=lambda _: None)
    straight = train_token_classifier(base_dir, split, tmp_path / "straight", _settings(), **quiet)
    train_token_classifier(base_dir, split, tmp_path / "resumed", _settings(max_steps=3), **quiet)
    resumed = train_token_classifier(base_dir, split, tmp_path / "resumed", _settings(), **quiet)
    assert resumed.resumed_from_step == 3
    assert [h.epoch for h in resumed.history] == [1, 2]
    a = torch.load(tmp_path / "straight" / CHECKPOINT_NAME, weights_only=False)["model"]
    b = torch.load(tmp_path / "resumed" / CHECKPOINT_NAME, weights_only=False)["model"]
    assert all(torch.allclose(a[k], b[k], atol=1e-5) for k in a)
    history = json.loads((tmp_path / "straight" / "history.json").read_text())
    assert set(history[-1]["dev"]) == {"conlleval", "iob2", "decoding", "argmax_f1"} and straight.best_dir.is_dir()
    assert history[-1]["dev"]["decoding"] == "constrained"


def test_a_checkpoint_from_other_settings_is_refused(base_dir, tmp_path):
    split = Split(tuple(SENTENCES), tuple(DEV))
    train_token_classifier(base_dir, split, tmp_path / "run", _settings(max_steps=1), progress=False, log=lambda _: None)
    with pytest.raises(ValueError, match="other settings"):
        train_token_classifier(base_dir, split, tmp_path / "run", _settings(learning_rate=1e-3), progress=False, log=lambda _: None)


def test_the_trained_model_predicts_entities_whose_offsets_match_the_text(base_dir, tmp_path):
    split = Split(tuple(SENTENCES * 4), tuple(DEV))
    result = train_token_classifier(base_dir, split, tmp_path / "run", _settings(epochs=6, checkpoint_every=0), progress=False, log=lambda _: None)
    extractor = TransformersNerExtractor({"model": str(result.best_dir), "label_map": {"PERS": "PER", "LOC": "LOC", "ORG": "ORG"}, "threads": 1})
    text = "قال محمد في بغداد، ثم زار علي دمشق."
    [prediction] = extractor.extract([Document("d1", text)])
    entities = prediction.annotations.entities
    assert entities, "the tiny model should have learnt to tag something"
    for entity in entities:
        assert text[entity.start : entity.end] == entity.text
        assert entity.text == entity.text.strip(" ،.")
        assert entity.start == 0 or text[entity.start - 1] == " "


def test_layer_wise_decay_gives_the_classifier_the_full_rate_and_each_lower_layer_less(base_dir):
    from transformers import AutoModelForTokenClassification

    from harness.training.trainer import layer_depth, parameter_groups

    model = AutoModelForTokenClassification.from_pretrained(base_dir, num_labels=5)
    layers = model.config.num_hidden_layers
    settings = _settings(learning_rate=1e-3, layer_lr_decay=0.5)
    rate_of = {id(p): g["lr"] for g in parameter_groups(model, settings) for p in g["params"]}
    decay_of = {id(p): g["weight_decay"] for g in parameter_groups(model, settings) for p in g["params"]}
    named = dict(model.named_parameters())
    assert rate_of[id(named["classifier.weight"])] == pytest.approx(1e-3)
    top = next(n for n in named if f".layer.{layers - 1}." in n and n.endswith("weight") and "LayerNorm" not in n)
    bottom = top.replace(f".layer.{layers - 1}.", ".layer.0.")
    assert rate_of[id(named[top])] == pytest.approx(1e-3 * 0.5)
    assert rate_of[id(named[bottom])] == pytest.approx(1e-3 * 0.5**layers)
    word_embeddings = model.get_input_embeddings().weight
    assert rate_of[id(word_embeddings)] == pytest.approx(1e-3 * 0.5 ** (layers + 1))
    assert decay_of[id(word_embeddings)] == 0.0 and decay_of[id(named[top])] == settings.weight_decay
    assert layer_depth("bert.embeddings.word_embeddings.weight", layers) == 0
    assert {id(p) for p in model.parameters()} == set(rate_of), "every trainable parameter is in exactly one group"
    flat = parameter_groups(model, _settings(learning_rate=1e-3, embedding_learning_rate=1e-4))
    assert {g["lr"] for g in flat} == {1e-3, 1e-4}


def test_a_crf_layer_trains_resumes_and_ships_its_transitions_in_the_config(base_dir, tmp_path):
    from transformers import AutoConfig

    from harness.extractors.ner.decoding import LearnedTransitions

    split = Split(tuple(SENTENCES), tuple(DEV))
    quiet = dict(progress=False, log=lambda _: None)
    straight = train_token_classifier(base_dir, split, tmp_path / "straight", _settings(crf=True), **quiet)
    train_token_classifier(base_dir, split, tmp_path / "resumed", _settings(crf=True, max_steps=3), **quiet)
    train_token_classifier(base_dir, split, tmp_path / "resumed", _settings(crf=True), **quiet)
    a = torch.load(tmp_path / "straight" / CHECKPOINT_NAME, weights_only=False)["crf"]
    b = torch.load(tmp_path / "resumed" / CHECKPOINT_NAME, weights_only=False)["crf"]
    assert torch.allclose(a["transitions"], b["transitions"], atol=1e-5)
    assert a["transitions"].abs().sum() > 0, "the transitions moved from zero"
    learned = LearnedTransitions.from_config(AutoConfig.from_pretrained(straight.best_dir))
    assert learned is not None and learned.transitions.shape == (len(straight.labels), len(straight.labels))
    extractor = TransformersNerExtractor({"model": str(straight.best_dir), "label_map": {"PERS": "PER", "LOC": "LOC", "ORG": "ORG"}, "threads": 1})
    [prediction] = extractor.extract([Document("d", "قال محمد علي في بغداد")])
    assert all(e.text == "قال محمد علي في بغداد"[e.start : e.end] for e in prediction.annotations.entities)


def test_scoring_in_passages_returns_one_row_per_token_of_every_sentence_in_order(base_dir, tmp_path):
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    from harness.training.trainer import predict_sentence_scores

    split = Split(tuple(SENTENCES), tuple(DEV))
    result = train_token_classifier(base_dir, split, tmp_path / "run", _settings(epochs=1, checkpoint_every=0), progress=False, log=lambda _: None)
    model = AutoModelForTokenClassification.from_pretrained(result.best_dir)
    tokenizer = AutoTokenizer.from_pretrained(result.best_dir)
    alone = predict_sentence_scores(model, tokenizer, SENTENCES, result.labels, max_length=64)
    # Sentences of 4, 5, 5 and 3 tokens: passages of at most 9 tokens are (0, 1) and (2, 3).
    in_passages = predict_sentence_scores(model, tokenizer, SENTENCES, result.labels, max_length=64, passage_tokens=9)
    assert [len(rows) for rows in in_passages] == [len(s.tokens) for s in SENTENCES]
    assert all((rows < 0).all() for rows in in_passages)  # log-probabilities, every row filled
    # Sentences read with a neighbour see other context than alone, so their scores move.
    assert not all(np.allclose(a, b) for a, b in zip(alone, in_passages))


def test_training_on_passages_records_the_dev_score_of_sentences_read_alone_too(base_dir, tmp_path):
    split = Split(tuple(SENTENCES), tuple(DEV * 3))
    result = train_token_classifier(base_dir, split, tmp_path / "run", _settings(epochs=1, passage_tokens=12), progress=False, log=lambda _: None)
    [record] = result.history
    assert record.dev["decoding"] == "constrained"
    assert 0.0 <= record.dev["sentence_alone_f1"] <= 1.0


def test_with_no_dev_split_it_trains_every_epoch_and_the_last_one_is_the_model(base_dir, tmp_path):
    from transformers import AutoModelForTokenClassification

    quiet = dict(progress=False, log=lambda _: None)
    split = Split(tuple(SENTENCES), ())
    result = train_token_classifier(base_dir, split, tmp_path / "run", _settings(epochs=3), **quiet)
    assert [h.epoch for h in result.history] == [1, 2, 3] and all(h.dev == {} for h in result.history)
    assert result.best_epoch == 3 and result.best_dir.is_dir()
    last = torch.load(tmp_path / "run" / CHECKPOINT_NAME, weights_only=False)["model"]
    shipped = AutoModelForTokenClassification.from_pretrained(result.best_dir).state_dict()
    assert all(torch.allclose(last[k], shipped[k]) for k in shipped), "best/ holds the weights of the last epoch"
    # Stopped in the middle and resumed, it reaches the same last epoch.
    train_token_classifier(base_dir, split, tmp_path / "resumed", _settings(epochs=3, max_steps=4), **quiet)
    resumed = train_token_classifier(base_dir, split, tmp_path / "resumed", _settings(epochs=3), **quiet)
    assert resumed.resumed_from_step == 4 and resumed.best_epoch == 3
    again = torch.load(tmp_path / "resumed" / CHECKPOINT_NAME, weights_only=False)["model"]
    assert all(torch.allclose(last[k], again[k], atol=1e-5) for k in last)
