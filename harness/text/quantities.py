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
  ("60,000 إرهابي ومدني"; mixed kinds of persons give ``people``); a half or
  quarter after the unit adds to it ("خمسة أشهر ونصف" = 5.5 months);
- dual nouns, which are a count on their own: "عامين" = 2 years;
- a definite noun followed by a definite number: a word from three to ten
  ("الإنجازات الأربعة" = 4, an unknown noun counts ``items``), or, after a
  plural noun, a compound ("الساعات الأربع والعشرين" = 24) or digits after
  the article ("الدول الـ74");
- vague plurals with a known noun: "الآلاف من مقاتلي" = at least 1000
  fighters, "عشرات المدنيين" = at least 10 people (``approx`` and ``vague``
  are True);
- ranges: "بين 20 و30 شخصاً", "من 5 إلى 7 أيام", "10-15 مسلحاً", "ثلاثة أو
  أربعة أيام": one span from the first number to the noun (بين and من
  outside), the lower bound as value, ``approx`` True (guidelines 2.5);
- fractions of a whole: "ثلث الأراضي", "ربع الأطفال", "ثلاثة أرباع
  المعدل", "ثلثي المستفيدين" are percentages (33.3, 25, 75, 66.7); a
  fraction of a unit is that part of it ("نصف ساعة" = 0.5 hours).

