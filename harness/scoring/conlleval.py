"""Token-sequence scoring: conlleval.pl's report, and entity scores from tag sequences.

Two things live here, both about BIO-style tag sequences:

* :func:`conlleval_report` prints exactly what ``conlleval.pl`` (version
  2004-01-26, the CoNLL-2000/2003 scorer) prints for a file, digit for digit:
  token accuracy, overall precision / recall / FB1 and one row per chunk
  type. It is a re-implementation of the script's rules (written here from its
  documented behaviour), so numbers can be compared with published CoNLL
  results.
* :func:`score_tag_sequences` turns gold and predicted tag sequences into
  entity spans and scores them with :mod:`harness.scoring.entities` (four
  modes, micro / macro, per label). Two chunkings are offered:
  ``scheme="conlleval"`` follows conlleval's chunk rules (an ``I-X`` after
  ``O`` or after another type opens a chunk; seqeval's default mode does the
  same), and ``scheme="iob2"`` is strict IOB2 (a chunk is ``B-X`` followed
  by ``I-X`` tokens; a stray ``I-`` is not an entity; seqeval's
  ``mode="strict", scheme=IOB2``). For tags with O, B-, I- and E- prefixes
  the strict-mode numbers of the first equal conlleval's phrase counts, and
  those of the second seqeval's strict mode (both checked by tests). With
  conlleval's rarer ``.``, ``[`` and ``]`` tags its running state machine
  and a comparison of chunk sets can disagree; the report follows the
  script, the entity mode compares chunk sets.

The scoring room must not import the corpus room, so the few lines of tag
parsing needed here are written here, following conlleval's rules.

Conlleval's rules, briefly. A tag ``P-T`` splits at its first hyphen into a
prefix ``P`` and a type ``T`` (a tag without a hyphen has type ""). A chunk
*starts* at a token when (previous prefix, prefix) is one of B-B, I-B, O-B,
O-I, E-E, E-I, O-E, or the prefix is not ``O`` / ``.`` and the type changes,
or the prefix is ``[`` or ``]``. A chunk *ends* before a token when the pair
is one of B-B, B-O, I-B, I-O, E-E, E-I, E-O, or the previous prefix is not
``O`` / ``.`` and the type changes, or the previous prefix is ``[`` or ``]``.
A chunk counts as correct when gold and guess start together with the same
type and end together. Blank lines (and lines whose first field is ``-X-``)
separate sentences and act as an ``O O`` token that is not counted.

Input lines hold whitespace-separated fields; the last two are the gold tag
and the guessed tag (any columns before them are ignored, so both
``token gold guess`` and ``token POS gold guess`` work). Every non-blank line
must have the same number of fields, as conlleval requires. Unlike the Perl
script (whose default delimiter is a single space), runs of ASCII spaces,
tabs or carriage returns count as one delimiter, so tab-separated and CRLF
files work too; a file with single spaces gives the script's output. Files
are read as UTF-8; type names are sorted and padded by their UTF-8 bytes, as
the script (which sees bytes) does.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from harness.scoring.entities import DocumentCounts, EntityScores, _count_spans, _normalise_labels, scores_from_counts, sum_documents

#: First field of a line that marks a sentence boundary in conlleval.
BOUNDARY = "-X-"

# A field is a run of anything but ASCII whitespace. (``str.split()`` would
# also split at a no-break space, which may sit inside an Arabic token.)
_FIELD = re.compile(r"[^ \t\n\r\f\v]+")

# Prefix pairs (previous, current) that end / start a chunk in conlleval.
_END_PAIRS = frozenset(
    {("B", "B"), ("B", "O"), ("I", "B"), ("I", "O"), ("E", "E"), ("E", "I"), ("E", "O")}
)
_START_PAIRS = frozenset(
    {("B", "B"), ("I", "B"), ("O", "B"), ("O", "I"), ("E", "E"), ("E", "I"), ("O", "E")}
)
# Prefixes that never take part in a type change, and one-token chunk brackets.
_NEUTRAL = frozenset({"O", "."})
_BRACKETS = frozenset({"[", "]"})


def split_tag(tag: str) -> tuple[str, str]:
    """``(prefix, type)`` of a tag, split at the first hyphen as conlleval does.

    A tag without a hyphen is all prefix with type "". The type ``"0"``
    becomes "" too: the Perl script tests the type for truth, and "0" is
    false in Perl.
    """
    prefix, hyphen, kind = tag.partition("-")
    if not hyphen or kind == "0":
        return prefix, ""
    return prefix, kind


def chunk_ends(prev: tuple[str, str], cur: tuple[str, str]) -> bool:
    """True when a chunk ends between a token tagged ``prev`` and one tagged ``cur``."""
    (p_prefix, p_type), (c_prefix, c_type) = prev, cur
    return (
        (p_prefix, c_prefix) in _END_PAIRS
        or (p_prefix not in _NEUTRAL and p_type != c_type)
        or p_prefix in _BRACKETS
    )


def chunk_starts(prev: tuple[str, str], cur: tuple[str, str]) -> bool:
    """True when a chunk starts at a token tagged ``cur`` that follows ``prev``."""
    (p_prefix, p_type), (c_prefix, c_type) = prev, cur
    return (
        (p_prefix, c_prefix) in _START_PAIRS
        or (c_prefix not in _NEUTRAL and p_type != c_type)
        or c_prefix in _BRACKETS
    )


# --------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ConllevalCounts:
    """Everything conlleval.pl counts over a file, before it prints."""

    #: Tokens seen (sentence boundaries excluded).
    tokens: int
    #: Tokens whose guessed tag equals the gold tag (prefix and type).
    correct_tags: int
    #: Gold chunks ("phrases").
    found_correct: int
    #: Guessed chunks.
    found_guessed: int
    #: Guessed chunks equal to a gold chunk (same start, end and type).
    correct_chunks: int
    #: ``(type, count)`` of gold chunks per type, in order of first occurrence.
    found_correct_by_type: tuple[tuple[str, int], ...]
    #: ``(type, count)`` of guessed chunks per type, in order of first occurrence.
    found_guessed_by_type: tuple[tuple[str, int], ...]
    #: ``(type, count)`` of correct chunks per type.
    correct_by_type: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class TagRow:
    """One token line: its first field and its gold and guessed tags."""

    first: str
    gold: str
    guessed: str


def read_tag_rows(lines: Iterable[str], source: str = "<lines>") -> list[TagRow | None]:
    """Parse conlleval input lines; None stands for a sentence boundary.

    Raises ValueError naming ``source`` and the line number when a line has
    fewer than two fields or a different number of fields than the first.
    """
    rows: list[TagRow | None] = []
    n_fields: int | None = None
    for number, line in enumerate(lines, start=1):
        fields = _FIELD.findall(line)
        if not fields:
            rows.append(None)
            continue
        if n_fields is None:
            n_fields = len(fields)
        elif len(fields) != n_fields:
            raise ValueError(
                f"{source}, line {number}: expected {n_fields} fields like the first line, "
                f"found {len(fields)}: {line.rstrip()!r}"
            )
        if fields[0] == BOUNDARY:
            rows.append(None)
            continue
        if len(fields) < 2:
            raise ValueError(
                f"{source}, line {number}: need at least a gold and a guessed tag, "
                f"found {len(fields)} field: {line.rstrip()!r}"
            )
        rows.append(TagRow(fields[0], fields[-2], fields[-1]))
    return rows


def count_conlleval(rows: Iterable[TagRow | None]) -> ConllevalCounts:
    """Run conlleval's counting over parsed rows (None = sentence boundary)."""
    outside = ("O", "")
    last_gold, last_guess = outside, outside
    in_correct = False
    tokens = correct_tags = found_correct = found_guessed = correct_chunks = 0
    gold_types: dict[str, int] = {}
    guess_types: dict[str, int] = {}
    correct_types: dict[str, int] = {}

    for row in rows:
        if row is None:
            gold, guess = outside, outside
        else:
            gold, guess = split_tag(row.gold), split_tag(row.guessed)

        gold_ends, guess_ends = chunk_ends(last_gold, gold), chunk_ends(last_guess, guess)
        if in_correct:
            if gold_ends and guess_ends and last_guess[1] == last_gold[1]:
                in_correct = False
                correct_chunks += 1
                correct_types[last_gold[1]] = correct_types.get(last_gold[1], 0) + 1
            elif gold_ends != guess_ends or guess[1] != gold[1]:
                in_correct = False

        gold_starts, guess_starts = chunk_starts(last_gold, gold), chunk_starts(last_guess, guess)
        if gold_starts and guess_starts and guess[1] == gold[1]:
            in_correct = True
        if gold_starts:
            found_correct += 1
            gold_types[gold[1]] = gold_types.get(gold[1], 0) + 1
        if guess_starts:
            found_guessed += 1
            guess_types[guess[1]] = guess_types.get(guess[1], 0) + 1
        if row is not None:
            if gold == guess:
                correct_tags += 1
            tokens += 1
        last_gold, last_guess = gold, guess

    if in_correct:
        correct_chunks += 1
        correct_types[last_gold[1]] = correct_types.get(last_gold[1], 0) + 1

    return ConllevalCounts(
        tokens,
        correct_tags,
        found_correct,
        found_guessed,
        correct_chunks,
        tuple(gold_types.items()),
        tuple(guess_types.items()),
        tuple(correct_types.items()),
    )


