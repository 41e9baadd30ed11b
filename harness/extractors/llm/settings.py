"""Generation settings: everything about decoding that changes the output.

All of it goes into the extractor's fingerprint and the generation cache key,
so a cached answer is only ever served for the settings that produced it.
Greedy decoding (``temperature`` 0) is the default: the benchmark compares
runs, and sampling would make two runs of one setup differ.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class GenerationSettings:
    #: Cap on generated tokens per paragraph: a list cut here keeps its complete items.
    max_new_tokens: int = 512
    #: 0 means greedy (always the most probable token).
    temperature: float = 0.0
    seed: int = 0
    #: 1.0 is off; about 1.1 stops a small model repeating one sentence.
    repetition_penalty: float = 1.1
    #: Generation stops at the first of these strings (not included in the output).
    stop: tuple[str, ...] = ()
    #: CPU threads for the local engines.
    threads: int = 1
    #: Context window (prompt + output) in tokens for llama.cpp.
    context_size: int = 4096
    #: The JSON Schema the answer must keep, as canonical JSON text, when
    #: decoding is constrained (the extractor's ``constraint: json_schema``,
    #: never written in a config by hand); None for free text.
    json_schema: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The settings for the fingerprint. ``json_schema`` appears only when set,
        so caches of unconstrained answers made before the field existed stay valid."""
        data = asdict(self)
        data["stop"] = list(self.stop)
        if self.json_schema is None:
            del data["json_schema"]
        return data

    def schema(self) -> dict[str, Any] | None:
        """``json_schema`` as a mapping (None when decoding is free)."""
        return None if self.json_schema is None else json.loads(self.json_schema)


def canonical_schema(schema: dict[str, Any]) -> str:
    """The form ``json_schema`` holds: compact JSON with the keys in their given order.

    Not sorted: a grammar built from the schema makes the model write the
    properties in the order they are listed, so the order is part of it.
    """
    return json.dumps(schema, ensure_ascii=False, separators=(",", ":"))


_FIELDS: dict[str, type | tuple[type, ...]] = {
    "max_new_tokens": int,
    "temperature": (int, float),
    "seed": int,
    "repetition_penalty": (int, float),
    "threads": int,
    "context_size": int,
}


def settings_from_params(params: dict[str, Any], where: str = "generation") -> GenerationSettings:
    """Settings from a config mapping; unknown keys and wrong types are errors naming the key."""
    if not isinstance(params, dict):
        raise ValueError(f"{where}: expected a mapping, got {params!r}")
    known = set(_FIELDS) | {"stop"}
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    values: dict[str, Any] = {}
    for key, kind in _FIELDS.items():
        if key in params:
            value = params[key]
            if isinstance(value, bool) or not isinstance(value, kind):
                raise ValueError(f"{where}.{key}: expected a number, got {value!r}")
            values[key] = float(value) if kind is not int else value
    if "stop" in params:
        stop = params["stop"]
        if not isinstance(stop, list) or not all(isinstance(s, str) and s for s in stop):
            raise ValueError(f"{where}.stop: expected a list of non-empty strings, got {stop!r}")
        values["stop"] = tuple(stop)
    settings = GenerationSettings(**values)
    if settings.max_new_tokens < 1:
        raise ValueError(f"{where}.max_new_tokens: must be at least 1, got {settings.max_new_tokens}")
    if settings.temperature < 0:
        raise ValueError(f"{where}.temperature: must be 0 (greedy) or more, got {settings.temperature}")
    if settings.repetition_penalty <= 0:
        raise ValueError(f"{where}.repetition_penalty: must be positive, got {settings.repetition_penalty}")
    if settings.threads < 1:
        raise ValueError(f"{where}.threads: must be at least 1, got {settings.threads}")
    if settings.context_size < 256:
        raise ValueError(f"{where}.context_size: must be at least 256, got {settings.context_size}")
    return settings
