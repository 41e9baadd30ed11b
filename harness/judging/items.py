"""What a judge sees and what it answers: one aligned claim pair, one judgement.

A :class:`JudgeItem` holds an aligned pair of one document exactly as the
scorer aligned it: the gold claim, the predicted claim, the gold entities the
gold's speaker and location point to (the slot comparisons of
:mod:`harness.scoring.claims` read them), and the sentence(s) of the document
around both claims. :meth:`JudgeItem.gold_text` and
:meth:`JudgeItem.predicted_text` give the claims as text (evidence, predicate,
slots) for judges that read, such as a prompted model.

A :class:`Judgement` is the answer: ``same`` (True), ``different`` (False)
or ``None`` when the judge could not decide (an unparseable or refused
answer, a backend error); the raw answer is kept so nobody has to guess why.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harness.annotations import Claim, Entity, GoldDocument, Prediction
from harness.scoring.claims import ClaimAlignment
from harness.serialize import (
    claim_from_dict,
    claim_to_dict,
    entity_from_dict,
    entity_to_dict,
)

#: Characters that end a sentence when looking for the sentences around a claim.
SENTENCE_ENDS = frozenset(".!?؟\n")
#: The context is cut to this many characters on each side of the two claims.
CONTEXT_MARGIN = 400

#: Judgement statuses: answered, and the three ways of not answering.
JUDGED = "judged"
UNPARSEABLE = "unparseable"
REFUSED = "refused"
ERROR = "error"
STATUSES = (JUDGED, UNPARSEABLE, REFUSED, ERROR)


@dataclass(frozen=True)
class ClaimText:
    """A claim as a reader sees it: its evidence words and its slots as text (None when empty)."""

    evidence: str
    predicate: str = ""
    speaker: str | None = None
    quantity: str | None = None
    time: str | None = None
    location: str | None = None

    @classmethod
    def of(cls, claim: Claim, with_predicate: bool = True) -> ClaimText:
        return cls(
            evidence=claim.evidence.text,
            predicate=claim.predicate if with_predicate else "",
            speaker=claim.speaker.text if claim.speaker is not None else None,
            quantity=claim.quantity.text if claim.quantity is not None else None,
            time=claim.time.text if claim.time is not None else None,
            location=claim.location.text if claim.location is not None else None,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "evidence": self.evidence,
            "predicate": self.predicate,
            "speaker": self.speaker,
            "quantity": self.quantity,
            "time": self.time,
            "location": self.location,
        }


@dataclass(frozen=True)
class JudgeItem:
    """One aligned gold/predicted claim pair of one document, with what a judge needs to decide."""

    doc_id: str
    gold: Claim
    predicted: Claim
    #: Index of the predicted claim in the prediction's claim list (the pair's key with the gold id).
    predicted_index: int
    #: The sentence(s) of the document around both claims' evidence.
    context: str
    #: Gold entities the gold claim's speaker and location point to.
    entities: tuple[Entity, ...] = ()

    @property
    def key(self) -> tuple[str, str, int]:
        """``(doc_id, gold id, predicted index)``: where the verdict goes."""
        return (self.doc_id, self.gold.id, self.predicted_index)

    @property
    def entity_map(self) -> Mapping[str, Entity]:
        return {e.id: e for e in self.entities}

    def gold_text(self) -> ClaimText:
        return ClaimText.of(self.gold)

    def predicted_text(self) -> ClaimText:
        """The prediction without a predicate: extractors' predicates are not part of what is judged."""
        return ClaimText.of(self.predicted, with_predicate=False)

    def content(self) -> dict[str, Any]:
        """Everything a reading judge is shown: the cache key of a model judge's answer."""
        return {"gold": self.gold_text().to_json(), "predicted": self.predicted_text().to_json(), "context": self.context}

    def content_sha256(self) -> str:
        canonical = json.dumps(self.content(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def to_json(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "gold": claim_to_dict(self.gold),
            "predicted": claim_to_dict(self.predicted),
            "predicted_index": self.predicted_index,
            "context": self.context,
            "entities": [entity_to_dict(e) for e in self.entities],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], where: str) -> JudgeItem:
        """An item read back; errors name ``where`` and the field."""
        try:
            return cls(
                doc_id=str(data["doc_id"]),
                gold=claim_from_dict(data["gold"]),
                predicted=claim_from_dict(data["predicted"]),
                predicted_index=int(data["predicted_index"]),
                context=str(data["context"]),
                entities=tuple(entity_from_dict(e) for e in data.get("entities") or ()),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            raise ValueError(f"{where}: not a judge item ({type(err).__name__}: {err})") from None


@dataclass(frozen=True)
class Judgement:
    """A judge's answer on one item."""

    #: True: the prediction asserts the same thing as the gold; False: it does not; None: unjudged.
    verdict: bool | None
    #: One line saying why (the model's own words, or the rule that decided).
    reason: str
    #: One of :data:`STATUSES`; anything but ``judged`` goes with ``verdict`` None.
    status: str = JUDGED
    #: The judge's raw answer (a model's text), kept for unjudged items above all.
    raw: str = ""
    #: Served from the judge's cache.
    cached: bool = False

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown judgement status {self.status!r}; known: {', '.join(STATUSES)}")
        if (self.status == JUDGED) != (self.verdict is not None):
            raise ValueError(f"a {self.status} judgement cannot have verdict {self.verdict!r}")

    @property
    def label(self) -> str:
        """``same``, ``different`` or ``unjudged``."""
        return "unjudged" if self.verdict is None else ("same" if self.verdict else "different")


def ends_sentence(text: str, i: int) -> bool:
    """Does ``text[i]`` end a sentence? A point between two digits (``6.8``) does not."""
    char = text[i]
    if char not in SENTENCE_ENDS:
        return False
    return not (char == "." and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit())


def context_around(text: str, start: int, end: int, margin: int = CONTEXT_MARGIN) -> str:
    """The sentence(s) of ``text`` that hold ``text[start:end]``, at most ``margin`` characters beyond it on each side."""
    left = start
    floor = max(0, start - margin)
    while left > floor and not ends_sentence(text, left - 1):
        left -= 1
    right = end
    ceiling = min(len(text), end + margin)
    while right < ceiling and not (right > 0 and ends_sentence(text, right - 1)):
        right += 1
    return " ".join(text[left:right].split())


def _entities_of(claim: Claim, entities: Mapping[str, Entity]) -> tuple[Entity, ...]:
    ids = [slot.entity for slot in (claim.speaker, claim.location) if slot is not None and slot.entity is not None]
    return tuple(entities[i] for i in dict.fromkeys(ids) if i in entities)


def item_for(gold: GoldDocument, prediction: Prediction, gold_id: str, predicted_index: int) -> JudgeItem:
    """The item of one aligned pair of a document; errors name the document and the pair."""
    doc_id = gold.document.doc_id
    gold_claims = {c.id: c for c in gold.gold.claims}
    if gold_id not in gold_claims:
        raise ValueError(f"{doc_id}: no gold claim {gold_id!r} (results and gold disagree: score the run again)")
    predicted_claims = prediction.annotations.claims
    if not 0 <= predicted_index < len(predicted_claims):
        raise ValueError(f"{doc_id}: no predicted claim at index {predicted_index} (results and predictions disagree)")
    g, p = gold_claims[gold_id], predicted_claims[predicted_index]
    start = min(g.evidence.start, p.evidence.start)
    end = max(g.evidence.end, p.evidence.end)
    entities = {e.id: e for e in gold.gold.entities}
    return JudgeItem(doc_id, g, p, predicted_index, context_around(gold.document.text, start, end), _entities_of(g, entities))


def items_of_alignment(gold: GoldDocument, prediction: Prediction | None, alignment: ClaimAlignment) -> list[JudgeItem]:
    """The items of every aligned pair of one document, in the alignment's order."""
    if not alignment.pairs:
        return []
    if prediction is None:
        raise ValueError(f"{alignment.doc_id}: aligned claim pairs but no prediction to read them from")
    return [item_for(gold, prediction, pair.gold_id, pair.predicted_index) for pair in alignment.pairs]


def verdict_map(items: Sequence[JudgeItem], judgements: Sequence[Judgement]) -> dict[tuple[str, str, int], bool | None]:
    """``item.key -> verdict`` (None for unjudged)."""
    if len(items) != len(judgements):
        raise ValueError(f"a judge answered {len(judgements)} time(s) for {len(items)} item(s)")
    return {item.key: judgement.verdict for item, judgement in zip(items, judgements)}
