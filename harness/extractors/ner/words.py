"""Sub-tokens, words and windows: the bookkeeping between text and a token classifier.

A word is what the tokenizer's pre-tokenizer splits off (for the
sentencepiece tokenizers served here: a run of non-space characters). A
word's label is the label of its *first* sub-token; later sub-tokens are
never labels of their own, so a long name split into pieces is still one
word. One refinement: sentencepiece sometimes spells a word as a bare
word-start marker ``▁`` followed by the word's letters (``▁`` + ``جائزة``);
the bare marker covers no character of the word, so the label is read from
the first sub-token that does (the word's *head*). Training puts the label
on the head and also on the bare marker, which keeps the model's per-token
output in line with word-level readers such as the transformers pipeline.
Offsets come from the tokenizer's offset mapping, so they point into the
text exactly as given.

Texts longer than a window are cut into windows that start and end at word
boundaries and overlap; each word is labelled by the window in which it
sits farthest from an edge, so every word is seen with context on both
sides when the text allows it. Training uses the same code with no
overlap, so a sentence longer than the limit loses no label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class EncodedText:
    """The content sub-tokens of one text (no special tokens)."""

    ids: tuple[int, ...]
    #: (start, end) character offsets of each sub-token in the text.
    offsets: tuple[tuple[int, int], ...]
    #: Index of the word each sub-token belongs to (0, 1, 2, ... in order).
    word_of: tuple[int, ...]
    #: Index of the first sub-token of each word.
    word_first: tuple[int, ...]
    #: Index of the sub-token that carries each word's label: the first one,
    #: or the next when the first is a bare word-start marker.
    word_head: tuple[int, ...]

    @property
    def word_count(self) -> int:
        return len(self.word_first)


@dataclass(frozen=True)
class Window:
    """Sub-tokens ``[start, end)`` of an encoded text, fed to the model as one sequence."""

    start: int
    end: int


def encode_text(tokenizer: Any, text: str) -> EncodedText:
    """Sub-tokens, offsets and words of ``text`` from a fast tokenizer."""
    encoding = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    return encoding_to_text(text, encoding.input_ids, encoding.offset_mapping, encoding.word_ids())


def encode_texts(tokenizer: Any, texts: Sequence[str]) -> list[EncodedText]:
    """:func:`encode_text` for many texts in one call of the (parallel) tokenizer."""
    if not texts:
        return []
    batch = tokenizer(list(texts), add_special_tokens=False, return_offsets_mapping=True)
    return [
        encoding_to_text(texts[i], batch["input_ids"][i], batch["offset_mapping"][i], batch.word_ids(i))
        for i in range(len(texts))
    ]


def encoding_to_text(
    text: str, ids: Sequence[int], offsets: Sequence[tuple[int, int]], word_ids: Sequence[int | None]
) -> EncodedText:
    """Renumber the tokenizer's word ids densely (0, 1, ...); note each word's first and head sub-token."""
    keep = [i for i, w in enumerate(word_ids) if w is not None]
    word_of: list[int] = []
    word_first: list[int] = []
    previous = None
    for position, i in enumerate(keep):
        if word_ids[i] != previous:
            word_first.append(position)
            previous = word_ids[i]
        word_of.append(len(word_first) - 1)
    spans = [(int(offsets[i][0]), int(offsets[i][1])) for i in keep]
    heads = []
    for word, first in enumerate(word_first):
        bare = not text[spans[first][0] : spans[first][1]].strip()
        has_next = first + 1 < len(word_of) and word_of[first + 1] == word
        heads.append(first + 1 if bare and has_next else first)
    return EncodedText(
        ids=tuple(int(ids[i]) for i in keep),
        offsets=tuple(spans),
        word_of=tuple(word_of),
        word_first=tuple(word_first),
        word_head=tuple(heads),
    )


def word_spans(encoded: EncodedText, text: str) -> list[tuple[int, int]]:
    """Character span of each word, without the whitespace a sub-token's offset may cover."""
    ends = list(encoded.word_first[1:]) + [len(encoded.ids)]
    spans = []
    for first, stop in zip(encoded.word_first, ends):
        start, end = encoded.offsets[first][0], encoded.offsets[stop - 1][1]
        while start < end and text[start].isspace():
            start += 1
        spans.append((start, end))
    return spans


def plan_windows(encoded: EncodedText, size: int, overlap: int) -> list[Window]:
    """Windows of at most ``size`` sub-tokens, cut at word starts, overlapping by about ``overlap``."""
    if size < 1:
        raise ValueError(f"window size must be positive, got {size}")
    if not 0 <= overlap < size:
        raise ValueError(f"window overlap must be in [0, size), got {overlap} for size {size}")
    n = len(encoded.ids)
    if n <= size:
        return [Window(0, n)]
    starts = encoded.word_first
    windows: list[Window] = []
    begin = 0
    while True:
        end = min(begin + size, n)
        if end < n:
            # Back off to a word start so no word is cut (unless one word fills the window).
            cut = max((s for s in starts if begin < s <= end), default=end)
            end = cut
        windows.append(Window(begin, end))
        if end >= n:
            return windows
        target = max(end - overlap, begin + 1)
        begin = min((s for s in starts if target <= s <= end), default=end)


def owner_windows(encoded: EncodedText, windows: Sequence[Window]) -> list[int]:
    """For each word, the index of the window that labels it (its head farthest from an edge)."""
    owners = []
    for first in encoded.word_head:
        best, best_margin = -1, -1
        for index, window in enumerate(windows):
            if window.start <= first < window.end:
                margin = min(first - window.start, window.end - 1 - first)
                if margin > best_margin:
                    best, best_margin = index, margin
        owners.append(best)
    return owners
