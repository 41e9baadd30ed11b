"""GGUF models through llama-cpp-python: the fast path on a CPU.

Measured here on one core: the 1.5B Q4_K_M model reads about 88 prompt
tokens/s and writes about 25 tokens/s, seven times transformers' speed on
the same weights, in a quarter of the memory.

The model is named either by its catalog name (``model``, installed by
``harness models install`` and verified against the catalog's SHA-256) or by
a file path (``model_path``, hashed on first use). The file's SHA-256 is the
model's identity in the fingerprint. The chat template is the one inside
the GGUF file (llama-cpp-python reads it from the metadata).

llama.cpp keeps the evaluated prompt between calls and re-evaluates only
what differs, so the long shared prefix of a few-shot prompt (system text
and examples) costs its tokens once per process, not once per paragraph.

When the settings carry a JSON Schema (the extractor's ``constraint:
json_schema``), decoding runs under the GBNF grammar built from it
(``grammar``): every token chosen keeps the answer a prefix of a text the
schema allows, so an answer that ends by itself always parses.

With ``parallel: 1`` (the default) the model answers one request at a time
and the extractor asks it paragraph after paragraph. With ``parallel: N`` the
backend offers ``generate_many`` and decodes up to N paragraphs together in one
context (``llama_cpp_batch``: continuous batching, the shared prompt prefix
evaluated once). Measured here: 8 slots on 2 threads answered 12 seed
paragraphs in 80.5 s; one at a time on 1 thread, the first 6 took 126 s
(figures for the whole seed set in docs/scaling.md).
Batched answers are not bit-identical to one-at-a-time answers (the kernels
sum in another order), so ``parallel`` is part of the backend's identity and
its answers are cached apart.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from harness.extractors.llm.backends.base import (
    BackendError,
    ChatMessage,
    Generation,
    Outcome,
    cut_at_stop,
)
from harness.extractors.llm.settings import GenerationSettings

_KNOWN = {"model", "model_path", "models_dir", "batch_size", "parallel"}


class ModelNotInstalledError(FileNotFoundError):
    """The configured model file is absent; the message says how to install it."""


def _engine_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("llama_cpp_python")
    except PackageNotFoundError:
        return None


class LlamaCppBackend:
    kind = "llama_cpp"
    #: Decodes under a JSON Schema when the settings carry one.
    constrains_output = True

    def __init__(self, model_path: Path, model_sha256: str, *, model_name: str | None = None, batch_size: int = 512, parallel: int = 1):
        self.model_path = Path(model_path)
        self.model_sha256 = model_sha256
        self.model_name = model_name or self.model_path.name
        self.batch_size = batch_size
        #: Requests decoded together (``ParallelLlamaCppBackend``); 1 here.
        self.parallel = parallel
        self._llm: Any = None
        self._loaded_with: tuple[int, int] | None = None
        #: Seconds the last load took (for the benchmark).
        self.load_seconds: float | None = None

    @classmethod
    def from_params(cls, params: dict[str, Any], where: str = "backend") -> LlamaCppBackend:
        from harness.model_files import (
            DEFAULT_MODEL,
            find_installed,
            get_spec,
            model_file,
            sha256_file,
        )

        unknown = sorted(set(params) - _KNOWN)
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)} for kind llama_cpp; known: {', '.join(sorted(_KNOWN))}")
        if "model" in params and "model_path" in params:
            raise ValueError(f"{where}: give model (a catalog name) or model_path (a file), not both")
        batch_size = _positive(params, "batch_size", 512, where)
        parallel = _positive(params, "parallel", 1, where)
        backend_class = ParallelLlamaCppBackend if parallel > 1 else LlamaCppBackend
        if "model_path" in params:
            path = Path(params["model_path"])
            if not path.is_file():
                raise ModelNotInstalledError(f"{where}.model_path: no such file: {path}")
            return backend_class(path, sha256_file(path), batch_size=batch_size, parallel=parallel)
        name = params.get("model", DEFAULT_MODEL)
        spec = get_spec(name)
        installed = find_installed(spec, params.get("models_dir"))
        if installed is None:
            raise ModelNotInstalledError(
                f"model {name!r} is not installed (or does not verify) at {model_file(spec, params.get('models_dir'))}; "
                "run `harness models install` first"
            )
        return backend_class(installed.path, installed.sha256, model_name=name, batch_size=batch_size, parallel=parallel)

    def identity(self) -> dict[str, Any]:
        identity = {
            "engine": "llama-cpp-python",
            "engine_version": _engine_version(),
            "model": self.model_name,
            "model_sha256": self.model_sha256,
            "batch_size": self.batch_size,
        }
        if self.parallel > 1:  # absent at 1, so caches made before the option existed stay valid
            identity["parallel"] = self.parallel
            identity["attention"] = "flash"  # the batched decoder's (llama_cpp_batch.BatchedDecoder)
        return identity

    def _load(self, settings: GenerationSettings) -> Any:
        wanted = (settings.threads, settings.context_size)
        if self._llm is not None and self._loaded_with == wanted:
            return self._llm
        # llama.cpp's OpenMP threads spin while they wait. Measured here with 2
        # threads (1.5B model, tokens/s generated): quiet machine 15.5 with the
        # default spin, 10.7 sleeping at once (OMP_WAIT_POLICY=PASSIVE), 13.2
        # spinning 3000 rounds first; with the other core busy, 0.4 with the
        # default spin (every barrier waits for a descheduled thread), 7.0 with
        # 3000 rounds. So spin briefly unless the user chose a policy. libgomp
        # reads these when llama_cpp loads it, hence before the import.
        if "OMP_WAIT_POLICY" not in os.environ:
            os.environ.setdefault("GOMP_SPINCOUNT", "3000")
        try:
            from llama_cpp import Llama
        except ImportError as err:
            raise BackendError(f"llama-cpp-python is not installed ({err}); install the project's 'llm' extra") from None
        started = time.perf_counter()
        try:
            # llama.cpp prints its loading log on stderr at the C level; keep runs readable.
            with _quiet_stderr():
                self._llm = Llama(
                    model_path=str(self.model_path),
                    n_ctx=settings.context_size,
                    n_threads=settings.threads,
                    n_threads_batch=settings.threads,
                    n_batch=self.batch_size,
                    seed=settings.seed,
                    verbose=False,
                )
        except (ValueError, RuntimeError) as err:
            raise BackendError(f"llama.cpp cannot load {self.model_path}: {err}") from None
        self.load_seconds = time.perf_counter() - started
        self._loaded_with = wanted
        return self._llm

    def _grammar(self, settings: GenerationSettings) -> Any:
        if settings.json_schema is None:
            return None
        from llama_cpp import LlamaGrammar

        from harness.extractors.llm.grammar import gbnf_from_json_schema

        return LlamaGrammar.from_string(gbnf_from_json_schema(settings.json_schema), verbose=False)

    def generate(self, messages: Sequence[ChatMessage], settings: GenerationSettings) -> Generation:
        llm = self._load(settings)
        grammar = self._grammar(settings)
        perf = _Perf(llm)
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
                grammar=grammar,
            )
        except ValueError as err:  # e.g. the prompt does not fit the context window
            raise BackendError(f"llama.cpp: {err}") from None
        total = time.perf_counter() - started
        prompt_seconds, generation_seconds, evaluated = perf.read()
        choice = response["choices"][0]
        text, _ = cut_at_stop(choice["message"]["content"] or "", settings.stop)
        usage = response.get("usage") or {}
        return Generation(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            finish_reason=str(choice.get("finish_reason") or "stop"),
            prompt_seconds=prompt_seconds,
            generation_seconds=generation_seconds,
            total_seconds=total,
            prompt_tokens_evaluated=evaluated,
        )

    def close(self) -> None:
        if self._llm is not None:
            with contextlib.suppress(Exception):
                self._llm.close()
        self._llm = None
        self._loaded_with = None


class ParallelLlamaCppBackend(LlamaCppBackend):
    """``llama_cpp`` with ``parallel: N``: up to N requests decoded together (``generate_many``)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._decoder: Any = None
        self._decoder_for: tuple[int, int] | None = None
        #: Template prefixes by everything but the last message's text (one per prompt template).
        self._prefixes: dict[tuple[tuple[str, str], ...], list[int]] = {}

    def _decoder_of(self, settings: GenerationSettings) -> Any:
        from harness.extractors.llm.backends.llama_cpp_batch import BatchedDecoder

        llm = self._load(settings)
        wanted = (settings.threads, settings.context_size)
        if self._decoder is None or self._decoder_for != wanted:
            if self._decoder is not None:
                self._decoder.close()
            # llama.cpp warns on stderr that the shared window (one per slot plus the prefix's)
            # is longer than the model was trained on; each sequence keeps to context_size.
            with _quiet_stderr():
                self._decoder = BatchedDecoder(llm, slots=self.parallel, context_size=settings.context_size, threads=settings.threads, batch_size=self.batch_size)
            self._decoder_for = wanted
        return self._decoder

    def _prompt(self, llm: Any, messages: Sequence[ChatMessage], settings: GenerationSettings) -> Any:
        from harness.extractors.llm.backends.llama_cpp_batch import Prompt, prompt_of, shared_prefix, template_prefix

        chat = [{"role": m.role, "content": m.content} for m in messages]
        tokens, stops = prompt_of(llm, chat, settings.stop)
        key = tuple((m.role, m.content) for m in messages[:-1]) + ((messages[-1].role, ""),)
        if key not in self._prefixes:
            self._prefixes[key] = template_prefix(llm, chat)
        return Prompt(tokens, stops, shared_prefix([tokens, self._prefixes[key] + [-1]]))

    def generate(self, messages: Sequence[ChatMessage], settings: GenerationSettings) -> Generation:
        """One request through the batched path (alone in the context), answered as ``generate_many`` answers."""
        for _, outcome in self.generate_many([messages], settings):
            if isinstance(outcome, BackendError):
                raise outcome
            return outcome
        raise BackendError("llama.cpp gave no answer")  # pragma: no cover

    def generate_many(self, requests: Sequence[Sequence[ChatMessage]], settings: GenerationSettings) -> Iterator[Outcome]:
        if not requests:  # everything came from the cache: do not load the model
            return
        decoder = self._decoder_of(settings)
        prompts = [self._prompt(decoder.llm, messages, settings) for messages in requests]
        yield from decoder.run(prompts, settings, lambda: self._grammar(settings))

    def close(self) -> None:
        if self._decoder is not None:
            with contextlib.suppress(Exception):
                self._decoder.close()
        self._decoder = None
        self._decoder_for = None
        super().close()


def _positive(params: dict[str, Any], key: str, default: int, where: str) -> int:
    value = params.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}.{key}: expected a positive integer, got {value!r}")
    return value


class _Perf:
    """llama.cpp's own timers around one call: prompt and generation seconds apart."""

    def __init__(self, llm: Any):
        self.context = None
        try:
            import llama_cpp

            self.llama_cpp = llama_cpp
            self.context = llm._ctx.ctx
            llama_cpp.llama_perf_context_reset(self.context)
        except (ImportError, AttributeError):
            self.context = None

    def read(self) -> tuple[float | None, float | None, int | None]:
        if self.context is None:
            return None, None, None
        try:
            data = self.llama_cpp.llama_perf_context(self.context)
        except AttributeError:
            return None, None, None
        return data.t_p_eval_ms / 1000.0, data.t_eval_ms / 1000.0, int(data.n_p_eval)


@contextlib.contextmanager
def _quiet_stderr():
    """Silence file descriptor 2 for the duration (C libraries write there directly)."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
