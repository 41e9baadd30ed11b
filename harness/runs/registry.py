"""The run registry: a SQLite index of the run record directories.

The record directories under ``results/runs/`` are the truth; this database
only makes them quick to list, filter and look up (leaderboards, gates,
``harness runs list``). Because every row is derived from a directory, the
index can be thrown away and rebuilt at any time (:meth:`RunRegistry.reindex`).

Several ``harness run`` processes may finish at the same moment, so the
database runs in WAL mode with a generous busy timeout, and every write is one
short transaction (one upsert), which SQLite serialises safely between
processes.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from harness.runs.record import read_record

#: Seconds a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_SECONDS = 30.0
SCHEMA_VERSION = 1

_COLUMNS = (
    "run_id",
    "path",
    "started_at",
    "setup",
    "extractor",
    "extractor_version",
    "fingerprint_hash",
    "config_hash",
    "gold_sha256",
    "corpus",
    "git_commit",
    "documents",
    "entity_strict_f1",
    "entity_strict_f1_low",
    "entity_strict_f1_high",
    "claim_f1",
    "claim_f1_low",
    "claim_f1_high",
    "failures",
    "ungrounded",
    "documents_per_second",
)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    started_at TEXT NOT NULL,
    setup TEXT NOT NULL,
    extractor TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    fingerprint_hash TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    gold_sha256 TEXT NOT NULL,
    corpus TEXT NOT NULL,
    git_commit TEXT,
    documents INTEGER NOT NULL,
    entity_strict_f1 REAL NOT NULL,
    entity_strict_f1_low REAL NOT NULL,
    entity_strict_f1_high REAL NOT NULL,
    claim_f1 REAL,
    claim_f1_low REAL,
    claim_f1_high REAL,
    failures INTEGER NOT NULL,
    ungrounded INTEGER NOT NULL,
    documents_per_second REAL
);
CREATE INDEX IF NOT EXISTS runs_setup ON runs (setup, started_at);
CREATE INDEX IF NOT EXISTS runs_extractor ON runs (extractor, started_at);
CREATE INDEX IF NOT EXISTS runs_gold ON runs (gold_sha256, started_at);
PRAGMA user_version = {SCHEMA_VERSION};
"""


class RegistryError(LookupError):
    """A run that cannot be found, or a name that matches several runs."""


@dataclass(frozen=True)
class RunRow:
    """One indexed run record: who ran, on what gold, and its headline scores."""

    run_id: str
    path: str
    started_at: str
    setup: str
    extractor: str
    extractor_version: str
    fingerprint_hash: str
    config_hash: str
    gold_sha256: str
    corpus: str
    git_commit: str | None
    documents: int
    entity_strict_f1: float
    entity_strict_f1_ci: tuple[float, float]
    claim_f1: float | None
    claim_f1_ci: tuple[float, float] | None
    failures: int
    ungrounded: int
    documents_per_second: float | None


def _field(data: dict[str, Any], dotted: str, where: Path, default: Any = ...) -> Any:
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            if default is not ...:
                return default
            raise ValueError(f"{where}: missing field {dotted}")
        value = value[part]
    return value


def _interval(value: Any, where: Path, name: str) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise ValueError(f"{where}: {name} is not a [low, high] pair: {value!r}")
    return (float(value[0]), float(value[1]))


