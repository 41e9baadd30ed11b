"""Finds judge factories by name: built-ins, then plug-ins from the entry-point group ``harness.judges``.

A factory takes the ``params`` mapping of a judge config and returns a
:class:`~harness.judging.base.Judge`. Built-ins are ``"module:attribute"``
strings imported only when asked for (the model judge imports llama.cpp only
when it generates). Another package adds a judge without touching the harness::

    [project.entry-points."harness.judges"]
    my-judge = "my_package.judge:build"
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness.common.plugins import available_names, find_target, load_target, plugin_targets
from harness.judging.base import Judge

ENTRY_POINT_GROUP = "harness.judges"

#: Judges that ship with the harness: name -> "module:factory".
BUILTIN: dict[str, str] = {
    "deterministic": "harness.judging.deterministic:build",
    "llm": "harness.judging.llm:build",
}

Factory = Callable[[dict[str, Any]], Judge]


class UnknownJudgeError(KeyError):
    """A name no built-in or plug-in provides; lists the names that exist."""

    def __init__(self, name: str, available: list[str]):
        self.name = name
        self.available = available
        super().__init__(f"unknown judge {name!r}; available: {', '.join(available) or '(none)'}")

    def __str__(self) -> str:
        return self.args[0]


def _plugin_targets() -> dict[str, str]:
    return plugin_targets(ENTRY_POINT_GROUP)


def available_judges() -> list[str]:
    """Every name :func:`create_judge` accepts, sorted."""
    return available_names(BUILTIN, _plugin_targets())


def get_factory(name: str) -> Factory:
    """The factory registered under ``name``; built-ins win over plug-ins of the same name."""
    target = find_target(name, BUILTIN, _plugin_targets())
    if target is None:
        raise UnknownJudgeError(name, available_judges())
    factory: Factory = load_target(target)
    return factory


def create_judge(name: str, params: dict[str, Any] | None = None) -> Judge:
    """Build the judge ``name`` with ``params`` and check it keeps the protocol."""
    judge = get_factory(name)(dict(params or {}))
    if not isinstance(judge, Judge):
        raise TypeError(f"judge {name!r} does not implement the Judge protocol: got {type(judge).__name__}")
    return judge
