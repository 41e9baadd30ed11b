"""llama.cpp and OpenAI-compatible HTTP backends on a tiny random GGUF written by the test.

The model file (about 110 kB: one layer, byte-level vocabulary, random
weights) is written with the ``gguf`` package, so the code paths run
without the 1.1 GB model. Its answers are noise. The HTTP test starts
llama-cpp-python's own server on 127.0.0.1 with that file, sends bounded
requests with timeouts, and stops the server.
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

np = pytest.importorskip("numpy")
gguf = pytest.importorskip("gguf", reason="the gguf package (project extra 'llm') writes the tiny model")
pytest.importorskip("llama_cpp", reason="llama-cpp-python (project extra 'llm') is not installed")

from harness.annotations import Document  # noqa: E402
from harness.extractors.llm.backends import create_backend  # noqa: E402
from harness.extractors.llm.backends.base import BackendError, ChatMessage  # noqa: E402
from harness.extractors.llm.backends.llama_cpp import LlamaCppBackend  # noqa: E402
from harness.extractors.llm.backends.openai_http import OpenAIBackend  # noqa: E402
from harness.extractors.llm.extractor import LLMExtractor  # noqa: E402
from harness.extractors.llm.parsing import parse_output  # noqa: E402
from harness.extractors.llm.settings import (  # noqa: E402
    GenerationSettings,
    canonical_schema,
)
from harness.model_files import read_gguf_info, sha256_file  # noqa: E402

CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
SETTINGS = GenerationSettings(max_new_tokens=8, threads=1, context_size=512)
MESSAGES = [ChatMessage("system", "JSON."), ChatMessage("user", "<document>\nنص قصير\n</document>")]
TINY_TEMPLATE = "name: tiny\nversion: 1\nsystem: JSON please.\nuser: '{{headline}} {{document}}'\n"


def _byte_alphabet() -> list[str]:
    """The 256 characters GPT-2's byte-level vocabulary uses for the bytes 0..255."""
    printable = set(range(ord("!"), ord("~") + 1)) | set(range(ord("¡"), ord("¬") + 1)) | set(range(ord("®"), ord("ÿ") + 1))
    chars, shifted = [], 0
    for byte in range(256):
        if byte in printable:
            chars.append(chr(byte))
        else:
            chars.append(chr(256 + shifted))
            shifted += 1
    return chars


