"""In-sample marking: a score on text that shaped the extractor is marked, with how much of the corpus it covers.

The rule baseline declares the five seed articles (its word lists were written
while reading them); a small extractor written here declares one held-out
article, to check that the marking counts documents, not corpora.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from harness.annotations import Annotations, Document, Prediction
from harness.common.paths import PROJECT_ROOT as ROOT
from harness.config import RunSettings, SetupConfig, Track, load_run_config
from harness.corpus.load import CorpusSpec, load_corpus
from harness.extractors.base import ShapingText
from harness.runs.record import InSample, read_record
from harness.runs.run import in_sample, run_config, run_setup

HELDOUT = ROOT / "tests" / "data" / "heldout"
EXAMPLE = ROOT / "tests" / "data" / "example"


def test_the_rules_extractor_is_in_sample_on_the_texts_it_declares_and_out_of_sample_elsewhere(tmp_path):
    """The rules declare the seeds, and the held-out set whose misses were looked at once; the example is unseen."""
    (tmp_path / "rules.yaml").write_text("setup: rules\nextractor: rules\n", encoding="utf-8")
    bench = tmp_path / "bench.yaml"
    bench.write_text(
        f"setups: [rules.yaml]\ntracks:\n  - name: seeds\n    corpus: {ROOT}\n  - name: heldout\n    corpus: {HELDOUT}\n"
        f"  - name: example\n    corpus: {EXAMPLE}\nbootstrap: {{resamples: 50}}\n",
        encoding="utf-8",
    )
    outcomes, _ = run_config(load_run_config(bench), tmp_path / "results", ROOT)
    marks = {o.track: read_record(o.record_dir).in_sample for o in outcomes}
    assert marks["seeds"].marked and marks["seeds"].documents == 5 and marks["seeds"].share == 1.0
    assert marks["seeds"].texts == ("the five seed articles (seeds/)",)
    assert marks["heldout"].marked and marks["heldout"].texts == ("the held-out articles (tests/data/heldout/)",)
    assert not marks["example"].marked and marks["example"] == InSample()
    shaped = read_record(next(o.record_dir for o in outcomes if o.track == "seeds")).run["extractor"]["shaped_by"]
    assert shaped[0] == {"name": "the five seed articles (seeds/)", "how": "gazetteers, cue lists and claim frames were written while reading them", "units": 5}
    assert [t["units"] for t in shaped] == [5, 9, 4]


class OneArticleExtractor:
    """Emits nothing; declares that one given article shaped it (as prompt examples might)."""

    name = "one-article"
    version = "1"
    entity_labels: tuple[str, ...] = ("PER",)
    claim_slots: tuple[str, ...] = ()
    emits_claims = False

    def __init__(self, article: Document):
        self.article = article

    def shaped_by(self) -> tuple[ShapingText, ...]:
        return (ShapingText(f"article {self.article.doc_id}", "its sentences are the prompt's examples", frozenset({self.article.sha256})),)

    def fingerprint(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "article": self.article.sha256}

    def extract(self, documents: Sequence[Document]) -> list[Prediction]:
        return [Prediction(d.doc_id, Annotations(d.doc_id)) for d in documents]


def test_an_extractor_shaped_by_one_document_of_a_corpus_marks_one_of_its_documents(tmp_path):
    corpus = load_corpus(HELDOUT)
    article = corpus.documents[2].document
    extractor = OneArticleExtractor(article)
    marking = in_sample(corpus, extractor.shaped_by())
    assert marking == InSample((f"article {article.doc_id}",), 1, 0.25)
    assert marking.describe() == f"in-sample: 1 document(s) (25%) from article {article.doc_id}"

    setup = SetupConfig("one-article", "one-article")
    outcome = run_setup(setup, RunSettings(resamples=20), Track("heldout", CorpusSpec(HELDOUT)), corpus, tmp_path, ROOT, extractor=extractor)
    assert outcome.in_sample == marking
    assert read_record(outcome.record_dir).in_sample == marking


def test_an_extractor_that_declares_no_shaping_text_is_out_of_sample():
    corpus = load_corpus(HELDOUT)
    assert in_sample(corpus, ()) == InSample()
    unrelated = ShapingText("another text", "read", frozenset({"0" * 64}))
    assert not in_sample(corpus, (unrelated,)).marked


def test_a_conll_passage_is_in_sample_when_one_of_its_sentences_shaped_the_extractor(tmp_path):
    conll = tmp_path / "tiny.txt"
    conll.write_text("زار O\nالوزير O\nدمشق B-LOC\n\nقال O\nمحمد B-PERS\n\nوصل O\nالوفد O\n", encoding="utf-8")
    sentences = load_corpus(conll, label_map="PERS=PER,LOC=LOC")
    seen = ShapingText("training sentences", "trained on", frozenset({sentences.documents[1].document.sha256}))
    assert in_sample(sentences, (seen,)) == InSample(("training sentences",), 1, 1 / 3)
    passages = load_corpus(conll, label_map="PERS=PER,LOC=LOC", passage_tokens=5)
    assert len(passages.documents) == 2
    marking = in_sample(passages, (seen,))
    assert (marking.documents, marking.share) == (1, 0.5)