def row_from_record(record_dir: Path) -> RunRow:
    """The index row of one run record directory (errors name the file and field)."""
    record = read_record(record_dir)
    run, metrics = record.run, record.metrics
    run_json = record.path / "run.json"
    metrics_json = record.path / "metrics.json"
    claims = metrics.get("claims")
    git = run.get("git") or {}
    corpus = run.get("corpus") or {}
    return RunRow(
        run_id=str(_field(run, "run_id", run_json)),
        path=str(record.path.resolve()),
        started_at=str(_field(run, "started_at", run_json)),
        setup=str(_field(run, "setup", run_json)),
        extractor=str(_field(run, "extractor.name", run_json)),
        extractor_version=str(_field(run, "extractor.version", run_json)),
        fingerprint_hash=str(_field(run, "extractor.fingerprint_hash", run_json)),
        config_hash=str(_field(run, "config_hash", run_json)),
        gold_sha256=str(_field(run, "gold_sha256", run_json)),
        corpus=str(corpus.get("name", "")),
        git_commit=git.get("commit"),
        documents=int(_field(metrics, "documents", metrics_json)),
        entity_strict_f1=float(_field(metrics, "entities.strict.f1", metrics_json)),
        entity_strict_f1_ci=_interval(_field(metrics, "entities.strict.f1_ci", metrics_json), metrics_json, "entities.strict.f1_ci"),
        claim_f1=float(claims["f1"]) if claims else None,
        claim_f1_ci=_interval(claims["f1_ci"], metrics_json, "claims.f1_ci") if claims else None,
        failures=int(_field(metrics, "failures", metrics_json, 0)),
        ungrounded=int(_field(metrics, "ungrounded", metrics_json, 0)),
        documents_per_second=_optional_float(_field(run, "timings.documents_per_second", run_json, None)),
    )


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _to_db(row: RunRow) -> tuple[Any, ...]:
    claim_low, claim_high = row.claim_f1_ci if row.claim_f1_ci is not None else (None, None)
    return (
        row.run_id,
        row.path,
        row.started_at,
        row.setup,
        row.extractor,
        row.extractor_version,
        row.fingerprint_hash,
        row.config_hash,
        row.gold_sha256,
        row.corpus,
        row.git_commit,
        row.documents,
        row.entity_strict_f1,
        row.entity_strict_f1_ci[0],
        row.entity_strict_f1_ci[1],
        row.claim_f1,
        claim_low,
        claim_high,
        row.failures,
        row.ungrounded,
        row.documents_per_second,
    )


def _from_db(values: sqlite3.Row) -> RunRow:
    data = dict(zip(_COLUMNS, values))
    claim_ci = (
        (data["claim_f1_low"], data["claim_f1_high"]) if data["claim_f1_low"] is not None else None
    )
    return RunRow(
        run_id=data["run_id"],
        path=data["path"],
        started_at=data["started_at"],
        setup=data["setup"],
        extractor=data["extractor"],
        extractor_version=data["extractor_version"],
        fingerprint_hash=data["fingerprint_hash"],
        config_hash=data["config_hash"],
        gold_sha256=data["gold_sha256"],
        corpus=data["corpus"],
        git_commit=data["git_commit"],
        documents=data["documents"],
        entity_strict_f1=data["entity_strict_f1"],
        entity_strict_f1_ci=(data["entity_strict_f1_low"], data["entity_strict_f1_high"]),
        claim_f1=data["claim_f1"],
        claim_f1_ci=claim_ci,
        failures=data["failures"],
        ungrounded=data["ungrounded"],
        documents_per_second=data["documents_per_second"],
    )


_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM runs"
_UPSERT = f"INSERT OR REPLACE INTO runs ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"


def _is_record_dir(path: Path) -> bool:
    return path.is_dir() and not path.name.startswith(".") and (path / "run.json").is_file()


