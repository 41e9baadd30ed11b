"""Digits of every script to ASCII, keeping offsets.

Arabic news writes numbers with ASCII digits, Arabic-Indic digits (U+0660 to
U+0669) or Eastern Arabic-Indic digits (U+06F0 to U+06F9, Persian and Urdu
keyboards), sometimes all three on one page. Number parsing and comparison
work on ASCII digits only, so every decimal digit (Unicode category Nd) is
replaced by its ASCII digit. The replacement is one character for one, so
offsets map trivially; separators (``٫`` ``٬``) are left to the number parser.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from harness.text.offsets import MappedText, map_chars


@lru_cache(maxsize=4096)
def ascii_digit(char: str) -> str:
    """The ASCII digit for a decimal digit of any script; other chars unchanged."""
    if "0" <= char <= "9" or not char.isdecimal():
        return char
    return str(unicodedata.decimal(char))


def normalize_digits(text: str) -> MappedText:
    """Replace Arabic-Indic, Eastern Arabic-Indic (and other) digits by ASCII."""
    if text.isascii():
        return MappedText.identity(text)
    return map_chars(text, ascii_digit)
