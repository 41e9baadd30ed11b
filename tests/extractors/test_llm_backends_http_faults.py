"""The OpenAI-compatible backend against a faulty server of the test's own on 127.0.0.1.

The server follows a script, one step per request it receives: answer with
a status (and headers), drop the connection without answering, or stay
silent longer than the client's timeout. Waits are kept short (backoff of
hundredths of a second) so the retries run for real in well under a second,
except where a Retry-After of one second is the point.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from harness.extractors.llm.backends.base import BackendError, ChatMessage, answer_all
from harness.extractors.llm.backends.openai_http import OpenAIBackend
from harness.extractors.llm.backends.retry import (
    RetryPolicy,
    jittered,
    retry_after_seconds,
)
from harness.extractors.llm.settings import GenerationSettings, canonical_schema

SETTINGS = GenerationSettings(max_new_tokens=16)
FAST = RetryPolicy(max_attempts=4, backoff_seconds=0.02, max_backoff_seconds=1.0, seed=3)


def _messages(text: str) -> list[ChatMessage]:
    return [ChatMessage("system", "أجب بصيغة JSON."), ChatMessage("user", text)]


def _ok(content: str, prompt_tokens: int = 30, completion_tokens: int = 4) -> dict:
    return {
        "choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens},
    }


class _Handler(BaseHTTPRequestHandler):
    """Takes the next step of ``server.script`` (the last step repeats); echoes the user text on 200."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802 - the name http.server calls
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        server = self.server
        with server.lock:
            step = server.script[min(server.count, len(server.script) - 1)]
            server.count += 1
            server.bodies.append(body)
            server.in_flight += 1
            server.most_in_flight = max(server.most_in_flight, server.in_flight)
        try:
            kind = step[0]
            if kind == "close":  # drop the connection without a word
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            if kind == "silent":  # say nothing for longer than the client waits
                time.sleep(step[1])
                return
            status, headers = step[1], step[2] if len(step) > 2 else {}
            if kind == "slow":
                time.sleep(step[3])
            payload = _ok(body["messages"][-1]["content"]) if status == 200 else {"error": f"status {status}"}
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        finally:
            with server.lock:
                server.in_flight -= 1

    def log_message(self, *args):
        pass


def _start(script: list[tuple]) -> ThreadingHTTPServer:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    httpd.script, httpd.count, httpd.bodies = script, 0, []
    httpd.lock = threading.Lock()
    httpd.in_flight = httpd.most_in_flight = 0
    httpd.thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    httpd.thread.start()
    return httpd


def _stop(httpd: ThreadingHTTPServer) -> None:
    httpd.shutdown()
    httpd.server_close()
    httpd.thread.join(timeout=5)


@pytest.fixture()
def serve():
    started: list[ThreadingHTTPServer] = []

    def start(script: list[tuple]) -> str:
        httpd = _start(script)
        started.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}/v1"

    start.servers = started
    yield start
    for httpd in started:
        _stop(httpd)


def test_429_then_200_waits_what_retry_after_asks_and_answers(serve):
    url = serve([("status", 429, {"Retry-After": "1"}), ("status", 200)])
    backend = OpenAIBackend(url, "m", timeout=5, retry=FAST)
    started = time.perf_counter()
    generation = backend.generate(_messages("فقرة أولى"), SETTINGS)
    assert time.perf_counter() - started >= 1.0
    assert generation.text == "فقرة أولى" and generation.attempts == 2
    record = backend.log[-1]
    assert record.outcomes == ("HTTP 429", "200") and record.waits == (1.0,) and record.error is None


