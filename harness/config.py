"""YAML run configurations, validated on load with errors naming file and key.

Two kinds of file live in ``configs/``:

* a **setup** names one extractor and its settings (one leaderboard row)::

      setup: rules              # the row's name
      extractor: rules          # a name in the extractor registry
      description: ...          # optional
      batch_size: 16            # optional, documents per extract() call
      params: {...}             # optional, handed to the extractor's factory

* a **bench** lists setups (paths relative to the bench file) and the run
  settings they share::

      setups: [rules.yaml]
      seed: 13
      bootstrap: {resamples: 1000, level: 0.95}

``harness run`` accepts either; a setup alone runs with the default settings.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_SEED = 13
DEFAULT_RESAMPLES = 1000
DEFAULT_LEVEL = 0.95


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names file and key."""

    def __init__(self, file: Path | str, key: str, message: str):
        self.file = str(file)
        self.key = key
        super().__init__(f"{file}: {key}: {message}")


@dataclass(frozen=True)
class SetupConfig:
    """One extractor setup: what to build and how to call it."""

    setup: str
    extractor: str
    params: dict[str, Any] = field(default_factory=dict)
    batch_size: int = 8
    description: str = ""
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RunSettings:
    """Settings shared by every setup of a run; all of them change the scores' intervals."""

    seed: int = DEFAULT_SEED
    resamples: int = DEFAULT_RESAMPLES
    level: float = DEFAULT_LEVEL


@dataclass(frozen=True)
class RunConfig:
    setups: tuple[SetupConfig, ...]
    settings: RunSettings
    source: str


def config_hash(setup: SetupConfig, settings: RunSettings) -> str:
    """Hash of the resolved configuration of one setup in one run (its file path excluded)."""
    resolved = {**setup.to_dict(), "source": None, "settings": asdict(settings)}
    canonical = json.dumps(resolved, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(path, "(file)", f"cannot read: {err.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        raise ConfigError(path, where, f"not valid YAML: {getattr(err, 'problem', err)}") from None
    if not isinstance(data, dict):
        raise ConfigError(path, "(top level)", "expected a mapping of keys to values")
    return data


def _take(data: dict, path: Path, key: str, kind: type | tuple[type, ...], default: Any = ..., prefix: str = "") -> Any:
    """``data[key]`` checked against ``kind``; ``prefix`` names the enclosing mapping in errors."""
    if key not in data:
        if default is ...:
            raise ConfigError(path, prefix + key, "missing key")
        return default
    value = data[key]
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise ConfigError(path, prefix + key, f"expected a number, got {value!r}")
    if not isinstance(value, kind):
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise ConfigError(path, prefix + key, f"expected {names}, got {value!r}")
    return value


def _unknown_keys(data: dict, path: Path, known: set[str], prefix: str = "") -> None:
    for key in data:
        if key not in known:
            raise ConfigError(path, f"{prefix}{key}", f"unknown key (known: {', '.join(sorted(known))})")


SETUP_KEYS = {"setup", "extractor", "params", "batch_size", "description"}
BENCH_KEYS = {"setups", "seed", "bootstrap", "description"}


def load_setup(path: Path) -> SetupConfig:
    data = _read_yaml(path)
    return _setup_from(data, path)


def _setup_from(data: dict, path: Path) -> SetupConfig:
    _unknown_keys(data, path, SETUP_KEYS)
    batch_size = _take(data, path, "batch_size", int, 8)
    if batch_size < 1:
        raise ConfigError(path, "batch_size", f"must be at least 1, got {batch_size}")
    params = _take(data, path, "params", dict, {}) or {}
    return SetupConfig(
        setup=_take(data, path, "setup", str),
        extractor=_take(data, path, "extractor", str),
        params=params,
        batch_size=batch_size,
        description=_take(data, path, "description", str, ""),
        source=str(path),
    )


def load_run_config(path: Path) -> RunConfig:
    """A bench file or a single setup file, resolved and validated."""
    data = _read_yaml(path)
    if "setups" not in data:
        if "extractor" in data or "setup" in data:
            return RunConfig((_setup_from(data, path),), RunSettings(), str(path))
        raise ConfigError(path, "setups", "missing key (a bench file lists setups; a setup file names an extractor)")
    _unknown_keys(data, path, BENCH_KEYS)
    entries = _take(data, path, "setups", list)
    if not entries:
        raise ConfigError(path, "setups", "lists no setup")
    setups = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, str):
            raise ConfigError(path, f"setups[{i}]", f"expected a path to a setup file, got {entry!r}")
        setup_path = (path.parent / entry).resolve()
        if not setup_path.is_file():
            raise ConfigError(path, f"setups[{i}]", f"no such file: {setup_path}")
        setups.append(load_setup(setup_path))
    names = [s.setup for s in setups]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(path, "setups", f"two setups are named {name!r}; setup names must be unique")
    bootstrap = _take(data, path, "bootstrap", dict, {}) or {}
    _unknown_keys(bootstrap, path, {"resamples", "level"}, prefix="bootstrap.")
    resamples = _take(bootstrap, path, "resamples", int, DEFAULT_RESAMPLES, prefix="bootstrap.")
    level = _take(bootstrap, path, "level", (int, float), DEFAULT_LEVEL, prefix="bootstrap.")
    if resamples < 1:
        raise ConfigError(path, "bootstrap.resamples", f"must be at least 1, got {resamples}")
    if not 0 < level < 1:
        raise ConfigError(path, "bootstrap.level", f"must be between 0 and 1, got {level}")
    settings = RunSettings(seed=_take(data, path, "seed", int, DEFAULT_SEED), resamples=resamples, level=float(level))
    return RunConfig(tuple(setups), settings, str(path))
