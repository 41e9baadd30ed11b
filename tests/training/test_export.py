"""An E5S1 file becomes a standard transformers directory; pruning keeps what it should."""

from __future__ import annotations

import numpy as np
import pytest

from harness.training.e5s1 import read_e5s1
from harness.training.export import build_tokenizer, write_model_directory
from harness.training.tiny import write_tiny_e5s1
from harness.training.vocab import piece_script, select_pieces

WORDS = ["قال", "محمد", "في", "بغداد", "news"]


def test_the_directory_loads_with_auto_classes_and_carries_the_weights(tmp_path):
    torch = pytest.importorskip("torch")
    from transformers import AutoModel, AutoTokenizer

    model_file = read_e5s1(write_tiny_e5s1(tmp_path / "m.bin", WORDS))
    directory = write_model_directory(model_file, tmp_path / "bert")
    bert = AutoModel.from_pretrained(directory, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(directory)
    np.testing.assert_allclose(
        bert.encoder.layer[0].intermediate.dense.weight.detach().numpy(),
        model_file.tensor("l0.fi.w").reshape(model_file.header.ffn, model_file.header.hidden),
    )
    pieces = tokenizer.convert_ids_to_tokens(tokenizer("قال محمد في بغداد")["input_ids"])
    assert pieces == ["<s>", "\u2581قال", "\u2581محمد", "\u2581في", "\u2581بغداد", "</s>"]


def test_the_rebuilt_normaliser_applies_the_files_map_and_keeps_offsets(tmp_path):
    vocab = read_e5s1(write_tiny_e5s1(tmp_path / "m.bin", WORDS)).vocab
    tokenizer = build_tokenizer(vocab)
    text = "قال\tمحمد\x01 في  بغداد"
    encoding = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    assert tokenizer.convert_ids_to_tokens(encoding["input_ids"]) == ["\u2581قال", "\u2581محمد", "\u2581في", "\u2581بغداد"]
    assert [text[s:e].strip() for s, e in encoding["offset_mapping"]] == ["قال", "محمد", "في", "بغداد"]


def test_a_pruned_directory_keeps_only_the_chosen_rows_and_tokenizes_the_same(tmp_path):
    torch = pytest.importorskip("torch")
    from transformers import AutoModel, AutoTokenizer

    model_file = read_e5s1(write_tiny_e5s1(tmp_path / "m.bin", WORDS))
    pieces = model_file.vocab.pieces
    keep = [i for i, p in enumerate(pieces) if p not in ("\u2581news",) and not ("a" <= p[-1] <= "z" and len(p) == 1)]
    directory = write_model_directory(model_file, tmp_path / "pruned", keep)
    bert = AutoModel.from_pretrained(directory, dtype=torch.float32)
    assert bert.config.vocab_size == len(keep)
    full_rows = model_file.tensor("emb.word").reshape(-1, model_file.header.hidden)
    np.testing.assert_allclose(bert.embeddings.word_embeddings.weight.detach().numpy(), full_rows[keep])
    tokenizer = AutoTokenizer.from_pretrained(directory)
    ids = tokenizer("قال محمد", add_special_tokens=False)["input_ids"]
    assert [keep[i] for i in ids] == [pieces.index("\u2581قال"), pieces.index("\u2581محمد")]
    assert tokenizer.convert_ids_to_tokens(tokenizer("news", add_special_tokens=False)["input_ids"])[-1] == "<unk>"


def test_piece_selection_keeps_specials_used_pieces_and_arabic_before_latin():
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "\u2581", "ب", "a", "\u2581بغداد", "\u2581the", "\u2581كتاب", "日本", "<mask>"]
    scores = [0, 0, 0, 0, -1, -5, -5, -9, -2, -8, -1, 0]
    kept = select_pieces(pieces, scores, used_ids=[7], budget=10)
    names = [pieces[i] for i in kept]
    assert names[:4] == ["<s>", "<pad>", "</s>", "<unk>"] and "<mask>" in names
    assert "\u2581بغداد" in names and "ب" in names and "a" in names
    assert "\u2581كتاب" in names and "\u2581the" not in names  # Arabic first, though "the" scores higher
    assert "日本" not in names and len(kept) == 10
    assert piece_script("\u2581بغداد،") == "arabic" and piece_script("日本") is None
