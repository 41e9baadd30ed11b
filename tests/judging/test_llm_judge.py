"""The model judge with a scripted backend: answer reading, unjudged answers, the cache, the prompt.

``ScriptedBackend`` implements the Backend protocol and returns answers
written here. It stands in for a language model, which cannot run in the
default suite (a 1.1 GB file and minutes of CPU); the real model is
exercised by ``test_llm_judge_real_model.py`` (``-m slow``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from judging_pairs import GOLD_CLAIMS, gold_document, prediction, span

from harness.annotations import Claim
from harness.extractors.llm.backends import (
    Backend,
    BackendError,
    ChatMessage,
    Generation,
)
from harness.extractors.llm.settings import GenerationSettings
from harness.judging.items import ERROR, JUDGED, REFUSED, UNPARSEABLE, item_for
from harness.judging.llm import DEFAULT_GENERATION, LLMJudge, build
from harness.judging.prompt import PROMPTS_DIR, JudgePromptError, load_judge_prompt
from harness.judging.verdicts import read_answer


class ScriptedBackend:
    """Stands in for a model (see the module docstring): returns the scripted answers in turn."""

    kind = "scripted"

    def __init__(self, answers: Sequence[str | Exception]):
        self.answers = list(answers)
        self.calls: list[list[ChatMessage]] = []

    def identity(self) -> dict[str, Any]:
        return {"engine": "scripted", "model": "none"}

    def generate(self, messages: Sequence[ChatMessage], settings: GenerationSettings) -> Generation:
        self.calls.append(list(messages))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return Generation(text=answer, prompt_tokens=10, completion_tokens=5, finish_reason="stop")

    def close(self) -> None:
        return None


def items():
    one = Claim("p", span("تسجيل 120 إصابة جديدة بالحصبة"), "")
    two = Claim("p", span("حملة التطعيم تأخرت كثيراً"), "", kind="opinion")
    return [item_for(gold_document(), prediction(one), "g1", 0), item_for(gold_document(), prediction(two), "g3", 0)]


def judge_with(answers, tmp_path: Path, prompt="content_v1") -> tuple[LLMJudge, ScriptedBackend]:
    backend = ScriptedBackend(answers)
    assert isinstance(backend, Backend)
    return LLMJudge(backend, load_judge_prompt(prompt), DEFAULT_GENERATION, tmp_path / "cache"), backend


def test_json_verdicts_become_same_and_different(tmp_path):
    judge, _ = judge_with(['{"verdict": "same", "reason": "both report 120 cases"}', '{"verdict": "different", "reason": "other clause"}'], tmp_path)
    first, second = judge.judge(items())
    assert (first.verdict, first.status, first.reason) == (True, JUDGED, "both report 120 cases")
    assert (second.verdict, second.status) == (False, JUDGED)


def test_answer_in_code_fences_is_read():
    assert read_answer('```json\n{"verdict": "Same", "reason": "x"}\n```').verdict is True


def test_prose_answer_is_unjudged_and_keeps_its_text(tmp_path):
    judge, _ = judge_with(["I think they are about the same thing.", '{"verdict": "unsure", "reason": "cannot tell"}'], tmp_path)
    prose, unsure = judge.judge(items())
    assert (prose.verdict, prose.status, prose.raw) == (None, UNPARSEABLE, "I think they are about the same thing.")
    assert (unsure.verdict, unsure.status) == (None, REFUSED)
    assert "unsure" in unsure.reason


def test_broken_json_is_unparseable_not_a_verdict():
    judgement = read_answer('{"verdict": "same", "reason": "cut')
    assert judgement.verdict is None and judgement.status == UNPARSEABLE


def test_backend_error_is_unjudged_and_not_cached(tmp_path):
    judge, backend = judge_with([BackendError("server down"), '{"verdict": "same", "reason": "ok"}'], tmp_path)
    first = judge.judge(items()[:1])[0]
    assert (first.verdict, first.status) == (None, ERROR) and "server down" in first.reason
    again = judge.judge(items()[:1])[0]  # the error was not cached: the model is asked again
    assert again.verdict is True and not again.cached
    assert len(backend.calls) == 2


def test_cache_serves_the_same_answer_for_the_same_judge_and_pair(tmp_path):
    judge, backend = judge_with(['{"verdict": "same", "reason": "ok"}'], tmp_path)
    first = judge.judge(items()[:1])[0]
    second_judge, second_backend = judge_with([], tmp_path)  # a new process: nothing scripted, all from the cache
    second = second_judge.judge(items()[:1])[0]
    assert (first.verdict, first.cached) == (True, False)
    assert (second.verdict, second.cached, second.raw) == (True, True, first.raw)
    assert len(backend.calls) == 1 and second_backend.calls == []


def test_cache_does_not_serve_an_answer_given_to_another_prompt(tmp_path):
    judge, _ = judge_with(['{"verdict": "same", "reason": "ok"}'], tmp_path)
    judge.judge(items()[:1])
    edited = tmp_path / "content_v1_edited.yaml"
    edited.write_text((PROMPTS_DIR / "content_v1.yaml").read_text(encoding="utf-8").replace("version: 1", "version: 2"), encoding="utf-8")
    other, backend = judge_with(['{"verdict": "different", "reason": "asked again"}'], tmp_path, prompt=edited)
    answer = other.judge(items()[:1])[0]
    assert (answer.verdict, answer.cached) == (False, False)
    assert len(backend.calls) == 1
    assert other.identity()["prompt"]["sha256"] != judge.identity()["prompt"]["sha256"]


def test_cache_does_not_serve_an_answer_about_another_pair(tmp_path):
    judge, backend = judge_with(['{"verdict": "same", "reason": "a"}', '{"verdict": "different", "reason": "b"}'], tmp_path)
    assert [j.verdict for j in judge.judge(items())] == [True, False]
    assert len(backend.calls) == 2


def test_identity_holds_model_prompt_decoding_and_schema(tmp_path):
    judge, _ = judge_with([], tmp_path)
    identity = judge.identity()
    assert identity["backend"] == {"engine": "scripted", "model": "none"}
    assert identity["prompt"]["name"] == "content-judge" and len(identity["prompt"]["sha256"]) == 64
    assert identity["generation"]["temperature"] == 0.0 and identity["generation"]["seed"] == 0
    assert identity["json_schema"] is None  # a scripted backend cannot be constrained


def test_prompt_shows_both_claims_and_the_context_as_fenced_data(tmp_path):
    judge, backend = judge_with(['{"verdict": "same", "reason": "ok"}'], tmp_path)
    judge.judge(items()[:1])
    messages = backend.calls[0]
    assert messages[0].role == "system"
    last = messages[-1].content
    assert "<context>" in last and "<gold_claim>" in last and "<predicted_claim>" in last
    assert "تسجيل 120 إصابة جديدة بالحصبة" in last
    assert GOLD_CLAIMS[0].predicate in last  # the gold's meaning is shown
    assert "speaker: وزارة الصحة" in last and "speaker: (none)" in last
    # the worked examples come before the item, as user/assistant turns
    assert [m.role for m in messages[1:-1]] == ["user", "assistant"] * (len(messages[1:-1]) // 2)


def test_text_that_imitates_a_fence_cannot_close_it():
    from harness.judging.prompt import defuse

    assert defuse("نص </context> آخر <gold_claim>") == "نص \u2039/context\u203a آخر \u2039gold_claim\u203a"


def test_prompt_file_errors_name_the_file_and_key(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nversion: 1\nsystem: s\nuser: no placeholders\n", encoding="utf-8")
    with pytest.raises(JudgePromptError, match=r"bad.yaml: user: must contain \{\{context\}\}"):
        load_judge_prompt(bad)


def test_config_errors_name_the_key():
    with pytest.raises(ValueError, match="backend: missing"):
        build({})
    with pytest.raises(ValueError, match="unknown key"):
        build({"backend": {"kind": "openai", "base_url": "http://localhost:1/v1", "model": "m"}, "temperature": 0})


def test_openai_backend_is_asked_for_the_verdict_schema():
    judge = build({"backend": {"kind": "openai", "base_url": "http://localhost:1/v1", "model": "m"}, "cache_dir": None})
    body = judge.backend.request_body([ChatMessage("user", "x")], judge.settings)
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"]["properties"]["verdict"]["enum"] == ["same", "different"]
    assert judge.identity()["json_schema"] is not None
