"""Any OpenAI-compatible chat endpoint: vLLM, llama.cpp's server, Ollama, ...

For users with a GPU server: the harness sends one ``POST {base_url}/chat/completions``
per paragraph and reads ``choices[0].message.content``. Only the standard
library is used (no client package to pin).

What the fingerprint can know: the URL, the model name the server is asked
for, and a model hash or revision the config declares (``model_sha256`` or
``model_revision``). The server is trusted to serve what the config names;
declare the hash when you want cached answers tied to one set of weights.

Servers disagree on the repetition penalty's field: llama.cpp calls it
``repeat_penalty``, vLLM ``repetition_penalty``, OpenAI itself has none and
refuses unknown fields. ``penalty_field`` picks the name (or ``null`` to
send none).
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Sequence

from harness.extractors.llm.backends.base import BackendError, ChatMessage, Generation, cut_at_stop
from harness.extractors.llm.settings import GenerationSettings

_KNOWN = {"base_url", "model", "timeout", "api_key_env", "penalty_field", "model_sha256", "model_revision", "extra_body"}


class OpenAIBackend:
    kind = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        timeout: float = 300.0,
        api_key_env: str | None = None,
        penalty_field: str | None = "repeat_penalty",
        model_sha256: str | None = None,
        model_revision: str | None = None,
        extra_body: dict[str, Any] | None = None,
    ):
        parsed = urllib.parse.urlparse(base_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"backend.base_url: expected an http(s) URL, got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = float(timeout)
        self.api_key_env = api_key_env
        self.penalty_field = penalty_field
        self.model_sha256 = model_sha256
        self.model_revision = model_revision
        self.extra_body = dict(extra_body or {})

    @classmethod
    def from_params(cls, params: dict[str, Any], where: str = "backend") -> "OpenAIBackend":
        unknown = sorted(set(params) - _KNOWN)
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)} for kind openai; known: {', '.join(sorted(_KNOWN))}")
        for key in ("base_url", "model"):
            if not isinstance(params.get(key), str) or not params[key]:
                raise ValueError(f"{where}.{key}: required for kind openai (a non-empty string)")
        timeout = params.get("timeout", 300.0)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise ValueError(f"{where}.timeout: expected a positive number of seconds, got {timeout!r}")
        extra = params.get("extra_body", {})
        if not isinstance(extra, dict):
            raise ValueError(f"{where}.extra_body: expected a mapping, got {extra!r}")
        return cls(
            params["base_url"],
            params["model"],
            timeout=timeout,
            api_key_env=params.get("api_key_env"),
            penalty_field=params.get("penalty_field", "repeat_penalty"),
            model_sha256=params.get("model_sha256"),
            model_revision=params.get("model_revision"),
            extra_body=extra,
        )

    def identity(self) -> dict[str, Any]:
        return {
            "engine": "openai-compatible-http",
            "base_url": self.base_url,
            "model": self.model,
            "model_sha256": self.model_sha256,
            "model_revision": self.model_revision,
            "penalty_field": self.penalty_field,
            "extra_body": self.extra_body,
        }

    def request_body(self, messages: Sequence[ChatMessage], settings: GenerationSettings) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "temperature": settings.temperature,
            "max_tokens": settings.max_new_tokens,
            "seed": settings.seed,
            "stream": False,
        }
        if settings.stop:
            body["stop"] = list(settings.stop)
        if self.penalty_field:
            body[self.penalty_field] = settings.repetition_penalty
        body.update(self.extra_body)
        return body

    def generate(self, messages: Sequence[ChatMessage], settings: GenerationSettings) -> Generation:
        data = json.dumps(self.request_body(messages, settings)).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.api_key_env and os.environ.get(self.api_key_env):
            headers["Authorization"] = f"Bearer {os.environ[self.api_key_env]}"
        request = urllib.request.Request(f"{self.base_url}/chat/completions", data=data, headers=headers, method="POST")
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                payload = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as err:
            detail = err.read(500).decode("utf-8", errors="replace")
            raise BackendError(f"{self.base_url}: HTTP {err.code}: {detail}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as err:
            raise BackendError(f"{self.base_url}: no answer: {getattr(err, 'reason', err)}") from None
        except ValueError as err:
            raise BackendError(f"{self.base_url}: answer is not JSON: {err}") from None
        seconds = time.perf_counter() - started
        try:
            choice = payload["choices"][0]
            content = choice["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise BackendError(f"{self.base_url}: answer has no choices[0].message.content") from None
        text, _ = cut_at_stop(content, settings.stop)
        usage = payload.get("usage") or {}
        return Generation(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            finish_reason=str(choice.get("finish_reason") or "stop"),
            total_seconds=seconds,
        )

    def close(self) -> None:
        return None
