"""Paths in configs stay inside the project unless the config says ``allow_outside_project: true``.

Inside is the checkout, the shared data folder (third-party corpora) and the
config file's own folder. A setup, bench or gate file that names anything
else on the disk (a prompt, a model folder, a corpus, a baseline) is refused
with the file, the key and the resolved path, before anything reads it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.common.paths import PROJECT_ROOT, SHARED_DATA_ENV
from harness.config import ConfigError, load_run_config
from harness.gate import load_gate_file

ELSEWHERE_TEXT = "لا ينبغي أن يُقرأ هذا الملف.\n"


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A folder outside the project and outside the configs' folder, holding a file a config should not reach."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "private.yaml").write_text(ELSEWHERE_TEXT, encoding="utf-8")
    return folder


@pytest.fixture
def configs(tmp_path: Path) -> Path:
    folder = tmp_path / "configs"
    folder.mkdir()
    return folder


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path, key: str, target: Path) -> str:
    with pytest.raises(ConfigError) as info:
        load_run_config(path) if "gate" not in path.name else load_gate_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}: {key}: {target.resolve()} is outside the project"), message
    assert "allow_outside_project: true" in message
    return message


@pytest.mark.parametrize(("param", "key"), [
    ("prompt: {p}", "params.prompt"),
    ("model: {p}", "params.model"),
    ("backend: {{kind: llama_cpp, model: {p}}}", "params.backend.model"),
    ("rules: {{cue_dir: {d}}}", "params.rules.cue_dir"),
])  # fmt: skip
def test_a_setup_param_naming_a_file_outside_the_project_is_refused_with_key_and_path(configs, elsewhere, param, key):
    text = param.format(p=elsewhere / "private.yaml", d=elsewhere)
    setup = write(configs, "setup.yaml", f"setup: s\nextractor: llm\nparams: {{{text}}}\n")
    refused(setup, key, elsewhere if "cue_dir" in text else elsewhere / "private.yaml")


def test_a_relative_path_that_climbs_out_is_refused_even_when_nothing_is_there(configs):
    setup = write(configs, "setup.yaml", "setup: s\nextractor: llm\nparams: {prompt: ../../../../../../nowhere/p.yaml}\n")
    with pytest.raises(ConfigError, match=r"setup.yaml: params.prompt: .*nowhere/p.yaml is outside the project"):
        load_run_config(setup)


def test_the_same_setup_loads_when_it_says_allow_outside_project(configs, elsewhere):
    setup = write(configs, "setup.yaml", f"setup: s\nextractor: llm\nallow_outside_project: true\nparams: {{prompt: {elsewhere / 'private.yaml'}}}\n")
    assert load_run_config(setup).setups[0].params["prompt"] == str(elsewhere / "private.yaml")


def test_names_that_are_not_local_paths_are_not_taken_for_paths(configs):
    setup = write(
        configs, "setup.yaml",
        "setup: s\nextractor: ner\nparams: {model: CAMeL-Lab/bert-base-arabic-camelbert-msa-ner, prompt: claims_few_shot_v1}\n",
    )  # fmt: skip
    assert load_run_config(setup).setups[0].params["model"] == "CAMeL-Lab/bert-base-arabic-camelbert-msa-ner"


def test_files_beside_the_config_in_the_project_and_in_the_shared_data_are_allowed(configs, tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "dev.txt").write_text("حمص B-LOC\n", encoding="utf-8")
    monkeypatch.setenv(SHARED_DATA_ENV, str(shared))
    (configs / "prompt.yaml").write_text("name: x\n", encoding="utf-8")
    write(configs, "setup.yaml", f"setup: s\nextractor: llm\nparams: {{prompt: prompt.yaml, model: {PROJECT_ROOT / 'models' / 'ner-e5-anercorp'}}}\n")
    bench = write(
        configs, "bench.yaml",
        f"setups: [setup.yaml, {PROJECT_ROOT / 'configs' / 'rules.yaml'}]\n"
        f"tracks: [{{name: own, corpus: {PROJECT_ROOT}}}, {{name: dev, corpus: {shared / 'dev.txt'}, label_map: 'LOC=LOC'}}]\n",
    )  # fmt: skip
    config = load_run_config(bench)
    assert [t.corpus.path for t in config.tracks] == [PROJECT_ROOT, (shared / "dev.txt").resolve()]


def test_a_bench_setup_or_track_corpus_outside_the_project_is_refused(configs, elsewhere):
    (elsewhere / "setup.yaml").write_text("setup: s\nextractor: rules\n", encoding="utf-8")
    refused(write(configs, "bench.yaml", f"setups: [{elsewhere / 'setup.yaml'}]\n"), "setups[0]", elsewhere / "setup.yaml")
    write(configs, "rules.yaml", "setup: r\nextractor: rules\n")
    refused(write(configs, "bench2.yaml", f"setups: [rules.yaml]\ntracks: [{{name: t, corpus: {elsewhere}}}]\n"), "tracks[0].corpus", elsewhere)
    allowed = write(configs, "bench3.yaml", f"setups: [rules.yaml]\nallow_outside_project: true\ntracks: [{{name: t, corpus: {elsewhere}}}]\n")
    assert load_run_config(allowed).tracks[0].corpus.path == elsewhere.resolve()


def test_gate_paths_outside_the_project_are_refused(configs, elsewhere):
    baseline = PROJECT_ROOT / "results" / "baselines" / "rules-seeds"
    gate = write(
        configs, "gate.yaml",
        f"root: {PROJECT_ROOT}\ngates:\n  - setup: rules\n    current: latest\n    baseline: {baseline}\n    corpus: {elsewhere}\n"
        "    checks: [{metric: claims.strict.f1, floor: 0.1}]\n",
    )  # fmt: skip
    refused(gate, "gates[0].corpus", elsewhere)
    gate = write(configs, "gate2.yaml", f"root: {elsewhere}\ngates:\n  - setup: rules\n    run: private.yaml\n    checks: [{{metric: failures, ceiling: 0}}]\n")
    refused(gate, "corpus", elsewhere)  # the default corpus is the root, outside


@pytest.mark.parametrize(("track", "key", "message"), [
    ("label_map: 'PERS=PRE'", "tracks[0].label_map", "'PRE' is not a harness label"),
    ("scheme: BIOZ", "tracks[0].scheme", "unknown tagging scheme 'BIOZ'"),
    ("convention: wojood", "tracks[0].convention", "unknown convention 'wojood'"),
])  # fmt: skip
def test_track_corpus_options_are_checked_when_the_bench_is_read(configs, track, key, message):
    write(configs, "rules.yaml", "setup: r\nextractor: rules\n")
    (configs / "dev.txt").write_text("حمص B-LOC\n", encoding="utf-8")
    bench = write(configs, "bench.yaml", f"setups: [rules.yaml]\ntracks: [{{name: t, corpus: dev.txt, {track}}}]\n")
    with pytest.raises(ConfigError) as info:
        load_run_config(bench)
    assert str(info.value).startswith(f"{bench}: {key}: ") and message in str(info.value)


def test_a_ranking_metric_outside_the_metrics_grammar_is_refused(configs):
    write(configs, "rules.yaml", "setup: r\nextractor: rules\n")
    bench = write(configs, "bench.yaml", "setups: [rules.yaml]\nranking: {track: seeds, metrics: [claims.strict.f1, entities.all_label.strict.f1]}\n")
    with pytest.raises(ConfigError, match=r"ranking.metrics\[1\]: 'entities.all_label.strict.f1' is not a metrics.json path"):
        load_run_config(bench)
