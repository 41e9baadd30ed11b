"""Names and ids as the report pages print them: invisible characters made visible.

Setup names come from config files and document ids from file names; either
may hold a bidirectional control (U+202E RIGHT-TO-LEFT OVERRIDE turns
``rules`` into what reads as ``selur``, and reorders whatever follows it on
the line) or another character that prints as nothing (zero-width spaces and
joiners, soft hyphens, control characters). A reader must see the name that
is stored, so :func:`visible` writes each such character as its escape
(``\\u202e``). The HTML page also isolates the elements that hold names
(CSS ``unicode-bidi: isolate``), so a character missed here still cannot
reorder the text around it.

Only names, ids and the report's own sentences go through it; document text
and model output are shown as written (Arabic needs its joiners), inside
their own right-to-left panes.
"""

from __future__ import annotations

import unicodedata

#: Unicode categories that print as nothing or steer the layout: format (bidi controls,
#: zero-width characters), control, line and paragraph separators, surrogates, private use, unassigned.
INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zl", "Zp", "Cs", "Co", "Cn"})


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def visible(text: object) -> str:
    """``text`` with every invisible or layout-steering character written as its ``\\uXXXX`` escape."""
    return "".join(_escape(char) if unicodedata.category(char) in INVISIBLE_CATEGORIES else char for char in str(text))
