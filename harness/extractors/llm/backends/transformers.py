"""transformers models: encoder-decoders (mT5, flan-T5, AraT5) and decoder-only chat models.

``model`` is a hub id (read from the local Hugging Face cache; these machines
cannot download) or a local directory. ``architecture`` picks the class:
``seq2seq`` (``AutoModelForSeq2SeqLM``: the chat messages are flattened into
one text, see ``flatten_messages``), ``causal`` (``AutoModelForCausalLM``:
the tokenizer's chat template lays out the messages), or ``auto`` (the
config's ``is_encoder_decoder`` decides).

Identity for the fingerprint: a local directory is hashed (every file's
name and SHA-256), a hub id gives its revision (the one asked for, and the
commit the cache resolved when known).

Decoding follows the settings: greedy unless a temperature is set (then
sampling with the settings' seed), ``max_new_tokens``, ``repetition_penalty``,
stop strings cut afterwards, and ``threads`` as torch's thread count.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness.extractors.llm.backends.base import (
    BackendError,
    ChatMessage,
    Generation,
    cut_at_stop,
    flatten_messages,
)
from harness.extractors.llm.settings import GenerationSettings

_KNOWN = {"model", "architecture", "revision", "dtype"}
ARCHITECTURES = ("auto", "seq2seq", "causal")


def directory_digest(folder: Path) -> str:
    """SHA-256 over the relative names and contents of every file in ``folder``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode("utf-8") + b"\0")
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()


class TransformersBackend:
    kind = "transformers"

    def __init__(self, model: str, *, architecture: str = "auto", revision: str | None = None, dtype: str = "float32"):
        if architecture not in ARCHITECTURES:
            raise ValueError(f"backend.architecture: expected one of {', '.join(ARCHITECTURES)}, got {architecture!r}")
        self.model_name = model
        self.architecture = architecture
        self.revision = revision
        self.dtype = dtype
        self._local = Path(model).is_dir()
        self._digest = directory_digest(Path(model)) if self._local else None
        self._model: Any = None
        self._tokenizer: Any = None
        self._is_seq2seq: bool | None = None

    @classmethod
    def from_params(cls, params: dict[str, Any], where: str = "backend") -> TransformersBackend:
        unknown = sorted(set(params) - _KNOWN)
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)} for kind transformers; known: {', '.join(sorted(_KNOWN))}")
        if not isinstance(params.get("model"), str) or not params["model"]:
            raise ValueError(f"{where}.model: required for kind transformers (a hub id or a local directory)")
        return cls(
            params["model"],
            architecture=params.get("architecture", "auto"),
            revision=params.get("revision"),
            dtype=params.get("dtype", "float32"),
        )

    def _load(self) -> None:
        if self._model is not None:
            return
        import torch
        from transformers import (
            AutoConfig,
            AutoModelForCausalLM,
            AutoModelForSeq2SeqLM,
            AutoTokenizer,
        )

        kwargs: dict[str, Any] = {"revision": self.revision} if self.revision else {}
        try:
            config = AutoConfig.from_pretrained(self.model_name, **kwargs)
            self._is_seq2seq = (
                bool(getattr(config, "is_encoder_decoder", False)) if self.architecture == "auto" else self.architecture == "seq2seq"
            )
            cls = AutoModelForSeq2SeqLM if self._is_seq2seq else AutoModelForCausalLM
            self._tokenizer = AutoTokenizer.from_pretrained(self.model_name, **kwargs)
            self._model = cls.from_pretrained(self.model_name, dtype=getattr(torch, self.dtype), **kwargs)
        except (OSError, ValueError) as err:
            raise BackendError(f"transformers model {self.model_name!r} cannot be loaded: {err}") from None
        self._model.eval()

    def identity(self) -> dict[str, Any]:
        return {
            "engine": "transformers",
            "model": self.model_name if not self._local else Path(self.model_name).name,
            "model_sha256": self._digest,
            "revision": self.revision,
            "architecture": self.architecture,
            "dtype": self.dtype,
        }

    def _prompt_ids(self, messages: Sequence[ChatMessage]) -> list[int]:
        tokenizer = self._tokenizer
        if self._is_seq2seq:
            return tokenizer(flatten_messages(messages))["input_ids"]
        if getattr(tokenizer, "chat_template", None):
            text = tokenizer.apply_chat_template(
                [{"role": m.role, "content": m.content} for m in messages], tokenize=False, add_generation_prompt=True
            )
            return tokenizer(text, add_special_tokens=False)["input_ids"]
        return tokenizer(flatten_messages(messages))["input_ids"]

    def generate(self, messages: Sequence[ChatMessage], settings: GenerationSettings) -> Generation:
        import torch

        if settings.json_schema is not None:
            raise BackendError("the transformers backend cannot constrain decoding to a schema; use constraint: none")
        self._load()
        torch.set_num_threads(settings.threads)
        torch.manual_seed(settings.seed)
        ids = self._prompt_ids(messages)
        inputs = torch.tensor([ids], dtype=torch.long)
        sampling = settings.temperature > 0
        options: dict[str, Any] = {
            "max_new_tokens": settings.max_new_tokens,
            "do_sample": sampling,
            "num_beams": 1,
            "repetition_penalty": settings.repetition_penalty,
            "attention_mask": torch.ones_like(inputs),
        }
        if sampling:
            options["temperature"] = settings.temperature
        else:
            # Greedy: clear sampling defaults a model's generation config may carry.
            options.update({"temperature": None, "top_p": None, "top_k": None})
        pad = self._tokenizer.pad_token_id if self._tokenizer.pad_token_id is not None else self._tokenizer.eos_token_id
        if pad is not None:
            options["pad_token_id"] = pad
        started = time.perf_counter()
        with torch.no_grad():
            output = self._model.generate(inputs, **options)
        seconds = time.perf_counter() - started
        new = output[0].tolist() if self._is_seq2seq else output[0, len(ids):].tolist()
        eos = self._tokenizer.eos_token_id
        ended = eos is not None and eos in new
        text = self._tokenizer.decode(new, skip_special_tokens=True)
        text, stopped = cut_at_stop(text, settings.stop)
        generated = len(new) - (1 if self._is_seq2seq and new and new[0] == self._model.config.decoder_start_token_id else 0)
        finish = "stop" if ended or stopped or generated < settings.max_new_tokens else "length"
        return Generation(
            text=text,
            prompt_tokens=len(ids),
            completion_tokens=generated,
            finish_reason=finish,
            total_seconds=seconds,
        )

    def close(self) -> None:
        self._model = None
        self._tokenizer = None
