"""Locates the model's strings in the document; never trusts its offsets or numbers.

Every string the model gives (claim text, speaker, place, quantity, date,
entity) is searched in the document text:

- ``exact``: found verbatim;
- ``normalised``: found through ``harness.text.find_normalized`` (Arabic
  spelling folds, digits, quotes and dashes, whitespace): the model copied
  the words but not every diacritic or hamza; failing that, found with
  quotation marks, punctuation and spaces ignored as well (models drop the
  quotes around a quoted clause, and write "و اعتقال" for "واعتقال");
- ``not_found``: neither; the item or slot is reported, not scored.

Where to look matters as much as whether: a name occurs many times in an
article, so each search has an ordered list of regions (the claim's own
evidence, its paragraph, the text before it, the whole document) and a point
to stay near; the first region with a hit wins, and within it the hit
nearest that point.

Values come from the project's normalisers applied to the grounded text:
the quantity whose span overlaps the grounded quantity string (from
``find_quantities`` over the document), the date from ``find_dates`` with the
article's own anchor. A number the model wrote is only a pointer into the text:
when it is not in the text at all (the model wrote 7.7 million as 7700000),
the extractor takes the one quantity (or date) the grounded claim text
states, if it states exactly one, and marks it ``in_evidence``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from harness.text import MappedText, find_dates, find_normalized
from harness.text.arabic import normalize_for_matching
from harness.text.offsets import map_chars

EXACT = "exact"
NORMALISED = "normalised"
NOT_FOUND = "not_found"

#: Characters trimmed from both ends of a model's string before searching.
_EDGE = " \t\n\r.,;:!?،؛؟\"'“”«»()[]{}-–—…"
#: One-letter proclitics written onto an Arabic word (و ف ب ل ك), up to two of them.
_CLITICS = "وفبلك"
_WORD = re.compile(r"\w")
#: Ignored by the loose search (after normalize_for_matching, quotes are ASCII).
_LOOSE_DROP = frozenset("\"'()[]{}،,؛;:.!?؟-…*_#/ ")
#: Shortest needle (in loose form) the loose search accepts: short ones match anywhere.
_LOOSE_MIN = 6
_SENTENCE_END = re.compile(r"[.!?؟\n]")
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Span(Protocol):
    start: int
    end: int


Match = TypeVar("Match", bound=_Span)


@dataclass(frozen=True)
class Located:
    start: int
    end: int
    status: str


def clean_needle(text: str) -> str:
    """The model's string without surrounding spaces, punctuation and quotes."""
    return text.strip(_EDGE)


def occurrences(text: str, needle: str, start: int = 0, end: int | None = None) -> list[Located]:
    """Every occurrence of ``needle`` in ``text[start:end]``: verbatim ones if any, else normalised ones."""
    end = len(text) if end is None else end
    needle = clean_needle(needle)
    if not needle:
        return []
    region = text[start:end]
    found = []
    position = region.find(needle)
    while position != -1:
        found.append(Located(start + position, start + position + len(needle), EXACT))
        position = region.find(needle, position + len(needle))
    if found:
        return found
    found = [Located(start + s, start + e, NORMALISED) for s, e in find_normalized(region, needle)]
    return found or [Located(start + s, start + e, NORMALISED) for s, e in _find_loose(region, needle)]


def _loose_char(char: str) -> str:
    if char in _LOOSE_DROP:
        return ""
    return "%" if char == "\u066a" else char  # Arabic percent sign


def _loose(text: str) -> MappedText:
    """The matching form without quotation marks, punctuation and spaces."""
    return normalize_for_matching(text).then(lambda t: map_chars(t, _loose_char))


def _find_loose(haystack: str, needle: str) -> list[tuple[int, int]]:
    """Raw spans whose loose form equals the needle's, trimmed of edge punctuation."""
    target = _loose(needle).text
    if len(target) < _LOOSE_MIN:
        return []
    mapped = _loose(haystack)
    spans = []
    position = mapped.text.find(target)
    while position != -1:
        raw_start, raw_end = mapped.to_raw(position, position + len(target))
        while raw_start < raw_end and haystack[raw_start] in _EDGE:
            raw_start += 1
        while raw_end > raw_start and haystack[raw_end - 1] in _EDGE:
            raw_end -= 1
        if raw_end > raw_start:
            spans.append((raw_start, raw_end))
        position = mapped.text.find(target, position + len(target))
    return spans


def sentence_around(text: str, start: int, end: int, lower: int = 0, upper: int | None = None) -> tuple[int, int]:
    """The sentence holding ``[start, end)``, within ``[lower, upper)``."""
    upper = len(text) if upper is None else upper
    left = lower
    for match in _SENTENCE_END.finditer(text, lower, start):
        left = match.end()
    stop = _SENTENCE_END.search(text, end, upper)
    return left, (stop.end() if stop else upper)


def _nearest(hits: Sequence[Located], near: int | None, prefer_before: bool) -> Located:
    if near is None:
        return hits[0]
    if prefer_before:
        before = [h for h in hits if h.end <= near]
        if before:
            return before[-1]
    return min(hits, key=lambda h: (abs(h.start - near), h.start))


def locate(
    text: str,
    needle: str,
    regions: Sequence[tuple[int, int]],
    *,
    near: int | None = None,
    prefer_before: bool = False,
) -> Located | None:
    """The occurrence of ``needle`` in the first region that has one (see the module doc)."""
    for start, end in regions:
        hits = occurrences(text, needle, start, end)
        if hits:
            return _nearest(hits, near, prefer_before)
    return None


def _clean_left(text: str, start: int) -> bool:
    """True when ``start`` begins a word, allowing up to two proclitic letters before it."""
    i = start
    for _ in range(3):
        if i == 0 or not _WORD.match(text[i - 1]):
            return True
        if text[i - 1] not in _CLITICS:
            return False
        i -= 1
    return False


def _clean_right(text: str, end: int) -> bool:
    return end == len(text) or not _WORD.match(text[end])


def mentions(text: str, needle: str, start: int, end: int) -> list[Located]:
    """Every mention of a name in ``text[start:end]``: word-bounded, proclitics (بدير، لداعش) allowed."""
    return [h for h in occurrences(text, needle, start, end) if _clean_left(text, h.start) and _clean_right(text, h.end)]


def most_overlapping(matches: Sequence[Match], start: int, end: int) -> Match | None:
    """The match (a quantity, a date: anything with ``start``/``end``) sharing the most characters with ``[start, end)``."""
    best, best_overlap = None, 0
    for match in matches:
        overlap = min(end, match.end) - max(start, match.start)
        if overlap > best_overlap:
            best, best_overlap = match, overlap
    return best


def article_anchor(text: str) -> str | None:
    """The latest full date the article states (YYYY-MM-DD): what its relative dates count from."""
    full = [m.value for m in find_dates(text) if m.value and _FULL_DATE.fullmatch(m.value)]
    return max(full) if full else None
