"""conlleval-compatible report and the token-sequence (tag) scoring mode."""

from __future__ import annotations

import os
import random
import shutil
import subprocess

import pytest

from harness.common import paths
from harness.corpus.tagging import (
    Chunk,
    conlleval_chunks,
    iob2_chunks,
    split_conlleval_tag,
)
from harness.scoring.conlleval import (
    TagRow,
    conlleval_report,
    count_conlleval,
    count_tag_sequence,
    main_conlleval,
    score_tag_sequences,
)
from harness.scoring.counts import MatchCounts

METRIC_REFS = paths.shared_data_dir() / "metric-refs"
needs_metric_refs = pytest.mark.skipif(
    not (METRIC_REFS / "seqeval_ground_truth.txt").is_file(),
    reason=f"conlleval reference files not found in {METRIC_REFS} (set HARNESS_SHARED_DATA)",
)


# ---------------------------------------------------------------- the report


@pytest.mark.shared_data
@needs_metric_refs
def test_report_reproduces_conlleval_pl_output_byte_for_byte():
    expected = (METRIC_REFS / "conlleval_expected_output.txt").read_bytes().decode("utf-8")
    assert conlleval_report(METRIC_REFS / "seqeval_ground_truth.txt") == expected
    assert conlleval_report(str(METRIC_REFS / "seqeval_ground_truth.txt")) == expected


@pytest.mark.shared_data
@needs_metric_refs
def test_report_ignores_columns_before_the_last_two(tmp_path):
    # The reference file is "token POS gold guess"; dropping POS changes nothing.
    lines = (METRIC_REFS / "seqeval_ground_truth.txt").read_text(encoding="utf-8").splitlines()
    three_columns = [" ".join(line.split()[:1] + line.split()[2:]) for line in lines]
    path = tmp_path / "three.txt"
    path.write_text("\n".join(three_columns) + "\n", encoding="utf-8")
    assert conlleval_report(path) == conlleval_report(METRIC_REFS / "seqeval_ground_truth.txt")


def test_report_of_a_small_arabic_file_counts_tokens_phrases_and_types():
    lines = [
        "قال O O",
        "سامح B-PER B-PER",
        "شكري I-PER I-PER",
        "في O O",
        "القاهرة B-LOC B-ORG",
        "",
        "-X- O O",
        "بيروت B-LOC O",
    ]
    report = conlleval_report(lines)
    first, accuracy, *rows = report.splitlines()
    # Boundaries are neither tokens nor phrases.
    assert first == "processed 6 tokens with 3 phrases; found: 2 phrases; correct: 1."
    assert accuracy.startswith("accuracy:  66.67%; precision:  50.00%; recall:  33.33%;")
    assert [row.split(":")[0].strip() for row in rows] == ["LOC", "ORG", "PER"]
    assert rows[2].endswith("FB1: 100.00  1")


def test_i_tag_after_o_opens_a_phrase_as_in_conlleval():
    report = conlleval_report(["a I-PER I-PER", "b I-PER B-PER"])
    assert report.startswith("processed 2 tokens with 1 phrases; found: 2 phrases; correct: 0.")


def test_non_ascii_type_names_are_padded_by_bytes_like_perl():
    report = conlleval_report(["a B-شخص B-شخص"])
    row = report.splitlines()[2]
    name = "شخص"
    assert row.startswith(" " * (17 - len(name.encode("utf-8"))) + name + ": ")


def test_types_are_sorted_by_bytes_and_hyphens_stay_in_the_type():
    report = conlleval_report(["a B-b-x O", "b B-Z O", "c B-a O"])
    names = [row.split(":")[0].strip() for row in report.splitlines()[2:]]
    assert names == ["Z", "a", "b-x"]
    assert split_conlleval_tag("B-b-x") == ("B", "b-x")


def test_empty_input_prints_only_the_counts_line():
    assert conlleval_report([]) == "processed 0 tokens with 0 phrases; found: 0 phrases; correct: 0.\n"