With ``open_nouns`` (the rule extractor's setting), a number also counts a
noun that is in no table ("27 محافظة", "ستة آخرون", "خمستاشر قفص"): any word
after it except a closed-class word (``closed_class``), a date word, a
verb-looking form, a word opening a new clause (وأصيب) or carrying a glued
preposition or article (بغارات، للمرة). Not counted that way: numbers after
a numbering noun ("الدقيقة 14", "القرار 2254", "رقم 5"; these are no count
even before a listed noun), digits after the article (an ordinal: "الـ12"),
years, and the standard words one and two, which follow their noun. The unit is the
noun's normalised form. Vague plurals take any noun too, or none ("نزح
الآلاف"). Grounding model output keeps the closed table (the default).

``approx`` is True when the text does not state the exact amount, whether it
approximates or gives a bound (``approximators``). Qualifiers are outside the
span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from harness.text.approximators import is_approx
from harness.text.arabic import extend_over_silent
from harness.text.closed_class import CLOSED_CLASS, NUMBERING_HEADS
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
    #: True for a vague amount ("الآلاف", "عشرات المنازل"): ``value`` is only a
    #: lower bound the text never states (guidelines 2.5: no claim quantity).
    vague: bool = False


@dataclass(frozen=True)
class QuantityHit:
    """A quantity in normalised coordinates (what ``find_quantities`` maps to raw)."""

    start: int
    end: int
    value: Decimal
    unit: str
    approx: bool
    vague: bool = False


def _n(phrase: str) -> str:
    return analysis_form(phrase).text


def _alternation(phrases: list[str]) -> str:
    """Longest-first alternation; spaces in a phrase match any whitespace run."""
    escaped = {r"\s+".join(re.escape(word) for word in p.split()) for p in phrases}
    return "|".join(sorted(escaped, key=len, reverse=True))


_LETTER_BEFORE = r"(?<![^\W\d_])"
_WORD_AFTER = r"(?![^\W_])"

#: Every unit form except duals (a dual carries its own number).
_UNIT = "(?P<unit>" + _alternation([f for f, entry in UNIT_FORMS.items() if entry.number != "dual"]) + ")"
_UNIT_AFTER = re.compile(r"\s*" + _UNIT + _WORD_AFTER)
_COORDINATED = re.compile(r"\s+و" + _UNIT + _WORD_AFTER)
_PERCENT_SIGNS = "%\u066a"
#: A half or a quarter after a counted unit: "خمسة أشهر ونصف", "ساعة وربع".
_HALF_AFTER = re.compile(r"\s+و\s*(?P<part>" + _alternation([_n("نصف"), _n("ربع")]) + ")" + _WORD_AFTER)
_HALF_VALUES = {_n("نصف"): Decimal("0.5"), _n("ربع"): Decimal("0.25")}

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
#: After a plural noun: a compound ("الأربع والعشرين") or digits ("الـ74").
_CARDINALS = _alternation(
    [w for w, (kind, _) in NUMBER_WORDS.items() if kind in ("unit", "ten", "tens", "teen_word", "hundreds")]
)
_NOUN_THEN_COMPOUND = re.compile(
    _LETTER_BEFORE
    + r"(?P<noun>ال[^\W\d_]{2,})\s+(?:ال(?P<first>" + _CARDINALS + r")\s+و\s*ال(?P<second>" + _CARDINALS + r")"
    + r"|ال\s*(?P<digits>\d+)(?![\d.,/:]))"
    + _WORD_AFTER
)
_PLURAL_ENDINGS = ("ات", "ين", "ون")

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
_ANY_DEFINITE_NOUN = re.compile(r"\s+(?P<noun>ال[^\W\d_]{2,})" + _WORD_AFTER)
_ANY_PARTITIVE = re.compile(r"\s+من\s+(?P<noun>ال[^\W\d_]{2,})" + _WORD_AFTER)

#: Units of persons: coordinated nouns of different ones count people.
_PERSON_UNITS = frozenset({
    "people", "children", "women", "refugees", "displaced",
    "killed", "injured", "detainees", "soldiers", "fighters",
})

# --- ranges -------------------------------------------------------------------

#: What joins the two numbers of a range: "20 و30" (after بين), "5 إلى 7",
#: "10-15", "ثلاثة أو أربعة".
_RANGE_JOIN = re.compile(r"\s*(?:-|\u2013)\s*|\s+(?:" + _alternation([_n("إلى"), _n("حتى"), _n("أو")]) + r")\s+|\s+و\s*")
_RANGE_AND = re.compile(r"\s+و\s*")
_BETWEEN_BEFORE = re.compile(_LETTER_BEFORE + r"(?:ما\s+)?" + _n("بين") + r"\s+$")

# --- fractions ----------------------------------------------------------------

_FRACTIONS = {
    _n("نصف"): Decimal("0.5"), _n("ثلث"): Decimal(1) / 3, _n("ربع"): Decimal("0.25"),
    _n("ثلثي"): Decimal(2) / 3, _n("ثلثا"): Decimal(2) / 3,
    _n("ثلاثة أرباع"): Decimal("0.75"), _n("ثلاث أرباع"): Decimal("0.75"),
}
_FRACTION = re.compile(
    _LETTER_BEFORE + r"[وفب]?(?P<fraction>" + _alternation(list(_FRACTIONS)) + r")" + _WORD_AFTER
)
#: Fraction nouns after a number ("ثلاثة أرباع") are fractions, not counted nouns.
_FRACTION_WORDS = frozenset(_n(w) for w in ("أرباع", "أثلاث", "أخماس", "أعشار"))
#: "نصف النهائي" is a semi-final, "ربع النهائي" a quarter-final.
_NOT_A_WHOLE = frozenset({_n("النهائي"), _n("نهائي"), _n("النهائية"), _n("قطر"), _n("القطر")})

# --- open nouns ---------------------------------------------------------------

_OPEN_NOUN = re.compile(r"\s+(?P<noun>[^\W\d_]{2,})" + _WORD_AFTER)
#: The word right before a number: an identifier head ("الدقيقة 90") or Latin ("M 4").
_WORD_BEFORE = re.compile(r"(?:(?<![^\W\d_])[وفبل]?(?P<word>[^\W\d_]+)|[A-Za-z])\s*(?:ال\s*)?$")
_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")
#: An ordinal unit right before a number word: "السابع عشر" is an ordinal.
_ORDINAL_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:" + _alternation([_n(w) for w in ("الحادي", "الحادية", *(
        f"{stem}{end}" for stem in ("الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن", "التاسع")
        for end in ("", "ة")))]) + r")\s+$"
)
#: Standard "one" and "two" (speech puts its "two", جوج / اتنين, before the noun).
_ONE_AND_TWO = frozenset(_n(w) for w in ("واحد", "واحدة", "اثنان", "اثنين", "اثنتان", "اثنتين"))
#: The article, alone or after a glued preposition or conjunction: never a counted noun.
_ARTICLE_WITH_CLITIC = ("ال", "لل", "بال", "وال", "فال", "كال")
#: Digits after the article ("القرن الـ21", "البطولة الـ11") are an ordinal, not a count.
_ARTICLE_BEFORE = re.compile(r"(?<![^\W\d_])ال\s*$")
#: The analysis form of every date word a number may stand before.
_DATE_WORDS = frozenset(
    _n(w)
    for w in (
        "يناير فبراير مارس أبريل إبريل مايو يونيو يونيه يوليو يوليه أغسطس سبتمبر أكتوبر نوفمبر ديسمبر "
        "جانفي فيفري أفريل ماي جوان جويلية يوليوز أوت غشت شتنبر نونبر دجنبر "
        "كانون شباط آذار نيسان أيار حزيران تموز آب أيلول تشرين "
        "محرم صفر ربيع جمادى رجب شعبان رمضان شوال ذو ذي "
        "صباح مساء ظهر عصر فجر ليلة ليل عشية ضحى صبيحة "
        "هـ م ص"
    ).split()
)


def _unit_of(form: str) -> str:
    entry = lookup_form(" ".join(form.split()))
    return entry.unit if entry else canonical_unit(form)


