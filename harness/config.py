"""YAML run configurations, validated on load with errors naming file and key.

Two kinds of file live in ``configs/``:

* a **setup** names one extractor and its settings (one leaderboard row)::

      setup: rules              # the row's name
      extractor: rules          # a name in the extractor registry
      description: ...          # optional
      batch_size: 16            # optional, documents per extract() call
      params: {...}             # optional, handed to the extractor's factory

* a **bench** lists setups (paths relative to the bench file), the tracks
  (corpora) every setup is scored on, which track ranks the leaderboard, and
  the run settings they share::

      setups: [rules.yaml]
      tracks:                   # optional; default: one track, the project's gold
        - name: seeds
          corpus: ..            # a gold directory (DIR/gold + DIR/seeds), a CoNLL file, a .jsonl file, ...
          description: ...
        - name: heldout
          corpus: ../tests/data/heldout
        - name: anercorp-dev
          corpus: ../../shared/data/anercorp/dev.txt
          format: conll         # optional: gold-dir, conll, jsonl or a plug-in (default: detected)
          label_map: PERS=PER,ORG=ORG,LOC=LOC,MISC=MISC   # every other key is an option of the format
          passage_tokens: 256
          convention: anercorp
          sentences: "3572:"          # CoNLL: a range of the file's sentences (START:STOP)
          setups: [ner-e5-anercorp]   # only these setups (default: all)
          optional: true              # absent data: skipped with the reason, not an error
      ranking: {track: heldout, metrics: [claims.strict.f1, entities.all_labels.strict.f1],
                judge_kappa_floor: 0.6}   # content scores of a judge below this kappa never rank
      judge: judges/deterministic.yaml   # optional: judge every run's claim pairs (the content mode)
      seed: 13
      bootstrap: {resamples: 1000, level: 0.95}
      scoring: {min_overlap: 0.0}
      executor: {name: processes, workers: 2}   # optional: serial (default), processes, ray
      max_failures: 0.5         # optional: a run with a larger share of failed documents fails
                                # (exit 1, run.json status); default: only when every document failed

``harness run`` accepts either; a setup alone runs with the default settings
on the default track.

Paths a config names (setup files, track corpora, prompts, model folders and
other path params, a convention file) must lie inside the project: the
checkout, the shared data folder, or the config file's own folder. A config
that needs another place says ``allow_outside_project: true``; otherwise the
error names the key and the resolved path (:func:`check_inside`). Files are
read with the bounded YAML loader (:mod:`harness.common.safe_yaml`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from harness.common.paths import PROJECT_ROOT, allowed_roots, is_inside
from harness.common.safe_yaml import describe_yaml_error, load_yaml
from harness.corpus.formats.base import FormatOptionError
from harness.corpus.formats.registry import UnknownFormatError
from harness.corpus.load import CorpusOptionError, CorpusSpec
from harness.judging.floor import DEFAULT_JUDGE_KAPPA_FLOOR
from harness.scoring.metric_paths import metric_path_problem
from harness.scoring.settings import (
    DEFAULT_LEVEL,
    DEFAULT_MIN_OVERLAP,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
)

#: Name of the track of the project's own gold (the seed articles).
DEFAULT_TRACK = "seeds"
#: What ranks the leaderboard unless the bench file says otherwise: claims judged strictly, then
#: entities over every gold label (comparable across extractors that declare different labels).
DEFAULT_RANKING_METRICS: tuple[str, ...] = ("claims.strict.f1", "entities.all_labels.strict.f1")


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names file and key."""

    def __init__(self, file: Path | str, key: str, message: str):
        self.file = str(file)
        self.key = key
        super().__init__(f"{file}: {key}: {message}")


#: Longest quotation of a value in an error message.
SHOWN_CHARS = 80


def shown(value: Any) -> str:
    """``repr(value)`` cut to :data:`SHOWN_CHARS`: an error message quotes what it refuses, never all of it."""
    try:
        text = repr(value)
    except RecursionError:
        text = f"a deeply nested {type(value).__name__}"
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


