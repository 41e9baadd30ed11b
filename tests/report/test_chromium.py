"""The HTML page in a real browser: headless Chromium renders the tables and an opened document.

Chromium is driven from the command line (``--dump-dom``, ``--screenshot``),
so no Python browser driver is needed. The page's script honours
``#doc=<id>&setup=<row>&track=<track>``, which opens that document on that
row: the DOM dumped after the script ran must show it open, with highlighted
marks. What the DOM cannot show (how a cell looks) is read by a probe script
appended to a copy of the page for the test: it writes the computed style of
an in-sample cell and of an ordinary one into the DOM before it is dumped.
The screenshot is kept as ``results/artifacts/leaderboard.png`` (gitignored)
for a person to look at. Skipped when no Chromium is installed (``.ci/run``
installs the Debian package ``chromium``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest

from harness.common.paths import PROJECT_ROOT as ROOT
from harness.report.pages import write_leaderboard

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


def opened_document(dom: str, doc_id: str, track: str) -> str:
    """The dumped HTML of the document's <details> element on a track."""
    match = re.search(rf'<details class="doc" data-doc="{re.escape(doc_id)}" data-track="{re.escape(track)}"( open="")?>(.*?)</details>', dom, re.S)
    assert match, f"document {doc_id} of track {track} not in the DOM"
    assert match.group(1), f"document {doc_id} was not opened by #doc="
    return match.group(2)


def panels(details: str) -> dict[str, tuple[bool, str]]:
    """Row name -> (hidden, panel HTML) of each tab panel of a document."""
    found = {}
    for part in details.split('<div class="panel" role="tabpanel" ')[1:]:
        name = re.match(r'data-setup="([^"]*)"', part).group(1)
        found[name] = (' hidden=""' in part.split(">", 1)[0], part)
    return found


#: Appended to a copy of the page: the computed look of cells, written into the DOM as JSON.
PROBE = """
<script>
(function () {
  function look(cell) {
    var style = getComputedStyle(cell);
    return {background: style.backgroundImage + " " + style.backgroundColor, width: cell.offsetWidth, text: cell.textContent};
  }
  var table = document.getElementById("table-overview");
  var mark = table.querySelector("td.in-sample .mark-in-sample");
  var out = {
    marked: look(table.querySelector("td.num.in-sample")),
    plain: look(table.querySelector("td.num:not(.in-sample) .ci").parentElement),
    mark: mark ? {colour: getComputedStyle(mark).color, weight: getComputedStyle(mark).fontWeight, width: mark.offsetWidth} : null,
    headers: Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return [th.textContent, th.offsetWidth]; })
  };
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def probed(dom: str) -> dict:
    match = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.S)
    assert match, "the probe script did not run"
    return json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))


@pytest.fixture(scope="module")
def browser() -> str:
    return chromium()


@pytest.fixture(scope="module")
def page(browser, board, tmp_path_factory) -> Path:
    """The leaderboard page of the session's runs, written once for this module's tests."""
    return write_leaderboard(board, tmp_path_factory.mktemp("page"))[1]


def test_chromium_shows_the_tables_and_a_highlighted_document_opened_from_the_address(browser, board, page, tmp_path):
    view = board.views[[v.name for v in board.views].index("heldout")]
    doc_id = view.documents[0].doc_id
    setup = board.rows[1].name  # not the first tab: the script must switch to it
    url = f"{page.as_uri()}#doc={quote(doc_id)}&setup={quote(setup)}&track=heldout"

    result = headless(browser, tmp_path / "profile", "--dump-dom", url)
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert re.search(r'<html lang="en" dir="ltr" class="js">', dom), "the page's script did not run"
    run_ids = [run.run_id for row in board.rows for run in row.runs.values()]
    assert 'id="table-overview"' in dom and all(run_id in dom for run_id in run_ids)
    shown = panels(opened_document(dom, doc_id, "heldout"))
    assert [name for name, (hidden, _) in shown.items() if not hidden] == [setup]
    visible = shown[setup][1]
    assert re.search(r'<div class="text" dir="rtl" lang="ar"><mark class="ent lab-|<mark class="ent lab-', visible)
    assert 'class="ent lab-' in visible and "out-correct" in visible
    assert not re.search(r'<details class="doc" data-doc="[^"]*" data-track="seeds" open=""', dom)  # only the one asked for

    # The screenshot opens the first document of the first track, which is in view: headless Chromium
    # (156) captures a blank image of a page its script has scrolled, as it does for the document above.
    first = board.views[0]
    shot_url = f"{page.as_uri()}#doc={quote(first.documents[0].doc_id)}&setup={quote(setup)}&track={quote(first.name)}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    screenshot = ARTIFACTS / "leaderboard.png"
    screenshot.unlink(missing_ok=True)
    result = headless(browser, tmp_path / "profile", f"--screenshot={screenshot}", "--window-size=1400,3400", shot_url)
    assert result.returncode == 0 and screenshot.is_file(), result.stderr[-2000:]
    from PIL import Image  # matplotlib's dependency: installed with it

    with Image.open(screenshot) as image:
        assert image.size == (1400, 3400)
        # A blank page has a handful of colours; tables, charts and coloured marks have hundreds.
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
        assert len(colours) > 200, f"the screenshot looks blank ({len(colours)} colours): {screenshot}"


def test_chromium_shows_in_sample_cells_visibly_marked_and_a_column_group_per_track(browser, board, page, tmp_path):
    probe_page = tmp_path / "probe.html"
    html = page.read_text(encoding="utf-8")
    probe_page.write_text(html.replace("</body>", PROBE + "</body>", 1), encoding="utf-8")

    result = headless(browser, tmp_path / "profile", "--dump-dom", probe_page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    seen = probed(result.stdout)
    marked, plain = seen["marked"], seen["plain"]
    assert marked["width"] > 0 and plain["width"] > 0
    assert "gradient" in marked["background"] and marked["background"] != plain["background"]
    assert "†" in marked["text"] and "†" not in plain["text"] and "[" in plain["text"]  # two F1 cells with intervals
    assert seen["mark"] is not None and seen["mark"]["width"] > 0 and int(seen["mark"]["weight"]) >= 700
    headers = {text: width for text, width in seen["headers"]}
    for track in board.tracks:
        for column in (f"{track.name}: entity strict F1", f"{track.name}: claim strict F1"):
            assert headers.get(column, 0) > 0, f"column {column!r} is not shown"
