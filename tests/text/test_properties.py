"""Properties that must hold for any text, checked on generated strings.

The alphabet mixes what Arabic web text really contains: letters with all
alef forms, diacritics, tatweel, digits of three scripts, separators,
ligatures and presentation forms, bidi and zero-width controls, Latin with
accents, whitespace.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.text.arabic import (
    find_normalized,
    normalize_arabic,
    normalize_arabic_str,
    normalize_for_matching,
)
from harness.text.digits import normalize_digits
from harness.text.numbers import parse_number
from harness.text.quantities import canonical_unit

LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآٱىةؤئ"
DIACRITICS = "".join(chr(c) for c in range(0x064B, 0x0656)) + "\u0670"
DIGITS = "0123456789" + "٠١٢٣٤٥٦٧٨٩" + "۰۱۲۳۴۵۶۷۸۹"
CONTROLS = "".join(chr(c) for c in [*range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
CONTROLS += "\ufeff\u061c"
SPECIALS = "\u0640ﻻﻷﷲﺩﺍ\ufe70\ufc5eی" + "٫٬٪%.,،/" + "é\u0301aZ" + " \n\t\u00a0"
ALPHABET = LETTERS + DIACRITICS + DIGITS + CONTROLS + SPECIALS

arabic_text = st.text(alphabet=ALPHABET, max_size=40)


def groups(mapped):
    """Runs of normalised characters that share one raw span."""
    i = 0
    while i < len(mapped.text):
        j = i + 1
        source = (mapped.starts[i], mapped.ends[i])
        while j < len(mapped.text) and (mapped.starts[j], mapped.ends[j]) == source:
            j += 1
        yield i, j
        i = j


@settings(max_examples=300)
@given(arabic_text)
def test_every_normalised_character_maps_to_raw_text_that_normalises_to_it(raw):
    mapped = normalize_arabic(raw)
    for i, j in groups(mapped):
        start, end = mapped.to_raw(i, j)
        assert normalize_arabic(raw[start:end]).text == mapped.text[i:j]


@settings(max_examples=300)
@given(arabic_text)
def test_composed_arabic_and_digit_folds_still_map_back_to_raw(raw):
    mapped = normalize_arabic(raw).then(normalize_digits)
    for i, j in groups(mapped):
        start, end = mapped.to_raw(i, j)
        assert normalize_arabic(raw[start:end]).then(normalize_digits).text == mapped.text[i:j]


@given(arabic_text, st.data())
def test_raw_spans_are_within_bounds_and_monotonic(raw, data):
    """Non-empty spans only for monotonicity: an empty span inside an expansion
    (between the two letters of a ligature) sits at the ligature's start."""
    mapped = normalize_for_matching(raw)
    n = len(mapped.text)
    a, b, c, d = sorted(data.draw(st.lists(st.integers(0, n), min_size=4, max_size=4)))
    first, second = mapped.to_raw(a, c), mapped.to_raw(b, d)
    for start, end in (first, second):
        assert 0 <= start <= end <= len(raw)
    if a < c and b < d:
        assert first[0] <= second[0] and first[1] <= second[1]
        assert first[0] < first[1] and second[0] < second[1]


@settings(max_examples=300)
@given(arabic_text)
def test_normalising_twice_equals_normalising_once(raw):
    once = normalize_arabic(raw).text
    assert normalize_arabic(once).text == once
    assert normalize_digits(normalize_digits(raw).text).text == normalize_digits(raw).text
    matching = normalize_for_matching(raw).text
    assert normalize_for_matching(matching).text == matching
    key = normalize_arabic_str(raw)
    assert normalize_arabic_str(key) == key


@given(arabic_text)
def test_canonical_unit_is_idempotent(noun):
    assert canonical_unit(canonical_unit(noun)) == canonical_unit(noun)


@settings(max_examples=300)
@given(arabic_text, st.integers(0, 30), st.integers(1, 8))
def test_a_piece_of_the_text_is_found_and_every_hit_normalises_to_it(raw, start, length):
    mapped = normalize_for_matching(raw)
    piece = mapped.text[start : start + length].strip()
    spans = find_normalized(raw, piece)
    if piece:
        # the same text may occur earlier and take its place, but never nowhere,
        # unless it cuts a ligature or a letter from its accent
        first = mapped.text.find(piece)
        s, e = mapped.to_raw(first, first + len(piece))
        if normalize_for_matching(raw[s:e]).text == piece:
            assert spans, (raw, piece)
    for s, e in spans:
        assert normalize_for_matching(raw[s:e]).text == piece


def to_script(ascii_number: str, zero: str) -> str:
    return "".join(chr(ord(zero) + int(c)) if c.isdigit() else c for c in ascii_number)


@given(st.integers(0, 10**12))
def test_integers_in_three_digit_scripts_parse_to_the_same_value(n):
    plain, grouped = str(n), f"{n:,}"
    values = {
        parse_number(plain),
        parse_number(to_script(plain, "٠")),
        parse_number(to_script(plain, "۰")),
        parse_number(grouped),
        parse_number(to_script(grouped.replace(",", "٬"), "٠")),
        parse_number(to_script(grouped, "۰")),
    }
    assert values == {float(n)}


@given(st.integers(0, 10**6), st.integers(1, 999))
def test_decimals_in_three_digit_scripts_parse_to_the_same_value(whole, fraction):
    ascii_text = f"{whole}.{fraction}"
    arabic = to_script(f"{whole}٫{fraction}", "٠")
    eastern = to_script(ascii_text, "۰")
    assert parse_number(ascii_text) == parse_number(arabic) == parse_number(eastern) == float(ascii_text)
