"""Per-document results: they round-trip through ``documents.jsonl`` exactly, and ``metrics.json`` is their tally.

Three documents: the example document with a prediction that has a bit of
everything (a wrong label, a shorter span, a spurious entity, an ungrounded
entity and claim, a claim without its slots), a document written for these
tests, and one without a prediction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from harness.corpus.gold import load_gold_corpus
from harness.model import Annotations, Claim, Document, Entity, GoldDocument, Prediction, Span, Speaker
from harness.scoring.claims import CLAIM_KINDS, SCORED_SLOTS
from harness.scoring.corpus import score_corpus
from harness.scoring.counts import MatchCounts
from harness.scoring.entities import MODES
from harness.scoring.results import ALL_LABELS, DECLARED, DocumentResult, from_json, to_json
from harness.scoring.settings import IntervalSettings, ScoringSettings

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "example"
(EX1,) = load_gold_corpus(EXAMPLE / "gold", EXAMPLE / "seeds")

TEXT = "وقال المحافظ كريم العلي إن 12 مدرسة ستفتح أبوابها في حماة قريبا."


def at(part: str, text: str) -> dict:
    start = text.index(part)
    return {"start": start, "end": start + len(part), "text": part}


SCHOOLS = GoldDocument(
    Document("schools", TEXT),
    Annotations(
        "schools",
        (Entity("e1", "PER", **at("كريم العلي", TEXT)), Entity("e2", "LOC", **at("حماة", TEXT))),
        (Claim("c1", Span(**at("12 مدرسة ستفتح أبوابها في حماة", TEXT)), "schools will open", speaker=Speaker(**at("كريم العلي", TEXT))),),
    ),
)
SILENT = GoldDocument(Document("silent", "أعلنت البلدية خطة جديدة."), Annotations("silent", (Entity("e1", "ORG", 5, 12, "البلدية"),)))


@dataclass(frozen=True)
class PersonsOnly:
    """A made-up annotation convention that annotates people only (a projection, as harness.conventions provides)."""

    name: str = "persons"

    def project_gold(self, text: str, entities: Sequence[Entity]) -> tuple[Entity, ...]:
        return tuple(e for e in entities if e.label == "PER")

    def project_predicted(self, text: str, entities: Sequence[Entity]) -> tuple[Entity, ...]:
        return tuple(e for e in entities if e.label == "PER")


def ex1_prediction() -> Prediction:
    text = EX1.document.text
    gold = {e.id: e for e in EX1.gold.entities}
    c1, _ = EX1.gold.claims
    entities = (
        gold["e1"],  # correct
        replace(gold["e2"], id="p2", label="ORG"),  # wrong label
        replace(gold["e4"], id="p4", end=gold["e4"].end - 5, text=gold["e4"].text[:-5]),  # shorter span
        Entity("p5", "LOC", **at("السكان", text)),  # spurious
        replace(gold["e5"], id="p6", text="نص آخر"),  # ungrounded
    )
    claims = (
        replace(c1, id="q1", speaker=None, location=None),  # right words, slots left out
        Claim("q2", Span(0, 4, "ليس النص"), "ungrounded"),
        Claim("q3", Span(**at("قال العقيد", text)), "stray", kind="opinion"),  # overlaps no gold claim
    )
    return Prediction("ex1", Annotations("ex1", entities, claims))


def schools_prediction() -> Prediction:
    gold = SCHOOLS.gold
    return Prediction("schools", Annotations("schools", (gold.entities[0],), (replace(gold.claims[0], id="q1"),)))


SETTINGS = ScoringSettings(conventions=(PersonsOnly(),), intervals=IntervalSettings(resamples=50))


@pytest.fixture(scope="module")
def scored():
    return score_corpus([EX1, SCHOOLS, SILENT], [ex1_prediction(), schools_prediction()], SETTINGS)


def stored(results: Sequence[DocumentResult]) -> list[DocumentResult]:
    """The results as written to ``documents.jsonl`` and read back."""
    lines = [json.dumps(to_json(r), ensure_ascii=False) for r in results]
    return [from_json(json.loads(line), f"documents.jsonl:{i + 1}") for i, line in enumerate(lines)]


# --- round trip -----------------------------------------------------------------------------


def test_the_scenario_has_a_bit_of_everything(scored):
    ex1, schools, silent = scored.results
    assert {row.outcome for row in ex1.rows("strict")} == {"correct", "incorrect", "missed", "spurious"}
    assert {row.outcome for row in ex1.rows("partial")} >= {"partial"}
    assert [(u.item, u.id) for u in ex1.ungrounded] == [("entity", "p6"), ("claim", "q2")]
    assert ex1.claims.pairs and ex1.claims.missed and ex1.claims.spurious and ex1.claims.ungrounded
    assert [scope for scope, _ in ex1.entities] == [DECLARED, ALL_LABELS, "convention:persons"]
    assert (ex1.failure, schools.failure, silent.failure) == (None, None, "no prediction for this document")


def test_per_document_results_round_trip_through_to_json_and_from_json_exactly(scored):
    assert stored(scored.results) == list(scored.results)


def test_a_judged_mode_round_trips_with_its_verdicts(scored):
    ex1 = scored.results[0]
    judged = replace(ex1, claims=ex1.claims.with_verdicts("content", {(p.gold_id, p.predicted_index): True for p in ex1.claims.pairs}))
    (back,) = stored([judged])
    assert back == judged and back.claims.modes[-1] == "content"


def test_a_result_line_of_another_format_is_refused_naming_the_line():
    with pytest.raises(ValueError, match=r"documents.jsonl:3: per-document results in format 99"):
        from_json({"format": 99, "doc_id": "ex1"}, "documents.jsonl:3")


def test_a_malformed_result_line_names_the_line_and_the_document(scored):
    line = to_json(scored.results[0])
    del line["claims"]["pairs"][0]["kind"]
    with pytest.raises(ValueError, match=r"documents.jsonl:1: document ex1: malformed result \(KeyError: 'kind'\)"):
        from_json(line, "documents.jsonl:1")
    line = to_json(scored.results[0])
    line["entity_rows"]["strict"][0] = ["x", 0, 0, 3]
    with pytest.raises(ValueError, match=r"documents.jsonl:1: entity_rows.strict: expected \[outcome code"):
        from_json(line, "documents.jsonl:1")


# --- metrics.json is the tally of the stored rows --------------------------------------


def tally(outcomes) -> MatchCounts:
    total = MatchCounts()
    for outcome in outcomes:
        total = total + MatchCounts(**{outcome: 1})
    return total


def block_counts(block: dict) -> MatchCounts:
    return MatchCounts(block["correct"], block["incorrect"], block["partial"], block["missed"], block["spurious"])


def claim_outcomes(result: DocumentResult, mode: str, kind: str | None = None):
    alignment = result.claims
    for pair in alignment.pairs:
        if kind is None or pair.kind == kind:
            yield "correct" if pair.verdict(mode) else "incorrect"
    for claim in alignment.missed:
        if kind is None or claim.kind == kind:
            yield "missed"
    for claim in (*alignment.spurious, *alignment.ungrounded):
        if kind is None or claim.kind == kind:
            yield "spurious"


def slot_outcomes(result: DocumentResult, slot: str):
    alignment = result.claims
    for pair in alignment.pairs:
        outcome = dict(pair.slots)[slot]
        if outcome != "absent":
            yield outcome
    yield from ("missed" for claim in alignment.missed if slot in claim.slots)
    yield from ("spurious" for claim in (*alignment.spurious, *alignment.ungrounded) if slot in claim.slots)


def test_every_entity_count_of_metrics_json_equals_the_tally_of_the_stored_rows(scored):
    results = stored(scored.results)
    for mode in MODES:
        rows = [row.outcome for result in results for row in result.rows(mode)]
        assert block_counts(scored.metrics["entities"][mode]) == tally(rows), mode
    # By hand: ex1 has e1 right, a wrong label and a shorter date (incorrect), the nested LOC and the
    # ungrounded quantity's gold missed, a spurious LOC and the ungrounded entity spurious; "schools"
    # one right and one missed; "silent" one missed.
    strict = scored.metrics["entities"]["strict"]
    assert (strict["correct"], strict["incorrect"], strict["missed"], strict["spurious"]) == (2, 2, 4, 2)


def test_every_claim_count_of_metrics_json_equals_the_tally_of_the_stored_alignment(scored):
    results = stored(scored.results)
    claims = scored.metrics["claims"]
    assert claims["modes"] == ["evidence", "strict"]
    for mode in claims["modes"]:
        assert block_counts(claims[mode]) == tally(o for r in results for o in claim_outcomes(r, mode)), mode
        for kind in CLAIM_KINDS:
            expected = tally(o for r in results for o in claim_outcomes(r, mode, kind))
            assert block_counts(claims[mode]["by_kind"][kind]) == expected, (mode, kind)
    for slot in SCORED_SLOTS:
        assert block_counts(claims["slots"][slot]) == tally(o for r in results for o in slot_outcomes(r, slot)), slot
    assert claims["ungrounded_claims"] == sum(len(r.claims.ungrounded) for r in results) == 1
    assert (block_counts(claims["evidence"]), block_counts(claims["strict"])) == (
        MatchCounts(correct=2, missed=1, spurious=2),
        MatchCounts(correct=1, incorrect=1, missed=1, spurious=2),
    )


def test_the_run_counts_of_metrics_json_are_those_of_the_stored_results(scored):
    results = stored(scored.results)
    assert scored.metrics["failures"] == sum(r.failure is not None for r in results) == 1
    assert scored.metrics["ungrounded"] == sum(len(r.ungrounded) for r in results) == 2
    assert scored.metrics["documents"] == len(results) == 3
    for mode in MODES:
        for scope, block in ((ALL_LABELS, scored.metrics["entities"]["all_labels"]), ("convention:persons", scored.metrics["conventions"]["persons"])):
            summed = sum((r.scope(scope).overall.mode(mode) for r in results), MatchCounts())
            assert block_counts(block[mode]) == summed, (scope, mode)
    assert scored.metrics["conventions"]["persons"]["strict"]["possible"] == 2  # the two gold people
