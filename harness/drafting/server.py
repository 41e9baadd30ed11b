"""``harness gold review DIR --serve PORT``: the review page on 127.0.0.1, saving what it posts.

Standard library only (``http.server``). ``GET /`` renders the page from the
files as they are now (a reload shows what was saved). ``POST /save/<doc_id>``
takes the reviewed gold file as JSON, checks it with the gold validator
against the document's text, and only then writes it (whole or not at all)
to ``SAVE_TO/gold/<doc_id>.json`` (the text is copied to ``SAVE_TO/seeds/``
when saving elsewhere than the draft directory). The answer is JSON:
``{"ok": true, "path": ..., "unreviewed": n}`` or ``{"ok": false,
"problems": [...]}``, one line per problem, which the page shows.

It listens on the loopback address only, and a save must carry the random
token written into the page it served (``X-Review-Token``), so another page
open in the same browser cannot write files through it.
"""

from __future__ import annotations

import hmac
import json
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from harness.common.atomic import write_text_atomic
from harness.corpus.validate import unreviewed_drafts, validate_gold_file
from harness.drafting.page import (
    ReviewCorpus,
    corpus_dirs,
    read_review_corpus,
    render_review_page,
)

#: Largest reviewed file accepted (a gold file of a long article is a few hundred kB).
MAX_BODY_BYTES = 8 * 1024 * 1024
TOKEN_HEADER = "X-Review-Token"


@dataclass(frozen=True)
class SaveOutcome:
    """What a save did: the path written, or the problems that stopped it."""

    ok: bool
    path: Path | None = None
    unreviewed: int = 0
    problems: tuple[str, ...] = ()


def save_reviewed(corpus: ReviewCorpus, doc_id: str, body: bytes, gold_dir: Path, seeds_dir: Path) -> SaveOutcome:
    """Validate a posted gold file for ``doc_id`` and write it into ``gold_dir``; see the module doc.

    ``seeds_dir`` receives a copy of the text when it is not the draft's own.
    """
    document = next((d for d in corpus.documents if d.doc_id == doc_id), None)
    if document is None:
        return SaveOutcome(False, problems=(f"no document {doc_id!r} in {corpus.gold_dir}",))
    try:
        gold = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        return SaveOutcome(False, problems=(f"the posted file is not UTF-8 JSON: {err}",))
    if not isinstance(gold, dict) or gold.get("doc_id") != doc_id:
        return SaveOutcome(False, problems=(f"the posted file is not the gold file of {doc_id!r} (its doc_id differs)",))
    text = json.dumps(gold, ensure_ascii=False, indent=1) + "\n"
    with tempfile.TemporaryDirectory(prefix="harness-review-") as scratch:
        candidate = Path(scratch) / f"{doc_id}.json"
        candidate.write_text(text, encoding="utf-8")
        problems = validate_gold_file(candidate, document.seeds_dir)
    if problems:
        return SaveOutcome(False, problems=tuple(f"{p.path}: {p.message}" for p in problems))
    target = gold_dir / f"{doc_id}.json"
    seed = seeds_dir / f"{doc_id}.txt"
    if seeds_dir.resolve() != document.seeds_dir.resolve() and not seed.exists():
        seeds_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(document.seeds_dir / f"{doc_id}.txt", seed)
    write_text_atomic(target, text)
    return SaveOutcome(True, target, unreviewed_drafts(gold))


class ReviewServer(HTTPServer):
    """Serves one draft directory's review page and saves reviewed files."""

    def __init__(self, directory: Path, save_to: Path, port: int, log: Callable[[str], None] | None = None):
        self.directory = directory
        self.save_to = save_to
        self.token = secrets.token_urlsafe(24)
        self.log = log or (lambda line: print(line, file=sys.stderr))
        read_review_corpus(directory)  # fail now, in one line, rather than on the first request
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def url(self) -> str:
        # The host is the loopback address __init__ binds to; the port is the one the system gave.
        port = self.server_address[1]
        return f"http://127.0.0.1:{port}/"

    def targets(self) -> tuple[Path, Path]:
        """(gold, seeds) directories saves go to: the draft's own, or ``SAVE_TO/gold`` and ``SAVE_TO/seeds``."""
        source = corpus_dirs(self.directory)
        if self.save_to.resolve() == self.directory.resolve():
            return source
        return self.save_to / "gold", self.save_to / "seeds"

    def corpus(self) -> ReviewCorpus:
        """The drafts as they are now, each replaced by its saved version when saves go elsewhere."""
        gold_dir, _ = self.targets()
        return read_review_corpus(self.directory, overrides=gold_dir if gold_dir.is_dir() else None)


class _Handler(BaseHTTPRequestHandler):
    server: ReviewServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        self.server.log(f"{self.address_string()} {format % args}")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: dict[str, Any]) -> None:
        self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if urlsplit(self.path).path not in ("/", "/index.html"):
            self._json(HTTPStatus.NOT_FOUND, {"ok": False, "problems": [f"nothing at {self.path}"]})
            return
        try:
            page = render_review_page(self.server.corpus(), str(self.server.directory), save_token=self.server.token)
        except (ValueError, OSError) as err:
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, f"cannot read the drafts: {err}\n".encode(), "text/plain; charset=utf-8")
            return
        self._send(HTTPStatus.OK, page.encode("utf-8"), "text/html; charset=utf-8")

    def do_POST(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path
        if not path.startswith("/save/"):
            self._json(HTTPStatus.NOT_FOUND, {"ok": False, "problems": [f"nothing to post to at {path}"]})
            return
        if not hmac.compare_digest(self.headers.get(TOKEN_HEADER, ""), self.server.token):
            self._json(HTTPStatus.FORBIDDEN, {"ok": False, "problems": ["missing or wrong review token: reload the page this server serves"]})
            return
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY_BYTES:
            self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"ok": False, "problems": [f"a save needs a body of 1 to {MAX_BODY_BYTES} bytes"]})
            return
        body = self.rfile.read(length)
        doc_id = unquote(path[len("/save/") :])
        try:
            outcome = save_reviewed(self.server.corpus(), doc_id, body, *self.server.targets())
        except (ValueError, OSError) as err:
            outcome = SaveOutcome(False, problems=(f"cannot save: {err}",))
        if outcome.ok:
            self.server.log(f"saved {outcome.path} ({outcome.unreviewed} unreviewed item(s) left)")
            self._json(HTTPStatus.OK, {"ok": True, "path": str(outcome.path), "unreviewed": outcome.unreviewed})
        else:
            self._json(HTTPStatus.UNPROCESSABLE_ENTITY, {"ok": False, "problems": list(outcome.problems)})
