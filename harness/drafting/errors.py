"""The error of the drafting room, apart so that the CLI can name it without importing extractors."""

from __future__ import annotations


class DraftError(ValueError):
    """Texts that cannot be drafted as asked; the message names the file."""
