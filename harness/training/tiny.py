"""A tiny random encoder in the E5S1 format and as a transformers directory.

Tests (and anyone trying the training code) need a model that builds in
milliseconds with no download: a 1-layer BERT with a few dozen
sentencepiece pieces, written through the same code paths as the real one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from harness.training.e5s1 import (
    DTYPE_F32,
    DTYPE_Q4,
    E5S1Header,
    E5S1Vocab,
    read_e5s1,
    write_e5s1,
)
from harness.training.export import write_model_directory

META = "\u2581"
SPECIALS = ("<s>", "<pad>", "</s>", "<unk>")


def tiny_vocab(words: Iterable[str]) -> E5S1Vocab:
    """Specials, the word-start marker, every character of ``words`` and each word as a whole piece."""
    words = sorted(set(words))
    chars = sorted({c for w in words for c in w})
    pieces = list(SPECIALS) + [META] + chars + [META + w for w in words] + ["<mask>"]
    scores = [0.0] * len(SPECIALS) + [-3.0] + [-8.0] * len(chars) + [-2.0] * len(words) + [0.0]
    normalisation = {0x09: (0x20,), 0x0A: (0x20,), 0x01: (), 0xFE8D: (0x0627,)}
    return E5S1Vocab(tuple(pieces), tuple(scores), 0, 2, 1, 3, normalisation)


def tiny_header(hidden: int = 32, layers: int = 1, heads: int = 2, ffn: int = 64, vocab_rows: int = 0, max_positions: int = 64) -> E5S1Header:
    return E5S1Header(1, hidden, layers, heads, ffn, vocab_rows, max_positions, 2, 1e-12, 32)


def tiny_tensors(header: E5S1Header, seed: int = 0) -> dict[str, tuple[int, np.ndarray]]:
    """Random weights with the E5S1 names: matrices 4-bit, vectors float32."""
    rng = np.random.default_rng(seed)
    h, f = header.hidden, header.ffn

    def normal(*shape: int) -> np.ndarray:
        return rng.normal(0, 0.05, size=shape).astype(np.float32)

    tensors: dict[str, tuple[int, np.ndarray]] = {
        "emb.word": (DTYPE_Q4, normal(header.vocab_rows, h)),
        "emb.pos": (DTYPE_F32, normal(header.max_positions, h)),
        "emb.type": (DTYPE_F32, normal(header.type_vocab, h)),
        "emb.ln.w": (DTYPE_F32, np.ones(h, np.float32)),
        "emb.ln.b": (DTYPE_F32, np.zeros(h, np.float32)),
    }
    for layer in range(header.layers):
        for name, shape in (("q", (h, h)), ("k", (h, h)), ("v", (h, h)), ("ao", (h, h)), ("fi", (f, h)), ("fo", (h, f))):
            tensors[f"l{layer}.{name}.w"] = (DTYPE_Q4, normal(*shape))
            tensors[f"l{layer}.{name}.b"] = (DTYPE_F32, normal(shape[0]))
        for name in ("aln", "oln"):
            tensors[f"l{layer}.{name}.w"] = (DTYPE_F32, np.ones(h, np.float32))
            tensors[f"l{layer}.{name}.b"] = (DTYPE_F32, np.zeros(h, np.float32))
    return tensors


def write_tiny_e5s1(path: Path | str, words: Iterable[str], seed: int = 0) -> Path:
    vocab = tiny_vocab(words)
    header = tiny_header(vocab_rows=len(vocab.pieces))
    write_e5s1(path, header, vocab, tiny_tensors(header, seed))
    return Path(path)


def write_tiny_model(directory: Path | str, words: Iterable[str], seed: int = 0) -> Path:
    """A tiny BertModel + tokenizer directory (via an E5S1 file written next to it)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    weights = write_tiny_e5s1(directory.parent / f"{directory.name}.e5s1", words, seed)
    return write_model_directory(read_e5s1(weights), directory)


def write_tiny_classifier(directory: Path | str, words: Iterable[str], labels: list[str], seed: int = 0) -> Path:
    """A tiny *untrained* token classifier directory: arbitrary but deterministic labels, for tests."""
    import torch
    from transformers import AutoModelForTokenClassification

    directory = Path(directory)
    base = write_tiny_model(directory.parent / f"{directory.name}-base", words, seed)
    torch.manual_seed(seed)
    model = AutoModelForTokenClassification.from_pretrained(
        base,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={label: i for i, label in enumerate(labels)},
        dtype=torch.float32,
    )
    with torch.no_grad():
        model.classifier.bias.copy_(torch.linspace(0, 0.01, len(labels)))  # no label dominates
    model.save_pretrained(directory)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        (directory / name).write_bytes((base / name).read_bytes())
    return directory
