"""``leaderboard.html``: one self-contained page (inline CSS, JS and SVG; no network).

The tables are the Markdown page's (:mod:`harness.report.tables`), followed
by the ranking notes, two charts (:mod:`harness.report.plots`) and one
collapsible view per document (:mod:`harness.report.document_view`) with a tab
per leaderboard row. A small inline script switches the tabs and honours
``#doc=<doc id>&setup=<row name>`` in the address, which opens that document
on that row (links in reviews, and the Chromium test, use it). Without
scripts every row's view is shown one after the other.

Escaping: the template environment autoescapes everything; only the SVG
charts, which matplotlib writes and escapes itself, are inserted as markup.
Names and ids (setups, tracks, documents, runs) and the page's own sentences
go through the ``vis`` filter (:mod:`harness.report.visible`): a bidi
control or zero-width character in them is printed as its escape, and the
elements holding them isolate their text (``unicode-bidi: isolate``).
"""

from __future__ import annotations

from markupsafe import Markup

from harness.annotations import ENTITY_LABELS
from harness.report.board import Leaderboard
from harness.report.plots import colour, label_f1_svg, slot_f1_svg
from harness.report.tables import (
    IN_SAMPLE_MARK,
    how_to_read,
    in_sample_line,
    label_columns,
    leaderboard_tables,
    track_lines,
)
from harness.report.templating import environment
from harness.report.views import CLAIM_STATUSES, DRAWN_SLOTS, label_class
from harness.report.visible import visible

#: Entity outcomes shown in the legend, with what each means on the page.
ENTITY_OUTCOMES: tuple[tuple[str, str], ...] = (
    ("correct", "same span and label as the other side"),
    ("incorrect", "overlaps an entity of the other side, but boundaries or label differ"),
    ("missed", "gold entity no prediction matches"),
    ("spurious", "prediction no gold entity matches"),
    ("unscored", "label the run was not scored on"),
)


def render_html(board: Leaderboard) -> str:
    env = environment(html=True)
    env.filters["label_class"] = label_class
    env.filters["vis"] = visible
    charts = []
    label_chart = label_f1_svg(board)
    if label_chart is not None:
        charts.append((f"Strict F1 per entity label on {board.ranking.track}", Markup(label_chart)))
    slot_chart = slot_f1_svg(board)
    if slot_chart is not None:
        charts.append((f"Claim and slot F1 on {board.ranking.track}", Markup(slot_chart)))
    return env.get_template("leaderboard.html.j2").render(
        board=board,
        tables=leaderboard_tables(board),
        track_lines=track_lines(board),
        in_sample_line=in_sample_line(),
        in_sample_mark=IN_SAMPLE_MARK,
        how_to_read=how_to_read(board),
        charts=charts,
        colours={row.name: colour(i) for i, row in enumerate(board.rows)},
        # The legend names the labels the runs were scored on (a corpus may bring its own, e.g. WEAPON).
        labels=label_columns(board) or ENTITY_LABELS,
        entity_outcomes=ENTITY_OUTCOMES,
        claim_statuses=CLAIM_STATUSES,
        slots=DRAWN_SLOTS,
    )
