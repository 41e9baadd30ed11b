"""``ner+llm-claims``: NER names and rule dates/quantities beside the LLM's claims.

The NER model and the rules are the real ones. The LLM is a scripted backend
that stands in for the language model (a real one takes a minute a paragraph
on these CPUs): it answers each paragraph with JSON written for this test, so
what is checked is the combination, not the model.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import yaml

from harness.annotations import Claim, Document, Entity, Location, Span, Speaker
from harness.common.paths import PROJECT_ROOT
from harness.config import load_setup
from harness.extractors.base import Extractor, shaping_texts
from harness.extractors.llm.backends.base import BackendError, Generation
from harness.extractors.llm.combined import NerWithLLMClaims, relink_claims
from harness.extractors.llm.extractor import LLMExtractor

SHIPPED = PROJECT_ROOT / "models" / "ner-e5-anercorp"
NER_PARAMS = {"model": str(SHIPPED), "label_map": {"PERS": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}, "threads": 1}

HEADLINE = "بلدية صفاقس تبدأ ترميم الأسواق القديمة"
FIRST = "أعلنت بلدية صفاقس، يوم 12 نيسان 2023، ترميم 35 محلاً في سوق الربع."
SECOND = "وقال رئيس البلدية كريم الحسيني إن الأعمال ستنتهي قبل الصيف، مضيفاً أن التمويل جاء من البنك الأفريقي للتنمية."
DOC = Document("souq", f"{HEADLINE}\n\n{FIRST}\n\n{SECOND}")


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False)


#: What the stand-in model answers, by a phrase of the paragraph.
ANSWERS = {
    "سوق الربع": _json(
        {
            "claims": [
                {
                    "text": "ترميم 35 محلاً في سوق الربع",
                    "kind": "fact",
                    "speaker": "بلدية صفاقس",
                    "quantity": "35 محلاً",
                    "date": "يوم 12 نيسان 2023",
                    "place": "سوق الربع",
                }
            ],
            # An entity only the model names: the combined setup must not keep it.
            "entities": [{"text": "سوق الربع", "label": "LOC"}, {"text": "بلدية صفاقس", "label": "ORG"}],
        }
    ),
    "كريم الحسيني": _json(
        {
            "claims": [{"text": "الأعمال ستنتهي قبل الصيف", "kind": "opinion", "speaker": "كريم الحسيني"}],
            "entities": [{"text": "كريم الحسيني", "label": "PER"}],
        }
    ),
}


class ScriptedBackend:
    """Stands in for the language model: a fixed answer per paragraph; can fail on demand."""

    kind = "scripted"

    def __init__(self, fail_on: str | None = None):
        self.fail_on = fail_on
        self.calls = 0

    def identity(self):
        return {"engine": "scripted", "answers": "souq-v1"}

    def generate(self, messages, settings):
        self.calls += 1
        paragraph = messages[-1].content
        if self.fail_on and self.fail_on in paragraph:
            raise BackendError("the stand-in server went away")
        for key, answer in ANSWERS.items():
            if key in paragraph:
                return Generation(answer, 120, 60, "stop", 0.5, 1.0, 1.5)
        return Generation('{"claims": [], "entities": []}', 100, 8, "stop", 0.5, 0.2, 0.7)

    def close(self):
        pass


def _llm(tmp_path, backend=None, **params) -> LLMExtractor:
    params.setdefault("cache_dir", str(tmp_path / "llm-cache"))
    params.setdefault("progress", False)
    return LLMExtractor(params, backend=backend or ScriptedBackend())


needs_model = pytest.mark.skipif(not SHIPPED.is_dir(), reason=f"the shipped NER model is not at {SHIPPED}")


@pytest.fixture(scope="module")
def combined_and_prediction(tmp_path_factory):
    pytest.importorskip("torch")
    if not SHIPPED.is_dir():
        pytest.skip(f"the shipped NER model is not at {SHIPPED}")
    extractor = NerWithLLMClaims({"ner": NER_PARAMS}, llm=_llm(tmp_path_factory.mktemp("combined")))
    [prediction] = extractor.extract([DOC])
    return extractor, prediction


@needs_model
def test_entities_are_the_models_names_and_the_rules_dates_and_quantities_never_the_llms(combined_and_prediction):
    extractor, prediction = combined_and_prediction
    assert isinstance(extractor, Extractor)
    found = {(e.label, e.text) for e in prediction.annotations.entities}
    assert ("PER", "كريم الحسيني") in found and ("LOC", "صفاقس") in found  # the NER model's names
    assert ("DATE", "يوم 12 نيسان 2023") in found and ("QUANTITY", "35 محلاً") in found  # the rules' patterns
    # The model named these; neither the NER model nor the rules do.
    assert ("LOC", "سوق الربع") not in found and ("ORG", "بلدية صفاقس") not in found
    # The model's own mentions: سوق الربع, بلدية صفاقس twice (headline and body), كريم الحسيني.
    assert prediction.meta["llm_entities_dropped"] == 4
    assert [e.id for e in prediction.annotations.entities] == [f"e{k}" for k in range(1, len(prediction.annotations.entities) + 1)]


@needs_model
def test_claims_are_the_llms_with_links_to_the_merged_entities(combined_and_prediction):
    _, prediction = combined_and_prediction
    by_id = {e.id: e for e in prediction.annotations.entities}
    works, finish = prediction.annotations.claims
    assert works.evidence.text == "ترميم 35 محلاً في سوق الربع"
    assert works.quantity.value == 35 and works.time.value == "2023-04-12"
    # No merged entity has the span "بلدية صفاقس" (NER tags only "صفاقس"): the link is cleared, the text stays.
    assert works.speaker.text == "بلدية صفاقس" and works.speaker.entity is None
    assert works.location.text == "سوق الربع" and works.location.entity is None
    assert finish.kind == "opinion" and finish.speaker.text == "كريم الحسيني"
    assert by_id[finish.speaker.entity].label == "PER"
    assert (by_id[finish.speaker.entity].start, by_id[finish.speaker.entity].end) == (finish.speaker.start, finish.speaker.end)


@needs_model
def test_the_run_keeps_what_the_model_cost(combined_and_prediction):
    _, prediction = combined_and_prediction
    usage = prediction.meta["usage"]
    # The headline is shorter than merge_below, so it is read with the first paragraph: two prompts.
    assert usage["requests"] == 2 and usage["completion_tokens"] == 60 + 60
    assert prediction.meta["entities_from"]["names"] == "ner"


@needs_model
def test_fingerprint_holds_every_part_and_the_prompt_text(tmp_path, combined_and_prediction):
    extractor, _ = combined_and_prediction
    fingerprint = extractor.fingerprint()
    assert fingerprint["name"] == "ner+llm-claims"
    assert fingerprint["ner"]["model_sha256"] and fingerprint["rules"]["lexicon_sha256"]
    assert len(fingerprint["llm"]["prompt"]["sha256"]) == 64
    zero_shot = NerWithLLMClaims({"ner": NER_PARAMS}, llm=_llm(tmp_path, prompt="claims_zero_shot_v1"))
    assert zero_shot.fingerprint()["llm"]["prompt"] != fingerprint["llm"]["prompt"]
    assert zero_shot.fingerprint()["ner"] == fingerprint["ner"]


@needs_model
def test_declares_the_ner_convention_and_every_parts_shaping_texts(combined_and_prediction):
    extractor, _ = combined_and_prediction
    assert extractor.convention == extractor.ner.convention
    assert set(shaping_texts(extractor)) == set(shaping_texts(extractor.ner)) | set(shaping_texts(extractor.rules))
    assert shaping_texts(extractor.rules), "the rules declare the seed articles"
    assert extractor.entity_labels == ("PER", "ORG", "LOC", "MISC", "DATE", "QUANTITY")
    assert extractor.work_units(DOC) == 2  # the short headline goes with the first paragraph


@needs_model
def test_a_paragraph_the_llm_could_not_answer_fails_the_document_naming_the_part(tmp_path):
    pytest.importorskip("torch")
    extractor = NerWithLLMClaims({"ner": NER_PARAMS}, llm=_llm(tmp_path, ScriptedBackend(fail_on="كريم الحسيني")))
    [prediction] = extractor.extract([DOC])
    assert prediction.failed and prediction.error.startswith("llm: 1 of 2 paragraph(s) not generated")
    assert prediction.annotations.entities == () and prediction.annotations.claims == ()


def test_relinking_points_speaker_and_place_at_the_entity_of_their_exact_span():
    text = "قال خالد الراشد إن الجسر افتتح في مسقط."
    person = Entity("e1", "PER", 4, 15, "خالد الراشد")
    city = Entity("e2", "LOC", 34, 38, "مسقط")
    claim = Claim(
        "c1", Span(19, 38, text[19:38]), "p",
        speaker=Speaker("خالد", 4, 8, "x9"), location=Location("مسقط", 34, 38, "x3"),
    )
    [relinked] = relink_claims([claim], [person, city])
    assert relinked.speaker.entity is None  # "خالد" is not the span of any entity
    assert relinked.location.entity == "e2"
    assert relinked.evidence == claim.evidence


def test_params_are_checked_by_name():
    with pytest.raises(ValueError, match="unknown parameter.*prompt"):
        NerWithLLMClaims({"ner": {}, "llm": {}, "prompt": "x"})
    with pytest.raises(ValueError, match="params.ner"):
        NerWithLLMClaims({"llm": {}})
    with pytest.raises(ValueError, match="params.llm"):
        NerWithLLMClaims({"ner": {"model": "m"}})


def test_the_setup_file_asks_the_model_exactly_what_llm_yaml_asks_so_it_shares_its_generations(tmp_path):
    setup = load_setup(PROJECT_ROOT / "configs" / "ner-llm-claims.yaml")
    assert setup.extractor == "ner+llm-claims"
    plain = yaml.safe_load((PROJECT_ROOT / "configs" / "llm.yaml").read_text(encoding="utf-8"))["params"]
    backend = ScriptedBackend()
    ours = LLMExtractor({**setup.params["llm"], "cache_dir": str(tmp_path)}, backend=backend)
    theirs = LLMExtractor({**plain, "cache_dir": str(tmp_path)}, backend=backend)
    assert ours.generation_fingerprint() == theirs.generation_fingerprint()
    assert ours.cache.fingerprint_hash == theirs.cache.fingerprint_hash


SLOT_TEXT = "وصل وفد الوزارة إلى أغادير يوم 5 أيار 2022 لتفقد المشاريع. ونُقلت المساعدات من أغادير إلى مراكش قبل أيام."


def _names(*pairs: tuple[str, str, int]) -> list[Entity]:
    """NER-like entities: (label, surface, occurrence) located in SLOT_TEXT."""
    out = []
    for label, surface, occurrence in pairs:
        start = -1
        for _ in range(occurrence + 1):
            start = SLOT_TEXT.index(surface, start + 1)
        out.append(Entity("x", label, start, start + len(surface), surface))
    return out


def _bare_claim(evidence: str) -> Claim:
    start = SLOT_TEXT.index(evidence)
    return Claim("c1", Span(start, start + len(evidence), evidence), "p")


def test_completion_fills_the_one_place_and_the_dated_time_the_evidence_names():
    from harness.extractors.llm.combined import complete_slots
    from harness.extractors.ner.combined import merge_mentions
    from harness.extractors.rules.entities import analyse
    from harness.extractors.rules.lexicon import load_lexicon

    lexicon = load_lexicon(None, None)
    mentions = merge_mentions(
        analyse(SLOT_TEXT, lexicon), _names(("LOC", "أغادير", 0), ("LOC", "أغادير", 1), ("LOC", "مراكش", 0))
    ).mentions
    visit = _bare_claim("وصل وفد الوزارة إلى أغادير يوم 5 أيار 2022 لتفقد المشاريع")
    moved = _bare_claim("ونُقلت المساعدات من أغادير إلى مراكش قبل أيام")
    (visit, moved), filled = complete_slots([visit, moved], mentions, ("place", "time"))
    assert visit.location.text == "أغادير" and visit.location.entity is not None
    assert visit.time.value == "2022-05-05"
    assert moved.location is None  # two different places: no single location (guidelines 2.7)
    assert moved.time is None  # "قبل أيام" has no calendar value
    assert filled == {"place": 1, "time": 1}
    # Only the slots asked for, and never over what the model gave.
    (only_time,), _ = complete_slots([_bare_claim("وصل وفد الوزارة إلى أغادير يوم 5 أيار 2022 لتفقد المشاريع")], mentions, ("time",))
    assert only_time.location is None and only_time.time is not None
    given = replace(_bare_claim("وصل وفد الوزارة إلى أغادير يوم 5 أيار 2022"), location=Location("الوزارة", 8, 15))
    (kept,), filled = complete_slots([given], mentions, ("place",))
    assert kept.location.text == "الوزارة" and filled == {"place": 0}


def test_completion_is_in_the_fingerprint_and_refuses_unknown_slots(tmp_path):
    pytest.importorskip("torch")
    if not SHIPPED.is_dir():
        pytest.skip(f"the shipped NER model is not at {SHIPPED}")
    plain = NerWithLLMClaims({"ner": NER_PARAMS}, llm=_llm(tmp_path))
    completing = NerWithLLMClaims({"ner": NER_PARAMS, "complete": ["time", "place"]}, llm=_llm(tmp_path))
    assert plain.fingerprint()["complete"] == [] and completing.fingerprint()["complete"] == ["place", "time"]
    with pytest.raises(ValueError, match="params.complete"):
        NerWithLLMClaims({"ner": NER_PARAMS, "complete": ["quantity"]}, llm=_llm(tmp_path))


def test_completion_takes_a_missing_speaker_from_the_rule_claim_over_the_same_words():
    from harness.extractors.llm.combined import complete_slots
    from harness.extractors.ner.combined import merge_mentions
    from harness.extractors.rules.claims import find_claims
    from harness.extractors.rules.entities import analyse
    from harness.extractors.rules.lexicon import load_lexicon

    text = "قال وزير الزراعة محمود السعدي إن المزارع أنتجت 400 طن من التمور. وأضاف أن الموسم المقبل سيكون أفضل. وافتتح المعرض الزراعي أمس."
    lexicon = load_lexicon(None, None)
    analysis = analyse(text, lexicon)
    rule_claims = find_claims(analysis, lexicon)
    name = text.index("محمود السعدي")
    mentions = merge_mentions(analysis, [Entity("x", "PER", name, name + len("محمود السعدي"), "محمود السعدي")]).mentions

    def bare(evidence: str) -> Claim:
        start = text.index(evidence)
        return Claim("c", Span(start, start + len(evidence), evidence), "p")

    carried, fair = bare("الموسم المقبل سيكون أفضل"), bare("وافتتح المعرض الزراعي أمس")
    (carried, fair), filled = complete_slots([carried, fair], mentions, ("speaker",), rule_claims)
    # "وأضاف" carries the minister: the rules follow him, the model's answer had no speaker.
    assert carried.speaker.text == "محمود السعدي" and carried.speaker.entity is not None
    assert fair.speaker is None  # the article's own voice: no rule claim with a speaker there
    assert filled == {"speaker": 1}
