"""The corpus options of the command line: ``--format``, ``--option KEY=VALUE`` and the CoNLL flags as aliases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.cli import main
from harness.common.paths import PROJECT_ROOT as ROOT
from harness.runs.record import read_record

EXAMPLE = ROOT / "tests" / "data" / "example"
RULES = ROOT / "configs" / "rules.yaml"

#: Three sentences written for these tests, ANERcorp's labels.
CONLL = "كريم B-PERS\nسالم I-PERS\nزار O\nدمشق B-LOC\n\nعاد O\nفادي B-PERS\n\nسافرت O\nهدى B-PERS\nإلى O\nعمان B-LOC\n"


@pytest.fixture
def conll(tmp_path: Path) -> Path:
    path = tmp_path / "names.txt"
    path.write_text(CONLL, encoding="utf-8")
    return path


def _error_line(err: str) -> str:
    assert "Traceback" not in err
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]
    return line


def test_a_format_option_on_the_command_line_reaches_the_corpus_and_the_record(conll, tmp_path, capsys):
    results = tmp_path / "r"
    args = ["run", str(RULES), "--corpus", str(conll), "--format", "conll", "--option", "sentences=1:", "--label-map", "PERS=PER,LOC=LOC", "--results", str(results)]
    assert main(args) == 0
    capsys.readouterr()
    (record_dir,) = (results / "runs").iterdir()
    record = read_record(record_dir)
    assert record.run["corpus"]["spec"] == {"path": str(conll), "format": "conll", "sentences": "1:", "label_map": "PERS=PER,LOC=LOC"}
    assert record.metrics["documents"] == 2  # the first of three sentences left out


def test_options_given_for_a_format_that_lacks_them_fail_in_one_line_naming_the_option(tmp_path, capsys):
    assert main(["run", str(RULES), "--corpus", str(EXAMPLE), "--passage-tokens", "8", "--results", str(tmp_path / "r")]) == 2
    line = _error_line(capsys.readouterr().err)
    assert "gold-dir option passage_tokens: not an option of the gold-dir format" in line and "conll format" in line
    assert not (tmp_path / "r" / "runs").exists() or not list((tmp_path / "r" / "runs").iterdir())


@pytest.mark.parametrize(
    ("extra", "names"),
    [
        (("--option", "sentences"), ("--option 'sentences'", "KEY=VALUE")),
        (("--format", "xml"), ("unknown corpus format 'xml'", "conll, gold-dir, jsonl")),
        (("--option", "passage_tokens=0"), ("conll option passage_tokens", "must be at least 1")),
    ],
)
def test_a_bad_format_or_option_is_refused_in_one_line(conll, tmp_path, capsys, extra, names):
    assert main(["run", str(RULES), "--corpus", str(conll), *extra, "--results", str(tmp_path / "r")]) == 2
    line = _error_line(capsys.readouterr().err)
    for name in names:
        assert name in line


def test_export_jsonl_writes_a_conll_file_as_entity_only_records(conll, tmp_path, capsys):
    out = tmp_path / "names.jsonl"
    assert main(["export-jsonl", "--corpus", str(conll), "--label-map", "PERS=PER,LOC=LOC", "--out", str(out)]) == 0
    assert "3 document(s)" in capsys.readouterr().out
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in records] == ["كريم سالم زار دمشق", "عاد فادي", "سافرت هدى إلى عمان"]
    assert all("claims" not in r for r in records)
    assert [(e["label"], e["text"]) for e in records[0]["entities"]] == [("PER", "كريم سالم"), ("LOC", "دمشق")]
