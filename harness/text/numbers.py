"""Numbers in Arabic news text: digits, separators, number words, scale words.

Arabic news states one amount in many ways: "110,000" and "١١٠٬٠٠٠",
"7.7 مليون" and "7٫7 ملايين", "خمسة وعشرون ألفاً", "عامين" (two years).
Scoring "5%" against "6%" needs the values, not the strings, so this module
reads them all into one value and keeps raw offsets for every match.

Everything is read in the *analysis form* of the text: Arabic folds (see
``arabic.py``) and ASCII digits. The rules, and the ambiguities they settle:

- Digits: ``,`` and ``٬`` separate thousands only in groups of three
  ("110,000"); ``.`` and ``٫`` are decimal marks ("7.7"). "5,6" is a list of
  two numbers, since a comma with one or two digits after it is not a
  thousands separator. The one exception: a comma with one or two digits
  right before a scale word or a percent ("1,5 مليون", "2,5%") is a decimal
  comma, as written in the Maghreb, because a list makes no sense there. "1.000.000" (two or more
  dot groups) is read with dots as thousands separators.
- A digit run glued to letters on its left ("SY24", "COVID-19") is part of an
  identifier and is no number; glued clitics and the article are allowed
  ("الـ12", "و5"). A run glued to Latin letters on its right ("6yoD") is an
  identifier too. A bare number is a number whatever it denotes ("2254", a
  resolution number, is 2254): deciding what it counts is ``quantities``'s job.
- Scale words multiply what precedes them: ألف / آلاف (1e3), مليون / ملايين
  (1e6), مليار / مليارات / بليون (1e9), تريليون (1e12), also with the
  accusative alef (ألفاً) and as duals (ألفين = 2000). A singular scale word
  alone is one of it ("مليون" = 1e6); a plural alone ("آلاف") is vague and
  no number. نصف / ربع count only with a scale ("نصف مليون", "مليون ونصف").
- Number words: units (واحد ... تسعة, masculine and feminine), teens (خمسة
  عشر, أحد عشر, اثنا عشر), tens (عشرون / عشرين), hundreds (مئة / مائة,
  مئتان, ثلاثمئة or ثلاث مئة), joined in the Arabic order with و: "خمسة
  وعشرون" = 25, "مئة وخمسة وعشرون" = 125, "ثلاثة آلاف وخمسمئة" = 3500.
  Two numbers joined by و otherwise stay two numbers ("5 و6").
  أحد / إحدى alone mean "one of" and are read only inside teens; الاثنين
  (also Monday) is not read as a number.
- Duals: a dual noun from the unit table counts two of its unit on its own
  ("عامين" = 2 years); ``NumberMatch.unit`` then names the unit. Scale
  words have construct duals too ("مليوني وجبة" = 2,000,000 meals).
- Spoken forms: the number words of Levantine, Egyptian, Gulf and Maghrebi
  speech that interviews and social media write down ("تلاتين" 30,
  "خمستاشر" 15, "ميتين" 200, "جوج" 2), read like their standard forms.
  Words that are mostly something else in standard Arabic ("مية" water,
  "تنين" dragon) are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from harness.text.arabic import normalize_arabic
from harness.text.digits import normalize_digits
from harness.text.offsets import MappedText
from harness.text.units import dual_unit


def analysis_form(text: str) -> MappedText:
    """Arabic folds then ASCII digits: the form numbers, quantities and dates are read in."""
    return normalize_arabic(text).then(normalize_digits)


def _n(word: str) -> str:
    """Normalise a lexicon word the way the text is normalised."""
    return normalize_arabic(word).text


@dataclass(frozen=True)
class NumberMatch:
    """A number found in a text: raw offsets, its value and the raw text."""

    start: int
    end: int
    value: float
    text: str
    #: For a dual noun ("عامين"), the unit it counts two of; None otherwise.
    unit: str | None = None


# --- the lexicon --------------------------------------------------------------

# Kinds of tokens.
_UNIT, _TEN, _TEEN_HEAD, _TENS = "unit", "ten", "teen", "tens"
_HUNDRED, _HUNDREDS = "hundred", "hundreds"
_SCALE, _SCALE_PLURAL, _SCALE_DUAL, _FRACTION = "scale", "scale_pl", "scale_dual", "fraction"
_DIGITS, _DUAL_NOUN, _CONJ, _WORD = "digits", "dual_noun", "conj", "word"
#: A teen written as one word in speech ("خمستاشر"): ends a number like a ten.
_TEEN_WORD = "teen_word"

_UNIT_WORDS = {
    "واحد": 1, "واحدة": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2,
    "ثلاث": 3, "ثلاثة": 3, "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5,
    "ست": 6, "ستة": 6, "سبع": 7, "سبعة": 7, "ثمان": 8, "ثماني": 8, "ثمانية": 8,
    "تسع": 9, "تسعة": 9,
}
_TEN_WORDS = {"عشر": 10, "عشرة": 10}
_TEEN_HEAD_WORDS = {"أحد": 1, "إحدى": 1, "اثنا": 2, "اثني": 2, "اثنتا": 2, "اثنتي": 2}
_TENS_WORDS = {
    word: value
    for stem, value in (
        ("عشر", 20), ("ثلاث", 30), ("أربع", 40), ("خمس", 50),
        ("ست", 60), ("سبع", 70), ("ثمان", 80), ("تسع", 90),
    )
    for word in (stem + "ون", stem + "ين")
}
_HUNDRED_WORDS = {"مئة": 100, "مائة": 100}
_HUNDREDS_WORDS = {
    "مئتان": 200, "مئتين": 200, "مائتان": 200, "مائتين": 200, "مئتا": 200, "مائتا": 200,
}
for _stem, _value in (
    ("ثلاث", 3), ("أربع", 4), ("خمس", 5), ("ست", 6), ("سبع", 7),
    ("ثمان", 8), ("ثماني", 8), ("تسع", 9),
):
    for _hundred in ("مئة", "مائة"):
        _HUNDREDS_WORDS[_stem + _hundred] = _value * 100

_SCALES = {
    "ألف": 10**3, "مليون": 10**6, "مليار": 10**9, "بليون": 10**9,
    "تريليون": 10**12, "ترليون": 10**12,
}
_SCALE_WORDS = {**_SCALES, **{word + "اً": value for word, value in _SCALES.items()}}
_SCALE_PLURAL_WORDS = {
    "آلاف": 10**3, "ألوف": 10**3, "ملايين": 10**6, "مليارات": 10**9, "ملايير": 10**9,  # Maghrebi
    "بلايين": 10**9, "تريليونات": 10**12,
}
_SCALE_DUAL_WORDS = {
    word: 2 * value
    for singular, value in _SCALES.items()
    # nominative, oblique and construct ("مليوني وجبة"); the construct
    # nominative "ألفا" is left out: it is also the accusative "ألفاً".
    for word in (singular + "ان", singular + "ين", singular + "ي")
}
_FRACTION_WORDS = {"نصف": Decimal("0.5"), "ربع": Decimal("0.25")}

# Spoken number words (see the module doc), by kind.
_SPOKEN_UNIT_WORDS = {
    "اتنين": 2, "إتنين": 2, "ثنين": 2, "ثنتين": 2, "جوج": 2, "زوز": 2,
    "تلاتة": 3, "تلات": 3, "تمانية": 8, "تمنية": 8, "تمان": 8, "تماني": 8,
}
_SPOKEN_TENS_WORDS = {"تلاتين": 30, "تلاتون": 30, "تمانين": 80, "تمانون": 80}
_SPOKEN_TEEN_WORDS = {
    word: value
    for value, words in (
        (11, ("حداشر", "احداشر", "إحداشر", "احدعش")),
        (12, ("اتناشر", "إتناشر", "اطناشر", "اثنعش", "ثنعش")),
        (13, ("تلتاشر", "تلطاشر", "ثلطعش")),
        (14, ("اربعتاشر", "أربعتاشر", "اربعطاشر", "أربعطاشر", "اربعطعش")),
        (15, ("خمستاشر", "خمسطاشر", "خمسطعش")),
        (16, ("ستاشر", "سطاشر", "ستعش")),
        (17, ("سبعتاشر", "سبعطاشر", "سبعطعش")),
        (18, ("تمنتاشر", "تمنطاشر", "ثمنطعش")),
        (19, ("تسعتاشر", "تسعطاشر", "تسعطعش")),
    )
    for word in words
}
_SPOKEN_HUNDREDS_WORDS = {
    "ميتين": 200, "متين": 200, "تلتمية": 300, "تلاتمية": 300, "ربعمية": 400, "أربعمية": 400,
    "خمسمية": 500, "ستمية": 600, "سبعمية": 700, "تمنمية": 800, "تمانمية": 800, "تسعمية": 900,
}


def _lexicon() -> dict[str, tuple[str, Decimal]]:
    table: dict[str, tuple[str, Decimal]] = {}
    for kind, words in (
        (_UNIT, _UNIT_WORDS), (_TEN, _TEN_WORDS), (_TEEN_HEAD, _TEEN_HEAD_WORDS),
        (_TENS, _TENS_WORDS), (_HUNDRED, _HUNDRED_WORDS), (_HUNDREDS, _HUNDREDS_WORDS),
        (_SCALE, _SCALE_WORDS), (_SCALE_PLURAL, _SCALE_PLURAL_WORDS),
        (_SCALE_DUAL, _SCALE_DUAL_WORDS), (_FRACTION, _FRACTION_WORDS),
        (_UNIT, _SPOKEN_UNIT_WORDS), (_TENS, _SPOKEN_TENS_WORDS),
        (_TEEN_WORD, _SPOKEN_TEEN_WORDS), (_HUNDREDS, _SPOKEN_HUNDREDS_WORDS),
    ):
        for word, value in words.items():
            table.setdefault(_n(word), (kind, Decimal(value)))
    return table


#: Normalised number word -> (kind, value).
NUMBER_WORDS: dict[str, tuple[str, Decimal]] = _lexicon()

#: Normalised vague plurals ("آلاف" alone, "عشرات", "مئات") -> their lower bound.
VAGUE_SCALE_WORDS: dict[str, Decimal] = {
    _n(word): Decimal(value)
    for word, value in (
        ("عشرات", 10), ("مئات", 100), ("آلاف", 1000), ("ألوف", 1000),
        ("ملايين", 10**6), ("مليارات", 10**9),
    )
}

#: Clitics that may be glued before a number word (longest first).
_WORD_CLITICS = ("وب", "ول", "فب", "فل", "و", "ف", "ب", "ل", "ك")
#: Words that may be glued right before digits without making an identifier.
_DIGIT_CLITICS = frozenset({"ال", "و", "ب", "ل", "ف", "ك", "وال", "بال", "لل", "فال", "كال", "وب", "ول"})

_SCALE_ALTERNATION = "|".join(
    sorted(
        (re.escape(word) for word, (kind, _) in NUMBER_WORDS.items() if kind.startswith(_SCALE)),
        key=len,
        reverse=True,
    )
)
_PERCENT_WORDS = "|".join(
    r"\s+".join(_n(word) for word in phrase.split())
    for phrase in ("بالمئة", "بالمائة", "في المئة", "في المائة")
)
_AFTER_DECIMAL_COMMA = rf"(?:[%\u066a]|(?:{_SCALE_ALTERNATION}|{_PERCENT_WORDS})(?![^\W\d_]))"
#: The second number of a range may come between ("2,5 و3 بالمائة", "1,5 - 2 مليون").
_RANGE_THEN = r"(?:\s*(?:و|-|\u2013|الي|حتي)\s*\d+(?:,\d{1,2})?\s*)?"
_NUMBER = (
    rf"\d+,\d{{1,2}}(?={_RANGE_THEN}\s*{_AFTER_DECIMAL_COMMA})"  # decimal comma
    r"|\d{1,3}(?:[,\u066c]\d{3})+(?!\d)(?:[.\u066b]\d+)?"  # thousands groups
    r"|\d{1,3}(?:\.\d{3}){2,}(?!\d)"  # dots as thousands separators
    r"|\d+(?:[.\u066b]\d+)?"  # plain, optional decimal part
)
_TOKEN = re.compile(rf"(?P<num>{_NUMBER})|(?P<word>[^\W\d_]+)")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
_DOTS_AS_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3}){2,}")


def digits_value(token: str) -> Decimal:
    """The value of a digit token matched by the number pattern."""
    if _DECIMAL_COMMA.fullmatch(token):
        return Decimal(token.replace(",", "."))
    if _DOTS_AS_THOUSANDS.fullmatch(token):
        return Decimal(token.replace(".", ""))
    return Decimal(token.replace(",", "").replace("\u066c", "").replace("\u066b", "."))


# --- tokens -------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str
    value: Decimal
    start: int  # normalised offsets; start skips a glued clitic
    end: int
    conj: bool  # a glued و joins it to the number before
    adjacent: bool  # nothing but whitespace between the previous token and this one
    unit: str | None = None


def _classify_word(word: str) -> tuple[str, Decimal, int, bool, str | None]:
    """(kind, value, clitic length, joined by و, dual unit) of one word token."""
    if word == "و":
        return _CONJ, Decimal(0), 0, False, None
    if word in NUMBER_WORDS:
        kind, value = NUMBER_WORDS[word]
        return kind, value, 0, False, None
    unit = dual_unit(word) if word != "الاثنين" else None
    if unit:
        return _DUAL_NOUN, Decimal(2), 0, False, unit
    for clitic in _WORD_CLITICS:
        rest = word[len(clitic) :]
        if not word.startswith(clitic) or len(rest) < (2 if clitic == "و" else 3):
            continue
        if rest in NUMBER_WORDS:
            kind, value = NUMBER_WORDS[rest]
            return kind, value, len(clitic), clitic == "و", None
        unit = dual_unit(rest) if rest != "الاثنين" else None
        if unit:
            return _DUAL_NOUN, Decimal(2), len(clitic), clitic == "و", unit
    return _WORD, Decimal(0), 0, False, None


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    previous_end = -1
    previous_word: str | None = None
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        gap = text[previous_end:start]
        adjacent = previous_end >= 0 and (gap == "" or gap.isspace())
        glued = previous_end == start
        if match.lastgroup == "num":
            identifier = (
                (glued and previous_word is not None and previous_word not in _DIGIT_CLITICS)
                or (start >= 2 and text[start - 1] in "-_" and text[start - 2].isalpha())
                or (end < len(text) and _LATIN_LETTER.match(text[end]) is not None)
            )
            kind = _WORD if identifier else _DIGITS
            value = Decimal(0) if identifier else digits_value(match.group())
            tokens.append(_Token(kind, value, start, end, False, adjacent))
            previous_word = None
        else:
            word = match.group()
            kind, value, clitic, conj, unit = _classify_word(word)
            tokens.append(_Token(kind, value, start + clitic, end, conj, adjacent, unit))
            previous_word = word
        previous_end = end
    return tokens


# --- the grammar --------------------------------------------------------------


class _Cursor:
    """Walks the token list; ``joined`` accepts a glued or a separate و."""

    def __init__(self, tokens: list[_Token], position: int) -> None:
        self.tokens = tokens
        self.position = position

    def peek(self, offset: int = 0) -> _Token | None:
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def adjacent(self, *kinds: str) -> _Token | None:
        """The next token if it follows after whitespace only, has no و and is of ``kinds``."""
        token = self.peek()
        if token and token.adjacent and not token.conj and token.kind in kinds:
            self.position += 1
            return token
        return None

    def joined(self, *kinds: str) -> _Token | None:
        """The next number token of ``kinds`` joined by و (glued or separate)."""
        token = self.peek()
        if token is None or not token.adjacent:
            return None
        if token.conj and token.kind in kinds:
            self.position += 1
            return token
        after = self.peek(1)
        if token.kind == _CONJ and after and after.adjacent and not after.conj and after.kind in kinds:
            self.position += 2
            return after
        return None


def _below_hundred(cursor: _Cursor, first: _Token) -> Decimal | None:
    """A number under 100 starting at ``first`` (already consumed)."""
    if first.kind == _UNIT:
        if cursor.adjacent(_TEN):
            return first.value + 10
        tens = cursor.joined(_TENS)
        return first.value + tens.value if tens else first.value
    if first.kind == _TEEN_HEAD:
        return first.value + 10 if cursor.adjacent(_TEN) else None
    if first.kind in (_TEN, _TENS, _TEEN_WORD):
        return first.value
    if first.kind == _DIGITS and first.value < 100:
        return first.value
    return None


def _group(cursor: _Cursor, first: _Token) -> Decimal | None:
    """A number under 1000 starting at ``first`` (already consumed), or None."""
    if first.kind == _DIGITS:
        return first.value
    if first.kind == _UNIT and cursor.adjacent(_HUNDRED):
        hundreds = first.value * 100
    elif first.kind in (_HUNDRED, _HUNDREDS):
        hundreds = first.value
    else:
        return _below_hundred(cursor, first)
    mark = cursor.position
    rest_first = cursor.joined(_UNIT, _TEEN_HEAD, _TEN, _TENS, _TEEN_WORD, _DIGITS)
    if rest_first is not None:
        rest = _below_hundred(cursor, rest_first)
        if rest is not None:
            return hundreds + rest
        cursor.position = mark
    return hundreds


#: Kinds a number may start with, and continue with after و.
_CONTINUES = (_DIGITS, _UNIT, _TEEN_HEAD, _TEN, _TENS, _TEEN_WORD, _HUNDRED, _HUNDREDS, _SCALE, _SCALE_DUAL)
_STARTS = frozenset(_CONTINUES + (_FRACTION,))


def _part(cursor: _Cursor, first: _Token) -> tuple[Decimal, Decimal | None] | None:
    """One additive part starting at ``first``: (value, its scale or None)."""
    if first.kind == _SCALE:
        return first.value, first.value
    if first.kind == _SCALE_DUAL:
        return first.value, first.value / 2
    if first.kind == _FRACTION:
        scale = cursor.adjacent(_SCALE)
        return (first.value * scale.value, scale.value) if scale else None
    group = _group(cursor, first)
    if group is None:
        return None
    scale = cursor.adjacent(_SCALE, _SCALE_PLURAL)
    return (group * scale.value, scale.value) if scale else (group, None)


def _parse_at(tokens: list[_Token], index: int) -> tuple[Decimal, int, str | None] | None:
    """Read one number starting at token ``index``: (value, next index, dual unit).

    Parts are added while they are joined by و and each is smaller than the
    scale before it ("مليونان وثلاثمئة ألف وخمسون"); a part without a scale
    word ends the number.
    """
    first = tokens[index]
    if first.kind == _DUAL_NOUN:
        return Decimal(2), index + 1, first.unit
    if first.kind not in _STARTS:
        return None
    cursor = _Cursor(tokens, index + 1)
    total = Decimal(0)
    end = index
    last_scale: Decimal | None = None
    token: _Token | None = first
    while token is not None:
        part = _part(cursor, token)
        if part is None:
            break
        value, scale = part
        if last_scale is not None and (scale if scale is not None else value) >= last_scale:
            break
        total += value
        end = cursor.position
        if scale is None:
            break
        last_scale = scale
        fraction = cursor.joined(_FRACTION)
        if fraction is not None:
            total += fraction.value * scale
            end = cursor.position
            break
        token = cursor.joined(*_CONTINUES)
    if end == index:
        return None
    return total, end, None


@dataclass(frozen=True)
class NumberHit:
    """A number in normalised coordinates (what ``find_numbers`` maps to raw)."""

    start: int
    end: int
    value: Decimal
    unit: str | None = None


def scan_numbers(normalised: str) -> list[NumberHit]:
    """Numbers in a text already in the analysis form, left to right."""
    tokens = _tokenize(normalised)
    hits: list[NumberHit] = []
    index = 0
    while index < len(tokens):
        parsed = _parse_at(tokens, index)
        if parsed is None:
            index += 1
            continue
        value, next_index, unit = parsed
        hits.append(NumberHit(tokens[index].start, tokens[next_index - 1].end, value, unit))
        index = next_index
    return hits


def find_numbers(text: str) -> list[NumberMatch]:
    """Every number in ``text``, with raw offsets, in reading order."""
    mapped = analysis_form(text)
    matches = []
    for hit in scan_numbers(mapped.text):
        start, end = mapped.to_raw(hit.start, hit.end)
        matches.append(NumberMatch(start, end, float(hit.value), text[start:end], hit.unit))
    return matches


def parse_number(text: str) -> float | None:
    """The value of the one number stated in ``text``, or None.

    Returns None when the text holds no number or several ("5,6", "74 دولة
    وخمس منظمات"), so a caller never gets an arbitrary one of them. Words
    around the number are allowed ("حوالي 8 ملايين شخص" -> 8000000).
    """
    hits = scan_numbers(analysis_form(text).text)
    if len(hits) != 1:
        return None
    return float(hits[0].value)
