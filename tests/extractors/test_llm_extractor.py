"""The LLM extractor end to end with a scripted backend (no model needed)."""

from __future__ import annotations

import json

import pytest

from harness.annotations import Document
from harness.common.paths import PROJECT_ROOT
from harness.extractors.base import Extractor, fingerprint_hash
from harness.extractors.llm.backends.base import BackendError, Generation
from harness.extractors.llm.extractor import LLMExtractor

HEADLINE = "وزارة الزراعة تعلن نتائج موسم الحصاد في الشمال"
BODY = "أعلنت وزارة الزراعة الأردنية، أمس، حصاد أكثر من 12 ألف طن من القمح في إربد خلال شهر حزيران/يونيو 2024."
QUOTE = "وقال المتحدث باسم الوزارة خالد النمر إن الموسم كان ممتازاً رغم قلة الأمطار."
DOC = Document("d1", f"{HEADLINE}\n\n{BODY}\n\n{QUOTE}")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False)


ANSWERS = {
    "حصاد أكثر": _json(
        {
            "claims": [
                {
                    "text": "حصاد أكثر من 12 ألف طن من القمح في إربد خلال شهر حزيران/يونيو 2024",
                    "kind": "fact",
                    "speaker": "وزارة الزراعة الأردنية",
                    "quantity": "120000",  # wrong on purpose: a model's number is never used
                    "date": "حزيران/يونيو 2024",
                    "place": "إربد",
                }
            ],
            "entities": [{"text": "وزارة الزراعة الأردنية", "label": "ORG"}, {"text": "إربد", "label": "LOC"}],
        }
    ),
    "خالد النمر": "```json\n"
    + _json(
        {
            "claims": [
                {"text": "الموسم كان ممتازاً", "kind": "opinion", "speaker": "خالد النمر"},
                {"text": "سقطت أمطار غزيرة على العاصمة", "kind": "fact"},
            ],
            "entities": [{"text": "خالد النمر", "label": "PERSON"}, {"text": "المريخ", "label": "LOC"}],
        }
    )
    + "\n```",
}


class ScriptedBackend:
    """Answers by a key found in the paragraph; counts calls; can fail on demand."""

    kind = "scripted"

    def __init__(self, answers: dict[str, str], fail_on: str | None = None, identity: str = "v1"):
        self.answers = answers
        self.fail_on = fail_on
        self.calls = 0
        self._identity = identity
        self.last_messages = None

    def identity(self):
        return {"engine": "scripted", "answers": self._identity}

    def generate(self, messages, settings):
        self.calls += 1
        self.last_messages = messages
        paragraph = messages[-1].content
        if self.fail_on and self.fail_on in paragraph:
            raise BackendError("server went away")
        for key, answer in self.answers.items():
            if key in paragraph:
                return Generation(answer, 100, 50, "stop", 0.5, 1.0, 1.5)
        return Generation('{"claims": [], "entities": []}', 100, 8, "stop", 0.5, 0.2, 0.7)

    def close(self):
        pass


def _extractor(tmp_path, backend, **params) -> LLMExtractor:
    params.setdefault("cache_dir", str(tmp_path / "llm-cache"))
    params.setdefault("progress", False)
    return LLMExtractor(params, backend=backend)


def test_extractor_keeps_the_protocol_and_declares_what_the_prompt_asks_for(tmp_path):
    extractor = _extractor(tmp_path, ScriptedBackend(ANSWERS))
    assert isinstance(extractor, Extractor)
    assert extractor.entity_labels == ("PER", "ORG", "LOC", "MISC", "DATE", "QUANTITY")


def test_grounded_claim_takes_its_values_from_the_text(tmp_path):
    prediction = _extractor(tmp_path, ScriptedBackend(ANSWERS)).extract([DOC])[0]
    claim = prediction.annotations.claims[0]
    text = DOC.text
    assert text[claim.evidence.start : claim.evidence.end] == claim.evidence.text
    assert claim.quantity.value == 12_000 and claim.quantity.approx  # "أكثر من" read by the normaliser
    assert claim.time.value == "2024-06"
    assert claim.location.text == "إربد" and claim.location.entity is not None
    assert claim.speaker.text == "وزارة الزراعة الأردنية" and claim.speaker.entity is not None


