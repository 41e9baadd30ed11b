"""The shaping file a trained model ships with: which sentences trained it.

The harness marks a score in-sample when a corpus shares text with what
shaped the extractor (:class:`harness.extractors.base.ShapingText`). For a
CoNLL corpus the unit is a sentence, identified by the SHA-256 of its tokens
joined by single spaces: exactly the document text the harness's CoNLL
reader builds. The trainer writes the file, so it always describes the
sentences the weights beside it saw.
"""

from __future__ import annotations

from pathlib import Path

from harness.annotations import sha256_text
from harness.extractors.base import SHAPING_FILE, ShapingText, write_shaping_file
from harness.training.data import Split, TaggedSentence


def sentence_sha256(sentence: TaggedSentence) -> str:
    """The identity the CoNLL reader gives this sentence as a document."""
    return sha256_text(" ".join(sentence.tokens))


def training_shaping_text(split: Split, name: str, dev_size: int) -> ShapingText:
    """The training sentences of ``split`` as one shaping text, named for the split."""
    if split.dev:
        title = f"{name}, first {len(split.train)} sentences"
        how = f"the model was fine-tuned on them (the last {dev_size} sentences were held out as dev)"
    else:
        title = f"{name}, all {len(split.train)} sentences"
        how = "the model was fine-tuned on them (no dev split: every sentence of the file)"
    return ShapingText(title, how, frozenset(sentence_sha256(s) for s in split.train))


def write_training_shaping_file(ship_dir: Path, split: Split, name: str, convention: str, dev_size: int) -> Path:
    """Write ``shaped_by.json`` beside the shipped weights; returns its path."""
    path = Path(ship_dir) / SHAPING_FILE
    write_shaping_file(path, [training_shaping_text(split, name, dev_size)], convention=convention)
    return path
