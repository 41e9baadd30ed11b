"""The corpus-format protocol and the one parser of format options.

Options come from two places: a track of a bench file (YAML values: strings,
numbers, lists) and the command line (``--option KEY=VALUE``, or an alias flag
such as ``--label-map``). Both end as a plain mapping; :func:`parse_options`
turns it into the format's own frozen dataclass, checking each key against the
dataclass's fields and types, so every error names the key.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from harness.corpus.load import Corpus


class CorpusOptionError(ValueError):
    """An option that does not apply to the corpus it was given with."""


class FormatOptionError(CorpusOptionError):
    """A format option that is unknown or has a bad value; ``key`` names it."""

    def __init__(self, format_name: str, key: str, message: str):
        self.format_name = format_name
        self.key = key
        self.message = message
        super().__init__(f"{format_name} option {key}: {message}")


@runtime_checkable
class CorpusFormat(Protocol):
    """What a corpus format provides; register a factory returning one (see the registry)."""

    #: The name tracks and ``--format`` use (``gold-dir``, ``conll``, ``jsonl``).
    name: str
    #: The frozen dataclass of its options (every field has a default).
    options_type: type
    #: Options whose values may name a file: a bench file checks they lie inside the project.
    path_options: tuple[str, ...]

    def detect(self, path: Path) -> bool:
        """True when ``path`` looks like a corpus of this format (used when no format is named)."""
        ...

    def parse_options(self, raw: Mapping[str, Any]) -> Any:
        """``raw`` as an ``options_type`` instance; raises :class:`FormatOptionError` naming the key."""
        ...

    def load(self, path: Path, options: Any, *, allow_drafts: bool = False) -> Corpus:
        """The corpus at ``path`` read with ``options``. ``allow_drafts``: accept unreviewed model drafts."""
        ...


T = TypeVar("T")

_TYPE_WORDS = {str: "a string", int: "a whole number", bool: "true or false", float: "a number"}


def _check_value(format_name: str, key: str, value: Any, hint: Any) -> Any:
    """``value`` checked against a field's type hint (str, int, bool, float, tuple[str, ...], X | None)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        members = [m for m in typing.get_args(hint) if m is not type(None)]
        if value is None:
            return None
        return _check_value(format_name, key, value, members[0])
    if origin is tuple:
        # A list of strings, or one comma-separated string (the command line's form).
        items = [part.strip() for part in value.split(",") if part.strip()] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)) or not all(isinstance(i, str) and i for i in items):
            raise FormatOptionError(format_name, key, f"expected a list of names (or 'A,B,C'), got {value!r}")
        return tuple(items)
    if hint is int and isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if hint is bool and isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, bool) and hint is not bool or not isinstance(value, hint):
        raise FormatOptionError(format_name, key, f"expected {_TYPE_WORDS.get(hint, hint.__name__)}, got {value!r}")
    if isinstance(value, str) and "\x00" in value:
        raise FormatOptionError(format_name, key, "contains a NUL character")
    return value


def parse_options(format_name: str, options_type: type[T], raw: Mapping[str, Any]) -> T:
    """``raw`` as ``options_type``: unknown keys and wrong types are refused by key.

    The dataclass's ``__post_init__`` does the checks that need the value
    (a scheme name, a range) and raises :class:`FormatOptionError` itself.
    """
    fields = {f.name: f for f in dataclasses.fields(options_type)}  # type: ignore[arg-type]
    hints = typing.get_type_hints(options_type)
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in fields:
            known = ", ".join(fields) or "none"
            elsewhere = _formats_with_option(key)
            hint = f"; {key} is an option of the {' and '.join(elsewhere)} format" if elsewhere else ""
            raise FormatOptionError(format_name, key, f"not an option of the {format_name} format (its options: {known}){hint}")
        values[key] = _check_value(format_name, key, value, hints[key])
    return options_type(**values)


def _formats_with_option(key: str) -> list[str]:
    """Built-in formats that have an option ``key`` (for a hint when another format was chosen)."""
    from harness.corpus.formats.registry import BUILTIN, get_format

    return [name for name in BUILTIN if key in {f.name for f in dataclasses.fields(get_format(name).options_type)}]


def options_to_dict(options: Any) -> dict[str, Any]:
    """The options that differ from their defaults, as JSON values (tuples as lists)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(options):
        value = getattr(options, f.name)
        if value != f.default:
            out[f.name] = list(value) if isinstance(value, tuple) else value
    return out