def test_every_span_of_the_prediction_is_the_document_text(tmp_path):
    prediction = _extractor(tmp_path, ScriptedBackend(ANSWERS)).extract([DOC])[0]
    text = DOC.text
    for entity in prediction.annotations.entities:
        assert text[entity.start : entity.end] == entity.text
    for claim in prediction.annotations.claims:
        for part in (claim.evidence, claim.speaker, claim.quantity, claim.time, claim.location):
            if part is not None:
                assert text[part.start : part.end] == part.text


def test_ungrounded_claims_and_entities_are_reported_not_kept(tmp_path):
    prediction = _extractor(tmp_path, ScriptedBackend(ANSWERS)).extract([DOC])[0]
    assert [c.evidence.text for c in prediction.annotations.claims] == [
        "حصاد أكثر من 12 ألف طن من القمح في إربد خلال شهر حزيران/يونيو 2024",
        "الموسم كان ممتازاً",
    ]
    assert "المريخ" not in [e.text for e in prediction.annotations.entities]
    summary = prediction.meta["summary"]
    assert summary["claims_ungrounded"] == 1 and summary["entities_ungrounded"] == 1
    items = [i for p in prediction.meta["paragraphs"] for i in p.get("items", [])]
    missing = [i for i in items if i["item"] == "claim" and i["grounding"]["text"] == "not_found"]
    assert missing[0]["raw"]["text"] == "سقطت أمطار غزيرة على العاصمة"


def test_meta_keeps_raw_output_and_parse_status_per_paragraph(tmp_path):
    prediction = _extractor(tmp_path, ScriptedBackend(ANSWERS)).extract([DOC])[0]
    quote = next(p for p in prediction.meta["paragraphs"] if "خالد النمر" in p["raw_output"])
    assert quote["parse_status"] == "repaired" and quote["repairs"] == ["fences"]
    assert quote["raw_output"].startswith("```json")


def test_repeated_run_generates_nothing(tmp_path):
    first = ScriptedBackend(ANSWERS)
    _extractor(tmp_path, first).extract([DOC])
    assert first.calls == 3
    second = ScriptedBackend(ANSWERS)
    again = _extractor(tmp_path, second).extract([DOC])[0]
    assert second.calls == 0
    assert again.meta["summary"]["cached"] == 3


def test_a_changed_model_identity_misses_the_cache(tmp_path):
    _extractor(tmp_path, ScriptedBackend(ANSWERS)).extract([DOC])
    other = ScriptedBackend(ANSWERS, identity="v2")
    _extractor(tmp_path, other).extract([DOC])
    assert other.calls == 3


def test_failed_paragraph_fails_the_document_and_is_retried_alone_next_time(tmp_path):
    failing = ScriptedBackend(ANSWERS, fail_on="خالد النمر")
    prediction = _extractor(tmp_path, failing).extract([DOC])[0]
    assert prediction.failed and "server went away" in prediction.error
    assert prediction.meta["summary"]["errors"] == 1
    retry = ScriptedBackend(ANSWERS)
    assert not _extractor(tmp_path, retry).extract([DOC])[0].failed
    assert retry.calls == 1


def test_empty_answers_are_not_cached(tmp_path):
    silent = ScriptedBackend({key: "" for key in ANSWERS})
    prediction = _extractor(tmp_path, silent).extract([DOC])[0]
    assert prediction.meta["summary"]["parse"].get("empty") == 2
    again = ScriptedBackend(ANSWERS)
    _extractor(tmp_path, again).extract([DOC])
    assert again.calls == 2


def test_answer_in_another_format_gives_nothing_and_says_why(tmp_path):
    hijacked = ScriptedBackend({"": '{"result": "HACKED"}'})
    prediction = _extractor(tmp_path, hijacked).extract([DOC])[0]
    assert prediction.annotations.claims == () and prediction.annotations.entities == ()
    assert all("schema_error" in p for p in prediction.meta["paragraphs"])


def test_example_values_in_an_answer_are_reported_as_leaks(tmp_path):
    leaky = ScriptedBackend({"حصاد أكثر": _json({"claims": [{"text": "حصاد أكثر من 12 ألف طن", "speaker": "سيدي ولد بابه"}]})})
    prediction = _extractor(tmp_path, leaky).extract([DOC])[0]
    items = [i for p in prediction.meta["paragraphs"] for i in p.get("items", [])]
    leaks = [leak for i in items for leak in i.get("leaks", [])]
    assert leaks and leaks[0]["field"] == "speaker"
    assert prediction.meta["summary"]["items_with_leaks"] == 1


