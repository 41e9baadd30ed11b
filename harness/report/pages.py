"""Writing the leaderboard's two pages: ``leaderboard.md`` and ``leaderboard.html``, each atomically.

The top of the report rooms: it renders a built :class:`~harness.report.board.Leaderboard`
with :mod:`harness.report.markdown` and :mod:`harness.report.html` and writes
the files, so building (:mod:`harness.report.leaderboard`) never depends on
rendering.
"""

from __future__ import annotations

from pathlib import Path

from harness.common.atomic import write_text_atomic
from harness.report.board import Leaderboard
from harness.report.html import render_html
from harness.report.markdown import render_markdown

MARKDOWN_NAME = "leaderboard.md"
HTML_NAME = "leaderboard.html"


def write_leaderboard(board: Leaderboard, results_dir: Path) -> tuple[Path, Path]:
    """Write ``leaderboard.md`` and ``leaderboard.html`` into ``results_dir``, each atomically."""
    markdown_path, html_path = results_dir / MARKDOWN_NAME, results_dir / HTML_NAME
    markdown, page = render_markdown(board), render_html(board)
    write_text_atomic(markdown_path, markdown)
    write_text_atomic(html_path, page)
    return markdown_path, html_path
