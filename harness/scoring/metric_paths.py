"""The grammar of ``metrics.json`` paths (``docs/metrics.md``), to check a path before any run.

A gate file that names ``entities.strictt.f1`` cannot pass or fail: the run
has no such number. Checking the path when the gate file is read turns the
typo into a broken gate file (exit 2, with the key) instead of a failed check
(exit 1) that reads like a regression. The grammar is the one
``docs/metrics.md`` documents; labels and convention names are open (a
CoNLL corpus brings its own), everything else is a closed list.

:func:`is_rate` says which paths are fractions in [0, 1], so a ``floor: 1.5``
on an F1 (a check that can never pass) is refused too.
"""

from __future__ import annotations

import re

from harness.scoring.claims import CLAIM_KINDS, CLAIM_MODES, SCORED_SLOTS
from harness.scoring.entities import MODES

#: Claim modes a run may hold besides the scorer's own: ``content`` comes from a judge.
JUDGED_CLAIM_MODES: tuple[str, ...] = ("content",)
#: The values of a count block that are fractions in [0, 1].
RATE_FIELDS: tuple[str, ...] = ("precision", "recall", "f1")
#: Every number of a count block.
COUNT_FIELDS: tuple[str, ...] = (*RATE_FIELDS, "correct", "incorrect", "partial", "missed", "spurious", "possible", "actual")
#: Numbers at the top of ``metrics.json``.
TOP_NUMBERS: tuple[str, ...] = ("documents", "failures", "ungrounded", "schema_version")

_NAME = r"[^.\s]+"
_ENTITY_MODE = "|".join(MODES)
_CLAIM_MODE = "|".join((*CLAIM_MODES, *JUDGED_CLAIM_MODES))
_FIELD = "|".join(COUNT_FIELDS)
_RATE = "|".join(RATE_FIELDS)

_GRAMMAR = tuple(
    re.compile(f"^{pattern}$")
    for pattern in (
        f"(?:{'|'.join(TOP_NUMBERS)})",
        f"entities\\.(?:{_ENTITY_MODE})\\.(?:{_FIELD})",
        f"entities\\.macro\\.(?:{_ENTITY_MODE})\\.(?:{_RATE})",
        f"entities\\.per_label\\.{_NAME}\\.(?:{_ENTITY_MODE})\\.(?:{_FIELD})",
        f"entities\\.all_labels\\.(?:{_ENTITY_MODE})\\.(?:{_FIELD})",
        f"entities\\.all_labels\\.per_label\\.{_NAME}\\.(?:{_ENTITY_MODE})\\.(?:{_FIELD})",
        f"conventions\\.{_NAME}\\.(?:{_ENTITY_MODE})\\.(?:{_FIELD})",
        f"conventions\\.{_NAME}\\.per_label\\.{_NAME}\\.strict\\.(?:{_FIELD})",
        f"claims\\.(?:{_CLAIM_MODE})\\.(?:{_FIELD})",
        f"claims\\.(?:{_CLAIM_MODE})\\.by_kind\\.(?:{'|'.join(CLAIM_KINDS)})\\.(?:{_FIELD})",
        f"claims\\.slots\\.(?:{'|'.join(SCORED_SLOTS)})\\.(?:{_FIELD})",
        "claims\\.ungrounded_claims",
    )
)


def metric_path_problem(path: str) -> str | None:
    """Why ``path`` is not a number of ``metrics.json``, or None when the grammar allows it."""
    if any(pattern.match(path) for pattern in _GRAMMAR):
        return None
    head = path.split(".", 1)[0]
    if head not in ("entities", "conventions", "claims", *TOP_NUMBERS):
        return f"{path!r} is not a metrics.json path: it starts with none of entities, conventions, claims, {', '.join(TOP_NUMBERS)} (docs/metrics.md)"
    return f"{path!r} is not a metrics.json path (docs/metrics.md lists them, e.g. entities.strict.f1, claims.strict.f1, claims.slots.quantity.f1)"


def is_rate(path: str) -> bool:
    """Is the number at ``path`` a fraction in [0, 1] (a precision, recall or F1)?"""
    return path.rsplit(".", 1)[-1] in RATE_FIELDS
