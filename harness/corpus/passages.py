"""Consecutive sentences read together as passages.

Sentence-per-block corpora such as ANERcorp carry no document markers but
keep each article's sentences together and in order. Reading a sentence
alone throws away what its neighbours say (a club named in one sentence is
a club in the next); an extractor serving whole documents never sees a
sentence alone. A passage is a run of consecutive sentences, bounded in
size so that windowing it stays cheap; no sentence is ever split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from harness.annotations import Annotations, Document, GoldDocument


def pack_consecutive(sizes: Sequence[int], limit: int) -> list[range]:
    """Indices of consecutive items grouped greedily so each group's sizes sum to at most ``limit``.

    An item larger than ``limit`` forms a group of its own; every item is in
    exactly one group, in order.
    """
    if limit < 1:
        raise ValueError(f"passage size must be positive, got {limit}")
    groups: list[range] = []
    begin, total = 0, 0
    for index, size in enumerate(sizes):
        if index > begin and total + size > limit:
            groups.append(range(begin, index))
            begin, total = index, 0
        total += size
    if begin < len(sizes):
        groups.append(range(begin, len(sizes)))
    return groups


def join_gold_documents(doc_id: str, documents: Sequence[GoldDocument]) -> GoldDocument:
    """One document whose text is the texts joined by single spaces, entities shifted and renumbered."""
    texts = [gold_document.document.text for gold_document in documents]
    offsets = [sum(len(text) + 1 for text in texts[:index]) for index in range(len(texts))]
    shifted = [
        (entity, offset) for gold_document, offset in zip(documents, offsets) for entity in gold_document.gold.entities
    ]
    entities = tuple(
        replace(entity, id=f"e{number}", start=entity.start + offset, end=entity.end + offset)
        for number, (entity, offset) in enumerate(shifted, start=1)
    )
    if any(document.gold.claims for document in documents):
        raise ValueError(f"{doc_id}: only entity gold can be joined into passages (the documents hold claims)")
    return GoldDocument(Document(doc_id, " ".join(texts)), Annotations(doc_id, entities=entities))
