"""Setup names and document ids with bidi controls show as escapes on both pages, isolated on the HTML page.

U+202E (RIGHT-TO-LEFT OVERRIDE) in a name makes ``rules`` display as
``selur`` and reorders whatever follows it on the line; a zero-width space
makes two different names look alike. Both pages print such characters as
``\\u202e`` escapes, so the reader sees the name that is stored.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from harness.cli import main
from harness.model import sha256_text
from harness.report.markdown import md_escape
from harness.report.visible import visible

RLO = "\u202e"
ZWSP = "\u200b"
TEXT = "أعلنت البلدية افتتاح حديقة جديدة في حلب يوم الأحد.\n"


def corpus(root: Path, doc_id: str) -> Path:
    (root / "gold").mkdir(parents=True)
    (root / "seeds").mkdir()
    (root / "seeds" / f"{doc_id}.txt").write_text(TEXT, encoding="utf-8")
    start = TEXT.index("حلب")
    gold = {
        "doc_id": doc_id,
        "text_sha256": sha256_text(TEXT),
        "entities": [{"id": "e1", "label": "LOC", "start": start, "end": start + 3, "text": "حلب"}],
        "claims": [],
    }
    (root / "gold" / f"{doc_id}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return root


def test_visible_escapes_format_and_control_characters_and_keeps_arabic():
    assert visible(f"rules{RLO}lmth.exe") == "rules\\u202elmth.exe"
    assert visible(f"a{ZWSP}b\u2066c\x07") == "a\\u200bb\\u2066c\\u0007"
    assert visible("قواعد-٢ rules") == "قواعد-٢ rules"
    assert md_escape(f"x{RLO}|y") == "x\\\\u202e\\|y"


def test_bidi_controls_in_setup_names_and_document_ids_are_escaped_on_both_pages(tmp_path, capsys):
    doc_id = f"doc{RLO}cod"
    setup_name = f"rules{RLO}lmth.exe{ZWSP}"
    data = corpus(tmp_path / "corpus", doc_id)
    setup = tmp_path / "setup.yaml"
    setup.write_text(json.dumps({"setup": setup_name, "extractor": "rules"}), encoding="utf-8")
    bench = tmp_path / "bench.yaml"
    bench.write_text(json.dumps({"setups": ["setup.yaml"], "tracks": [{"name": f"t{RLO}1", "corpus": str(data)}]}), encoding="utf-8")
    results = tmp_path / "results"
    assert main(["run", str(bench), "--results", str(results)]) == 0
    assert main(["leaderboard", "--results", str(results), "--bench", str(bench)]) == 0
    capsys.readouterr()
    page = (results / "leaderboard.html").read_text(encoding="utf-8")
    markdown = (results / "leaderboard.md").read_text(encoding="utf-8")

    # Markdown: not one control character left; the names as escapes.
    assert RLO not in markdown and ZWSP not in markdown
    assert "rules\\\\u202elmth.exe\\\\u200b" in markdown and "t\\\\u202e1" in markdown

    # HTML: the controls survive only where the page needs the stored name to match (data attributes
    # the viewer compares with the address), never in text a reader sees.
    visible_text = page.split("<script>", 1)[0]
    for attribute in ("data-doc", "data-setup", "data-track"):
        visible_text = re.sub(rf'{attribute}="[^"]*"', "", visible_text)
    assert RLO not in visible_text and ZWSP not in visible_text
    assert "rules\\u202elmth.exe\\u200b" in page
    assert '<span class="doc-id">doc\\u202ecod</span>' in page
    assert f'data-doc="{doc_id}"' in page  # #doc=<stored id> still opens the document
    assert "unicode-bidi: isolate" in page
