"""The leaderboard pages built from real runs of the rule baseline on two tracks (see conftest.py),
and from records written here whose in-sample marking is chosen."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from harness.annotations import Annotations, Prediction
from harness.cli import main
from harness.common.paths import PROJECT_ROOT as ROOT
from harness.config import Ranking
from harness.corpus.load import Corpus, load_corpus
from harness.report import pages as pages_module
from harness.report.html import render_html
from harness.report.leaderboard import build_leaderboard, select_runs
from harness.report.markdown import render_markdown
from harness.report.pages import write_leaderboard
from harness.report.tables import IN_SAMPLE_MARK, leaderboard_tables
from harness.runs.record import InSample, RunRecord, prediction_to_json, write_record
from harness.runs.registry import RunRegistry
from harness.scoring.corpus import score_corpus
from harness.scoring.settings import IntervalSettings, ScoringSettings

HELDOUT = ROOT / "tests" / "data" / "heldout"
SETUPS = ["rules", "rules-entities", "rules-no-anchor"]
TRACKS = ["seeds", "heldout"]
F1_WITH_INTERVAL = re.compile(rf"^\d\.\d{{3}}( {IN_SAMPLE_MARK})? \[\d\.\d{{3}}, \d\.\d{{3}}\]$")


def table_title(board, key: str) -> str:
    (table,) = [t for t in leaderboard_tables(board) if t.key == key]
    return table.title


def markdown_rows(markdown: str, title: str) -> list[list[str]]:
    """The body rows of the Markdown table under ``## title``, split into cells."""
    section = markdown.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def html_table(page: str, key: str) -> str:
    return page.split(f'<table id="table-{key}"', 1)[1].split("</table>", 1)[0]


def metrics_of(run) -> dict:
    return json.loads((Path(run.row.path) / "metrics.json").read_text(encoding="utf-8"))


def shown(block: dict, in_sample: bool) -> str:
    mark = f" {IN_SAMPLE_MARK}" if in_sample else ""
    return f"{block['f1']:.3f}{mark} [{block['f1_ci'][0]:.3f}, {block['f1_ci'][1]:.3f}]"


# --- rows, tracks and cells ---------------------------------------------------------------


def test_one_row_per_setup_holding_the_latest_run_of_each_track(board, real_runs):
    latest = {(row.setup, row.track): row.run_id for row in real_runs.registry.latest_per_setup()}
    assert sorted(latest) == sorted((s, t) for s in SETUPS for t in TRACKS)
    assert sorted(row.name for row in board.rows) == SETUPS
    assert {(row.name, track): run.run_id for row in board.rows for track, run in row.runs.items()} == latest
    markdown = render_markdown(board)
    for table in leaderboard_tables(board):
        rows = markdown_rows(markdown, table.title)
        setup_column = table.columns.index("setup")
        if table.key == "overview":
            assert sorted(row[setup_column] for row in rows) == SETUPS
        elif table.key == "claims":  # only runs that scored claims
            assert sorted((row[0], row[1]) for row in rows) == sorted((s, t) for s in ("rules", "rules-no-anchor") for t in TRACKS)
        else:
            assert sorted((row[0], row[1]) for row in rows) == sorted(latest), table.title


def test_every_scored_f1_is_shown_with_the_interval_stored_in_metrics_json(board):
    markdown = render_markdown(board)
    entity_rows = markdown_rows(markdown, table_title(board, "entities"))
    claim_rows = markdown_rows(markdown, table_title(board, "claims"))
    for row in board.rows:
        for track, run in row.runs.items():
            metrics = metrics_of(run)
            marked = run.in_sample.marked
            (cells,) = [r for r in entity_rows if r[:2] == [row.name, track]]
            blocks = [metrics["entities"][mode] for mode in ("strict", "exact", "partial", "type")] + [metrics["entities"]["all_labels"]["strict"]]
            for cell, block in zip(cells[2:7], blocks):
                assert F1_WITH_INTERVAL.match(cell), cell
                assert cell == shown(block, marked)
            found = [r for r in claim_rows if r[:2] == [row.name, track]]
            if metrics["claims"] is None:
                assert found == []
                continue
            (cells,) = found
            claims = metrics["claims"]
            blocks = [
                claims["evidence"],
                claims["strict"],
                claims["strict"]["by_kind"]["fact"],
                claims["strict"]["by_kind"]["opinion"],
                *(claims["slots"][s] for s in ("speaker", "quantity", "unit", "time", "location")),
            ]
            assert len(cells) == 2 + len(blocks)
            for cell, block in zip(cells[2:], blocks):
                assert cell == shown(block, marked)


