"""Detects worked examples leaking into answers.

Measured here: with a long worked example in the prompt, the 1.5B model
copied the example's place name into every item it wrote. So every string
of every item is compared (after Arabic normalisation) with the strings of
the prompt's examples; an item value that contains an example value which
the paragraph itself does not contain is a leak. Leaks are reported per item
in the prediction's meta. Most leaked strings also fail grounding, but a
leak can hide in a claim whose text is grounded (a copied speaker or place),
which only this check sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from harness.extractors.llm.prompts import Example
from harness.text import normalize_arabic_str

#: Example values shorter than this (after normalisation) are too common to flag.
MIN_VALUE_CHARS = 3


@dataclass(frozen=True)
class Leak:
    field: str
    value: str
    example_value: str


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def example_values(examples: Sequence[Example]) -> frozenset[str]:
    """Normalised strings of the examples' outputs (labels and kinds left out)."""
    skip = {"fact", "opinion", "PER", "ORG", "LOC", "MISC", "DATE", "QUANTITY"}
    values = set()
    for example in examples:
        for text in _strings(example.output):
            key = normalize_arabic_str(text)
            if text not in skip and len(key) >= MIN_VALUE_CHARS:
                values.add(key)
    return frozenset(values)


def find_leaks(fields: dict[str, str | None], paragraph: str, values: frozenset[str]) -> list[Leak]:
    """The example values inside ``fields`` that the paragraph does not itself contain."""
    if not values:
        return []
    source = normalize_arabic_str(paragraph)
    leaks = []
    for name, value in fields.items():
        if not value:
            continue
        key = normalize_arabic_str(value)
        for example in sorted(values):
            if example in key and example not in source:
                leaks.append(Leak(name, value, example))
    return leaks
