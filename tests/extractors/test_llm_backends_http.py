"""The OpenAI-compatible HTTP backend against a scripted server on 127.0.0.1 (stdlib only)."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from harness.extractors.llm.backends.base import BackendError, ChatMessage
from harness.extractors.llm.backends.openai_http import OpenAIBackend
from harness.extractors.llm.backends.retry import RetryPolicy
from harness.extractors.llm.settings import GenerationSettings

MESSAGES = [ChatMessage("system", "JSON."), ChatMessage("user", "<document>\nنص\n</document>")]


class _Handler(BaseHTTPRequestHandler):
    """Answers /v1/chat/completions with what the test put in ``server.reply``."""

    def do_POST(self):  # noqa: N802 - the name http.server calls
        length = int(self.headers.get("Content-Length", 0))
        self.server.requests.append((self.path, json.loads(self.rfile.read(length))))
        status, body = self.server.reply
        data = body.encode("utf-8") if isinstance(body, str) else json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)
    httpd.requests = []
    httpd.reply = (200, {})
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _url(httpd) -> str:
    return f"http://127.0.0.1:{httpd.server_address[1]}/v1"


def test_answer_text_and_token_counts_are_read(server):
    server.reply = (200, {
        "choices": [{"message": {"role": "assistant", "content": '{"claims": []}'}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 40, "completion_tokens": 5},
    })  # fmt: skip
    generation = OpenAIBackend(_url(server), "m", timeout=5).generate(MESSAGES, GenerationSettings())
    assert generation.text == '{"claims": []}'
    assert (generation.prompt_tokens, generation.completion_tokens, generation.finish_reason) == (40, 5, "stop")
    path, body = server.requests[0]
    assert path == "/v1/chat/completions"
    assert body["messages"][1] == {"role": "user", "content": MESSAGES[1].content}


def test_request_carries_every_decoding_setting(server):
    server.reply = (200, {"choices": [{"message": {"content": "x"}, "finish_reason": "length"}]})
    settings = GenerationSettings(max_new_tokens=33, seed=7, repetition_penalty=1.2, stop=("]}",))
    OpenAIBackend(_url(server), "m", timeout=5, penalty_field="repetition_penalty").generate(MESSAGES, settings)
    body = server.requests[0][1]
    assert (body["temperature"], body["max_tokens"], body["seed"], body["stop"]) == (0.0, 33, 7, ["]}"])
    assert body["repetition_penalty"] == 1.2 and "repeat_penalty" not in body


def test_stop_string_in_the_answer_is_cut(server):
    server.reply = (200, {"choices": [{"message": {"content": '{"claims": []}\nEND more'}, "finish_reason": "stop"}]})
    generation = OpenAIBackend(_url(server), "m", timeout=5).generate(MESSAGES, GenerationSettings(stop=("END",)))
    assert generation.text == '{"claims": []}\n'


def test_http_error_status_is_a_backend_error_with_the_detail(server):
    server.reply = (400, {"error": "unknown field repeat_penalty"})
    with pytest.raises(BackendError, match="HTTP 400.*repeat_penalty"):
        OpenAIBackend(_url(server), "m", timeout=5).generate(MESSAGES, GenerationSettings())


def test_answer_without_choices_is_a_backend_error(server):
    server.reply = (200, {"object": "error"})
    with pytest.raises(BackendError, match="choices"):
        OpenAIBackend(_url(server), "m", timeout=5).generate(MESSAGES, GenerationSettings())


def test_unreachable_server_is_a_backend_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    fast = RetryPolicy(max_attempts=2, backoff_seconds=0.01)
    with pytest.raises(BackendError, match="no answer.*after 2 attempts"):
        OpenAIBackend(f"http://127.0.0.1:{port}/v1", "m", timeout=2, retry=fast).generate(MESSAGES, GenerationSettings())


def test_url_that_is_not_http_is_refused():
    with pytest.raises(ValueError, match="http"):
        OpenAIBackend("file:///etc/passwd", "m")


def test_declared_model_hash_is_part_of_the_identity():
    identity = OpenAIBackend("http://127.0.0.1:1/v1", "m", model_sha256="abc").identity()
    assert identity["model_sha256"] == "abc" and identity["model"] == "m"
