"""Bench-file keys of the content judge: ``judge`` and ``ranking.judge_kappa_floor``."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.common.paths import PROJECT_ROOT as ROOT
from harness.config import ConfigError, load_run_config
from harness.judging.floor import DEFAULT_JUDGE_KAPPA_FLOOR


def bench(tmp_path: Path, extra: str) -> Path:
    (tmp_path / "rules.yaml").write_text("setup: r\nextractor: rules\n", encoding="utf-8")
    path = tmp_path / "bench.yaml"
    path.write_text("setups: [rules.yaml]\n" + extra, encoding="utf-8")
    return path


def test_judge_path_is_resolved_beside_the_bench_file(tmp_path):
    (tmp_path / "judges").mkdir()
    (tmp_path / "judges" / "mine.yaml").write_text("name: mine\njudge: deterministic\n", encoding="utf-8")
    config = load_run_config(bench(tmp_path, "judge: judges/mine.yaml\n"))
    assert config.judge == (tmp_path / "judges" / "mine.yaml").resolve()


def test_missing_judge_file_names_the_key(tmp_path):
    with pytest.raises(ConfigError, match=r"bench.yaml: judge: no such judge config"):
        load_run_config(bench(tmp_path, "judge: judges/absent.yaml\n"))


def test_kappa_floor_defaults_and_is_read_and_checked(tmp_path):
    config = load_run_config(bench(tmp_path, "ranking: {track: seeds}\n"))
    assert config.ranking is not None and config.ranking.judge_kappa_floor == DEFAULT_JUDGE_KAPPA_FLOOR == 0.6
    config = load_run_config(bench(tmp_path, "ranking: {track: seeds, judge_kappa_floor: 0.7}\n"))
    assert config.ranking.judge_kappa_floor == 0.7
    with pytest.raises(ConfigError, match="ranking.judge_kappa_floor: a kappa is between -1 and 1"):
        load_run_config(bench(tmp_path, "ranking: {track: seeds, judge_kappa_floor: 3}\n"))


def test_shipped_judge_configs_load():
    from harness.judging.config import load_judge_config

    for path in sorted((ROOT / "configs" / "judges").glob("*.yaml")):
        config = load_judge_config(path)
        assert config.judge in ("deterministic", "llm"), path