def write_tiny_gguf(path: Path, seed: int = 0, n_embd: int = 32, n_head: int = 2, n_ff: int = 64) -> Path:
    """A one-layer llama-architecture GGUF with random float32 weights and a chat template."""
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    tokens = _byte_alphabet() + ["Ġt", "he"] + specials
    rng = np.random.default_rng(seed)

    def weight(*shape):
        return rng.normal(0, 0.2, size=shape).astype(np.float32)

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("tiny random llama")
    writer.add_context_length(2048)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(1)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_dimension_count(n_embd // n_head)
    writer.add_file_type(0)
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("default")
    writer.add_token_list(tokens)
    writer.add_token_types([1] * (len(tokens) - 3) + [3] * 3)
    writer.add_token_merges(["Ġ t", "h e"])
    writer.add_bos_token_id(len(tokens) - 3)
    writer.add_eos_token_id(len(tokens) - 1)
    writer.add_chat_template(CHAT_TEMPLATE)
    writer.add_tensor("token_embd.weight", weight(len(tokens), n_embd))
    writer.add_tensor("output_norm.weight", np.ones(n_embd, dtype=np.float32))
    writer.add_tensor("output.weight", weight(len(tokens), n_embd))
    writer.add_tensor("blk.0.attn_norm.weight", np.ones(n_embd, dtype=np.float32))
    for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
        writer.add_tensor(f"blk.0.{name}.weight", weight(n_embd, n_embd))
    writer.add_tensor("blk.0.ffn_norm.weight", np.ones(n_embd, dtype=np.float32))
    writer.add_tensor("blk.0.ffn_gate.weight", weight(n_ff, n_embd))
    writer.add_tensor("blk.0.ffn_up.weight", weight(n_ff, n_embd))
    writer.add_tensor("blk.0.ffn_down.weight", weight(n_embd, n_ff))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@pytest.fixture(scope="module")
def tiny_gguf(tmp_path_factory) -> Path:
    return write_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf")


def test_header_reader_sees_what_the_writer_wrote(tiny_gguf):
    info = read_gguf_info(tiny_gguf)
    assert info.tensor_count == 12
    assert info.get("general.name") == "tiny random llama"
    assert info.get("general.architecture") == "llama"


def test_model_file_is_identified_by_its_sha256(tiny_gguf):
    backend = create_backend({"kind": "llama_cpp", "model_path": str(tiny_gguf)})
    assert backend.identity()["model_sha256"] == sha256_file(tiny_gguf)
    assert backend.identity()["engine_version"]


def test_llama_cpp_generates_greedily_and_reports_speed(tiny_gguf):
    backend = LlamaCppBackend(tiny_gguf, sha256_file(tiny_gguf))
    first = backend.generate(MESSAGES, SETTINGS)
    second = backend.generate(MESSAGES, SETTINGS)
    assert first.text == second.text
    assert first.prompt_tokens > 0 and first.finish_reason in ("stop", "length")
    assert first.prompt_seconds is not None and first.generation_seconds is not None
    # the second call reuses the evaluated prompt: (almost) nothing left to read
    assert second.prompt_tokens_evaluated is not None and second.prompt_tokens_evaluated < first.prompt_tokens
    backend.close()


def test_prompt_longer_than_the_context_is_a_backend_error(tiny_gguf):
    backend = LlamaCppBackend(tiny_gguf, sha256_file(tiny_gguf))
    long = [ChatMessage("user", "كلمة " * 400)]
    with pytest.raises(BackendError):
        backend.generate(long, GenerationSettings(max_new_tokens=4, context_size=256))


def test_extractor_runs_on_a_gguf_file_and_keeps_no_noise(tiny_gguf, tmp_path):
    template = tmp_path / "tiny.yaml"
    template.write_text(TINY_TEMPLATE, encoding="utf-8")
    extractor = LLMExtractor(
        {
            "backend": {"kind": "llama_cpp", "model_path": str(tiny_gguf)},
            "prompt": str(template),
            "generation": {"max_new_tokens": 8, "context_size": 512},
            "cache_dir": str(tmp_path / "cache"),
            "progress": False,
        }
    )
    document = Document("t", "عنوان قصير للخبر هنا\n\nفقرة أولى من الخبر فيها ما يكفي من الكلمات.")
    prediction = extractor.extract([document])[0]
    assert not prediction.failed and prediction.annotations.claims == ()
    assert extractor.stats["generated"] == 1
    extractor.extract([document])
    assert extractor.stats["cached"] == 1


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serve(model: Path, alias: str = "tiny"):
    """llama-cpp-python's OpenAI-compatible server on a free loopback port, stopped on exit."""
    port = _free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", alias,
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "512", "--n_threads", "1",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"server exited: {process.stderr.read().decode(errors='replace')[-800:]}")
            try:
                with urllib.request.urlopen(f"{base}/models", timeout=2) as response:
                    json.loads(response.read())
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("server did not answer within 60 s")
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _server_extra():
    pytest.importorskip("uvicorn", reason="llama-cpp-python[server] is not installed")
    pytest.importorskip("fastapi", reason="llama-cpp-python[server] is not installed")


@pytest.fixture(scope="module")
def llama_server(tiny_gguf):
    """One server, stopped after the tests."""
    _server_extra()
    with _serve(tiny_gguf) as base:
        yield base


@pytest.fixture(scope="module")
def llama_replicas(tiny_gguf, llama_server):
    """Two single-slot servers of the same file (llama-cpp-python's server answers one
    request at a time, behind a lock; replicas are how it serves two at once)."""
    with _serve(tiny_gguf) as second:
        yield [llama_server, second]


def test_openai_compatible_server_answers_through_the_http_backend(llama_server):
    backend = OpenAIBackend(llama_server, "tiny", timeout=30)
    generation = backend.generate(MESSAGES, SETTINGS)
    assert isinstance(generation.text, str)
    assert generation.prompt_tokens > 0 and generation.completion_tokens <= SETTINGS.max_new_tokens + 16
    assert backend.identity()["base_url"] == llama_server


def test_registry_builds_the_llm_extractor_on_a_gguf_file(tiny_gguf):
    from harness.extractors.registry import create_extractor

    extractor = create_extractor("llm", {"backend": {"kind": "llama_cpp", "model_path": str(tiny_gguf)}, "cache_dir": None})
    assert extractor.name == "llm" and extractor.fingerprint()["backend"]["model_sha256"] == sha256_file(tiny_gguf)


