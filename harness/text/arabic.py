"""Arabic orthographic normalisation with a map back to raw offsets.

The same Arabic word is written many ways: with or without diacritics, with
hamza forms of alef or a bare alef, final yeh or alef maqsura, teh marbuta or
heh, stretched with tatweel, with presentation-form ligatures from PDFs, and
with invisible bidi and zero-width controls from web pages. Comparing names
or searching a model's quote in a document must see through all of that.

``normalize_arabic`` works on clusters: a base character together with the
combining marks that follow it. Each cluster goes through NFKC (which expands
ligatures such as U+FEFB into "لا" and composes alef + hamza above into "أ")
and then through the folds below; every output character maps to the whole
cluster, so a letter's raw span includes its diacritics.

Folds (the conventional ones of Arabic information retrieval):
- alef forms أ إ آ ٱ (and wavy-hamza alefs) -> bare alef ا
- alef maqsura ى -> yeh ي; Persian yeh ی -> ي; keheh ک -> ك
- teh marbuta ة -> heh ه
- removed: Arabic diacritics and Quranic marks (U+0610-U+061A, U+064B-U+065F,
  U+0670, U+06D6-U+06ED marks, U+08D3-U+08FF), tatweel U+0640, bidi and
  zero-width controls (U+061C, U+200B-U+200F, U+202A-U+202E, U+2060-U+2064,
  U+2066-U+2069, U+FEFF), soft hyphen, combining grapheme joiner.
- Marks left on a removed character are removed with it, and a cluster
  that contained no whitespace never turns into whitespace (NFKC spells the
  isolated form of a diacritic as space + mark).
Hamza carriers ؤ ئ and the hamza ء are kept: folding them changes words.
Latin diacritics are kept. Whitespace is kept as is (see ``find_normalized``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from harness.text.digits import normalize_digits
from harness.text.offsets import MappedText, MappedTextBuilder, map_chars
from harness.text.whitespace import collapse_whitespace

_LETTER_FOLDS: dict[str, str] = {
    "\u0623": "\u0627",  # أ
    "\u0625": "\u0627",  # إ
    "\u0622": "\u0627",  # آ
    "\u0671": "\u0627",  # ٱ alef wasla
    "\u0672": "\u0627",  # alef with wavy hamza above
    "\u0673": "\u0627",  # alef with wavy hamza below
    "\u0649": "\u064a",  # ى alef maqsura -> ي
    "\u06cc": "\u064a",  # ی Farsi yeh -> ي
    "\u06a9": "\u0643",  # ک keheh -> ك
    "\u0629": "\u0647",  # ة teh marbuta -> ه
}

_REMOVED_RANGES: tuple[tuple[int, int], ...] = (
    (0x0610, 0x061A),  # honorific signs and small high marks
    (0x064B, 0x065F),  # tashkeel: tanween, harakat, shadda, sukun, hamza/madda marks
    (0x0670, 0x0670),  # superscript (dagger) alef
    (0x06D6, 0x06DC),  # Quranic annotation marks
    (0x06DF, 0x06E4),
    (0x06E7, 0x06E8),
    (0x06EA, 0x06ED),
    (0x08D3, 0x08E1),  # Arabic Extended-A marks
    (0x08E3, 0x08FF),
    (0x0640, 0x0640),  # tatweel
    (0x061C, 0x061C),  # Arabic letter mark
    (0x200B, 0x200F),  # zero-width space/joiners, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2060, 0x2064),  # word joiner, invisible operators
    (0x2066, 0x2069),  # bidi isolates
    (0xFEFF, 0xFEFF),  # zero-width no-break space / BOM
    (0x00AD, 0x00AD),  # soft hyphen
    (0x034F, 0x034F),  # combining grapheme joiner
)

_REMOVED: frozenset[str] = frozenset(
    chr(code) for low, high in _REMOVED_RANGES for code in range(low, high + 1)
)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char)[0] == "M"


@lru_cache(maxsize=8192)
def _fold_cluster(cluster: str) -> str:
    """Normalise one base character with its combining marks."""
    composed = unicodedata.normalize("NFKC", cluster)
    out: list[str] = []
    base_removed = False
    for char in composed:
        if char in _REMOVED:
            if not _is_mark(char):
                base_removed = True
            continue
        if _is_mark(char):
            if base_removed:
                continue
        else:
            base_removed = False
        out.append(_LETTER_FOLDS.get(char, char))
    folded = "".join(out)
    if folded.isspace() and not any(c.isspace() for c in cluster):
        return ""
    return folded


def normalize_arabic(text: str) -> MappedText:
    """Fold Arabic spelling variants, keeping each character's raw span."""
    builder = MappedTextBuilder(text)
    n = len(text)
    i = 0
    while i < n:
        j = i + 1
        while j < n and _is_mark(text[j]):
            j += 1
        cluster = text[i:j]
        if j == i + 1 and cluster.isascii():
            builder.emit(cluster, i, j)
        else:
            builder.emit(_fold_cluster(cluster), i, j)
        i = j
    return builder.build()


