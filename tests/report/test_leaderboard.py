"""The leaderboard pages built from real runs of the rule baseline (see conftest.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from harness.cli import main
from harness.report import leaderboard as leaderboard_module
from harness.report.html import render_html
from harness.report.leaderboard import build_leaderboard, select_runs, write_leaderboard
from harness.report.markdown import render_markdown
from harness.report.tables import leaderboard_tables

F1_WITH_INTERVAL = re.compile(r"^\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]$")


def markdown_rows(markdown: str, title: str) -> list[list[str]]:
    """The body rows of the Markdown table under ``## title``, split into cells."""
    section = markdown.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def note_for(board, higher: str, lower: str, metric: str):
    (note,) = [n for n in board.notes if (n.higher, n.lower, n.metric) == (higher, lower, metric)]
    return note


def test_one_row_per_setup_holding_the_latest_run_of_each(board, real_runs):
    latest = {row.setup: row.run_id for row in real_runs.registry.latest_per_setup(real_runs.corpus.gold_sha256)}
    assert sorted(e.setup for e in board.entries) == sorted(latest) == ["rules", "rules-entities", "rules-no-anchor"]
    assert {e.setup: e.run_id for e in board.entries} == latest
    markdown = render_markdown(board)
    for table in leaderboard_tables(board):
        rows = markdown_rows(markdown, table.title)
        setup_column = table.columns.index("setup")
        assert sorted(row[setup_column] for row in rows) == sorted(latest), table.title


def test_every_scored_f1_is_shown_with_the_interval_stored_in_metrics_json(board):
    markdown = render_markdown(board)
    for entry in board.entries:
        metrics = json.loads((Path(entry.row.path) / "metrics.json").read_text(encoding="utf-8"))
        (row,) = [r for r in markdown_rows(markdown, "Entities: F1 in the four modes") if r[0] == entry.name]
        for cell, mode in zip(row[1:5], ("strict", "exact", "partial", "type")):
            block = metrics["entities"][mode]
            assert F1_WITH_INTERVAL.match(cell)
            assert cell == f"{block['f1']:.3f} [{block['f1_ci'][0]:.3f}, {block['f1_ci'][1]:.3f}]"
        (row,) = [r for r in markdown_rows(markdown, "Claims: headline and slot F1") if r[0] == entry.name]
        if metrics["claims"] is None:
            assert set(row[1:]) == {"n/a"}
        else:
            slots = metrics["claims"]["slots"]
            blocks = [metrics["claims"], *(slots[s] for s in ("speaker", "quantity", "unit", "time", "location"))]
            for cell, block in zip(row[1:], blocks):
                assert cell == f"{block['f1']:.3f} [{block['f1_ci'][0]:.3f}, {block['f1_ci'][1]:.3f}]"


def test_rows_are_ranked_by_entity_strict_f1_then_claim_f1(board):
    keys = [(e.entities["strict"].value, e.claims.value if e.claims else -1.0) for e in board.entries]
    assert keys == sorted(keys, reverse=True)
    # Identical entities: the run without claims comes last.
    assert board.entries[-1].setup == "rules-entities"


def test_a_run_served_from_the_cache_shows_the_speed_of_the_run_that_computed(board, real_runs):
    (rules,) = [e for e in board.entries if e.setup == "rules"]
    runs = real_runs.registry.list(setup="rules")
    computed = [r for r in runs if r.documents_per_second is not None]
    assert rules.row.documents_per_second is None and len(computed) == 1
    assert rules.speed.per_second == computed[0].documents_per_second
    assert rules.speed.measured_in == computed[0].run_id
    (row,) = [r for r in markdown_rows(render_markdown(board), "Overview") if r[1] == "rules"]
    assert f"cached; measured in {computed[0].run_id}" in row[6]


def test_identical_entity_outputs_are_noted_as_not_significant(real_runs):
    # rules-entities is rules without claims: the very same entities.
    chosen = [real_runs.registry.list(setup=setup)[0].run_id for setup in ("rules-entities", "rules")]
    pair = build_leaderboard(select_runs(real_runs.registry, None, chosen), real_runs.registry, real_runs.corpus)
    (note,) = pair.notes
    assert (note.higher, note.lower, note.metric) == ("rules", "rules-entities", "entity strict F1")
    assert note.difference == 0.0 and note.p_value == 1.0 and note.tests == 1 and not note.significant
    assert note.text.startswith(
        "rules vs rules-entities: difference in entity strict F1 not significant (p=1.00, paired bootstrap over 5 documents;"
    )
    assert f"- {note.text}" in render_markdown(pair)


def test_two_setups_that_differ_by_chance_are_noted_as_not_significant(board):
    note = note_for(board, "rules", "rules-no-anchor", "claim F1")
    assert note.skipped is None and note.documents == 5
    assert not note.significant
    assert "rules vs rules-no-anchor: difference in claim F1 not significant" in note.text
    assert f"after Bonferroni over {note.tests} tests" in note.text


