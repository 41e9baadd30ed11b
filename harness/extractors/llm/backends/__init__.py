"""Generation engines behind one interface (``base.Backend``).

- ``llama_cpp``: GGUF files through llama-cpp-python (the fast path on a CPU);
- ``transformers``: encoder-decoder (mT5, flan-T5, AraT5) and chat models;
- ``openai_http``: any OpenAI-compatible server (vLLM, llama.cpp server, Ollama),
  several requests in flight, retried with backoff (``retry``).

``create_backend`` builds one from the ``backend`` mapping of a setup config;
the engine modules are imported only when used, so a run of the rule
baseline never imports torch or llama.cpp.
"""

from __future__ import annotations

from typing import Any

from harness.extractors.llm.backends.base import (
    Backend,
    BackendError,
    ChatMessage,
    Generation,
)

__all__ = ["Backend", "BackendError", "ChatMessage", "Generation", "create_backend", "BACKEND_KINDS"]

BACKEND_KINDS = ("llama_cpp", "transformers", "openai")


def create_backend(params: dict[str, Any], where: str = "backend") -> Backend:
    """A backend from its config mapping: ``{kind: llama_cpp|transformers|openai, ...}``."""
    if not isinstance(params, dict):
        raise ValueError(f"{where}: expected a mapping, got {params!r}")
    kind = params.get("kind", "llama_cpp")
    options = {k: v for k, v in params.items() if k != "kind"}
    if kind == "llama_cpp":
        from harness.extractors.llm.backends.llama_cpp import LlamaCppBackend

        return LlamaCppBackend.from_params(options, where)
    if kind == "transformers":
        from harness.extractors.llm.backends.transformers import TransformersBackend

        return TransformersBackend.from_params(options, where)
    if kind == "openai":
        from harness.extractors.llm.backends.openai_http import OpenAIBackend

        return OpenAIBackend.from_params(options, where)
    raise ValueError(f"{where}.kind: unknown backend {kind!r}; known: {', '.join(BACKEND_KINDS)}")
