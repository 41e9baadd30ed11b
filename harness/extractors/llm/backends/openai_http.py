"""Any OpenAI-compatible chat endpoint: vLLM, llama.cpp's server, Ollama, ...

For users with a GPU server: the harness sends one ``POST {base_url}/chat/completions``
per paragraph and reads ``choices[0].message.content``. Only the standard
library is used (no client package to pin): ``urllib`` for the requests and
a thread pool for keeping several in flight, which is all this needs.

Concurrency. ``max_concurrency`` requests are kept in flight (default 1: one
after another, for a server that serves one at a time); a server with
several slots (vLLM, llama.cpp's ``llama-server --parallel N``) answers them
together. ``base_url`` may also be a list of servers of the same model
(replicas, e.g. one single-slot server per core): each request goes to the
one with the fewest requests in flight. Replicas must serve the same model
with the same settings; they are one backend in the fingerprint.

Failures. Each request has a ``timeout`` (seconds the server may stay
silent). HTTP 408, 429 and 5xx answers, refused or dropped connections and
timeouts are retried (``retry``: attempts, exponential backoff with seeded
jitter, see ``retry``); a ``Retry-After`` header is waited out when it asks
for no more than ``max_backoff_seconds`` and ends the retries when it asks
for more. Other answers (a 400 for a field the server refuses) fail at once.
The error of a request that failed names the server, the attempts and every
attempt's outcome. Every request, answered or not, is recorded in ``log``
(``RequestRecord``): server, attempts, waits, tokens from the server's
``usage``, latency.

Constrained answers. When the extractor constrains decoding (its settings
carry a JSON Schema), the schema is sent in the form the server understands,
chosen by ``constraint_via``: ``response_format`` (OpenAI structured output,
``{"type": "json_schema", "json_schema": {...}}``: vLLM, OpenAI, recent
llama.cpp servers), ``json_object_schema`` (``{"type": "json_object",
"schema": ...}``: llama-cpp-python's server), ``json_schema`` (a top-level
field: llama.cpp's ``llama-server``) or ``grammar`` (the schema as a GBNF
grammar, built locally with llama-cpp-python's converter: both llama.cpp
servers). A server that ignores the field answers unconstrained; the
extractor's parse status shows it.

What the fingerprint can know: the URL(s), the model name the server is
asked for, a model hash or revision the config declares (``model_sha256``
or ``model_revision``), and how a schema is sent. The server is trusted to
serve what the config names; declare the hash when you want cached answers
tied to one set of weights. Concurrency, timeouts and retries change when
an answer comes, not what it says, so they are not in it.

Servers disagree on the repetition penalty's field: llama.cpp calls it
``repeat_penalty``, vLLM ``repetition_penalty``, OpenAI itself has none and
refuses unknown fields. ``penalty_field`` picks the name (or ``null`` to
send none).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from harness.extractors.llm.backends.base import (
    BackendError,
    ChatMessage,
    Generation,
    Outcome,
    cut_at_stop,
)
from harness.extractors.llm.backends.retry import (
    RETRY_STATUSES,
    Backoff,
    RetryPolicy,
    retry_after_seconds,
)
from harness.extractors.llm.settings import GenerationSettings

_KNOWN = {
    "base_url", "model", "timeout", "api_key_env", "penalty_field", "model_sha256", "model_revision", "extra_body",
    "max_concurrency", "retry", "constraint_via",
}  # fmt: skip
CONSTRAINT_VIA = ("response_format", "json_object_schema", "json_schema", "grammar")
#: The name the schema goes by in an OpenAI ``response_format`` (servers require one).
SCHEMA_NAME = "claims_and_entities"


@dataclass(frozen=True)
class RequestRecord:
    """One request as it went: where, how many sends, what each send met, what came back."""

    url: str
    attempts: int
    #: Each send's outcome: "200", "HTTP 503", "timeout", "connection: ...".
    outcomes: tuple[str, ...]
    #: Seconds waited before each retry.
    waits: tuple[float, ...]
    #: From the first send to the answer (or the last failure), waits included.
    seconds: float
    prompt_tokens: int = 0
    completion_tokens: int = 0
    error: str | None = None


class _Failure(Exception):
    """One send that failed; ``retry`` says whether another send may do better."""

    def __init__(self, outcome: str, detail: str, retry: bool, retry_after: float | None = None):
        super().__init__(detail)
        self.outcome = outcome
        self.detail = detail
        self.retry = retry
        self.retry_after = retry_after


class OpenAIBackend:
    kind = "openai"
    #: Decodes under a JSON Schema when the settings carry one.
    constrains_output = True

    def __init__(
        self,
        base_url: str | Sequence[str],
        model: str,
        *,
        timeout: float = 300.0,
        api_key_env: str | None = None,
        penalty_field: str | None = "repeat_penalty",
        model_sha256: str | None = None,
        model_revision: str | None = None,
        extra_body: dict[str, Any] | None = None,
        max_concurrency: int = 1,
        retry: RetryPolicy | None = None,
        constraint_via: str = "response_format",
    ):
        urls = [base_url] if isinstance(base_url, str) else list(base_url)
        if not urls:
            raise ValueError("backend.base_url: expected an http(s) URL or a list of them, got an empty list")
        for url in urls:
            parsed = urllib.parse.urlparse(url) if isinstance(url, str) else None
            if parsed is None or parsed.scheme not in ("http", "https") or not parsed.netloc:
                raise ValueError(f"backend.base_url: expected an http(s) URL, got {url!r}")
        if constraint_via not in CONSTRAINT_VIA:
            raise ValueError(f"backend.constraint_via: expected one of {', '.join(CONSTRAINT_VIA)}, got {constraint_via!r}")
        if isinstance(max_concurrency, bool) or not isinstance(max_concurrency, int) or max_concurrency < 1:
            raise ValueError(f"backend.max_concurrency: expected a positive integer, got {max_concurrency!r}")
        self.base_urls = tuple(u.rstrip("/") for u in urls)
        self.base_url = self.base_urls[0]
        self.model = model
        self.timeout = float(timeout)
        self.api_key_env = api_key_env
        self.penalty_field = penalty_field
        self.model_sha256 = model_sha256
        self.model_revision = model_revision
        self.extra_body = dict(extra_body or {})
        self.max_concurrency = max_concurrency
        self.retry = retry or RetryPolicy()
        self.constraint_via = constraint_via
        self._backoff = Backoff(self.retry)
        self._lock = threading.Lock()
        self._in_flight = [0] * len(self.base_urls)
        self._sent = [0] * len(self.base_urls)
        #: Every request this backend made, in the order they ended.
        self.log: list[RequestRecord] = []

    @classmethod
    def from_params(cls, params: dict[str, Any], where: str = "backend") -> OpenAIBackend:
        unknown = sorted(set(params) - _KNOWN)
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)} for kind openai; known: {', '.join(sorted(_KNOWN))}")
        if not isinstance(params.get("model"), str) or not params["model"]:
            raise ValueError(f"{where}.model: required for kind openai (a non-empty string)")
        urls = params.get("base_url")
        if not (isinstance(urls, str) and urls) and not (isinstance(urls, list) and urls and all(isinstance(u, str) and u for u in urls)):
            raise ValueError(f"{where}.base_url: required for kind openai (a URL, or a list of URLs of replicas)")
        timeout = params.get("timeout", 300.0)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
            raise ValueError(f"{where}.timeout: expected a positive number of seconds, got {timeout!r}")
        extra = params.get("extra_body", {})
        if not isinstance(extra, dict):
            raise ValueError(f"{where}.extra_body: expected a mapping, got {extra!r}")
        concurrency = params.get("max_concurrency", 1)
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValueError(f"{where}.max_concurrency: expected a positive integer, got {concurrency!r}")
        via = params.get("constraint_via", "response_format")
        if via not in CONSTRAINT_VIA:
            raise ValueError(f"{where}.constraint_via: expected one of {', '.join(CONSTRAINT_VIA)}, got {via!r}")
        return cls(
            urls,
            params["model"],
            timeout=timeout,
            api_key_env=params.get("api_key_env"),
            penalty_field=params.get("penalty_field", "repeat_penalty"),
            model_sha256=params.get("model_sha256"),
            model_revision=params.get("model_revision"),
            extra_body=extra,
            max_concurrency=concurrency,
            retry=RetryPolicy.from_params(params.get("retry", {}) or {}, f"{where}.retry"),
            constraint_via=via,
        )

    def identity(self) -> dict[str, Any]:
        return {
            "engine": "openai-compatible-http",
            "base_url": self.base_url if len(self.base_urls) == 1 else list(self.base_urls),
            "model": self.model,
            "model_sha256": self.model_sha256,
            "model_revision": self.model_revision,
            "penalty_field": self.penalty_field,
            "extra_body": self.extra_body,
            "constraint_via": self.constraint_via,
        }

    # -- the request ------------------------------------------------------
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
        schema = settings.schema()
        if schema is not None:
            body.update(self._constraint_fields(schema, settings.json_schema or ""))
        body.update(self.extra_body)
        return body

    def _constraint_fields(self, schema: dict[str, Any], schema_text: str) -> dict[str, Any]:
        if self.constraint_via == "response_format":
            return {"response_format": {"type": "json_schema", "json_schema": {"name": SCHEMA_NAME, "schema": schema}}}
        if self.constraint_via == "json_object_schema":
            return {"response_format": {"type": "json_object", "schema": schema}}
        if self.constraint_via == "json_schema":
            return {"json_schema": schema}
        from harness.extractors.llm.grammar import gbnf_from_json_schema

        return {"grammar": gbnf_from_json_schema(schema_text)}

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.api_key_env and os.environ.get(self.api_key_env):
            headers["Authorization"] = f"Bearer {os.environ[self.api_key_env]}"
        return headers

    def _pick(self) -> int:
        """The replica with the fewest requests in flight (then the least used)."""
        with self._lock:
            index = min(range(len(self.base_urls)), key=lambda i: (self._in_flight[i], self._sent[i], i))
            self._in_flight[index] += 1
            self._sent[index] += 1
            return index

    def _release(self, index: int) -> None:
        with self._lock:
            self._in_flight[index] -= 1

    def _send(self, url: str, data: bytes) -> dict[str, Any]:
        """One POST; the answer's JSON, or a ``_Failure`` saying whether to try again."""
        request = urllib.request.Request(f"{url}/chat/completions", data=data, headers=self._headers(), method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as err:
            detail = err.read(500).decode("utf-8", errors="replace")
            after = retry_after_seconds(err.headers.get("Retry-After")) if err.headers else None
            raise _Failure(f"HTTP {err.code}", f"HTTP {err.code}: {detail}", err.code in RETRY_STATUSES, after) from None
        except TimeoutError as err:
            raise _Failure("timeout", f"no answer within {self.timeout:g} s ({err})", True) from None
        except urllib.error.URLError as err:
            reason = err.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise _Failure("timeout", f"no answer within {self.timeout:g} s ({reason})", True) from None
            raise _Failure("connection", f"no answer: {reason}", True) from None
        except (OSError, http.client.HTTPException) as err:
            raise _Failure("connection", f"no answer: connection lost ({type(err).__name__}: {err})", True) from None
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError as err:
            raise _Failure("not JSON", f"answer is not JSON: {err}", False) from None

    def _post(self, data: bytes) -> tuple[dict[str, Any], str, list[str], list[float], float]:
        """POST ``data`` until it is answered or the retries are spent.

        Returns the answer's JSON, the server that gave it, every send's
        outcome, the waits between them and the seconds from first send to
        answer; raises ``BackendError`` (recorded in ``log``) when it gives up.
        """
        outcomes: list[str] = []
        waits: list[float] = []
        started = time.perf_counter()
        for attempt in range(1, self.retry.max_attempts + 1):
            index = self._pick()
            url = self.base_urls[index]
            try:
                payload = self._send(url, data)
            except _Failure as failure:
                outcomes.append(failure.outcome)
                wait = self._wait_after(failure, attempt)
                if wait is None:
                    message = self._give_up_message(url, failure, attempt, outcomes)
                    self._record(RequestRecord(url, attempt, tuple(outcomes), tuple(waits), time.perf_counter() - started, error=message))
                    raise BackendError(message) from None
            else:
                outcomes.append("200")
                return payload, url, outcomes, waits, time.perf_counter() - started
            finally:
                self._release(index)
            waits.append(wait)
            time.sleep(wait)
        raise AssertionError("unreachable: the last attempt either answers or gives up")

    def _wait_after(self, failure: _Failure, attempt: int) -> float | None:
        """Seconds to wait before the next send, or None to give up."""
        if not failure.retry or attempt >= self.retry.max_attempts:
            return None
        return self._backoff.wait_before(attempt, failure.retry_after)

    def _give_up_message(self, url: str, failure: _Failure, attempt: int, outcomes: list[str]) -> str:
        reason = failure.detail
        if failure.retry and attempt < self.retry.max_attempts:  # retries left, but the server asked for too long a wait
            reason += f" (the server asks to wait {failure.retry_after:g} s, more than max_backoff_seconds)"
        tries = f" after {attempt} attempts ({', '.join(outcomes)})" if attempt > 1 else ""
        return f"{url}: {reason}{tries}"

    def generate(self, messages: Sequence[ChatMessage], settings: GenerationSettings) -> Generation:
        data = json.dumps(self.request_body(messages, settings)).encode("utf-8")
        payload, url, outcomes, waits, seconds = self._post(data)
        try:
            choice = payload["choices"][0]
            content = choice["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            message = f"{url}: answer has no choices[0].message.content"
            self._record(RequestRecord(url, len(outcomes), tuple(outcomes), tuple(waits), seconds, error=message))
            raise BackendError(message) from None
        text, _ = cut_at_stop(content, settings.stop)
        usage = payload.get("usage") or {}
        generation = Generation(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            finish_reason=str(choice.get("finish_reason") or "stop"),
            total_seconds=seconds,
            attempts=len(outcomes),
        )
        self._record(RequestRecord(
            url, len(outcomes), tuple(outcomes), tuple(waits), seconds, generation.prompt_tokens, generation.completion_tokens,
        ))  # fmt: skip
        return generation

    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self.log.append(record)

    def _outcome(self, messages: Sequence[ChatMessage], settings: GenerationSettings) -> Generation | BackendError:
        try:
            return self.generate(messages, settings)
        except BackendError as err:
            return err

    def generate_many(self, requests: Sequence[Sequence[ChatMessage]], settings: GenerationSettings) -> Iterator[Outcome]:
        """Up to ``max_concurrency`` requests in flight; each outcome yielded when it is known."""
        if self.max_concurrency == 1 or len(requests) <= 1:
            for index, messages in enumerate(requests):
                yield index, self._outcome(messages, settings)
            return
        pool = ThreadPoolExecutor(max_workers=min(self.max_concurrency, len(requests)), thread_name_prefix="llm-http")
        try:
            futures = {pool.submit(self._outcome, messages, settings): i for i, messages in enumerate(requests)}
            for future in as_completed(futures):
                yield futures[future], future.result()
        finally:
            # A caller that stops early (Ctrl-C) does not wait for requests not yet sent.
            pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        return None
