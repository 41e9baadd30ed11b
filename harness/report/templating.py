"""The Jinja2 environments of the report pages, templates read from ``templates/``.

Why Jinja2 with autoescaping for HTML: the page shows document text and model
output, which may hold anything, ``<script>`` included. With autoescaping on,
every value a template prints is escaped unless it is explicitly marked safe
(only the page's own SVG charts are), so forgetting to escape is not possible.
The Markdown page uses its own escaping filter instead (``markdown.py``).
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


def environment(*, html: bool) -> Environment:
    """A fresh environment; ``html`` turns autoescaping on for every template it loads."""
    return Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=html,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
