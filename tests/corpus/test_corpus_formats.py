"""The corpus-format registry: names, detection, typed options refused by key, plug-ins."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.annotations import Annotations, Document, GoldDocument
from harness.common.paths import PROJECT_ROOT as ROOT
from harness.corpus.formats.base import CorpusFormat, FormatOptionError, parse_options
from harness.corpus.formats.conll import ConllOptions
from harness.corpus.formats.registry import (
    UnknownFormatError,
    available_formats,
    detect_format,
    get_format,
)
from harness.corpus.load import Corpus, CorpusSpec

HELDOUT = ROOT / "tests" / "data" / "heldout"
CONLL = "وصل O\nسامر B-PERS\nإلى O\nحمص B-LOC\n\nغادر O\nنادر B-PERS\n"


def test_the_built_in_formats_are_registered_and_keep_the_protocol():
    assert {"gold-dir", "conll", "jsonl"} <= set(available_formats())
    for name in ("gold-dir", "conll", "jsonl"):
        fmt = get_format(name)
        assert isinstance(fmt, CorpusFormat) and fmt.name == name


def test_an_unknown_format_name_lists_the_formats_that_exist():
    with pytest.raises(UnknownFormatError, match="unknown corpus format 'xml'; available: conll, gold-dir, jsonl"):
        get_format("xml")


def test_detection_picks_gold_dir_for_a_directory_conll_for_a_text_file_and_jsonl_by_suffix(tmp_path):
    (tmp_path / "dev.txt").write_text(CONLL, encoding="utf-8")
    (tmp_path / "c.jsonl").write_text("", encoding="utf-8")
    assert detect_format(HELDOUT).name == "gold-dir"
    assert detect_format(tmp_path / "dev.txt").name == "conll"
    assert detect_format(tmp_path / "c.jsonl").name == "jsonl"
    with pytest.raises(FileNotFoundError, match="no such corpus"):
        detect_format(tmp_path / "absent.txt")


def test_options_are_parsed_into_the_formats_dataclass_with_command_line_strings_converted():
    options = get_format("conll").parse_options({"label_map": "PERS=PER", "passage_tokens": "64", "labels": "WEAPON,VEHICLE"})
    assert options == ConllOptions(label_map="PERS=PER", passage_tokens=64, labels=("WEAPON", "VEHICLE"))


@pytest.mark.parametrize(
    ("fmt", "raw", "key", "message"),
    [
        ("conll", {"passage_tokens": 0}, "passage_tokens", "must be at least 1"),
        ("conll", {"passage_tokens": "many"}, "passage_tokens", "expected a whole number"),
        ("conll", {"scheme": "BIOZ"}, "scheme", "unknown tagging scheme"),
        ("conll", {"sentences": "5:2"}, "sentences", "selects no sentence"),
        ("conll", {"label_map": "PERS=WEAPON"}, "label_map", "'WEAPON' is not a harness label"),
        ("conll", {"convention": "nowhere"}, "convention", "nowhere"),
        ("conll", {"lable_map": "PERS=PER"}, "lable_map", "not an option of the conll format"),
        ("gold-dir", {"sentences": "1:"}, "sentences", "an option of the conll format"),
        ("jsonl", {"labels": ["WEAPON", "WEAPON"]}, "labels", "names a label twice"),
        ("jsonl", {"labels": [1, 2]}, "labels", "expected a list of names"),
    ],
)
def test_a_bad_option_is_refused_naming_its_format_and_key(fmt, raw, key, message):
    with pytest.raises(FormatOptionError) as info:
        get_format(fmt).parse_options(raw)
    assert info.value.key == key and info.value.format_name == fmt
    assert message in str(info.value)


def test_a_label_map_may_target_a_label_the_track_declares(tmp_path):
    path = tmp_path / "arms.txt"
    path.write_text("ضبطت O\nالشرطة B-ORG\nبندقية B-WPN\n", encoding="utf-8")
    corpus = CorpusSpec.of(path, "conll", {"label_map": "ORG=ORG,WPN=WEAPON", "labels": ["WEAPON"]}).load()
    assert corpus.labels == ("ORG", "WEAPON")
    assert [(e.label, e.text) for e in corpus.documents[0].gold.entities] == [("ORG", "الشرطة"), ("WEAPON", "بندقية")]


def test_a_spec_records_its_format_and_options_and_reads_back_the_same_corpus(tmp_path):
    from harness.runs.compare import spec_from_json

    path = tmp_path / "dev.txt"
    path.write_text(CONLL, encoding="utf-8")
    spec = CorpusSpec.of(path, "conll", {"label_map": "PERS=PER,LOC=LOC", "passage_tokens": 8})
    recorded = spec.to_dict()
    assert recorded == {"path": str(path), "format": "conll", "label_map": "PERS=PER,LOC=LOC", "passage_tokens": 8}
    again = spec_from_json(recorded)
    assert again == spec and again.load().gold_sha256 == spec.load().gold_sha256


def test_a_record_written_before_formats_reads_as_the_same_conll_corpus(tmp_path):
    from harness.runs.compare import spec_from_json

    path = tmp_path / "dev.txt"
    path.write_text(CONLL, encoding="utf-8")
    old = {"path": str(path), "label_map": "PERS=PER,LOC=LOC", "scheme": "IOB1", "sentences": "1:"}
    spec = spec_from_json(old)
    assert spec.format is None and spec.corpus_format().name == "conll"
    assert spec.load().name == "dev[1:]" and spec.to_dict() == old


@dataclass(frozen=True)
class _LinesOptions:
    label: str = "MISC"


class _LinesFormat:
    """A plug-in written for the test: each line of a ``.lines`` file is a document, its first word an entity."""

    name = "lines"
    options_type = _LinesOptions
    path_options: tuple[str, ...] = ()

    def detect(self, path: Path) -> bool:
        return path.suffix == ".lines" and path.is_file()

    def parse_options(self, raw):
        return parse_options(self.name, _LinesOptions, raw)

    def load(self, path: Path, options: _LinesOptions, *, allow_drafts: bool = False) -> Corpus:
        from harness.annotations import Entity

        documents = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            word = line.split()[0]
            entity = Entity("e1", options.label, 0, len(word), word)
            documents.append(GoldDocument(Document(f"l{n}", line), Annotations(f"l{n}", (entity,))))
        return Corpus(path.stem, tuple(documents), "x", has_claims=False, source=str(path), labels=(options.label,))


LINES_FORMAT = _LinesFormat()


def test_a_plug_in_format_from_an_entry_point_is_found_by_name_and_detected(tmp_path, monkeypatch):
    from harness.corpus.formats import registry

    # Entry points come from installed packages; installing one is not possible here, so the
    # lookup of the entry-point group is replaced by the one entry a package would declare.
    monkeypatch.setattr(registry, "_plugin_targets", lambda: {"lines": f"{__name__}:LINES_FORMAT"})
    path = tmp_path / "news.lines"
    path.write_text("دمشق مدينة قديمة\nحلب مدينة كبيرة\n", encoding="utf-8")
    assert "lines" in available_formats() and detect_format(path).name == "lines"
    corpus = CorpusSpec.of(path, None, {"label": "LOC"}).load()
    assert corpus.labels == ("LOC",) and [g.gold.entities[0].text for g in corpus.documents] == ["دمشق", "حلب"]


def test_a_recorded_jsonl_spec_keeps_its_label_set(tmp_path):
    from harness.runs.compare import spec_from_json

    path = tmp_path / "c.jsonl"
    path.write_text('{"doc_id": "d1", "text": "وصل سامر", "entities": [{"label": "PER", "start": 4, "end": 8}]}\n', encoding="utf-8")
    spec = CorpusSpec.of(path, None, {"labels": ["PER", "WEAPON"]})
    again = spec_from_json(spec.to_dict())
    assert again == spec and again.load().labels == ("PER", "WEAPON")
