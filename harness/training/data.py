"""Training examples for token classification from a CoNLL corpus.

Each sentence's tokens are joined by single spaces (as the harness's CoNLL
reader builds its documents) and tokenized exactly as the extractor
tokenizes a document, so training and serving see the same sub-tokens. The
first sub-token of each token carries its tag (and, when that sub-token is
a bare word-start marker, the next one too: see
:mod:`harness.extractors.ner.words`); every other position is ``-100``
(ignored by the loss). A sentence longer than the window is cut at
token boundaries into several examples, so no token loses its label.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.corpus.conll import read_conll
from harness.corpus.passages import pack_consecutive
from harness.extractors.ner.words import encode_texts, owner_windows, plan_windows

IGNORE = -100


@dataclass(frozen=True)
class TaggedSentence:
    tokens: tuple[str, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Example:
    """One model input: ids with ``<s>``/``</s>``, labels aligned to them."""

    input_ids: tuple[int, ...]
    labels: tuple[int, ...]
    #: Which sentence it came from, and which of that sentence's tokens it labels.
    sentence: int
    token_positions: tuple[int, ...]
    #: Column (in ``input_ids``) of the head sub-token of each of those tokens.
    head_columns: tuple[int, ...] = ()


@dataclass(frozen=True)
class Passage:
    """Consecutive sentences read as one text, so each sentence sees its neighbours.

    ANERcorp keeps the sentences of an article together and in order, and
    the extractor reads whole documents in overlapping windows; a model
    trained and scored on passages sees what it will be served.
    """

    text: TaggedSentence
    #: Index (in the corpus) of each sentence in the passage, in order.
    members: tuple[int, ...]
    #: Number of tokens of each member sentence, in order.
    sizes: tuple[int, ...]

    def split_rows(self, rows: Any) -> list[Any]:
        """Per-token rows of the whole passage cut back into one block per member sentence."""
        blocks, begin = [], 0
        for size in self.sizes:
            blocks.append(rows[begin : begin + size])
            begin += size
        return blocks


@dataclass(frozen=True)
class Split:
    train: tuple[TaggedSentence, ...]
    dev: tuple[TaggedSentence, ...]


def read_tagged(path: Path | str, scheme: str = "IOB2") -> list[TaggedSentence]:
    """Tokens and tags (as written in the file) of every sentence."""
    corpus = read_conll(path, scheme=scheme)
    return [TaggedSentence(s.tokens, s.tags) for s in corpus.sentences]


def hold_out_last(sentences: Sequence[TaggedSentence], dev_size: int) -> Split:
    """The last ``dev_size`` sentences are the dev split (a fixed, documented cut).

    ``dev_size`` 0 holds nothing out: every sentence trains (the final model,
    once a run with a dev split has chosen its settings).
    """
    if not 0 <= dev_size < len(sentences):
        raise ValueError(f"dev size {dev_size} must be between 0 (no dev split) and {len(sentences) - 1}")
    if dev_size == 0:
        return Split(tuple(sentences), ())
    return Split(tuple(sentences[:-dev_size]), tuple(sentences[-dev_size:]))


def repair_orphan_tags(sentence: TaggedSentence) -> TaggedSentence:
    """``I-X`` that does not continue an ``X`` becomes ``B-X`` (how conlleval reads it).

    ANERcorp train has a few dozen such tags. A CRF cannot score them: the
    transition into an orphan ``I-`` is forbidden, so a gold path holding
    one would have (near) zero probability.
    """
    tags, previous = [], "O"
    for tag in sentence.tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        tags.append(tag)
        previous = tag
    return TaggedSentence(sentence.tokens, tuple(tags))


def group_passages(sentences: Sequence[TaggedSentence], max_tokens: int) -> list[Passage]:
    """Consecutive sentences joined into passages of at most ``max_tokens`` tokens (see :mod:`harness.corpus.passages`)."""
    passages = []
    for group in pack_consecutive([len(s.tokens) for s in sentences], max_tokens):
        chosen = [sentences[i] for i in group]
        text = TaggedSentence(tuple(t for s in chosen for t in s.tokens), tuple(g for s in chosen for g in s.tags))
        passages.append(Passage(text, tuple(group), tuple(len(s.tokens) for s in chosen)))
    return passages


def label_list(sentences: Sequence[TaggedSentence]) -> list[str]:
    """``O`` then ``B-X``, ``I-X`` for each type X in sorted order: the model's label ids."""
    types = sorted({tag[2:] for s in sentences for tag in s.tags if tag != "O"})
    return ["O"] + [f"{prefix}-{t}" for t in types for prefix in ("B", "I")]


def write_conll(path: Path | str, sentences: Sequence[TaggedSentence]) -> None:
    """Write ``token TAG`` lines with a blank line between sentences (e.g. the dev split)."""
    lines: list[str] = []
    for sentence in sentences:
        lines.extend(f"{t} {g}" for t, g in zip(sentence.tokens, sentence.tags))
        lines.append("")
    Path(path).write_text("\n".join(lines), encoding="utf-8")


def build_examples(
    tokenizer: Any,
    sentences: Sequence[TaggedSentence],
    label_to_id: dict[str, int],
    max_length: int,
    overlap: int = 0,
) -> list[Example]:
    """Examples of at most ``max_length`` ids (specials included) for every sentence."""
    texts = [" ".join(s.tokens) for s in sentences]
    encoded_all = encode_texts(tokenizer, texts)
    bos, eos = tokenizer.bos_token_id, tokenizer.eos_token_id
    examples: list[Example] = []
    for number, (sentence, encoded) in enumerate(zip(sentences, encoded_all)):
        starts: list[int] = []
        position = 0
        for token in sentence.tokens:
            starts.append(position)
            position += len(token) + 1
        # The token each word belongs to: words are whitespace runs, so they are the tokens,
        # unless normalisation dropped a token entirely; offsets keep the mapping right.
        word_token: list[int] = []
        for first in encoded.word_first:
            start, end = encoded.offsets[first]
            while start < end and texts[number][start].isspace():
                start += 1
            word_token.append(bisect.bisect_right(starts, start) - 1)
        windows = plan_windows(encoded, max_length - 2, overlap)
        owners = owner_windows(encoded, windows)
        for index, window in enumerate(windows):
            labels = [IGNORE] * (window.end - window.start)
            positions: list[int] = []
            heads: list[int] = []
            for word, (first, head) in enumerate(zip(encoded.word_first, encoded.word_head)):
                if owners[word] == index:
                    token_index = word_token[word]
                    label = label_to_id[sentence.tags[token_index]]
                    labels[head - window.start] = label
                    if first != head and first >= window.start:
                        labels[first - window.start] = label  # the bare word-start marker
                    positions.append(token_index)
                    heads.append(head - window.start + 1)  # +1: the <s> in front
            examples.append(
                Example(
                    input_ids=(bos, *encoded.ids[window.start : window.end], eos),
                    labels=(IGNORE, *labels, IGNORE),
                    sentence=number,
                    token_positions=tuple(positions),
                    head_columns=tuple(heads),
                )
            )
    return examples
