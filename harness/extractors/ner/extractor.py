"""Named entities from any Hugging Face token-classification model.

Parameters (the ``params`` of a setup config):

- ``model``: a local model directory (absolute, or relative to the project
  root, e.g. ``models/ner-e5-anercorp``) or a Hub id;
- ``revision``: the Hub revision (Hub ids only);
- ``label_map``: model entity type -> harness label (``{PERS: PER}``); a
  type mapped to ``null`` is dropped; every type of the model must appear
  (an unmapped type is an error, never a silent guess). Default: identity
  for types that are harness labels;
- ``window``: sub-tokens per model input, specials included (default 128,
  what the shipped model was trained with); longer documents are windowed;
- ``overlap``: sub-tokens shared by neighbouring windows (default 32);
- ``batch_size``: windows per forward pass (default 32);
- ``threads``: torch threads (default 2);
- ``dtype``: ``float32`` (default), ``bfloat16``, or ``auto`` (bfloat16 when
  the CPU computes it natively through oneDNN, e.g. AMX or AVX-512 BF16, else
  float32). On the AMX machines here bfloat16 ran the ANERcorp dev split
  about 2.5x faster than float32 and changed a handful of word labels
  (entities: one label of 960 differed between batch compositions); the
  resolved dtype is in the fingerprint, so cached predictions never mix the
  two;
- ``decoding``: ``constrained`` (default: the best label sequence in which
  every ``I-X`` continues an ``X``, see
  :mod:`harness.extractors.ner.decoding`; a model trained with a CRF layer
  adds its learned transition scores, read from its config) or ``argmax``
  (each word's best label on its own, as the transformers pipeline does).

How a document becomes entities: the text is tokenized once (offsets from
the tokenizer's offset mapping), cut into overlapping windows at word
starts, the windows of a whole batch of documents are sorted by length and
run in batches under ``torch.inference_mode``; each word takes the label
scores of its first sub-token (the first one that covers a character of the
word) in the window where it is most central; the document's words are
decoded as one sequence; IOB tags become entities with conlleval's chunk
rules; punctuation at either end of an
entity is trimmed (raw text glues ``،`` and quotes to words).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from harness.annotations import ENTITY_LABELS, Annotations, Document, Entity, Prediction
from harness.corpus.tagging import tags_to_spans
from harness.extractors.base import (
    PROJECT_CONVENTION,
    SHAPING_FILE,
    ShapingText,
    read_shaping_file,
)
from harness.extractors.ner.decoding import DECODINGS, LearnedTransitions, decode
from harness.extractors.ner.loading import (
    ModelSource,
    directory_digest,
    fetch_hub_model,
    read_model_labels,
    resolve_source,
)
from harness.extractors.ner.words import (
    EncodedText,
    Window,
    encode_texts,
    owner_windows,
    plan_windows,
    word_spans,
)

#: Bump whenever the decoding changes what the extractor outputs.
VERSION = "1.1.0"

_KNOWN_PARAMS = frozenset({"model", "revision", "label_map", "window", "overlap", "batch_size", "threads", "dtype", "decoding", "convention"})
DTYPES = ("float32", "bfloat16", "auto")


@dataclass(frozen=True)
class NerSettings:
    window: int = 128
    overlap: int = 32
    batch_size: int = 32
    threads: int = 2
    #: Resolved: "float32" or "bfloat16".
    dtype: str = "float32"
    #: "constrained" (valid IOB sequences only) or "argmax".
    decoding: str = "constrained"


def resolve_dtype(name: Any) -> str:
    """``auto`` becomes bfloat16 where the CPU has native bfloat16 matrix units, else float32."""
    if name not in DTYPES:
        raise ValueError(f"ner extractor: dtype must be one of {', '.join(DTYPES)}, got {name!r}")
    if name != "auto":
        return name
    import torch

    native = torch.backends.mkldnn.is_available() and bool(getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: False)())
    return "bfloat16" if native else "float32"


def _int_param(params: dict[str, Any], key: str, default: int, minimum: int) -> int:
    value = params.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"ner extractor: {key} must be an integer >= {minimum}, got {value!r}")
    return value


def entity_types(labels: Sequence[str]) -> list[str]:
    """The entity types of IOB labels (``B-PERS`` -> ``PERS``), in first-seen order."""
    types: list[str] = []
    for label in labels:
        if label == "O":
            continue
        kind = label[2:] if label[1:2] == "-" else label
        if kind not in types:
            types.append(kind)
    return types


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop whitespace and punctuation from both ends of ``text[start:end]``."""
    def strip(ch: str) -> bool:
        return ch.isspace() or unicodedata.category(ch)[0] == "P"

    while start < end and strip(text[start]):
        start += 1
    while end > start and strip(text[end - 1]):
        end -= 1
    return start, end


