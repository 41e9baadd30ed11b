"""The review page: one self-contained HTML file (inline CSS and script, no network).

Why a page and not a tool to install: a reviewer needs only a browser. The
page holds, per document, the text and its gold file as JSON; the script
draws the text with the items marked, and lets the reviewer accept, reject,
edit (spans by selecting text with the mouse) and add items, then exports the
reviewed gold file (a JSON download, or a POST to the local server of
:mod:`harness.drafting.server`, which validates and writes it).

Escaping: the data is embedded with Jinja2's ``tojson`` filter inside a
``<script type="application/json">`` element (``<``, ``>``, ``&`` and ``'``
become ``\\u`` escapes, so no text can close the element), and the script
builds every element with ``textContent``, never ``innerHTML``. The inline
script and style are this package's own files, inserted as they are.

Offsets: gold offsets are Python ``str`` indices (code points); JavaScript
strings count UTF-16 units. The script splits the text once with
``Array.from`` (which iterates code points) and draws, slices and measures
only in code points; a selection is turned into offsets by measuring the
text before each of its ends with ``Array.from(...).length``
(``tests/drafting`` checks it on a text with a character outside the BMP).
The text is put into the page by the script from the JSON string, not parsed
from HTML, so a ``\\r\\n`` stays two code points as it is on disk.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from harness.annotations import CLAIM_KINDS, CLAIM_SLOTS, ENTITY_LABELS
from harness.corpus.gold import GoldError
from harness.corpus.seeds import read_text_exact
from harness.corpus.validate import (
    REVIEW_STATUSES,
    TIME_VALUE,
    gold_files,
    texts_beside,
    validate_gold_file,
)
from harness.text.units import UNIT_FORMS

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class ReviewDocument:
    """One document to review: its text and its gold file as JSON."""

    doc_id: str
    text: str
    gold: dict[str, Any]
    gold_path: Path
    seeds_dir: Path


@dataclass(frozen=True)
class ReviewCorpus:
    """A corpus directory (``DIR/gold`` + ``DIR/seeds``) or a gold directory with ``seeds/`` beside it."""

    gold_dir: Path
    seeds_dir: Path
    documents: tuple[ReviewDocument, ...]


def corpus_dirs(directory: Path) -> tuple[Path, Path]:
    """(gold directory, seeds directory) of what ``harness gold review`` is given."""
    gold_dir = directory / "gold" if (directory / "gold").is_dir() else directory
    if not gold_dir.is_dir():
        raise FileNotFoundError(f"{directory}: no such directory (a draft corpus holding gold/ and seeds/)")
    seeds_dir = texts_beside(gold_dir)
    if seeds_dir is None:
        raise FileNotFoundError(f"{directory}: no seeds/ directory beside the gold files (looked for {gold_dir.parent / 'seeds'})")
    return gold_dir, seeds_dir


def read_review_corpus(directory: Path, overrides: Path | None = None) -> ReviewCorpus:
    """Every gold file of ``directory`` with its text, validated (a broken file cannot be reviewed).

    ``overrides``, a gold directory, supplies the newer version of any file it
    holds (the reviewed files a server has saved elsewhere).
    """
    gold_dir, seeds_dir = corpus_dirs(directory)
    paths = gold_files([gold_dir])
    if not paths:
        raise FileNotFoundError(f"{gold_dir}: no gold files (*.json) to review")
    if overrides is not None:
        paths = [overrides / p.name if (overrides / p.name).is_file() else p for p in paths]
    problems = [problem for path in paths for problem in validate_gold_file(path, seeds_dir)]
    if problems:
        raise GoldError(problems)
    documents = []
    for path in paths:
        gold = json.loads(path.read_bytes().decode("utf-8"))
        text = read_text_exact(seeds_dir / f"{gold['doc_id']}.txt")
        documents.append(ReviewDocument(gold["doc_id"], text, gold, path, seeds_dir))
    return ReviewCorpus(gold_dir, seeds_dir, tuple(documents))


def page_data(corpus: ReviewCorpus, save_token: str | None = None) -> dict[str, Any]:
    """What the script reads: documents, the vocabularies of the contract, and how to save."""
    return {
        "documents": [{"doc_id": d.doc_id, "text": d.text, "gold": d.gold, "source": str(d.gold_path)} for d in corpus.documents],
        "labels": list(ENTITY_LABELS),
        "kinds": list(CLAIM_KINDS),
        "slots": list(CLAIM_SLOTS),
        "statuses": list(REVIEW_STATUSES),
        "units": sorted({form.unit for form in UNIT_FORMS.values()}),
        # The validator's own pattern, so the page refuses what harness validate would.
        "time_pattern": TIME_VALUE.pattern,
        "save": {"url": "/save/", "token": save_token} if save_token is not None else None,
    }


def _asset(name: str) -> Markup:
    """A file of this package's templates, inserted as it is (checked not to close its element)."""
    text = (TEMPLATE_DIR / name).read_text(encoding="utf-8")
    closing = "</script" if name.endswith(".js") else "</style"
    if closing in text.lower():
        raise ValueError(f"{TEMPLATE_DIR / name}: holds {closing}, which would end the inline element early")
    return Markup(text)


def render_review_page(corpus: ReviewCorpus, title: str, save_token: str | None = None) -> str:
    """The page for ``corpus``; with ``save_token`` it offers saving to the server that serves it."""
    env = Environment(loader=FileSystemLoader(TEMPLATE_DIR), autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    env.policies["json.dumps_kwargs"] = {"sort_keys": False}  # keep the gold files' key order in what the page exports
    return env.get_template("review.html.j2").render(
        title=title,
        data=page_data(corpus, save_token),
        css=_asset("review.css"),
        script=_asset("review.js"),
    )
