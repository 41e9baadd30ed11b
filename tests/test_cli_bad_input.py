"""Bad input on the command line: one line naming the file, line, key or flag, and the documented exit code.

Each case is something a user can type or a file a user can hand the
harness; none may end in a traceback. Exit 2 is bad input or config, exit 1
a failed check or run.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from harness.annotations import sha256_text
from harness.cli import main
from harness.common.paths import PROJECT_ROOT as ROOT

EXAMPLE = ROOT / "tests" / "data" / "example"
RULES = ROOT / "configs" / "rules.yaml"

#: A CoNLL file written for these tests: two sentences, ANERcorp's labels.
CONLL = """\
التقى B-PERS
سليم I-PERS
الأحمر I-PERS
وفدا O
في O
حمص B-LOC
. O

وصلت O
ليلى B-PERS
إلى O
بيروت B-LOC
. O
"""


def one_error(err: str, *names: str) -> str:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, err
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def conll(tmp_path: Path) -> Path:
    path = tmp_path / "names.txt"
    path.write_text(CONLL, encoding="utf-8")
    return path


def run(*args: str | Path, results: Path) -> int:
    return main(["run", *map(str, args), "--results", str(results)])


def test_a_label_map_target_outside_the_label_set_is_refused_instead_of_dropping_the_label(conll, tmp_path, capsys):
    assert run(RULES, "--corpus", conll, "--label-map", "PERS=PER,LOC=LOC", results=tmp_path / "r") == 0
    capsys.readouterr()
    assert run(RULES, "--corpus", conll, "--label-map", "PERS=FOO,LOC=LOC", results=tmp_path / "r") == 2
    line = one_error(capsys.readouterr().err, "PERS=FOO", "'FOO' is not a harness label", "PERS=drop")
    assert line.startswith("error: conll option label_map: label map 'PERS=FOO,LOC=LOC'")
    assert len(list((tmp_path / "r" / "runs").iterdir())) == 1  # nothing was recorded for the refused map


@pytest.mark.parametrize(("flags", "names"), [
    (("--label-map", "garbage"), ("label map 'garbage'", "'SOURCE=TARGET'")),
    (("--label-map", ""), ("label map ''", "maps no label")),
    (("--label-map", "PERS=PER,LOC=LOC", "--scheme", "BIOZ"), ("unknown tagging scheme 'BIOZ'",)),
])  # fmt: skip
def test_a_malformed_corpus_option_is_one_line(conll, tmp_path, capsys, flags, names):
    assert run(RULES, "--corpus", conll, *flags, results=tmp_path / "r") == 2
    one_error(capsys.readouterr().err, *names)


def test_an_unknown_extractor_param_is_one_line_naming_it(tmp_path, capsys):
    setup = tmp_path / "typo.yaml"
    setup.write_text("setup: typo\nextractor: rules\nparams: {date_ancor: latest}\n", encoding="utf-8")
    assert run(setup, "--corpus", EXAMPLE, results=tmp_path / "r") == 2
    one_error(capsys.readouterr().err, "unknown parameter(s) date_ancor", "date_anchor")


def test_a_prompt_file_that_is_not_a_mapping_is_one_line_naming_it(tmp_path, capsys):
    prompt = tmp_path / "list.yaml"
    prompt.write_text("- system: a list, not a template\n", encoding="utf-8")
    setup = tmp_path / "llm.yaml"
    setup.write_text(
        f"setup: llm-list\nextractor: llm\nparams:\n  backend: {{kind: openai, base_url: 'http://127.0.0.1:9/v1', model: m}}\n  prompt: {prompt}\n",
        encoding="utf-8",
    )
    assert run(setup, "--corpus", EXAMPLE, results=tmp_path / "r") == 2
    one_error(capsys.readouterr().err, str(prompt), "expected a mapping")


def test_a_model_not_in_the_catalog_is_one_line_listing_the_catalog(tmp_path, capsys):
    setup = tmp_path / "llm.yaml"
    setup.write_text("setup: llm-x\nextractor: llm\nparams:\n  backend: {kind: llama_cpp, model: no-such-model}\n", encoding="utf-8")
    assert run(setup, "--corpus", EXAMPLE, results=tmp_path / "r") == 2
    one_error(capsys.readouterr().err, "unknown model 'no-such-model'", "known:")


def test_an_unknown_convention_is_one_line(conll, tmp_path, capsys):
    assert run(RULES, "--corpus", conll, "--label-map", "PERS=PER,LOC=LOC", "--convention", "wojood", results=tmp_path / "r") == 2
    one_error(capsys.readouterr().err, "unknown convention 'wojood'")


def corpus_with(tmp_path: Path, text: bytes, gold: str | None = None) -> Path:
    root = tmp_path / "corpus"
    (root / "gold").mkdir(parents=True)
    (root / "seeds").mkdir()
    (root / "seeds" / "d1.txt").write_bytes(text)
    decoded = text.decode("utf-8", errors="replace")
    (root / "gold" / "d1.json").write_text(
        gold if gold is not None else json.dumps({"doc_id": "d1", "text_sha256": sha256_text(decoded), "entities": [], "claims": []}), encoding="utf-8"
    )
    return root


def test_a_seed_that_is_not_utf8_is_a_problem_of_its_gold_file_in_validate_and_run(tmp_path, capsys):
    corpus = corpus_with(tmp_path, "قالت الهيئة".encode("cp1256"))
    assert main(["validate", str(corpus)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{corpus / 'gold' / 'd1.json'}: $.doc_id: the seed document {corpus / 'seeds' / 'd1.txt'} is not UTF-8 text" in err
    assert run(RULES, "--corpus", corpus, results=tmp_path / "r") == 2
    assert "is not UTF-8 text" in capsys.readouterr().err


def test_gold_json_nested_too_deeply_is_one_problem_not_a_recursion_error(tmp_path, capsys):
    corpus = corpus_with(tmp_path, "نص قصير.\n".encode(), gold="[" * 100_000 + "]" * 100_000)
    assert main(["validate", str(corpus)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "nested too deeply" in err
    assert run(RULES, "--corpus", corpus, results=tmp_path / "r") == 2
    assert "nested too deeply" in capsys.readouterr().err


def test_a_doc_id_that_is_a_path_is_refused_without_reading_that_path(tmp_path, capsys):
    text = "نص قصير.\n"
    corpus = corpus_with(tmp_path, text.encode(), gold=json.dumps({"doc_id": "../../secret", "text_sha256": sha256_text(text), "entities": [], "claims": []}))
    (tmp_path / "secret.txt").write_text(text, encoding="utf-8")  # what the id would reach from seeds/
    assert main(["validate", str(corpus)]) == 1
    err = capsys.readouterr().err
    assert "$.doc_id: \"../../secret\" is not a plain file name" in err
    assert "text_sha256" not in err  # the file the id points at was not read


def test_a_gold_file_with_thousands_of_overlapping_spans_prints_50_lines_and_a_count(tmp_path, capsys):
    text = "حمص " * 20_000
    spans = [{"id": f"e{i}", "label": "LOC", "start": 0, "end": 3 + (i % 2), "text": text[: 3 + (i % 2)]} for i in range(20_000)]
    gold = json.dumps({"doc_id": "d1", "text_sha256": sha256_text(text), "entities": spans, "claims": []})
    corpus = corpus_with(tmp_path, text.encode(), gold=gold)
    started = time.perf_counter()
    assert main(["validate", str(corpus)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert time.perf_counter() - started < 60
    assert len(err) == 52  # 50 problems, the count of the rest, the total
    assert err[50] == "... 19949 more problems (the first 50 are shown)"
    assert err[51] == "19999 problem(s) in 1 file(s)"
    assert run(RULES, "--corpus", corpus, results=tmp_path / "r") == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) <= 53 and err[-1] == "... 19949 more problems (the first 50 are shown)"


def test_an_alias_bomb_in_params_is_refused_at_once_with_its_line(tmp_path, capsys):
    levels = ["  a0: &a0 [x, x, x, x, x, x, x, x, x]"] + [
        f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)
    ]
    setup = tmp_path / "bomb.yaml"
    setup.write_text("setup: bomb\nextractor: rules\nparams:\n  claims: true\n" + "\n".join(levels) + "\n", encoding="utf-8")
    started = time.perf_counter()
    assert run(setup, "--corpus", EXAMPLE, results=tmp_path / "r") == 2
    assert time.perf_counter() - started < 10
    one_error(capsys.readouterr().err, f"{setup}: line ", "once its aliases are expanded")


def test_a_refused_value_is_quoted_short(tmp_path, capsys):
    setup = tmp_path / "long.yaml"
    setup.write_text("setup: long\nextractor: rules\nbatch_size: [" + ", ".join(["حلب"] * 5000) + "]\n", encoding="utf-8")
    assert run(setup, "--corpus", EXAMPLE, results=tmp_path / "r") == 2
    line = one_error(capsys.readouterr().err, f"{setup}: batch_size: expected int, got ['حلب'")
    assert len(line) < 80 + len(str(setup)) + 60 and line.endswith("...")


def test_an_executor_setting_that_cannot_be_used_is_one_line_and_exit_2(tmp_path, capsys):
    setup = tmp_path / "rules.yaml"
    setup.write_text("setup: rules\nextractor: rules\nparams: {}\n", encoding="utf-8")
    flags = ["--executor", "serial", "--workers", "2"]
    code = main(["run", str(setup), "--corpus", str(EXAMPLE), "--results", str(tmp_path / "results"), *flags])
    err = capsys.readouterr().err
    assert code == 2
    (line,) = err.strip().splitlines()
    assert line == "error: the serial executor runs one worker, not 2; use --executor processes"