#: The key a config file sets to ``true`` to name files outside the project (see :func:`check_inside`).
OUTSIDE_KEY = "allow_outside_project"
#: Setup params whose string values may name local files or folders (checked by :func:`check_inside`).
PATH_PARAM_KEYS = frozenset({"prompt", "model", "convention", "path", "file", "dir", "cue_dir", "gazetteer_dir", "model_dir", "tokenizer"})


def check_inside(file: Path, key: str, target: Path, allowed: bool) -> Path:
    """``target`` resolved, refused (:class:`ConfigError` naming ``key`` and the path) when it lies
    outside the project unless the config file says ``allow_outside_project: true``.

    Inside means under the project checkout, the shared data folder
    (:func:`harness.common.paths.shared_data_dir`) or the config file's own folder:
    a config may name the project's files, third-party data, and files kept
    beside it, and nothing else on the disk without saying so.
    """
    if "\x00" in str(target):
        raise ConfigError(file, key, "contains a NUL character")
    resolved = target.resolve()
    if allowed or is_inside(resolved, allowed_roots(file.resolve().parent)):
        return resolved
    raise ConfigError(
        file, key, f"{resolved} is outside the project ({PROJECT_ROOT}), the shared data and this file's folder; set {OUTSIDE_KEY}: true to allow it"
    )


def _outside_flag(data: dict, path: Path) -> bool:
    return bool(_take(data, path, OUTSIDE_KEY, bool, False))


def _check_param_paths(value: Any, file: Path, key: str, allowed: bool) -> None:
    """Every param under :data:`PATH_PARAM_KEYS` that names a local file or folder must be inside the project.

    A value is taken for a path when it is absolute, climbs with ``..``,
    starts with ``~``, or names something that exists relative to the
    working directory, this file's folder or the project (extractors look
    in those places); other strings are names (a Hub id, a catalog model, a
    prompt in ``configs/prompts``).
    """
    if isinstance(value, dict):
        for name, inner in value.items():
            where = f"{key}.{name}"
            if isinstance(inner, str) and str(name) in PATH_PARAM_KEYS:
                for candidate in _path_candidates(inner, file):
                    check_inside(file, where, candidate, allowed)
            else:
                _check_param_paths(inner, file, where, allowed)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            _check_param_paths(inner, file, f"{key}[{i}]", allowed)


def _path_candidates(text: str, file: Path) -> list[Path]:
    if not text or "\x00" in text:
        return []
    raw = Path(text).expanduser() if text.startswith("~") else Path(text)
    if raw.is_absolute():
        return [raw]
    places = [Path.cwd(), file.resolve().parent, PROJECT_ROOT]
    candidates = [place / raw for place in places]
    if ".." in raw.parts:
        return candidates
    found = []
    for candidate in candidates:
        try:
            if candidate.exists():
                found.append(candidate)
        except OSError:
            continue
    return found


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
    """Settings shared by every setup of a run; all of them change the scores or their intervals."""

    seed: int = DEFAULT_SEED
    resamples: int = DEFAULT_RESAMPLES
    level: float = DEFAULT_LEVEL
    #: Minimum overlap ratio (IoU) of partial / type entity matches and claim evidence; 0 = any overlap.
    min_overlap: float = DEFAULT_MIN_OVERLAP


@dataclass(frozen=True)
class Track:
    """One corpus every setup of a bench is scored on."""

    name: str
    corpus: CorpusSpec
    description: str = ""
    #: Only these setups run on it (None: all of the bench's setups).
    setups: tuple[str, ...] | None = None
    #: When its corpus is absent (third-party data), skip it with the reason instead of failing.
    optional: bool = False

    def runs(self, setup: str) -> bool:
        return self.setups is None or setup in self.setups


@dataclass(frozen=True)
class Ranking:
    """Which track and metrics order the leaderboard (metrics compared in turn, higher first)."""

    track: str
    metrics: tuple[str, ...] = DEFAULT_RANKING_METRICS
    #: Least kappa (on the judge validation set) for a judge's content scores to rank (harness.judging.floor).
    judge_kappa_floor: float = DEFAULT_JUDGE_KAPPA_FLOOR


@dataclass(frozen=True)
class ExecutorSettings:
    """How extraction is spread: ``serial``, ``processes`` (N workers) or ``ray`` (N CPUs or a cluster)."""

    name: str = "serial"
    workers: int | None = None


