"""Config files: valid ones resolve; broken ones fail naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import ConfigError, config_hash, load_run_config

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_project_bench_config_resolves_its_setups():
    config = load_run_config(ROOT / "configs" / "bench.yaml")
    assert [s.setup for s in config.setups][0] == "rules"
    assert config.settings.resamples == 1000 and config.settings.level == 0.95


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