def test_the_overview_has_one_column_group_per_track_in_the_bench_order(board, real_runs):
    (overview,) = [t for t in leaderboard_tables(board) if t.key == "overview"]
    grouped = [c.split(": ", 1)[0] for c in overview.columns if ": " in c]
    assert grouped == ["seeds", "seeds", "heldout", "heldout"]  # contiguous, in the bench file's track order
    assert overview.columns[2:6] == ("seeds: entity strict F1", "seeds: claim strict F1", "heldout: entity strict F1", "heldout: claim strict F1")
    assert [t.name for t in board.tracks] == TRACKS
    page = render_html(board)
    assert all(f'<th scope="col">{c}</th>' in html_table(page, "overview") for c in overview.columns)
    markdown = render_markdown(board)
    for track, config in zip(board.tracks, real_runs.config.tracks):
        assert f"- Track {track.name}: {config.description} (corpus gold, {track.documents} documents, gold {track.gold_sha256[:12]})." in markdown
    (row,) = [r for r in markdown_rows(markdown, overview.title) if r[1] == "rules"]
    (rules,) = [r for r in board.rows if r.name == "rules"]
    for index, column in enumerate(overview.columns[2:6], start=2):
        track, what = column.split(": ", 1)
        block = metrics_of(rules.on(track))["entities"]["strict"] if what.startswith("entity") else metrics_of(rules.on(track))["claims"]["strict"]
        assert row[index] == shown(block, track == "seeds")


def test_in_sample_cells_are_marked_on_both_pages_and_out_of_sample_cells_are_not(board):
    assert all(row.on("seeds").in_sample.marked and not row.on("heldout").in_sample.marked for row in board.rows)
    markdown = render_markdown(board)
    for row in markdown_rows(markdown, table_title(board, "entities")):
        numbers = row[2:7]
        assert all((IN_SAMPLE_MARK in cell) == (row[1] == "seeds") for cell in numbers), row
    assert f"{IN_SAMPLE_MARK} in-sample: the extractor was built on (some of) this track's text" in markdown
    page = render_html(board)
    entity_html = html_table(page, "entities")
    for line in entity_html.split("<tr>")[2:]:
        track = re.findall(r"<td[^>]*>([^<]*)</td>", line)[1]
        cells = re.findall(r'<td class="num( in-sample)?"', line)
        assert cells and all(bool(marked) == (track == "seeds") for marked in cells), line
    assert f'<span class="mark-in-sample">{IN_SAMPLE_MARK}</span>' in entity_html
    runs_html = html_table(page, "runs")
    assert runs_html.count('class=" in-sample"') == len(board.rows)  # the "sample" cell of each seeds run


# --- ranking -------------------------------------------------------------------------------


def _ranking_key(row, track: str) -> tuple[float, float]:
    run = row.on(track)
    claims = run.score("claims.strict.f1").value
    return (claims if claims is not None else float("-inf"), run.score("entities.all_labels.strict.f1").value)


def test_rows_are_ranked_on_the_ranking_track_by_claim_strict_f1_then_entity_f1_over_all_labels(board):
    assert board.ranking == Ranking("heldout", ("claims.strict.f1", "entities.all_labels.strict.f1"))
    assert [row.rank for row in board.rows] == [1, 2, 3] and all(row.unranked is None for row in board.rows)
    keys = [_ranking_key(row, "heldout") for row in board.rows]
    assert keys == sorted(keys, reverse=True)
    assert board.rows[-1].name == "rules-entities"  # identical entities, no claims: last
    (overview,) = [t for t in leaderboard_tables(board) if t.key == "overview"]
    assert overview.title == "Overview (ranked on heldout by claims.strict.f1, entities.all_labels.strict.f1)"
    assert [cells[0].text for cells in overview.rows] == ["1", "2", "3"]


