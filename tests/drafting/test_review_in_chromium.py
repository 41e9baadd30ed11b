"""End to end in headless Chromium: draft with the rules, review in the page, save, validate, score.

Two short texts written for this test are drafted by the rule baseline; the
review page is served by ``harness gold review DIR --serve 0`` (the real
command, in a subprocess) and driven over the DevTools protocol
(``cdp_browser.py``). In the first document the reviewer accepts an entity,
fixes a person's span by dragging the mouse over the right word, rejects an
entity, adds a missed place by a selection made through the DOM Selection
API (the page's own selection handler turns it into offsets), and saves; in
the second, accepts everything. The first text begins with a character
outside the BMP, so every offset after it differs between UTF-16 units and
code points: the saved offsets must be code points (the validator checks
``text == document[start:end]`` in Python). Then ``harness validate`` and
``harness run`` read the saved corpus: refused while drafts are left, scored
once everything is reviewed. Skipped when no Chromium is installed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cdp_browser import Browser, chromium

from harness.cli import main
from harness.common.paths import PROJECT_ROOT as ROOT

REVIEWER = "مراجع الاختبار"

# Written for this test (not from the seed articles). The first character is U+1F4F0.
TEXT_A = "📰 قال وزير الخارجية الفرنسي جان دوبون في باريس يوم 12 مارس 2021 إن بلاده سترسل 300 جندي إلى مالي.\nوأضاف أن الحكومة الفرنسية تدرس خطة جديدة.\n"
TEXT_B = "أعلنت منظمة الصحة العالمية أن عدد المصابين في مدينة حلب بلغ نحو 5000 شخص خلال شهر أيار.\nوقال مسؤول في الأمم المتحدة إن الوضع خطير.\n"

# JavaScript: the DOM position of a code-point offset of the page's text, and a rectangle per character.
LOCATE = """
window.testLocate = (cp) => {
  const box = document.getElementById('text');
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  let seen = 0, node;
  while ((node = walker.nextNode())) {
    const chars = Array.from(node.data);
    if (cp <= seen + chars.length) return [node, chars.slice(0, cp - seen).join('').length];
    seen += chars.length;
  }
  return null;
};
window.testCharRect = (cp) => {
  const [a, ao] = window.testLocate(cp), [b, bo] = window.testLocate(cp + 1);
  const range = document.createRange(); range.setStart(a, ao); range.setEnd(b, bo);
  const r = range.getClientRects()[0]; return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
};
true
"""


def entity(gold: dict, text: str, label: str) -> dict:
    (found,) = [e for e in gold["entities"] if e["text"] == text and e["label"] == label]
    return found


@pytest.fixture
def served(tmp_path):
    """Drafts of the two texts, and the review server on a free port (stopped by its own process id)."""
    texts = []
    for name, text in (("a", TEXT_A), ("b", TEXT_B)):
        path = tmp_path / "texts" / f"{name}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        texts.append(str(path))
    drafts = tmp_path / "drafts"
    assert main(["gold", "draft", str(ROOT / "configs" / "rules.yaml"), *texts, "--out", str(drafts), "--results", str(tmp_path / "results")]) == 0
    server = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "gold", "review", str(drafts), "--serve", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        line = server.stdout.readline()
        assert " at http://127.0.0.1:" in line, line
        yield drafts, line.split(" at ", 1)[1].split(" ", 1)[0]
    finally:
        server.terminate()
        server.wait(timeout=10)


def drag_select(browser: Browser, start: int, end: int) -> None:
    """Press the mouse on the first character of [start, end) and release it on the last (right to left)."""
    first = browser.evaluate(f"window.testCharRect({start})")
    last = browser.evaluate(f"window.testCharRect({end - 1})")
    y = (first["top"] + first["bottom"]) / 2
    browser.mouse("mousePressed", first["right"] - 1, y)
    browser.mouse("mouseMoved", (first["right"] + last["left"]) / 2, y)
    browser.mouse("mouseMoved", last["left"] + 1, y)
    browser.mouse("mouseReleased", last["left"] + 1, y, buttons=0)


def select_by_dom(browser: Browser, start: int, end: int) -> None:
    browser.evaluate(
        f"(() => {{ const [a, ao] = window.testLocate({start}), [b, bo] = window.testLocate({end});"
        " window.getSelection().setBaseAndExtent(a, ao, b, bo); return true; })()"
    )


def wait_selection(browser: Browser, start: int, end: int) -> None:
    browser.wait_for(
        f"(() => {{ const s = document.getElementById('selection'); return s.dataset.start === '{start}' && s.dataset.end === '{end}'; }})()",
        f"the page to take the selection [{start}, {end})",
    )


def save_current(browser: Browser) -> str:
    browser.evaluate("document.getElementById('messages').textContent = ''")
    browser.click("#save-doc")
    return browser.wait_for(
        "(() => { const m = document.querySelector('#messages li.ok, #messages li.error'); return m && m.className + ': ' + m.textContent; })()",
        "the server's answer to the save",
    )


def wait_for_file(path: Path, seconds: float = 10.0) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.is_file():
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except ValueError:
                pass  # still being written
        time.sleep(0.05)
    raise AssertionError(f"{path} was not downloaded")


def test_a_reviewer_accepts_fixes_by_mouse_rejects_adds_and_saves_gold_that_validates_and_scores(served, tmp_path, capsys):
    drafts, url = served
    draft_a = json.loads((drafts / "gold" / "a.json").read_text(encoding="utf-8"))
    person = entity(draft_a, "جان دوبون", "PER")
    place = entity(draft_a, "باريس", "LOC")
    nationality = entity(draft_a, "الفرنسي", "MISC")
    surname = (TEXT_A.index("دوبون"), TEXT_A.index("دوبون") + len("دوبون"))  # Python str offsets: code points
    mali = (TEXT_A.index("مالي"), TEXT_A.index("مالي") + len("مالي"))
    assert not any(e["text"] == "مالي" for e in draft_a["entities"]), "the rules now find مالي: pick another missed entity"

    browser = Browser(chromium(), tmp_path / "profile")
    try:
        browser.navigate(url)
        browser.wait_for("document.documentElement.classList.contains('js')", "the page's script to run")
        assert browser.evaluate("document.getElementById('text').getAttribute('dir')") == "rtl"
        assert browser.evaluate("document.getElementById('text').textContent") == TEXT_A
        browser.evaluate(LOCATE)
        browser.click("#reviewer")
        browser.call("Input.insertText", text=REVIEWER)

        browser.click(f'tr[data-id="{place["id"]}"] button[data-action="accept"]')
        drag_select(browser, *surname)
        wait_selection(browser, *surname)
        browser.click(f'tr[data-id="{person["id"]}"] button[data-action="span"]')
        browser.click(f'tr[data-id="{nationality["id"]}"] button[data-action="reject"]')
        browser.evaluate(LOCATE)  # the text was drawn again
        select_by_dom(browser, *mali)
        wait_selection(browser, *mali)
        browser.evaluate("(() => { const s = document.querySelector('select[data-field=\"add-label\"]'); s.value = 'LOC'; return true; })()")
        browser.click("#add-entity")
        assert save_current(browser).startswith("ok: Saved a"), "the first save failed"

        browser.evaluate("(() => { const s = document.getElementById('doc-select'); s.value = '1'; s.dispatchEvent(new Event('change')); return true; })()")
        assert browser.evaluate("document.getElementById('text').textContent") == TEXT_B
        browser.click("#accept-rest")
        assert save_current(browser).startswith("ok: Saved b")
        downloads = tmp_path / "downloads"
        downloads.mkdir()
        browser.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads))
        browser.click("#download-doc")
        downloaded_b = wait_for_file(downloads / "b.json")
        errors = [e for e in browser.events if e.get("method") == "Runtime.exceptionThrown"]
        assert not errors, errors
    finally:
        browser.close()

    reviewed_a = json.loads((drafts / "gold" / "a.json").read_text(encoding="utf-8"))
    fixed = next(e for e in reviewed_a["entities"] if e["id"] == person["id"])
    assert (fixed["start"], fixed["end"], fixed["text"]) == (*surname, "دوبون")
    assert fixed["drafted"] is False and fixed["review"]["status"] == "edited" and fixed["review"]["by"] == REVIEWER
    accepted = next(e for e in reviewed_a["entities"] if e["id"] == place["id"])
    assert accepted["drafted"] is True and accepted["review"]["status"] == "accepted"
    assert nationality["id"] not in {e["id"] for e in reviewed_a["entities"]}
    added = entity(reviewed_a, "مالي", "LOC")
    assert (added["start"], added["end"]) == mali and added["drafted"] is False and added["review"]["status"] == "added"
    untouched = [e for e in reviewed_a["entities"] if "review" not in e]
    assert untouched and all(e["drafted"] is True for e in untouched)
    left = len(untouched) + len(reviewed_a["claims"])
    assert reviewed_a["annotation"]["review"] == {
        "by": REVIEWER, "at": reviewed_a["annotation"]["review"]["at"], "accepted": 1, "edited": 1, "added": 1, "rejected": 1, "unreviewed": left,
    }  # fmt: skip
    reviewed_b = json.loads((drafts / "gold" / "b.json").read_text(encoding="utf-8"))
    assert all(item["review"]["status"] == "accepted" for item in reviewed_b["entities"] + reviewed_b["claims"])
    # The download is the same export as the save, but for the time of the export itself.
    assert {**downloaded_b, "annotation": None} == {**reviewed_b, "annotation": None}

    capsys.readouterr()
    assert main(["validate", str(drafts)]) == 0
    err = capsys.readouterr().err
    assert f"a.json: {left} unreviewed draft item(s)" in err and "b.json" not in err

    results = tmp_path / "results"
    assert main(["run", str(ROOT / "configs" / "rules.yaml"), "--corpus", str(drafts), "--results", str(results)]) == 2
    refusal = capsys.readouterr().err.strip()
    assert refusal.count("\n") == 0 and f"a.json: {left} unreviewed draft item(s)" in refusal and "--allow-drafts" in refusal

    assert main(["run", str(ROOT / "configs" / "rules.yaml"), "--corpus", str(drafts), "--results", str(results), "--allow-drafts"]) == 0
    (record,) = (results / "runs").iterdir()
    strict = json.loads((record / "metrics.json").read_text(encoding="utf-8"))["entities"]["all_labels"]["strict"]
    # The rules' own predictions against their reviewed drafts: b is all accepted; in a the rejected
    # MISC is spurious, the person predicted whole where the gold now has the surname is incorrect,
    # the added place is missed, and everything else matches.
    predicted = len(draft_a["entities"]) + len(reviewed_b["entities"])
    assert (strict["incorrect"], strict["spurious"], strict["missed"]) == (1, 1, 1)
    assert strict["correct"] == predicted - 2
    assert json.loads((record / "run.json").read_text(encoding="utf-8"))["corpus"]["spec"]["allow_drafts"] is True


def set_field(browser: Browser, selector: str, value: str) -> None:
    """Set a form control as a person would leave it, and send the change event the page listens to."""
    browser.evaluate(
        f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.value = {json.dumps(value)};"
        " e.dispatchEvent(new Event('change', {bubbles: true})); return true; })()"
    )


def test_claims_are_edited_slot_by_slot_and_added_and_the_export_keeps_the_contract(tmp_path):
    from harness.corpus.validate import validate_gold_file

    texts = []
    for name, text in (("a", TEXT_A), ("b", TEXT_B)):
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        texts.append(str(path))
    drafts = tmp_path / "drafts"
    assert main(["gold", "draft", str(ROOT / "configs" / "rules.yaml"), *texts, "--out", str(drafts), "--results", str(tmp_path / "results")]) == 0
    assert main(["gold", "review", str(drafts)]) == 0
    draft_b = json.loads((drafts / "gold" / "b.json").read_text(encoding="utf-8"))
    (claim,) = [c for c in draft_b["claims"] if c["quantity"] is not None]
    who = entity(draft_b, "منظمة الصحة العالمية", "ORG")
    said = (TEXT_B.index("الوضع خطير"), TEXT_B.index("الوضع خطير") + len("الوضع خطير"))
    official = (TEXT_B.index("مسؤول"), TEXT_B.index("مسؤول") + len("مسؤول"))

    browser = Browser(chromium(), tmp_path / "profile")
    try:
        browser.navigate((drafts / "review.html").as_uri())
        browser.wait_for("document.documentElement.classList.contains('js')", "the page's script to run")
        assert browser.evaluate("document.getElementById('save-doc').hidden") is True  # a file page only downloads
        set_field(browser, "#doc-select", "1")
        browser.evaluate(LOCATE)
        card = f'.claim[data-id="{claim["id"]}"]'
        browser.click(f'{card} button[data-action="accept"]')
        assert "Type your name" in browser.evaluate("document.getElementById('messages').textContent")  # nothing without a name
        browser.click("#reviewer")
        browser.call("Input.insertText", text=REVIEWER)

        set_field(browser, f'{card} select[data-field="kind"]', "opinion")
        set_field(browser, f'{card} input[data-field="time-value"]', "May")
        browser.click(f'{card} [data-slot="location"] button[data-action="slot-clear"]')
        browser.evaluate(LOCATE)
        select_by_dom(browser, TEXT_B.index(who["text"]), TEXT_B.index(who["text"]) + len(who["text"]))
        wait_selection(browser, TEXT_B.index(who["text"]), TEXT_B.index(who["text"]) + len(who["text"]))
        browser.click(f'{card} [data-slot="speaker"] button[data-action="slot-from-selection"]')

        browser.evaluate(LOCATE)
        select_by_dom(browser, *said)
        wait_selection(browser, *said)
        set_field(browser, 'select[data-field="add-kind"]', "opinion")
        browser.click("#add-claim")
        added_id = browser.evaluate("document.querySelector('.claim.added').dataset.id")
        browser.evaluate(LOCATE)
        select_by_dom(browser, *official)
        wait_selection(browser, *official)
        browser.click(f'.claim[data-id="{added_id}"] [data-slot="speaker"] button[data-action="slot-from-selection"]')

        refused = browser.evaluate("window.harnessReview.exportDocument(1)")
        assert refused["problems"] == [f"{claim['id']}: time value May is not ISO-8601 (YYYY, YYYY-MM, YYYY-MM-DD, --MM or --MM-DD; empty when unknown)"]
        set_field(browser, f'{card} input[data-field="time-value"]', "2023-05")
        exported = browser.evaluate("window.harnessReview.exportDocument(1)")
        errors = [e for e in browser.events if e.get("method") == "Runtime.exceptionThrown"]
        assert not errors, errors
    finally:
        browser.close()

    assert exported["problems"] == [] and exported["notes"] == []
    gold = exported["gold"]
    path = drafts / "gold" / "b.json"
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    assert validate_gold_file(path, drafts / "seeds") == []
    edited = next(c for c in gold["claims"] if c["id"] == claim["id"])
    assert edited["kind"] == "opinion" and edited["time"]["value"] == "2023-05" and edited["location"] is None
    assert edited["speaker"] == {"text": who["text"], "start": who["start"], "end": who["end"], "entity": who["id"]}
    assert edited["quantity"] == {k: claim["quantity"][k] for k in ("value", "unit", "approx", "text", "start", "end")}
    assert edited["drafted"] is False and edited["review"]["status"] == "edited" and edited["review"]["by"] == REVIEWER
    added = next(c for c in gold["claims"] if c["id"] == added_id)
    assert added["kind"] == "opinion" and (added["evidence"]["start"], added["evidence"]["end"]) == said
    assert added["speaker"] == {"text": "مسؤول", "start": official[0], "end": official[1], "entity": None}
    assert added["drafted"] is False and added["review"]["status"] == "added"
    assert gold["annotation"]["review"]["edited"] == 1 and gold["annotation"]["review"]["added"] == 1
