"""Words of a normalised document, with the clitic readings of each.

The rules compare words after ``normalize_arabic`` (so ``إدلب`` and ``ادلب``
are one word) but must report spans in the raw text, so every token keeps
its offsets in the normalised text and the raw span they map to.

Arabic writes prepositions and conjunctions onto the next word: ``بدمشق``
is ``ب`` + ``دمشق``, ``وللتحالف`` is ``و`` + ``ل`` + ``التحالف`` with the
article's alef dropped. A token therefore has several *readings*: the word
as written, and the word after each prefix it may carry. A reading records
how many normalised characters the prefix takes, so that a span can start
after it (guidelines 1.1: clitics stay outside).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.text.offsets import MappedText

#: A word: letters and digits (Arabic, Latin, any script), no underscore.
_WORD = re.compile(r"[^\W_]+")

#: Prefixes that may be glued onto a word, longest first. و and ف are
#: conjunctions, ب ل ك prepositions; they combine (وب، فل ...).
CLITIC_PREFIXES: tuple[str, ...] = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")

#: The shortest stem a prefix may leave: "بل" must not read as ب + ل.
_MIN_STEM = 2

#: Characters that end a sentence or clause: no name runs across them.
SENTENCE_PUNCTUATION = frozenset(".!?؟؛;:\n")
#: Commas, Arabic and Latin.
COMMAS = frozenset("،,")
#: Quotation marks, typographic and straight.
QUOTES = frozenset('"“”«»„‟\'‘’')


@dataclass(frozen=True)
class Reading:
    """One way to read a token: ``skip`` prefix characters, then ``stem``."""

    skip: int
    stem: str


@dataclass(frozen=True)
class Token:
    """A word: normalised text and offsets, raw offsets, and its readings."""

    index: int
    text: str
    #: Lower-cased ``text`` (Latin names are matched without case).
    key: str
    start: int
    end: int
    raw_start: int
    raw_end: int
    readings: tuple[Reading, ...]

    @property
    def is_digit(self) -> bool:
        """A number written in digits (``2019``); ``SY24`` is a word."""
        return self.text.isdigit()

    def stems(self) -> tuple[str, ...]:
        """The word as written and after every possible prefix."""
        return tuple(reading.stem for reading in self.readings)


def readings_of(key: str) -> tuple[Reading, ...]:
    """The readings of a (normalised, lower-cased) word, the bare word first.

    ``للتحالف`` reads as ``ل`` + ``التحالف``: the span then starts at the
    second ل, the article's own letter, as in the gold (``لتحالف الدولي``).
    """
    found = [Reading(0, key)]
    for prefix in CLITIC_PREFIXES:
        if key.startswith(prefix) and len(key) - len(prefix) >= _MIN_STEM:
            found.append(Reading(len(prefix), key[len(prefix):]))
    for conjunction in ("", "و", "ف"):
        lam_lam = conjunction + "لل"
        if key.startswith(lam_lam) and len(key) - len(lam_lam) >= _MIN_STEM:
            found.append(Reading(len(conjunction) + 1, "ال" + key[len(lam_lam):]))
    return tuple(found)


def tokenize(mapped: MappedText) -> list[Token]:
    """The words of a normalised text, in order."""
    tokens: list[Token] = []
    for match in _WORD.finditer(mapped.text):
        start, end = match.span()
        raw_start, raw_end = mapped.to_raw(start, end)
        key = match.group().lower()
        tokens.append(
            Token(len(tokens), match.group(), key, start, end, raw_start, raw_end, readings_of(key))
        )
    return tokens


def key_tokens(normalised: str) -> tuple[str, ...]:
    """The lower-cased words of an already normalised phrase (for word lists)."""
    return tuple(word.lower() for word in _WORD.findall(normalised))


def gap(text: str, tokens: list[Token], left: int, right: int) -> str:
    """The normalised text between token ``left`` and token ``right``."""
    return text[tokens[left].end : tokens[right].start]


def adjacent(text: str, tokens: list[Token], left: int, right: int) -> bool:
    """True when only whitespace separates the two tokens (no punctuation)."""
    between = gap(text, tokens, left, right)
    return between.strip() == "" and "\n" not in between
