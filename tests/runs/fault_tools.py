"""Helpers of the fault tests: run the command line in a child process, check that disk and index agree.

The child is a real ``python -m harness.cli`` (or a script that stops itself
with ``os._exit`` at an injected point): a kill cannot be simulated inside
the test process, whose ``finally`` blocks and atexit hooks would run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from harness.common.paths import PROJECT_ROOT as ROOT
from harness.runs.cache import ENTRY_FORMAT, content_sha256
from harness.runs.record import read_record
from harness.runs.registry import RunRegistry

HELDOUT = ROOT / "tests" / "data" / "heldout"
EXAMPLE = ROOT / "tests" / "data" / "example"
#: Exit status of a child stopped at an injected point.
KILLED = 23


def child_env() -> dict[str, str]:
    """The environment of a child process: this checkout first on the import path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def harness_cli(*args: str | Path, timeout: float = 180) -> subprocess.CompletedProcess:
    """``harness ARGS`` in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *map(str, args)], capture_output=True, text=True, env=child_env(), timeout=timeout, cwd=ROOT
    )


def write_setup(directory: Path, name: str = "rules-faults", batch_size: int = 1) -> Path:
    """A setup of the rule baseline that extracts one document per batch (each is cached as it finishes)."""
    path = directory / f"{name}.yaml"
    path.write_text(f"setup: {name}\nextractor: rules\nbatch_size: {batch_size}\n", encoding="utf-8")
    return path


def record_dirs(results: Path) -> set[str]:
    """Names of the record directories on disk (staging directories start with a dot)."""
    runs = results / "runs"
    return {p.name for p in runs.iterdir() if p.is_dir() and not p.name.startswith(".")} if runs.is_dir() else set()


def assert_disk_and_index_agree(results: Path) -> RunRegistry:
    """Every record directory on disk reads whole and is listed; every listed run is on disk."""
    on_disk = record_dirs(results)
    for name in on_disk:
        read_record(results / "runs" / name, with_results=True).prediction_json()
    registry = RunRegistry(results / "runs.sqlite", results / "runs")
    listed = registry.list()
    assert {Path(row.path).name for row in listed} == on_disk
    assert {row.run_id for row in listed} == on_disk
    assert registry.problems() == []
    return registry


def assert_cache_entries_whole(results: Path) -> int:
    """Every cache entry (not a temporary file) is a whole entry whose content matches its hash; returns their number."""
    entries = [p for p in (results / "cache").rglob("*.json") if not p.name.startswith(".")] if (results / "cache").is_dir() else []
    import json

    for entry in entries:
        data = json.loads(entry.read_text(encoding="utf-8"))
        assert data["format"] == ENTRY_FORMAT
        assert data["content_sha256"] == content_sha256(data["annotations"], data["meta"]), entry
    return len(entries)


def read_only_command(folder: Path, args: list[str | Path]) -> list[str] | None:
    """A command line that runs ``harness ARGS`` with ``folder`` read-only, or None when this machine cannot make one.

    As an ordinary user, taking the write bits away is enough (the caller
    does it); as root, whom permissions do not stop, the folder is bind-mounted
    read-only in a private mount namespace (``unshare -m``), which needs the
    right to mount.
    """
    harness = [sys.executable, "-m", "harness.cli", *map(str, args)]
    if os.geteuid() != 0:
        return harness
    if shutil.which("unshare") is None:
        return None
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", f"mount --bind '{folder}' '{folder}' && mount -o remount,bind,ro '{folder}' && ! touch '{folder}/.probe'"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        return None
    script = f"mount --bind '{folder}' '{folder}' && mount -o remount,bind,ro '{folder}' && exec \"$@\""
    return ["unshare", "-m", "sh", "-c", script, "sh", *harness]
