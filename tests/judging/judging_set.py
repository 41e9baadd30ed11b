"""A four-pair validation set on the test paragraph (``judging_pairs``), labeled by reading it.

Two predictions state the gold claim (same), two state another clause or
credit the opinion to another person (different).
"""

from __future__ import annotations

import json
from pathlib import Path

from judging_pairs import gold_document, prediction, quantity, span, speaker

from harness.annotations import Claim
from harness.judging.items import item_for
from harness.judging.validation import ValidationPair

PAIRS = (
    ("t1", "g1", Claim("p", span("أعلنت وزارة الصحة في عمّان يوم الأحد تسجيل 120 إصابة جديدة بالحصبة"), "", quantity=quantity("120 إصابة", 120)),
     "same", "the 120 new cases, with the ministry's framing"),
    ("t2", "g3", Claim("p", span("أن حملة التطعيم تأخرت كثيراً"), "", kind="opinion"), "same", "the doctor's opinion with a leading أن"),
    ("t3", "g1", Claim("p", span("قال الناطق باسمها سامر الخطيب إن 30 منها في مدينة الزرقاء"), ""), "different", "the Zarqa breakdown, another clause"),
    ("t4", "g3", Claim("p", span("حملة التطعيم تأخرت كثيراً"), "", kind="opinion", speaker=speaker("سامر الخطيب")),
     "different", "the opinion credited to the spokesman"),
)  # fmt: skip


def small_set() -> list[ValidationPair]:
    return [ValidationPair(pid, item_for(gold_document(), prediction(claim), gold_id, 0), label, reason, {"test": True}) for pid, gold_id, claim, label, reason in PAIRS]


def write_small_set(path: Path) -> Path:
    path.write_text("".join(json.dumps(p.to_json(), ensure_ascii=False) + "\n" for p in small_set()), encoding="utf-8")
    return path