def normalize_arabic_str(text: str) -> str:
    """The comparison key of a name: Arabic folds, whitespace runs as one space, trimmed."""
    return " ".join(normalize_arabic(text).text.split())


_PUNCTUATION_FOLDS: dict[str, str] = {
    "\u201c": '"',  # “
    "\u201d": '"',  # ”
    "\u201e": '"',  # „
    "\u201f": '"',
    "\u00ab": '"',  # «
    "\u00bb": '"',  # »
    "\u2033": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",  # –
    "\u2014": "-",  # —
    "\u2015": "-",
    "\u2212": "-",
}


def _fold_punctuation(char: str) -> str:
    return _PUNCTUATION_FOLDS.get(char, char)


def normalize_for_matching(text: str) -> MappedText:
    """The form used to find a phrase in a document.

    Arabic folds, ASCII digits, typographic quotes and dashes as ASCII, and
    whitespace runs as one space: the differences a model introduces when it
    copies text, none of which changes what the text says.
    """
    mapped = normalize_arabic(text).then(normalize_digits)
    mapped = mapped.then(lambda t: map_chars(t, _fold_punctuation))
    return mapped.then(collapse_whitespace)


def find_normalized(
    haystack: str, needle: str, *, whole_words: bool = False
) -> list[tuple[int, int]]:
    """Raw spans of ``haystack`` whose matching form equals ``needle``'s.

    Used to ground model output: a quote is searched through
    ``normalize_for_matching`` (leading and trailing whitespace of the needle
    ignored), and every non-overlapping occurrence is returned, left to
    right, as raw ``(start, end)`` offsets of ``haystack``. An occurrence
    covers whole source characters, so the raw span always normalises to
    exactly the needle: "ل" is not found inside the ligature "ﻻ", nor "e"
    inside "é" written with a combining accent. With ``whole_words`` an
    occurrence must not touch a letter or digit on either side. A needle
    that normalises to nothing matches nowhere.
    """
    target = normalize_for_matching(needle).text.strip()
    if not target:
        return []
    mapped = normalize_for_matching(haystack)
    text = mapped.text
    spans: list[tuple[int, int]] = []
    position = text.find(target)
    while position != -1:
        end = position + len(target)
        if _on_source_boundaries(mapped, position, end) and (
            not whole_words or _on_word_boundaries(text, position, end)
        ):
            spans.append(mapped.to_raw(position, end))
            position = text.find(target, end)
        else:
            position = text.find(target, position + 1)
    return spans


def _on_source_boundaries(mapped: MappedText, start: int, end: int) -> bool:
    """True unless the span cuts through the output of one raw stretch."""

    def source(i: int) -> tuple[int, int]:
        return mapped.starts[i], mapped.ends[i]

    starts_clean = start == 0 or source(start) != source(start - 1)
    ends_clean = end == len(mapped.text) or source(end) != source(end - 1)
    return starts_clean and ends_clean


_WORD_CHAR = re.compile(r"\w")


def _on_word_boundaries(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    starts_inside = _WORD_CHAR.match(before) and _WORD_CHAR.match(text[start])
    ends_inside = _WORD_CHAR.match(after) and _WORD_CHAR.match(text[end - 1])
    return not (starts_inside or ends_inside)


def extend_over_silent(raw: str, end: int) -> int:
    """``end`` moved past the tatweel and combining marks glued after it.

    A span found in the normalised text ends at its last visible letter; the
    raw word may go on with characters the folds remove (``1445هـ`` ends in a
    tatweel). They belong to the word, so a span ending there is extended
    over them, never past a space, a control or a visible character.
    """
    while end < len(raw) and (raw[end] == "\u0640" or _is_mark(raw[end])):
        end += 1
    return end