@dataclass(frozen=True)
class RunConfig:
    setups: tuple[SetupConfig, ...]
    settings: RunSettings
    source: str
    tracks: tuple[Track, ...] = ()
    ranking: Ranking | None = None
    executor: ExecutorSettings = ExecutorSettings()
    #: Largest share of failed documents a run may have and still count (None: it fails only when
    #: every document failed). Not a scoring setting: it does not enter the config hash.
    max_failures: float | None = None
    #: A judge config (configs/judges/*.yaml): every run's claim pairs are judged in the content mode.
    judge: Path | None = None


def config_hash(setup: SetupConfig, settings: RunSettings) -> str:
    """Hash of the resolved configuration of one setup in one run (its file path excluded)."""
    resolved = {**setup.to_dict(), "source": None, "settings": asdict(settings)}
    canonical = json.dumps(resolved, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _read_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping, read with the bounded loader (:mod:`harness.common.safe_yaml`); errors name file and line."""
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as err:
        raise ConfigError(path, "(file)", f"cannot read: {err.strerror}") from None
    except UnicodeDecodeError as err:
        raise ConfigError(path, "(file)", f"not UTF-8 text ({err.reason} at byte {err.start})") from None
    try:
        data = load_yaml(text)
    except yaml.YAMLError as err:
        where, problem = describe_yaml_error(err)
        raise ConfigError(path, where, f"not valid YAML: {problem}") from None
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
        raise ConfigError(path, prefix + key, f"expected a number, got {shown(value)}")
    if not isinstance(value, kind):
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise ConfigError(path, prefix + key, f"expected {names}, got {shown(value)}")
    if isinstance(value, str) and "\x00" in value:
        raise ConfigError(path, prefix + key, "contains a NUL character")
    return value


def _unknown_keys(data: dict, path: Path, known: set[str], prefix: str = "") -> None:
    for key in data:
        if key not in known:
            raise ConfigError(path, f"{prefix}{key}", f"unknown key (known: {', '.join(sorted(known))})")


SETUP_KEYS = {"setup", "extractor", "params", "batch_size", "description", OUTSIDE_KEY}
BENCH_KEYS = {"setups", "tracks", "ranking", "seed", "bootstrap", "scoring", "executor", "description", "max_failures", "judge", OUTSIDE_KEY}
EXECUTOR_NAMES = ("serial", "processes", "ray")
#: Keys every track has; any other key of a track is an option of its corpus format.
TRACK_KEYS = {"name", "corpus", "description", "format", "setups", "optional"}
RANKING_KEYS = {"track", "metrics", "judge_kappa_floor"}


def load_setup(path: Path) -> SetupConfig:
    data = _read_yaml(path)
    return _setup_from(data, path)


def _setup_from(data: dict, path: Path) -> SetupConfig:
    _unknown_keys(data, path, SETUP_KEYS)
    batch_size = _take(data, path, "batch_size", int, 8)
    if batch_size < 1:
        raise ConfigError(path, "batch_size", f"must be at least 1, got {batch_size}")
    params = _take(data, path, "params", dict, {}) or {}
    _check_param_paths(params, path, "params", _outside_flag(data, path))
    return SetupConfig(
        setup=_take(data, path, "setup", str),
        extractor=_take(data, path, "extractor", str),
        params=params,
        batch_size=batch_size,
        description=_take(data, path, "description", str, ""),
        source=str(path),
    )


def default_track(project_root: Path) -> Track:
    """The track of the project's own gold, used when a bench file names none."""
    return Track(DEFAULT_TRACK, CorpusSpec(project_root), "the project's gold set (the five seed articles)")


def _load_track(data: Any, path: Path, prefix: str, setup_names: list[str], outside: bool = False) -> Track:
    if not isinstance(data, dict):
        raise ConfigError(path, prefix.rstrip("."), f"expected a mapping with name and corpus, got {shown(data)}")
    name = _take(data, path, "name", str, prefix=prefix)
    if not name.strip() or any(c in name for c in "/\\"):
        raise ConfigError(path, prefix + "name", f"expected a short name without slashes, got {shown(name)}")
    corpus = check_inside(path, prefix + "corpus", path.parent / _take(data, path, "corpus", str, prefix=prefix), outside)
    spec = _track_corpus(data, path, prefix, corpus, outside)
    setups = _take(data, path, "setups", list, None, prefix=prefix)
    if setups is not None:
        for i, setup in enumerate(setups):
            if setup not in setup_names:
                raise ConfigError(path, f"{prefix}setups[{i}]", f"no setup named {shown(setup)} in this bench (setups: {', '.join(setup_names)})")
    return Track(
        name=name,
        corpus=spec,
        description=_take(data, path, "description", str, "", prefix=prefix),
        setups=tuple(setups) if setups is not None else None,
        optional=_take(data, path, "optional", bool, False, prefix=prefix),
    )


def _track_corpus(data: dict, path: Path, prefix: str, corpus: Path, outside: bool) -> CorpusSpec:
    """A track's corpus spec: its ``format`` (default: detected) and that format's options.

    The options are checked here by the format's own parser, so an error names
    the track's key (``tracks[2].passage_tokens``); a format that cannot be
    detected yet (the data is absent, e.g. an optional track) is checked when read.
    """
    name = _take(data, path, "format", str, None, prefix=prefix)
    options = {key: value for key, value in data.items() if key not in TRACK_KEYS}
    spec = CorpusSpec.of(corpus, name, options)
    try:
        fmt = spec.corpus_format()
    except UnknownFormatError as err:
        raise ConfigError(path, prefix + "format", str(err)) from None
    except FileNotFoundError:
        # Absent data (an optional track): check the options against the format its name suggests.
        from harness.corpus.formats.registry import get_format

        fmt = get_format("jsonl" if corpus.suffix == ".jsonl" else "conll" if corpus.suffix else "gold-dir")
    for key in fmt.path_options:
        value = options.get(key)
        for candidate in _path_candidates(value, path) if isinstance(value, str) and value.endswith((".yaml", ".yml")) else ():
            check_inside(path, prefix + key, candidate, outside)
    try:
        fmt.parse_options(options)
    except FormatOptionError as err:
        raise ConfigError(path, prefix + err.key, err.message) from None
    except CorpusOptionError as err:
        raise ConfigError(path, prefix.rstrip("."), str(err)) from None
    return spec


def _load_tracks(data: dict, path: Path, setup_names: list[str], outside: bool = False) -> tuple[Track, ...]:
    entries = _take(data, path, "tracks", list, None)
    if entries is None:
        return ()
    if not entries:
        raise ConfigError(path, "tracks", "lists no track (leave the key out to score on the project's gold)")
    tracks = tuple(_load_track(entry, path, f"tracks[{i}].", setup_names, outside) for i, entry in enumerate(entries))
    names = [t.name for t in tracks]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(path, "tracks", f"two tracks are named {shown(name)}; track names must be unique")
    return tracks


def _load_ranking(data: dict, path: Path, tracks: tuple[Track, ...]) -> Ranking | None:
    ranking = _take(data, path, "ranking", dict, None)
    if ranking is None:
        return None
    _unknown_keys(ranking, path, RANKING_KEYS, prefix="ranking.")
    track = _take(ranking, path, "track", str, prefix="ranking.")
    names = [t.name for t in tracks] or [DEFAULT_TRACK]
    if track not in names:
        raise ConfigError(path, "ranking.track", f"no track named {shown(track)} (tracks: {', '.join(names)})")
    metrics = _take(ranking, path, "metrics", list, list(DEFAULT_RANKING_METRICS), prefix="ranking.")
    if not metrics or not all(isinstance(m, str) and m.strip() for m in metrics):
        raise ConfigError(path, "ranking.metrics", f"expected a list of metrics.json paths, got {shown(metrics)}")
    for i, metric in enumerate(metrics):
        problem = metric_path_problem(metric)
        if problem is not None:
            raise ConfigError(path, f"ranking.metrics[{i}]", problem)
    floor = _take(ranking, path, "judge_kappa_floor", (int, float), DEFAULT_JUDGE_KAPPA_FLOOR, prefix="ranking.")
    if not -1 <= floor <= 1:
        raise ConfigError(path, "ranking.judge_kappa_floor", f"a kappa is between -1 and 1, got {floor}")
    return Ranking(track, tuple(metrics), float(floor))


def load_run_config(path: Path) -> RunConfig:
    """A bench file or a single setup file, resolved and validated."""
    data = _read_yaml(path)
    if "setups" not in data:
        if "extractor" in data or "setup" in data:
            return RunConfig((_setup_from(data, path),), RunSettings(), str(path))
        raise ConfigError(path, "setups", "missing key (a bench file lists setups; a setup file names an extractor)")
    _unknown_keys(data, path, BENCH_KEYS)
    outside = _outside_flag(data, path)
    entries = _take(data, path, "setups", list)
    if not entries:
        raise ConfigError(path, "setups", "lists no setup")
    setups = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, str):
            raise ConfigError(path, f"setups[{i}]", f"expected a path to a setup file, got {shown(entry)}")
        setup_path = check_inside(path, f"setups[{i}]", path.parent / entry, outside)
        if not setup_path.is_file():
            raise ConfigError(path, f"setups[{i}]", f"no such file: {setup_path}")
        setups.append(load_setup(setup_path))
    names = [s.setup for s in setups]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(path, "setups", f"two setups are named {shown(name)}; setup names must be unique")
    bootstrap = _take(data, path, "bootstrap", dict, {}) or {}
    _unknown_keys(bootstrap, path, {"resamples", "level"}, prefix="bootstrap.")
    resamples = _take(bootstrap, path, "resamples", int, DEFAULT_RESAMPLES, prefix="bootstrap.")
    level = _take(bootstrap, path, "level", (int, float), DEFAULT_LEVEL, prefix="bootstrap.")
    if resamples < 1:
        raise ConfigError(path, "bootstrap.resamples", f"must be at least 1, got {resamples}")
    if not 0 < level < 1:
        raise ConfigError(path, "bootstrap.level", f"must be between 0 and 1, got {level}")
    scoring = _take(data, path, "scoring", dict, {}) or {}
    _unknown_keys(scoring, path, {"min_overlap"}, prefix="scoring.")
    min_overlap = _take(scoring, path, "min_overlap", (int, float), DEFAULT_MIN_OVERLAP, prefix="scoring.")
    if not 0 <= min_overlap <= 1:
        raise ConfigError(path, "scoring.min_overlap", f"must be between 0 and 1, got {min_overlap}")
    settings = RunSettings(
        seed=_take(data, path, "seed", int, DEFAULT_SEED), resamples=resamples, level=float(level), min_overlap=float(min_overlap)
    )
    tracks = _load_tracks(data, path, names, outside)
    return RunConfig(
        tuple(setups), settings, str(path), tracks, _load_ranking(data, path, tracks), _load_executor(data, path), _load_max_failures(data, path), _load_judge(data, path, outside)
    )


