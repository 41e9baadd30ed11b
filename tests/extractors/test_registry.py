"""The registry: built-ins, plug-ins through the entry-point group, unknown names."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from harness.extractors.base import Extractor
from harness.extractors.registry import (
    ENTRY_POINT_GROUP,
    UnknownExtractorError,
    available_extractors,
    create_extractor,
    get_factory,
)


@pytest.fixture
def installed_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A real distribution on sys.path that declares an extractor in the entry-point group.

    importlib.metadata finds it exactly as it finds a pip-installed package:
    through a ``*.dist-info`` directory with an ``entry_points.txt``.
    """
    package = tmp_path / "echo_plugin"
    package.mkdir()
    (package / "__init__.py").write_text(
        textwrap.dedent(
            '''
            from harness.annotations import Annotations, Entity, Prediction

            class EchoFirstWord:
                """Labels the first word of every document as MISC."""
                name = "echo-first-word"
                version = "1"
                entity_labels = ("MISC",)
                claim_slots = ()
                emits_claims = False

                def __init__(self, params):
                    self.params = params

                def fingerprint(self):
                    return {"name": self.name, "version": self.version, "params": self.params}

                def extract(self, documents):
                    out = []
                    for doc in documents:
                        word = doc.text.split()[0]
                        start = doc.text.index(word)
                        entity = Entity("e1", "MISC", start, start + len(word), word)
                        out.append(Prediction(doc.doc_id, Annotations(doc.doc_id, (entity,))))
                    return out

            def build(params):
                return EchoFirstWord(params)
            '''
        ),
        encoding="utf-8",
    )
    dist = tmp_path / "echo_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: echo-plugin\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\necho-first-word = echo_plugin:build\n", encoding="utf-8"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "echo-first-word"
    sys.modules.pop("echo_plugin", None)


def test_builtin_rules_extractor_is_listed():
    assert "rules" in available_extractors()


def test_plugin_registers_through_the_entry_point_group(installed_plugin):
    from harness.annotations import Document

    assert installed_plugin in available_extractors()
    extractor = create_extractor(installed_plugin, {"x": 1})
    assert isinstance(extractor, Extractor)
    (prediction,) = extractor.extract([Document("d1", "بيروت مدينة")])
    assert prediction.annotations.entities[0].text == "بيروت"


def test_unknown_name_fails_with_the_available_names():
    with pytest.raises(UnknownExtractorError) as info:
        get_factory("no-such-extractor")
    message = str(info.value)
    assert "unknown extractor 'no-such-extractor'" in message
    assert "rules" in message


def test_factory_returning_something_else_is_refused(installed_plugin, monkeypatch):
    import harness.extractors.registry as registry

    monkeypatch.setitem(registry.BUILTIN, "broken", "builtins:dict")
    with pytest.raises(TypeError, match="does not implement the Extractor protocol"):
        create_extractor("broken", {})
