"""Quantities: a number together with what it counts.

"7.7 مليون شخص" is 7,700,000 people, "أكثر من 65 بالمئة" is 65 percent
stated as a bound, "110,000 كيلومتر مربع" is an area. A claim scorer needs
the value, the unit and whether the text gives the amount exactly, so this
module pairs every number (from ``numbers``) with the counted noun after it,
looked up in the unit table (``units.tsv``, via ``canonical_unit``).

Forms recognised (spans follow the gold guidelines: the number and its
counted noun, nothing else):
- number + unit: "50 عملية", "62 عنصرًا", "65 بالمئة", "65%", "%65",
  "110,000 كيلومتر مربع", "كم2"; coordinated nouns stay inside
  ("60,000 إرهابي ومدني"; mixed kinds of persons give ``people``);
- dual nouns, which are a count on their own: "عامين" = 2 years;
- a definite noun followed by a definite number word from three to ten:
  "الإنجازات الأربعة" = 4 (an unknown noun counts ``items``);
- vague plurals with a known noun: "الآلاف من مقاتلي" = at least 1000
  fighters, "عشرات المدنيين" = at least 10 people (``approx`` is True).

``approx`` is True when the text does not state the exact amount, whether
it approximates (حوالي، حوالى، نحو، قرابة، ما يقارب، يقارب، ما يقرب من،
زهاء، يناهز، تقريباً after the number, ونيف) or gives a bound (أكثر من،
أزيد من، ما يزيد عن/على، يزيد عن/على، ما يربو على، يفوق، أقل من، ما لا يقل
عن، لا يقل عن، على الأقل after the number). Qualifiers are outside the span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from harness.text.numbers import NUMBER_WORDS, VAGUE_SCALE_WORDS, NumberHit, analysis_form, scan_numbers
from harness.text.offsets import MappedText
from harness.text.units import UNIT_FORMS, canonical_unit, lookup_form

__all__ = ["QuantityMatch", "QuantityHit", "canonical_unit", "find_quantities", "scan_quantities"]


@dataclass(frozen=True)
class QuantityMatch:
    """A counted amount found in a text, with raw offsets."""

    start: int
    end: int
    value: float
    #: Canonical unit name (see ``canonical_unit``), e.g. "people", "km2".
    unit: str
    #: True when the text approximates the amount or gives only a bound.
    approx: bool
    text: str


@dataclass(frozen=True)
class QuantityHit:
    """A quantity in normalised coordinates (what ``find_quantities`` maps to raw)."""

    start: int
    end: int
    value: Decimal
    unit: str
    approx: bool


def _n(phrase: str) -> str:
    return analysis_form(phrase).text


def _alternation(phrases: list[str]) -> str:
    """Longest-first alternation; spaces in a phrase match any whitespace run."""
    escaped = {r"\s+".join(re.escape(word) for word in p.split()) for p in phrases}
    return "|".join(sorted(escaped, key=len, reverse=True))


_LETTER_BEFORE = r"(?<![^\W\d_])"
_WORD_AFTER = r"(?![^\W_])"

_APPROX_BEFORE_WORDS = [
    "حوالي", "حوالى", "نحو", "قرابة", "ما يقارب", "يقارب", "ما يقرب من", "زهاء",
    "ما يناهز", "يناهز", "تقريبا", "أكثر من", "أزيد من", "ما يزيد عن", "ما يزيد على",
    "يزيد عن", "يزيد على", "ما يربو على", "يربو على", "ما يفوق", "يفوق", "أقل من",
    "ما لا يقل عن", "لا يقل عن",
]
_APPROX_AFTER_WORDS = ["تقريبا", "ونيف", "أو أكثر", "على الأقل"]

_APPROX_BEFORE = re.compile(
    _LETTER_BEFORE + r"[وفبل]?(?:" + _alternation([_n(w) for w in _APPROX_BEFORE_WORDS]) + r")\s*$"
)
_APPROX_AFTER = re.compile(r"\s*(?:" + _alternation([_n(w) for w in _APPROX_AFTER_WORDS]) + ")" + _WORD_AFTER)

#: Every unit form except duals (a dual carries its own number).
_UNIT = "(?P<unit>" + _alternation([f for f, entry in UNIT_FORMS.items() if entry.number != "dual"]) + ")"
_UNIT_AFTER = re.compile(r"\s*" + _UNIT + _WORD_AFTER)
_COORDINATED = re.compile(r"\s+و" + _UNIT + _WORD_AFTER)
_PERCENT_SIGNS = "%\u066a"

#: Number words from three to ten, the ones that follow a definite noun.
_ADJECTIVE_NUMBERS = {
    word: value
    for word, (kind, value) in NUMBER_WORDS.items()
    if kind in ("unit", "ten") and 3 <= value <= 10
}
_NOUN_THEN_NUMBER = re.compile(
    _LETTER_BEFORE
    + r"(?P<noun>ال[^\W\d_]{2,})\s+ال(?P<number>"
    + _alternation(list(_ADJECTIVE_NUMBERS))
    + ")"
    + _WORD_AFTER
)

_VAGUE = re.compile(
    _LETTER_BEFORE
    + r"و?(?P<vague>(?:ال)?(?:"
    + _alternation(list(VAGUE_SCALE_WORDS))
    + r"))(?:\s+(?P<times>(?:ال)?"
    + re.escape(_n("آلاف"))
    + "))?"
    + _WORD_AFTER
)
_VAGUE_NOUN_DIRECT = re.compile(r"\s+ال" + _UNIT + _WORD_AFTER)
_VAGUE_NOUN_PARTITIVE = re.compile(r"\s+من\s+(?:ال)?" + _UNIT + _WORD_AFTER)

#: Units of persons: coordinated nouns of different ones count people.
_PERSON_UNITS = frozenset({
    "people", "children", "women", "refugees", "displaced",
    "killed", "injured", "detainees", "soldiers", "fighters",
})


def _unit_of(form: str) -> str:
    entry = lookup_form(" ".join(form.split()))
    return entry.unit if entry else canonical_unit(form)


def _is_approx(text: str, start: int, end: int) -> bool:
    before = _APPROX_BEFORE.search(text, max(0, start - 40), start)
    return before is not None or _APPROX_AFTER.match(text, end) is not None


def _counted(text: str, number: NumberHit) -> QuantityHit | None:
    """The number with the unit written right after (or a percent sign before) it."""
    if number.unit is not None:
        approx = _is_approx(text, number.start, number.end)
        return QuantityHit(number.start, number.end, number.value, number.unit, approx)
    after = _UNIT_AFTER.match(text, number.end)
    if after is not None:
        units = [_unit_of(after.group("unit"))]
        end = after.end()
        while (more := _COORDINATED.match(text, end)) is not None:
            units.append(_unit_of(more.group("unit")))
            end = more.end()
        unit = units[0]
        if len(set(units)) > 1 and set(units) <= _PERSON_UNITS:
            unit = "people"
        return QuantityHit(number.start, end, number.value, unit, _is_approx(text, number.start, end))
    if number.start > 0 and text[number.start - 1] in _PERCENT_SIGNS:
        start = number.start - 1
        return QuantityHit(start, number.end, number.value, "percent", _is_approx(text, start, number.end))
    return None


def _noun_then_number(text: str) -> list[QuantityHit]:
    hits = []
    for match in _NOUN_THEN_NUMBER.finditer(text):
        noun = match.group("noun")
        unit = canonical_unit(noun)
        if unit == noun or unit == noun[2:]:
            unit = "items"
        value = _ADJECTIVE_NUMBERS[match.group("number")]
        hits.append(QuantityHit(match.start(), match.end(), value, unit, False))
    return hits


def _vague(text: str) -> list[QuantityHit]:
    hits = []
    for match in _VAGUE.finditer(text):
        word = match.group("vague")
        value = VAGUE_SCALE_WORDS.get(word) or VAGUE_SCALE_WORDS[word[2:]]
        if match.group("times"):
            value *= 1000
        direct = _VAGUE_NOUN_DIRECT.match(text, match.end())
        partitive = _VAGUE_NOUN_PARTITIVE.match(text, match.end())
        if direct is not None:
            end, unit = direct.end(), _unit_of(direct.group("unit"))
        elif partitive is not None:
            end, unit = match.end(), _unit_of(partitive.group("unit"))
        else:
            continue
        hits.append(QuantityHit(match.start("vague"), end, value, unit, True))
    return hits


def scan_quantities(text: str, numbers: list[NumberHit] | None = None) -> list[QuantityHit]:
    """Quantities in a text already in the analysis form, left to right.

    ``numbers`` may pass the result of ``scan_numbers`` when the caller has it.
    """
    if numbers is None:
        numbers = scan_numbers(text)
    candidates = [hit for number in numbers if (hit := _counted(text, number)) is not None]
    taken = [(n.start, n.end) for n in numbers]
    for hit in _vague(text) + _noun_then_number(text):
        if all(hit.end <= s or hit.start >= e for s, e in taken):
            candidates.append(hit)
    candidates.sort(key=lambda h: (h.start, -(h.end - h.start)))
    chosen: list[QuantityHit] = []
    for hit in candidates:
        if not chosen or hit.start >= chosen[-1].end:
            chosen.append(hit)
    return chosen


def _to_match(mapped: MappedText, hit: QuantityHit) -> QuantityMatch:
    start, end = mapped.to_raw(hit.start, hit.end)
    return QuantityMatch(start, end, float(hit.value), hit.unit, hit.approx, mapped.raw[start:end])


def find_quantities(text: str) -> list[QuantityMatch]:
    """Every number with what it counts in ``text``, with raw offsets, in reading order."""
    mapped = analysis_form(text)
    return [_to_match(mapped, hit) for hit in scan_quantities(mapped.text)]
