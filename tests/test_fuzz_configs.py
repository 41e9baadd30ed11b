"""Fuzzing the config readers: any setup, bench or gate file ends in a config or a ConfigError naming the file.

The structures are generated over the keys these files use (so the checks
behind each key are reached), then written as YAML; raw text exercises the
YAML reader itself.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.common.paths import PROJECT_ROOT as ROOT
from harness.config import ConfigError, load_run_config
from harness.gate import load_gate_file

#: More examples for a deep run: HARNESS_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz_configs.py
FUZZ = settings(max_examples=int(os.environ.get("HARNESS_FUZZ_EXAMPLES", 150)), deadline=None, suppress_health_check=[HealthCheck.too_slow])

KEYS = [
    "setup", "extractor", "params", "batch_size", "description", "setups", "tracks", "name", "corpus", "label_map", "scheme",
    "passage_tokens", "convention", "optional", "ranking", "track", "metrics", "seed", "bootstrap", "resamples", "level", "scoring",
    "min_overlap", "executor", "workers", "max_failures", "allow_outside_project", "root", "gates", "checks", "metric", "floor",
    "ceiling", "max_drop", "run", "current", "predictions", "baseline", "prompt", "model", "claims", "date_anchor",
]  # fmt: skip
VALUES = st.sampled_from([
    "rules", "rules.yaml", "setup.yaml", ".", "..", "../..", str(ROOT), "/etc", "configs/rules.yaml", "results/baselines/rules-seeds",
    "latest", "entities.strict.f1", "claims.strict.f1", "failures", "PERS=PER", "IOB2", "anercorp", "serial", "processes", "\x00",
])  # fmt: skip
scalars = st.none() | st.booleans() | st.integers(-2, 3000) | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=8) | VALUES
structures = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=7), max_leaves=30)


def check(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        (base / "setup.yaml").write_text("setup: s\nextractor: rules\n", encoding="utf-8")
        (base / "rules.yaml").write_text("setup: r\nextractor: rules\n", encoding="utf-8")
        path = base / "config.yaml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        for reader in (load_run_config, load_gate_file):
            try:
                reader(path)
            except ConfigError as err:
                assert str(err).startswith(str(path)) or str(err).startswith(str(base)), str(err)


@FUZZ
@given(structures)
def test_any_structure_as_a_setup_bench_or_gate_file_ends_in_a_config_or_a_config_error(data):
    check(yaml.safe_dump(data, allow_unicode=True))


@FUZZ
@given(st.dictionaries(st.sampled_from(["setups", "tracks", "ranking", "bootstrap", "scoring", "executor", "max_failures", "gates", "root"]), structures, min_size=1, max_size=4))
def test_any_bench_or_gate_shaped_file_ends_in_a_config_or_a_config_error(data):
    check(yaml.safe_dump({"setups": ["setup.yaml"], **data}, allow_unicode=True))


@FUZZ
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#%@`\n\t ,.?0") + ["\x00", "\ufeff", "\u202e"]), max_size=120))
def test_any_text_as_a_config_file_ends_in_a_config_or_a_config_error(text):
    check(text)
