"""Convention files: the built-ins, and a broken file stopping with its file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.conventions import BUILTIN_CONVENTIONS, ConventionError, load_convention

GOOD_LABELS = "labels: {PER: PER, ORG: ORG, LOC: LOC, MISC: MISC, DATE: drop, QUANTITY: drop}\n"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_builtins_are_the_project_identity_and_anercorp():
    assert {"project", "anercorp"} <= set(BUILTIN_CONVENTIONS)
    project = load_convention("project")
    assert project.spans == "as_is" and project.facts == ()
    assert all(source == target for source, target in project.labels)
    anercorp = load_convention("anercorp")
    assert anercorp.spans == "whole_token"
    assert dict(anercorp.labels) == {"PER": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC", "DATE": None, "QUANTITY": None}
    assert dict(anercorp.facts) == {"adjective": None}


def test_a_user_file_is_loaded_by_path(tmp_path):
    path = write(tmp_path, "name: mine\nspans: whole_token\n" + GOOD_LABELS)
    convention = load_convention(str(path))
    assert convention.name == "mine" and convention.source == str(path)
    assert convention.target_labels() == frozenset({"PER", "ORG", "LOC", "MISC"})


def test_an_unknown_name_lists_the_builtins():
    with pytest.raises(ValueError, match="unknown convention 'wojood'.*anercorp"):
        load_convention("wojood")


@pytest.mark.parametrize(
    ("body", "key", "message"),
    [
        ("name: mine\nspans: [whole_token\n", "$", "not valid YAML at line"),
        ("- just\n- a list\n", "$", "expected a mapping"),
        ("name: mine\nspan: as_is\n" + GOOD_LABELS, "span", "unknown key"),
        ("spans: as_is\n" + GOOD_LABELS, "name", "missing"),
        ("name: mine\nspans: tokens\n" + GOOD_LABELS, "spans", "unknown rule 'tokens' (known: as_is, whole_token)"),
        ("name: mine\nspans: as_is\n", "labels", "missing: give every project label"),
        ("name: mine\nspans: as_is\nlabels: {PER: PER, ORG: ORG, LOC: LOC, MISC: MISC, DATE: drop}\n", "labels.QUANTITY", "missing"),
        ("name: mine\nspans: as_is\nlabels: {PERS: PER}\n", "labels.PERS", "not a project label"),
        (
            "name: mine\nspans: as_is\nlabels: {PER: [PERS], ORG: ORG, LOC: LOC, MISC: MISC, DATE: drop, QUANTITY: drop}\n",
            "labels.PER",
            "expected a label or 'drop'",
        ),
        ("name: mine\nspans: as_is\n" + GOOD_LABELS + "facts: {nationality: drop}\n", "facts.nationality", "unknown gold fact"),
        ("name: mine\nspans: as_is\n" + GOOD_LABELS + "facts: [adjective]\n", "facts", "expected a mapping"),
    ],
)
def test_a_broken_file_names_the_file_and_the_key(tmp_path, body, key, message):
    path = write(tmp_path, body)
    with pytest.raises(ConventionError) as info:
        load_convention(path)
    assert info.value.file == str(path) and info.value.key == key
    assert str(info.value).startswith(f"{path}: {key}: ")
    assert message in str(info.value)


def test_a_missing_file_is_named(tmp_path):
    path = tmp_path / "absent.yaml"
    with pytest.raises(ConventionError, match=f"{path}: \\$: cannot read"):
        load_convention(path)
