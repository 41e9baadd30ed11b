"""The model judge's prompt: a versioned YAML file in ``configs/judges/prompts/``, rendered into chat messages.

A template::

    name: content-judge
    version: 1
    description: ...
    system: |
      ...instructions...
    user: |
      <context>{{context}}</context> ... {{gold}} ... {{predicted}}
    examples:                      # optional worked examples (few-shot)
      - context: ...
        gold: {evidence: ..., predicate: ..., speaker: ..., quantity: ..., time: ..., location: ...}
        predicted: {evidence: ..., speaker: ...}
        output: {verdict: same, reason: ...}

The file's SHA-256 is part of the judge's identity, so any edit (a word of
the instructions, an example) gives new cache keys and a new fingerprint,
and an agreement measured with the old text no longer applies.

The article's words are data: each field is placed between fence tags
(``<context>``, ``<gold_claim>``, ``<predicted_claim>``) and any such tag
inside the text is defused (its angle brackets become look-alike
characters), so a document cannot close a fence and speak as the prompt.
Substitution is one pass: a ``{{gold}}`` inside the context stays literal.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.annotations import CLAIM_SLOTS
from harness.common.paths import PROJECT_ROOT
from harness.extractors.llm.backends.base import ChatMessage
from harness.extractors.llm.prompts import find_prompt_file, read_prompt_file
from harness.judging.items import ClaimText, JudgeItem

PROMPTS_DIR = PROJECT_ROOT / "configs" / "judges" / "prompts"

_KEYS = {"name", "version", "description", "system", "user", "examples"}
_PLACEHOLDER = re.compile(r"\{\{(context|gold|predicted)\}\}")
_FENCE_LIKE = re.compile(r"<\s*/?\s*(context|gold_claim|predicted_claim)\s*>", re.IGNORECASE)
_CLAIM_FIELDS = ("evidence", "predicate", *CLAIM_SLOTS)
_FIELD_NAMES = {"evidence": "evidence", "predicate": "meaning", "speaker": "speaker", "quantity": "quantity", "time": "time", "location": "place"}
NONE = "(none)"


class JudgePromptError(ValueError):
    """A judge prompt file that cannot be used; the message names the file and key."""


def defuse(text: str) -> str:
    """``text`` with fence-like tags made harmless (``<`` ``>`` -> ``‹`` ``›``)."""
    return _FENCE_LIKE.sub(lambda m: m.group().replace("<", "\u2039").replace(">", "\u203a"), text)


def render_claim(claim: ClaimText, tag: str) -> str:
    """A claim as fenced lines ``field: value``; an empty slot reads ``(none)``; no predicate line when it has none."""
    lines = []
    for field in _CLAIM_FIELDS:
        value = getattr(claim, field)
        if field == "predicate" and not value:
            continue
        lines.append(f"{_FIELD_NAMES[field]}: {defuse(value) if value else NONE}")
    return f"<{tag}>\n" + "\n".join(lines) + f"\n</{tag}>"


@dataclass(frozen=True)
class JudgeExample:
    context: str
    gold: ClaimText
    predicted: ClaimText
    output: dict[str, Any]

    def output_json(self) -> str:
        return json.dumps(self.output, ensure_ascii=False)


@dataclass(frozen=True)
class JudgePrompt:
    name: str
    version: int
    path: str
    sha256: str
    system: str
    user: str
    examples: tuple[JudgeExample, ...] = ()
    description: str = ""

    def fingerprint(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "file": Path(self.path).name, "sha256": self.sha256}

    def render_user(self, context: str, gold: ClaimText, predicted: ClaimText) -> str:
        values = {
            "context": f"<context>\n{defuse(context)}\n</context>",
            "gold": render_claim(gold, "gold_claim"),
            "predicted": render_claim(predicted, "predicted_claim"),
        }
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], self.user)

    def messages(self, item: JudgeItem) -> list[ChatMessage]:
        """System text, the worked examples as user/assistant turns, then the item."""
        out = [ChatMessage("system", self.system.strip())]
        for example in self.examples:
            out.append(ChatMessage("user", self.render_user(example.context, example.gold, example.predicted)))
            out.append(ChatMessage("assistant", example.output_json()))
        out.append(ChatMessage("user", self.render_user(item.context, item.gold_text(), item.predicted_text())))
        return out


def _fail(path: Path, key: str, message: str) -> JudgePromptError:
    return JudgePromptError(f"{path}: {key}: {message}")


def _claim_text(path: Path, where: str, raw: Any) -> ClaimText:
    if not isinstance(raw, dict) or not isinstance(raw.get("evidence"), str) or not raw["evidence"].strip():
        raise _fail(path, where, "expected a mapping with a non-empty evidence")
    unknown = sorted(set(raw) - set(_CLAIM_FIELDS))
    if unknown:
        raise _fail(path, f"{where}.{unknown[0]}", f"unknown field (known: {', '.join(_CLAIM_FIELDS)})")
    for field in _CLAIM_FIELDS:
        if raw.get(field) is not None and not isinstance(raw[field], str):
            raise _fail(path, f"{where}.{field}", f"expected a string or nothing, got {raw[field]!r}")
    # Every field was checked above to be a string or absent.
    fields: dict[str, Any] = {field: raw.get(field) or ("" if field in ("evidence", "predicate") else None) for field in _CLAIM_FIELDS}
    return ClaimText(**fields)


def _example(path: Path, i: int, raw: Any) -> JudgeExample:
    where = f"examples[{i}]"
    if not isinstance(raw, dict) or set(raw) != {"context", "gold", "predicted", "output"}:
        raise _fail(path, where, "expected a mapping with exactly context, gold, predicted, output")
    if not isinstance(raw["context"], str) or not raw["context"].strip():
        raise _fail(path, f"{where}.context", "expected a non-empty string")
    output = raw["output"]
    if not isinstance(output, dict) or output.get("verdict") not in ("same", "different") or not isinstance(output.get("reason"), str):
        raise _fail(path, f"{where}.output", "expected {verdict: same|different, reason: a string}")
    return JudgeExample(raw["context"].strip(), _claim_text(path, f"{where}.gold", raw["gold"]), _claim_text(path, f"{where}.predicted", raw["predicted"]), output)


def resolve_prompt_path(name_or_path: Path | str) -> Path:
    """A file path as given, else a name in ``configs/judges/prompts/`` (with or without ``.yaml``)."""
    return find_prompt_file(name_or_path, PROMPTS_DIR, JudgePromptError, "judge prompt")


def load_judge_prompt(name_or_path: Path | str) -> JudgePrompt:
    """A judge prompt from a file path or a name in ``configs/judges/prompts/``."""
    path = resolve_prompt_path(name_or_path)
    data, raw_bytes = read_prompt_file(path, _KEYS, JudgePromptError)
    version = data["version"]
    for placeholder in ("{{context}}", "{{gold}}", "{{predicted}}"):
        if placeholder not in data["user"]:
            raise _fail(path, "user", f"must contain {placeholder}")
    examples = data.get("examples") or []
    if not isinstance(examples, list):
        raise _fail(path, "examples", "expected a list")
    return JudgePrompt(
        name=data["name"],
        version=version,
        path=str(path),
        sha256=hashlib.sha256(raw_bytes).hexdigest(),
        system=data["system"],
        user=data["user"],
        examples=tuple(_example(path, i, e) for i, e in enumerate(examples)),
        description=str(data.get("description", "")),
    )
