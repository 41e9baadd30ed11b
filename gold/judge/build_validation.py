"""Build the judge validation set from run records and the labels written by close reading.

Two steps, both reproducible from the files in this folder:

1. ``candidates``: read the run records named on the command line (their
   ``predictions.jsonl`` and ``documents.jsonl``), and collect, per document,
   every gold/predicted claim pair the scorer **aligned**, plus **neighbour**
   pairs: a gold claim and a predicted claim of the same document whose
   evidence overlaps or sits in the same sentence but that the scorer did not
   align with each other (the realistic near misses a judge must call
   different, and the duplicates it may have to call same). Pairs with the
   same content (document, gold claim, predicted evidence and slots) seen in
   several runs are kept once, with every run that produced them. Written to
   a scratch file of candidates, each with a stable id (a hash of its content).
   Not every pair is kept: the pool is split into groups (the rule-frame
   extractors ``rules`` and ``ner+rules-claims``, whose claims share frames,
   and the LLM; aligned and neighbour pairs apart) and each group is sampled
   at random (seed :data:`SEED`) down to its quota in :data:`QUOTAS`, fixed
   before any pair was read, so no pair was chosen for being easy or hard.
2. ``merge``: join ``labels.jsonl`` (``{"id", "label", "reason"}`` per line,
   written by reading each candidate and its sentences) with the candidates
   into ``validation.jsonl``, in candidate order; every label must name a
   candidate, and a candidate without a label is left out and counted.
   ``validation.jsonl`` then holds everything the candidates held (items and
   sources), so the scratch file is not kept.

Usage (from the project root)::

    python gold/judge/build_validation.py candidates RUN_DIR... > /tmp/candidates.jsonl
    python gold/judge/build_validation.py show /tmp/candidates.jsonl [FIRST [LAST]]
    python gold/judge/build_validation.py merge /tmp/candidates.jsonl
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path
from typing import Any

from harness.judging.items import JudgeItem, ends_sentence, item_for
from harness.runs.compare import spec_from_json
from harness.runs.record import read_record

HERE = Path(__file__).resolve().parent
SEED = 13
#: Setups whose claims come from the rule baseline's frames.
RULE_FRAME_SETUPS = ("rules", "ner+rules-claims")
#: Pairs drawn per (extractor family, aligned?) group.
QUOTAS = {("rules-family", True): 100, ("rules-family", False): 70, ("llm", True): 80, ("llm", False): 30}


def family(setup: str) -> str:
    return "rules-family" if setup in RULE_FRAME_SETUPS else "llm"


def _sentence_of(text: str, position: int) -> tuple[int, int]:
    start = position
    while start > 0 and not ends_sentence(text, start - 1):
        start -= 1
    end = position
    while end < len(text) and not ends_sentence(text, end):
        end += 1
    return start, end


def _content_id(item: JudgeItem) -> str:
    p = item.predicted
    slots = [(s.text, s.start, s.end) if s is not None else None for s in (p.speaker, p.quantity, p.time, p.location)]
    key = json.dumps([item.doc_id, item.gold.id, p.evidence.start, p.evidence.end, slots], ensure_ascii=False)
    return "p" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


def candidates(run_dirs: list[Path]) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    for run_dir in run_dirs:
        record = read_record(run_dir, with_results=True)
        assert record.results is not None, f"{run_dir}: no per-document results"
        corpus = spec_from_json(record.corpus_spec).load()
        gold_by_id = {g.document.doc_id: g for g in corpus.documents}
        predictions = {p.doc_id: p for p in record.predictions()}
        run = {"track": record.track, "setup": record.setup, "run_id": record.run_id, "git": (record.run.get("git") or {}).get("commit")}
        for result in record.results:
            if result.claims is None or result.doc_id not in predictions:
                continue
            gold, prediction = gold_by_id[result.doc_id], predictions[result.doc_id]
            text = gold.document.text
            aligned = {(p.gold_id, p.predicted_index) for p in result.claims.pairs}
            pairs = [(g, i, True) for g, i in sorted(aligned, key=lambda k: (k[1], k[0]))]
            grounded = {p.predicted_index for p in result.claims.pairs} | {c.predicted_index for c in result.claims.spurious}
            for g in gold.gold.claims:
                sentence = _sentence_of(text, g.evidence.start)
                for index in sorted(grounded):
                    p = prediction.annotations.claims[index]
                    if (g.id, index) in aligned:
                        continue
                    overlaps = max(g.evidence.start, p.evidence.start) < min(g.evidence.end, p.evidence.end)
                    same_sentence = sentence[0] <= p.evidence.start < sentence[1] or _sentence_of(text, p.evidence.start) == sentence
                    if overlaps or same_sentence:
                        pairs.append((g.id, index, False))
            for gold_id, index, is_aligned in pairs:
                item = item_for(gold, prediction, gold_id, index)
                cid = _content_id(item)
                if cid not in found:
                    found[cid] = {"id": cid, "item": item.to_json(), "aligned": is_aligned, "sources": []}
                    order.append(cid)
                found[cid]["sources"].append({**run, "aligned": is_aligned})
    pool = [found[c] for c in order]
    rng = random.Random(SEED)
    chosen: set[str] = set()
    for (group, is_aligned), quota in QUOTAS.items():
        members = [c["id"] for c in pool if family(c["sources"][0]["setup"]) == group and c["aligned"] == is_aligned]
        picked = members if len(members) <= quota else rng.sample(members, quota)
        print(f"group {group} {'aligned' if is_aligned else 'neighbour'}: {len(members)} in the pool, {len(picked)} drawn", file=sys.stderr)
        chosen.update(picked)
    return [c for c in pool if c["id"] in chosen]


def show(path: Path, first: int = 0, last: int | None = None) -> None:
    """The candidates as text, for reading."""
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for number, data in enumerate(lines[first:last], start=first):
        item = JudgeItem.from_json(data["item"], data["id"])
        g, p = item.gold_text(), item.predicted_text()
        setups = sorted({s["setup"] for s in data["sources"]})
        print(f"=== #{number} {data['id']} {item.doc_id} gold {item.gold.id} ({item.gold.kind}) {'ALIGNED' if data['aligned'] else 'neighbour'} [{', '.join(setups)}]")
        print(f"CTX : {item.context}")
        print(f"GOLD: {g.evidence}")
        print(f"      = {g.predicate}")
        print(f"      spk={g.speaker} | qty={g.quantity} | time={g.time}({item.gold.time.value if item.gold.time else None}) | loc={g.location}")
        print(f"PRED: {p.evidence}")
        print(f"      spk={p.speaker} | qty={p.quantity} | time={p.time}({item.predicted.time.value if item.predicted.time else None}) | loc={p.location}")


def merge(candidates_path: Path) -> None:
    cands = [json.loads(line) for line in candidates_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    labels: dict[str, dict[str, Any]] = {}
    for number, line in enumerate((HERE / "labels.jsonl").read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        data = json.loads(line)
        if data["id"] in labels:
            raise SystemExit(f"labels.jsonl: line {number}: {data['id']} labeled twice")
        if data["label"] not in ("same", "different"):
            raise SystemExit(f"labels.jsonl: line {number}: label {data['label']!r}")
        labels[data["id"]] = data
    known = {c["id"] for c in cands}
    unknown = sorted(set(labels) - known)
    if unknown:
        raise SystemExit(f"labels.jsonl: labels for unknown candidates {unknown[:5]}")
    out = []
    for c in cands:
        if c["id"] not in labels:
            continue
        label = labels[c["id"]]
        out.append({"id": c["id"], "label": label["label"], "reason": label["reason"], "item": c["item"], "source": {"aligned": c["aligned"], "runs": c["sources"]}})
    with (HERE / "validation.jsonl").open("w", encoding="utf-8") as handle:
        for line in out:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    same = sum(o["label"] == "same" for o in out)
    print(f"validation.jsonl: {len(out)} pairs ({same} same, {len(out) - same} different); {len(cands) - len(out)} candidate(s) unlabeled")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "candidates":
        for line in candidates([Path(a) for a in sys.argv[2:]]):
            print(json.dumps(line, ensure_ascii=False))
    elif command == "show":
        bounds = [int(a) for a in sys.argv[3:5]]
        show(Path(sys.argv[2]), *bounds)
    elif command == "merge":
        merge(Path(sys.argv[2]))
    else:
        raise SystemExit(__doc__)
