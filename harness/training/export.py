"""Turn an E5S1 file into a standard transformers model directory.

The directory holds a ``BertModel`` config, ``model.safetensors`` and a
tokenizer rebuilt from the sentencepiece vocabulary inside the file, so
``AutoModel``/``AutoModelForTokenClassification``/``AutoTokenizer`` load it
with no project code. ``keep_ids`` prunes the vocabulary: only the listed
piece ids keep a row of the embedding matrix and a place in the tokenizer
(82% of the encoder's parameters are the 250k-row embedding matrix).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from harness.training.e5s1 import E5S1File, E5S1Vocab

META = "\u2581"
MASK = "<mask>"

#: E5S1 tensor name suffixes -> BertModel parameter names inside a layer.
_LAYER_NAMES = {
    "q.w": "attention.self.query.weight",
    "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight",
    "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight",
    "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight",
    "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight",
    "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight",
    "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight",
    "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight",
    "oln.b": "output.LayerNorm.bias",
}

#: The E5S1 tensors that are matrices (rows of the output, columns of the input).
_MATRICES = frozenset({"q.w", "k.w", "v.w", "ao.w", "fi.w", "fo.w"})


def bert_state_dict(model: E5S1File, keep_ids: Sequence[int] | None = None) -> dict[str, np.ndarray]:
    """BertModel parameters (float32, shaped) from the file; word rows limited to ``keep_ids``."""
    h = model.header
    rows = None if keep_ids is None else np.asarray(keep_ids, dtype=np.int64)
    state = {
        "embeddings.word_embeddings.weight": model.tensor("emb.word", rows).reshape(-1, h.hidden),
        "embeddings.position_embeddings.weight": model.tensor("emb.pos").reshape(h.max_positions, h.hidden),
        "embeddings.token_type_embeddings.weight": model.tensor("emb.type").reshape(h.type_vocab, h.hidden),
        "embeddings.LayerNorm.weight": model.tensor("emb.ln.w"),
        "embeddings.LayerNorm.bias": model.tensor("emb.ln.b"),
    }
    for layer in range(h.layers):
        for suffix, target in _LAYER_NAMES.items():
            values = model.tensor(f"l{layer}.{suffix}")
            if suffix in _MATRICES:
                values = values.reshape(-1, h.ffn if suffix == "fo.w" else h.hidden)
            state[f"encoder.layer.{layer}.{target}"] = values
    return state


def bert_config_dict(model: E5S1File, vocab_size: int, pad_token_id: int) -> dict:
    """The BertConfig fields of the encoder (multilingual-e5-small is a BERT)."""
    h = model.header
    return {
        "hidden_size": h.hidden,
        "num_hidden_layers": h.layers,
        "num_attention_heads": h.heads,
        "intermediate_size": h.ffn,
        "max_position_embeddings": h.max_positions,
        "type_vocab_size": h.type_vocab,
        "layer_norm_eps": h.layer_norm_eps,
        "vocab_size": vocab_size,
        "pad_token_id": pad_token_id,
        "hidden_act": "gelu",
    }


def _normaliser(vocab: E5S1Vocab):
    """The file's per-code-point map as a ``tokenizers`` normaliser.

    The map agrees with NFKC except for control characters (dropped) and
    odd spaces (made plain spaces): those go first as two character-class
    replacements, then NFKC, then runs of spaces collapse as the engine does.
    """
    from tokenizers import Regex, normalizers

    dropped, spaced = [], []
    for cp, out in sorted(vocab.normalisation.items()):
        replacement = "".join(map(chr, out))
        if replacement == unicodedata.normalize("NFKC", chr(cp)):
            continue
        if replacement == "":
            dropped.append(cp)
        elif replacement == " ":
            spaced.append(cp)
    steps: list[normalizers.Normalizer] = []
    for cps, replacement in ((dropped, ""), (spaced, " ")):
        if cps:
            steps.append(normalizers.Replace(Regex("[" + "".join(f"\\x{{{cp:x}}}" for cp in cps) + "]"), replacement))
    steps += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    return normalizers.Sequence(steps)


def build_tokenizer(vocab: E5S1Vocab, keep_ids: Sequence[int] | None = None, max_length: int = 512):
    """A fast tokenizer (XLM-R style: ``<s> … </s>``, Metaspace words) over the kept pieces.

    Kept pieces are renumbered in the order of ``keep_ids``; the four special
    pieces and ``<mask>`` must be among them.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    ids = list(range(len(vocab.pieces))) if keep_ids is None else list(keep_ids)
    pieces = [vocab.pieces[i] for i in ids]
    new_id = {old: new for new, old in enumerate(ids)}
    for special in (vocab.bos, vocab.eos, vocab.pad, vocab.unk):
        if special not in new_id:
            raise ValueError(f"keep_ids must keep the special piece {vocab.pieces[special]!r}")
    scores = [vocab.scores[i] for i in ids]
    tokenizer = Tokenizer(models.Unigram(list(zip(pieces, scores)), unk_id=new_id[vocab.unk]))
    tokenizer.normalizer = _normaliser(vocab)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always")
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, new_id[vocab.bos]), (eos, new_id[vocab.eos])],
    )
    specials = {
        "bos_token": bos,
        "eos_token": eos,
        "cls_token": bos,
        "sep_token": eos,
        "pad_token": vocab.pieces[vocab.pad],
        "unk_token": vocab.pieces[vocab.unk],
    }
    if MASK in pieces:
        specials["mask_token"] = MASK
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, model_max_length=max_length, **specials)


def write_model_directory(
    model: E5S1File,
    out_dir: Path | str,
    keep_ids: Sequence[int] | None = None,
    dtype: str = "float32",
) -> Path:
    """Write ``config.json``, ``model.safetensors`` and the tokenizer files of a BertModel."""
    import torch
    from transformers import BertConfig, BertModel

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    vocab = model.vocab
    ids = list(range(len(vocab.pieces))) if keep_ids is None else list(keep_ids)
    tokenizer = build_tokenizer(vocab, ids, model.header.max_positions)
    config = BertConfig(**bert_config_dict(model, len(ids), ids.index(vocab.pad)))
    bert = BertModel(config, add_pooling_layer=False)
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in bert_state_dict(model, ids).items()}
    missing, unexpected = bert.load_state_dict(state, strict=False)
    missing = [name for name in missing if "position_ids" not in name]
    if missing or unexpected:
        raise ValueError(f"{model.path}: tensors missing {missing} / unexpected {unexpected}")
    bert.to(getattr(torch, dtype)).save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir
