"""The model card's "Scores on the harness tracks", filled from run records.

The card must say how the model does where readers look (the seed articles,
the held-out articles, its dev split), alone and inside the combined setup,
and every figure must come from a run record, never be typed in. This module
finds, for each track of a bench file, the newest run of each setup that
served *these* weights (the extractor fingerprint's ``model_sha256`` equals
the digest of the model directory) on *this* gold (the run's gold hash equals
the track's), and writes their scores into the card (``training.json`` key
``harness_tracks``; ``README.md`` re-rendered).

It reads run records through their documented JSON shape (``run.json`` and
``metrics.json``, ``docs/metrics.md``), so it needs nothing of the runner.

    harness run configs/bench-ner.yaml
    python -m harness.training.track_scores --bench configs/bench-ner.yaml --model models/ner-e5-anercorp
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

#: The convention of the project's own gold (``harness/conventions/project.yaml``).
PROJECT = "project"
#: Key of the section in ``training.json``.
RECORD_KEY = "harness_tracks"

#: F1 with the low and high ends of its interval (None when the run kept no interval).
Score = tuple[float, float | None, float | None]


@dataclass(frozen=True)
class TrackScore:
    """One setup's scores on one track, as its run record holds them."""

    setup: str
    track: str
    run_id: str
    documents: int
    #: Documents of the track that shaped the setup (its training sentences, the rules' seeds).
    in_sample_documents: int
    #: The convention of the track's gold (``project`` for the gold sets, ``anercorp`` for the CoNLL dev split).
    gold_convention: str
    #: Entity strict F1 [low, high] over the labels the setup emits, under the gold's own convention.
    entities_strict: Score
    #: The same under the model's convention (``anercorp``), when the gold's is another one.
    own_convention: str
    own_convention_strict: Score | None
    #: Claims strict F1 (the headline claim mode); None when the track or the setup has no claims.
    claims_strict: Score | None
    #: The confidence level of the intervals (``metrics.json`` ``bootstrap.level``).
    level: float | None = None


def _score(block: dict[str, Any]) -> Score:
    """F1 and its interval as the record holds them (unrounded: the card rounds once, as the console does)."""
    low, high = block.get("f1_ci") or (None, None)
    return (block["f1"], low, high)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ValueError(f"{path}: cannot read the run record ({err})") from None


def served_model_digest(fingerprint: dict[str, Any]) -> str | None:
    """The ``model_sha256`` of the NER model an extractor fingerprint names (alone, or inside a combined setup)."""
    if isinstance(fingerprint.get("model_sha256"), str):
        return fingerprint["model_sha256"]
    for value in fingerprint.values():
        if isinstance(value, dict):
            found = served_model_digest(value)
            if found:
                return found
    return None


def track_score(run_dir: Path) -> TrackScore:
    """The scores of one run record (``run.json`` + ``metrics.json``)."""
    run = _read_json(run_dir / "run.json")
    metrics = _read_json(run_dir / "metrics.json")
    try:
        convention = run["extractor"].get("convention", PROJECT)
        gold_convention = (run.get("corpus") or {}).get("convention", PROJECT)
        own = (metrics.get("conventions") or {}).get(convention)
        claims = metrics.get("claims")
        return TrackScore(
            setup=run["setup"],
            track=run.get("track", ""),
            run_id=run["run_id"],
            documents=metrics["documents"],
            in_sample_documents=(run.get("in_sample") or {}).get("documents", 0),
            gold_convention=gold_convention,
            entities_strict=_score(metrics["entities"]["strict"]),
            own_convention=convention,
            own_convention_strict=_score(own["strict"]) if own else None,
            claims_strict=_score(claims["strict"]) if claims else None,
            level=(metrics.get("bootstrap") or {}).get("level"),
        )
    except (KeyError, TypeError) as err:
        raise ValueError(f"{run_dir}: run record without the expected key {err} (docs/metrics.md)") from None


def find_track_scores(runs_dir: Path, model_digest: str, tracks: dict[str, str], setups: Sequence[str] = ()) -> list[TrackScore]:
    """The newest run of each (setup, track) that served the model with this digest on each track's gold.

    ``tracks`` maps a track name to the gold hash its corpus has now; a run
    scored on other gold (before a gold fix) is passed over. Rows come in
    the order of ``setups`` (others after them, by name), then of ``tracks``.
    """
    newest: dict[tuple[str, str], tuple[str, Path]] = {}
    for run_json in sorted(Path(runs_dir).glob("*/run.json")):
        run = _read_json(run_json)
        track = run.get("track", "")
        if track not in tracks or run.get("gold_sha256") != tracks[track]:
            continue
        if served_model_digest((run.get("extractor") or {}).get("fingerprint") or {}) != model_digest:
            continue
        key = (run["setup"], track)
        started = run.get("started_at", "")
        if key not in newest or started > newest[key][0]:
            newest[key] = (started, run_json.parent)
    track_order, setup_order = list(tracks), list(setups)
    keys = sorted(newest, key=lambda k: (setup_order.index(k[0]) if k[0] in setup_order else len(setup_order), k[0], track_order.index(k[1])))
    return [track_score(newest[key][1]) for key in keys]


