"""The HTML page in a real browser: headless Chromium renders the tables and an opened document.

Chromium is driven from the command line (``--dump-dom``, ``--screenshot``),
so no Python browser driver is needed. The page's script honours
``#doc=<id>&setup=<row>``, which opens that document on that row: the DOM
dumped after the script ran must show it open, with highlighted marks. The
screenshot is kept as ``results/artifacts/leaderboard.png`` (gitignored) for
a person to look at. Skipped when no Chromium is installed (``.ci/run``
installs the Debian package ``chromium``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from harness.report.leaderboard import write_leaderboard

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "results" / "artifacts"


def chromium() -> str:
    for name in (os.environ.get("HARNESS_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    pytest.skip("no Chromium found (install the Debian package 'chromium', or set HARNESS_CHROMIUM)")


def headless(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
    ]
    return subprocess.run([browser, *flags, *args], capture_output=True, text=True, timeout=60, check=False)


def opened_document(dom: str, doc_id: str) -> str:
    """The dumped HTML of the document's <details> element."""
    match = re.search(rf'<details class="doc" data-doc="{re.escape(doc_id)}"( open="")?>(.*?)</details>', dom, re.S)
    assert match, f"document {doc_id} not in the DOM"
    assert match.group(1), f"document {doc_id} was not opened by #doc="
    return match.group(2)


def panels(details: str) -> dict[str, tuple[bool, str]]:
    """Row name -> (hidden, panel HTML) of each tab panel of a document."""
    found = {}
    for part in details.split('<div class="panel" role="tabpanel" ')[1:]:
        name = re.match(r'data-setup="([^"]*)"', part).group(1)
        found[name] = (' hidden=""' in part.split(">", 1)[0], part)
    return found


def test_chromium_shows_the_tables_and_a_highlighted_document_opened_from_the_address(board, tmp_path):
    browser = chromium()
    _, page = write_leaderboard(board, tmp_path)
    doc_id = board.corpora[0].documents[0].doc_id
    setup = board.entries[1].name  # not the first tab: the script must switch to it
    url = f"{page.as_uri()}#doc={quote(doc_id)}&setup={quote(setup)}"

    result = headless(browser, tmp_path / "profile", "--dump-dom", url)
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert re.search(r'<html lang="en" dir="ltr" class="js">', dom), "the page's script did not run"
    assert 'id="table-overview"' in dom and all(e.run_id in dom for e in board.entries)
    shown = panels(opened_document(dom, doc_id))
    assert [name for name, (hidden, _) in shown.items() if not hidden] == [setup]
    visible = shown[setup][1]
    assert re.search(r'<div class="text" dir="rtl" lang="ar"><mark class="ent lab-|<mark class="ent lab-', visible)
    assert 'class="ent lab-' in visible and "out-correct" in visible

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "leaderboard.png"
    screenshot.unlink(missing_ok=True)
    result = headless(browser, tmp_path / "profile", f"--screenshot={screenshot}", "--window-size=1400,3400", url)
    assert result.returncode == 0 and screenshot.is_file(), result.stderr[-2000:]
    from PIL import Image  # matplotlib's dependency: installed with it

    with Image.open(screenshot) as image:
        assert image.size == (1400, 3400)
        # A blank page has a handful of colours; tables, charts and coloured marks have hundreds.
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
        assert len(colours) > 200, f"the screenshot looks blank ({len(colours)} colours): {screenshot}"
