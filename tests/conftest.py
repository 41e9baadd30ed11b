"""Fixtures shared by every room's tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The third-party data dir: $HARNESS_SHARED_DATA, else ``<project>/../shared/data``.

    Skips the test (with the path it looked at) when the directory is absent,
    because a user's fresh checkout does not have it.
    """
    override = os.environ.get("HARNESS_SHARED_DATA")
    path = Path(override) if override else PROJECT_ROOT.parent / "shared" / "data"
    if not path.is_dir():
        source = "HARNESS_SHARED_DATA" if override else "default location"
        pytest.skip(f"shared data not found at {path} ({source}); set HARNESS_SHARED_DATA")
    return path
