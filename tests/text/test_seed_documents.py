"""The finders on the five real seed articles: offsets always point into the raw text."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.common.paths import PROJECT_ROOT
from harness.text.arabic import find_normalized
from harness.text.dates import find_dates
from harness.text.numbers import find_numbers
from harness.text.quantities import find_quantities

SEEDS = sorted((PROJECT_ROOT / "seeds").glob("*.txt"))


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_the_five_seed_articles_are_there():
    assert len(SEEDS) == 5


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_every_match_is_the_raw_slice_at_its_offsets_in_reading_order(path):
    text = read(path)
    for finder in (find_numbers, find_quantities, find_dates):
        matches = finder(text)
        assert matches, f"{finder.__name__} found nothing in {path.name}"
        for match in matches:
            assert text[match.start : match.end] == match.text
        for before, after in zip(matches, matches[1:]):
            assert before.end <= after.start


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_each_found_quantity_is_grounded_back_to_its_own_span(path):
    text = read(path)
    for quantity in find_quantities(text):
        assert (quantity.start, quantity.end) in find_normalized(text, quantity.text)


def test_relative_dates_of_the_tweet_article_resolve_with_its_date():
    text = read(next(p for p in SEEDS if p.stem.startswith("000")))
    values = {d.text: d.value for d in find_dates(text, anchor="2021-03-25")}
    assert values["أمس الاربعاء"] == "2021-03-24"
    assert values["أمس الأول"] == "2021-03-23"
    assert values["March 24, 2021"] == "2021-03-24"
    assert values["23 من آذار 2018"] == "2018-03-23"