def _is_approx(text: str, start: int, end: int) -> bool:
    return is_approx(text, start, end)


def _with_half(text: str, end: int, value: Decimal) -> tuple[int, Decimal]:
    """"خمسة أشهر ونصف": the span and value with the half (or quarter) of one unit."""
    half = _HALF_AFTER.match(text, end)
    if half is None:
        return end, value
    return half.end(), value + _HALF_VALUES[half.group("part")]


def _counted(text: str, number: NumberHit) -> QuantityHit | None:
    """The number with the unit written right after (or a percent sign before) it."""
    if number.unit is not None:
        end, value = _with_half(text, number.end, number.value)
        return QuantityHit(number.start, end, value, number.unit, _is_approx(text, number.start, end))
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
        end, value = _with_half(text, end, number.value) if len(units) == 1 else (end, number.value)
        return QuantityHit(number.start, end, value, unit, _is_approx(text, number.start, end))
    if number.start > 0 and text[number.start - 1] in _PERCENT_SIGNS:
        start = number.start - 1
        return QuantityHit(start, number.end, number.value, "percent", _is_approx(text, start, number.end))
    return None


def _is_open_noun(word: str) -> bool:
    """Could ``word`` (analysis form) be what a number counts? See the module doc."""
    if word in CLOSED_CLASS or word in _DATE_WORDS or word in NUMBER_WORDS or word in VAGUE_SCALE_WORDS:
        return False
    if word in _FRACTION_WORDS:
        return False
    if word.startswith(_ARTICLE_WITH_CLITIC) or word.endswith("وا") or (word.startswith("ي") and lookup_form(word) is None):
        return False
    if word[:1] in "وفبلك" and (word[1:] in CLOSED_CLASS or lookup_form(word[1:]) is not None):
        return False  # a clitic before a known word: "وهذه", "بهجمات"
    if word.startswith("و") and _looks_like_a_verb(word[1:]):
        return False  # a glued و before a verb opens a new clause: "قتل سبعة وجرحت"
    return True


def _looks_like_a_verb(word: str) -> bool:
    """An imperfect or an article-like start (أصيب، يقتل، تؤكد، نعمل) or a past ending (جرحت، قتلوا)."""
    if word[:1] in ("ا", "ي", "ت", "ن"):
        return True
    return word.endswith("وا") or (word.endswith("ت") and not word.endswith("ات"))


def _is_identifier(text: str, number: NumberHit) -> bool:
    """Digits after a numbering noun ("الدقيقة 77", "المادة 12") or a Latin word label something."""
    if not text[number.start : number.end][:1].isdigit():
        return False
    before = _WORD_BEFORE.search(text, max(0, number.start - 30), number.start)
    return before is not None and (before.group("word") is None or before.group("word") in NUMBERING_HEADS)


def _open_counted(text: str, number: NumberHit) -> QuantityHit | None:
    """The number with any noun after it (``open_nouns``); None for identifiers and years."""
    if _YEAR_LIKE.fullmatch(text[number.start : number.end]) or _is_identifier(text, number):
        return None
    if _ARTICLE_BEFORE.search(text, max(0, number.start - 6), number.start):
        return None
    if text[number.start : number.end] in _ONE_AND_TWO:
        return None  # واحد and اثنان follow their noun; no counted noun comes after them
    if _ORDINAL_BEFORE.search(text, max(0, number.start - 12), number.start):
        return None  # "السابع عشر": the ten of an ordinal
    after = _OPEN_NOUN.match(text, number.end)
    if after is None or not _is_open_noun(after.group("noun")):
        return None
    noun = after.group("noun")
    return QuantityHit(number.start, after.end(), number.value, canonical_unit(noun), _is_approx(text, number.start, after.end()))


def _ranges(text: str, numbers: list[NumberHit], counted: dict[int, QuantityHit]) -> list[QuantityHit]:
    """"بين 20 و30 شخصاً", "5 إلى 7 أيام", "10-15 مسلحاً": the lower bound, approx."""
    hits = []
    for low, high in zip(numbers, numbers[1:]):
        upper = counted.get(high.start)
        if upper is None or low.unit is not None or not low.value < high.value:
            continue
        lower = counted.get(low.start)
        # "بين 10% و15%": the first number may carry the same unit.
        gap_start = lower.end if lower is not None and lower.unit == upper.unit else low.end
        join = _RANGE_JOIN.fullmatch(text, gap_start, high.start)
        if join is None:
            continue
        if _RANGE_AND.fullmatch(join.group()) and not _BETWEEN_BEFORE.search(text, max(0, low.start - 12), low.start):
            continue  # "5 و6 أشخاص" without بين is two numbers
        start = low.start - 1 if low.start > 0 and text[low.start - 1] in _PERCENT_SIGNS else low.start
        hits.append(QuantityHit(start, upper.end, low.value, upper.unit, True))
    return hits


