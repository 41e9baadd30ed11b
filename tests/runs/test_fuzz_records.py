"""Fuzzing the stored-result readers: any damage to a record, a cache entry or the index ends in a named error or healing.

A real record of the rule baseline is copied for each example and one of
its files replaced: by a mutation of its own JSON (one value anywhere
swapped for another), by arbitrary JSON, or by arbitrary bytes. Reading it
back (run, config, metrics, predictions and per-document results) raises
only RecordError or FileNotFoundError, naming the file. A cache entry read
back is served or refused, never raised; a registry opened on any file
lists the records.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from fault_tools import EXAMPLE, write_setup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.cli import main
from harness.runs.cache import PredictionCache
from harness.runs.record import RecordError, read_record
from harness.runs.registry import RunRegistry

#: More examples for a deep run: HARNESS_FUZZ_EXAMPLES=5000 pytest tests/runs/test_fuzz_records.py
FUZZ = settings(
    max_examples=int(os.environ.get("HARNESS_FUZZ_EXAMPLES", 150)), deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)  # fmt: skip
#: Examples that open a SQLite index (about 0.1 s each on this machine's disk) are fewer.
FUZZ_INDEX = settings(FUZZ, max_examples=max(1, FUZZ.max_examples // 3))
FILES = ("run.json", "config.json", "metrics.json", "predictions.jsonl", "documents.jsonl")

scalars = st.none() | st.booleans() | st.integers(-2, 10) | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=5)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=20)


@pytest.fixture(scope="module")
def record(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("fuzz-record")
    assert main(["run", str(write_setup(base, "rules", batch_size=1)), "--corpus", str(EXAMPLE), "--results", str(base / "results")]) == 0
    (made,) = (base / "results" / "runs").iterdir()
    return made


def paths_of(value, prefix=()):
    """Every path into a JSON value (dict keys and list indices)."""
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from paths_of(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from paths_of(inner, (*prefix, index))


def replaced(value, path, new):
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = replaced(value[path[0]], path[1:], new)
    return copy


@st.composite
def mutated_json(draw, original):
    """The original JSON with the value at one of its paths replaced."""
    path = draw(st.sampled_from(list(paths_of(original))))
    return replaced(original, path, draw(json_values))


def damaged_content(draw, original: bytes, lines: bool) -> bytes:
    how = draw(st.sampled_from(["mutate", "json", "bytes", "cut"]))
    if how == "bytes":
        return draw(st.binary(max_size=100))
    if how == "cut":
        return original[: draw(st.integers(0, len(original)))]
    if how == "json":
        value = draw(json_values)
        return (json.dumps(value) + "\n").encode() if not lines else "".join(json.dumps(v) + "\n" for v in draw(st.lists(json_values, max_size=3))).encode()
    if lines:
        rows = [json.loads(line) for line in original.decode().splitlines()]
        rows = draw(mutated_json(rows))
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode() if isinstance(rows, list) else json.dumps(rows).encode()
    return json.dumps(draw(mutated_json(json.loads(original))), ensure_ascii=False).encode()


@FUZZ_INDEX
@given(data=st.data())
def test_any_damage_to_one_record_file_reads_back_or_raises_a_named_error(record, data):
    name = data.draw(st.sampled_from(FILES))
    content = damaged_content(data.draw, (record / name).read_bytes(), lines=name.endswith(".jsonl"))
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(shutil.copytree(record, Path(folder) / record.name))
        (copy / name).write_bytes(content)
        try:
            read = read_record(copy, with_results=True)
            read.predictions()
        except (RecordError, FileNotFoundError) as err:
            assert str(copy) in str(err), str(err)
        registry = RunRegistry(Path(folder) / "runs.sqlite", Path(folder))
        listed = registry.list()  # the damaged record is indexed or named as skipped, never raised
        assert len(listed) + len(registry.problems()) == 1


@FUZZ
@given(data=st.data())
def test_any_damage_to_a_cache_entry_is_refused_or_served_never_raised(record, data):
    cache_dir = record.parents[1] / "cache"
    (entry,) = cache_dir.rglob("*.json")
    content = damaged_content(data.draw, entry.read_bytes(), lines=False)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(shutil.copytree(cache_dir, Path(folder) / "cache"))
        (copied,) = copy.rglob("*.json")
        copied.write_bytes(content)
        cache = PredictionCache(copy)
        served = cache.get(copied.parent.name, copied.stem, "ex1")
        try:
            unchanged = json.loads(content) == json.loads(entry.read_bytes())
        except ValueError:
            unchanged = False
        # Served exactly when the entry still holds what was written; any change is refused, not raised.
        assert (served is not None) == unchanged


@FUZZ_INDEX
@given(st.binary(max_size=300) | st.just(b"SQLite format 3\x00").flatmap(lambda head: st.binary(max_size=200).map(lambda tail: head + tail)))
def test_a_registry_opened_on_any_file_lists_the_records(record, content):
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "runs.sqlite").write_bytes(content)
        registry = RunRegistry(Path(folder) / "runs.sqlite", record.parent)
        assert [row.run_id for row in registry.list()] == [record.name]