class TransformersNerExtractor:
    """Entities from a token-classification model; see the module doc."""

    name = "ner"
    version = VERSION
    claim_slots: tuple[str, ...] = ()
    emits_claims = False

    def __init__(self, params: dict[str, Any] | None = None):
        params = dict(params or {})
        unknown = sorted(set(params) - _KNOWN_PARAMS)
        if unknown:
            raise ValueError(f"ner extractor: unknown parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(_KNOWN_PARAMS))}")
        model = params.get("model")
        if not isinstance(model, str) or not model:
            raise ValueError("ner extractor: params.model must name a model directory or a Hub id")
        self.settings = NerSettings(
            window=_int_param(params, "window", 128, 8),
            overlap=_int_param(params, "overlap", 32, 0),
            batch_size=_int_param(params, "batch_size", 32, 1),
            threads=_int_param(params, "threads", 2, 1),
            dtype=resolve_dtype(params.get("dtype", "float32")),
            decoding=params.get("decoding", "constrained"),
        )
        if self.settings.decoding not in DECODINGS:
            raise ValueError(f"ner extractor: decoding must be one of {', '.join(DECODINGS)}, got {self.settings.decoding!r}")
        if self.settings.overlap >= self.settings.window - 2:
            raise ValueError(f"ner extractor: overlap {self.settings.overlap} must be smaller than window - 2 ({self.settings.window - 2})")
        source = resolve_source(model, params.get("revision"))
        if source.local_dir is None:
            source = fetch_hub_model(source)
        self.source: ModelSource = source
        self.model_dir: Path = source.local_dir  # type: ignore[assignment]
        self.model_labels = read_model_labels(self.model_dir)
        self.label_map = self._label_map(params.get("label_map"))
        self.entity_labels: tuple[str, ...] = tuple(
            label for label in ENTITY_LABELS if label in set(self.label_map.values())
        )
        self.digest = directory_digest(self.model_dir)
        # The texts it was trained on and the convention of its training labels, from its card.
        self._shaped_by, card_convention = read_shaping_file(self.model_dir / SHAPING_FILE)
        convention = params.get("convention", card_convention or PROJECT_CONVENTION)
        if not isinstance(convention, str) or not convention:
            raise ValueError(f"ner extractor: convention must be the name of an annotation convention, got {convention!r}")
        self.convention: str = convention
        self._model: Any = None
        self._tokenizer: Any = None

    def shaped_by(self) -> tuple[ShapingText, ...]:
        """The model's training texts, as its card records them (``shaped_by.json`` beside the weights)."""
        return self._shaped_by

    def _label_map(self, raw: Any) -> dict[str, str]:
        types = entity_types(self.model_labels)
        if raw is None:
            raw = {t: t for t in types if t in ENTITY_LABELS}
        if not isinstance(raw, dict):
            raise ValueError(f"ner extractor: label_map must be a mapping of model type to harness label, got {raw!r}")
        missing = [t for t in types if t not in raw]
        if missing:
            raise ValueError(
                f"ner extractor: label_map does not say what to do with the model's type(s) {', '.join(missing)} "
                f"(model {self.source.name}); map each to one of {', '.join(ENTITY_LABELS)} or to null"
            )
        mapped = {}
        for model_type, label in raw.items():
            if label is None:
                continue
            if label not in ENTITY_LABELS:
                raise ValueError(f"ner extractor: label_map sends {model_type!r} to {label!r}, not a harness label ({', '.join(ENTITY_LABELS)})")
            mapped[str(model_type)] = label
        return mapped

    # ------------------------------------------------------------- loading

    def load(self) -> None:
        """Load tokenizer and weights (in the resolved dtype) once; extraction calls it lazily."""
        if self._model is not None:
            return
        import torch
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(self.model_dir)
        if not getattr(tokenizer, "is_fast", False):
            raise ValueError(f"ner extractor: {self.source.name} has no fast tokenizer; offsets need one")
        tokenizer.model_max_length = 10**9  # we window long texts ourselves
        model = AutoModelForTokenClassification.from_pretrained(self.model_dir, dtype=getattr(torch, self.settings.dtype))
        model.eval()
        self._tokenizer, self._model = tokenizer, model

    @property
    def model(self) -> Any:
        self.load()
        return self._model

    @property
    def tokenizer(self) -> Any:
        self.load()
        return self._tokenizer

    def fingerprint(self) -> dict[str, Any]:
        """Model identity and content hash, label map, windowing, batch size, threads, dtype and decoding."""
        return {
            "name": self.name,
            "version": self.version,
            "model": self.source.name,
            "revision": self.source.revision,
            "model_sha256": self.digest,
            "label_map": dict(sorted(self.label_map.items())),
            "window": self.settings.window,
            "overlap": self.settings.overlap,
            "batch_size": self.settings.batch_size,
            "threads": self.settings.threads,
            "dtype": self.settings.dtype,
            "decoding": self.settings.decoding,
        }

    # ---------------------------------------------------------- extraction

    def word_scores(self, texts: Sequence[str]) -> tuple[list[EncodedText], list[np.ndarray]]:
        """Encoded texts and, for each, the log-probabilities of every label for every word.

        A word's row comes from its head sub-token in the window that owns
        the word (see :mod:`harness.extractors.ner.words`).
        """
        import torch

        self.load()
        torch.set_num_threads(self.settings.threads)
        encoded = encode_texts(self._tokenizer, texts)
        size, overlap = self.settings.window - 2, self.settings.overlap
        plans = [plan_windows(e, size, min(overlap, size - 1)) for e in encoded]
        jobs: list[tuple[int, int, Window]] = [(d, w, window) for d, plan in enumerate(plans) for w, window in enumerate(plan)]
        jobs.sort(key=lambda job: job[2].end - job[2].start)
        window_scores: dict[tuple[int, int], np.ndarray] = {}
        bos, eos, pad = self._tokenizer.bos_token_id, self._tokenizer.eos_token_id, self._tokenizer.pad_token_id
        if bos is None:
            bos, eos = self._tokenizer.cls_token_id, self._tokenizer.sep_token_id
        with torch.inference_mode():
            for begin in range(0, len(jobs), self.settings.batch_size):
                batch = jobs[begin : begin + self.settings.batch_size]
                width = max(w.end - w.start for _, _, w in batch) + 2
                ids = torch.full((len(batch), width), pad, dtype=torch.long)
                mask = torch.zeros((len(batch), width), dtype=torch.long)
                for row, (d, _, w) in enumerate(batch):
                    piece_ids = [bos, *encoded[d].ids[w.start : w.end], eos]
                    ids[row, : len(piece_ids)] = torch.tensor(piece_ids)
                    mask[row, : len(piece_ids)] = 1
                logits = self._model(input_ids=ids, attention_mask=mask).logits
                log_probs = logits.float().log_softmax(-1).numpy()
                for row, (d, w_index, w) in enumerate(batch):
                    window_scores[(d, w_index)] = log_probs[row, 1 : 1 + w.end - w.start]
        scores = []
        for d, (e, plan) in enumerate(zip(encoded, plans)):
            owners = owner_windows(e, plan)
            rows = [window_scores[(d, owners[word])][head - plan[owners[word]].start] for word, head in enumerate(e.word_head)]
            scores.append(np.stack(rows) if rows else np.zeros((0, len(self.model_labels)), dtype=np.float32))
        return encoded, scores

    def word_tags(self, texts: Sequence[str]) -> tuple[list[EncodedText], list[list[str]]]:
        """Encoded texts and one model label per word of each, by the configured decoding."""
        encoded, scores = self.word_scores(texts)
        learned = LearnedTransitions.from_config(self._model.config)
        return encoded, [decode(rows, self.model_labels, self.settings.decoding, learned) for rows in scores]

    def entities_from_tags(self, text: str, encoded: EncodedText, tags: Sequence[str]) -> list[Entity]:
        spans = word_spans(encoded, text)
        entities: list[Entity] = []
        for span in tags_to_spans(list(tags), "IOB2"):
            label = self.label_map.get(span.label)
            if label is None:
                continue
            start, end = trim_span(text, spans[span.start_token][0], spans[span.end_token - 1][1])
            if end > start:
                entities.append(Entity(f"e{len(entities) + 1}", label, start, end, text[start:end]))
        return entities

    def extract(self, documents: Sequence[Document]) -> list[Prediction]:
        texts = [d.text for d in documents]
        encoded, tags = self.word_tags(texts)
        return [
            Prediction(doc.doc_id, Annotations(doc.doc_id, tuple(self.entities_from_tags(doc.text, e, t))))
            for doc, e, t in zip(documents, encoded, tags)
        ]


def build(params: dict[str, Any]) -> TransformersNerExtractor:
    """Registry factory: ``harness.extractors.registry`` maps ``"ner"`` here."""
    return TransformersNerExtractor(params)
