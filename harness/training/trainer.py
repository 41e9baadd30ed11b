"""Fine-tune an encoder for token classification on the CPU, resumably.

Why a small loop of our own rather than ``transformers.Trainer``: the run
must resume mid-epoch after a crash on a shared 2-core machine, batch by
length (padding is most of the cost on a CPU), score the dev split with the
project's own conlleval scorer every epoch, and keep the best epoch; each of
these is a few lines here.

The batch order of an epoch is a pure function of (seed, epoch), so a run
resumed from a checkpoint sees exactly the batches it would have seen.
"""

from __future__ import annotations

import json
import math
import os
import platform
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from harness.extractors.ner.decoding import DECODINGS, LearnedTransitions, decode
from harness.training.data import (
    IGNORE,
    Example,
    Split,
    TaggedSentence,
    build_examples,
    group_passages,
    label_list,
    repair_orphan_tags,
)

CHECKPOINT_NAME = "checkpoint.pt"
#: The decoding the best epoch is chosen by: the one the NER extractor serves by default.
SELECTION_DECODING = "constrained"
BEST_DIR = "best"


@dataclass(frozen=True)
class TrainSettings:
    """Everything that shapes the trained weights (written into the model card)."""

    epochs: int = 10
    batch_size: int = 16
    learning_rate: float = 1e-4
    #: Learning rate of the word embeddings (None: as their depth gives, see layer_lr_decay).
    embedding_learning_rate: float | None = None
    #: Layer-wise learning-rate decay: each layer below the top learns this factor slower (1.0: off).
    layer_lr_decay: float = 1.0
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    max_grad_norm: float = 1.0
    max_length: int = 128
    seed: int = 42
    threads: int = 2
    freeze_embeddings: bool = False
    #: Save a resumable checkpoint every this many steps (and at each epoch end).
    checkpoint_every: int = 100
    #: Stop after this many optimiser steps in total (tests; None: all epochs).
    max_steps: int | None = None
    #: Batches are formed from pools of this many batches sorted by length.
    length_pool: int = 50
    #: Train a CRF layer (learned label transitions) with the encoder; see harness.training.crf.
    crf: bool = False
    #: Learning rate of the CRF's start and transition scores (they start at zero and need to move far).
    crf_learning_rate: float = 1e-2
    #: Train (and select epochs) on passages of consecutive sentences of at most this many
    #: tokens, read in windows as the extractor reads a document; None: each sentence alone.
    passage_tokens: int | None = None


@dataclass
class EpochRecord:
    epoch: int
    steps: int
    train_loss: float
    seconds: float
    dev: dict[str, Any] = field(default_factory=dict)


@dataclass
class TrainResult:
    out_dir: Path
    best_dir: Path
    best_epoch: int
    history: list[EpochRecord]
    seconds: float
    labels: list[str]
    resumed_from_step: int


def _batches_for_epoch(examples: Sequence[Example], settings: TrainSettings, epoch: int) -> list[list[int]]:
    """Shuffled batches of similar lengths; a pure function of (seed, epoch)."""
    rng = random.Random(settings.seed * 1000 + epoch)
    order = list(range(len(examples)))
    rng.shuffle(order)
    pool = settings.batch_size * settings.length_pool
    batches: list[list[int]] = []
    for begin in range(0, len(order), pool):
        chunk = sorted(order[begin : begin + pool], key=lambda i: len(examples[i].input_ids))
        batches.extend(chunk[i : i + settings.batch_size] for i in range(0, len(chunk), settings.batch_size))
    rng.shuffle(batches)
    return batches


def collate(examples: Sequence[Example], pad_id: int):
    """Right-padded ``input_ids``, ``attention_mask`` and ``labels`` tensors."""
    import torch

    width = max(len(e.input_ids) for e in examples)
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    labels = torch.full((len(examples), width), IGNORE, dtype=torch.long)
    for row, e in enumerate(examples):
        n = len(e.input_ids)
        ids[row, :n] = torch.tensor(e.input_ids)
        mask[row, :n] = 1
        labels[row, :n] = torch.tensor(e.labels)
    return ids, mask, labels


