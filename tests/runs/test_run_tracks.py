"""`harness run` on a bench file with tracks: every setup on every track, one record each.

Real runs of the rule baseline on two of the test corpora (the held-out
articles and the hand-made example), written into a temporary results
directory.
"""

from __future__ import annotations

import json
from pathlib import Path

from harness.cli import main
from harness.common.paths import PROJECT_ROOT as ROOT
from harness.common.paths import portable
from harness.config import load_run_config
from harness.runs.record import read_record
from harness.runs.registry import RunRegistry
from harness.runs.run import run_config

HELDOUT = ROOT / "tests" / "data" / "heldout"
EXAMPLE = ROOT / "tests" / "data" / "example"


def write_bench(directory: Path, tracks: str, setups: str = "[rules.yaml, rules-entities.yaml]") -> Path:
    """Two rule setups (with and without claims) and the given ``tracks:`` block."""
    (directory / "rules.yaml").write_text("setup: rules\nextractor: rules\nbatch_size: 4\n", encoding="utf-8")
    (directory / "rules-entities.yaml").write_text(
        "setup: rules-entities\nextractor: rules\nbatch_size: 4\nparams: {claims: false}\n", encoding="utf-8"
    )
    bench = directory / "bench.yaml"
    bench.write_text(f"setups: {setups}\n{tracks}bootstrap: {{resamples: 50}}\n", encoding="utf-8")
    return bench


TWO_TRACKS = f"""tracks:
  - name: heldout
    corpus: {HELDOUT}
    description: articles written for the tests
  - name: example
    corpus: {EXAMPLE}
"""


def test_a_bench_with_two_tracks_runs_every_setup_on_every_track_and_each_record_names_its_track(tmp_path, capsys):
    bench = write_bench(tmp_path, TWO_TRACKS)
    results = tmp_path / "results"
    assert main(["run", str(bench), "--results", str(results)]) == 0
    out = capsys.readouterr().out
    records = [read_record(path) for path in sorted((results / "runs").iterdir())]
    assert sorted((r.setup, r.track) for r in records) == [
        ("rules", "example"),
        ("rules", "heldout"),
        ("rules-entities", "example"),
        ("rules-entities", "heldout"),
    ]
    for record in records:
        corpus = HELDOUT if record.track == "heldout" else EXAMPLE
        assert record.run["corpus"]["spec"] == {"path": portable(corpus)}
        assert record.config["track"]["name"] == record.track
        assert record.metrics["documents"] == (4 if record.track == "heldout" else 1)
        assert record.track in record.run_id
        assert f"{record.setup} on {record.track}:" in out
    assert {r.config["track"]["description"] for r in records if r.track == "heldout"} == {"articles written for the tests"}
    rows = RunRegistry(results / "runs.sqlite", results / "runs").list()
    assert sorted((row.setup, row.track) for row in rows) == sorted((r.setup, r.track) for r in records)


def test_a_track_that_lists_setups_runs_only_those(tmp_path):
    tracks = TWO_TRACKS.replace("    corpus: " + str(EXAMPLE) + "\n", "    corpus: " + str(EXAMPLE) + "\n    setups: [rules-entities]\n")
    config = load_run_config(write_bench(tmp_path, tracks))
    outcomes, skipped = run_config(config, tmp_path / "results", ROOT)
    assert sorted((o.setup, o.track) for o in outcomes) == [("rules", "heldout"), ("rules-entities", "example"), ("rules-entities", "heldout")]
    assert skipped == []


def test_track_selects_one_track_of_the_bench_and_an_unknown_track_is_a_one_line_error(tmp_path, capsys):
    bench = write_bench(tmp_path, TWO_TRACKS, setups="[rules.yaml]")
    results = tmp_path / "results"
    assert main(["run", str(bench), "--track", "example", "--results", str(results)]) == 0
    (record,) = (results / "runs").iterdir()
    assert read_record(record).track == "example"
    capsys.readouterr()
    assert main(["run", str(bench), "--track", "nope", "--results", str(results)]) == 2
    assert "tracks: no track named 'nope' (tracks: example, heldout)" in capsys.readouterr().err


def test_an_optional_track_whose_corpus_is_absent_is_skipped_with_the_reason(tmp_path, capsys):
    absent = tmp_path / "not-here" / "dev.txt"
    tracks = TWO_TRACKS + f"  - name: third-party\n    corpus: {absent}\n    label_map: PERS=PER\n    optional: true\n"
    bench = write_bench(tmp_path, tracks, setups="[rules.yaml]")
    results = tmp_path / "results"
    assert main(["run", str(bench), "--results", str(results)]) == 0
    out = capsys.readouterr().out
    assert f"track third-party skipped: {absent} is not on this machine" in out
    assert sorted(read_record(p).track for p in (results / "runs").iterdir()) == ["example", "heldout"]


def test_a_required_track_whose_corpus_is_absent_stops_the_run_naming_the_path(tmp_path, capsys):
    absent = tmp_path / "not-here"
    bench = write_bench(tmp_path, f"tracks:\n  - name: gone\n    corpus: {absent}\n", setups="[rules.yaml]")
    assert main(["run", str(bench), "--results", str(tmp_path / "results")]) == 2
    assert f"{absent}: no such corpus" in capsys.readouterr().err
    assert not (tmp_path / "results" / "runs").exists()


def test_the_bench_settings_are_recorded_with_each_run(tmp_path):
    bench = write_bench(tmp_path, TWO_TRACKS.replace("tracks:", "scoring: {min_overlap: 0.5}\ntracks:"), setups="[rules.yaml]")
    outcomes, _ = run_config(load_run_config(bench), tmp_path / "results", ROOT)
    for outcome in outcomes:
        record = read_record(outcome.record_dir)
        assert record.run["scoring"]["min_overlap"] == 0.5 and record.metrics["scoring"]["min_overlap"] == 0.5
        assert record.config["settings"] == {"seed": 13, "resamples": 50, "level": 0.95, "min_overlap": 0.5}
        assert json.loads((outcome.record_dir / "metrics.json").read_text(encoding="utf-8"))["bootstrap"]["resamples"] == 50

