"""What every generation engine offers the extractor: chat messages in, text out.

The extractor does not care whether llama.cpp, transformers or a server
produced the text; it needs the text, token counts for the speed report,
why generation stopped (a cut list is repaired differently), and an identity
for the fingerprint (model file hash or model id and revision, engine and
version).

A backend that can keep several requests in flight (a server) also offers
``generate_many`` (``ConcurrentBackend``); ``answer_all`` uses it when it is
there and asks one request after another when it is not, so every backend
serves the extractor's batched path.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from harness.extractors.llm.settings import GenerationSettings


@dataclass(frozen=True)
class ChatMessage:
    role: str  # "system", "user" or "assistant"
    content: str


@dataclass(frozen=True)
class Generation:
    """One answer of a model."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    #: "stop" (end of answer or a stop string), "length" (hit max_new_tokens), or engine-specific.
    finish_reason: str
    #: Seconds spent reading the prompt and generating; None when the engine cannot tell them apart.
    prompt_seconds: float | None = None
    generation_seconds: float | None = None
    total_seconds: float = 0.0
    #: Prompt tokens the engine actually evaluated (llama.cpp reuses a shared
    #: prefix from the previous call); None when the engine does not say.
    prompt_tokens_evaluated: int | None = None
    #: How many times the request was sent (1 unless a server asked for a retry).
    attempts: int = 1


class BackendError(RuntimeError):
    """A backend that cannot load its model or answer; the message says which and why."""


@runtime_checkable
class Backend(Protocol):
    kind: str

    def identity(self) -> dict[str, Any]:
        """What names the model and engine exactly (for the fingerprint)."""
        ...

    def generate(self, messages: Sequence[ChatMessage], settings: GenerationSettings) -> Generation:
        ...

    def close(self) -> None:
        ...


#: One answered request: its position in the list asked for, and its answer or why there is none.
Outcome = tuple[int, "Generation | BackendError"]


@runtime_checkable
class ConcurrentBackend(Backend, Protocol):
    """A backend that answers several requests at once (up to a bound of its own)."""

    def generate_many(self, requests: Sequence[Sequence[ChatMessage]], settings: GenerationSettings) -> Iterator[Outcome]:
        """Every request's outcome, each yielded as soon as it is known (so in any order).

        A request that fails yields its ``BackendError``; the others go on.
        """
        ...


def answer_all(backend: Backend, requests: Sequence[Sequence[ChatMessage]], settings: GenerationSettings) -> Iterator[Outcome]:
    """The outcomes of ``requests``: concurrently when the backend can, else one after another, in order."""
    if isinstance(backend, ConcurrentBackend):
        yield from backend.generate_many(requests, settings)
        return
    for index, messages in enumerate(requests):
        try:
            yield index, backend.generate(messages, settings)
        except BackendError as err:
            yield index, err


def cut_at_stop(text: str, stop: Sequence[str]) -> tuple[str, bool]:
    """``text`` up to the first stop string, and whether one was found.

    Engines differ in whether they cut the stop string themselves; doing it
    here once more keeps every backend's output the same shape.
    """
    cut = len(text)
    for s in stop:
        position = text.find(s)
        if position != -1:
            cut = min(cut, position)
    return text[:cut], cut < len(text)


def flatten_messages(messages: Sequence[ChatMessage]) -> str:
    """One plain text for models without a chat template (encoder-decoders such as mT5).

    The roles become short labels so the few-shot pairs stay recognisable.
    """
    labels = {"system": "", "user": "Input:\n", "assistant": "Output:\n"}
    parts = [labels.get(m.role, f"{m.role}:\n") + m.content for m in messages]
    return "\n\n".join(parts) + "\n\nOutput:\n"
