"""The model judge: a prompted LLM says same / different for each aligned claim pair.

Config ``params`` (``configs/judges/llm-qwen1.5b.yaml``)::

    backend: {kind: llama_cpp, model: qwen2.5-coder-1.5b-instruct-q4_k_m}   # any extractor backend
    prompt: content_v1             # a file in configs/judges/prompts/, or a path
    generation: {max_new_tokens: 128, temperature: 0, seed: 0, threads: 1}
    cache_dir: results/cache/judge # null: no cache
    progress: false                # a progress bar on stderr

Decoding is greedy and seeded by default (temperature 0, seed 0), and
constrained to the verdict's JSON schema where the backend can
(:mod:`harness.judging.constrained`). Each answer is read strictly
(:mod:`harness.judging.verdicts`): an unparseable or refused answer, or a
backend error, leaves the pair unjudged with the raw text kept.

Answers are cached with the extractors' generation cache
(:class:`harness.extractors.llm.cache.GenerationCache`): the key is the
judge's identity (model and engine, prompt file hash, decoding, schema)
together with the rendered messages, which hold the pair's content; so a
repeated judgement costs nothing, and a changed prompt or model never gets
another's answer. Backend errors and empty answers are not cached.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness.common.paths import PROJECT_ROOT
from harness.extractors.llm.backends import Backend, BackendError
from harness.extractors.llm.cache import GenerationCache
from harness.extractors.llm.settings import GenerationSettings, settings_from_params
from harness.judging.items import ERROR, JudgeItem, Judgement
from harness.judging.prompt import JudgePrompt, load_judge_prompt
from harness.judging.verdicts import VERDICT_SCHEMA, read_answer

NAME = "llm"
VERSION = 1
DEFAULT_CACHE_DIR = PROJECT_ROOT / "results" / "cache" / "judge"
DEFAULT_PROMPT = "content_v1"
#: Decoding defaults: greedy, seeded, short (the answer is one small JSON object).
DEFAULT_GENERATION = GenerationSettings(max_new_tokens=128, temperature=0.0, seed=0, repetition_penalty=1.0, threads=1, context_size=4096)

_KNOWN_PARAMS = frozenset({"backend", "prompt", "generation", "cache_dir", "progress"})


class LLMJudge:
    """Prompts a model once per pair (cached) and reads its JSON verdict."""

    name = NAME

    def __init__(
        self,
        backend: Backend,
        prompt: JudgePrompt,
        settings: GenerationSettings = DEFAULT_GENERATION,
        cache_dir: Path | None = DEFAULT_CACHE_DIR,
        constrained: bool = False,
        progress: bool = False,
    ):
        self.backend = backend
        self.prompt = prompt
        self.settings = settings
        self.constrained = constrained
        self.progress = progress
        self.cache = GenerationCache(Path(cache_dir), self.identity()) if cache_dir is not None else None
        #: Items answered by the model (not the cache) in this process.
        self.generated = 0

    def identity(self) -> dict[str, Any]:
        return {
            "judge": NAME,
            "version": VERSION,
            "backend": self.backend.identity(),
            "prompt": self.prompt.fingerprint(),
            "generation": self.settings.to_dict(),
            "json_schema": VERDICT_SCHEMA if self.constrained else None,
        }

    def judge_one(self, item: JudgeItem) -> Judgement:
        messages = self.prompt.messages(item)
        cached = self.cache.get(messages) if self.cache is not None else None
        if cached is not None:
            return read_answer(cached.text, cached=True)
        try:
            generation = self.backend.generate(messages, self.settings)
        except BackendError as err:
            return Judgement(None, f"the backend failed: {err}", ERROR)
        self.generated += 1
        if self.cache is not None:
            self.cache.put(messages, generation)
        judgement = read_answer(generation.text)
        if judgement.verdict is None and generation.finish_reason == "length":
            return Judgement(None, f"{judgement.reason} (cut at max_new_tokens={self.settings.max_new_tokens})", judgement.status, raw=judgement.raw)
        return judgement

    def judge(self, items: Sequence[JudgeItem]) -> list[Judgement]:
        out = []
        bar = _progress_bar(len(items)) if self.progress else None
        for item in items:
            out.append(self.judge_one(item))
            if bar is not None:
                bar.update(1)
        if bar is not None:
            bar.close()
        return out


def _progress_bar(total: int) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc="judging", unit="pair", file=sys.stderr)


def build(params: dict[str, Any]) -> LLMJudge:
    """The registry's factory: a judge from a config's ``params`` (errors name the key)."""
    from harness.judging.constrained import schema_backend

    unknown = sorted(set(params) - _KNOWN_PARAMS)
    if unknown:
        raise ValueError(f"unknown key(s) {', '.join(unknown)} for judge llm; known: {', '.join(sorted(_KNOWN_PARAMS))}")
    if "backend" not in params:
        raise ValueError("backend: missing (e.g. {kind: llama_cpp, model: qwen2.5-coder-1.5b-instruct-q4_k_m})")
    generation = {**DEFAULT_GENERATION.to_dict(), **(params.get("generation") or {})}
    settings = settings_from_params(generation, "generation")
    prompt = load_judge_prompt(params.get("prompt", DEFAULT_PROMPT))
    cache_dir = params.get("cache_dir", str(DEFAULT_CACHE_DIR))
    if cache_dir is not None:
        cache_dir = Path(cache_dir) if Path(cache_dir).is_absolute() else PROJECT_ROOT / cache_dir
    progress = params.get("progress", False)
    if not isinstance(progress, bool):
        raise ValueError(f"progress: expected true or false, got {progress!r}")
    backend, constrained = schema_backend(params["backend"], VERDICT_SCHEMA, "backend")
    return LLMJudge(backend, prompt, settings, cache_dir, constrained, progress)
