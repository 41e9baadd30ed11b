"""The leaderboard's warnings: given ones are shown on both pages, and a flood of them is cut to 50 and a count."""

from __future__ import annotations

from harness.common.capped import MAX_LINES, capped
from harness.report.html import render_html
from harness.report.leaderboard import build_leaderboard, select_runs
from harness.report.markdown import render_markdown


def test_capped_keeps_the_first_lines_and_counts_the_rest():
    assert capped(["a", "b"], limit=3) == ["a", "b"]
    assert capped([f"p{i}" for i in range(5)], limit=2) == ["p0", "p1", "... 3 more problems (the first 2 are shown)"]


def test_a_thousand_warnings_show_as_fifty_and_a_count_on_both_pages(real_runs):
    flood = [f"a run record was left out (it cannot be read): record-{i:04d}/metrics.json: not valid JSON" for i in range(1000)]
    board = build_leaderboard(select_runs(real_runs.registry), real_runs.registry, real_runs.config.tracks, real_runs.config.ranking, warnings=flood)
    assert len(board.warnings) == MAX_LINES + 1
    assert board.warnings[0] == flood[0]
    assert board.warnings[-1] == f"... {1000 - MAX_LINES} more warnings (the first {MAX_LINES} are shown)"
    for page in (render_markdown(board), render_html(board)):
        assert "record-0000/metrics.json" in page and "record-0999" not in page
        assert f"{1000 - MAX_LINES} more warnings" in page
