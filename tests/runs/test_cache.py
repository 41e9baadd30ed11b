"""The prediction cache: keyed by fingerprint and code, entries checked against their own content hash."""

from __future__ import annotations

import json

from harness.annotations import Annotations, Document, Entity, Prediction
from harness.runs.cache import PredictionCache

DOC = Document("d1", "زار الوفد مدينة حمص أمس.")
START = DOC.text.index("حمص")
PREDICTION = Prediction("d1", Annotations("d1", (Entity("e1", "LOC", START, START + 3, "حمص"),)), meta={"note": "x"})


def test_an_entry_is_served_for_its_key_and_document_only(tmp_path):
    cache = PredictionCache(tmp_path)
    cache.put("key-a", DOC.sha256, PREDICTION)
    assert cache.get("key-a", DOC.sha256, "renamed") == Prediction("renamed", Annotations("renamed", PREDICTION.annotations.entities), meta={"note": "x"})
    assert cache.get("key-b", DOC.sha256, "d1") is None
    assert cache.get("key-a", "0" * 64, "d1") is None
    assert cache.rejected == []


def test_a_hand_edited_entry_that_still_parses_is_not_served_and_is_reported(tmp_path):
    cache = PredictionCache(tmp_path)
    cache.put("key-a", DOC.sha256, PREDICTION)
    (path,) = tmp_path.rglob("*.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["annotations"]["entities"] = []
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    assert cache.get("key-a", DOC.sha256, "d1") is None
    assert len(cache.rejected) == 1 and "does not match its recorded SHA-256" in cache.rejected[0] and str(path) in cache.rejected[0]


def test_a_damaged_entry_is_recomputed_not_a_crash(tmp_path):
    cache = PredictionCache(tmp_path)
    cache.put("key-a", DOC.sha256, PREDICTION)
    (path,) = tmp_path.rglob("*.json")
    path.write_text(path.read_text(encoding="utf-8")[:40], encoding="utf-8")
    assert cache.get("key-a", DOC.sha256, "d1") is None
    assert "unreadable" in cache.rejected[0]


def test_a_failed_prediction_is_never_cached(tmp_path):
    cache = PredictionCache(tmp_path)
    cache.put("key-a", DOC.sha256, Prediction("d1", Annotations("d1"), error="boom"))
    assert not list(tmp_path.rglob("*.json"))
