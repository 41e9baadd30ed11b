"""Charts: inline SVG, reproducible byte for byte, names shown as text."""

from __future__ import annotations

from harness.report.leaderboard import Entry, Score, Speed
from harness.report.plots import colour, label_f1_svg, slot_f1_svg
from harness.runs.registry import RunRow

SLOTS = ("speaker", "quantity", "unit", "time", "location")


def entry(name: str, with_claims: bool) -> Entry:
    row = RunRow(name, "/nowhere", "2026-01-01T00:00:00", name, "x", "0", "f", "c", "g", "gold", None, 5, 0.5, (0.4, 0.6), None, None, 0, 0, None)
    return Entry(
        name=name,
        row=row,
        entities={"strict": Score(0.5, 0.4, 0.6)},
        per_label={"PER": Score(0.7, 0.5, 0.9), "LOC": Score(0.3, 0.1, 0.5)},
        labels=("PER", "LOC"),
        claims=Score(0.4, 0.3, 0.5) if with_claims else None,
        slots={slot: Score(0.2, 0.1, 0.3) for slot in SLOTS} if with_claims else {},
        speed=Speed(None),
        bootstrap={},
    )


def test_the_same_entries_give_the_same_svg_without_a_date():
    entries = [entry("rules", True), entry("ner", False)]
    first, second = label_f1_svg(entries, ("PER", "LOC")), label_f1_svg(entries, ("PER", "LOC"))
    assert first == second and first.startswith("<svg")
    assert "<dc:date>" not in first and "<?xml" not in first


def test_names_are_text_escaped_and_a_dollar_is_not_mathematics():
    svg = label_f1_svg([entry("cost $5 <b>", True)], ("PER", "LOC"))
    assert "cost $5 &lt;b&gt;" in svg and "<b>" not in svg


def test_the_slot_chart_leaves_out_rows_without_claims_and_keeps_row_colours():
    entries = [entry("entities-only", False), entry("rules", True)]
    svg = slot_f1_svg(entries)
    assert "rules" in svg and "entities-only" not in svg
    # The row keeps the colour of its rank, the same as in the label chart.
    assert f"fill: {colour(1)}" in svg
    assert slot_f1_svg([entry("entities-only", False)]) is None