def _percent(part: int, whole: int) -> float:
    # Same operation order as the Perl script (100 * part first), so the
    # binary value, hence every printed digit, is the same.
    return 100 * part / whole if whole > 0 else 0.0


def _fb1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def _byte_sorted_types(counts: ConllevalCounts) -> list[str]:
    """The type rows in conlleval's order, including its duplicate quirk.

    Perl sorts strings by bytes. The script then drops a name equal to the
    one before it unless that one is false in Perl ("" or "0"), so a type ""
    present in both gold and guesses is printed twice; we keep that.
    """
    names = [t for t, _ in counts.found_correct_by_type] + [t for t, _ in counts.found_guessed_by_type]
    names.sort(key=lambda t: t.encode("utf-8"))
    rows: list[str] = []
    last: str | None = None
    for name in names:
        if last in (None, "", "0") or last != name:
            rows.append(name)
        last = name
    return rows


def format_conlleval(counts: ConllevalCounts) -> str:
    """The text conlleval.pl prints for ``counts`` (newline-terminated lines)."""
    precision = _percent(counts.correct_chunks, counts.found_guessed)
    recall = _percent(counts.correct_chunks, counts.found_correct)
    lines = [
        f"processed {counts.tokens} tokens with {counts.found_correct} phrases; "
        f"found: {counts.found_guessed} phrases; correct: {counts.correct_chunks}.\n"
    ]
    if counts.tokens > 0:
        accuracy = 100 * counts.correct_tags / counts.tokens
        lines.append(
            "accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f\n"
            % (accuracy, precision, recall, _fb1(precision, recall))
        )
    gold_types = dict(counts.found_correct_by_type)
    guess_types = dict(counts.found_guessed_by_type)
    correct_types = dict(counts.correct_by_type)
    for name in _byte_sorted_types(counts):
        correct = correct_types.get(name, 0)
        guessed = guess_types.get(name, 0)
        p = _percent(correct, guessed)
        r = _percent(correct, gold_types.get(name, 0))
        # %17s in Perl pads by bytes, not characters.
        padding = " " * max(0, 17 - len(name.encode("utf-8")))
        lines.append(
            "%s%s: precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  %d\n"
            % (padding, name, p, r, _fb1(p, r), guessed)
        )
    return "".join(lines)


