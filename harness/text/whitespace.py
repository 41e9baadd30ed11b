"""Runs of whitespace collapsed to one space, keeping offsets.

Model output and documents differ in line breaks, double spaces and
non-breaking spaces; searching for a phrase must not depend on them. Each
run of whitespace becomes a single " " that maps to the whole raw run, so a
match spanning it covers the run in the raw text.
"""

from __future__ import annotations

import re

from harness.text.offsets import MappedText, MappedTextBuilder

_WHITESPACE_RUN = re.compile(r"\s+")


def collapse_whitespace(text: str) -> MappedText:
    """Replace every run of whitespace characters by one ASCII space."""
    builder = MappedTextBuilder(text)
    position = 0
    for run in _WHITESPACE_RUN.finditer(text):
        for i in range(position, run.start()):
            builder.emit(text[i], i, i + 1)
        builder.emit(" ", run.start(), run.end())
        position = run.end()
    for i in range(position, len(text)):
        builder.emit(text[i], i, i + 1)
    return builder.build()
