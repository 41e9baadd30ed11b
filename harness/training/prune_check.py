"""Does the pruned model label text as the model with the full vocabulary would?

Pruning changes two things: words whose pieces were dropped are spelt with
other (shorter) pieces, and pieces never kept cannot occur at all. To
measure what that costs, we rebuild the *unpruned twin* of a trained model:
the full 250k-piece tokenizer and embedding matrix, where every kept piece
has its trained row and every other piece the base encoder's row, all other
weights shared. Both then tag the same sentences and we count how often
their word labels and their entities agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.training.data import TaggedSentence
from harness.training.e5s1 import read_e5s1
from harness.training.export import build_tokenizer


@dataclass(frozen=True)
class PruningCheck:
    sentences: int
    words: int
    #: Words whose label differs between the pruned and the unpruned model.
    differing_words: int
    entities_pruned: int
    entities_unpruned: int
    entities_identical: int
    #: Dev F1 (conlleval) of each, when the sentences carry gold tags.
    f1_pruned: float
    f1_unpruned: float
    #: Sub-tokens of the sentences that are <unk> for the pruned tokenizer.
    unknown_pieces: int

    @property
    def word_agreement(self) -> float:
        return 1 - self.differing_words / max(self.words, 1)

    def summary(self) -> dict[str, object]:
        return {
            "sentences compared": self.sentences,
            "word labels identical": f"{self.words - self.differing_words} of {self.words} ({self.word_agreement:.2%})",
            "entities identical": f"{self.entities_identical} (pruned {self.entities_pruned}, unpruned {self.entities_unpruned})",
            "dev F1 conlleval pruned / unpruned": f"{self.f1_pruned:.3f} / {self.f1_unpruned:.3f}",
            "sub-tokens unknown to the pruned tokenizer": self.unknown_pieces,
        }


def unpruned_twin(trained_dir: Path | str, weights: Path | str):
    """(model, tokenizer) with the full vocabulary, built in memory from a pruned trained model."""
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    base = read_e5s1(weights)
    pruned = AutoModelForTokenClassification.from_pretrained(trained_dir, dtype=torch.float32)
    pruned_tokenizer = AutoTokenizer.from_pretrained(trained_dir)
    piece_id = {piece: i for i, piece in enumerate(base.vocab.pieces)}
    kept = [piece_id[p] for p in pruned_tokenizer.convert_ids_to_tokens(list(range(len(pruned_tokenizer))))]

    rows = base.tensor("emb.word").reshape(-1, base.header.hidden)[: len(base.vocab.pieces)].copy()
    rows[kept] = pruned.get_input_embeddings().weight.detach().numpy()
    config = pruned.config.__class__.from_dict({**pruned.config.to_dict(), "vocab_size": len(base.vocab.pieces), "pad_token_id": base.vocab.pad})
    twin = AutoModelForTokenClassification.from_config(config)
    state = {k: v for k, v in pruned.state_dict().items() if "word_embeddings" not in k}
    state[[k for k in twin.state_dict() if "word_embeddings" in k][0]] = torch.from_numpy(np.ascontiguousarray(rows))
    twin.load_state_dict(state, strict=False)
    twin.eval()
    tokenizer = build_tokenizer(base.vocab)
    return twin, tokenizer, pruned, pruned_tokenizer


def compare_pruned_to_unpruned(
    trained_dir: Path | str,
    weights: Path | str,
    sentences: Sequence[TaggedSentence],
    max_length: int = 128,
) -> PruningCheck:
    from harness.training.data import build_examples
    from harness.training.trainer import dev_scores, predict_sentence_tags

    twin, full_tokenizer, pruned, pruned_tokenizer = unpruned_twin(trained_dir, weights)
    labels = [pruned.config.id2label[i] for i in range(len(pruned.config.id2label))]
    for tok in (full_tokenizer, pruned_tokenizer):
        tok.model_max_length = 10**9
    tags_pruned = predict_sentence_tags(pruned, pruned_tokenizer, sentences, labels, max_length)
    tags_full = predict_sentence_tags(twin, full_tokenizer, sentences, labels, max_length)
    from harness.corpus.tagging import tags_to_spans

    identical = pruned_count = full_count = 0
    for a, b in zip(tags_pruned, tags_full):
        spans_a = {(s.start_token, s.end_token, s.label) for s in tags_to_spans(a, "IOB2")}
        spans_b = {(s.start_token, s.end_token, s.label) for s in tags_to_spans(b, "IOB2")}
        identical += len(spans_a & spans_b)
        pruned_count += len(spans_a)
        full_count += len(spans_b)
    known = [TaggedSentence(s.tokens, tuple("O" for _ in s.tags)) for s in sentences]
    unknown = sum(
        sum(1 for i in e.input_ids if i == pruned_tokenizer.unk_token_id)
        for e in build_examples(pruned_tokenizer, known, {"O": 0}, max_length)
    )
    gold = [list(s.tags) for s in sentences]
    return PruningCheck(
        sentences=len(sentences),
        words=sum(len(t) for t in tags_pruned),
        differing_words=sum(x != y for a, b in zip(tags_pruned, tags_full) for x, y in zip(a, b)),
        entities_pruned=pruned_count,
        entities_unpruned=full_count,
        entities_identical=identical,
        f1_pruned=dev_scores(gold, tags_pruned)["conlleval"]["f1"],
        f1_unpruned=dev_scores(gold, tags_full)["conlleval"]["f1"],
        unknown_pieces=unknown,
    )