def test_a_ranking_track_on_which_every_row_is_in_sample_ranks_no_row(board, real_runs):
    on_seeds = build_leaderboard(select_runs(real_runs.registry), real_runs.registry, real_runs.config.tracks, Ranking("seeds"))
    assert [row.rank for row in on_seeds.rows] == [None, None, None]
    assert all(row.unranked.startswith("in-sample on the ranking track seeds (in-sample: 5 document(s) (100%)") for row in on_seeds.rows)
    assert on_seeds.notes == ()
    markdown = render_markdown(on_seeds)
    assert "- Fewer than two ranked rows: nothing to compare." in markdown
    for row in markdown_rows(markdown, table_title(on_seeds, "overview")):
        assert row[0].startswith("– (in-sample on the ranking track seeds")


def make_record(runs_dir: Path, name: str, corpus: Corpus, edit, in_sample: InSample = InSample(), started_at: str = "2026-01-01T00:00:00+00:00") -> Path:
    """A run record on ``corpus`` (track heldout) whose predictions are ``edit(gold)``, scored for real."""
    predictions = [Prediction(g.document.doc_id, edit(g)) for g in corpus.documents]
    settings = ScoringSettings(intervals=IntervalSettings(seed=3, resamples=100))
    scored = score_corpus(corpus.documents, predictions, settings)
    run = {
        "run_id": name,
        "setup": name,
        "track": "heldout",
        "extractor": {"name": name, "version": "1", "entity_labels": list(corpus.labels), "emits_claims": True, "fingerprint_hash": name},
        "config_hash": name,
        "corpus": {"name": corpus.name, "source": corpus.source, "spec": {"path": corpus.source}, "documents": len(corpus.documents)},
        "gold_sha256": corpus.gold_sha256,
        "in_sample": in_sample.to_json(),
        "scoring": settings.to_dict(),
        "started_at": started_at,
        "timings": {"documents_per_second": 1.0},
    }
    config = {"settings": {"seed": 3, "resamples": 100, "level": 0.95}}
    lines = tuple(prediction_to_json(p, g.document.sha256, cached=False) for p, g in zip(predictions, corpus.documents))
    record = write_record(runs_dir, RunRecord(name, run, config, scored.metrics, results=scored.results, prediction_lines=lines))
    assert record.path is not None
    return record.path


@pytest.fixture
def crafted(tmp_path) -> RunRegistry:
    """Three setups on heldout: the best one in-sample there (its prompt examples came from one article)."""
    corpus = load_corpus(HELDOUT)
    runs = tmp_path / "results" / "runs"
    seen = InSample(("one held-out article",), 1, 0.25)
    make_record(runs, "perfect-but-seen", corpus, lambda g: g.gold, in_sample=seen)
    make_record(runs, "half", corpus, lambda g: replace(g.gold, entities=g.gold.entities[::2], claims=g.gold.claims[::2]))
    make_record(runs, "nothing", corpus, lambda g: Annotations(g.document.doc_id))
    return RunRegistry(tmp_path / "results" / "runs.sqlite", runs)


def test_a_row_in_sample_on_the_ranking_track_is_listed_unranked_after_the_ranked_rows(crafted):
    board = build_leaderboard(select_runs(crafted), crafted, (), Ranking("heldout"))
    assert [(row.name, row.rank) for row in board.rows] == [("half", 1), ("nothing", 2), ("perfect-but-seen", None)]
    (seen,) = [row for row in board.rows if row.rank is None]
    assert seen.unranked == "in-sample on the ranking track heldout (in-sample: 1 document(s) (25%) from one held-out article)"
    assert seen.on("heldout").score("claims.strict.f1").value == 1.0  # the best score: left out of the ranking all the same
    (note,) = board.notes
    assert (note.higher, note.lower) == ("half", "nothing")
    markdown = render_markdown(board)
    (row,) = [r for r in markdown_rows(markdown, table_title(board, "overview")) if r[1] == "perfect-but-seen"]
    assert row[0] == f"– ({seen.unranked})" and row[2].startswith(f"1.000 {IN_SAMPLE_MARK} [")
    assert '<td class="num in-sample"' in html_table(render_html(board), "overview")


