"""``leaderboard.md``: the tables, the ranking notes and how to read the intervals.

Markdown has no escaping of its own worth the name, so cell texts (setup
names come from config files, run ids from the registry) go through
:func:`md_escape`: a ``|`` would split a table cell and a raw ``<`` would be
taken as HTML by renderers that allow it.
"""

from __future__ import annotations

from harness.report.board import Leaderboard
from harness.report.tables import (
    IN_SAMPLE_MARK,
    Cell,
    Table,
    how_to_read,
    in_sample_line,
    leaderboard_tables,
    track_lines,
)
from harness.report.templating import environment
from harness.report.visible import visible

_MARKDOWN_ESCAPES = {"\\": "\\\\", "|": "\\|", "<": "&lt;", ">": "&gt;", "&": "&amp;", "\n": " ", "\r": " "}


def md_escape(text: object) -> str:
    """``text`` safe inside a Markdown table cell or list item; invisible characters shown as escapes
    (:func:`harness.report.visible.visible`: a bidi control in a setup name cannot reorder the line)."""
    flat = str(text).replace("\r", " ").replace("\n", " ")
    return "".join(_MARKDOWN_ESCAPES.get(char, char) for char in visible(flat))


def md_cell(cell: Cell) -> str:
    parts = [cell.text + (f" {IN_SAMPLE_MARK}" if cell.in_sample and cell.numeric else "")]
    if cell.interval:
        parts.append(cell.interval)
    if cell.note:
        parts.append(f"({cell.note})")
    return md_escape(" ".join(parts))


def alignments(table: Table) -> list[str]:
    """The delimiter row cells: right-aligned where the first row holds numbers."""
    first = table.rows[0] if table.rows else ()
    return ["---:" if i < len(first) and first[i].numeric else "---" for i in range(len(table.columns))]


def render_markdown(board: Leaderboard) -> str:
    env = environment(html=False)
    env.filters["md"] = md_escape
    env.filters["md_cell"] = md_cell
    return env.get_template("leaderboard.md.j2").render(
        tables=[(table, alignments(table)) for table in leaderboard_tables(board)],
        notes=board.notes,
        tracks=track_lines(board),
        in_sample=in_sample_line(),
        in_sample_mark=IN_SAMPLE_MARK,
        warnings=board.warnings,
        how_to_read=how_to_read(board),
    )