#: A schema small enough that a random model must finish it: one key, two values.
KIND_SCHEMA = {"type": "object", "properties": {"kind": {"type": "string", "enum": ["fact", "opinion"]}}, "required": ["kind"]}
CONSTRAINED = GenerationSettings(max_new_tokens=24, threads=1, context_size=512, json_schema=canonical_schema(KIND_SCHEMA))


def test_llama_cpp_decodes_under_the_schema_it_is_given(tiny_gguf):
    backend = LlamaCppBackend(tiny_gguf, sha256_file(tiny_gguf))
    free = backend.generate(MESSAGES, GenerationSettings(max_new_tokens=24, threads=1, context_size=512))
    constrained = backend.generate(MESSAGES, CONSTRAINED)
    backend.close()
    with pytest.raises(ValueError):  # the random model left alone writes noise
        json.loads(free.text)
    assert constrained.finish_reason == "stop"
    assert json.loads(constrained.text) in ({"kind": "fact"}, {"kind": "opinion"})


def test_output_schema_becomes_a_grammar_llama_cpp_starts_on(tiny_gguf):
    """The full answer schema: a random model does not finish it, but what it writes is its start."""
    from harness.extractors.llm.schema import output_json_schema

    backend = LlamaCppBackend(tiny_gguf, sha256_file(tiny_gguf))
    settings = GenerationSettings(max_new_tokens=12, threads=1, context_size=512, json_schema=canonical_schema(output_json_schema()))
    generation = backend.generate(MESSAGES, settings)
    backend.close()
    assert generation.text.replace(" ", "").startswith('{"claims":['[: len(generation.text.replace(" ", ""))])
    assert len(generation.text) > 3


@pytest.mark.parametrize("via", ["json_object_schema", "grammar"])
def test_llama_cpp_server_decodes_under_the_schema_sent_as(llama_server, via):
    backend = OpenAIBackend(llama_server, "tiny", timeout=30, constraint_via=via)
    generation = backend.generate(MESSAGES, CONSTRAINED)
    assert json.loads(generation.text) in ({"kind": "fact"}, {"kind": "opinion"})
    assert parse_output(generation.text).status == "ok"


def test_replicas_answer_concurrently_what_they_answer_one_by_one(llama_replicas):
    requests = [[ChatMessage("system", "JSON."), ChatMessage("user", f"<document>\nفقرة رقم {i} من خبر قصير\n</document>")] for i in range(6)]
    serial = OpenAIBackend(llama_replicas[0], "tiny", timeout=30)
    one_by_one = [serial.generate(m, SETTINGS).text for m in requests]
    together = OpenAIBackend(llama_replicas, "tiny", timeout=30, max_concurrency=2)
    outcomes = dict(together.generate_many(requests, SETTINGS))
    assert [outcomes[i].text for i in range(6)] == one_by_one
    assert {r.url for r in together.log} == set(llama_replicas)
    assert all(r.prompt_tokens > 0 and r.completion_tokens > 0 and r.seconds > 0 for r in together.log)


def test_extractor_through_replicas_equals_the_extractor_through_one_server(llama_replicas, tmp_path):
    template = tmp_path / "tiny.yaml"
    template.write_text(TINY_TEMPLATE, encoding="utf-8")
    documents = [
        Document("a", "عنوان أول للخبر هنا\n\nفقرة أولى من الخبر فيها ما يكفي من الكلمات.\n\nفقرة ثانية تتبعها بكلمات أخرى كافية."),
        Document("b", "عنوان ثان للخبر هنا\n\nفقرة ثالثة من خبر آخر فيها ما يكفي من الكلمات."),
    ]

    def run(backend: dict) -> list:
        params = {"backend": {"kind": "openai", "model": "tiny", "timeout": 30, **backend}, "prompt": str(template),
                  "generation": {"max_new_tokens": 8, "context_size": 512}, "cache_dir": None, "progress": False}  # fmt: skip
        return LLMExtractor(params).extract(documents)

    one = run({"base_url": llama_replicas[0]})
    both = run({"base_url": llama_replicas, "max_concurrency": 2})
    assert [[q["raw_output"] for q in p.meta["paragraphs"]] for p in one] == [[q["raw_output"] for q in p.meta["paragraphs"]] for p in both]
    assert [p.annotations for p in one] == [p.annotations for p in both]
    assert sum(p.meta["usage"]["requests"] for p in both) == sum(len(p.meta["paragraphs"]) for p in both) >= 2


