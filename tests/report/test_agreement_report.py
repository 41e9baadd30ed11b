"""``harness gold agree`` end to end: the printed tables, the JSON and the list of disagreements.

The two annotations are written into a temporary directory from a sentence
made up for this test; the expected figures are worked out in the comments.
"""

from __future__ import annotations

import json
from pathlib import Path

from harness.annotations import Annotations, Claim, Entity, Span, Speaker, sha256_text
from harness.cli import main
from harness.serialize import annotations_to_dict

TEXT = "أكد المتحدث باسم الشرطة رامي عيسى أن الطريق بين حماة وحلب أعيد فتحه."


def at(part: str) -> dict:
    start = TEXT.index(part)
    return {"start": start, "end": start + len(part), "text": part}


def write_gold(directory: Path, entities: tuple[Entity, ...], claims: tuple[Claim, ...]) -> None:
    directory.mkdir(parents=True)
    data = {**annotations_to_dict(Annotations("r1", entities, claims)), "text_sha256": sha256_text(TEXT)}
    (directory / "r1.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def setup_dirs(tmp_path: Path) -> tuple[Path, Path, Path]:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "r1.txt").write_bytes(TEXT.encode("utf-8"))
    police = Entity("e1", "ORG", **at("الشرطة"))
    person = Entity("e2", "PER", **at("رامي عيسى"))
    hama = Entity("e3", "LOC", **at("حماة"))
    aleppo = Entity("e4", "LOC", **at("حلب"))
    claim = Claim(
        "c1",
        Span(**at("الطريق بين حماة وحلب أعيد فتحه")),
        "the road is open again",
        speaker=Speaker(**at("رامي عيسى"), entity="e2"),
    )
    write_gold(tmp_path / "a", (police, person, hama, aleppo), (claim,))
    # B: "وحلب" with the conjunction (a boundary disagreement), the police as LOC (a label one).
    b_entities = (
        Entity("e1", "LOC", **at("الشرطة")),
        person,
        hama,
        Entity("e4", "LOC", **at("وحلب")),
    )
    write_gold(tmp_path / "b", b_entities, (claim,))
    return tmp_path / "a", tmp_path / "b", seeds


def test_gold_agree_prints_the_tables_and_writes_json_and_the_disagreement_list(tmp_path, capsys):
    a, b, seeds = setup_dirs(tmp_path)
    out_json, out_md = tmp_path / "agree.json", tmp_path / "disagreements.md"

    code = main(["gold", "agree", str(a), str(b), "--seeds", str(seeds), "--json", str(out_json), "--disagreements", str(out_md)])

    assert code == 0
    printed = capsys.readouterr().out
    # 4 entities each, 2 correct pairs: strict P = R = F1 = 0.5. Partial
    # ignores the label overall: the police pair is exact (correct), the Aleppo
    # pair overlaps (half): (3 + 0.5) / 4 = 0.875.
    assert "| all | 4 | 4 | 0.500 | 0.500 | 0.500 | 0.875 | 0.875 | 0.875 |" in printed
    assert "| evidence | 1 | 0 | 0 | 0 | 1.000 | 1.000 | 1.000 |" in printed
    assert "Disagreements: 2 (entity label: 1, entity boundary: 1)." in printed

    data = json.loads(out_json.read_text(encoding="utf-8"))
    assert data["documents"] == ["r1"]
    assert data["entities"]["spans"][0]["strict"]["f1"] == 0.5
    assert data["claims"]["strict"]["f1"] == 1.0
    assert [d["kind"] for d in data["disagreements"]] == ["label", "boundary"]

    rows = [line for line in out_md.read_text(encoding="utf-8").splitlines() if line.startswith("| 1 ") or line.startswith("| 2 ")]
    assert len(rows) == 2
    assert "label" in rows[0] and "ORG: «الشرطة»" in rows[0] and "LOC: «الشرطة»" in rows[0]
    assert "boundary" in rows[1] and "«حلب»" in rows[1] and "«وحلب»" in rows[1]


def test_gold_agree_refuses_annotations_of_different_texts_with_exit_2(tmp_path, capsys):
    a, b, seeds = setup_dirs(tmp_path)
    data = json.loads((b / "r1.json").read_text(encoding="utf-8"))
    data["text_sha256"] = sha256_text(TEXT + " ")
    (b / "r1.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    code = main(["gold", "agree", str(a), str(b), "--seeds", str(seeds)])

    assert code == 2
    err = capsys.readouterr().err
    assert "r1" in err and "different texts" in err and str(b / "r1.json") in err