def test_line_with_another_number_of_fields_is_rejected_naming_the_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("a O O\n\nb B-PER\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.txt, line 3: expected 3 fields"):
        conlleval_report(path)


def test_line_with_a_single_field_is_rejected():
    with pytest.raises(ValueError, match="line 1: need at least a gold and a guessed tag"):
        conlleval_report(["lonely"])


def test_invalid_utf8_is_rejected_naming_the_line(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(b"a O O\n\xe9t\xe9 O O\n")
    with pytest.raises(ValueError, match=r"latin1\.txt, line 2: not valid UTF-8"):
        conlleval_report(path)


def test_no_break_space_inside_a_token_does_not_split_fields():
    assert conlleval_report(["عبد\u00a0الله B-PER B-PER"]).startswith("processed 1 tokens")


def test_tab_separated_and_crlf_files_read_like_single_space_files(tmp_path):
    lines = ["a B-PER B-PER", "b I-PER O", "", "c B-LOC B-LOC"]
    plain, crlf = tmp_path / "plain.txt", tmp_path / "crlf.txt"
    plain.write_bytes(("\n".join(lines) + "\n").encode())
    crlf.write_bytes(("\r\n".join(line.replace(" ", "\t") for line in lines) + "\r\n").encode())
    assert conlleval_report(crlf) == conlleval_report(plain)


def test_main_prints_the_report_and_returns_zero(tmp_path, capsys):
    path = tmp_path / "ok.txt"
    path.write_text("a B-PER B-PER\n", encoding="utf-8")
    assert main_conlleval(path) == 0
    assert capsys.readouterr().out == conlleval_report(path)


def test_main_reports_a_missing_file_on_stderr_and_returns_one(tmp_path, capsys):
    assert main_conlleval(tmp_path / "absent.txt") == 1
    err = capsys.readouterr().err
    assert err.startswith("conlleval: ") and "absent.txt" in err


CONLLEVAL_PL = os.environ.get("HARNESS_CONLLEVAL_PL")


@pytest.mark.skipif(
    not CONLLEVAL_PL or not shutil.which("perl"),
    reason="set HARNESS_CONLLEVAL_PL to a local conlleval.pl (and have perl) to compare with the original",
)
def test_report_equals_the_perl_script_on_random_files():
    rng = random.Random(1999)
    alphabet = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "E-PER", "B-0", "B", "I", ".", "[", "]"]
    alphabet += ["B-X-Y", "I-X-Y", "B-مكان", "I-مكان"]
    for _ in range(200):
        lines = []
        for _ in range(rng.randint(0, 5)):
            lines += [f"w {rng.choice(alphabet)} {rng.choice(alphabet)}" for _ in range(rng.randint(1, 10))]
            lines.append("")
        text = "\n".join(lines) + "\n"
        perl = subprocess.run(["perl", CONLLEVAL_PL], input=text.encode(), capture_output=True, check=True)
        assert conlleval_report(text.splitlines()) == perl.stdout.decode("utf-8"), text


# ------------------------------------------------------- chunks from tags