# -- parallel: several requests decoded together in one context (llama_cpp_batch) --

from harness.extractors.llm.backends.base import ConcurrentBackend  # noqa: E402
from harness.extractors.llm.backends.llama_cpp import ParallelLlamaCppBackend  # noqa: E402
from harness.extractors.llm.backends.llama_cpp_batch import pack, shared_prefix, template_prefix  # noqa: E402

PARAGRAPHS = [[ChatMessage("system", "JSON."), ChatMessage("user", f"<document>\nفقرة رقم {i} من خبر قصير\n</document>")] for i in range(7)]


def _parallel(tiny_gguf, slots: int) -> ParallelLlamaCppBackend:
    backend = create_backend({"kind": "llama_cpp", "model_path": str(tiny_gguf), "parallel": slots})
    assert isinstance(backend, ParallelLlamaCppBackend)
    return backend


def test_parallel_backend_offers_generate_many_and_says_so_in_its_identity(tiny_gguf):
    one = create_backend({"kind": "llama_cpp", "model_path": str(tiny_gguf)})
    three = _parallel(tiny_gguf, 3)
    assert not isinstance(one, ConcurrentBackend) and isinstance(three, ConcurrentBackend)
    assert "parallel" not in one.identity()  # caches made before the option existed stay valid
    assert three.identity()["parallel"] == 3


@pytest.mark.parametrize("value", [0, -2, True, "4"])
def test_parallel_must_be_a_positive_integer(tiny_gguf, value):
    with pytest.raises(ValueError, match=r"backend\.parallel: expected a positive integer"):
        create_backend({"kind": "llama_cpp", "model_path": str(tiny_gguf), "parallel": value})


def test_parallel_answers_every_request_and_the_same_run_twice_gives_the_same_text(tiny_gguf):
    """More requests than slots: finished slots take the waiting ones; a repeat of the run repeats it exactly."""
    backend = _parallel(tiny_gguf, 3)
    first = dict(backend.generate_many(PARAGRAPHS, SETTINGS))
    second = dict(backend.generate_many(PARAGRAPHS, SETTINGS))
    backend.close()
    assert sorted(first) == list(range(len(PARAGRAPHS)))
    assert [first[i].text for i in range(7)] == [second[i].text for i in range(7)]
    for generation in first.values():
        assert generation.finish_reason in ("stop", "length") and 0 < generation.completion_tokens <= SETTINGS.max_new_tokens
    # the shared prefix is evaluated once (counted on the first request), then only each paragraph's own tokens
    assert sum(g.prompt_tokens_evaluated for g in first.values()) < sum(g.prompt_tokens for g in first.values())
    assert all(0 < g.prompt_tokens_evaluated < g.prompt_tokens for g in second.values())


def test_parallel_answers_are_those_of_a_fresh_backend_with_the_same_slots(tiny_gguf):
    """What a run answers does not depend on what the backend was asked before."""
    warmed = _parallel(tiny_gguf, 2)
    list(warmed.generate_many([[ChatMessage("system", "Other."), ChatMessage("user", "نص آخر تماما")]], SETTINGS))
    after = dict(warmed.generate_many(PARAGRAPHS, SETTINGS))
    fresh = dict(_parallel(tiny_gguf, 2).generate_many(PARAGRAPHS, SETTINGS))
    assert {i: g.text for i, g in after.items()} == {i: g.text for i, g in fresh.items()}


def test_parallel_stops_at_the_token_cap_and_at_stop_strings(tiny_gguf):
    backend = _parallel(tiny_gguf, 2)
    capped = dict(backend.generate_many(PARAGRAPHS[:2], GenerationSettings(max_new_tokens=3, threads=1, context_size=512)))
    assert all(g.completion_tokens <= 3 for g in capped.values())
    long = dict(backend.generate_many(PARAGRAPHS[:2], GenerationSettings(max_new_tokens=40, threads=1, context_size=512)))
    text = long[0].text
    assert len(text) > 2, "the random model wrote too little to pick a stop string from"
    stop = text[1]  # one character: its bytes are contiguous even where the random model wrote invalid UTF-8 around it
    stopped = dict(backend.generate_many(PARAGRAPHS[:1], GenerationSettings(max_new_tokens=40, threads=1, context_size=512, stop=(stop,))))
    assert stopped[0].text == text[: text.index(stop)] and stopped[0].finish_reason == "stop"


