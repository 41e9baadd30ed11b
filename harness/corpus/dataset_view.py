"""A ``datasets.Dataset`` view of any loaded corpus, with declared features.

Two views, for two kinds of user:

* :func:`to_dataset`: one row per gold document (seeds + gold, or CoNLL
  sentences) with its entities as a list of typed records. ``label`` is a
  ``ClassLabel`` over a label set (the project's :data:`harness.annotations.ENTITY_LABELS`
  unless the corpus's own is passed), so a label outside it fails here,
  loudly, instead of producing a column no scorer can compare.
* :func:`conll_to_token_dataset`: one row per CoNLL sentence with ``tokens``
  and ``ner_tags`` as ``List(ClassLabel)``, the layout token-classification
  trainers and ``evaluate``'s seqeval expect.

Claims are stored as a JSON string column (``Value("string")``) holding the
list of claims in the gold-file form of :mod:`harness.serialize`. Why not
nested Arrow structs: a claim's speaker, quantity (with alternative forms),
time and location are each optional, and Arrow would null-fill every missing
part and every missing key; the JSON form is already the project's exchange
format, round-trips exactly through :func:`gold_documents_from_dataset`, and
does not depend on the ``Json`` feature type of recent ``datasets`` releases.

Lists are declared with ``datasets.List`` (since datasets 4.0 ``Sequence`` is
only a compatibility helper that returns a ``List``, or a dict of lists when
given a dict, which is not the record layout wanted here).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from datasets import ClassLabel, Dataset, Features, List, Value

from harness.annotations import (
    ENTITY_LABELS,
    Annotations,
    Document,
    Entity,
    GoldDocument,
)
from harness.corpus.conll import ConllCorpus
from harness.corpus.tagging import OUTSIDE, get_scheme, spans_to_tags
from harness.serialize import claim_from_dict, claim_to_dict


def document_features(labels: Sequence[str] = ENTITY_LABELS) -> Features:
    """Features of :func:`to_dataset` over a label set (a corpus's ``labels``; the project's by default)."""
    return Features(
        {
            "doc_id": Value("string"),
            "text": Value("string"),
            "entities": List(
                {
                    "id": Value("string"),
                    "label": ClassLabel(names=list(labels)),
                    "start": Value("int64"),
                    "end": Value("int64"),
                    "text": Value("string"),
                    "drafted": Value("bool"),
                }
            ),
            "claims": Value("string"),
        }
    )


#: Features of :func:`to_dataset` over the project's labels; declared once so every view has the same schema.
DOCUMENT_FEATURES = document_features()


def to_dataset(gold_documents: Iterable[GoldDocument], labels: Sequence[str] = ENTITY_LABELS) -> Dataset:
    """One row per document: ``doc_id, text, entities, claims`` (claims as JSON).

    ``labels`` is the ``ClassLabel`` vocabulary (pass ``corpus.labels`` for a
    corpus with labels of its own). Raises ValueError naming the document and
    label when an entity's label is not one of them (map it when reading).
    """
    rows: dict[str, list[object]] = {"doc_id": [], "text": [], "entities": [], "claims": []}
    for gold_doc in gold_documents:
        doc_id = gold_doc.document.doc_id
        for entity in gold_doc.gold.entities:
            if entity.label not in labels:
                raise ValueError(
                    f"{doc_id}: entity {entity.id} has label {entity.label!r}, not one of "
                    f"{', '.join(labels)}; map it with a label map when reading, or pass the corpus's labels"
                )
        rows["doc_id"].append(doc_id)
        rows["text"].append(gold_doc.document.text)
        rows["entities"].append(
            [
                {
                    "id": e.id,
                    "label": e.label,
                    "start": e.start,
                    "end": e.end,
                    "text": e.text,
                    "drafted": e.drafted,
                }
                for e in gold_doc.gold.entities
            ]
        )
        rows["claims"].append(
            json.dumps([claim_to_dict(c) for c in gold_doc.gold.claims], ensure_ascii=False)
        )
    return Dataset.from_dict(rows, features=document_features(labels))


def gold_documents_from_dataset(dataset: Dataset) -> list[GoldDocument]:
    """The inverse of :func:`to_dataset` (labels decoded back to names)."""
    label_feature = dataset.features["entities"].feature["label"]
    documents = []
    for row in dataset:
        entities = tuple(
            Entity(
                id=e["id"],
                label=label_feature.int2str(e["label"]),
                start=e["start"],
                end=e["end"],
                text=e["text"],
                drafted=e["drafted"],
            )
            for e in row["entities"]
        )
        claims = tuple(claim_from_dict(c) for c in json.loads(row["claims"]))
        documents.append(
            GoldDocument(
                Document(row["doc_id"], row["text"]),
                Annotations(row["doc_id"], entities=entities, claims=claims),
            )
        )
    return documents


def tag_names(labels: Sequence[str], scheme: str) -> list[str]:
    """The tag vocabulary ``O, <p1>-L1, <p2>-L1, ..., <p1>-L2, ...`` of a scheme."""
    prefixes = get_scheme(scheme).prefixes
    return [OUTSIDE, *(f"{prefix}-{label}" for label in labels for prefix in prefixes)]


def conll_to_token_dataset(corpus: ConllCorpus, labels: Sequence[str] | None = None) -> Dataset:
    """One row per sentence: ``doc_id``, ``tokens``, ``ner_tags`` (``List(ClassLabel)``).

    ``ner_tags`` encode the sentence's gold entities (after the label map) in
    the corpus's scheme, canonically: an entity the file began with ``I-``
    appears with the scheme's start prefix here, so the token view and the
    entity view agree. The file's own tags stay in ``ConllSentence.tags``.
    ``labels`` fixes the label order of the vocabulary (to match a model's
    ``label2id``); by default it is the corpus's labels, sorted.
    """
    labels = list(corpus.labels if labels is None else labels)
    names = tag_names(labels, corpus.scheme)
    known = set(labels)
    rows: dict[str, list[object]] = {"doc_id": [], "tokens": [], "ner_tags": []}
    for sentence in corpus.sentences:
        for span in sentence.entity_spans:
            if span.label not in known:
                raise ValueError(
                    f"{sentence.doc_id} (line {sentence.line}): label {span.label!r} "
                    f"is not in the label list {labels}"
                )
        rows["doc_id"].append(sentence.doc_id)
        rows["tokens"].append(list(sentence.tokens))
        rows["ner_tags"].append(
            spans_to_tags(sentence.entity_spans, len(sentence.tokens), corpus.scheme)
        )
    features = Features(
        {
            "doc_id": Value("string"),
            "tokens": List(Value("string")),
            "ner_tags": List(ClassLabel(names=names)),
        }
    )
    return Dataset.from_dict(rows, features=features)
