"""Backends for a model judge, with decoding constrained to the verdict's JSON schema where the engine can.

The extractors' backends (:mod:`harness.extractors.llm.backends`) generate
free text; a judge wants one small JSON object and nothing else, and an
engine that can enforce a schema removes a whole class of unparseable
answers. What each engine offers:

* ``llama_cpp``: llama-cpp-python turns a JSON schema into a grammar
  (``response_format={"type": "json_object", "schema": ...}``); the judge
  wraps the extractor's backend (same model loading, same identity) and
  passes the schema on every call;
* ``openai``: OpenAI-compatible servers take ``response_format`` with a
  ``json_schema`` in the request body (vLLM, llama.cpp's server, OpenAI);
  it is added to the backend's ``extra_body`` unless the config sets its own;
* ``transformers`` and anything else: no constraint; the answer is read
  strictly all the same (:mod:`harness.judging.verdicts`).

Whether the answers were constrained is part of the judge's identity.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from harness.extractors.llm.backends import (
    Backend,
    BackendError,
    ChatMessage,
    Generation,
    create_backend,
)
from harness.extractors.llm.backends.base import cut_at_stop
from harness.extractors.llm.settings import GenerationSettings


class JsonSchemaLlamaCpp:
    """A llama.cpp backend whose every answer is constrained to one JSON schema.

    It reuses the wrapped backend's model loading (and so its identity and
    its measured thread settings) and only adds the schema to the call.
    """

    kind = "llama_cpp"

    def __init__(self, inner: Any, schema: dict[str, Any]):
        self.inner = inner
        self.schema = schema

    def identity(self) -> dict[str, Any]:
        return {**self.inner.identity(), "json_schema": self.schema}

    def generate(self, messages: Sequence[ChatMessage], settings: GenerationSettings) -> Generation:
        llm = self.inner._load(settings)
        started = time.perf_counter()
        try:
            response = llm.create_chat_completion(
                messages=[{"role": m.role, "content": m.content} for m in messages],
                temperature=settings.temperature,
                top_k=1 if settings.temperature == 0 else 40,
                seed=settings.seed,
                max_tokens=settings.max_new_tokens,
                repeat_penalty=settings.repetition_penalty,
                stop=list(settings.stop) or None,
                response_format={"type": "json_object", "schema": self.schema},
            )
        except ValueError as err:  # e.g. the prompt does not fit the context window
            raise BackendError(f"llama.cpp: {err}") from None
        choice = response["choices"][0]
        text, _ = cut_at_stop(choice["message"]["content"] or "", settings.stop)
        usage = response.get("usage") or {}
        return Generation(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            finish_reason=str(choice.get("finish_reason") or "stop"),
            total_seconds=time.perf_counter() - started,
        )

    def close(self) -> None:
        self.inner.close()


def openai_response_format(schema: dict[str, Any]) -> dict[str, Any]:
    """The ``response_format`` of an OpenAI-compatible request constrained to ``schema``."""
    return {"type": "json_schema", "json_schema": {"name": "verdict", "schema": schema, "strict": True}}


def schema_backend(params: dict[str, Any], schema: dict[str, Any], where: str = "backend") -> tuple[Backend, bool]:
    """A backend from its config mapping, constrained to ``schema`` where the engine can; and whether it is."""
    if not isinstance(params, dict):
        raise ValueError(f"{where}: expected a mapping, got {params!r}")
    kind = params.get("kind", "llama_cpp")
    if kind == "openai":
        extra = dict(params.get("extra_body") or {})
        extra.setdefault("response_format", openai_response_format(schema))
        return create_backend({**params, "extra_body": extra}, where), True
    backend = create_backend(params, where)
    if kind == "llama_cpp":
        return JsonSchemaLlamaCpp(backend, schema), True
    return backend, False
