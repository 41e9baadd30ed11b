"""What ``harness gold agree`` prints and writes: the figures and the list of disagreements.

The figures are Markdown tables, readable in a terminal and ready to paste
into ``gold/agreement/README.md``; the list of disagreements is a Markdown
table with an empty *decision* column for the person who settles each one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from harness.corpus.agreement import Agreement, Disagreement, Kappa, Side
from harness.report.markdown import md_escape
from harness.scoring.counts import MatchCounts

#: The scorer compares the value of a quantity and of a time, not their spans.
_SLOT_NAMES = {"quantity": "quantity value", "time": "time value"}


def _num(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def _share(part: int, whole: int) -> str:
    return f"{part} ({100 * part / whole:.0f}%)" if whole else str(part)


def _kappa_row(k: Kappa) -> str:
    return f"| {k.name} | {k.units} | {_num(k.observed)} | {_num(k.expected)} | {_num(k.kappa)} |"


def _sense_row(name: str, counts: MatchCounts) -> str:
    prf = counts.prf()
    return (
        f"| {name} | {counts.correct} | {counts.incorrect} | {counts.missed} | {counts.spurious}"
        f" | {prf.precision:.3f} | {prf.recall:.3f} | {prf.f1:.3f} |"
    )


def agreement_markdown(agreement: Agreement, a_name: str, b_name: str, notes: Sequence[str] = ()) -> str:
    """The figures of one comparison as Markdown: scope, entity spans and kappa, claims, slots, kinds."""
    ent, cl = agreement.entities, agreement.claims
    out = [
        f"A = `{a_name}` (the reference), B = `{b_name}`.",
        f"Compared documents ({len(agreement.documents)}): {', '.join(f'`{d}`' for d in agreement.documents)}.",
    ]
    if agreement.only_in_a:
        out.append(f"Only in A, not compared ({len(agreement.only_in_a)}): {', '.join(f'`{d}`' for d in agreement.only_in_a)}.")
    if agreement.only_in_b:
        out.append(f"Only in B, not compared ({len(agreement.only_in_b)}): {', '.join(f'`{d}`' for d in agreement.only_in_b)}.")
    out += [f"Note: {note}" for note in notes]
    out += [
        "",
        "Entity spans (precision = share of B's entities A has, recall = share of A's entities B has):",
        "",
        "| label | in A | in B | strict P | strict R | strict F1 | partial P | partial R | partial F1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in ent.spans:
        s, p = row.strict, row.partial
        out.append(
            f"| {row.label} | {row.in_a} | {row.in_b} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f}"
            f" | {p.precision:.3f} | {p.recall:.3f} | {p.f1:.3f} |"
        )
    out += [
        "",
        f"Cohen's kappa on whitespace tokens ({ent.tokens} tokens; a token takes the label of the entity covering"
        f" any of its characters, O otherwise; {ent.mixed_tokens} covered by two labels in A or B):",
        "",
        "| categories | tokens | observed | chance | kappa |",
        "|---|---:|---:|---:|---:|",
        *(_kappa_row(k) for k in ent.kappas),
        "",
        f"Claims: {cl.in_a} in A, {cl.in_b} in B, {cl.aligned} aligned pairs"
        f" ({cl.same_evidence} with identical evidence spans).",
        "",
        "| sense | correct | incorrect | only in A | only in B | P | R | F1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        _sense_row("evidence", cl.evidence),
        _sense_row("strict", cl.strict),
        "",
        f"Slots over the {cl.aligned} aligned pairs:",
        "",
        "| slot | both agree | only A fills | only B fills | both fill, differ | neither |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for slot in cl.slots:
        n = slot.pairs
        out.append(
            f"| {_SLOT_NAMES.get(slot.slot, slot.slot)} | {_share(slot.agree, n)} | {_share(slot.only_a, n)} | {_share(slot.only_b, n)}"
            f" | {_share(slot.differ, n)} | {_share(slot.empty, n)} |"
        )
    k = cl.kind_kappa
    same = sum(n for (a, b), n in cl.kinds if a == b)
    out += [
        "",
        f"Kind over the aligned pairs: same kind in {_share(same, cl.aligned)};"
        f" observed {_num(k.observed)}, chance {_num(k.expected)}, kappa {_num(k.kappa)}.",
        "",
        "| kind in A | kind in B | pairs |",
        "|---|---|---:|",
        *(f"| {a} | {b} | {n} |" for (a, b), n in cl.kinds),
        "",
        f"Disagreements: {len(agreement.disagreements)} ({_disagreement_counts(agreement.disagreements)}).",
    ]
    return "\n".join(out) + "\n"


def _disagreement_counts(items: Sequence[Disagreement]) -> str:
    counts: dict[str, int] = {}
    for d in items:
        key = f"{d.item} {d.kind}"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{key}: {n}" for key, n in counts.items()) or "none"


def _side_cell(side: Side | None) -> str:
    if side is None:
        return "-"
    return md_escape(f"{side.id} [{side.start}, {side.end}) {side.says}: «{side.text}»")


def disagreements_markdown(agreement: Agreement, a_name: str, b_name: str) -> str:
    """Every disagreement as one table row, numbered, with an empty decision column."""
    out = [
        f"# Disagreements between A (`{a_name}`) and B (`{b_name}`)",
        "",
        "Offsets are `[start, end)` in code points of the seed text. For an entity the"
        " side shows its label; for a claim its kind (the evidence span), or for a slot"
        " the slot's value and span (the evidence when the claim leaves the slot empty).",
        "",
        "| # | document | item | disagreement | A | B | decision |",
        "|---:|---|---|---|---|---|---|",
    ]
    for i, d in enumerate(agreement.disagreements, 1):
        out.append(f"| {i} | `{d.doc_id}` | {d.item} | {d.kind} | {_side_cell(d.a)} | {_side_cell(d.b)} |  |")
    if not agreement.disagreements:
        out.append("")
        out.append("None: the two annotations agree on every item.")
    return "\n".join(out) + "\n"


def agreement_json(agreement: Agreement, a_name: str, b_name: str) -> dict[str, Any]:
    """The comparison as plain JSON data, with the claim senses' P / R / F1 spelled out."""
    data = asdict(agreement)
    for sense in ("evidence", "strict"):
        counts: MatchCounts = getattr(agreement.claims, sense)
        data["claims"][sense] = {**asdict(counts), **asdict(counts.prf())}
    data["claims"]["kinds"] = [{"a": a, "b": b, "pairs": n} for (a, b), n in agreement.claims.kinds]
    return {"a": a_name, "b": b_name, **data}