def section_record(scores: Sequence[TrackScore], model_digest: str, bench: str, commands: Sequence[str]) -> dict[str, Any]:
    """What ``training.json`` keeps under ``harness_tracks``."""
    return {"model_sha256": model_digest, "bench": bench, "commands": list(commands), "rows": [asdict(s) for s in scores]}


def _cell(score: Sequence[float | None] | None) -> str:
    if score is None:
        return "n/a"
    f1, low, high = score
    return f"{f1:.3f} [{low:.3f}, {high:.3f}]" if low is not None and high is not None else f"{f1:.3f}"


def _level_text(section: dict[str, Any]) -> str:
    """The intervals' level as the runs recorded it ("95%"), or "per-run" when the rows differ."""
    levels = {row.get("level") for row in section.get("rows", [])}
    if len(levels) == 1 and isinstance(next(iter(levels)), (int, float)):
        return f"{next(iter(levels)):.0%}"
    return "per-run"


def render_section(section: dict[str, Any], dev_line: str | None) -> list[str]:
    """The card's Markdown for ``harness_tracks``."""
    lines = [
        "## Scores on the harness tracks",
        f"Filled from run records by `harness.training.track_scores` (the newest run of each setup that served these weights,"
        f" model SHA-256 `{section['model_sha256'][:16]}…`, on each track's current gold; bench `{section['bench']}`).",
        f"Entity strict F1 is over the labels the setup emits, with its {_level_text(section)} bootstrap interval over documents; the project",
        "convention is the gold as labeled (`gold/GUIDELINES.md`), `anercorp` the gold projected onto ANERcorp's habits",
        "(`harness/conventions/anercorp.yaml`: whole tokens with clitics, no nationality adjectives, no DATE/QUANTITY).",
        "† in-sample: the setup was shaped by text of that track (the rules by the seed articles, the model by its training sentences).",
    ]
    if dev_line:
        lines.append(dev_line)
    lines += [
        "",
        "| setup | track | documents | entities strict F1, project convention | under anercorp | claims strict F1 | run |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in section["rows"]:
        mark = " †" if row["in_sample_documents"] else ""
        if row["gold_convention"] == PROJECT:
            project, anercorp = _cell(row["entities_strict"]), _cell(row["own_convention_strict"])
        else:  # the gold already follows another convention (the ANERcorp dev split)
            project = f"n/a ({row['gold_convention']} gold)"
            anercorp = _cell(row["entities_strict"]) if row["gold_convention"] == "anercorp" else _cell(row["own_convention_strict"])
        lines.append(
            f"| {row['setup']} | {row['track']} | {row['documents']} | {project}{mark} | {anercorp}{mark} | "
            f"{_cell(row['claims_strict'])}{mark if row['claims_strict'] else ''} | `{row['run_id']}` |"
        )
    lines += ["", "Commands:", "", "```bash", *section["commands"], "```"]
    return lines


def bench_tracks(bench: Path) -> tuple[dict[str, str], tuple[str, ...]]:
    """Each track of the bench file with the gold hash its corpus has now (absent optional corpora left out), and its setups."""
    from harness.config import load_run_config

    config = load_run_config(bench)
    digests: dict[str, str] = {}
    for track in config.tracks:
        if track.optional and not track.corpus.path.exists():
            continue
        digests[track.name] = track.corpus.load().gold_sha256
    return digests, tuple(s.setup for s in config.setups)


def fill_card(model_dir: Path, bench: Path, runs_dir: Path, commands: Sequence[str]) -> tuple[Path, list[TrackScore]]:
    """Write the section into the card of ``model_dir`` from the runs in ``runs_dir``; refuse when there are none."""
    from harness.extractors.ner.loading import directory_digest
    from harness.training.card import update_card

    digest = directory_digest(model_dir)
    tracks, setups = bench_tracks(bench)
    scores = find_track_scores(runs_dir, digest, tracks, setups)
    if not scores:
        raise LookupError(
            f"{runs_dir}: no run served the model in {model_dir} (SHA-256 {digest[:16]}…) on the tracks of {bench}; "
            f"run `harness run {bench}` first"
        )
    return update_card(model_dir, {RECORD_KEY: section_record(scores, digest, str(bench), commands)}), scores


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness.training.track_scores", description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", type=Path, default=Path("configs/bench-ner.yaml"))
    parser.add_argument("--model", type=Path, default=Path("models/ner-e5-anercorp"))
    parser.add_argument("--runs", type=Path, default=Path("results/runs"), help="run records (default results/runs)")
    args = parser.parse_args(argv)
    commands = [
        f"harness run {args.bench}",
        f"harness leaderboard --bench {args.bench}",
        f"python -m harness.training.track_scores --bench {args.bench} --model {args.model}",
    ]
    try:
        card, scores = fill_card(args.model, args.bench, args.runs, commands)
    except (LookupError, ValueError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for score in scores:
        print(f"{score.setup} on {score.track}: entities strict {_cell(score.entities_strict)}, own convention "
              f"{_cell(score.own_convention_strict)}, claims strict {_cell(score.claims_strict)} ({score.run_id})")
    print(f"card written: {card}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
