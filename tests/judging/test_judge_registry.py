"""The judge registry: built-ins by name, plug-ins through the ``harness.judges`` entry-point group, unknown names."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
from judging_pairs import gold_document, prediction, span

from harness.annotations import Claim
from harness.judging.base import Judge
from harness.judging.config import JudgeConfigError, build_judge, load_judge_config
from harness.judging.items import item_for
from harness.judging.registry import (
    ENTRY_POINT_GROUP,
    UnknownJudgeError,
    available_judges,
    create_judge,
)


@pytest.fixture
def installed_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A real distribution on sys.path declaring a judge in the entry-point group (found as pip-installed ones are)."""
    package = tmp_path / "always_same_judge"
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent(
            '''
            from harness.judging.items import Judgement

            class AlwaysSame:
                """Says same to every pair."""
                name = "always-same"

                def identity(self):
                    return {"judge": self.name}

                def judge(self, items):
                    return [Judgement(True, "always") for _ in items]

            def build(params):
                return AlwaysSame()
            '''
        ),
        encoding="utf-8",
    )
    dist = tmp_path / "always_same_judge-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: always-same-judge\nVersion: 1.0\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(f"[{ENTRY_POINT_GROUP}]\nalways-same = always_same_judge:build\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "always-same"
    sys.modules.pop("always_same_judge", None)


def test_built_in_judges_are_available_by_name():
    assert {"deterministic", "llm"} <= set(available_judges())
    assert isinstance(create_judge("deterministic"), Judge)


def test_plugin_judge_from_the_entry_point_group_judges_pairs(installed_plugin):
    assert installed_plugin in available_judges()
    judge = create_judge(installed_plugin)
    item = item_for(gold_document(), prediction(Claim("p", span("الزرقاء"), "")), "g1", 0)
    assert [j.verdict for j in judge.judge([item])] == [True]


def test_unknown_judge_lists_the_available_ones():
    with pytest.raises(UnknownJudgeError, match="unknown judge 'oracle'; available: .*deterministic"):
        create_judge("oracle")


def test_judge_config_with_an_unknown_judge_names_the_file_and_key(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("name: mine\njudge: oracle\n", encoding="utf-8")
    with pytest.raises(JudgeConfigError, match=r"mine.yaml: judge: unknown judge 'oracle'"):
        build_judge(load_judge_config(path))


def test_judge_config_keys_are_checked(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: mine\njudge: deterministic\nthreshold: 0.2\n", encoding="utf-8")
    with pytest.raises(JudgeConfigError, match=r"bad.yaml: threshold: unknown key"):
        load_judge_config(path)
