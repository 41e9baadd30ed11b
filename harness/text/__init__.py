"""Text normalisers that keep a map back to raw offsets (pure functions).

- ``offsets``: ``MappedText`` and how mappings compose.
- ``arabic``: Arabic spelling folds, ``find_normalized`` for grounding.
- ``digits`` / ``whitespace``: the two small folds used with it.
- ``numbers``: digits, separators, scale words, number words, duals.
- ``units`` (+ ``units.tsv``): counted nouns and their canonical units.
- ``quantities``: number + what it counts, with ``approx``.
- ``dates``: dates, relative dates and durations as ISO values, built from
  ``calendar_words`` (month names, weekdays, relative words), ``ordinals``,
  ``hijri``, ``daytime`` (clock times, parts of the day) and ``date_joins``.
- ``approximators``, ``closed_class``: words around and after amounts.

The public names are re-exported here (``from harness.text import
parse_number``). This package imports nothing else from the harness.
"""

from harness.text.arabic import (
    find_normalized,
    normalize_arabic,
    normalize_arabic_str,
    normalize_for_matching,
)
from harness.text.dates import DateMatch, find_dates, parse_date
from harness.text.digits import normalize_digits
from harness.text.numbers import NumberMatch, find_numbers, parse_number
from harness.text.offsets import MappedText, compose
from harness.text.quantities import QuantityMatch, canonical_unit, find_quantities
from harness.text.whitespace import collapse_whitespace

__all__ = [
    "DateMatch",
    "MappedText",
    "NumberMatch",
    "QuantityMatch",
    "canonical_unit",
    "collapse_whitespace",
    "compose",
    "find_dates",
    "find_normalized",
    "find_numbers",
    "find_quantities",
    "normalize_arabic",
    "normalize_arabic_str",
    "normalize_digits",
    "normalize_for_matching",
    "parse_date",
    "parse_number",
]