# --- speed ---------------------------------------------------------------------------------


def test_a_run_served_from_the_cache_shows_the_speed_of_the_run_that_computed_on_the_same_track(board, real_runs):
    (rules,) = [row for row in board.rows if row.name == "rules"]
    for track in TRACKS:
        run = rules.on(track)
        computed = [r for r in real_runs.registry.list(setup="rules", track=track) if r.documents_per_second is not None]
        assert run.row.documents_per_second is None and len(computed) == 1
        assert run.speed.per_second == computed[0].documents_per_second
        assert run.speed.measured_in == computed[0].run_id
    measured_on_heldout = rules.on("heldout").speed.measured_in
    (row,) = [r for r in markdown_rows(render_markdown(board), table_title(board, "overview")) if r[1] == "rules"]
    assert f"cached; measured in {measured_on_heldout}" in row[-1]  # the overview's speed is the ranking track's


# --- ranking notes -------------------------------------------------------------------------


def test_identical_entity_outputs_are_noted_as_not_significant(real_runs):
    # rules-entities is rules without claims: the very same entities; on the ranking track they share only entity metrics.
    chosen = [real_runs.registry.list(setup=setup, track="heldout")[0].run_id for setup in ("rules-entities", "rules")]
    pair = build_leaderboard(select_runs(real_runs.registry, chosen), real_runs.registry, real_runs.config.tracks, real_runs.config.ranking)
    (note,) = pair.notes
    assert (note.higher, note.lower, note.metric) == ("rules", "rules-entities", "entity strict F1, all labels on heldout")
    assert note.test.difference == 0.0 and note.test.p_value == 1.0 and note.tests == 1 and not note.significant
    assert note.text.startswith(
        "rules vs rules-entities: difference in entity strict F1, all labels on heldout cannot be significant: "
        "the smallest p this test can honestly give here is 0.0625 (5 documents, 32 rounds)"
    )
    assert f"- {note.text}" in render_markdown(pair)


def test_two_setups_that_differ_by_chance_are_noted_as_not_significant(board):
    (note,) = [n for n in board.notes if {n.higher, n.lower} == {"rules", "rules-no-anchor"}]
    assert note.skipped is None and note.metric == "claim strict F1 on heldout"
    assert note.test.documents == 5 and note.test.smallest_p_value == 2 / 32
    assert not note.significant
    assert f"{note.higher} vs {note.lower}: difference in claim strict F1 on heldout cannot be significant" in note.text
    assert f"after Bonferroni over {note.tests} tests" in note.text


def test_claim_f1_is_not_tested_against_a_run_without_claims(board):
    (note,) = [n for n in board.notes if "rules-entities" in (n.higher, n.lower)]
    assert note.metric == "entity strict F1, all labels on heldout"


def test_p_values_are_bonferroni_adjusted_over_every_test_of_the_board(board):
    tested = [n for n in board.notes if n.skipped is None]
    assert len(tested) == 2  # two neighbour pairs, one test each on the ranking metric they share
    for note in tested:
        assert note.tests == 2
        assert note.verdict.p_adjusted == pytest.approx(min(1.0, 2 * note.test.p_value))


def test_markdown_says_how_to_read_the_intervals(board):
    markdown = render_markdown(board)
    assert "How to read: each F1 is followed by its 95% bootstrap interval [low, high]" in markdown
    assert "exact permutation test" in markdown
    assert "## Ranking notes" in markdown


# --- writing the pages -------------------------------------------------------------------------


def test_both_pages_are_written_through_the_atomic_writer(board, tmp_path, monkeypatch):
    written = []
    real_writer = pages_module.write_text_atomic

    def recording_writer(path: Path, text: str) -> None:
        written.append(path)
        real_writer(path, text)

    monkeypatch.setattr(pages_module, "write_text_atomic", recording_writer)
    markdown, page = write_leaderboard(board, tmp_path)
    assert written == [tmp_path / "leaderboard.md", tmp_path / "leaderboard.html"] == [markdown, page]
    assert markdown.read_text(encoding="utf-8") == render_markdown(board)


