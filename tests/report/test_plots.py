"""Charts: inline SVG, reproducible byte for byte, names shown as text, drawn from the ranking track."""

from __future__ import annotations

from harness.config import Ranking
from harness.report.board import Leaderboard, SetupRow, Speed, TrackColumn, TrackRun
from harness.report.plots import colour, label_f1_svg, slot_f1_svg
from harness.runs.record import InSample
from harness.runs.registry import RunRow
from harness.scoring.claims import CLAIM_MODES
from harness.scoring.metric_table import TableContext, table_for

SLOTS = ("speaker", "quantity", "unit", "time", "location")
TRACK = "seeds"
#: The board's metric table: runs declaring PER and LOC, with claims (what the charts iterate).
METRICS = table_for(TableContext(("PER", "LOC"), ("PER", "LOC"), ("PER", "LOC"), (), CLAIM_MODES))


def run(name: str, with_claims: bool, track: str = TRACK) -> TrackRun:
    """A made-up run whose indexed scores are known: PER 0.7, LOC 0.3, claims 0.4 (strict) and 0.2 per slot."""
    scores = {
        "entities.strict.f1": (0.5, 0.4, 0.6),
        "entities.per_label.PER.strict.f1": (0.7, 0.5, 0.9),
        "entities.per_label.LOC.strict.f1": (0.3, 0.1, 0.5),
    }
    if with_claims:
        scores["claims.strict.f1"] = (0.4, 0.3, 0.5)
        scores["claims.evidence.f1"] = (0.6, 0.5, 0.7)
        scores.update({f"claims.slots.{slot}.f1": (0.2, 0.1, 0.3) for slot in SLOTS})
    row = RunRow(
        run_id=f"{name}-{track}", path="/nowhere", started_at="2026-01-01T00:00:00", setup=name, track=track, extractor="x",
        extractor_version="0", fingerprint_hash="f", config_hash="c", gold_sha256="g", corpus="gold", git_commit=None,
        git_dirty=None, documents=5, metrics_schema=2, in_sample_documents=0, in_sample_share=0.0, failures=0, ungrounded=0,
        documents_per_second=None, scores=scores,
    )
    return TrackRun(track, row, InSample(), ("PER", "LOC"), "project", Speed(None))


def board(*rows: tuple[str, bool] | SetupRow) -> Leaderboard:
    setup_rows = tuple(
        row if isinstance(row, SetupRow) else SetupRow(row[0], {TRACK: run(*row)}, rank=i) for i, row in enumerate(rows, start=1)
    )
    return Leaderboard(
        tracks=(TrackColumn(TRACK, "", "gold", "g", 5),),
        ranking=Ranking(TRACK),
        rows=setup_rows,
        notes=(),
        views=(),
        level=0.95,
        resamples=1000,
        metrics=METRICS,
    )


def test_the_same_entries_give_the_same_svg_without_a_date():
    shown = board(("rules", True), ("ner", False))
    first, second = label_f1_svg(shown), label_f1_svg(shown)
    assert first == second and first.startswith("<svg")
    assert "<dc:date>" not in first and "<?xml" not in first


def test_names_are_text_escaped_and_a_dollar_is_not_mathematics():
    svg = label_f1_svg(board(("cost $5 <b>", True)))
    assert "cost $5 &lt;b&gt;" in svg and "<b>" not in svg


def test_the_slot_chart_leaves_out_rows_without_claims_and_keeps_row_colours():
    svg = slot_f1_svg(board(("entities-only", False), ("rules", True)))
    assert "rules" in svg and "entities-only" not in svg
    # The row keeps the colour of its rank, the same as in the label chart.
    assert f"fill: {colour(1)}" in svg
    assert slot_f1_svg(board(("entities-only", False))) is None


def test_the_slot_chart_shows_the_headline_claim_mode():
    svg = slot_f1_svg(board(("rules", True)))
    assert "claim (strict)" in svg and "evidence" not in svg


def test_rows_without_a_run_on_the_ranking_track_are_left_out_of_the_charts():
    elsewhere = SetupRow("heldout-only", {"heldout": run("heldout-only", True, track="heldout")})
    shown = board(("rules", True), elsewhere)
    for svg in (label_f1_svg(shown), slot_f1_svg(shown)):
        assert "rules" in svg and "heldout-only" not in svg
    assert label_f1_svg(board(elsewhere)) is None
