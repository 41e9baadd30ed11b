"""Fuzzing the LLM output parser: any text a model writes parses, is repaired, or fails with a reason; nothing raises."""

from __future__ import annotations

import json
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.extractors.llm.parsing import (
    EMPTY,
    FAILED,
    OK,
    REPAIRED,
    TRUNCATED,
    ParseResult,
    parse_output,
)

#: More examples for a deep run: HARNESS_FUZZ_EXAMPLES=5000 pytest tests/extractors/test_fuzz_llm_parsing.py
FUZZ = settings(max_examples=int(os.environ.get("HARNESS_FUZZ_EXAMPLES", 200)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
STATUSES = {OK, REPAIRED, TRUNCATED, EMPTY, FAILED}

#: What small models write around and inside their JSON.
PIECES = st.sampled_from([
    "{", "}", "[", "]", '"', ",", ":", "```json\n", "```", '"claims"', '"entities"', '"text"', '"kind"', '"fact"', "قال", "الوزير",
    "\u201d", "\uff0c", "\\", "\\n", "null", "true", "12", "-", " ", "\n", "Here is the JSON:", "\u202e",
])  # fmt: skip
answers = st.lists(PIECES, max_size=60).map("".join)
json_answers = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["claims", "entities", "text", "kind", "label"]), inner, max_size=3),
    max_leaves=15,
).map(lambda value: json.dumps(value, ensure_ascii=False))


def check(text: str) -> None:
    for cut in (False, True):
        result = parse_output(text, cut_by_limit=cut)
        assert isinstance(result, ParseResult) and result.status in STATUSES
        if result.status in (FAILED, EMPTY):
            assert result.error
        else:
            assert isinstance(result.data, dict)


@FUZZ
@given(answers)
def test_text_built_from_what_models_write_parses_or_fails_with_a_reason(text):
    check(text)


@FUZZ
@given(json_answers, st.integers(0, 200))
def test_json_cut_anywhere_parses_or_fails_with_a_reason(text, cut):
    check(text[:cut])
    check(f"```json\n{text}\n```")


@FUZZ
@given(st.text(max_size=300))
def test_any_text_parses_or_fails_with_a_reason(text):
    check(text)


def test_json_nested_deeper_than_python_reads_fails_with_a_reason():
    deep = '{"claims": ' + "[" * 5000 + "]" * 5000 + "}"
    result = parse_output(deep)
    assert result.status == FAILED and "nested too deeply" in result.error
    cut = parse_output('{"claims": [{"text": "قال"}, ' + "[" * 5000)
    assert cut.status == TRUNCATED and cut.data == {"claims": [{"text": "قال"}]}