def test_claim_f1_is_not_tested_against_a_run_without_claims(board):
    assert not [n for n in board.notes if "rules-entities" in (n.higher, n.lower) and n.metric == "claim F1"]


def test_p_values_are_bonferroni_adjusted_over_every_test_of_the_board(board):
    tested = [n for n in board.notes if n.skipped is None]
    assert len(tested) == 3  # two neighbour pairs; claims only where both rows have them
    for note in tested:
        assert note.tests == 3
        assert note.p_adjusted == pytest.approx(min(1.0, 3 * note.p_value))


def test_markdown_says_how_to_read_the_intervals(board):
    markdown = render_markdown(board)
    assert "How to read: each F1 is followed by its 95% bootstrap interval [low, high]" in markdown
    assert "## Ranking notes" in markdown


def test_both_pages_are_written_through_the_atomic_writer(board, tmp_path, monkeypatch):
    written = []
    real_writer = leaderboard_module.write_text_atomic

    def recording_writer(path: Path, text: str) -> None:
        written.append(path)
        real_writer(path, text)

    monkeypatch.setattr(leaderboard_module, "write_text_atomic", recording_writer)
    markdown, page = write_leaderboard(board, tmp_path)
    assert written == [tmp_path / "leaderboard.md", tmp_path / "leaderboard.html"] == [markdown, page]
    assert markdown.read_text(encoding="utf-8") == render_markdown(board)


def test_a_page_that_fails_to_render_leaves_both_previous_pages_untouched(board, tmp_path, monkeypatch):
    (tmp_path / "leaderboard.md").write_text("old markdown", encoding="utf-8")
    (tmp_path / "leaderboard.html").write_text("old html", encoding="utf-8")

    def broken(_board):
        raise RuntimeError("template broke")

    monkeypatch.setattr("harness.report.html.render_html", broken)
    with pytest.raises(RuntimeError):
        write_leaderboard(board, tmp_path)
    assert (tmp_path / "leaderboard.md").read_text(encoding="utf-8") == "old markdown"
    assert (tmp_path / "leaderboard.html").read_text(encoding="utf-8") == "old html"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaderboard.html", "leaderboard.md"]


def test_the_same_runs_give_byte_identical_pages(board, real_runs):
    rows = select_runs(real_runs.registry, real_runs.corpus.gold_sha256)
    again = build_leaderboard(rows, real_runs.registry, real_runs.corpus)
    assert render_markdown(again) == render_markdown(board)
    assert render_html(again) == render_html(board)


def test_the_html_page_needs_no_network(board):
    page = render_html(board)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page
    assert not re.search(r"url\((?!#)", page)  # only references inside the page, e.g. url(#clip)
    assert page.count("<svg") == 2  # the two charts, inline
    assert 'dir="rtl" lang="ar"' in page and '<html lang="en" dir="ltr">' in page


def test_harness_leaderboard_writes_both_pages_and_honours_run(real_runs, tmp_path, capsys):
    results = real_runs.results
    assert main(["leaderboard", "--results", str(results)]) == 0
    out = capsys.readouterr().out
    assert "3 row(s): written" in out and "not significant" in out
    markdown = (results / "leaderboard.md").read_text(encoding="utf-8")
    assert len(markdown_rows(markdown, "Overview")) == 3

    chosen = real_runs.registry.list(setup="rules-entities")[0].run_id
    assert main(["leaderboard", "--results", str(results), "--run", chosen]) == 0
    assert "1 row(s): written" in capsys.readouterr().out
    markdown = (results / "leaderboard.md").read_text(encoding="utf-8")
    assert [row[-1] for row in markdown_rows(markdown, "Overview")] == [chosen]
    assert "One row only: nothing to compare." in markdown


def test_an_empty_registry_is_a_one_line_error(tmp_path, capsys):
    assert main(["leaderboard", "--results", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no runs on gold ") and "harness run configs/bench.yaml" in err
    assert not (tmp_path / "leaderboard.md").exists()


def test_a_conll_corpus_gets_a_leaderboard_without_claims(tmp_path, capsys):
    conll = tmp_path / "tiny.txt"
    conll.write_text("زار O\nالوزير O\nدمشق B-LOC\n\nقال O\nمحمد B-PERS\nالعلي I-PERS\n", encoding="utf-8")
    setup = tmp_path / "rules.yaml"
    setup.write_text("setup: rules\nextractor: rules\n", encoding="utf-8")
    options = ["--corpus", str(conll), "--label-map", "PERS=PER,LOC=LOC", "--results", str(tmp_path / "r")]
    assert main(["run", str(setup), *options]) == 0
    assert main(["leaderboard", *options]) == 0
    capsys.readouterr()
    markdown = (tmp_path / "r" / "leaderboard.md").read_text(encoding="utf-8")
    (row,) = markdown_rows(markdown, "Claims: headline and slot F1")
    assert row[0] == "rules" and set(row[1:]) == {"n/a"}
    page = (tmp_path / "r" / "leaderboard.html").read_text(encoding="utf-8")
    assert page.count('<details class="doc"') == 2 and "Claims were not scored for this row." in page
