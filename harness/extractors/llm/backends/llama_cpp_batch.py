"""Several answers decoded together in one llama.cpp context (continuous batching on a CPU).

Why: to write one token, a CPU reads every weight of the model once for one row
of activations; the time goes into that read, not into the arithmetic. A batch
of rows (one next token for each of several answers) reuses each weight read,
so decoding N paragraphs together costs far less than N times one. The same
idea is what vLLM and llama.cpp's own server do with their parallel slots;
llama-cpp-python's Python API decodes one sequence only, so this module drives
its low-level API directly.

How:
- One llama.cpp context with ``slots + 1`` sequences over a unified KV cache.
  Sequence 0 holds the prompt prefix every request of a call shares (the system
  text and worked examples of a few-shot prompt), evaluated once; a request
  starting in a slot gets those cells by reference (``seq_cp`` on a unified
  cache copies no data) and evaluates only the rest of its prompt.
- Each request decodes under its own sampler chain, built by llama-cpp-python's
  own builder (``Llama._init_sampler``: repetition penalties over the tokens
  generated so far, the grammar when the answer is constrained, then greedy or
  seeded sampling), so the decoding rule is that of ``create_chat_completion``.
- Each step is one ``llama_decode`` over every active slot's next token, plus
  the prompt of any request just started; a slot that finishes takes the next
  waiting request at once.
- A request stops as llama-cpp-python stops it: at an end-of-generation token,
  at a stop string, at ``max_new_tokens``, or when it fills its context window.

The prompt tokens are the ones llama-cpp-python's chat handler makes from the
GGUF file's chat template (``prompt_of`` runs that handler and catches its
request), so both paths see the same tokens.

Not bit-identical to answering one request at a time: in a batch, llama.cpp's
matrix and attention kernels sum in a different order, so a logit can differ in
its last bits and, where two tokens are nearly tied, greedy decoding can pick
the other one. The backend's identity says that answers were decoded in
parallel, so they are cached apart from one-at-a-time answers. Measured with
the 1.5B model: 54 of 128 answers on the three tracks were identical to the
one-at-a-time ones, and 8 slots in order vs 3 in reverse gave 5 different
answers of 12; scores moved within their noise (docs/scaling.md). The same
run repeated (same requests, order and slots) gives the same answers.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from harness.extractors.llm.backends.base import BackendError, Generation, Outcome, cut_at_stop
from harness.extractors.llm.settings import GenerationSettings


class _Captured(Exception):
    """Raised by ``_PromptCapture`` to carry the prompt the chat handler built."""

    def __init__(self, prompt: list[int], stop: list[str]):
        super().__init__("prompt captured")
        self.prompt = prompt
        self.stop = stop


class _PromptCapture:
    """Stands in for ``Llama`` inside llama-cpp-python's chat handler.

    The handler renders the GGUF chat template, tokenizes the result and calls
    ``create_completion``; this object lets it do all of that with the real
    model's tokenizer and stops it there, keeping the tokens and stop strings.
    """

    def __init__(self, llm: Any):
        self._llm = llm

    def __getattr__(self, name: str) -> Any:
        return getattr(self._llm, name)

    def create_completion(self, prompt: Any, stop: Any = None, **_: Any) -> Any:
        stops = [] if stop is None else [stop] if isinstance(stop, str) else list(stop)
        raise _Captured(list(prompt), stops)


def prompt_of(llm: Any, messages: Sequence[dict[str, str]], stop: Sequence[str]) -> tuple[list[int], list[str]]:
    """The prompt tokens and stop strings ``llm.create_chat_completion(messages)`` would use."""
    from llama_cpp import llama_chat_format

    handler: Any = llm.chat_handler or llm._chat_handlers.get(llm.chat_format) or llama_chat_format.get_chat_completion_handler(llm.chat_format)
    try:
        handler(llama=_PromptCapture(llm), messages=list(messages), stop=list(stop) or None)
    except _Captured as captured:
        return captured.prompt, captured.stop
    raise BackendError("llama.cpp's chat handler returned without asking for a completion")  # pragma: no cover


def shared_prefix(prompts: Sequence[Sequence[int]]) -> int:
    """How many leading tokens all ``prompts`` share, leaving each at least one token of its own.

    The last prompt token must be evaluated in the request's own sequence:
    its logits choose the first token of the answer.
    """
    if not prompts:
        return 0
    limit = min(len(p) for p in prompts) - 1
    first = prompts[0]
    n = 0
    while n < limit and all(p[n] == first[n] for p in prompts):
        n += 1
    return n


#: Two stand-ins for the last message's text that differ at their first character:
#: what a prompt shares with both is what comes before that message's text.
_PROBES = ("a", "b")


def template_prefix(llm: Any, messages: Sequence[dict[str, str]]) -> list[int]:
    """The prompt tokens of ``messages`` that come before the last message's text.

    That part (system text, worked examples, the chat template's markup) is the
    same for every paragraph asked with one prompt template, so it is evaluated
    once and shared. It depends only on the template, never on which other
    requests are asked together: in llama.cpp, where a prompt is split between
    evaluations can change the last bits of the logits and so a greedy answer,
    and a split chosen per call would make an answer depend on its neighbours.
    """
    probes = [prompt_of(llm, [*messages[:-1], {**messages[-1], "content": probe}], ())[0] for probe in _PROBES]
    return probes[0][: shared_prefix(probes)]


@dataclass(frozen=True)
class Prompt:
    """One request as the decoder takes it."""

    tokens: list[int]
    #: Stop strings (the settings' and the chat template's).
    stops: list[str]
    #: How many leading tokens are the template's shared prefix (``template_prefix``).
    prefix: int


@dataclass
class _Request:
    index: int
    prompt: list[int]
    prefix: list[int]
    stops: list[bytes]
    sampler: Any = None
    seq_id: int = 0
    completion: list[int] = field(default_factory=list)
    evaluated: int = 0
    started: float = 0.0
    #: The model wrote an end-of-generation token (not part of the answer).
    ended: bool = False
    #: Where this request's next-token logits are in the batch just decoded.
    logits_at: int | None = None


#: One token to evaluate: (token, position, sequence, the request whose next token its logits choose, or None).
_Entry = tuple[int, int, int, "_Request | None"]


def pack(groups: Sequence[list[_Entry]], size: int) -> list[list[_Entry]]:
    """The entries in decode calls of at most ``size``, no group split unless it is longer than ``size``.

    A group is one request's prompt tail (or one next token). Keeping it whole,
    and splitting a long one only at multiples of ``size`` from its own start,
    puts the splits of a prompt where its own length puts them. The rows that
    share a call still move the rounding (measured: see the module docstring),
    so this narrows, but does not remove, the dependence on what else is in flight.
    """
    calls: list[list[_Entry]] = [[]]
    for group in groups:
        if len(group) > size - len(calls[-1]):
            if calls[-1]:
                calls.append([])
            for start in range(0, len(group), size):
                piece = group[start : start + size]
                if len(calls[-1]) + len(piece) > size:
                    calls.append([])
                calls[-1].extend(piece)
        else:
            calls[-1].extend(group)
    return [call for call in calls if call]


class BatchedDecoder:
    """Continuous batching over ``slots`` sequences of one model (see the module docstring)."""

    #: Sequence 0 holds the shared prompt prefix; requests decode in 1..slots.
    PREFIX_SEQ = 0

    def __init__(self, llm: Any, *, slots: int, context_size: int, threads: int, batch_size: int):
        import llama_cpp
        from llama_cpp import _internals

        self.llama_cpp = llama_cpp
        self.llm = llm
        self.slots = slots
        self.context_size = context_size
        params = type(llm.context_params).from_buffer_copy(llm.context_params)
        # Unified: the prefix's cells are shared by reference. Measured here (8 slots, 2 threads,
        # 12 paragraphs): 80.5 s unified vs 96.5 s with a cache per sequence.
        # Room for every slot's window plus the prefix's, in the worst case.
        params.n_ctx = context_size * (slots + 1)
        params.n_seq_max = slots + 1
        params.kv_unified = True
        # Flash attention skips the cells a token may not see (other slots' answers),
        # where plain attention multiplies them by zero. Measured here (8 slots, 2
        # threads, 12 paragraphs): 22.6 generated tokens/s with it, 18.6 without.
        params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED
        params.n_batch = batch_size
        params.n_ubatch = batch_size
        params.n_threads = threads
        params.n_threads_batch = threads
        try:
            self.ctx = _internals.LlamaContext(model=llm._model, params=params, verbose=False)
        except ValueError as err:
            raise BackendError(f"llama.cpp cannot make a context for {slots} parallel sequences: {err}") from None
        self.batch_size = batch_size
        self.batch = _internals.LlamaBatch(n_tokens=batch_size, embd=0, n_seq_max=slots + 1, verbose=False)
        self.vocab = llm._model.vocab
        #: The tokens sequence 0 holds now.
        self.prefix: list[int] = []

    def close(self) -> None:
        self.batch.close()
        self.ctx.close()

    def _sampler(self, settings: GenerationSettings, grammar: Any) -> Any:
        """The chain ``create_chat_completion`` would sample one request with: llama-cpp-python's
        own builder (penalties over the generated tokens, the grammar, greedy or seeded sampling)."""
        self.llm.set_seed(settings.seed)
        top_k = 1 if settings.temperature == 0 else 40  # as the one-at-a-time backend asks
        return self.llm._init_sampler(top_k=top_k, temp=settings.temperature, repeat_penalty=settings.repetition_penalty, grammar=grammar)

    def _decode(self, entries: list[_Entry]) -> None:
        """One ``llama_decode`` call; the requests wanting logits learn where theirs are."""
        raw = self.batch.batch
        raw.n_tokens = len(entries)
        for i, (token, position, seq_id, wants) in enumerate(entries):
            raw.token[i] = token
            raw.pos[i] = position
            raw.n_seq_id[i] = 1
            raw.seq_id[i][0] = seq_id
            raw.logits[i] = wants is not None
            if wants is not None:
                wants.logits_at = i
        self.ctx.decode(self.batch)

    def _set_prefix(self, tokens: list[int]) -> int:
        """Make sequence 0 hold ``tokens``, evaluated from the start in calls of their own.

        Never only the part that differs from the old prefix: where the split
        falls would change the logits (see ``template_prefix``). Cells other
        sequences still use stay theirs.
        """
        self.ctx.kv_cache_seq_rm(self.PREFIX_SEQ, -1, -1)
        self.prefix = []
        group: list[_Entry] = [(t, i, self.PREFIX_SEQ, None) for i, t in enumerate(tokens)]
        for call in pack([group], self.batch_size):
            self._decode(call)
        self.prefix = list(tokens)
        return len(tokens)

    def run(self, prompts: Sequence[Prompt], settings: GenerationSettings, grammar_of: Any) -> Iterator[Outcome]:
        """Each prompt's outcome as soon as it is known; ``grammar_of()`` makes a fresh grammar or None."""
        waiting: deque[_Request] = deque()
        for index, prompt in enumerate(prompts):
            if len(prompt.tokens) >= self.context_size:
                yield index, BackendError(f"llama.cpp: the prompt has {len(prompt.tokens)} tokens, more than the context window ({self.context_size})")
                continue
            stops = [s.encode("utf-8") for s in prompt.stops if s]
            waiting.append(_Request(index, prompt.tokens, prompt.tokens[: prompt.prefix], stops))
        free = list(range(self.slots, 0, -1))
        active: list[_Request] = []
        generating: list[list[_Entry]] = []
        while waiting or active:
            starting: list[list[_Entry]] = []
            while waiting and free:
                request = waiting.popleft()
                try:
                    evaluated = self._set_prefix(request.prefix) if request.prefix != self.prefix else 0
                except RuntimeError as err:
                    yield request.index, BackendError(f"llama.cpp could not evaluate the prompt's shared prefix: {err}")
                    continue
                request.seq_id = free.pop()
                request.sampler = self._sampler(settings, grammar_of())
                request.started = time.perf_counter()
                shared = len(request.prefix)
                self.ctx.kv_cache_seq_rm(request.seq_id, -1, -1)
                if shared:
                    self.ctx.kv_cache_seq_cp(self.PREFIX_SEQ, request.seq_id, -1, -1)
                own = request.prompt[shared:]
                request.evaluated = len(own) + evaluated
                last = len(own) - 1
                starting.append([(t, shared + i, request.seq_id, request if i == last else None) for i, t in enumerate(own)])
                active.append(request)
            try:
                for call in pack(generating + starting, self.batch_size):
                    self._decode(call)
                    for _, _, _, wants in call:
                        if wants is not None:
                            self._sample(wants)
            except RuntimeError as err:
                for request in active:
                    self._release(request)
                    free.append(request.seq_id)
                    yield request.index, BackendError(f"llama.cpp could not decode: {err}")
                active, generating = [], []
                continue
            generating = []
            still: list[_Request] = []
            for request in active:
                outcome = self._finished(request, settings)
                if outcome is None:
                    position = len(request.prompt) + len(request.completion) - 1
                    generating.append([(request.completion[-1], position, request.seq_id, request)])
                    still.append(request)
                else:
                    self._release(request)
                    free.append(request.seq_id)
                    yield request.index, outcome
            active = still

    def _sample(self, request: _Request) -> None:
        assert request.logits_at is not None
        token = request.sampler.sample(self.ctx, request.logits_at)
        request.logits_at = None
        if self.llama_cpp.llama_vocab_is_eog(self.vocab, token):
            request.ended = True
            return
        request.completion.append(token)

    def _finished(self, request: _Request, settings: GenerationSettings) -> Generation | None:
        """The request's answer when it is done (llama-cpp-python's rules), else None."""
        text = self.llm.detokenize(request.completion, prev_tokens=request.prompt)
        reason = None
        if request.ended:
            reason = "stop"
        else:
            found = [text.index(s) for s in request.stops if s in text]
            if found:
                text, reason = text[: min(found)], "stop"
            elif len(request.completion) >= settings.max_new_tokens or len(request.prompt) + len(request.completion) >= self.context_size:
                reason = "length"
        if reason is None:
            return None
        answer, _ = cut_at_stop(text.decode("utf-8", errors="ignore"), settings.stop)
        return Generation(
            text=answer,
            prompt_tokens=len(request.prompt),
            completion_tokens=len(request.completion),
            finish_reason=reason,
            total_seconds=time.perf_counter() - request.started,
            prompt_tokens_evaluated=request.evaluated,
        )

    def _release(self, request: _Request) -> None:
        self.ctx.kv_cache_seq_rm(request.seq_id, -1, -1)
        if request.sampler is not None:
            request.sampler.close()
            request.sampler = None
