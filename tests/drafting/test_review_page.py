"""The review page as a file: self-contained, every string escaped, offsets in code points.

The document is written for these tests: markup-like text (``<b>``,
``</script>``), a Windows line end and characters outside the BMP before the
words whose offsets are checked. The last test opens the page in headless
Chromium (skipped without it).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from cdp_browser import Browser, chromium

from harness.annotations import sha256_text
from harness.cli import main
from harness.drafting.page import page_data, read_review_corpus, render_review_page

TEXT = 'قال الناطق "<b>سمير</b>" </script><script>alert(1)</script> في 🏙️ مدينة حمص:\r\nإن 𝟑 قوافل وصلت إلى حماة.\n'


def mention(eid: str, label: str, text: str, **extra) -> dict:
    start = TEXT.index(text)
    return {"id": eid, "label": label, "start": start, "end": start + len(text), "text": text, "drafted": True, **extra}


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "gold").mkdir()
    (tmp_path / "seeds" / "hims.txt").write_bytes(TEXT.encode("utf-8"))
    gold = {
        "doc_id": "hims",
        "text_sha256": sha256_text(TEXT),
        "entities": [
            mention("e1", "PER", "<b>سمير</b>"),
            mention("e2", "MISC", "</script><script>alert(1)</script>", adjective=False),
            mention("e3", "LOC", "حمص"),
        ],
        "claims": [],
    }
    (tmp_path / "gold" / "hims.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def test_the_page_is_one_file_with_no_network_and_no_raw_markup_from_the_data(corpus_dir, capsys):
    assert main(["gold", "review", str(corpus_dir)]) == 0
    page_path = corpus_dir / "review.html"
    assert capsys.readouterr().out.startswith(f"written {page_path}: 1 document(s)")
    page = page_path.read_text(encoding="utf-8")
    assert page.count("<script") == 2 and page.count("</script>") == 2  # the data and the code, nothing from the text
    assert "<b>سمير" not in page and "<script>alert" not in page
    data_text = re.search(r'<script type="application/json" id="review-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in data_text and ">" not in data_text
    assert json.loads(data_text) == page_data(read_review_corpus(corpus_dir))
    assert json.loads(data_text)["documents"][0]["text"] == TEXT
    assert json.loads(data_text)["save"] is None  # a file page downloads; only the server's page saves
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', page), "the page must not load anything"
    assert "default-src 'none'" in html.unescape(page)
    assert ".innerHTML" not in page


def test_a_directory_without_texts_or_with_a_broken_file_is_a_one_line_error(tmp_path, corpus_dir, capsys):
    lonely = tmp_path / "lonely" / "gold"
    lonely.mkdir(parents=True)
    assert main(["gold", "review", str(lonely)]) == 2
    assert capsys.readouterr().err == f"error: {lonely}: no seeds/ directory beside the gold files (looked for {lonely.parent / 'seeds'})\n"
    broken = json.loads((corpus_dir / "gold" / "hims.json").read_text(encoding="utf-8"))
    broken["entities"][2]["start"] += 1
    (corpus_dir / "gold" / "hims.json").write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    assert main(["gold", "review", str(corpus_dir)]) == 2
    assert "$.entities[2].text:" in capsys.readouterr().err


def test_in_chromium_the_text_is_text_and_selections_become_code_point_offsets(corpus_dir, tmp_path):
    browser_binary = chromium()
    page = corpus_dir / "review.html"
    page.write_text(render_review_page(read_review_corpus(corpus_dir), "test"), encoding="utf-8")
    browser = Browser(browser_binary, tmp_path / "profile")
    try:
        browser.navigate(page.as_uri())
        browser.wait_for("document.documentElement.classList.contains('js')", "the page's script to run")
        assert browser.evaluate("document.getElementById('text').textContent") == TEXT  # \r\n kept, nothing parsed
        assert browser.evaluate("document.querySelectorAll('#text b, #text script').length") == 0
        assert browser.evaluate("document.getElementById('text').textContent.length") > len(TEXT)  # UTF-16 units
        for word in ("حماة", "حمص", "قوافل"):
            start = TEXT.index(word)
            # A selection made through the DOM Selection API over the UTF-16 offsets of the word
            # and the space before it (which the page trims).
            assert TEXT[start - 1] == " "
            utf16 = len(TEXT[: start - 1].encode("utf-16-le")) // 2
            length = len(f" {word}".encode("utf-16-le")) // 2
            browser.evaluate(
                f"""(() => {{ const box = document.getElementById('text');
                const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
                let seen = 0, node, a, ao, b, bo;
                while ((node = walker.nextNode())) {{
                  if (a === undefined && {utf16} <= seen + node.length) {{ a = node; ao = {utf16} - seen; }}
                  if ({utf16 + length} <= seen + node.length) {{ b = node; bo = {utf16 + length} - seen; break; }}
                  seen += node.length;
                }}
                window.getSelection().setBaseAndExtent(a, ao, b, bo); return true; }})()"""
            )
            taken = browser.wait_for(
                f"(() => {{ const s = window.harnessReview.selection(); return s && s.text === {json.dumps(word)} && s; }})()",
                f"the page to take the selection of {word}",
            )
            assert (taken["start"], taken["end"]) == (start, start + len(word))
        errors = [e for e in browser.events if e.get("method") == "Runtime.exceptionThrown"]
        assert not errors, errors
    finally:
        browser.close()
