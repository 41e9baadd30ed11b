"""Long lists of problems, cut to what a person reads.

A broken 50 MB gold file can hold hundreds of thousands of overlapping spans;
printing one line for each buries the first (and usually the only) mistake
and takes minutes. Every list of problems the command line prints goes
through :func:`capped`: the first :data:`MAX_LINES` lines, then one line
saying how many more there are. The full list stays on the exception
(``problems``) for code that wants it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

#: Lines of a problem list that are printed before the rest is counted.
MAX_LINES = 50


def capped(lines: Sequence[object] | Iterable[object], limit: int = MAX_LINES, what: str = "problems") -> list[str]:
    """The first ``limit`` lines of ``lines`` as text, then ``"... N more problems"`` when there were more."""
    items = list(lines)
    shown = [str(line) for line in items[:limit]]
    if len(items) > limit:
        shown.append(f"... {len(items) - limit} more {what} (the first {limit} are shown)")
    return shown
