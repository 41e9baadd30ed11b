"""Every stored file damaged in turn: one line naming the file (exit 2), or the harness heals it.

The records are real runs of the rule baseline on the held-out articles.
Each test damages one file of a copy of them the way disks and editors do
(cut in the middle of a line, or overwritten with bytes that are not text)
and runs the commands that read it. The rule for a user: an error is one
line that names the damaged file, a warning says what was left out, and
nothing is dropped without a word.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fault_tools import HELDOUT, write_setup

from harness.cli import main
from harness.extractors.identity import cache_key
from harness.extractors.registry import create_extractor
from harness.runs.registry import RunRegistry

FILES = ("run.json", "config.json", "metrics.json", "predictions.jsonl", "documents.jsonl")
DAMAGES = ("cut", "bytes")


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """rules twice (A older, B newer) and rules-entities once, on the held-out articles."""
    base = tmp_path_factory.mktemp("corrupt")
    results = base / "results"
    rules = write_setup(base, "rules", batch_size=4)
    entities = base / "rules-entities.yaml"
    entities.write_text("setup: rules-entities\nextractor: rules\nparams: {claims: false}\n", encoding="utf-8")
    for setup in (rules, rules, entities):
        assert main(["run", str(setup), "--corpus", str(HELDOUT), "--results", str(results)]) == 0
    return results


@pytest.fixture
def results(made: Path, tmp_path: Path, capsys) -> Path:
    """A copy of the made results without the index (it is rebuilt from the copied records)."""
    capsys.readouterr()
    copy = tmp_path / "results"
    shutil.copytree(made, copy, ignore=shutil.ignore_patterns("runs.sqlite*"))
    return copy


def runs_of(results: Path, setup: str) -> list[Path]:
    """Record directories of one setup, oldest first."""
    return sorted(p for p in (results / "runs").iterdir() if p.is_dir() and p.name.split("Z-", 1)[1].startswith(f"{setup}-heldout"))


def damage(file: Path, how: str) -> None:
    data = file.read_bytes()
    file.write_bytes(data[: len(data) // 2] if how == "cut" else b"\xff\xfe\x00 not json \x9c" + data[:40])


def one_error_line(err: str, names: str) -> str:
    """The command printed exactly one ``error:`` line, naming ``names``, and no traceback."""
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, err
    assert names in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("how", DAMAGES)
@pytest.mark.parametrize("name", FILES)
def test_a_damaged_record_file_is_named_in_one_line_by_show_score_and_compare(results, name, how, capsys):
    a, b = runs_of(results, "rules")
    damage(a / name, how)
    assert main(["runs", "show", str(a), "--results", str(results)]) == 2
    one_error_line(capsys.readouterr().err, str(a / name))
    assert main(["compare", str(a), str(b), "--results", str(results)]) == 2
    one_error_line(capsys.readouterr().err, name)
    status = main(["score", str(a)])
    if name == "documents.jsonl":
        assert status == 0  # scoring again reads the predictions, not the stored results
        assert "metrics identical to the stored metrics.json" in capsys.readouterr().out
    else:
        assert status == 2
        one_error_line(capsys.readouterr().err, str(a / name))


def test_a_predictions_file_cut_at_a_line_end_is_refused_with_its_line_count(results, capsys):
    a, _ = runs_of(results, "rules")
    lines = (a / "predictions.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    (a / "predictions.jsonl").write_text("".join(lines[:-1]), encoding="utf-8")
    assert main(["score", str(a)]) == 2
    line = one_error_line(capsys.readouterr().err, str(a / "predictions.jsonl"))
    assert f"{len(lines) - 1} line(s) for the run's {len(lines)} documents" in line


@pytest.mark.parametrize("name", FILES)
def test_the_leaderboard_leaves_out_a_damaged_record_and_says_so_on_both_pages(results, name, capsys):
    _, newest = runs_of(results, "rules")
    damage(newest / name, "cut")
    assert main(["leaderboard", "--results", str(results)]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    warned = [line for line in err.splitlines() if line.startswith("warning:") and newest.name in line]
    assert len(warned) == 1 and name in warned[0] and "left out" in warned[0], err
    markdown = (results / "leaderboard.md").read_text(encoding="utf-8")
    page = (results / "leaderboard.html").read_text(encoding="utf-8")
    for text in (markdown, page):
        (said,) = [line for line in text.splitlines() if "Warning:" in line and newest.name in line]
        assert "left out" in said and name in said
    assert "| rules-entities |" in markdown  # the readable run is still shown


def test_a_record_damaged_before_it_was_indexed_is_listed_as_skipped(results, capsys):
    _, newest = runs_of(results, "rules")
    damage(newest / "metrics.json", "bytes")
    assert main(["runs", "list", "--results", str(results)]) == 0
    captured = capsys.readouterr()
    assert newest.name not in captured.out
    skipped = [line for line in captured.err.splitlines() if line.startswith("warning: skipped:")]
    assert len(skipped) == 1 and str(newest / "metrics.json") in skipped[0]


def test_a_damaged_cache_entry_is_not_served_but_recomputed_and_recorded(results, capsys):
    # An entry of the rules setup's own cache (the key hashes the code, so the order of the
    # two setups' cache directories changes with every edit of the extractor).
    entries = sorted((results / "cache" / cache_key(create_extractor("rules", {}))).glob("*.json"))
    damage(entries[0], "cut")
    setup = write_setup(results.parent, "rules", batch_size=4)
    assert main(["run", str(setup), "--corpus", str(HELDOUT), "--results", str(results)]) == 0
    err = capsys.readouterr().err
    rejected = [line for line in err.splitlines() if line.startswith("warning: cache entry not served:")]
    assert len(rejected) == 1 and str(entries[0]) in rejected[0]
    newest = sorted(runs_of(results, "rules"))[-1]
    run = json.loads((newest / "run.json").read_text(encoding="utf-8"))
    assert run["timings"]["documents_computed"] == 1 and len(run["cache_rejected"]) == 1
    json.loads(entries[0].read_text(encoding="utf-8"))  # written again, whole


@pytest.mark.parametrize("content", [b"this is not a database", b"SQLite format 3\x00" + b"\x00" * 50])
def test_a_damaged_index_is_kept_aside_and_rebuilt_by_the_next_listing(results, content, capsys):
    (results / "runs.sqlite").write_bytes(content)
    assert main(["runs", "list", "--results", str(results)]) == 0
    captured = capsys.readouterr()
    on_disk = {p.name for p in (results / "runs").iterdir()}
    assert all(name in captured.out for name in on_disk)
    (kept,) = results.glob("runs.sqlite.corrupt-*")
    assert kept.read_bytes() == content
    assert f"kept as {kept.name}" in captured.err and "Traceback" not in captured.err
    assert {row.run_id for row in RunRegistry(results / "runs.sqlite", results / "runs").list()} == on_disk
