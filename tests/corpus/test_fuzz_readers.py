"""Fuzzing the corpus readers: any gold file or CoNLL file ends in problems or a documented error, never a traceback.

Documented outcomes: ``validate_gold_file`` returns problems and never
raises; loading a corpus raises only GoldError, UnreviewedDraftsError,
CorpusOptionError, ConllFormatError or FileNotFoundError, each naming the file.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.annotations import ENTITY_LABELS, sha256_text
from harness.corpus.conll import ConllFormatError
from harness.corpus.gold import GoldError, UnreviewedDraftsError
from harness.corpus.load import CorpusOptionError, load_corpus
from harness.corpus.validate import validate_gold_file

#: More examples for a deep run: HARNESS_FUZZ_EXAMPLES=5000 pytest tests/corpus/test_fuzz_readers.py
FUZZ = settings(max_examples=int(os.environ.get("HARNESS_FUZZ_EXAMPLES", 150)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
LOADING_ERRORS = (GoldError, UnreviewedDraftsError, CorpusOptionError, ConllFormatError, FileNotFoundError)

TEXT = "قال المتحدث إن 120 أسرة عادت إلى القرية يوم 3 آذار 2021.\n"
KEYS = [
    "doc_id", "text_sha256", "entities", "claims", "id", "label", "start", "end", "text", "kind", "evidence", "predicate",
    "speaker", "quantity", "time", "location", "value", "unit", "approx", "entity", "alternatives", "drafted", "review",
    "status", "by", "at", "adjective", "aliases", "provenance", "annotation", "note",
]  # fmt: skip

scalars = st.none() | st.booleans() | st.integers(-3, len(TEXT) + 3) | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=6)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=3), inner, max_size=6), max_leaves=40)


WORDS = [(m.start(), m.end()) for m in re.finditer(r"\S+", TEXT)]


@st.composite
def spans(draw) -> dict:
    """Mostly a word of the text at its offsets (so the semantic checks run), sometimes anything."""
    if draw(st.integers(0, 3)):
        start, end = draw(st.sampled_from(WORDS))
        return {"start": start, "end": end, "text": TEXT[start:end]}
    start = draw(st.integers(-2, len(TEXT)))
    end = draw(st.integers(start - 1, len(TEXT) + 2))
    return {"start": start, "end": end, "text": TEXT[max(start, 0) : max(end, 0)] if draw(st.booleans()) else draw(st.text(max_size=4))}


@st.composite
def gold_like(draw) -> dict:
    """Close to a gold file, with every field sometimes of the wrong kind: reaches the semantic checks."""
    entities = [
        {"id": draw(st.sampled_from(["e1", "e2", "c1"])), "label": draw(st.sampled_from([*ENTITY_LABELS, *ENTITY_LABELS, "PERS", ""])), **draw(spans()),
         **({"adjective": draw(st.booleans())} if draw(st.booleans()) else {}), **({"drafted": True} if not draw(st.integers(0, 5)) else {})}
        for _ in range(draw(st.integers(0, 4)))
    ]  # fmt: skip
    claims = [
        {"id": draw(st.sampled_from(["c1", "c2", "e1"])), "kind": draw(st.sampled_from(["fact", "opinion", "fact", "rumour"])), "evidence": draw(spans()),
         "predicate": "عودة", "speaker": draw(st.none() | spans().map(lambda s: {**s, "entity": "e1"})),
         "quantity": draw(st.none() | spans().map(lambda s: {**s, "value": 120, "unit": "families", "approx": False})),
         "time": draw(st.none() | spans().map(lambda s: {**s, "value": draw(st.sampled_from(["2021-03-03", "2021", None, "2021-13", "soon"]))})),
         "location": draw(st.none() | spans().map(lambda s: {**s, "entity": draw(st.sampled_from(["e1", None, None, "e9"]))}))}
        for _ in range(draw(st.integers(0, 3)))
    ]  # fmt: skip
    doc = {"doc_id": "d1", "text_sha256": sha256_text(TEXT), "entities": entities, "claims": claims}
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):  # now and then a mutation or two anywhere
        target = draw(st.sampled_from([doc, *entities, *claims]))
        target[draw(st.sampled_from(KEYS))] = draw(json_values)
    return doc


def corpus_dir(base: Path) -> Path:
    (base / "gold").mkdir(exist_ok=True)
    (base / "seeds").mkdir(exist_ok=True)
    (base / "seeds" / "d1.txt").write_text(TEXT, encoding="utf-8")
    return base


def check_gold_text(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        corpus = corpus_dir(Path(folder))
        file = corpus / "gold" / "d1.json"
        file.write_bytes(raw)
        problems = validate_gold_file(file, corpus / "seeds")
        assert all(str(p).startswith(str(file)) for p in problems)
        try:
            load_corpus(corpus)
        except LOADING_ERRORS as err:
            assert str(file) in str(err) or str(corpus) in str(err)


@FUZZ
@given(gold_like())
def test_a_gold_file_close_to_the_contract_ends_in_problems_never_a_traceback(doc):
    check_gold_text(json.dumps(doc, ensure_ascii=False).encode("utf-8"))


@FUZZ
@given(json_values)
def test_any_json_as_a_gold_file_ends_in_problems_never_a_traceback(value):
    check_gold_text(json.dumps(value).encode("utf-8"))


@FUZZ
@given(st.binary(max_size=200) | st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_any_bytes_as_a_gold_file_end_in_problems_never_a_traceback(raw):
    check_gold_text(raw)


conll_tokens = st.sampled_from(["حلب", "ليلى", "-DOCSTART-", "x", "", " ", "\t", "\u00a0", "\u202e"])
conll_tags = st.sampled_from(["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "E-LOC", "S-PER", "U-ORG", "L-ORG", "B-", "-X", "I", "b-loc", "B-PERS-X"])
conll_lines = st.lists(
    st.one_of(
        st.just(""),
        st.tuples(conll_tokens, conll_tags).map(" ".join),
        st.tuples(conll_tokens, st.text(max_size=3), conll_tags).map("\t".join),
        st.text(max_size=10),
    ),
    max_size=12,
)


@FUZZ
@given(
    conll_lines,
    st.sampled_from(["IOB1", "IOB2", "IOBES", "BILOU", "bio", "BIOZ", ""]),
    st.none() | st.sampled_from(["PERS=PER,LOC=LOC", "PERS=PER", "PERS=FOO", "garbage", "", "PERS=PER,LOC=LOC,ORG=drop,PER=PER,X=drop"]) | st.text(max_size=12),
    st.none() | st.integers(1, 8),
)
def test_any_conll_file_and_options_end_in_a_corpus_or_a_named_error(lines, scheme, label_map, passage_tokens):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dev.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        try:
            corpus = load_corpus(path, label_map, scheme, passage_tokens)
        except (ConllFormatError, CorpusOptionError) as err:
            assert str(path) in str(err) or "label map" in str(err)
        else:
            assert all(e.label in ENTITY_LABELS for d in corpus.documents for e in d.gold.entities) or label_map is None


@FUZZ
@given(st.binary(max_size=120))
def test_any_bytes_as_a_conll_file_end_in_a_corpus_or_a_named_error(raw):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dev.txt"
        path.write_bytes(raw)
        try:
            load_corpus(path)
        except ConllFormatError as err:
            assert str(err).startswith(str(path))
