"""Constrained decoding: the answer schema, its agreement with the validator and the prompts, its place in the fingerprint."""

from __future__ import annotations

import json

import pytest

from harness.annotations import Document
from harness.common.paths import PROJECT_ROOT
from harness.config import load_setup
from harness.extractors.base import fingerprint_hash
from harness.extractors.llm.backends.base import Generation
from harness.extractors.llm.extractor import LLMExtractor
from harness.extractors.llm.prompts import PROMPTS_DIR, load_template
from harness.extractors.llm.schema import output_json_schema, validate_output

CONFIGS = PROJECT_ROOT / "configs"


class Backend:
    """Answers every paragraph with one fixed answer; says whether it can constrain decoding."""

    kind = "fixed"

    def __init__(self, answer: str = '{"claims": [], "entities": []}', constrains: bool = True):
        self.answer = answer
        self.constrains_output = constrains
        self.settings_seen = []

    def identity(self):
        return {"engine": "fixed"}

    def generate(self, messages, settings):
        self.settings_seen.append(settings)
        return Generation(self.answer, 10, 5, "stop", total_seconds=0.01)

    def close(self):
        pass


def _conforms(value, schema) -> bool:
    """A small checker for the keywords the answer schema uses (type, enum, properties, required,
    additionalProperties, items, minLength), and the property order the grammar enforces."""
    kind = schema.get("type")
    if kind == "object":
        if not isinstance(value, dict) or not set(schema.get("required", ())) <= set(value):
            return False
        properties = schema["properties"]
        if schema.get("additionalProperties") is False and set(value) - set(properties):
            return False
        order = [k for k in properties if k in value]
        return list(value) == order and all(_conforms(value[k], properties[k]) for k in value)
    if kind == "array":
        return isinstance(value, list) and all(_conforms(v, schema["items"]) for v in value)
    if kind == "string":
        return isinstance(value, str) and len(value) >= schema.get("minLength", 0) and value in schema.get("enum", [value])
    raise AssertionError(f"keyword not covered by this checker: {schema}")


def test_worked_examples_of_every_prompt_keep_the_schema_and_its_field_order():
    """A grammar makes the model write fields in schema order: examples in another order would fight it."""
    for path in sorted(PROMPTS_DIR.glob("*.yaml")):
        template = load_template(path)
        schema = output_json_schema(template.labels)
        for example in template.examples:
            assert _conforms(json.loads(example.output_json()), schema), (path.name, example.output_json())


def test_an_answer_the_schema_allows_is_one_the_validator_takes_whole():
    schema = output_json_schema()
    answer = {
        "claims": [
            {"text": "ارتفع عدد الزوار إلى 40 ألفاً", "kind": "fact", "quantity": "40 ألفاً", "place": "البتراء"},
            {"text": "الموسم واعد", "kind": "opinion", "speaker": "نادية الخطيب"},
        ],
        "entities": [{"text": "البتراء", "label": "LOC"}, {"text": "نادية الخطيب", "label": "PER"}],
    }
    assert _conforms(answer, schema)
    validated = validate_output(answer)
    assert validated.error is None and validated.rejected == ()
    assert len(validated.claims) == 2 and len(validated.entities) == 2


def test_schema_refuses_what_the_validator_refuses():
    schema = output_json_schema(("PER", "LOC"))
    assert not _conforms({"claims": [], "entities": [{"text": "وزارة", "label": "ORG"}]}, schema)  # label not asked for
    assert not _conforms({"claims": [{"text": "نص", "kind": "rumour"}], "entities": []}, schema)
    assert not _conforms({"claims": [{"text": "", "kind": "fact"}], "entities": []}, schema)
    assert not _conforms({"claims": [], "entities": [], "result": "HACKED"}, schema)
    assert validate_output({"claims": [], "entities": [{"text": "وزارة", "label": "ORG"}]}, ("PER", "LOC")).rejected


def test_constraint_is_in_the_fingerprint_and_free_decoding_keeps_the_old_one(tmp_path):
    free = LLMExtractor({"cache_dir": None, "progress": False}, backend=Backend())
    held = LLMExtractor({"cache_dir": None, "progress": False, "constraint": "json_schema"}, backend=Backend())
    assert "json_schema" not in free.generation_fingerprint()["generation"]  # caches made before stay valid
    assert json.loads(held.generation_fingerprint()["generation"]["json_schema"]) == output_json_schema()
    assert fingerprint_hash(free.fingerprint()) != fingerprint_hash(held.fingerprint())
    assert free.cache is None and held.constraint == "json_schema"


def test_constrained_extractor_hands_the_schema_to_the_backend_and_reads_the_answer(tmp_path):
    answer = json.dumps({"claims": [{"text": "افتتح المتحف أبوابه", "kind": "fact"}], "entities": []}, ensure_ascii=False)
    backend = Backend(answer)
    extractor = LLMExtractor({"cache_dir": str(tmp_path), "progress": False, "constraint": "json_schema"}, backend=backend)
    prediction = extractor.extract([Document("m", "متحف جديد في المدينة القديمة\n\nافتتح المتحف أبوابه للزوار صباح اليوم.")])[0]
    assert backend.settings_seen and all(s.schema() == output_json_schema() for s in backend.settings_seen)
    assert [c.evidence.text for c in prediction.annotations.claims] == ["افتتح المتحف أبوابه"]
    assert prediction.meta["constraint"] == "json_schema"
    assert {p["parse_status"] for p in prediction.meta["paragraphs"]} == {"ok"}


def test_backend_that_cannot_constrain_is_refused_at_setup():
    with pytest.raises(ValueError, match="constraint json_schema: the fixed backend cannot constrain"):
        LLMExtractor({"cache_dir": None, "constraint": "json_schema"}, backend=Backend(constrains=False))
    with pytest.raises(ValueError, match="constraint must be one of none, json_schema"):
        LLMExtractor({"cache_dir": None, "constraint": "grammar"}, backend=Backend())


def test_constrained_setup_file_is_the_plain_setup_with_the_schema():
    plain, constrained = load_setup(CONFIGS / "llm.yaml"), load_setup(CONFIGS / "llm-constrained.yaml")
    assert constrained.extractor == "llm" and constrained.params["constraint"] == "json_schema"
    assert constrained.setup != plain.setup
    assert {k: v for k, v in constrained.params.items() if k != "constraint"} == plain.params
    LLMExtractor({**constrained.params, "cache_dir": None}, backend=Backend())


def test_endpoint_setup_file_builds_a_concurrent_constrained_extractor():
    setup = load_setup(CONFIGS / "llm-endpoint.yaml")
    extractor = LLMExtractor({**setup.params, "cache_dir": None})  # builds the HTTP backend; sends nothing
    backend = extractor.backend
    assert backend.kind == "openai" and backend.max_concurrency == 8 and backend.retry.max_attempts == 4
    assert extractor.settings.schema() == output_json_schema() and setup.batch_size == 8