def test_a_page_that_fails_to_render_leaves_both_previous_pages_untouched(board, tmp_path, monkeypatch):
    (tmp_path / "leaderboard.md").write_text("old markdown", encoding="utf-8")
    (tmp_path / "leaderboard.html").write_text("old html", encoding="utf-8")

    def broken(_board):
        raise RuntimeError("template broke")

    monkeypatch.setattr("harness.report.pages.render_html", broken)
    with pytest.raises(RuntimeError):
        write_leaderboard(board, tmp_path)
    assert (tmp_path / "leaderboard.md").read_text(encoding="utf-8") == "old markdown"
    assert (tmp_path / "leaderboard.html").read_text(encoding="utf-8") == "old html"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaderboard.html", "leaderboard.md"]


def test_the_same_runs_give_byte_identical_pages(board, real_runs):
    again = build_leaderboard(select_runs(real_runs.registry), real_runs.registry, real_runs.config.tracks, real_runs.config.ranking)
    assert render_markdown(again) == render_markdown(board)
    assert render_html(again) == render_html(board)


def test_the_html_page_needs_no_network(board):
    page = render_html(board)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page
    assert not re.search(r"url\((?!#)", page)  # only references inside the page, e.g. url(#clip)
    assert page.count("<svg") == 2  # the two charts, inline
    assert 'dir="rtl" lang="ar"' in page and '<html lang="en" dir="ltr">' in page


# --- the command -------------------------------------------------------------------------------


def test_harness_leaderboard_writes_both_pages_and_honours_run(real_runs, capsys):
    results = real_runs.results
    assert main(["leaderboard", "--results", str(results), "--bench", str(real_runs.bench)]) == 0
    out = capsys.readouterr().out
    assert "3 row(s) on 2 track(s): written" in out and "cannot be significant" in out
    markdown = (results / "leaderboard.md").read_text(encoding="utf-8")
    assert len(markdown_rows(markdown, "Overview (ranked on heldout by claims.strict.f1, entities.all_labels.strict.f1)")) == 3

    chosen = real_runs.registry.list(setup="rules-entities", track="heldout")[0].run_id
    assert main(["leaderboard", "--results", str(results), "--bench", str(real_runs.bench), "--run", chosen]) == 0
    assert "1 row(s) on 1 track(s): written" in capsys.readouterr().out
    markdown = (results / "leaderboard.md").read_text(encoding="utf-8")
    assert [row[-1] for row in markdown_rows(markdown, "Runs")] == [chosen]
    assert "Fewer than two ranked rows: nothing to compare." in markdown


def _no_scoring(*args, **kwargs):
    raise AssertionError("a document was scored again")


