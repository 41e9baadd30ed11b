"""Hugging Face ``evaluate`` modules over the harness scorers, loaded from local paths.

The hub is not needed: ``evaluate.load(harness.evaluate_modules.path("entity_spans"))``.
Each module is a thin wrapper over :mod:`harness.scoring`, never a second
implementation, so its numbers are the harness's numbers.
"""

from __future__ import annotations

from pathlib import Path

MODULES = ("entity_spans", "conlleval_tags", "claim_alignment")


def path(name: str) -> str:
    """Local directory of the module ``name``, for ``evaluate.load``."""
    if name not in MODULES:
        raise KeyError(f"unknown metric module {name!r}; available: {', '.join(MODULES)}")
    return str(Path(__file__).resolve().parent / name)
