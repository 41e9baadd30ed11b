"""A bench track over a range of a CoNLL file's sentences (``sentences: "START:STOP"``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.config import ConfigError, load_run_config


def _bench(tmp_path: Path, sentences: str) -> Path:
    (tmp_path / "rules.yaml").write_text("setup: rules\nextractor: rules\n", encoding="utf-8")
    (tmp_path / "dev.txt").write_text("زار O\nسامي B-PERS\n", encoding="utf-8")
    path = tmp_path / "bench.yaml"
    path.write_text(
        f"setups: [rules.yaml]\ntracks:\n  - name: dev\n    corpus: dev.txt\n    label_map: PERS=PER\n    sentences: {sentences}\n",
        encoding="utf-8",
    )
    return path


def test_a_track_names_a_range_of_sentences_and_its_spec_carries_it(tmp_path):
    [track] = load_run_config(_bench(tmp_path, '"0:"')).tracks
    assert track.corpus.option("sentences") == "0:" and track.corpus.to_dict()["sentences"] == "0:"


@pytest.mark.parametrize("value", ['"10"', '"x:"', "12"])
def test_a_malformed_range_fails_naming_the_file_and_the_key(tmp_path, value):
    with pytest.raises(ConfigError) as error:
        load_run_config(_bench(tmp_path, value))
    assert "bench.yaml" in str(error.value) and "tracks[0].sentences" in str(error.value)
