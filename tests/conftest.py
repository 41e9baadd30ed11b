"""Fixtures shared by every room's tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.common import paths


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    """The third-party data dir (:func:`harness.common.paths.shared_data_dir`): $HARNESS_SHARED_DATA,
    else ``data/`` of $HARNESS_SHARED, else ``<project>/../shared/data``.

    Skips the test (with the path it looked at) when the directory is absent,
    because a user's fresh checkout does not have it.
    """
    path = paths.shared_data_dir()
    if not path.is_dir():
        source = next((name for name in (paths.SHARED_DATA_ENV, paths.SHARED_ENV) if os.environ.get(name)), "default location")
        pytest.skip(f"shared data not found at {path} ({source}); set HARNESS_SHARED or HARNESS_SHARED_DATA")
    return path