def test_server_errors_are_retried_with_growing_jittered_waits_then_fail_with_every_attempt_named(serve):
    url = serve([("status", 500)])
    backend = OpenAIBackend(url, "m", timeout=5, retry=FAST)
    with pytest.raises(BackendError) as raised:
        backend.generate(_messages("فقرة"), SETTINGS)
    message = str(raised.value)
    assert url in message and "HTTP 500" in message
    assert "after 4 attempts (HTTP 500, HTTP 500, HTTP 500, HTTP 500)" in message
    assert serve.servers[0].count == 4
    record = backend.log[-1]
    assert record.error == message and len(record.waits) == 3
    for retry, wait in enumerate(record.waits, 1):
        ceiling = FAST.ceiling(retry)
        assert ceiling / 2 <= wait <= ceiling, (retry, wait)
    assert [FAST.ceiling(r) for r in (1, 2, 3)] == [0.02, 0.04, 0.08]


def test_jitter_is_the_same_for_the_same_seed_and_differs_for_another(serve):
    def waits(seed: int) -> tuple[float, ...]:
        backend = OpenAIBackend(serve([("status", 503)]), "m", timeout=5, retry=RetryPolicy(3, 0.02, 1.0, seed))
        with pytest.raises(BackendError):
            backend.generate(_messages("فقرة"), SETTINGS)
        return backend.log[-1].waits

    assert waits(7) == waits(7)
    assert waits(7) != waits(8)


