"""Reads the header of a GGUF file: format version, tensor count, metadata.

Why a reader of our own: verifying an assembled model file must not depend on
the inference engine being installed, and only the header is needed (the
metadata sits before the tensor data). Large arrays (the tokenizer's 150,000
tokens) are skipped, keeping only their length, so reading costs a few
megabytes of I/O and no memory to speak of.

Layout (GGUF v2 and v3): magic ``GGUF``, ``uint32`` version, ``uint64`` tensor
count, ``uint64`` key-value count, then per key a length-prefixed UTF-8 name,
a ``uint32`` value type and the value. Everything is little-endian.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

MAGIC = b"GGUF"

# value type codes of the GGUF specification
_UINT8, _INT8, _UINT16, _INT16, _UINT32, _INT32, _FLOAT32, _BOOL, _STRING, _ARRAY, _UINT64, _INT64, _FLOAT64 = range(13)
_SCALARS: dict[int, str] = {
    _UINT8: "<B", _INT8: "<b", _UINT16: "<H", _INT16: "<h", _UINT32: "<I", _INT32: "<i",
    _FLOAT32: "<f", _BOOL: "<?", _UINT64: "<Q", _INT64: "<q", _FLOAT64: "<d",
}
#: Arrays longer than this are summarised as their length (tokenizer vocabularies).
MAX_ARRAY_KEPT = 64
#: Longer strings are cut (chat templates are kept whole up to this size).
MAX_STRING_KEPT = 65536


class GgufError(ValueError):
    """A file that is not a readable GGUF file; the message names the file."""


@dataclass(frozen=True)
class ArraySummary:
    """A metadata array too long to keep: its element type and length."""

    element_type: int
    length: int


@dataclass(frozen=True)
class GgufInfo:
    version: int
    tensor_count: int
    metadata: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.metadata.get(key, default)


def _read(handle: BinaryIO, size: int, path: Path) -> bytes:
    data = handle.read(size)
    if len(data) != size:
        raise GgufError(f"{path}: truncated GGUF header")
    return data


def _unpack(handle: BinaryIO, fmt: str, path: Path) -> Any:
    return struct.unpack(fmt, _read(handle, struct.calcsize(fmt), path))[0]


def _string(handle: BinaryIO, path: Path) -> str:
    length = _unpack(handle, "<Q", path)
    if length > MAX_STRING_KEPT:
        raw = _read(handle, MAX_STRING_KEPT, path)
        handle.seek(length - MAX_STRING_KEPT, 1)
        return raw.decode("utf-8", errors="replace")
    return _read(handle, length, path).decode("utf-8", errors="replace")


def _value(handle: BinaryIO, kind: int, path: Path) -> Any:
    if kind in _SCALARS:
        return _unpack(handle, _SCALARS[kind], path)
    if kind == _STRING:
        return _string(handle, path)
    if kind == _ARRAY:
        element = _unpack(handle, "<I", path)
        length = _unpack(handle, "<Q", path)
        if length > MAX_ARRAY_KEPT:
            if element in _SCALARS:
                handle.seek(length * struct.calcsize(_SCALARS[element]), 1)
            else:
                for _ in range(length):
                    _value(handle, element, path)
            return ArraySummary(element, length)
        return [_value(handle, element, path) for _ in range(length)]
    raise GgufError(f"{path}: unknown GGUF value type {kind}")


def read_gguf_info(path: Path) -> GgufInfo:
    """Version, tensor count and metadata of the GGUF file at ``path``."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            if handle.read(4) != MAGIC:
                raise GgufError(f"{path}: not a GGUF file (bad magic)")
            version = _unpack(handle, "<I", path)
            if version < 2:
                raise GgufError(f"{path}: GGUF version {version} is not supported (need 2 or later)")
            tensor_count = _unpack(handle, "<Q", path)
            kv_count = _unpack(handle, "<Q", path)
            metadata: dict[str, Any] = {}
            for _ in range(kv_count):
                key = _string(handle, path)
                metadata[key] = _value(handle, _unpack(handle, "<I", path), path)
    except OSError as err:
        raise GgufError(f"{path}: cannot read: {err.strerror}") from None
    return GgufInfo(version, tensor_count, metadata)
