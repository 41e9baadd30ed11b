"""A run killed at each step of writing its record leaves disk and index in agreement after the next run.

Each case starts ``harness run`` in a child process that stops itself with
``os._exit`` (no cleanup, no ``finally``: what a kill -9 or a power cut
leaves) at one injected point of the write path, then runs again in the
test process and checks what a user would rely on:

* every record directory on disk reads whole and is listed by the registry,
  and nothing is listed that is not on disk;
* every cache entry is whole (its content matches its hash);
* the next run resumes from what was cached before the kill.

The injection points are the steps of ``harness.runs``: the cache write of
the first document (before it, after it), the rename of the staging
directory into place (before, after), and the registry insert (before, after).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from fault_tools import HELDOUT, KILLED, ROOT, assert_cache_entries_whole, assert_disk_and_index_agree, child_env, record_dirs, write_setup

from harness.cli import main
from harness.runs.record import read_record

#: Stops the child at one point of the write path; argv: point, setup, corpus, results.
CHILD = r"""
import os, sys
from pathlib import Path

point, setup, corpus, results = sys.argv[1:5]
KILLED = int(sys.argv[5])

from harness.runs.cache import PredictionCache
from harness.runs.registry import RunRegistry

def die():
    os._exit(KILLED)

real_put = PredictionCache.put
def put(self, key, doc_sha256, prediction):
    if point == "before-cache-write":
        die()
    real_put(self, key, doc_sha256, prediction)
    if point == "after-cache-write":
        die()
PredictionCache.put = put

real_rename = os.rename
def rename(src, dst, *args, **kwargs):
    if Path(src).name.startswith(".") and Path(dst).parent.name == "runs":
        if point == "before-rename":
            die()
        real_rename(src, dst, *args, **kwargs)
        if point == "after-rename":
            die()
        return None
    return real_rename(src, dst, *args, **kwargs)
os.rename = rename

real_add = RunRegistry.add_record
def add_record(self, record):
    if point == "before-registry-insert":
        die()
    row = real_add(self, record)
    if point == "after-registry-insert":
        die()
    return row
RunRegistry.add_record = add_record

from harness.cli import main
main(["run", setup, "--corpus", corpus, "--results", results])
sys.exit(0)
"""

DOCUMENTS = len(list((HELDOUT / "gold").glob("*.json")))

#: point -> (documents cached when the child died, was the record renamed into place).
POINTS = {
    "before-cache-write": (0, False),
    "after-cache-write": (1, False),
    "before-rename": (DOCUMENTS, False),
    "after-rename": (DOCUMENTS, True),
    "before-registry-insert": (DOCUMENTS, True),
    "after-registry-insert": (DOCUMENTS, True),
}


def killed_run(point: str, setup, results) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CHILD, point, str(setup), str(HELDOUT), str(results), str(KILLED)],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=ROOT,
        timeout=180,
    )


@pytest.mark.parametrize("point", list(POINTS))
def test_a_run_killed_while_writing_leaves_disk_and_index_agreeing_and_the_next_run_resumes(point, tmp_path, capsys):
    cached_before_kill, renamed = POINTS[point]
    setup = write_setup(tmp_path)
    results = tmp_path / "results"
    child = killed_run(point, setup, results)
    assert child.returncode == KILLED, child.stderr[-2000:]

    # What the kill left: whole records only, each listed (a record renamed but not indexed is indexed by the listing).
    assert len(record_dirs(results)) == (1 if renamed else 0)
    assert_disk_and_index_agree(results)
    assert assert_cache_entries_whole(results) == cached_before_kill
    staging = [p for p in (results / "runs").iterdir() if p.name.startswith(".")] if (results / "runs").is_dir() else []
    if point == "before-rename":
        assert len(staging) == 1  # the unrenamed staging directory stays, and is never listed as a run
        assert {f.name for f in staging[0].iterdir()} >= {"run.json", "metrics.json", "predictions.jsonl"}
    if renamed:  # the leaderboard shows the record the kill left, indexed or not
        (left,) = record_dirs(results)
        assert main(["leaderboard", "--results", str(results)]) == 0
        assert left in (results / "leaderboard.md").read_text(encoding="utf-8")
        capsys.readouterr()

    # The next run resumes from the cache and leaves one more whole, indexed record.
    assert main(["run", str(setup), "--corpus", str(HELDOUT), "--results", str(results)]) == 0
    capsys.readouterr()
    on_disk = record_dirs(results)
    assert len(on_disk) == (2 if renamed else 1)
    registry = assert_disk_and_index_agree(results)
    newest = read_record(results / "runs" / registry.list()[0].run_id)
    assert newest.run["timings"]["documents_cached"] == cached_before_kill
    assert newest.run["timings"]["documents_computed"] == DOCUMENTS - cached_before_kill
    assert assert_cache_entries_whole(results) == DOCUMENTS
    if renamed:
        (older,) = on_disk - {newest.run_id}
        killed = read_record(results / "runs" / older, with_results=True)
        assert killed.metrics == newest.metrics  # the record the kill left is the whole record of the same run
        assert json.loads((results / "runs" / older / "run.json").read_text(encoding="utf-8"))["run_id"] == older
