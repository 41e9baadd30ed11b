"""Sentences and quotations of a raw document (raw offsets throughout).

A sentence ends at a line break or at ``. ! ? ؟ ؛``; a full stop counts
only when whitespace, a quotation mark or the end of the text follows, so
``7.7`` and ``pic.twitter.com`` stay whole. The final mark is outside the
sentence's span (evidence spans in the gold end before it).

Quotations (``“...”``, ``«...»``, ``"..."``) matter to claims: a sentence
inside a quotation opened in an earlier sentence is still the quoted
speaker's. An unclosed quotation ends at the end of its paragraph; a stray
closing mark is ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

_ENDERS = frozenset("!?؟؛")
_OPENERS = {"“": "”", "«": "»", "„": "”"}
_STRAIGHT = '"'
_TRIM = " \t\r\n،,:;؛.!?؟-–—_|•*()[]{}" + "“”«»„\"'‘’"


@dataclass(frozen=True)
class Region:
    """A raw span ``[start, end)``."""

    start: int
    end: int

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


def split_sentences(text: str) -> list[Region]:
    """Sentences in reading order, trimmed of surrounding whitespace and marks."""
    regions: list[Region] = []
    start = 0
    n = len(text)
    for i, char in enumerate(text):
        end_here = char == "\n" or char in _ENDERS
        if char == ".":
            after = text[i + 1] if i + 1 < n else " "
            end_here = after.isspace() or after in "“”«»\"'"
        if end_here:
            _append(regions, text, start, i)
            start = i + 1
    _append(regions, text, start, n)
    return regions


def _append(regions: list[Region], text: str, start: int, end: int) -> None:
    trimmed = trim(text, start, end)
    if trimmed is not None:
        regions.append(trimmed)


def trim(text: str, start: int, end: int) -> Region | None:
    """``[start, end)`` without surrounding whitespace, punctuation and quote marks."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    if start >= end or not any(ch.isalnum() for ch in text[start:end]):
        return None
    return Region(start, end)


def find_quotations(text: str) -> list[Region]:
    """The inside of every quotation (marks excluded), in reading order."""
    regions: list[Region] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        closer = _OPENERS.get(char) or (_STRAIGHT if char == _STRAIGHT else None)
        if closer is None:
            i += 1
            continue
        paragraph_end = text.find("\n", i)
        paragraph_end = n if paragraph_end == -1 else paragraph_end
        close = text.find(closer, i + 1, paragraph_end)
        end = paragraph_end if close == -1 else close
        if end > i + 1:
            regions.append(Region(i + 1, end))
        i = end + 1
    return regions