def test_parallel_records_a_prompt_too_long_as_that_requests_error_and_answers_the_others(tiny_gguf):
    backend = _parallel(tiny_gguf, 2)
    requests = [PARAGRAPHS[0], [ChatMessage("user", "كلمة " * 400)], PARAGRAPHS[1]]
    outcomes = dict(backend.generate_many(requests, GenerationSettings(max_new_tokens=4, threads=1, context_size=256)))
    assert isinstance(outcomes[1], BackendError) and "context window" in str(outcomes[1])
    assert not isinstance(outcomes[0], BackendError) and not isinstance(outcomes[2], BackendError)
    with pytest.raises(BackendError):  # generate() on one request raises, as the one-at-a-time backend does
        backend.generate(requests[1], GenerationSettings(max_new_tokens=4, context_size=256))


def test_parallel_decodes_each_request_under_the_schema(tiny_gguf):
    backend = _parallel(tiny_gguf, 3)
    outcomes = dict(backend.generate_many(PARAGRAPHS[:4], CONSTRAINED))
    backend.close()
    assert {i: json.loads(g.text)["kind"] in ("fact", "opinion") for i, g in outcomes.items()} == {0: True, 1: True, 2: True, 3: True}


def test_template_prefix_stops_before_the_last_messages_text(tiny_gguf):
    from llama_cpp import Llama

    llm = Llama(model_path=str(tiny_gguf), n_ctx=512, verbose=False)
    chat = [{"role": m.role, "content": m.content} for m in PARAGRAPHS[0]]
    prefix = template_prefix(llm, chat)
    rendered = llm.detokenize(prefix, special=True).decode()
    assert rendered.endswith("<|im_start|>user\n") and "فقرة" not in rendered
    other = template_prefix(llm, [{"role": m.role, "content": m.content} for m in PARAGRAPHS[5]])
    assert other == prefix  # the same for every paragraph of one template


def test_shared_prefix_leaves_every_prompt_a_token_of_its_own():
    assert shared_prefix([[1, 2, 3, 4], [1, 2, 3, 5]]) == 3
    assert shared_prefix([[1, 2, 3], [1, 2, 3, 4]]) == 2
    assert shared_prefix([[7], [7]]) == 0
    assert shared_prefix([]) == 0


def test_pack_keeps_each_group_in_one_call_unless_it_is_longer_than_a_call():
    def group(label: str, n: int) -> list:
        return [(0, i, 0, label) for i in range(n)]

    calls = pack([group("a", 3), group("b", 4), group("c", 2), group("d", 11)], 5)
    labels = [[entry[3] for entry in call] for call in calls]
    assert labels == [["a"] * 3, ["b"] * 4, ["c"] * 2, ["d"] * 5, ["d"] * 5, ["d"]]
    assert all(len(call) <= 5 for call in calls)


def test_extractor_sends_all_paragraphs_to_a_parallel_backend_and_caches_each_answer(tiny_gguf, tmp_path):
    template = tmp_path / "tiny.yaml"
    template.write_text(TINY_TEMPLATE, encoding="utf-8")
    params = {
        "backend": {"kind": "llama_cpp", "model_path": str(tiny_gguf), "parallel": 2},
        "prompt": str(template),
        "generation": {"max_new_tokens": 8, "context_size": 512},
        "cache_dir": str(tmp_path / "cache"),
        "progress": False,
    }
    documents = [
        Document("a", "عنوان أول للخبر هنا\n\nفقرة أولى من الخبر فيها ما يكفي من الكلمات.\n\nفقرة ثانية تتبعها بكلمات أخرى كافية."),
        Document("b", "عنوان ثان للخبر هنا\n\nفقرة ثالثة من خبر آخر فيها ما يكفي من الكلمات."),
    ]
    extractor = LLMExtractor(params)
    paragraphs = sum(extractor.work_units(d) for d in documents)
    first = extractor.extract(documents)
    assert paragraphs >= 2 and extractor.stats["generated"] == paragraphs and not any(p.failed for p in first)
    again = LLMExtractor(params)
    second = again.extract(documents)
    assert again.stats["generated"] == 0 and again.stats["cached"] == paragraphs
    assert again.backend._llm is None  # all cached: the model was never loaded
    assert [[q["raw_output"] for q in p.meta["paragraphs"]] for p in first] == [[q["raw_output"] for q in p.meta["paragraphs"]] for p in second]
    assert extractor.fingerprint()["backend"]["parallel"] == 2