def test_conlleval_chunks_follow_the_script_on_random_bio_sequences():
    # The chunk sets give the same three numbers as the script's own counting.
    rng = random.Random(2000)
    alphabet = ["O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "E-PER", "E-LOC"]
    for _ in range(1000):
        n = rng.randint(0, 15)
        gold = [rng.choice(alphabet) for _ in range(n)]
        guess = [rng.choice(alphabet) for _ in range(n)]
        counts = count_conlleval([TagRow("w", g, p) for g, p in zip(gold, guess)] + [None])
        gold_chunks, guess_chunks = set(conlleval_chunks(gold)), set(conlleval_chunks(guess))
        assert (len(gold_chunks), len(guess_chunks), len(gold_chunks & guess_chunks)) == (
            counts.found_correct,
            counts.found_guessed,
            counts.correct_chunks,
        ), (gold, guess)


def test_stray_i_tag_is_an_entity_for_conlleval_but_not_for_strict_iob2():
    tags = ["O", "I-ORG", "I-ORG", "B-PER", "I-LOC"]
    assert conlleval_chunks(tags) == [Chunk(1, 3, "ORG"), Chunk(3, 4, "PER"), Chunk(4, 5, "LOC")]
    assert iob2_chunks(tags) == [Chunk(3, 4, "PER")]


def test_strict_iob2_rejects_other_prefixes_naming_sentence_and_token():
    with pytest.raises(ValueError, match="sentence 1: token 2: tag 'E-PER'"):
        score_tag_sequences([["O"], ["O", "O", "O"]], [["O"], ["O", "O", "E-PER"]], scheme="iob2")


def test_sequences_of_different_lengths_are_rejected():
    with pytest.raises(ValueError, match="sentence 0: gold has 2 tags but predicted has 1"):
        score_tag_sequences([["O", "O"]], [["O"]])
    with pytest.raises(ValueError, match="unknown tag scheme"):
        score_tag_sequences([], [], scheme="bilou")


def test_scoring_sentences_together_equals_summing_sentence_counts():
    rng = random.Random(3)
    alphabet = ["O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
    gold = [[rng.choice(alphabet) for _ in range(rng.randint(0, 12))] for _ in range(60)]
    predicted = [[rng.choice(alphabet) if rng.random() < 0.3 else t for t in s] for s in gold]
    for scheme in ("conlleval", "iob2"):
        total = sum(
            (count_tag_sequence(g, p, scheme) for g, p in zip(gold, predicted)),
            start=count_tag_sequence([], [], scheme),
        )
        scores = score_tag_sequences(gold, predicted, scheme=scheme)
        for mode in ("strict", "exact", "partial", "type"):
            assert scores.mode(mode).counts == total.overall.mode(mode)
            for label, counts in total.per_label:
                assert scores.mode(mode).label(label).counts == counts.mode(mode)


def test_tag_mode_with_a_label_subset_scores_only_those_labels():
    gold = [["B-PER", "I-PER", "O", "B-LOC"]]
    predicted = [["B-PER", "I-PER", "O", "O"]]
    scores = score_tag_sequences(gold, predicted, labels={"PER"})
    assert scores.labels == ("PER",)
    assert scores.strict.counts == MatchCounts(correct=1)
    assert score_tag_sequences(gold, predicted).strict.counts == MatchCounts(correct=1, missed=1)


@pytest.mark.shared_data
@needs_metric_refs
def test_tag_mode_strict_counts_equal_the_conlleval_report_on_the_reference_file():
    gold, guess, sentence_gold, sentence_guess = [], [], [], []
    for line in (METRIC_REFS / "seqeval_ground_truth.txt").read_text(encoding="utf-8").splitlines():
        fields = line.split()
        if not fields:
            gold.append(sentence_gold)
            guess.append(sentence_guess)
            sentence_gold, sentence_guess = [], []
            continue
        sentence_gold.append(fields[-2])
        sentence_guess.append(fields[-1])
    if sentence_gold:
        gold.append(sentence_gold)
        guess.append(sentence_guess)
    strict = score_tag_sequences(gold, guess).strict
    first_line = conlleval_report(METRIC_REFS / "seqeval_ground_truth.txt").splitlines()[0]
    assert first_line == (
        f"processed {sum(map(len, gold))} tokens with {strict.counts.possible} phrases; "
        f"found: {strict.counts.actual} phrases; correct: {strict.counts.correct}."
    )



@pytest.mark.shared_data
@needs_metric_refs
def test_harness_conlleval_command_prints_the_reference_report(capsys):
    """`harness conlleval FILE` is the same report, reached from the command line."""
    from harness.cli import main

    assert main(["conlleval", str(METRIC_REFS / "seqeval_ground_truth.txt")]) == 0
    assert capsys.readouterr().out == (METRIC_REFS / "conlleval_expected_output.txt").read_bytes().decode("utf-8")
