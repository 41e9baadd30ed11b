"""The date and number grammar on ``tests/data/styles``, against the hand-worked values.

Each gold file records the value of every DATE and QUANTITY span in
``annotation.values`` and the article's own date in
``annotation.article_date`` (see the corpus README). Where ``find_dates`` or
``find_quantities`` finds a gold span exactly, its value must be the one
worked out by hand; and the grammar must find nearly all of the spans.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.text.dates import find_dates
from harness.text.quantities import canonical_unit, find_quantities

CORPUS = Path(__file__).resolve().parents[1] / "data" / "styles"
#: Share of gold DATE/QUANTITY spans the grammar must find exactly (regression floor).
MIN_FOUND = 0.95


def documents():
    for path in sorted((CORPUS / "gold").glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = (CORPUS / "seeds" / f"{gold['doc_id']}.txt").read_text(encoding="utf-8")
        yield gold, text


def spans_and_values():
    """(doc_id, gold entity, hand value, what the grammar found on that span or None)."""
    rows = []
    for gold, text in documents():
        found_dates = {(m.start, m.end): m for m in find_dates(text, gold["annotation"]["article_date"])}
        found_quantities = {(m.start, m.end): m for m in find_quantities(text, open_nouns=True)}
        for entity in gold["entities"]:
            if entity["label"] not in ("DATE", "QUANTITY"):
                continue
            found = found_dates if entity["label"] == "DATE" else found_quantities
            rows.append((gold["doc_id"], entity, gold["annotation"]["values"][entity["id"]], found.get((entity["start"], entity["end"]))))
    return rows


ROWS = spans_and_values()


def test_the_corpus_has_values_for_every_date_and_quantity():
    assert len(ROWS) > 100
    assert all("value" in value for _, _, value, _ in ROWS)


@pytest.mark.parametrize(
    ("doc_id", "entity", "value", "match"),
    [row for row in ROWS if row[3] is not None],
    ids=lambda item: item if isinstance(item, str) else None,
)
def test_a_span_found_exactly_has_the_hand_worked_value(doc_id, entity, value, match):
    if entity["label"] == "DATE":
        assert match.value == value["value"], entity["text"]
    else:
        assert match.value == pytest.approx(value["value"], rel=0.005), entity["text"]
        assert match.approx == value["approx"], entity["text"]
        assert canonical_unit(match.unit) == canonical_unit(value["unit"]), entity["text"]


def test_the_grammar_finds_nearly_every_span():
    missed = [f"{doc_id}: {entity['text']}" for doc_id, entity, _, match in ROWS if match is None]
    assert 1 - len(missed) / len(ROWS) >= MIN_FOUND, missed
