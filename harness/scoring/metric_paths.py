"""Which ``metrics.json`` paths exist (``docs/metrics.md``), to check a path before any run.

A gate file that names ``entities.strictt.f1`` cannot pass or fail: the run
has no such number. Checking the path when the gate file is read turns the
typo into a broken gate file (exit 2, with the key) instead of a failed check
(exit 1) that reads like a regression. The paths are those of the metric
table (:func:`harness.scoring.metric_table.path_patterns`: a metric added
there is accepted here with nothing else to edit) plus the few numbers of
``metrics.json`` that are no metric (document count, schema version, macro
averages, the claim count of ungrounded claims). Labels and convention names
are open (a CoNLL corpus brings its own), everything else is a closed list.

:func:`is_rate` says which paths are fractions in [0, 1], so a ``floor: 1.5``
on an F1 (a check that can never pass) is refused too.
"""

from __future__ import annotations

import re
from functools import lru_cache

from harness.scoring.entities import MODES
from harness.scoring.metric_table import (
    COUNT_FIELDS,
    JUDGED_CLAIM_MODES,
    RATES,
    path_patterns,
)

__all__ = ["COUNT_FIELDS", "JUDGED_CLAIM_MODES", "RATE_FIELDS", "TOP_NUMBERS", "is_rate", "metric_path_problem"]

#: The values of a count block that are fractions in [0, 1].
RATE_FIELDS: tuple[str, ...] = RATES
#: Numbers at the top of ``metrics.json`` that are no metric of the table.
TOP_NUMBERS: tuple[str, ...] = ("documents", "schema_version")

#: Numbers of ``metrics.json`` outside the metric table (derived from it, or about the run).
_EXTRA = tuple(
    re.compile(f"^{pattern}$")
    for pattern in (
        f"(?:{'|'.join(TOP_NUMBERS)})",
        f"entities\\.macro\\.(?:{'|'.join(MODES)})\\.(?:{'|'.join(RATE_FIELDS)})",
        "claims\\.ungrounded_claims",
    )
)


@lru_cache(maxsize=4)
def _grammar(families: tuple[object, ...]) -> tuple[tuple[re.Pattern[str], ...], tuple[str, ...]]:
    """The patterns of the table of ``families`` with the extras, and the first parts of its paths."""
    table = path_patterns()
    heads = tuple(dict.fromkeys(metric.key.split(".", 1)[0] for _, metric in table))
    return (*_EXTRA, *(pattern for pattern, _ in table)), (*heads, *(h for h in TOP_NUMBERS if h not in heads))


def metric_path_problem(path: str) -> str | None:
    """Why ``path`` is not a number of ``metrics.json``, or None when the metric table (or the extras) has it."""
    from harness.scoring import metric_table

    patterns, heads = _grammar(tuple(metric_table.METRIC_FAMILIES))
    if any(pattern.match(path) for pattern in patterns):
        return None
    if path.split(".", 1)[0] not in heads:
        return f"{path!r} is not a metrics.json path: it starts with none of {', '.join(heads)} (docs/metrics.md)"
    return f"{path!r} is not a metrics.json path (docs/metrics.md lists them, e.g. entities.strict.f1, claims.strict.f1, claims.slots.quantity.f1)"


def is_rate(path: str) -> bool:
    """Is the number at ``path`` a fraction in [0, 1] (a precision, recall or F1)?"""
    return path.rsplit(".", 1)[-1] in RATE_FIELDS
