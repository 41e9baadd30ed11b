"""The review server: it serves the page, and writes a posted file only when it keeps the contract.

The server runs in a thread of the test on a free loopback port; the drafts
come from the rule baseline on a text written for these tests.
"""

from __future__ import annotations

import copy
import json
import threading
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from harness.common.paths import PROJECT_ROOT as ROOT
from harness.drafting.draft import draft_gold
from harness.drafting.server import TOKEN_HEADER, ReviewServer

TEXT = "أكد محافظ البصرة أسعد العيداني أن 75 مدرسة جديدة افتتحت في المحافظة خلال أيلول 2023.\n"
REVIEW = {"status": "accepted", "by": "ليلى", "at": "2024-05-01T09:30:00Z"}


@pytest.fixture
def drafts(tmp_path: Path) -> Path:
    text = tmp_path / "basra.txt"
    text.write_text(TEXT, encoding="utf-8")
    out = tmp_path / "drafts"
    (drafted,) = draft_gold(ROOT / "configs" / "rules.yaml", [text], out, project_root=ROOT).files
    assert drafted.entities >= 2, "the rules found too little in the test text to review"
    return out


def serve(directory: Path, save_to: Path | None = None):
    server = ReviewServer(directory, save_to or directory, 0, log=lambda line: None)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


@pytest.fixture
def server(drafts):
    server, thread = serve(drafts)
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def post(server: ReviewServer, doc_id: str, body: bytes, token: str | None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers[TOKEN_HEADER] = token
    request = Request(server.url + "save/" + doc_id, data=body, headers=headers, method="POST")
    try:
        with urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except HTTPError as err:
        return err.code, json.loads(err.read())


def reviewed(drafts: Path) -> dict:
    """The draft with its first entity accepted and its second rejected (left out)."""
    gold = json.loads((drafts / "gold" / "basra.json").read_text(encoding="utf-8"))
    gold["entities"][0]["review"] = REVIEW
    del gold["entities"][1]
    for claim in gold["claims"]:
        for slot in ("speaker", "location"):
            if claim[slot] is not None and claim[slot]["entity"] not in {e["id"] for e in gold["entities"]}:
                claim[slot]["entity"] = None
    return gold


def test_the_page_is_served_with_its_save_token_on_the_loopback_address(server):
    assert server.url.startswith("http://127.0.0.1:")
    with urlopen(server.url, timeout=10) as answer:
        page = answer.read().decode("utf-8")
        assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    assert server.token in page and '"save": {"url": "/save/"' in page
    with pytest.raises(HTTPError) as info:
        urlopen(server.url + "gold/basra.json", timeout=10)
    assert info.value.code == 404


def test_a_valid_review_is_written_and_the_answer_counts_what_is_left(server, drafts):
    gold = reviewed(drafts)
    status, answer = post(server, "basra", json.dumps(gold, ensure_ascii=False).encode(), server.token)
    assert status == 200 and answer["ok"] is True
    path = drafts / "gold" / "basra.json"
    assert answer["path"] == str(path)
    assert json.loads(path.read_text(encoding="utf-8")) == gold
    assert answer["unreviewed"] == len(gold["entities"]) - 1 + len(gold["claims"])


def test_a_save_without_the_token_is_refused_and_writes_nothing(server, drafts):
    path = drafts / "gold" / "basra.json"
    before = path.read_bytes()
    body = json.dumps(reviewed(drafts), ensure_ascii=False).encode()
    for token in (None, "guessed"):
        status, answer = post(server, "basra", body, token)
        assert status == 403 and answer["ok"] is False and "token" in answer["problems"][0]
    assert path.read_bytes() == before


def test_a_file_that_breaks_the_contract_is_refused_with_every_problem_and_writes_nothing(server, drafts):
    path = drafts / "gold" / "basra.json"
    before = path.read_bytes()
    gold = reviewed(drafts)
    broken = copy.deepcopy(gold)
    broken["entities"][0]["start"] += 1  # an offset counted in UTF-16 units, or off by one
    broken["entities"][0]["review"]["status"] = "fine"
    status, answer = post(server, "basra", json.dumps(broken, ensure_ascii=False).encode(), server.token)
    assert status == 422 and answer["ok"] is False
    assert any(p.startswith("$.entities[0].review.status: unknown status 'fine'") for p in answer["problems"])
    assert any(p.startswith("$.entities[0].text:") and "does not match the document" in p for p in answer["problems"])
    status, answer = post(server, "basra", b"{not json", server.token)
    assert status == 422 and answer["problems"][0].startswith("the posted file is not UTF-8 JSON")
    status, answer = post(server, "basra", json.dumps({**gold, "doc_id": "other"}).encode(), server.token)
    assert status == 422 and "doc_id differs" in answer["problems"][0]
    status, answer = post(server, "nowhere", json.dumps(gold).encode(), server.token)
    assert status == 422 and answer["problems"][0].startswith("no document 'nowhere'")
    assert path.read_bytes() == before


def test_saves_to_another_directory_make_a_corpus_there_and_the_page_shows_them(drafts, tmp_path):
    elsewhere = tmp_path / "reviewed"
    server, thread = serve(drafts, elsewhere)
    try:
        gold = reviewed(drafts)
        status, answer = post(server, "basra", json.dumps(gold, ensure_ascii=False).encode(), server.token)
        assert status == 200 and answer["path"] == str(elsewhere / "gold" / "basra.json")
        assert (elsewhere / "seeds" / "basra.txt").read_bytes() == (drafts / "seeds" / "basra.txt").read_bytes()
        assert "review" not in json.loads((drafts / "gold" / "basra.json").read_text(encoding="utf-8"))["entities"][0]
        with urlopen(server.url, timeout=10) as answer:
            page = answer.read().decode("utf-8")
        assert '"review": {"status": "accepted"' in page  # the saved version, not the draft
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_a_port_already_taken_is_a_one_line_error(drafts, capsys):
    import socket

    from harness.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["gold", "review", str(drafts), "--serve", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot listen on 127.0.0.1:{port}: ") and err.count("\n") == 1
