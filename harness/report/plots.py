"""Bar charts of the leaderboard as inline SVG text, byte-for-byte reproducible.

Two charts where a reader would rather look than read: strict F1 per entity
label and F1 per claim slot, one bar per leaderboard row with its bootstrap
interval as an error bar. They are drawn with matplotlib's object API (no
pyplot, so no global figure state) under a fixed style:

* ``svg.hashsalt`` fixed, so the ids of clip paths do not change per run;
* ``metadata={"Date": None}``, so no timestamp is written;
* ``svg.fonttype = "none"``: text stays text (the page's font draws it, and
  matplotlib escapes it), rather than glyph outlines;
* ``text.parse_math = False``: a ``$`` in a setup name is a dollar sign.

The same entries give the same SVG, which keeps the HTML page deterministic.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any, cast

import matplotlib
from matplotlib.figure import Figure

from harness.report.board import Leaderboard, Score
from harness.report.visible import visible
from harness.scoring.claims import HEADLINE_CLAIM_MODE
from harness.scoring.metric_table import headline

#: One colour per row, in ranking order (matplotlib's "tab10", then repeated).
PALETTE: tuple[str, ...] = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip

STYLE: Mapping[str, object] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "harness-leaderboard",
    "text.parse_math": False,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#dddddd",
    "axes.axisbelow": True,
}


def colour(rank: int) -> str:
    """The colour of the row at ``rank`` (0-based), the same in every chart."""
    return PALETTE[rank % len(PALETTE)]


def _legend_name(name: str) -> str:
    # Invisible characters shown as escapes (harness.report.visible); matplotlib hides
    # legend entries whose label starts with "_", hence the zero-width space before one.
    name = visible(name)
    return f"\u200b{name}" if name.startswith("_") else name


def grouped_bars(
    title: str,
    groups: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[Score | None]]],
    salt: str,
) -> str:
    """An SVG of bars grouped by ``groups``, one bar per ``(name, colour, scores)`` series, with interval whiskers.

    A score that is None or unscored draws no bar (not a bar of height 0,
    which would read as "scored zero").
    """
    style = {**STYLE, "svg.hashsalt": f"{STYLE['svg.hashsalt']}-{salt}"}
    # The keys are rcParams names; matplotlib's stubs type the argument as a dict of their literals.
    with matplotlib.rc_context(cast(Any, style)):
        width = max(5.5, 0.9 + len(groups) * (0.35 + 0.22 * len(series)))
        figure = Figure(figsize=(width, 3.4))
        axes = figure.add_subplot()
        bar = 0.8 / max(1, len(series))
        for i, (name, fill, scores) in enumerate(series):
            xs: list[float] = []
            heights: list[float] = []
            errors: list[list[float]] = [[], []]
            for g, score in enumerate(scores):
                if score is None or score.value is None:
                    continue
                xs.append(g - 0.4 + bar * (i + 0.5))
                heights.append(score.value)
                low = score.low if score.low is not None else score.value
                high = score.high if score.high is not None else score.value
                errors[0].append(max(0.0, score.value - low))
                errors[1].append(max(0.0, high - score.value))
            axes.bar(
                xs,
                heights,
                bar * 0.92,
                yerr=errors if xs else None,
                capsize=2,
                color=fill,
                error_kw={"elinewidth": 0.8, "ecolor": "#333333"},
                label=_legend_name(name),
            )
        axes.set_xticks(range(len(groups)), list(groups))
        axes.set_xlim(-0.6, len(groups) - 0.4)
        axes.set_ylim(0, 1.05)
        axes.set_ylabel("F1")
        axes.set_title(title)
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        figure.tight_layout()
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    # The page inlines the <svg> element: drop the XML declaration and doctype.
    return svg[svg.index("<svg") :]


def label_f1_svg(board: Leaderboard) -> str | None:
    """Strict F1 per entity label on the ranking track (the label table's metrics), one bar per row; None when no row scored any label."""
    track = board.ranking.track
    metrics = board.shown_in("labels")
    runs = [(row.name, row.on(track)) for row in board.rows]
    series = [
        (name, colour(i), [run.score(metric.path()) for metric in metrics])
        for i, (name, run) in enumerate(runs)
        if run is not None and run.labels
    ]
    if not metrics or not series:
        return None
    return grouped_bars(
        f"Entities on {visible(track)}: strict F1 per label (whiskers: bootstrap interval)", [visible(m.column) for m in metrics], series, "labels"
    )


def slot_f1_svg(board: Leaderboard) -> str | None:
    """Claim F1 (headline mode) and F1 per claim slot on the ranking track, one bar per row that scored claims."""
    track = board.ranking.track
    claims = headline(board.metrics, "claims")
    slots = [metric for metric in board.metrics if metric.section == "slots"]
    series = []
    for i, row in enumerate(board.rows):
        run = row.on(track)
        if claims is None or run is None or not run.score(claims.path()).scored:
            continue
        series.append((row.name, colour(i), [run.score(claims.path()), *(run.score(m.path()) for m in slots)]))
    if claims is None or not series:
        return None
    groups = (f"claim ({HEADLINE_CLAIM_MODE})", *(m.key.rsplit(".", 1)[-1] for m in slots))
    return grouped_bars(f"Claims on {visible(track)}: {HEADLINE_CLAIM_MODE} and slot F1 (whiskers: bootstrap interval)", groups, series, "slots")