def forbid_scoring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any scoring of a document fail: the function, and the name harness.scoring.corpus bound at import."""
    monkeypatch.setattr("harness.scoring.document.score_document", _no_scoring)
    monkeypatch.setattr("harness.scoring.corpus.score_document", _no_scoring)


def test_harness_leaderboard_reads_the_stored_results_and_scores_nothing_again(real_runs, monkeypatch, capsys):
    forbid_scoring(monkeypatch)
    assert main(["leaderboard", "--results", str(real_runs.results), "--bench", str(real_runs.bench)]) == 0
    assert "3 row(s) on 2 track(s)" in capsys.readouterr().out


def test_a_record_without_stored_results_is_scored_once_and_named_in_a_warning(crafted, monkeypatch):
    (Path(crafted.get("half").path) / "documents.jsonl").unlink()  # as a record of metrics schema 1
    board = build_leaderboard(select_runs(crafted), crafted, (), Ranking("heldout"))
    assert any("run half keeps no per-document results (metrics schema 1); scored from its predictions" in w for w in board.warnings)
    assert [(row.name, row.rank) for row in board.rows] == [("half", 1), ("nothing", 2), ("perfect-but-seen", None)]
    forbid_scoring(monkeypatch)  # the same patch that lets stored results through stops this record
    with pytest.raises(AssertionError, match="scored again"):
        build_leaderboard(select_runs(crafted), crafted, (), Ranking("heldout"))


def test_an_empty_registry_is_a_one_line_error(tmp_path, capsys):
    assert main(["leaderboard", "--results", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no runs in the registry;") and "harness run configs/bench.yaml" in err
    assert err.count("\n") == 1
    assert not (tmp_path / "leaderboard.md").exists()


def test_a_bench_file_named_with_bench_that_does_not_exist_is_a_one_line_error(real_runs, tmp_path, capsys):
    missing = tmp_path / "no-such-bench.yaml"
    assert main(["leaderboard", "--results", str(tmp_path / "results"), "--bench", str(missing)]) == 2
    assert capsys.readouterr().err == f"error: {missing}: (file): cannot read: No such file or directory\n"


def test_a_conll_track_gets_a_leaderboard_without_claims(tmp_path, capsys):
    conll = tmp_path / "tiny.txt"
    conll.write_text("زار O\nالوزير O\nدمشق B-LOC\n\nقال O\nمحمد B-PERS\nالعلي I-PERS\n", encoding="utf-8")
    (tmp_path / "rules.yaml").write_text("setup: rules\nextractor: rules\n", encoding="utf-8")
    bench = tmp_path / "bench.yaml"
    bench.write_text(
        "setups: [rules.yaml]\ntracks:\n  - {name: tiny, corpus: tiny.txt, label_map: 'PERS=PER,LOC=LOC'}\n", encoding="utf-8"
    )
    options = ["--results", str(tmp_path / "r")]
    assert main(["run", str(bench), *options]) == 0
    assert main(["leaderboard", *options, "--bench", str(bench)]) == 0
    capsys.readouterr()
    markdown = (tmp_path / "r" / "leaderboard.md").read_text(encoding="utf-8")
    (row,) = markdown_rows(markdown, "Overview (ranked on tiny by claims.strict.f1, entities.all_labels.strict.f1)")
    assert row[:2] == ["1", "rules"] and row[3] == "n/a"  # tiny: claim strict F1 not scored
    assert markdown_rows(markdown, "Claims: F1 per mode (strict is the headline), per kind, and per slot") == []
    page = (tmp_path / "r" / "leaderboard.html").read_text(encoding="utf-8")
    assert page.count('<details class="doc"') == 2 and "Claims were not scored for this row." in page


def count_scoring(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count every document scored from now on (the real scorer still runs): the ids, in call order."""
    from harness.scoring import document as document_module

    real = document_module.score_document
    calls: list[str] = []

    def counted(gold, prediction, settings):
        calls.append(gold.document.doc_id)
        return real(gold, prediction, settings)

    monkeypatch.setattr("harness.scoring.document.score_document", counted)
    monkeypatch.setattr("harness.scoring.corpus.score_document", counted)
    return calls


def test_leaderboard_ranking_notes_and_compare_over_stored_runs_call_the_scorer_zero_times(real_runs, monkeypatch, capsys):
    calls = count_scoring(monkeypatch)
    stored = real_runs.registry.latest_per_setup()
    assert len(stored) == 6
    assert main(["leaderboard", "--results", str(real_runs.results), "--bench", str(real_runs.bench)]) == 0
    out = capsys.readouterr().out
    assert "3 row(s) on 2 track(s)" in out
    # The ranking notes were tested (a paired test per pair of neighbours), from the stored results.
    config = real_runs.config
    board = build_leaderboard(select_runs(real_runs.registry), real_runs.registry, config.tracks, config.ranking)
    assert len(board.notes) == 2 and all(note.test is not None for note in board.notes)
    # harness compare on two stored runs: every shared metric tested, the per-document diff read from the alignments.
    rules, no_anchor = (real_runs.registry.list(setup=s, track="heldout")[0].run_id for s in ("rules", "rules-no-anchor"))
    assert main(["compare", rules, no_anchor, "--results", str(real_runs.results)]) == 0
    compared = capsys.readouterr().out
    assert "claims.strict.f1 " in compared and "per document (A -> B):" in compared
    assert calls == []
    # The counter does see scoring: re-scoring one run scores each of its documents once.
    run = real_runs.registry.get(rules)
    assert main(["score", run.path]) == 0
    capsys.readouterr()
    assert len(calls) == run.documents == 5