class RunRegistry:
    """Index of the run records under ``runs_dir``, kept in the SQLite file ``db_path``."""

    def __init__(self, db_path: Path, runs_dir: Path):
        self.db_path = Path(db_path)
        self.runs_dir = Path(runs_dir)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            connection.executescript(_SCHEMA)

    # --- connection -----------------------------------------------------------

    def _connect(self) -> "_Connection":
        return _Connection(self.db_path)

    # --- writing --------------------------------------------------------------

    def add(self, record_dir: Path) -> RunRow:
        """Index (or re-index) one run record directory; adding twice changes nothing."""
        row = row_from_record(Path(record_dir))
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(_UPSERT, _to_db(row))
            connection.execute("COMMIT")
        return row

    def reindex(self) -> int:
        """Rebuild the index from the record directories; returns how many were indexed.

        Directories that are not readable records (a half-written staging
        directory, a hand-edited file) are skipped, so one bad record does
        not hide the others; :func:`problems` lists them.
        """
        with self._connect() as connection:
            # Scan while holding the write lock: a run that registers itself
            # meanwhile waits, then lands after the rebuild instead of being lost in it.
            connection.execute("BEGIN IMMEDIATE")
            rows = [row for row, _ in self._scan() if row is not None]
            connection.execute("DELETE FROM runs")
            connection.executemany(_UPSERT, [_to_db(row) for row in rows])
            connection.execute("COMMIT")
        return len(rows)

    def problems(self) -> list[str]:
        """Why each unreadable directory under ``runs_dir`` was left out of the index."""
        return [problem for row, problem in self._scan() if problem is not None]

    def _scan(self) -> Iterator[tuple[RunRow | None, str | None]]:
        if not self.runs_dir.is_dir():
            return
        for path in sorted(self.runs_dir.iterdir()):
            if not path.is_dir() or path.name.startswith("."):
                continue
            try:
                yield row_from_record(path), None
            except (OSError, ValueError, KeyError, TypeError) as err:
                yield None, str(err)

    # --- reading --------------------------------------------------------------

    def _query(self, where: str = "", params: tuple[Any, ...] = ()) -> list[RunRow]:
        with self._connect() as connection:
            cursor = connection.execute(f"{_SELECT} {where} ORDER BY started_at DESC, run_id DESC", params)
            return [_from_db(values) for values in cursor.fetchall()]

    def list(self, extractor: str | None = None, setup: str | None = None) -> list[RunRow]:
        """Indexed runs, newest first, optionally only one extractor and/or setup."""
        clauses, params = [], []
        if extractor is not None:
            clauses.append("extractor = ?")
            params.append(extractor)
        if setup is not None:
            clauses.append("setup = ?")
            params.append(setup)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return self._query(where, tuple(params))

    def get(self, run: str) -> RunRow:
        """A run by exact id, unique id prefix, or record directory path.

        A directory that is a run record but not in the index (a committed
        baseline, a record copied from elsewhere) is read directly, not added.
        """
        exact = self._query("WHERE run_id = ?", (run,))
        if exact:
            return exact[0]
        if run:
            escaped = run.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            matches = self._query("WHERE run_id LIKE ? ESCAPE '\\'", (escaped + "%",))
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                shown = ", ".join(m.run_id for m in matches[:5])
                more = f" and {len(matches) - 5} more" if len(matches) > 5 else ""
                raise RegistryError(f"run {run!r} is ambiguous: it starts {len(matches)} run ids ({shown}{more})")
        path = Path(run)
        if _is_record_dir(path):
            indexed = self._query("WHERE path = ?", (str(path.resolve()),))
            return indexed[0] if indexed else row_from_record(path)
        raise RegistryError(
            f"no run {run!r} in {self.db_path} (give a run id, a unique prefix of one, or a run record directory;"
            f" `harness runs reindex` rebuilds the index from {self.runs_dir})"
        )

    def latest_per_setup(self, gold_sha256: str | None = None) -> list[RunRow]:
        """The newest run of each setup (optionally only runs on this gold), sorted by setup."""
        where, params = ("WHERE gold_sha256 = ?", (gold_sha256,)) if gold_sha256 is not None else ("", ())
        latest: dict[str, RunRow] = {}
        for row in self._query(where, params):
            latest.setdefault(row.setup, row)
        return [latest[setup] for setup in sorted(latest)]


