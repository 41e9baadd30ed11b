"""Plug-ins by name: the lookup every registry of the harness shares.

Extractors, judges and corpus formats are each found the same way: a table of
built-ins (``name -> "module:attribute"``, imported only when asked for, so a
command never pays for a plug-in it does not use) and, after them, the entry
points other packages declare in a group (``harness.extractors``,
``harness.judges``, ``harness.corpus_formats``). Each registry keeps its own
error type and protocol check; this module only finds and imports.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from importlib.metadata import entry_points
from typing import Any


def plugin_targets(group: str) -> dict[str, str]:
    """``name -> "module:attribute"`` of every installed entry point of ``group``."""
    return {ep.name: ep.value for ep in entry_points(group=group)}


def available_names(builtin: Mapping[str, str], plugins: Mapping[str, str]) -> list[str]:
    """Every name a registry accepts, sorted."""
    return sorted(set(builtin) | set(plugins))


def find_target(name: str, builtin: Mapping[str, str], plugins: Mapping[str, str]) -> str | None:
    """The target registered under ``name``: built-ins win over plug-ins of the same name."""
    return builtin.get(name) or plugins.get(name)


def load_target(target: str) -> Any:
    """The object a ``"module:attribute.path"`` target names (the module itself without an attribute)."""
    module_name, _, attribute = target.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in attribute.split(".") if attribute else ():
        obj = getattr(obj, part)
    return obj
