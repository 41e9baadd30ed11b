"""A read-only results folder: listings still work from the records, writers say what they could not write.

The folder is made read-only for real (write bits taken away for an
ordinary user; a read-only bind mount in a private mount namespace for
root, whom permissions do not stop). The test skips, with the reason, on a
machine where neither can be done.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest
from fault_tools import EXAMPLE, ROOT, child_env, read_only_command, write_setup

from harness.cli import main


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("read-only")
    results = base / "results"
    setup = write_setup(base, "rules-ro", batch_size=1)
    for _ in range(2):
        assert main(["run", str(setup), "--corpus", str(EXAMPLE), "--results", str(results)]) == 0
    return results


def read_only(results: Path, *args: str | Path, folder: Path | None = None) -> subprocess.CompletedProcess:
    """``harness ARGS`` with ``folder`` (default: ``results``) read-only (skips when this machine cannot make it so)."""
    folder = folder or results
    command = read_only_command(folder, list(args))
    if command is None:
        pytest.skip("cannot make a folder read-only here: running as root without the right to mount (unshare -m)")
    changed = []
    if os.geteuid() != 0:
        for path in [folder, *folder.rglob("*")]:
            mode = path.stat().st_mode
            changed.append((path, mode))
            path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        return subprocess.run(command, capture_output=True, text=True, env=child_env(), cwd=ROOT, timeout=180)
    finally:
        for path, mode in reversed(changed):
            path.chmod(mode)


def errors(err: str) -> list[str]:
    assert "Traceback" not in err
    return [line for line in err.splitlines() if line.startswith("error:")]


def test_runs_list_on_a_read_only_folder_lists_every_record_and_says_the_index_is_not_updated(results):
    done = read_only(results, "runs", "list", "--results", results)
    assert done.returncode == 0, done.stderr
    for record in (results / "runs").iterdir():
        assert record.name in done.stdout
    assert "is not updated" in done.stderr and not errors(done.stderr)


def test_runs_show_on_a_read_only_folder_shows_the_run(results):
    record = sorted((results / "runs").iterdir())[0]
    done = read_only(results, "runs", "show", record.name[:20], "--results", results)
    assert done.returncode == 0, done.stderr
    assert f"record        {record}" in done.stdout


def test_a_run_into_a_read_only_folder_stops_with_one_line_naming_the_folder(results):
    before = sorted(p.name for p in (results / "runs").iterdir())
    setup = results.parent / "rules-ro.yaml"  # written by the fixture, outside the read-only folder
    done = read_only(results, "run", setup, "--corpus", EXAMPLE, "--results", results)
    assert done.returncode == 2, done.stderr
    (line,) = errors(done.stderr)
    assert str(results / "runs") in line and "cannot write" in line
    assert sorted(p.name for p in (results / "runs").iterdir()) == before


def test_reindex_and_leaderboard_on_a_read_only_folder_say_what_they_could_not_write(results):
    done = read_only(results, "runs", "reindex", "--results", results)
    assert done.returncode == 2
    (line,) = errors(done.stderr)
    assert str(results / "runs.sqlite") in line and "the index was not rebuilt" in line
    done = read_only(results, "leaderboard", "--results", results)
    assert done.returncode == 2
    (line,) = errors(done.stderr)
    assert str(results / "leaderboard.md") in line and "cannot write" in line


def test_a_cache_that_cannot_be_written_is_a_warning_and_the_record_lists_what_was_not_cached(results, tmp_path):
    setup = tmp_path / "rules-ro-other.yaml"
    setup.write_text("setup: rules-ro-other\nextractor: rules\nparams: {claims: false}\n", encoding="utf-8")  # not cached yet
    before = {p.name for p in (results / "runs").iterdir()}
    done = read_only(results, "run", setup, "--corpus", EXAMPLE, "--results", results, folder=results / "cache")
    assert done.returncode == 0, done.stderr
    warned = [line for line in done.stderr.splitlines() if line.startswith("warning: cache entry not written")]
    assert len(warned) == 1 and str(results / "cache") in warned[0]
    (new,) = {p.name for p in (results / "runs").iterdir()} - before
    run = json.loads((results / "runs" / new / "run.json").read_text(encoding="utf-8"))
    assert len(run["cache_unwritten"]) == 1 and run["timings"]["documents_computed"] == 1
