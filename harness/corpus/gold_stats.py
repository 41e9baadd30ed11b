"""``harness gold stats``: what the gold set holds, as a table for gold/README.md."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.annotations import CLAIM_KINDS, CLAIM_SLOTS, ENTITY_LABELS, GoldDocument


@dataclass(frozen=True)
class DocumentStats:
    doc_id: str
    characters: int
    #: Entity mentions per label, in ``ENTITY_LABELS`` order.
    entities: dict[str, int]
    #: Claims per kind, in ``CLAIM_KINDS`` order.
    claims: dict[str, int]
    #: Claims that fill each slot, in ``CLAIM_SLOTS`` order.
    slots: dict[str, int]
    drafted: int

    @property
    def entity_total(self) -> int:
        return sum(self.entities.values())

    @property
    def claim_total(self) -> int:
        return sum(self.claims.values())


def document_stats(doc: GoldDocument) -> DocumentStats:
    gold = doc.gold
    return DocumentStats(
        doc_id=doc.document.doc_id,
        characters=len(doc.document.text),
        entities={label: sum(e.label == label for e in gold.entities) for label in ENTITY_LABELS},
        claims={kind: sum(c.kind == kind for c in gold.claims) for kind in CLAIM_KINDS},
        slots={slot: sum(getattr(c, slot) is not None for c in gold.claims) for slot in CLAIM_SLOTS},
        drafted=sum(e.drafted for e in gold.entities) + sum(c.drafted for c in gold.claims),
    )


def total(stats: Sequence[DocumentStats]) -> DocumentStats:
    def add(field: str, keys: Sequence[str]) -> dict[str, int]:
        return {k: sum(getattr(s, field)[k] for s in stats) for k in keys}

    return DocumentStats(
        doc_id="total",
        characters=sum(s.characters for s in stats),
        entities=add("entities", ENTITY_LABELS),
        claims=add("claims", CLAIM_KINDS),
        slots=add("slots", CLAIM_SLOTS),
        drafted=sum(s.drafted for s in stats),
    )


def _share(part: int, whole: int) -> str:
    return f"{part} ({100 * part / whole:.0f}%)" if whole else "0"


def stats_markdown(corpus: Sequence[GoldDocument]) -> str:
    """Two Markdown tables: entities per document and label; claims per document, kind and slot."""
    rows = [document_stats(d) for d in corpus]
    rows.append(total(rows))
    out = ["| document | chars | " + " | ".join(ENTITY_LABELS) + " | entities |", "|---" * (len(ENTITY_LABELS) + 3) + "|"]
    for s in rows:
        name = f"**{s.doc_id}**" if s.doc_id == "total" else f"`{s.doc_id}`"
        out.append(f"| {name} | {s.characters} | " + " | ".join(str(s.entities[k]) for k in ENTITY_LABELS) + f" | {s.entity_total} |")
    out += ["", "| document | claims | " + " | ".join(CLAIM_KINDS) + " | " + " | ".join(f"with {slot}" for slot in CLAIM_SLOTS) + " | drafted items |"]
    out.append("|---" * (len(CLAIM_KINDS) + len(CLAIM_SLOTS) + 3) + "|")
    for s in rows:
        name = f"**{s.doc_id}**" if s.doc_id == "total" else f"`{s.doc_id}`"
        out.append(
            f"| {name} | {s.claim_total} | "
            + " | ".join(str(s.claims[k]) for k in CLAIM_KINDS)
            + " | "
            + " | ".join(_share(s.slots[k], s.claim_total) for k in CLAIM_SLOTS)
            + f" | {s.drafted} |"
        )
    return "\n".join(out) + "\n"


BEGIN, END = "<!-- stats:begin -->", "<!-- stats:end -->"


def replace_stats_block(readme: str, table: str) -> str:
    """``readme`` with the text between the stats markers replaced by ``table``."""
    if BEGIN not in readme or END not in readme:
        raise ValueError(f"the README has no {BEGIN} ... {END} block to fill")
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table}{END}{tail}"
