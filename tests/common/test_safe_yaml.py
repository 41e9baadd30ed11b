"""Every YAML file the harness reads goes through one loader with bounds (harness/common/safe_yaml.py)."""

from __future__ import annotations

import re
import time

import pytest
import yaml

from harness.common.paths import PROJECT_ROOT
from harness.common.safe_yaml import MAX_DEPTH, YamlLimitError, expanded_size, load_yaml
from harness.config import ConfigError, load_run_config
from harness.conventions import ConventionError, read_convention_file
from harness.extractors.llm.prompts import PromptError, load_template
from harness.gate import load_gate_file

ROOT = PROJECT_ROOT


def bomb(levels: int = 9, key: str = "params") -> str:
    """Nine levels of nine aliases: a few hundred bytes standing for 9**9 strings."""
    lines = ["  l0: &l0 [ha, ha, ha, ha, ha, ha, ha, ha, ha]"]
    lines += [f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return f"{key}:\n" + "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_while_composing_with_the_line_of_the_node_that_broke_the_limit():
    started = time.perf_counter()
    with pytest.raises(YamlLimitError) as info:
        load_yaml(bomb())
    assert time.perf_counter() - started < 2
    assert "once its aliases are expanded" in str(info.value)
    assert info.value.problem_mark.line + 1 in range(2, 11)


def test_a_recursive_alias_is_refused():
    for text in ("a: &a [1, *a]\n", "a: &a {b: *a}\n"):
        with pytest.raises(YamlLimitError, match="recursive alias"):
            load_yaml(text)


def test_nesting_deeper_than_the_limit_is_refused_not_a_recursion_error():
    with pytest.raises(YamlLimitError, match=f"nested more than {MAX_DEPTH} levels"):
        load_yaml("[" * 20_000 + "]" * 20_000)
    assert load_yaml("[" * 50 + "]" * 50) is not None


def test_ordinary_aliases_still_read_as_yaml_says():
    data = load_yaml("base: &b {threads: 1, seed: 0}\na: *b\nb: *b\n")
    assert data == {"base": {"threads": 1, "seed": 0}, "a": {"threads": 1, "seed": 0}, "b": {"threads": 1, "seed": 0}}


def test_expanded_size_counts_shared_nodes_once_per_reference():
    node = yaml.compose("a: &x [1, 2]\nb: [*x, *x]\n")
    # mapping, 2 keys, list x (3 nodes), list of two x's (1 + 2 * 3)
    assert expanded_size(node, 1_000) == 1 + 2 + 3 + 7


def test_every_yaml_reader_of_the_harness_refuses_the_bomb_naming_its_file(tmp_path):
    cases = [
        (load_run_config, ConfigError, "setup: s\nextractor: rules\n" + bomb()),
        (load_gate_file, ConfigError, "gates: []\n" + bomb(key="description")),
        (load_template, PromptError, "name: p\n" + bomb(key="examples")),
        (read_convention_file, ConventionError, "name: c\n" + bomb(key="labels")),
    ]
    for reader, error, text in cases:
        path = tmp_path / f"{reader.__name__}.yaml"
        path.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        with pytest.raises(error) as info:
            reader(path)
        assert time.perf_counter() - started < 2, reader
        assert str(path) in str(info.value) and "aliases are expanded" in str(info.value), str(info.value)


def test_no_module_of_the_harness_reads_yaml_around_the_bounded_loader():
    """A new reader (a judge's config, say) must call harness.common.safe_yaml.load_yaml, not yaml.safe_load."""
    direct = re.compile(r"\byaml\.(safe_load|load|full_load|unsafe_load|load_all|safe_load_all|compose)\s*\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "harness").rglob("*.py"))
        if path.name != "safe_yaml.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if direct.search(line)
    ]
    assert offenders == []
