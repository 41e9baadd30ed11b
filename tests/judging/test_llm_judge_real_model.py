"""The model judge with the real local model (Qwen2.5-Coder-1.5B through llama.cpp): slow, skipped when absent.

Install the model with ``harness models install`` (or point
``HARNESS_MODELS_DIR`` at a folder holding it) and run
``python -m pytest -m slow tests/judging/test_llm_judge_real_model.py``.
The pairs come from the paragraph written for these tests (``judging_pairs``).
"""

from __future__ import annotations

import json

import pytest
from judging_pairs import gold_document, prediction, quantity, span, speaker

from harness.annotations import Claim
from harness.judging.items import JUDGED, item_for
from harness.judging.llm import build

pytestmark = pytest.mark.slow

pytest.importorskip("llama_cpp", reason="llama-cpp-python (project extra 'llm') is not installed")


@pytest.fixture(scope="module")
def judge(tmp_path_factory):
    from harness.model_files import DEFAULT_MODEL, find_installed, get_spec

    if find_installed(get_spec(DEFAULT_MODEL)) is None:
        pytest.skip(f"model {DEFAULT_MODEL} is not installed (run `harness models install`)")
    cache = tmp_path_factory.mktemp("judge-cache")
    return build({"backend": {"kind": "llama_cpp", "model": DEFAULT_MODEL}, "cache_dir": str(cache), "generation": {"threads": 1}})


def pairs():
    identical = Claim("p", span("تسجيل 120 إصابة جديدة بالحصبة"), "", speaker=speaker("وزارة الصحة"), quantity=quantity("120 إصابة", 120))
    other = Claim("p", span("قال الناطق باسمها سامر الخطيب إن 30 منها في مدينة الزرقاء"), "", quantity=quantity("30", 30))
    return [item_for(gold_document(), prediction(identical), "g1", 0), item_for(gold_document(), prediction(other), "g1", 0)]


def test_constrained_answers_are_json_verdicts_and_are_cached(judge):
    assert judge.identity()["json_schema"] is not None
    first = judge.judge(pairs())
    for judgement in first:
        assert judgement.status == JUDGED, judgement.raw
        assert json.loads(judgement.raw)["verdict"] in ("same", "different")
    again = judge.judge(pairs())
    assert [j.cached for j in again] == [True, True]
    assert [j.verdict for j in again] == [j.verdict for j in first]


def test_identical_claim_is_judged_same(judge):
    assert judge.judge(pairs()[:1])[0].verdict is True
