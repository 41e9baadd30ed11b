"""Config files: valid ones resolve; broken ones fail naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.common.paths import PROJECT_ROOT as ROOT
from harness.config import (
    DEFAULT_RANKING_METRICS,
    ConfigError,
    Ranking,
    config_hash,
    load_run_config,
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_project_bench_config_resolves_its_setups_tracks_and_ranking():
    config = load_run_config(ROOT / "configs" / "bench.yaml")
    assert [s.setup for s in config.setups][0] == "rules"
    assert config.settings.resamples == 1000 and config.settings.level == 0.95
    assert [(t.name, t.corpus.path) for t in config.tracks] == [
        ("seeds", ROOT),
        ("heldout", ROOT / "tests" / "data" / "heldout"),
        ("heldout-b", ROOT / "tests" / "data" / "heldout-b"),
    ]
    assert config.ranking == Ranking("heldout-b", ("claims.strict.f1", "entities.all_labels.strict.f1"))


def test_a_single_setup_file_runs_with_default_settings(tmp_path):
    path = write(tmp_path, "one.yaml", "setup: a\nextractor: rules\n")
    config = load_run_config(path)
    assert config.setups[0].extractor == "rules" and config.setups[0].batch_size == 8


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ("setup: a\n", "extractor", "missing key"),
        ("setup: a\nextractor: rules\nbatch_size: 0\n", "batch_size", "must be at least 1"),
        ("setup: a\nextractor: rules\nbatch_size: many\n", "batch_size", "expected int"),
        ("setup: a\nextractor: rules\nparms: {}\n", "parms", "unknown key"),
        ("setup: [a\n", "line 2", "not valid YAML"),
        ("- a\n- b\n", "(top level)", "expected a mapping"),
    ],
)
def test_broken_setup_names_file_and_key(tmp_path, text, key, message):
    path = write(tmp_path, "bad.yaml", text)
    with pytest.raises(ConfigError) as info:
        load_run_config(path)
    assert str(info.value).startswith(f"{path}: {key}: ")
    assert message in str(info.value)


def test_bench_errors_name_the_nested_key(tmp_path):
    write(tmp_path, "a.yaml", "setup: a\nextractor: rules\n")
    bench = write(tmp_path, "bench.yaml", "setups: [a.yaml]\nbootstrap: {level: 1.5}\n")
    with pytest.raises(ConfigError, match=r"bench.yaml: bootstrap.level: must be between 0 and 1"):
        load_run_config(bench)
    bench = write(tmp_path, "bench.yaml", "setups: [a.yaml, missing.yaml]\n")
    with pytest.raises(ConfigError, match=r"setups\[1\]: no such file"):
        load_run_config(bench)
    bench = write(tmp_path, "bench.yaml", "setups: [a.yaml, a.yaml]\n")
    with pytest.raises(ConfigError, match="two setups are named 'a'"):
        load_run_config(bench)


def test_config_hash_changes_with_params_and_settings_but_not_with_the_file_path(tmp_path):
    a = load_run_config(write(tmp_path, "a.yaml", "setup: s\nextractor: rules\nparams: {k: 1}\n"))
    b = load_run_config(write(tmp_path, "b.yaml", "setup: s\nextractor: rules\nparams: {k: 1}\n"))
    c = load_run_config(write(tmp_path, "c.yaml", "setup: s\nextractor: rules\nparams: {k: 2}\n"))
    assert config_hash(a.setups[0], a.settings) == config_hash(b.setups[0], b.settings)
    assert config_hash(a.setups[0], a.settings) != config_hash(c.setups[0], c.settings)


def test_a_bench_without_tracks_scores_on_the_default_track_and_ranks_nothing_by_itself(tmp_path):
    write(tmp_path, "a.yaml", "setup: a\nextractor: rules\n")
    config = load_run_config(write(tmp_path, "bench.yaml", "setups: [a.yaml]\nscoring: {min_overlap: 0.25}\n"))
    assert config.tracks == () and config.ranking is None
    assert config.settings.min_overlap == 0.25


def test_tracks_resolve_relative_to_the_bench_file_with_their_conll_options(tmp_path):
    write(tmp_path, "a.yaml", "setup: a\nextractor: rules\n")
    write(tmp_path, "b.yaml", "setup: b\nextractor: rules\n")
    bench = write(
        tmp_path,
        "bench.yaml",
        "setups: [a.yaml, b.yaml]\ntracks:\n"
        "  - {name: dev, corpus: data/dev.txt, label_map: 'PERS=PER', passage_tokens: 64, convention: anercorp, setups: [b], optional: true}\n"
        "ranking: {track: dev}\n",
    )
    (track,) = load_run_config(bench).tracks
    assert track.corpus.path == tmp_path / "data" / "dev.txt"
    assert track.corpus.format is None  # detected when read
    assert dict(track.corpus.options) == {"label_map": "PERS=PER", "passage_tokens": 64, "convention": "anercorp"}
    assert track.optional and track.setups == ("b",) and track.runs("b") and not track.runs("a")
    assert load_run_config(bench).ranking == Ranking("dev", DEFAULT_RANKING_METRICS)


@pytest.mark.parametrize(
    ("tracks", "key", "message"),
    [
        ("ranking: {track: nowhere}\n", "ranking.track", "no track named 'nowhere' (tracks: seeds)"),
        ("tracks: [{name: heldout, corpus: .}]\nranking: {track: seeds}\n", "ranking.track", "no track named 'seeds' (tracks: heldout)"),
        ("tracks: [{name: t, corpus: .}]\nranking: {track: t, metrics: []}\n", "ranking.metrics", "expected a list of metrics.json paths"),
        ("tracks: [{name: t, corpus: .}]\nranking: {track: t, by: x}\n", "ranking.by", "unknown key"),
        ("tracks: []\n", "tracks", "lists no track"),
        ("tracks: [{name: t, corpus: .}, {name: t, corpus: ./}]\n", "tracks", "two tracks are named 't'"),
        ("tracks: [{name: 'a/b', corpus: .}]\n", "tracks[0].name", "expected a short name without slashes"),
        ("tracks: [{name: t}]\n", "tracks[0].corpus", "missing key"),
        ("tracks: [{name: t, corpus: ., setups: [zz]}]\n", "tracks[0].setups[0]", "no setup named 'zz'"),
        ("tracks: [{name: t, corpus: dev.txt, passage_tokens: 0}]\n", "tracks[0].passage_tokens", "must be at least 1"),
        ("tracks: [{name: t, corpus: ., format: conll, passage_tokens: 0}]\n", "tracks[0].passage_tokens", "must be at least 1"),
        ("tracks: [{name: t, corpus: ., labels: x}]\n", "tracks[0].labels", "not an option of the gold-dir format"),
        ("tracks: [{name: t, corpus: ., passage_tokens: 4}]\n", "tracks[0].passage_tokens", "an option of the conll format"),
        ("tracks: [{name: t, corpus: ., format: xml}]\n", "tracks[0].format", "unknown corpus format 'xml'; available: conll, gold-dir, jsonl"),
        ("scoring: {min_overlap: 2}\n", "scoring.min_overlap", "must be between 0 and 1"),
    ],
)
def test_broken_tracks_and_ranking_name_file_and_key(tmp_path, tracks, key, message):
    write(tmp_path, "a.yaml", "setup: a\nextractor: rules\n")
    path = write(tmp_path, "bench.yaml", "setups: [a.yaml]\n" + tracks)
    with pytest.raises(ConfigError) as info:
        load_run_config(path)
    assert str(info.value).startswith(f"{path}: {key}: ")
    assert message in str(info.value)