def _read_lines(path: Path) -> list[str]:
    data = path.read_bytes()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    decoded = []
    for number, raw in enumerate(lines, start=1):
        try:
            decoded.append(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise ValueError(f"{path}, line {number}: not valid UTF-8 ({error.reason})") from None
    return decoded


def conlleval_report(lines_or_path: str | os.PathLike[str] | Iterable[str]) -> str:
    """What conlleval.pl prints for a file (a ``str`` / ``Path`` is a path) or for lines."""
    if isinstance(lines_or_path, (str, os.PathLike)):
        path = Path(lines_or_path)
        rows = read_tag_rows(_read_lines(path), str(path))
    else:
        rows = read_tag_rows(lines_or_path)
    return format_conlleval(count_conlleval(rows))


def main_conlleval(path: str | os.PathLike[str]) -> int:
    """Print the conlleval report of ``path``; 0 on success, 1 with a message on stderr."""
    try:
        report = conlleval_report(Path(path))
    except (OSError, ValueError) as error:
        print(f"conlleval: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(report)
    return 0


# --------------------------------------------------------------------------
# Entity spans from tag sequences
# --------------------------------------------------------------------------


class Chunk(NamedTuple):
    """An entity read off a tag sequence: tokens ``[start, end)`` with a label."""

    start: int
    end: int
    label: str


SCHEMES: tuple[str, ...] = ("conlleval", "iob2")


@lru_cache(maxsize=4096)
def _decide(prev_tag: str, tag: str) -> tuple[bool, bool, str]:
    """(closes an open chunk, starts a chunk, type of ``tag``) between two tags."""
    prev, cur = split_tag(prev_tag), split_tag(tag)
    starts = chunk_starts(prev, cur)
    return starts or chunk_ends(prev, cur), starts, cur[1]


def conlleval_chunks(tags: Sequence[str]) -> list[Chunk]:
    """Chunks of one sentence by conlleval's start / end rules.

    A chunk closes where conlleval sees an end or a new start, and at the end
    of the sentence. For tags made of O, B-, I- and E- prefixes the chunks
    are exactly the ones conlleval counts; the report itself
    (:func:`count_conlleval`) follows the script step by step for any tag.
    """
    chunks: list[Chunk] = []
    prev_tag = "O"
    open_start = -1
    open_type = ""
    for index, tag in enumerate(tags):
        if tag == "O" and open_start < 0:
            # "O" never starts a chunk; nothing is open to close.
            prev_tag = tag
            continue
        closes, starts, kind = _decide(prev_tag, tag)
        if closes and open_start >= 0:
            chunks.append(Chunk(open_start, index, open_type))
            open_start = -1
        if starts:
            open_start, open_type = index, kind
        prev_tag = tag
    if open_start >= 0:
        chunks.append(Chunk(open_start, len(tags), open_type))
    return chunks


def iob2_chunks(tags: Sequence[str]) -> list[Chunk]:
    """Chunks of one sentence under strict IOB2: ``B-X`` then any ``I-X``.

    An ``I-`` tag that does not continue a chunk of its own type is not part
    of any entity. Any tag other than ``O``, ``B-type`` or ``I-type`` raises
    ValueError naming its position.
    """
    chunks: list[Chunk] = []
    open_start = -1
    open_type = ""
    for index, tag in enumerate(tags):
        if tag == "O":
            if open_start >= 0:
                chunks.append(Chunk(open_start, index, open_type))
                open_start = -1
            continue
        prefix, kind = tag[:2], tag[2:]
        if prefix not in ("B-", "I-") or not kind:
            raise ValueError(f"token {index}: tag {tag!r} is not O, B-<type> or I-<type> (strict IOB2)")
        if prefix == "I-" and open_start >= 0 and kind == open_type:
            continue
        if open_start >= 0:
            chunks.append(Chunk(open_start, index, open_type))
            open_start = -1
        if prefix == "B-":
            open_start, open_type = index, kind
    if open_start >= 0:
        chunks.append(Chunk(open_start, len(tags), open_type))
    return chunks


_CHUNKERS = {"conlleval": conlleval_chunks, "iob2": iob2_chunks}


def _chunker(scheme: str):
    try:
        return _CHUNKERS[scheme]
    except KeyError:
        raise ValueError(f"unknown tag scheme {scheme!r}; expected one of {SCHEMES}") from None


def count_tag_sequence(
    gold: Sequence[str],
    predicted: Sequence[str],
    scheme: str = "conlleval",
    labels: Collection[str] | None = None,
) -> DocumentCounts:
    """Entity counts (four modes) of one tagged sentence or document."""
    if len(gold) != len(predicted):
        raise ValueError(f"gold has {len(gold)} tags but predicted has {len(predicted)}")
    chunk = _chunker(scheme)
    restriction = _normalise_labels(labels)
    return _count_spans(_keep(chunk(gold), restriction), _keep(chunk(predicted), restriction), restriction)


def _keep(chunks: list[Chunk], restriction: tuple[str, ...] | None) -> list[tuple[int, int, str]]:
    if restriction is None:
        return sorted(chunks)
    return sorted(c for c in chunks if c.label in restriction)


def score_tag_sequences(
    gold: Sequence[Sequence[str]],
    predicted: Sequence[Sequence[str]],
    scheme: str = "conlleval",
    labels: Collection[str] | None = None,
) -> EntityScores:
    """Entity scores of tagged sentences (one gold and one predicted tag list each).

    The result equals summing :func:`count_tag_sequence` over the sentences.
    For speed, sentences are laid end to end on one token axis (each shifted
    past the previous one) and counted in one pass: matching only ever pairs
    overlapping spans, which never cross a sentence, so the counts are the
    same.
    """
    if len(gold) != len(predicted):
        raise ValueError(f"gold has {len(gold)} sentences but predicted has {len(predicted)}")
    chunk = _chunker(scheme)
    restriction = _normalise_labels(labels)
    keep = None if restriction is None else frozenset(restriction)
    gold_spans: list[tuple[int, int, str]] = []
    pred_spans: list[tuple[int, int, str]] = []
    offset = 0
    for number, (g, p) in enumerate(zip(gold, predicted)):
        if len(g) != len(p):
            raise ValueError(f"sentence {number}: gold has {len(g)} tags but predicted has {len(p)}")
        try:
            for spans, tags in ((gold_spans, g), (pred_spans, p)):
                spans.extend(
                    (offset + s, offset + e, label)
                    for s, e, label in chunk(tags)
                    if keep is None or label in keep
                )
        except ValueError as error:
            raise ValueError(f"sentence {number}: {error}") from None
        offset += len(g) + 1
    # Chunks come out in order of start already.
    counts = _count_spans(gold_spans, pred_spans, restriction)
    return scores_from_counts(sum_documents([counts], restriction))
