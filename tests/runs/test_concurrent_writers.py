"""Several ``harness run`` processes writing into one results folder at once lose nothing.

They race to create the registry (SQLite in WAL mode), to write the same
cache entries, and to register their records; afterwards every process has
exited 0, every record is whole, distinct and indexed, and the cache holds
one whole entry per document.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

from fault_tools import HELDOUT, ROOT, assert_cache_entries_whole, assert_disk_and_index_agree, child_env, record_dirs, write_setup

from harness.runs.record import read_record, write_record

WRITERS = 3


def test_concurrent_runs_on_one_results_folder_each_leave_a_whole_indexed_record(tmp_path):
    setup = write_setup(tmp_path, batch_size=2)
    results = tmp_path / "results"
    command = [sys.executable, "-m", "harness.cli", "run", str(setup), "--corpus", str(HELDOUT), "--results", str(results)]
    children = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(), cwd=ROOT) for _ in range(WRITERS)]
    outputs = [child.communicate(timeout=300) for child in children]
    for child, (_, err) in zip(children, outputs):
        assert child.returncode == 0, err[-2000:]
        assert "Traceback" not in err
    on_disk = record_dirs(results)
    assert len(on_disk) == WRITERS
    registry = assert_disk_and_index_agree(results)
    assert len({row.run_id for row in registry.list()}) == WRITERS
    documents = len(list((HELDOUT / "gold").glob("*.json")))
    assert assert_cache_entries_whole(results) == documents
    metrics = {str(read_record(results / "runs" / name).metrics["entities"]) for name in on_disk}
    assert len(metrics) == 1  # the same run three times: the same scores


def test_a_record_whose_run_id_is_taken_is_written_under_the_next_free_name(tmp_path):
    setup = write_setup(tmp_path)
    results = tmp_path / "results"
    assert subprocess.run(
        [sys.executable, "-m", "harness.cli", "run", str(setup), "--corpus", str(HELDOUT), "--results", str(results)],
        capture_output=True, text=True, env=child_env(), cwd=ROOT, timeout=180,
    ).returncode == 0  # fmt: skip
    (name,) = record_dirs(results)
    record = read_record(results / "runs" / name, with_results=True)
    lines = record.prediction_json()
    # Another process (here: the same record written again) took the id first.
    again = write_record(results / "runs", replace(record, path=None, prediction_lines=lines))
    third = write_record(results / "runs", replace(record, path=None, prediction_lines=lines))
    assert (again.run_id, third.run_id) == (f"{name}-2", f"{name}-3")
    assert read_record(again.path).run["run_id"] == again.run_id
    assert record_dirs(results) == {name, f"{name}-2", f"{name}-3"}
    assert_disk_and_index_agree(results)
