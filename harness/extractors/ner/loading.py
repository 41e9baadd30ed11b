"""Where a token-classification model comes from: a local directory or a Hub id.

A local directory is the normal case (the project ships one under
``models/``) and needs no network. A Hub id needs the Hugging Face Hub or a
copy in the local Hub cache; when neither is available the user gets one
line naming the model and saying why, not a traceback from deep inside
``huggingface_hub``.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.common.paths import PROJECT_ROOT

#: The files whose bytes decide what a model directory predicts.
MODEL_FILES = ("config.json", "model.safetensors", "pytorch_model.bin", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")


class ModelUnavailableError(FileNotFoundError):
    """The model can be found neither on disk nor on the Hub; the message is one line."""


@dataclass(frozen=True)
class ModelSource:
    """A resolved model: a local directory, or a Hub id with its revision."""

    #: As the config wrote it (kept in fingerprints and run records).
    name: str
    local_dir: Path | None
    hub_id: str | None = None
    revision: str | None = None


def resolve_source(model: str, revision: str | None = None, root: Path = PROJECT_ROOT) -> ModelSource:
    """A path that exists (as given, or relative to the project root) is local; else a Hub id."""
    for candidate in (Path(model).expanduser(), root / model):
        if candidate.is_dir():
            return ModelSource(model, candidate.resolve())
    hub_id = model.count("/") <= 1 and not model.startswith((".", "/", "~", "models/"))
    if not hub_id:
        raise ModelUnavailableError(f"ner model directory {model!r} does not exist (looked in the working directory and in {root})")
    return ModelSource(model, None, hub_id=model, revision=revision)


def offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def fetch_hub_model(source: ModelSource) -> ModelSource:
    """Download (or find in the Hub cache) the model files; one-line error when impossible."""
    if source.hub_id is None:
        raise ValueError(f"ner model {source.name}: a local model, not a Hub id; nothing to download")
    try:
        from huggingface_hub import snapshot_download

        path = snapshot_download(
            source.hub_id,
            revision=source.revision,
            allow_patterns=["*.json", "*.safetensors", "*.txt", "*.model"],
        )
    except Exception as error:  # noqa: BLE001 - every failure here means "not available"
        why = "HF_HUB_OFFLINE=1 is set and it is not in the local Hub cache" if offline() else f"the Hugging Face Hub is unreachable ({type(error).__name__})"
        raise ModelUnavailableError(
            f"ner model {source.hub_id!r} cannot be loaded: {why}; on a machine with internet access run the "
            f"setup once (or download the model) and point params.model at a local directory"
        ) from None
    return ModelSource(source.name, Path(path), source.hub_id, source.revision)


def directory_digest(directory: Path) -> str:
    """SHA-256 over the names and bytes of the files that decide the predictions."""
    digest = hashlib.sha256()
    for name in MODEL_FILES:
        path = directory / name
        if path.is_file():
            digest.update(name.encode("utf-8") + b"\0")
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def read_model_labels(directory: Path) -> list[str]:
    """``id2label`` of the model's config.json, in id order."""
    path = directory / "config.json"
    try:
        config: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ModelUnavailableError(f"{path}: cannot read the model config ({error})") from None
    id2label = config.get("id2label")
    if not isinstance(id2label, dict) or not id2label:
        raise ModelUnavailableError(f"{path}: no id2label; this is not a token-classification model")
    return [id2label[key] for key in sorted(id2label, key=int)]
