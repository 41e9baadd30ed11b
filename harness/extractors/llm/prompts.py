"""Prompt templates: files in ``configs/prompts/``, rendered into chat messages.

A template is a YAML file (versioned by its ``version`` key and identified by
the SHA-256 of its bytes, which goes into the extractor's fingerprint)::

    name: claims-few-shot
    version: 1
    description: ...
    labels: [PER, ORG, LOC, MISC, DATE, QUANTITY]   # entity labels it asks for
    system: |
      ...instructions...
    user: |
      Headline (context only): {{headline}}
      {{document}}
    examples:            # optional worked examples (few-shot)
      - headline: ...
        paragraph: ...
        output: {claims: [...], entities: [...]}

Document text is data, not instructions. ``{{document}}`` becomes the
paragraph between the fence lines ``<document>`` and ``</document>``; any
fence-like tag inside the text itself is defused (its angle brackets become
look-alike characters, see ``fence``), so the text cannot close the fence
and speak as the prompt. Substitution is one pass, so a headline that
contains ``{{document}}`` stays literal text.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from harness.annotations import ENTITY_LABELS
from harness.common.paths import PROJECT_ROOT
from harness.common.safe_yaml import load_yaml
from harness.extractors.llm.backends.base import ChatMessage

FENCE_OPEN = "<document>"
FENCE_CLOSE = "</document>"
_FENCE_LIKE = re.compile(r"<\s*/?\s*document\s*>", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{\{(headline|document)\}\}")
_KEYS = {"name", "version", "description", "labels", "system", "user", "examples"}

PROMPTS_DIR = PROJECT_ROOT / "configs" / "prompts"


class PromptError(ValueError):
    """A template file that cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class Example:
    headline: str
    paragraph: str
    output: dict[str, Any]

    def output_json(self) -> str:
        return json.dumps(self.output, ensure_ascii=False)


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    version: int
    path: str
    sha256: str
    system: str
    user: str
    labels: tuple[str, ...]
    examples: tuple[Example, ...] = ()
    description: str = ""

    def fingerprint(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "file": Path(self.path).name, "sha256": self.sha256}

    def render_user(self, headline: str, paragraph: str) -> str:
        values = {"headline": defuse(headline), "document": fence(paragraph)}
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.user)

    def messages(self, headline: str, paragraph: str) -> list[ChatMessage]:
        """System prompt, the worked examples as user/assistant turns, then the paragraph."""
        out = [ChatMessage("system", self.system.strip())]
        for example in self.examples:
            out.append(ChatMessage("user", self.render_user(example.headline, example.paragraph)))
            out.append(ChatMessage("assistant", example.output_json()))
        out.append(ChatMessage("user", self.render_user(headline, paragraph)))
        return out


def defuse(text: str) -> str:
    """``text`` with fence-like tags made harmless (``<`` ``>`` -> ``‹`` ``›``)."""
    return _FENCE_LIKE.sub(lambda m: m.group().replace("<", "\u2039").replace(">", "\u203a"), text)


def fence(text: str) -> str:
    """The document text between the fence lines, defused."""
    return f"{FENCE_OPEN}\n{defuse(text)}\n{FENCE_CLOSE}"


def _fail(path: Path, key: str, message: str) -> PromptError:
    return PromptError(f"{path}: {key}: {message}")


def _example(path: Path, i: int, raw: Any) -> Example:
    where = f"examples[{i}]"
    if not isinstance(raw, dict) or set(raw) != {"headline", "paragraph", "output"}:
        raise _fail(path, where, "expected a mapping with exactly headline, paragraph, output")
    if not all(isinstance(raw[k], str) and raw[k].strip() for k in ("headline", "paragraph")):
        raise _fail(path, where, "headline and paragraph must be non-empty strings")
    output = raw["output"]
    if not isinstance(output, dict) or not isinstance(output.get("claims"), list) or not isinstance(output.get("entities"), list):
        raise _fail(path, f"{where}.output", "expected a mapping with lists claims and entities")
    return Example(raw["headline"], raw["paragraph"], output)


def load_template(path: Path | str) -> PromptTemplate:
    """A template from a file path, or from a name in ``configs/prompts/`` (with or without ``.yaml``)."""
    path = resolve_template_path(path)
    data, raw_bytes = read_prompt_file(path, _KEYS, PromptError)
    version = data["version"]
    if "{{document}}" not in data["user"]:
        raise _fail(path, "user", "must contain {{document}} (where the fenced paragraph goes)")
    labels = data.get("labels", list(ENTITY_LABELS))
    if not isinstance(labels, list) or not labels or any(label not in ENTITY_LABELS for label in labels):
        raise _fail(path, "labels", f"expected a list of labels from {', '.join(ENTITY_LABELS)}, got {labels!r}")
    examples = data.get("examples") or []
    if not isinstance(examples, list):
        raise _fail(path, "examples", "expected a list")
    return PromptTemplate(
        name=data["name"],
        version=version,
        path=str(path),
        sha256=hashlib.sha256(raw_bytes).hexdigest(),
        system=data["system"],
        user=data["user"],
        labels=tuple(labels),
        examples=tuple(_example(path, i, e) for i, e in enumerate(examples)),
        description=str(data.get("description", "")),
    )


def resolve_template_path(name_or_path: Path | str) -> Path:
    return find_prompt_file(name_or_path, PROMPTS_DIR, PromptError, "prompt template")


def find_prompt_file(name_or_path: Path | str, folder: Path, error: type[ValueError], what: str) -> Path:
    """A file path as given, else a name in ``folder`` (with or without ``.yaml``); ``error`` names what was looked for."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    for candidate in (folder / path, folder / f"{path}.yaml"):
        if candidate.is_file():
            return candidate
    raise error(f"{name_or_path}: no such {what} (looked in {folder})")


def read_prompt_file(path: Path, keys: set[str], error: type[ValueError]) -> tuple[dict[str, Any], bytes]:
    """The checks every prompt file passes (extraction templates and judge prompts alike).

    Read as UTF-8 through the bounded YAML loader; a mapping of known ``keys``
    only, with non-empty ``name``, ``system`` and ``user`` strings and an
    integer ``version``. Every error is ``error`` naming the file and key.
    Returns the mapping and the file's bytes (the prompt's fingerprint hashes them).
    """
    try:
        raw_bytes = path.read_bytes()
    except OSError as err:
        raise error(f"{path}: cannot read: {err.strerror}") from None
    try:
        data = load_yaml(raw_bytes.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise error(f"{path}: not valid YAML: {err}") from None
    if not isinstance(data, dict):
        raise error(f"{path}: (top level): expected a mapping")
    unknown = sorted(set(data) - keys)
    if unknown:
        raise error(f"{path}: {unknown[0]}: unknown key (known: {', '.join(sorted(keys))})")
    for key in ("name", "system", "user"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise error(f"{path}: {key}: missing or not a non-empty string")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise error(f"{path}: version: expected an integer, got {version!r}")
    return data, raw_bytes
