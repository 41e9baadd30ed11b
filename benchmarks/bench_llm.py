"""LLM extractor speed: the extractor against raw llama-cpp-python, and the seed set cold and cached.

Part 1 (overhead). One process, one model file, the same prompts (the
extractor's own template and paragraph split) and the same decoding settings
(from the setup config). For each document, raw ``llama_cpp.Llama.
create_chat_completion`` answers its paragraphs, then the extractor (without
its cache) answers the same document; the two keep separate model instances,
so each reuses its own prompt prefix the same way. Prompt and generation
tokens/second are tokens (prompt tokens llama.cpp evaluated, tokens the
answer reports as generated) over llama.cpp's own timers
(``llama_perf_context``), the same way for both; the extractor's wall time also includes parsing and grounding. Target:
the extractor at 90% or more of raw speed. The answers are compared too:
greedy decoding must give the same text.

Part 2 (the seed set). The five seed documents through the extractor with an
empty generation cache (cold: every paragraph generated), then again with a
new extractor on the same cache (cached: nothing generated, the model never
loaded).

Part 3 (served, ``--servers N``). The same model file served by N
llama-cpp-python server processes on 127.0.0.1 (``--server-threads`` each,
default 1), and the extractor's ``openai`` backend with N requests in flight
over them (replicas), all five seeds asked in one batch, cold. That server
answers one request at a time (a lock around its one model), so replicas are
how it uses more than one core for more than one paragraph; the servers are
stopped at the end. When part 2 ran too, the answers are compared: greedy
decoding should give the same text in and out of process.

Part 2b (``--one-at-a-time``). When the setup decodes several paragraphs
together (backend ``parallel`` > 1), the same seeds cold once more with
``parallel: 1`` and ``threads: 1`` (the path every setup took before the
option existed): the speed-up, and how many answers are word for word the
same (batching changes where llama.cpp's sums round, so a near-tie can go the
other way; see ``harness/extractors/llm/backends/llama_cpp_batch.py``).

``--summarise RUN_DIR ...`` reads run records of the llm extractor (``harness
run ... --results DIR``) and prints, per run: parse statuses (``fail``: no
JSON could be read), tokens generated per paragraph (answers from the
generation cache included), seconds per paragraph generated in that run, and
entity strict F1 / claim strict F1 (``claims.strict.f1``).

    .venv/bin/python benchmarks/bench_llm.py [--config configs/llm.yaml] [--documents 2]
        [--paragraphs N] [--skip-overhead] [--skip-seeds] [--cache-dir DIR]
        [--servers 2 [--server-threads 1]] [--one-at-a-time]
    .venv/bin/python benchmarks/bench_llm.py --summarise results/runs/<run> ...

Needs the model (``harness models install``) and llama-cpp-python. Say what
else ran on the machine when you quote the figures: both cores are shared.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT))

from harness.annotations import Document  # noqa: E402
from harness.config import load_setup  # noqa: E402
from harness.extractors.llm.extractor import LLMExtractor  # noqa: E402
from harness.extractors.llm.paragraphs import headline_of, split_paragraphs  # noqa: E402


def _seeds(count: int | None = None) -> list[Document]:
    """The seed documents in name order, the first ``count`` of them when given."""
    documents = [Document(p.stem, p.read_text(encoding="utf-8")) for p in sorted((PROJECT_ROOT / "seeds").glob("*.txt"))]
    return documents[:count]


class RawLlama:
    """Plain llama-cpp-python with the extractor's settings, timed by llama.cpp's counters."""

    def __init__(self, model_path: Path, settings):
        import llama_cpp

        self.llama_cpp = llama_cpp
        self.settings = settings
        started = time.perf_counter()
        self.llm = llama_cpp.Llama(
            model_path=str(model_path), n_ctx=settings.context_size, n_threads=settings.threads,
            n_threads_batch=settings.threads, n_batch=512, seed=settings.seed, verbose=False,
        )  # fmt: skip
        self.load_seconds = time.perf_counter() - started
        self.totals = {"prompt_tokens": 0, "prompt_seconds": 0.0, "completion_tokens": 0, "generation_seconds": 0.0, "wall": 0.0}
        self.texts: list[str] = []

    def answer(self, messages) -> None:
        s = self.settings
        ctx = self.llm._ctx.ctx
        self.llama_cpp.llama_perf_context_reset(ctx)
        started = time.perf_counter()
        response = self.llm.create_chat_completion(
            messages=[{"role": m.role, "content": m.content} for m in messages],
            temperature=s.temperature, top_k=1 if s.temperature == 0 else 40, seed=s.seed,
            max_tokens=s.max_new_tokens, repeat_penalty=s.repetition_penalty, stop=list(s.stop) or None,
        )  # fmt: skip
        self.totals["wall"] += time.perf_counter() - started
        perf = self.llama_cpp.llama_perf_context(ctx)
        self.totals["prompt_tokens"] += perf.n_p_eval
        self.totals["prompt_seconds"] += perf.t_p_eval_ms / 1000
        self.totals["completion_tokens"] += response["usage"]["completion_tokens"]
        self.totals["generation_seconds"] += perf.t_eval_ms / 1000
        self.texts.append(response["choices"][0]["message"]["content"] or "")


def _rate(tokens: float, seconds: float) -> float:
    return tokens / seconds if seconds > 0 else float("nan")


def _first_paragraphs(document: Document, count: int, params: dict) -> Document:
    """The document cut after its ``count``-th paragraph (the same units the extractor makes)."""
    options = params.get("paragraphs", {}) or {}
    units = split_paragraphs(document.text, **{k: int(v) for k, v in options.items()})
    end = units[min(count, len(units)) - 1].end
    return Document(document.doc_id, document.text[:end])


def overhead(params: dict, documents: list[Document]) -> bool:
    extractor = LLMExtractor({**params, "cache_dir": None, "progress": False})
    backend = extractor.backend
    raw = RawLlama(backend.model_path, extractor.settings)
    ext_wall = 0.0
    ext_texts: list[str] = []
    for document in documents:
        headline = headline_of(document.text)
        paragraphs = split_paragraphs(document.text, max_chars=extractor.max_chars, merge_below=extractor.merge_below)
        for paragraph in paragraphs:
            raw.answer(extractor.template.messages(headline, paragraph.text))
        started = time.perf_counter()
        prediction = extractor.extract_one(document)
        ext_wall += time.perf_counter() - started
        ext_texts += [p.get("raw_output", "") for p in prediction.meta["paragraphs"]]
        print(f"  {document.doc_id}: {len(paragraphs)} paragraph(s) done", flush=True)
    stats = extractor.stats
    t = raw.totals
    rows = [
        ("raw llama-cpp-python", _rate(t["prompt_tokens"], t["prompt_seconds"]), _rate(t["completion_tokens"], t["generation_seconds"]), t["wall"]),
        ("llm extractor", _rate(stats["prompt_tokens_evaluated"], stats["prompt_seconds"]),
         _rate(stats["completion_tokens"], stats["generation_seconds"]), ext_wall),
    ]  # fmt: skip
    print(f"\nmodel load: raw {raw.load_seconds:.2f} s, extractor {backend.load_seconds or 0:.2f} s")
    print(f"paragraphs: {len(raw.texts)}; prompt tokens evaluated raw {t['prompt_tokens']}, extractor {stats['prompt_tokens_evaluated']};"
          f" generated raw {t['completion_tokens']}, extractor {stats['completion_tokens']}")  # fmt: skip
    print(f"{'':24} {'prompt tok/s':>13} {'gen tok/s':>10} {'wall s':>8}")
    for name, prompt, gen, wall in rows:
        print(f"{name:24} {prompt:13.1f} {gen:10.1f} {wall:8.1f}")
    prompt_ratio = rows[1][1] / rows[0][1]
    gen_ratio = rows[1][2] / rows[0][2]
    wall_ratio = rows[0][3] / rows[1][3]
    print(f"extractor / raw: prompt {prompt_ratio:.1%}, generation {gen_ratio:.1%}, wall (raw/extractor) {wall_ratio:.1%}  (target >= 90%)")
    same = sum(a == b for a, b in zip(raw.texts, ext_texts))
    print(f"identical answers: {same} of {len(raw.texts)}")
    return min(prompt_ratio, gen_ratio) >= 0.9


def one_at_a_time(params: dict) -> dict:
    """``params`` with one paragraph decoded at a time on one thread (part 2b)."""
    backend = {k: v for k, v in params["backend"].items() if k != "parallel"}
    return {**params, "backend": backend, "generation": {**params.get("generation", {}), "threads": 1}}


def seed_set(params: dict, cache_dir: Path, documents: list[Document]) -> tuple[list[str], float]:
    """Part 2; returns the raw answers of the cold run in paragraph order and its wall seconds."""
    cold = LLMExtractor({**params, "cache_dir": str(cache_dir), "progress": True})
    started = time.perf_counter()
    predictions = cold.extract(documents)
    cold_seconds = time.perf_counter() - started
    paragraphs = sum(len(p.meta["paragraphs"]) for p in predictions)
    warm = LLMExtractor({**params, "cache_dir": str(cache_dir), "progress": False})
    started = time.perf_counter()
    warm.extract(documents)
    warm_seconds = time.perf_counter() - started
    s = cold.stats
    slots = getattr(cold.backend, "parallel", 1)
    how = f"{slots} paragraphs decoded together" if slots > 1 else "one paragraph at a time"
    print(f"\nin process ({how}, {cold.settings.threads} thread(s)): {len(documents)} documents, {paragraphs} paragraphs,"
          f" {cold_seconds / max(1, paragraphs):.1f} s per paragraph cold (the wall time includes loading the model:"
          f" {getattr(cold.backend, 'load_seconds', None) or 0:.1f} s)")
    print(f"cold:   {cold_seconds:8.1f} s  ({s['generated']} generated, {s['cached']} cached;"
          f" {s['prompt_tokens_evaluated']} prompt tokens evaluated, {s['completion_tokens']} generated;"
          f" prompt {_rate(s['prompt_tokens_evaluated'], s['prompt_seconds']):.1f} tok/s,"
          f" generation {_rate(s['completion_tokens'], s['generation_seconds']):.1f} tok/s)")  # fmt: skip
    print(f"cached: {warm_seconds:8.1f} s  ({warm.stats['generated']} generated, {warm.stats['cached']} cached)")
    return [q.get("raw_output", "") for p in predictions for q in p.meta["paragraphs"]], cold_seconds


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _servers(model_path: Path, settings, count: int, threads: int):
    """``count`` llama-cpp-python servers of one file on loopback; stopped on exit (each by its own process)."""
    env = dict(os.environ)
    if "OMP_WAIT_POLICY" not in env:
        env.setdefault("GOMP_SPINCOUNT", "3000")  # as the in-process backend does (see its _load)
    processes: list[subprocess.Popen] = []
    urls: list[str] = []
    try:
        for _ in range(count):
            port = _free_port()
            command = [
                sys.executable, "-m", "llama_cpp.server", "--model", str(model_path), "--model_alias", "bench",
                "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(settings.context_size),
                "--n_threads", str(threads), "--n_threads_batch", str(threads), "--n_batch", "512", "--seed", str(settings.seed),
                # The server's default computes the logits of every prompt token; the in-process backend does not.
                "--logits_all", "false",
            ]  # fmt: skip
            processes.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
            urls.append(f"http://127.0.0.1:{port}/v1")
        deadline = time.monotonic() + 300
        for process, url in zip(processes, urls):
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"server {url} exited with {process.returncode} (is llama-cpp-python[server] installed?)")
                try:
                    with urllib.request.urlopen(f"{url}/models", timeout=2) as response:
                        json.loads(response.read())
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"server {url} did not answer within 300 s") from None
                    time.sleep(0.5)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


def served(params: dict, servers: int, threads: int, cache_dir: Path, documents: list[Document]) -> list[str]:
    """Part 3; returns the raw answers in paragraph order."""
    in_process = LLMExtractor({**params, "cache_dir": None, "progress": False})
    settings, model_path = in_process.settings, in_process.backend.model_path
    with _servers(model_path, settings, servers, threads) as urls:
        backend = {"kind": "openai", "base_url": urls, "model": "bench", "max_concurrency": servers, "timeout": 900}
        extractor = LLMExtractor({**params, "backend": backend, "cache_dir": str(cache_dir), "progress": True})
        started = time.perf_counter()
        predictions = extractor.extract(documents)  # every paragraph of every seed in one batch
        wall = time.perf_counter() - started
    paragraphs = [q for p in predictions for q in p.meta["paragraphs"]]
    s = extractor.stats
    failed = sum(1 for q in paragraphs if "error" in q)
    print(f"\nserved: {servers} llama-cpp-python server(s) x {threads} thread(s), {servers} request(s) in flight, cold")
    print(f"  {len(documents)} documents, {len(paragraphs)} paragraphs ({failed} failed): {wall:.1f} s wall,"
          f" {wall / max(1, len(paragraphs)):.1f} s per paragraph; {s['completion_tokens']} tokens generated,"
          f" {s['completion_tokens'] / wall:.1f} tok/s over the wall time; summed request latency {s['total_seconds']:.1f} s")  # fmt: skip
    return [q.get("raw_output", "") for q in paragraphs]


def summarise(run_dirs: list[Path]) -> None:
    """Parse statuses, tokens and seconds per generated paragraph, and F1, of llm run records."""
    from harness.runs.record import read_record

    print(f"{'run':34} {'setup':34} {'par':>4} {'gen':>4} {'parse':30} {'fail':>4} {'tok/par':>8} {'s/par':>6} {'ent F1':>7} {'claim strict F1':>15}")
    for run_dir in run_dirs:
        record = read_record(run_dir)
        paragraphs = [q for p in record.predictions() for q in p.meta.get("paragraphs", [])]
        generated = [q for q in paragraphs if q.get("cached") is False]
        statuses: dict[str, int] = {}
        for q in paragraphs:
            statuses[q.get("parse_status", "error")] = statuses.get(q.get("parse_status", "error"), 0) + 1
        parse = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
        not_read = statuses.get("failed", 0) + statuses.get("empty", 0)
        answered = [q for q in paragraphs if "completion_tokens" in q]  # cached answers keep the counts they were generated with
        tokens = statistics.mean(q["completion_tokens"] for q in answered) if answered else float("nan")
        seconds = statistics.mean(q["seconds"] for q in generated) if generated else float("nan")
        metrics = record.metrics
        claims = ((metrics.get("claims") or {}).get("strict") or {}).get("f1", float("nan"))  # the headline: claims.strict.f1
        print(f"{record.run_id[:34]:34} {record.run.get('setup', '?')[:34]:34} {len(paragraphs):4d} {len(generated):4d} {parse[:30]:30}"
              f" {not_read:4d} {tokens:8.1f} {seconds:6.1f} {metrics['entities']['strict']['f1']:7.3f} {claims:15.3f}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "configs" / "llm.yaml")
    parser.add_argument("--documents", type=int, default=2, help="seed documents for part 1 (default 2)")
    parser.add_argument("--paragraphs", type=int, default=None, help="only the first N paragraphs of each document (every part)")
    parser.add_argument("--skip-overhead", action="store_true")
    parser.add_argument("--skip-seeds", action="store_true")
    parser.add_argument("--cache-dir", type=Path, default=None, help="generation cache for part 2 (default: a new temporary folder)")
    parser.add_argument("--servers", type=int, default=0, help="part 3: serve the model with N llama-cpp-python servers (0: skip)")
    parser.add_argument("--server-threads", type=int, default=1, help="part 3: threads of each server (default 1)")
    parser.add_argument("--seed-documents", type=int, default=5, help="parts 2 and 3: only the first N seeds (default 5)")
    parser.add_argument("--one-at-a-time", action="store_true", help="part 2b: the seeds cold again with parallel 1 and 1 thread, compared")
    parser.add_argument("--summarise", type=Path, nargs="+", default=None, metavar="RUN_DIR", help="only summarise these run records")
    args = parser.parse_args(argv)
    if args.summarise:
        summarise(args.summarise)
        return 0
    setup = load_setup(args.config)
    print(f"setup {setup.setup} from {args.config}; cpu count {os.cpu_count()}; load average {os.getloadavg()[0]:.2f}")
    ok = True
    if not args.skip_overhead:
        print(f"\npart 1: extractor vs raw llama-cpp-python on {args.documents} seed document(s)")
        documents = _seeds()[: args.documents]
        if args.paragraphs:
            documents = [_first_paragraphs(d, args.paragraphs, setup.params) for d in documents]
        ok = overhead(setup.params, documents)
    in_process: list[str] | None = None
    seeds = _seeds(args.seed_documents)
    if args.paragraphs:
        seeds = [_first_paragraphs(d, args.paragraphs, setup.params) for d in seeds]
    if not args.skip_seeds:
        temporary = args.cache_dir is None
        cache_dir = Path(tempfile.mkdtemp(prefix="bench-llm-")) if temporary else args.cache_dir
        try:
            in_process, seconds = seed_set(setup.params, cache_dir, seeds)
        finally:
            if temporary:
                shutil.rmtree(cache_dir, ignore_errors=True)
        if args.one_at_a_time:
            baseline_cache = Path(tempfile.mkdtemp(prefix="bench-llm-one-"))  # always cold
            try:
                baseline, baseline_seconds = seed_set(one_at_a_time(setup.params), baseline_cache, seeds)
            finally:
                shutil.rmtree(baseline_cache, ignore_errors=True)
            same = sum(a == b for a, b in zip(in_process, baseline))
            print(f"\nspeed-up of the setup over one paragraph at a time on one thread: {baseline_seconds / seconds:.2f}x"
                  f" ({seconds:.1f} s vs {baseline_seconds:.1f} s cold); identical answers: {same} of {len(baseline)}")
    if args.servers:
        cache_dir = Path(tempfile.mkdtemp(prefix="bench-llm-served-"))  # always cold
        try:
            answers = served(setup.params, args.servers, args.server_threads, cache_dir, seeds)
        finally:
            shutil.rmtree(cache_dir, ignore_errors=True)
        if in_process is not None:
            same = sum(a == b for a, b in zip(in_process, answers))
            print(f"identical answers in process and served: {same} of {len(answers)}")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