def _fractions(text: str, numbers: list[NumberHit]) -> list[QuantityHit]:
    """"ثلث الأراضي" = 33.3 percent; "نصف ساعة" = 0.5 hours (see module doc)."""
    number_ends = {n.start: n.end for n in numbers}
    hits = []
    for match in _FRACTION.finditer(text):
        start = match.start("fraction")
        if number_ends.get(start, start) > match.end("fraction"):
            continue  # "نصف مليون" is a number
        fraction = _FRACTIONS[" ".join(match.group("fraction").split())]
        unit_after = _UNIT_AFTER.match(text, match.end())
        whole = _ANY_DEFINITE_NOUN.match(text, match.end())
        if unit_after is not None and not text.startswith("ال", unit_after.start("unit")):
            end, value, unit = unit_after.end(), fraction, _unit_of(unit_after.group("unit"))
        elif whole is not None and whole.group("noun") not in _NOT_A_WHOLE:
            end, value, unit = whole.end(), fraction * 100, "percent"
        else:
            continue
        hits.append(QuantityHit(start, end, value, unit, _is_approx(text, start, end)))
    return hits


def _noun_then_number(text: str) -> list[QuantityHit]:
    hits = []
    for match in _NOUN_THEN_NUMBER.finditer(text):
        noun = match.group("noun")
        value = _ADJECTIVE_NUMBERS[match.group("number")]
        hits.append(QuantityHit(match.start(), match.end(), value, _noun_unit(noun), False))
    for match in _NOUN_THEN_COMPOUND.finditer(text):
        noun = match.group("noun")
        entry = lookup_form(noun[2:])
        plural = entry.number == "pl" if entry is not None else noun.endswith(_PLURAL_ENDINGS)
        if not plural:
            continue  # "الدورة الـ75" is the 75th session
        if match.group("digits"):
            value = Decimal(match.group("digits"))
        else:
            parsed = scan_numbers(f"{match.group('first')} و{match.group('second')}")
            if len(parsed) != 1:
                continue
            value = parsed[0].value
        hits.append(QuantityHit(match.start(), match.end(), value, _noun_unit(noun), False))
    return hits


def _noun_unit(noun: str) -> str:
    unit = canonical_unit(noun)
    return "items" if unit in (noun, noun[2:]) else unit


def _vague(text: str, open_nouns: bool) -> list[QuantityHit]:
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
        elif open_nouns and (noun := _ANY_DEFINITE_NOUN.match(text, match.end())) and not word.startswith("ال"):
            end, unit = noun.end(), canonical_unit(noun.group("noun"))
        elif open_nouns and (noun := _ANY_PARTITIVE.match(text, match.end())):
            end, unit = match.end(), canonical_unit(noun.group("noun"))
        elif open_nouns and word.startswith("ال"):
            end, unit = match.end(), ""  # "نزح الآلاف": a vague amount on its own (guidelines 1.7)
        else:
            continue
        hits.append(QuantityHit(match.start("vague"), end, value, unit, True, vague=True))
    return hits


def scan_quantities(text: str, numbers: list[NumberHit] | None = None, *, open_nouns: bool = False) -> list[QuantityHit]:
    """Quantities in a text already in the analysis form, left to right.

    ``numbers`` may pass the result of ``scan_numbers`` when the caller has it;
    ``open_nouns`` counts nouns that are in no table (see the module doc).
    """
    if numbers is None:
        numbers = scan_numbers(text)
    counted: dict[int, QuantityHit] = {}
    for number in numbers:
        if open_nouns and _is_identifier(text, number):
            continue
        hit = _counted(text, number)
        if hit is None and open_nouns:
            hit = _open_counted(text, number)
        if hit is not None:
            counted[number.start] = hit
    # A fraction may open with a number word ("ثلاثة أرباع"), a noun may own the
    # number after it ("الدول الـ27"): they are the longer readings.
    candidates = list(counted.values()) + _ranges(text, numbers, counted)
    candidates += _fractions(text, numbers) + _noun_then_number(text)
    taken = [(n.start, n.end) for n in numbers]
    for hit in _vague(text, open_nouns):
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
    end = extend_over_silent(mapped.raw, end)
    return QuantityMatch(start, end, float(hit.value), hit.unit, hit.approx, mapped.raw[start:end], hit.vague)


def find_quantities(text: str, *, open_nouns: bool = False) -> list[QuantityMatch]:
    """Every number with what it counts in ``text``, with raw offsets, in reading order.

    ``open_nouns`` also counts nouns in no table (the rule extractor turns it on).
    """
    mapped = analysis_form(text)
    return [_to_match(mapped, hit) for hit in scan_quantities(mapped.text, open_nouns=open_nouns)]