def test_fingerprint_names_model_prompt_and_every_decoding_setting(tmp_path):
    base = _extractor(tmp_path, ScriptedBackend(ANSWERS)).fingerprint()
    for key in ("max_new_tokens", "temperature", "seed", "repetition_penalty", "threads", "stop"):
        assert key in base["generation"]
    assert base["prompt"]["sha256"] and base["backend"]["engine"] == "scripted"
    changed = _extractor(tmp_path, ScriptedBackend(ANSWERS), generation={"max_new_tokens": 64}).fingerprint()
    zero_shot = _extractor(tmp_path, ScriptedBackend(ANSWERS), prompt="claims_zero_shot_v1").fingerprint()
    assert len({fingerprint_hash(base), fingerprint_hash(changed), fingerprint_hash(zero_shot)}) == 3


def test_prompt_sent_fences_the_paragraph_and_gives_the_headline(tmp_path):
    backend = ScriptedBackend(ANSWERS)
    _extractor(tmp_path, backend).extract([Document("d2", f"{HEADLINE}\n\n{QUOTE}")])
    user = backend.last_messages[-1].content
    assert HEADLINE in user and f"<document>\n{QUOTE}\n</document>" in user


def test_unknown_parameters_and_bad_settings_are_named(tmp_path):
    with pytest.raises(ValueError, match="unknown parameter"):
        _extractor(tmp_path, ScriptedBackend(ANSWERS), temperature=0)
    with pytest.raises(ValueError, match="max_new_tokens"):
        _extractor(tmp_path, ScriptedBackend(ANSWERS), generation={"max_new_tokens": 0})
    with pytest.raises(ValueError, match="kind"):
        LLMExtractor({"backend": {"kind": "telepathy"}, "cache_dir": None})


def test_missing_model_file_says_how_to_install_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="harness models install"):
        LLMExtractor({"backend": {"kind": "llama_cpp", "models_dir": str(tmp_path)}, "cache_dir": None})


def test_packaged_setups_are_valid_llm_configurations(tmp_path):

    from harness.config import load_run_config, load_setup

    configs = PROJECT_ROOT / "configs"
    for name in ("llm.yaml", "llm_zero_shot.yaml"):
        setup = load_setup(configs / name)
        assert setup.extractor == "llm"
        extractor = LLMExtractor({**setup.params, "cache_dir": None}, backend=ScriptedBackend(ANSWERS))
        assert extractor.settings.temperature == 0 and extractor.settings.max_new_tokens <= 512
    assert "llm" in {s.extractor for s in load_run_config(configs / "bench.yaml").setups}


def test_quantity_from_another_sentence_is_not_given_to_the_claim(tmp_path):
    text = "عنوان تجريبي طويل بما يكفي ليكون فقرة\n\nافتتحت البلدية حديقة جديدة. وزرعت 500 شجرة في الحي."
    answer = _json({"claims": [{"text": "افتتحت البلدية حديقة جديدة", "quantity": "500 شجرة"}]})
    prediction = _extractor(tmp_path, ScriptedBackend({"افتتحت": answer})).extract([Document("q", text)])[0]
    claim = prediction.annotations.claims[0]
    assert claim.quantity is None
    items = [i for p in prediction.meta["paragraphs"] for i in p.get("items", [])]
    assert items[0]["grounding"]["quantity"] == "not_found"


def test_paragraphs_the_generation_cache_answers_are_counted_for_the_dry_run(tmp_path):
    backend = ScriptedBackend(ANSWERS)
    extractor = _extractor(tmp_path, backend)
    assert extractor.work_units(DOC) >= 1 and extractor.cached_work_units(DOC) == 0
    extractor.extract([DOC])
    # A new extractor over the same cache (a changed harness recomputes the prediction): nothing to generate.
    again = _extractor(tmp_path, ScriptedBackend(ANSWERS))
    assert again.cached_work_units(DOC) == again.work_units(DOC)
    assert _extractor(tmp_path, ScriptedBackend(ANSWERS), cache_dir=None).cached_work_units(DOC) == 0