def _use_wal(connection: sqlite3.Connection) -> None:
    """Switch the database to WAL (a persistent setting), retrying while another process holds it.

    Changing the journal mode needs the database to itself, and SQLite may
    answer "database is locked" at once instead of waiting out the busy
    timeout, which two processes creating the registry together hit.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS
    while True:
        try:
            if connection.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                return
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


class _Connection:
    """A short-lived SQLite connection in WAL mode with a busy timeout, closed on exit.

    Transactions are begun and committed explicitly (``isolation_level=None``)
    so a write holds the lock only for the one statement it needs.
    """

    def __init__(self, db_path: Path):
        self._connection = sqlite3.connect(str(db_path), timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        try:
            self._connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            _use_wal(self._connection)
        except BaseException:
            self._connection.close()
            raise

    def __enter__(self) -> sqlite3.Connection:
        return self._connection

    def __exit__(self, kind, value, traceback) -> None:
        with closing(self._connection):
            if kind is not None and self._connection.in_transaction:
                self._connection.rollback()


# --- text for `harness runs list` and `harness runs show` ------------------------------


def _with_interval(value: float | None, interval: tuple[float, float] | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.3f} [{interval[0]:.3f}, {interval[1]:.3f}]" if interval else f"{value:.3f}"


def format_rows(rows: list[RunRow]) -> str:
    """A plain table of runs, newest first, for terminals and logs."""
    header = ("run id", "setup", "extractor", "gold", "entities strict F1", "claims F1", "fail", "ungr.", "commit")
    body = [
        (
            row.run_id,
            row.setup,
            f"{row.extractor} {row.extractor_version}",
            row.gold_sha256[:12],
            _with_interval(row.entity_strict_f1, row.entity_strict_f1_ci),
            _with_interval(row.claim_f1, row.claim_f1_ci),
            str(row.failures),
            str(row.ungrounded),
            (row.git_commit or "")[:10],
        )
        for row in rows
    ]
    widths = [max(len(r[i]) for r in (header, *body)) for i in range(len(header))]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    return "\n".join([line(header), line(tuple("-" * w for w in widths)), *(line(r) for r in body)])


def format_run(row: RunRow) -> str:
    """What a run record says about itself, and its headline metrics (``harness runs show``)."""
    record = read_record(Path(row.path))
    run, metrics = record.run, record.metrics
    extractor = run.get("extractor", {})
    corpus = run.get("corpus", {})
    git = run.get("git") or {}
    timings = run.get("timings") or {}
    settings = record.config.get("settings", {})
    lines = [
        f"run id        {row.run_id}",
        f"record        {row.path}",
        f"started at    {row.started_at}",
        f"setup         {row.setup} ({run.get('config_source', '')}; config hash {row.config_hash})",
        f"extractor     {row.extractor} {row.extractor_version} (fingerprint {row.fingerprint_hash};"
        f" labels {', '.join(extractor.get('entity_labels', []))}; claims {'yes' if extractor.get('emits_claims') else 'no'})",
        f"corpus        {corpus.get('name', '')} ({corpus.get('source', '')}; {corpus.get('documents', '?')} documents; gold {row.gold_sha256})",
        f"git           {git.get('commit') or 'n/a'}{' (uncommitted changes)' if git.get('dirty') else ''}",
        f"settings      seed {settings.get('seed')}, {settings.get('resamples')} resamples, level {settings.get('level')}",
        f"timings       {timings.get('wall_seconds')} s wall, {timings.get('documents_computed')} computed,"
        f" {timings.get('documents_cached')} from the cache, {timings.get('documents_per_second')} documents/s",
        f"failures      {row.failures}",
        f"ungrounded    {row.ungrounded}",
        "",
        "metric                      value  interval",
    ]
    entities = metrics.get("entities") or {}
    for mode in ("strict", "exact", "partial", "type"):
        block = entities.get(mode) or {}
        if "f1" in block:
            lines.append(f"entities.{mode}.f1".ljust(26) + "  " + _with_interval(block["f1"], tuple(block.get("f1_ci") or ()) or None))
    claims = metrics.get("claims")
    if claims:
        lines.append("claims.f1".ljust(26) + "  " + _with_interval(claims["f1"], tuple(claims.get("f1_ci") or ()) or None))
        for slot, block in (claims.get("slots") or {}).items():
            lines.append(f"claims.slots.{slot}.f1".ljust(26) + "  " + _with_interval(block["f1"], tuple(block.get("f1_ci") or ()) or None))
    else:
        lines.append("claims                      not scored")
    return "\n".join(lines)