def _text_scores(
    model: Any,
    tokenizer: Any,
    texts: Sequence[TaggedSentence],
    labels: Sequence[str],
    max_length: int,
    overlap: int,
    batch_size: int,
) -> list[np.ndarray]:
    """Log-probabilities of every label for every token of each text (its head sub-token's)."""
    import torch

    label_to_id = {label: i for i, label in enumerate(labels)}
    known = [TaggedSentence(s.tokens, tuple(t if t in label_to_id else "O" for t in s.tags)) for s in texts]
    examples = build_examples(tokenizer, known, label_to_id, max_length, overlap)
    scores = [np.zeros((len(s.tokens), len(labels)), dtype=np.float32) for s in texts]
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].input_ids))
    model.eval()
    with torch.inference_mode():
        for begin in range(0, len(order), batch_size):
            batch = [examples[i] for i in order[begin : begin + batch_size]]
            ids, mask, gold = collate(batch, tokenizer.pad_token_id)
            log_probs = model(input_ids=ids, attention_mask=mask).logits.float().log_softmax(-1).numpy()
            for row, example in enumerate(batch):
                for column, token in zip(example.head_columns, example.token_positions):
                    scores[example.sentence][token] = log_probs[row, column]
    return scores


def predict_sentence_scores(
    model: Any,
    tokenizer: Any,
    sentences: Sequence[TaggedSentence],
    labels: Sequence[str],
    max_length: int,
    batch_size: int = 32,
    passage_tokens: int | None = None,
) -> list[np.ndarray]:
    """Log-probabilities of every label for every token of each sentence.

    With ``passage_tokens``, consecutive sentences are read together as
    passages (see :func:`group_passages`) in windows overlapping by a quarter,
    as the extractor reads a document; otherwise each sentence alone.
    """
    if passage_tokens is None:
        return _text_scores(model, tokenizer, sentences, labels, max_length, 0, batch_size)
    passages = group_passages(sentences, passage_tokens)
    joined = _text_scores(model, tokenizer, [p.text for p in passages], labels, max_length, max_length // 4, batch_size)
    return [block for passage, rows in zip(passages, joined) for block in passage.split_rows(rows)]


def predict_sentence_tags(
    model: Any,
    tokenizer: Any,
    sentences: Sequence[TaggedSentence],
    labels: Sequence[str],
    max_length: int,
    batch_size: int = 32,
    decoding: str = "constrained",
) -> list[list[str]]:
    """Tags per token of each sentence, decoded as the NER extractor decodes them (CRF scores included)."""
    scores = predict_sentence_scores(model, tokenizer, sentences, labels, max_length, batch_size)
    learned = LearnedTransitions.from_config(model.config)
    return [decode(rows, labels, decoding, learned) for rows in scores]


def dev_scores_by_decoding(
    model: Any,
    tokenizer: Any,
    sentences: Sequence[TaggedSentence],
    labels: Sequence[str],
    max_length: int,
    passage_tokens: int | None = None,
) -> dict[str, dict[str, Any]]:
    """:func:`dev_scores` of each decoding the extractor offers, from one forward pass.

    A model trained with a CRF layer carries its learned transitions in its
    config; constrained decoding uses them as the extractor does. With
    ``passage_tokens`` the sentences are read in passages (see
    :func:`predict_sentence_scores`); scores are still per sentence.
    """
    gold = [list(s.tags) for s in sentences]
    scores = predict_sentence_scores(model, tokenizer, sentences, labels, max_length, passage_tokens=passage_tokens)
    learned = LearnedTransitions.from_config(model.config)
    return {decoding: dev_scores(gold, [decode(rows, labels, decoding, learned) for rows in scores]) for decoding in DECODINGS}


def dev_scores(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> dict[str, Any]:
    """Micro and per-type P/R/F1 in conlleval and strict-IOB2 modes (the project's scorer)."""
    from harness.scoring.conlleval import score_tag_sequences

    result: dict[str, Any] = {}
    for scheme in ("conlleval", "iob2"):
        scores = score_tag_sequences(gold, predicted, scheme=scheme).strict
        result[scheme] = {
            "precision": scores.micro.precision,
            "recall": scores.micro.recall,
            "f1": scores.micro.f1,
            "per_label": {row.label: {"precision": row.prf.precision, "recall": row.prf.recall, "f1": row.prf.f1, "support": row.counts.possible} for row in scores.per_label},
        }
    return result


#: Settings that do not change the weights: a run may resume with other values.
_RUNTIME_ONLY = ("threads", "checkpoint_every", "max_steps")


def _shaping(settings: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in settings.items() if k not in _RUNTIME_ONLY}


def _save_atomic(obj: Any, path: Path) -> None:
    import torch

    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def hardware() -> dict[str, Any]:
    """What the training ran on, for the card; the CPU as run records name it (kernels differ between CPUs)."""
    import torch

    from harness.common.environment import this_cpu

    return {
        **this_cpu(),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "python": platform.python_version(),
    }


def layer_depth(name: str, layers: int) -> int:
    """0 for the embeddings, 1..layers for the encoder layers, layers + 1 for everything above."""
    if ".embeddings." in f".{name}":
        return 0
    match = re.search(r"\.layer\.(\d+)\.", name)
    return int(match.group(1)) + 1 if match else layers + 1


def parameter_groups(model: Any, settings: TrainSettings) -> list[dict[str, Any]]:
    """AdamW groups: weight decay except on biases and LayerNorms, learning rate by depth.

    With ``layer_lr_decay`` d < 1, a parameter at depth k (see
    :func:`layer_depth`) learns at ``learning_rate * d ** (top - k)``: the
    classifier at the full rate, lower layers ever more gently, so the
    pre-trained features move less on a small training set. The word
    embeddings may have a rate of their own (``embedding_learning_rate``).
    """
    layers = model.config.num_hidden_layers
    word_embeddings = model.get_input_embeddings().weight
    groups: dict[tuple[float, float], list[Any]] = {}
    for name, parameter in model.named_parameters():
        if not parameter.requires_grad:
            continue
        rate = settings.learning_rate * settings.layer_lr_decay ** (layers + 1 - layer_depth(name, layers))
        if parameter is word_embeddings and settings.embedding_learning_rate:
            rate = settings.embedding_learning_rate
        no_decay = parameter is word_embeddings or name.endswith("bias") or "LayerNorm" in name
        groups.setdefault((rate, 0.0 if no_decay else settings.weight_decay), []).append(parameter)
    return [{"params": params, "lr": rate, "weight_decay": decay} for (rate, decay), params in groups.items()]


def train_token_classifier(
    base_dir: Path | str,
    split: Split,
    out_dir: Path | str,
    settings: TrainSettings = TrainSettings(),
    log: Callable[[str], None] = print,
    progress: bool = True,
) -> TrainResult:
    """Fine-tune the encoder in ``base_dir`` (weights + tokenizer) on ``split.train``.

    Resumes from ``out_dir/checkpoint.pt`` when present. After each epoch the
    dev split is tagged and scored; the best epoch (conlleval F1) is saved as
    a transformers directory in ``out_dir/best``.

    With an empty dev split the run trains for exactly ``settings.epochs``
    epochs and the last epoch is saved as ``best``: the way to train the
    shipped model on every sentence once a run with a dev split has chosen
    the settings and the epoch count. Its epochs then carry no dev scores.
    """
    import torch
    from tqdm.auto import tqdm
    from transformers import (
        AutoModelForTokenClassification,
        AutoTokenizer,
        get_linear_schedule_with_warmup,
    )

    from harness.training.crf import (
        TransitionScores,
        negative_log_likelihood,
        word_emissions,
    )

    started = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(settings.threads)
    random.seed(settings.seed)
    torch.manual_seed(settings.seed)

    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    tokenizer.model_max_length = 10**9  # documents are windowed by us, never truncated
    labels = label_list(split.train)
    label_to_id = {label: i for i, label in enumerate(labels)}
    model = AutoModelForTokenClassification.from_pretrained(
        base_dir,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id=label_to_id,
        dtype=torch.float32,
    )
    embeddings = model.get_input_embeddings()
    if settings.freeze_embeddings:
        embeddings.weight.requires_grad_(False)

    # A CRF scores whole tag paths, and a path through an orphan I- tag is forbidden.
    train = [repair_orphan_tags(s) for s in split.train] if settings.crf else split.train
    if settings.passage_tokens is not None:
        train = [passage.text for passage in group_passages(train, settings.passage_tokens)]
    examples = build_examples(tokenizer, train, label_to_id, settings.max_length)
    steps_per_epoch = math.ceil(len(examples) / settings.batch_size)
    total_steps = steps_per_epoch * settings.epochs
    # max_steps stops the run early but leaves the schedule alone, so a run
    # stopped and resumed follows the same learning rates as one that is not.
    stop_at = total_steps if settings.max_steps is None else min(total_steps, settings.max_steps)

    groups = parameter_groups(model, settings)
    crf = TransitionScores(labels) if settings.crf else None
    if crf is not None:
        groups.append({"params": list(crf.parameters()), "lr": settings.crf_learning_rate, "weight_decay": 0.0})
    trainable = [p for group in groups for p in group["params"]]
    optimizer = torch.optim.AdamW(groups, lr=settings.learning_rate)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(settings.warmup_ratio * total_steps), total_steps)

    checkpoint_path = out_dir / CHECKPOINT_NAME
    epoch, step_in_epoch, global_step = 0, 0, 0
    history: list[EpochRecord] = []
    best_f1, best_epoch = -1.0, -1
    running_loss, running_steps, epoch_seconds = 0.0, 0, 0.0
    if checkpoint_path.exists():
        state = torch.load(checkpoint_path, weights_only=False)
        if _shaping(state["settings"]) != _shaping(asdict(settings)) or state["labels"] != labels:
            raise ValueError(f"{checkpoint_path}: checkpoint was made with other settings or labels; use another --out or delete it")
        model.load_state_dict(state["model"])
        if crf is not None:
            crf.load_state_dict(state["crf"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        epoch, step_in_epoch, global_step = state["epoch"], state["step_in_epoch"], state["global_step"]
        history = [EpochRecord(**h) for h in state["history"]]
        best_f1, best_epoch = state["best_f1"], state["best_epoch"]
        running_loss, running_steps, epoch_seconds = state["running_loss"], state["running_steps"], state["epoch_seconds"]
        torch.set_rng_state(state["torch_rng"])
        log(f"resumed from {checkpoint_path}: epoch {epoch + 1}, step {global_step}")
    resumed_from = global_step

    def checkpoint() -> None:
        _save_atomic(
            {
                "model": model.state_dict(),
                "crf": crf.state_dict() if crf is not None else None,
                "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(),
                "epoch": epoch,
                "step_in_epoch": step_in_epoch,
                "global_step": global_step,
                "history": [asdict(h) for h in history],
                "best_f1": best_f1,
                "best_epoch": best_epoch,
                "running_loss": running_loss,
                "running_steps": running_steps,
                "epoch_seconds": epoch_seconds,
                "torch_rng": torch.get_rng_state(),
                "settings": asdict(settings),
                "labels": labels,
            },
            checkpoint_path,
        )

    while epoch < settings.epochs and global_step < stop_at:
        batches = _batches_for_epoch(examples, settings, epoch)
        model.train()
        bar = tqdm(total=len(batches), initial=step_in_epoch, desc=f"epoch {epoch + 1}/{settings.epochs}", disable=not progress, mininterval=5)
        tick = time.perf_counter()
        while step_in_epoch < len(batches) and global_step < stop_at:
            batch = [examples[i] for i in batches[step_in_epoch]]
            ids, mask, gold = collate(batch, tokenizer.pad_token_id)
            output = model(input_ids=ids, attention_mask=mask, labels=gold)
            loss = output.loss
            if crf is not None:
                # The token loss stays: it keeps each word's own argmax meaningful
                # (the pipeline reads it) and trains the bare word-start markers.
                loss = loss + negative_log_likelihood(*word_emissions(output.logits, batch), crf)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, settings.max_grad_norm)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            running_loss += loss.item()
            running_steps += 1
            step_in_epoch += 1
            global_step += 1
            bar.update(1)
            bar.set_postfix(loss=f"{running_loss / running_steps:.4f}", refresh=False)
            if settings.checkpoint_every and global_step % settings.checkpoint_every == 0:
                epoch_seconds += time.perf_counter() - tick
                tick = time.perf_counter()
                checkpoint()
        bar.close()
        epoch_seconds += time.perf_counter() - tick
        if step_in_epoch < len(batches):  # stopped by max_steps inside the epoch
            checkpoint()
            break
        if crf is not None:
            crf.write_to_config(model.config)
        if not split.dev:
            # No dev split: nothing to select on, so the last epoch is the model (see the docstring).
            record = EpochRecord(epoch + 1, step_in_epoch, running_loss / max(running_steps, 1), round(epoch_seconds, 1), {})
            history.append(record)
            log(f"epoch {epoch + 1}: loss {record.train_loss:.4f} (no dev split), {record.seconds:.0f} s")
            if epoch + 1 == settings.epochs:
                best_epoch = epoch + 1
                model.save_pretrained(out_dir / BEST_DIR)
                tokenizer.save_pretrained(out_dir / BEST_DIR)
            epoch += 1
            step_in_epoch, running_loss, running_steps, epoch_seconds = 0, 0.0, 0, 0.0
            checkpoint()
            (out_dir / "history.json").write_text(json.dumps([asdict(h) for h in history], indent=2), encoding="utf-8")
            continue
        by_decoding = dev_scores_by_decoding(model, tokenizer, split.dev, labels, settings.max_length, settings.passage_tokens)
        scores = {**by_decoding[SELECTION_DECODING], "decoding": SELECTION_DECODING, "argmax_f1": by_decoding["argmax"]["conlleval"]["f1"]}
        if settings.passage_tokens is not None:
            alone = dev_scores_by_decoding(model, tokenizer, split.dev, labels, settings.max_length)
            scores["sentence_alone_f1"] = alone[SELECTION_DECODING]["conlleval"]["f1"]
        record = EpochRecord(epoch + 1, step_in_epoch, running_loss / max(running_steps, 1), round(epoch_seconds, 1), scores)
        history.append(record)
        f1 = scores["conlleval"]["f1"]
        log(
            f"epoch {epoch + 1}: loss {record.train_loss:.4f}, dev F1 {f1:.4f} conlleval / {scores['iob2']['f1']:.4f} strict "
            f"({SELECTION_DECODING} decoding; argmax {scores['argmax_f1']:.4f}"
            + (f"; sentences alone {scores['sentence_alone_f1']:.4f}" if "sentence_alone_f1" in scores else "")
            + f"), {record.seconds:.0f} s"
        )
        if f1 > best_f1:
            best_f1, best_epoch = f1, epoch + 1
            model.save_pretrained(out_dir / BEST_DIR)
            tokenizer.save_pretrained(out_dir / BEST_DIR)
        epoch += 1
        step_in_epoch, running_loss, running_steps, epoch_seconds = 0, 0.0, 0, 0.0
        checkpoint()
        (out_dir / "history.json").write_text(json.dumps([asdict(h) for h in history], indent=2), encoding="utf-8")

    return TrainResult(
        out_dir=out_dir,
        best_dir=out_dir / BEST_DIR,
        best_epoch=best_epoch,
        history=history,
        seconds=time.perf_counter() - started,
        labels=labels,
        resumed_from_step=resumed_from,
    )