def test_waits_never_exceed_the_cap():
    policy = RetryPolicy(max_attempts=10, backoff_seconds=1.0, max_backoff_seconds=5.0)
    assert [policy.ceiling(r) for r in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert jittered(5.0, 0.0) == 2.5 and jittered(5.0, 0.999) < 5.0


def test_retry_after_as_an_http_date_is_read():
    assert retry_after_seconds("Thu, 01 Jan 2026 00:00:10 GMT", now=1767225600.0) == pytest.approx(10.0)
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None


def test_a_dropped_connection_is_retried(serve):
    url = serve([("close",), ("status", 200)])
    backend = OpenAIBackend(url, "m", timeout=5, retry=FAST)
    generation = backend.generate(_messages("فقرة ثانية"), SETTINGS)
    assert generation.text == "فقرة ثانية"
    assert backend.log[-1].outcomes == ("connection", "200")


def test_a_silent_server_times_out_each_attempt_and_the_failure_says_so(serve):
    url = serve([("silent", 3.0)])
    backend = OpenAIBackend(url, "m", timeout=0.3, retry=RetryPolicy(2, 0.02, 1.0))
    started = time.perf_counter()
    with pytest.raises(BackendError, match=r"no answer within 0.3 s.*after 2 attempts \(timeout, timeout\)"):
        backend.generate(_messages("فقرة"), SETTINGS)
    assert time.perf_counter() - started < 3.0  # the client gave up; it did not wait for the server


def test_a_refused_field_is_not_retried(serve):
    url = serve([("status", 400)])
    backend = OpenAIBackend(url, "m", timeout=5, retry=FAST)
    with pytest.raises(BackendError, match="HTTP 400"):
        backend.generate(_messages("فقرة"), SETTINGS)
    assert serve.servers[0].count == 1 and backend.log[-1].attempts == 1


def test_retry_after_longer_than_the_cap_ends_the_retries_at_once(serve):
    url = serve([("status", 503, {"Retry-After": "120"})])
    backend = OpenAIBackend(url, "m", timeout=5, retry=FAST)
    with pytest.raises(BackendError, match="asks to wait 120 s"):
        backend.generate(_messages("فقرة"), SETTINGS)
    assert serve.servers[0].count == 1


def test_requests_in_flight_never_exceed_max_concurrency_and_outcomes_keep_their_positions(serve):
    url = serve([("slow", 200, {}, 0.15)])
    backend = OpenAIBackend(url, "m", timeout=5, retry=FAST, max_concurrency=3)
    requests = [_messages(f"الفقرة رقم {i}") for i in range(8)]
    outcomes = dict(backend.generate_many(requests, SETTINGS))
    assert sorted(outcomes) == list(range(8))
    assert [outcomes[i].text for i in range(8)] == [f"الفقرة رقم {i}" for i in range(8)]
    assert serve.servers[0].most_in_flight == 3  # three at a time: never more, and not one after another
    assert [(r.prompt_tokens, r.completion_tokens) for r in backend.log] == [(30, 4)] * 8


def test_one_failing_request_does_not_sink_the_others(serve):
    good = serve([("status", 200)])
    backend = OpenAIBackend(good, "m", timeout=5, retry=RetryPolicy(1), max_concurrency=2)
    bad = OpenAIBackend(serve([("status", 500)]), "m", timeout=5, retry=RetryPolicy(1), max_concurrency=2)
    outcomes = dict(answer_all(backend, [_messages("أ"), _messages("ب")], SETTINGS))
    assert [outcomes[0].text, outcomes[1].text] == ["أ", "ب"]
    failed = dict(answer_all(bad, [_messages("أ")], SETTINGS))
    assert isinstance(failed[0], BackendError) and "HTTP 500" in str(failed[0])


def test_replicas_share_the_requests(serve):
    first, second = serve([("slow", 200, {}, 0.1)]), serve([("slow", 200, {}, 0.1)])
    backend = OpenAIBackend([first, second], "m", timeout=5, retry=FAST, max_concurrency=2)
    outcomes = dict(backend.generate_many([_messages(f"فقرة {i}") for i in range(6)], SETTINGS))
    assert len(outcomes) == 6
    assert sum(s.count for s in serve.servers) == 6 and min(s.count for s in serve.servers) >= 2
    assert {r.url for r in backend.log} == {first, second}
    assert backend.identity()["base_url"] == [first, second]


SCHEMA = {"type": "object", "properties": {"kind": {"type": "string", "enum": ["fact", "opinion"]}}, "required": ["kind"]}


@pytest.mark.parametrize(
    "via, field, expected",
    [
        ("response_format", "response_format", {"type": "json_schema", "json_schema": {"name": "claims_and_entities", "schema": SCHEMA}}),
        ("json_object_schema", "response_format", {"type": "json_object", "schema": SCHEMA}),
        ("json_schema", "json_schema", SCHEMA),
    ],
)
def test_schema_goes_in_the_field_the_setup_names(serve, via, field, expected):
    url = serve([("status", 200)])
    settings = GenerationSettings(json_schema=canonical_schema(SCHEMA))
    OpenAIBackend(url, "m", timeout=5, constraint_via=via).generate(_messages("فقرة"), settings)
    assert serve.servers[0].bodies[0][field] == expected


def test_schema_as_a_grammar_is_sent_as_gbnf(serve):
    pytest.importorskip("llama_cpp", reason="the grammar is built with llama-cpp-python's converter (extra 'llm')")
    url = serve([("status", 200)])
    settings = GenerationSettings(json_schema=canonical_schema(SCHEMA))
    OpenAIBackend(url, "m", timeout=5, constraint_via="grammar").generate(_messages("فقرة"), settings)
    grammar = serve.servers[0].bodies[0]["grammar"]
    assert grammar.count("root ::=") == 1 and '"\\"fact\\""' in grammar and "response_format" not in serve.servers[0].bodies[0]


def test_free_decoding_sends_no_schema(serve):
    url = serve([("status", 200)])
    OpenAIBackend(url, "m", timeout=5).generate(_messages("فقرة"), SETTINGS)
    body = serve.servers[0].bodies[0]
    assert not {"response_format", "json_schema", "grammar"} & set(body)


@pytest.mark.parametrize(
    "params, message",
    [
        ({"max_concurrency": 0}, "max_concurrency"),
        ({"retry": {"max_attempts": 0}}, "retry.max_attempts"),
        ({"retry": {"backoff_seconds": 5, "max_backoff_seconds": 1}}, "retry.max_backoff_seconds"),
        ({"retry": {"tries": 3}}, "retry: unknown key"),
        ({"constraint_via": "xml"}, "constraint_via"),
        ({"base_url": ["http://127.0.0.1:1/v1", "ftp://x"]}, "base_url"),
    ],
)
def test_bad_setup_values_are_errors_naming_the_key(params, message):
    with pytest.raises(ValueError, match=message):
        OpenAIBackend.from_params({"base_url": "http://127.0.0.1:1/v1", "model": "m", **params})
