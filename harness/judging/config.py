"""Judge config files (``configs/judges/*.yaml``), validated on load with errors naming file and key::

    name: llm-qwen1.5b          # how run records and the leaderboard name this judge
    judge: llm                  # a name in the judge registry (built-ins: deterministic, llm)
    description: ...            # optional
    params: {...}               # optional, handed to the judge's factory

A relative ``cache_dir`` or ``prompt`` path in ``params`` is the judge's business
(see :mod:`harness.judging.llm`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.common.safe_yaml import load_yaml
from harness.config import ConfigError
from harness.judging.base import Judge
from harness.judging.registry import UnknownJudgeError, create_judge

_KEYS = {"name", "judge", "description", "params"}


class JudgeConfigError(ConfigError):
    """A judge config that cannot be used; the message names the file and key."""


@dataclass(frozen=True)
class JudgeConfig:
    name: str
    judge: str
    params: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "judge": self.judge, "params": self.params, "description": self.description, "source": self.source}


def load_judge_config(path: Path | str) -> JudgeConfig:
    path = Path(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise JudgeConfigError(path, "(file)", f"cannot read: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise JudgeConfigError(path, "(file)", f"not valid YAML: {err}") from None
    if not isinstance(data, dict):
        raise JudgeConfigError(path, "(top level)", "expected a mapping of keys to values")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise JudgeConfigError(path, unknown[0], f"unknown key (known: {', '.join(sorted(_KEYS))})")
    for key in ("name", "judge"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise JudgeConfigError(path, key, "missing or not a non-empty string")
    params = data.get("params") or {}
    if not isinstance(params, dict):
        raise JudgeConfigError(path, "params", f"expected a mapping, got {params!r}")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise JudgeConfigError(path, "description", f"expected a string, got {description!r}")
    return JudgeConfig(data["name"].strip(), data["judge"].strip(), params, description, str(path))


def build_judge(config: JudgeConfig) -> Judge:
    """The judge a config describes; an unknown name or a factory's ValueError is re-raised naming the config file."""
    try:
        return create_judge(config.judge, config.params)
    except UnknownJudgeError as err:
        raise JudgeConfigError(config.source, "judge", str(err)) from None
    except ValueError as err:
        raise JudgeConfigError(config.source, "params", str(err)) from None