def _load_max_failures(data: dict, path: Path) -> float | None:
    value = _take(data, path, "max_failures", (int, float), None)
    if value is None:
        return None
    if not 0 <= value <= 1:
        raise ConfigError(path, "max_failures", f"a share of the documents, between 0 and 1, got {value}")
    return float(value)


def _load_executor(data: dict, path: Path) -> ExecutorSettings:
    raw = _take(data, path, "executor", dict, None)
    if raw is None:
        return ExecutorSettings()
    _unknown_keys(raw, path, {"name", "workers"}, prefix="executor.")
    name = _take(raw, path, "name", str, prefix="executor.")
    if name not in EXECUTOR_NAMES:
        raise ConfigError(path, "executor.name", f"expected one of {', '.join(EXECUTOR_NAMES)}, got {shown(name)}")
    workers = _take(raw, path, "workers", int, None, prefix="executor.")
    if workers is not None and workers < 1:
        raise ConfigError(path, "executor.workers", f"must be at least 1, got {workers}")
    return ExecutorSettings(name, workers)


def _load_judge(data: dict, path: Path, outside: bool) -> Path | None:
    judge = _take(data, path, "judge", str, None)
    if judge is None:
        return None
    judge_path = check_inside(path, "judge", path.parent / judge, outside)
    if not judge_path.is_file():
        raise ConfigError(path, "judge", f"no such judge config: {judge_path}")
    return judge_path
