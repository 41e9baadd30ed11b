"""Reading two annotation directories for ``harness gold agree`` (harness/corpus/agreement_input.py).

Gold files and texts are written into a temporary directory from sentences
made up for these tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.annotations import sha256_text
from harness.corpus.agreement_input import AgreementInputError, read_annotation_pair
from harness.corpus.gold import GoldError

TEXTS = {
    "d1": "أعلن المجلس البلدي في حمص افتتاح 3 مدارس جديدة بتمويل ياباني.",
    "d2": "قال الوزير إن الطريق إلى اللاذقية أغلق ليومين.",
}


def span(doc_id: str, part: str) -> dict:
    start = TEXTS[doc_id].index(part)
    return {"start": start, "end": start + len(part), "text": part}


def gold_file(doc_id: str, entities: list[dict], sha: str | None = None) -> dict:
    return {
        "doc_id": doc_id,
        "text_sha256": sha or sha256_text(TEXTS[doc_id]),
        "entities": entities,
        "claims": [],
    }


def write(directory: Path, data: dict) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{data['doc_id']}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture()
def seeds(tmp_path: Path) -> Path:
    directory = tmp_path / "seeds"
    directory.mkdir()
    for doc_id, text in TEXTS.items():
        (directory / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))
    return directory


def loc(doc_id: str, part: str, **extra) -> dict:
    return {"id": "e1", "label": "LOC", **span(doc_id, part), **extra}


def test_both_directories_are_read_whole_even_when_b_holds_a_subset(tmp_path, seeds):
    for doc_id, place in (("d1", "حمص"), ("d2", "اللاذقية")):
        write(tmp_path / "a", gold_file(doc_id, [loc(doc_id, place)]))
    write(tmp_path / "b", gold_file("d1", [loc("d1", "حمص")]))

    pair = read_annotation_pair(tmp_path / "a", tmp_path / "b", seeds)

    assert [d.document.doc_id for d in pair.a] == ["d1", "d2"]
    assert [d.document.doc_id for d in pair.b] == ["d1"]
    assert pair.b[0].gold.entities[0].text == "حمص"


def test_files_declaring_different_texts_are_refused_with_both_files_named(tmp_path, seeds):
    a = write(tmp_path / "a", gold_file("d1", []))
    b = write(tmp_path / "b", gold_file("d1", [], sha="0" * 64))

    with pytest.raises(AgreementInputError) as err:
        read_annotation_pair(tmp_path / "a", tmp_path / "b", seeds)
    assert "d1" in str(err.value) and str(a) in str(err.value) and str(b) in str(err.value)
    assert "different texts" in str(err.value)


def test_the_adjective_fact_is_read_and_unknown_fields_are_refused(tmp_path, seeds):
    write(tmp_path / "a", gold_file("d1", []))
    write(tmp_path / "b", gold_file("d1", [{"id": "e1", "label": "MISC", **span("d1", "ياباني"), "adjective": True}]))
    pair = read_annotation_pair(tmp_path / "a", tmp_path / "b", seeds)
    assert pair.b[0].gold.entities[0].adjective is True

    write(tmp_path / "b", gold_file("d1", [loc("d1", "حمص", colour="red")]))
    with pytest.raises(GoldError, match=r"\$\.entities\[0\]\.colour: unknown field"):
        read_annotation_pair(tmp_path / "a", tmp_path / "b", seeds)


def test_a_span_that_does_not_match_the_text_is_refused_with_its_file_and_path(tmp_path, seeds):
    write(tmp_path / "a", gold_file("d1", []))
    bad = {**loc("d1", "حمص"), "text": "حماة"}
    path = write(tmp_path / "b", gold_file("d1", [bad]))

    with pytest.raises(GoldError) as err:
        read_annotation_pair(tmp_path / "a", tmp_path / "b", seeds)
    assert f"{path}: $.entities[0].text" in str(err.value)


def test_directories_without_gold_files_or_without_a_shared_document_are_refused(tmp_path, seeds):
    write(tmp_path / "a", gold_file("d1", []))
    (tmp_path / "empty").mkdir()
    with pytest.raises(AgreementInputError, match="B: no gold files"):
        read_annotation_pair(tmp_path / "a", tmp_path / "empty", seeds)
    with pytest.raises(AgreementInputError, match="B: .* is not a directory"):
        read_annotation_pair(tmp_path / "a", tmp_path / "missing", seeds)
    write(tmp_path / "b", gold_file("d2", []))
    with pytest.raises(AgreementInputError, match="share no document"):
        read_annotation_pair(tmp_path / "a", tmp_path / "b", seeds)
