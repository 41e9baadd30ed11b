"""Units finer than documents: paragraphs, and the counts of alignment rows per paragraph.

With five documents no test can be confident; a paragraph is a finer unit,
at a price: resampling paragraphs assumes that what an extractor gets right
in one paragraph says nothing about its neighbours, which a shared speaker or
a misread dateline contradicts. Reports print that assumption next to every
number computed by paragraph.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from harness.scoring.counts import MatchCounts

_BREAK = re.compile(r"\n\s*")

#: What resampling by paragraph assumes, for reports to print beside the number.
PARAGRAPH_ASSUMPTION = (
    "paragraphs resampled as independent units: what an extractor gets right in one paragraph is assumed "
    "to say nothing about its neighbours (shared speakers and datelines make this optimistic)"
)
#: What resampling by document assumes.
DOCUMENT_ASSUMPTION = "documents resampled as independent units"


def paragraph_starts(text: str) -> tuple[int, ...]:
    """Start offsets of the paragraphs of a text: one paragraph per line, blank lines dropped.

    The first paragraph starts at 0, so every offset of the text falls in one.
    """
    starts = [0]
    for match in _BREAK.finditer(text):
        if match.end() < len(text):
            starts.append(match.end())
    return tuple(sorted(set(starts)))


def unit_of(position: int, starts: Sequence[int]) -> int:
    """Index of the paragraph holding ``position`` (``starts`` as from :func:`paragraph_starts`)."""
    return max(0, bisect.bisect_right(starts, position) - 1)


def unit_counts(rows: Iterable[tuple[int, MatchCounts]], starts: Sequence[int]) -> list[MatchCounts]:
    """Counts per paragraph of alignment rows ``(position, counts)``; one entry per paragraph."""
    per_unit = [MatchCounts() for _ in starts]
    for position, counts in rows:
        index = unit_of(position, starts)
        per_unit[index] = per_unit[index] + counts
    return per_unit
