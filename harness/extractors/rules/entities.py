"""All entities of one document: names from the rules, dates and quantities from ``harness.text``.

The rule extractor does not parse numbers or dates itself: ``find_dates``
and ``find_quantities`` already follow the guidelines' span conventions
(prepositions and approximators outside). What is decided here is how the
three sources fit together:

- quantities count nouns in no table too (``open_nouns``: "27 محافظة");
- a quantity that overlaps a date is dropped: durations (``عامين``) are
  DATE (guidelines 1.6, 1.7);
- a name that runs into a date is dropped (a month name is not a person);
- relative dates are resolved against the latest full date the article
  states (``March 24, 2021``), when ``anchor`` is ``"latest"``: news reports
  recent events, so the latest full date is the best guess at the article's
  own date without metadata.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.annotations import Entity
from harness.extractors.rules.lexicon import Lexicon
from harness.extractors.rules.names import Candidate, find_names
from harness.extractors.rules.tokens import Token, tokenize
from harness.text.arabic import normalize_arabic
from harness.text.dates import DateMatch, find_dates, find_dates_from_latest
from harness.text.offsets import MappedText
from harness.text.quantities import QuantityMatch, find_quantities

_FULL_DATE_LENGTH = len("YYYY-MM-DD")


@dataclass(frozen=True)
class Mention:
    """An entity with what the claim rules need to know about it."""

    entity: Entity
    #: The name rule's candidate (None for DATE and QUANTITY).
    candidate: Candidate | None = None
    date: DateMatch | None = None
    quantity: QuantityMatch | None = None

    @property
    def label(self) -> str:
        return self.entity.label

    @property
    def start(self) -> int:
        return self.entity.start

    @property
    def end(self) -> int:
        return self.entity.end


@dataclass(frozen=True)
class Analysis:
    """One document, tokenised, with every entity found in it."""

    text: str
    mapped: MappedText
    tokens: list[Token]
    mentions: list[Mention]
    anchor: str | None


def date_anchor(text: str, mode: str) -> str | None:
    """The date relative expressions are resolved against (see module doc)."""
    if mode == "none":
        return None
    if mode != "latest":
        return mode
    full = [m.value for m in find_dates(text) if m.value and len(m.value) == _FULL_DATE_LENGTH and m.value[0] != "-"]
    return max(full) if full else None


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def analyse(text: str, lexicon: Lexicon, *, anchor_mode: str = "latest") -> Analysis:
    """Tokenise ``text`` and find its names, dates and quantities (ids e1.. in reading order)."""
    mapped = normalize_arabic(text)
    tokens = tokenize(mapped)
    if anchor_mode == "latest":
        anchor, dates = find_dates_from_latest(text)
    else:
        anchor = date_anchor(text, anchor_mode)
        dates = find_dates(text, anchor)
    date_spans = [(d.start, d.end) for d in dates]
    quantities = [
        q for q in find_quantities(text, open_nouns=True) if not any(_overlaps(q.start, q.end, s, e) for s, e in date_spans)
    ]
    names = find_names(lexicon, mapped, tokens, date_spans)

    drafts: list[tuple[int, int, str, Candidate | None, DateMatch | None, QuantityMatch | None]] = []
    drafts += [(c.raw_start, c.raw_end, c.label, c, None, None) for c in names]
    drafts += [(d.start, d.end, "DATE", None, d, None) for d in dates]
    drafts += [(q.start, q.end, "QUANTITY", None, None, q) for q in quantities]
    drafts = [d for d in drafts if d[1] > d[0]]
    drafts.sort(key=lambda d: (d[0], d[1], d[2]))
    mentions = [
        Mention(Entity(f"e{k}", label, start, end, text[start:end]), candidate, date, quantity)
        for k, (start, end, label, candidate, date, quantity) in enumerate(drafts, start=1)
    ]
    return Analysis(text, mapped, tokens, mentions, anchor)
