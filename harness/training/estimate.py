"""The dev estimate of a model trained with no dev split.

A model trained on every sentence has nothing left to be scored on, so its
card gives the dev scores of the run that chose its settings: same data,
same settings, the last sentences held out, the epoch count selected there.
That is an estimate (the final model saw 10% more text), and the card says
so. The estimate is refused when the two runs' settings differ, since then
it would describe another model.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from harness.training.trainer import TrainSettings

#: Settings that may differ between the dev run and the final run: they do not
#: change the weights (threads, checkpointing) or are fixed by the dev run's choice (epochs).
_MAY_DIFFER = frozenset({"threads", "checkpoint_every", "max_steps", "epochs"})


def read_dev_estimate(path: Path, settings: TrainSettings) -> dict[str, Any]:
    """The dev figures of the run recorded in ``path`` (a ``training.json``), checked against ``settings``.

    Settings the record predates are read at their defaults (each was added
    with a default that keeps earlier behaviour). The final run must train
    for the epoch the dev run selected.
    """
    path = Path(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileNotFoundError(f"{path}: no such training record (the training.json of the run with a dev split)") from None
    except ValueError as err:
        raise ValueError(f"{path}: not JSON: {err}") from None
    for key in ("settings", "best_epoch", "data"):
        if key not in record:
            raise ValueError(f"{path}: not a training record of a run with a dev split (no {key!r})")
    shipped = record.get("shipped_dev") or {}
    dev = shipped.get("constrained") or record.get("dev")
    if not dev or "conlleval" not in dev:
        raise ValueError(f"{path}: the record holds no dev scores (was it trained with no dev split?)")
    defaults = asdict(TrainSettings())
    ours = asdict(settings)
    differ = [
        f"{f.name}: {record['settings'].get(f.name, defaults[f.name])!r} there, {ours[f.name]!r} here"
        for f in fields(TrainSettings)
        if f.name not in _MAY_DIFFER and record["settings"].get(f.name, defaults[f.name]) != ours[f.name]
    ]
    if differ:
        raise ValueError(f"{path}: the dev run had other settings, so its scores do not estimate this model: " + "; ".join(differ))
    if record["best_epoch"] != settings.epochs:
        raise ValueError(
            f"{path}: the dev run selected epoch {record['best_epoch']}; train for that many epochs (--epochs {record['best_epoch']})"
        )

    def micro(scores: dict[str, Any]) -> dict[str, float]:
        return {scheme: round(scores[scheme]["f1"], 4) for scheme in ("conlleval", "iob2")}

    estimate: dict[str, Any] = {
        "source": str(path),
        "best_epoch": record["best_epoch"],
        "train_sentences": record["data"].get("train_sentences"),
        "dev_sentences": record["data"].get("dev_sentences"),
        "what": "shipped files (float16)" if shipped.get("constrained") else "best epoch during training",
        "constrained": micro(dev),
        "per_label": {label: round(row["f1"], 4) for label, row in sorted(dev["conlleval"]["per_label"].items())},
    }
    if shipped.get("argmax"):
        estimate["argmax"] = micro(shipped["argmax"])
    return estimate
