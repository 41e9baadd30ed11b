"""Finds extractor factories by name: built-ins, then plug-ins from entry points.

A factory is any callable taking the ``params`` mapping of a setup config and
returning an :class:`~harness.extractors.base.Extractor`. Built-ins are listed
as ``"module:attribute"`` strings and imported only when asked for, so that
``harness validate`` does not pay for importing torch. Other packages add
extractors without touching the harness by declaring, in their own
``pyproject.toml``::

    [project.entry-points."harness.extractors"]
    my-extractor = "my_package.extractor:build"
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.common.plugins import available_names, find_target, load_target, plugin_targets
from harness.extractors.base import Extractor

ENTRY_POINT_GROUP = "harness.extractors"

#: Extractors that ship with the harness: name -> "module:factory".
BUILTIN: dict[str, str] = {
    "rules": "harness.extractors.rules.extractor:build",
    "ner": "harness.extractors.ner.extractor:build",
    "ner+rules-claims": "harness.extractors.ner.combined:build",
    "llm": "harness.extractors.llm.extractor:build",
    "ner+llm-claims": "harness.extractors.llm.combined:build",
}

Factory = Callable[[dict[str, Any]], Extractor]


class ExtractorParamsError(ValueError):
    """A setup's params its extractor's factory refused; the message names the extractor and the param.

    Factories reject params they cannot use by raising ``ValueError`` (or a
    subclass, such as a prompt or model that cannot be found); the registry
    turns it into this one type so the command line prints it as one line.
    """

    def __init__(self, name: str, reason: ValueError):
        self.name = name
        self.reason = reason
        text = str(reason)
        super().__init__(text if text.startswith(name) else f"extractor {name!r}: {text}")


class UnknownExtractorError(KeyError):
    """Raised for a name no built-in or plug-in provides; lists the names that exist."""

    def __init__(self, name: str, available: list[str]):
        self.name = name
        self.available = available
        super().__init__(f"unknown extractor {name!r}; available: {', '.join(available) or '(none)'}")

    def __str__(self) -> str:
        return self.args[0]


def _plugin_targets() -> dict[str, str]:
    return plugin_targets(ENTRY_POINT_GROUP)


def available_extractors() -> list[str]:
    """Every name that :func:`get_factory` accepts, sorted."""
    return available_names(BUILTIN, _plugin_targets())


def get_factory(name: str) -> Factory:
    """The factory registered under ``name``; built-ins win over plug-ins of the same name."""
    target = find_target(name, BUILTIN, _plugin_targets())
    if target is None:
        raise UnknownExtractorError(name, available_extractors())
    factory: Factory = load_target(target)
    return factory


def create_extractor(name: str, params: dict[str, Any] | None = None) -> Extractor:
    """Build the extractor ``name`` with ``params`` and check it keeps the Protocol.

    A factory's ``ValueError`` (params it cannot use) becomes :class:`ExtractorParamsError`.
    """
    factory = get_factory(name)
    try:
        extractor = factory(dict(params or {}))
    except ExtractorParamsError:
        raise
    except ValueError as err:
        raise ExtractorParamsError(name, err) from err
    if not isinstance(extractor, Extractor):
        raise TypeError(f"extractor {name!r} does not implement the Extractor protocol: got {type(extractor).__name__}")
    return extractor
