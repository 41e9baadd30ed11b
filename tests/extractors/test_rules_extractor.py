"""The rule extractor as a plug-in: protocol, grounding, determinism, fingerprint, params."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from harness.annotations import Document
from harness.extractors.base import Extractor, fingerprint_hash
from harness.extractors.registry import create_extractor
from harness.extractors.rules.extractor import VERSION, RulesExtractor
from harness.extractors.rules.lexicon import DEFAULT_CUE_DIR, DEFAULT_GAZETTEER_DIR

#: A short article written for these tests (names, places and numbers are not the seeds').
ARTICLE = """الجيش التركي: تحييد 5 مسلحين شمال العراق
قال وزير الدفاع التركي خلوصي أكار، أمس الأحد 12 أيلول/سبتمبر 2021، إن القوات نفذت عملية جوية في منطقة متينا.
وأضاف أكار أن العملية أسفرت عن تدمير نحو 20 موقعا للمسلحين.
وبحسب وكالة الأناضول، فإن الطائرات قصفت مواقع في جبل قنديل بدهوك.
ورأى المحلل السياسي سمير صالح أن "التصعيد سيستمر خلال الأشهر المقبلة. والحكومة العراقية لن تتدخل".
ونزح أكثر من 1500 شخص من القرى الحدودية خلال أسبوعين، حسب منظمة الهجرة الدولية.
"""


@pytest.fixture(scope="module")
def extractor() -> RulesExtractor:
    return RulesExtractor({})


def test_registry_builds_it_under_the_name_rules():
    built = create_extractor("rules", {})
    assert isinstance(built, Extractor)
    assert built.name == "rules"
    assert built.emits_claims is True
    assert built.entity_labels == ("PER", "ORG", "LOC", "MISC", "DATE", "QUANTITY")
    assert built.claim_slots == ("speaker", "quantity", "time", "location")


def test_one_prediction_per_document_in_order(extractor):
    documents = [Document("b", ARTICLE), Document("a", "نص قصير بلا أسماء."), Document("c", "")]
    predictions = extractor.extract(documents)
    assert [p.doc_id for p in predictions] == ["b", "a", "c"]
    assert all(p.error is None for p in predictions)
    assert predictions[2].annotations.entities == () and predictions[2].annotations.claims == ()


def test_every_span_is_grounded_in_the_raw_text(extractor):
    text = ARTICLE + "\nوقالت الوزيرة ليلى حدّاد، ــ في مؤتمرٍ صحفيٍّ ــ، إنَّ بغدادَ ستستضيف القمة."
    annotations = extractor.extract([Document("d", text)])[0].annotations
    spans = [(e.start, e.end, e.text) for e in annotations.entities]
    for claim in annotations.claims:
        spans.append((claim.evidence.start, claim.evidence.end, claim.evidence.text))
        for part in (claim.speaker, claim.quantity, claim.time, claim.location):
            if part is not None:
                spans.append((part.start, part.end, part.text))
    assert spans
    for start, end, span_text in spans:
        assert text[start:end] == span_text, (start, end, span_text)


def test_entity_references_point_to_entities_of_the_same_document(extractor):
    annotations = extractor.extract([Document("d", ARTICLE)])[0].annotations
    ids = {e.id for e in annotations.entities}
    assert [e.id for e in annotations.entities] == [f"e{k}" for k in range(1, len(ids) + 1)]
    for claim in annotations.claims:
        for part in (claim.speaker, claim.location):
            if part is not None and part.entity is not None:
                assert part.entity in ids


def test_same_input_gives_the_same_output_twice(extractor):
    first = extractor.extract([Document("d", ARTICLE)])
    second = RulesExtractor({}).extract([Document("d", ARTICLE)])
    assert first == second


def test_labels_of_one_kind_never_overlap(extractor):
    entities = extractor.extract([Document("d", ARTICLE)])[0].annotations.entities
    for label in {e.label for e in entities}:
        spans = sorted((e.start, e.end) for e in entities if e.label == label)
        assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))


def test_date_anchor_latest_resolves_relative_days_against_the_articles_date():
    text = "أعلنت الوزارة في 14 آذار/مارس 2022 خطة جديدة. وقال الوزير أمس إن الخطة ستنفذ فورا."
    prediction = RulesExtractor({}).extract([Document("d", text)])[0]
    assert prediction.meta["date_anchor"] == "2022-03-14"
    days = [e for e in prediction.annotations.entities if e.text == "أمس"]
    assert len(days) == 1
    timed = [c.time.value for c in prediction.annotations.claims if c.time and c.time.text == "أمس"]
    assert timed == ["2022-03-13"]


def test_fingerprint_names_version_lists_and_params(extractor):
    fingerprint = extractor.fingerprint()
    assert fingerprint["name"] == "rules"
    assert fingerprint["version"] == VERSION
    assert len(fingerprint["lexicon_sha256"]) == 64
    assert fingerprint["params"] == {}
    other = RulesExtractor({"date_anchor": "none"}).fingerprint()
    assert fingerprint_hash(other) != fingerprint_hash(fingerprint)


def copy_lists(tmp_path: Path) -> tuple[Path, Path]:
    gazetteers, cues = tmp_path / "gazetteers", tmp_path / "cues"
    shutil.copytree(DEFAULT_GAZETTEER_DIR, gazetteers)
    shutil.copytree(DEFAULT_CUE_DIR, cues)
    return gazetteers, cues


def test_fingerprint_changes_when_a_gazetteer_file_changes(tmp_path):
    gazetteers, cues = copy_lists(tmp_path)
    params = {"gazetteer_dir": str(gazetteers), "cue_dir": str(cues)}
    before = RulesExtractor(params).fingerprint()
    with (gazetteers / "loc_syria.txt").open("a", encoding="utf-8") as handle:
        handle.write("\nكفر تخاريم\n")
    after = RulesExtractor(params).fingerprint()
    assert before["lexicon_sha256"] != after["lexicon_sha256"]
    assert fingerprint_hash(before) != fingerprint_hash(after)


def test_a_user_list_file_extends_the_extractor(tmp_path):
    gazetteers, _ = copy_lists(tmp_path)
    text = "وصل الفريق الطبي إلى زردنا صباح اليوم."
    before = RulesExtractor({"gazetteer_dir": str(gazetteers)}).extract([Document("d", text)])[0]
    assert not any(e.text == "زردنا" for e in before.annotations.entities)
    (gazetteers / "loc_my_villages.txt").write_text("# my list\nزردنا\n", encoding="utf-8")
    after = RulesExtractor({"gazetteer_dir": str(gazetteers)}).extract([Document("d", text)])[0]
    assert [(e.label, e.text) for e in after.annotations.entities if e.text == "زردنا"] == [("LOC", "زردنا")]


def test_entities_only_when_claims_are_switched_off():
    entities_only = RulesExtractor({"claims": False})
    prediction = entities_only.extract([Document("d", ARTICLE)])[0]
    assert entities_only.emits_claims is False
    assert entities_only.claim_slots == ()
    assert prediction.annotations.claims == ()
    assert prediction.annotations.entities


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"gazeteer_dir": "x"}, "unknown parameter"),
        ({"date_anchor": "yesterday"}, "date_anchor"),
        ({"claims": "yes"}, "claims must be"),
        ({"gazetteer_dir": "/nonexistent/lists"}, "/nonexistent/lists"),
    ],
)
def test_bad_params_are_refused_with_a_clear_message(params, message):
    with pytest.raises(ValueError, match=message):
        RulesExtractor(params)


def test_a_long_article_takes_well_under_a_second(extractor):
    text = "\n".join([ARTICLE] * 12)  # about 9,000 characters, beyond a typical article
    started = time.perf_counter()
    extractor.extract([Document("long", text)])
    assert time.perf_counter() - started < 1.0
