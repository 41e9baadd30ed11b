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

import builtins
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.common.atomic import NotWritableError
from harness.runs.record import UNNAMED_TRACK, RunRecord, read_record

#: Seconds a writer waits for another process's transaction before giving up.
BUSY_TIMEOUT_SECONDS = 30.0
#: Bumped when the table changes; an older index is rebuilt from the records on disk.
SCHEMA_VERSION = 2

_COLUMNS = (
    "run_id",
    "path",
    "started_at",
    "setup",
    "track",
    "extractor",
    "extractor_version",
    "fingerprint_hash",
    "config_hash",
    "gold_sha256",
    "corpus",
    "git_commit",
    "git_dirty",
    "documents",
    "metrics_schema",
    "in_sample_documents",
    "in_sample_share",
    "failures",
    "ungrounded",
    "documents_per_second",
    "scores",
)

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    started_at TEXT NOT NULL,
    setup TEXT NOT NULL,
    track TEXT NOT NULL,
    extractor TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    fingerprint_hash TEXT NOT NULL,
    config_hash TEXT NOT NULL,
    gold_sha256 TEXT NOT NULL,
    corpus TEXT NOT NULL,
    git_commit TEXT,
    git_dirty INTEGER,
    documents INTEGER NOT NULL,
    metrics_schema INTEGER NOT NULL,
    in_sample_documents INTEGER NOT NULL,
    in_sample_share REAL NOT NULL,
    failures INTEGER NOT NULL,
    ungrounded INTEGER NOT NULL,
    documents_per_second REAL,
    scores TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_setup ON runs (setup, started_at);
CREATE INDEX IF NOT EXISTS runs_track ON runs (track, setup, started_at);
CREATE INDEX IF NOT EXISTS runs_extractor ON runs (extractor, started_at);
CREATE INDEX IF NOT EXISTS runs_gold ON runs (gold_sha256, started_at);
PRAGMA user_version = {SCHEMA_VERSION};
"""

class RegistryError(LookupError):
    """A run that cannot be found, or a name that matches several runs."""


class RegistryNotWritableError(NotWritableError):
    """The index could not be written (a read-only results folder); the listing still works from the records."""


Score = tuple[float, float | None, float | None]


@dataclass(frozen=True)
class RunRow:
    """One indexed run record: who ran, on what track and gold, and its scores."""

    run_id: str
    path: str
    started_at: str
    setup: str
    track: str
    extractor: str
    extractor_version: str
    fingerprint_hash: str
    config_hash: str
    gold_sha256: str
    corpus: str
    git_commit: str | None
    git_dirty: bool | None
    documents: int
    metrics_schema: int
    in_sample_documents: int
    in_sample_share: float
    failures: int
    ungrounded: int
    documents_per_second: float | None
    #: Every F1 of ``metrics.json`` by path (``entities.strict.f1``: (value, low, high)).
    scores: Mapping[str, Score]

    def score(self, path: str) -> Score | None:
        return self.scores.get(path)

    @property
    def in_sample(self) -> bool:
        return self.in_sample_documents > 0


def flatten_scores(metrics: Mapping[str, Any], prefix: str = "") -> dict[str, Score]:
    """Every block of ``metrics.json`` that has an F1, by the path of its F1 (any schema)."""
    out: dict[str, Score] = {}
    for key, value in metrics.items():
        if not isinstance(value, Mapping):
            continue
        path = f"{prefix}{key}"
        f1 = value.get("f1")
        if isinstance(f1, (int, float)) and not isinstance(f1, bool):
            ci = value.get("f1_ci")
            low, high = (float(ci[0]), float(ci[1])) if isinstance(ci, (list, tuple)) and len(ci) == 2 else (None, None)
            out[f"{path}.f1"] = (float(f1), low, high)
        out.update(flatten_scores(value, f"{path}."))
    return out


def _field(data: Mapping[str, Any], dotted: str, where: Path, default: Any = ...) -> Any:
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            if default is not ...:
                return default
            raise ValueError(f"{where}: missing field {dotted}")
        value = value[part]
    return value


#: Largest count a row holds (SQLite integers are 64-bit; a hand-edited record may say anything).
MAX_COUNT = 2**53


def _text(data: Mapping[str, Any], dotted: str, where: Path, default: Any = ...) -> str:
    value = _field(data, dotted, where, default)
    if not isinstance(value, str):
        raise ValueError(f"{where}: {dotted} must be a string, got {type(value).__name__}")
    return value


def _count(data: Mapping[str, Any], dotted: str, where: Path, default: Any = ...) -> int:
    value = _field(data, dotted, where, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise ValueError(f"{where}: {dotted} must be a whole number from 0 to {MAX_COUNT}, got {str(value)[:40]}")
    return value


def _mapping(data: Mapping[str, Any], key: str, where: Path) -> Mapping[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, Mapping):
        raise ValueError(f"{where}: {key} must be an object, got {type(value).__name__}")
    return value


def row_of(record: RunRecord) -> RunRow:
    """The index row of a run record; a field of the wrong kind raises ValueError naming the file and field."""
    assert record.path is not None, "a record is indexed once it is written"
    run, metrics = record.run, record.metrics
    run_json = record.path / "run.json"
    metrics_json = record.path / "metrics.json"
    git = _mapping(run, "git", run_json)
    commit, dirty = git.get("commit"), git.get("dirty")
    if not (commit is None or isinstance(commit, str)) or not (dirty is None or isinstance(dirty, bool)):
        raise ValueError(f"{run_json}: git.commit must be a string and git.dirty true or false")
    corpus = _mapping(run, "corpus", run_json)
    in_sample = _mapping(run, "in_sample", run_json)
    share = in_sample.get("share", 0.0)
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
        raise ValueError(f"{run_json}: in_sample.share must be a number from 0 to 1")
    return RunRow(
        run_id=_text(run, "run_id", run_json),
        path=str(record.path.resolve()),
        started_at=_text(run, "started_at", run_json),
        setup=_text(run, "setup", run_json),
        track=_text(run, "track", run_json, UNNAMED_TRACK) if run.get("track") is not None else UNNAMED_TRACK,
        extractor=_text(run, "extractor.name", run_json),
        extractor_version=_text(run, "extractor.version", run_json),
        fingerprint_hash=_text(run, "extractor.fingerprint_hash", run_json),
        config_hash=_text(run, "config_hash", run_json),
        gold_sha256=_text(run, "gold_sha256", run_json),
        corpus=_text(corpus, "name", run_json, ""),
        git_commit=commit,
        git_dirty=dirty,
        documents=_count(metrics, "documents", metrics_json),
        metrics_schema=_count(metrics, "schema_version", metrics_json, 1),
        in_sample_documents=_count(in_sample, "documents", run_json, 0),
        in_sample_share=float(share),
        failures=_count(metrics, "failures", metrics_json, 0),
        ungrounded=_count(metrics, "ungrounded", metrics_json, 0),
        documents_per_second=_optional_float(_field(run, "timings.documents_per_second", run_json, None), f"{run_json}: timings.documents_per_second"),
        scores=flatten_scores(metrics),
    )


def row_from_record(record_dir: Path) -> RunRow:
    """The index row of one run record directory."""
    return row_of(read_record(record_dir))


def _optional_float(value: Any, where: str = "") -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}: expected a number or null, got {type(value).__name__}")
    return float(value)


def _to_db(row: RunRow) -> tuple[Any, ...]:
    values = {name: getattr(row, name) for name in _COLUMNS if name != "scores"}
    values["git_dirty"] = None if row.git_dirty is None else int(row.git_dirty)
    values["scores"] = json.dumps({path: list(score) for path, score in row.scores.items()}, sort_keys=True)
    return tuple(values[name] for name in _COLUMNS)


def _from_db(values: sqlite3.Row) -> RunRow:
    data = dict(zip(_COLUMNS, values))
    data["git_dirty"] = None if data["git_dirty"] is None else bool(data["git_dirty"])
    data["scores"] = {path: tuple(score) for path, score in json.loads(data["scores"]).items()}
    return RunRow(**data)


_SELECT = f"SELECT {', '.join(_COLUMNS)} FROM runs"
_UPSERT = f"INSERT OR REPLACE INTO runs ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)})"


def _is_record_dir(path: Path) -> bool:
    return path.is_dir() and not path.name.startswith(".") and (path / "run.json").is_file()


class RunRegistry:
    """Index of the run records under ``runs_dir``, kept in the SQLite file ``db_path``.

    The record directories are the truth: an index of an older layout is
    rebuilt on open, and :meth:`sync` (run by every listing) indexes records
    that are on disk but not indexed (a run killed between writing its record
    and indexing it) and drops rows whose directory is gone.

    Two faults of the index file itself heal the same way, and :attr:`notices`
    says what happened:

    * a ``runs.sqlite`` that is not a SQLite database (damaged, or another
      file under that name) is kept beside it as ``runs.sqlite.corrupt-<time>``
      and a new index is built from the records;
    * an index that cannot be written (a read-only results folder) is
      replaced, for this process only, by one in memory built from the
      records, so listings work; writing to it (:meth:`add_record`,
      :meth:`reindex`) raises :class:`RegistryNotWritableError`.
    """

    def __init__(self, db_path: Path, runs_dir: Path):
        self.db_path = Path(db_path)
        self.runs_dir = Path(runs_dir)
        self._problems: list[str] = []
        #: What happened to the index file on open (moved aside, read-only), one line each.
        self.notices: list[str] = []
        #: Set when the index lives in memory because its file cannot be written.
        self._memory: sqlite3.Connection | None = None
        #: Why the index file could not be used (when in memory).
        self._unusable = ""
        try:
            try:
                self._open_file()
            except sqlite3.DatabaseError as err:
                if not (_not_a_database(err) and self._move_aside(err)):
                    raise
                self._open_file()
        except sqlite3.DatabaseError as err:
            self._open_in_memory(str(err))
        except OSError as err:
            self._open_in_memory(err.strerror or str(err))

    def _open_file(self) -> None:
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as connection:
            # One write transaction: a second process creating the index at the same moment
            # must not see the table before its version is set (and drop it as an old layout).
            connection.execute("BEGIN IMMEDIATE")
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            exists = connection.execute("SELECT name FROM sqlite_master WHERE type='table' AND name='runs'").fetchone()
            if exists and version != SCHEMA_VERSION:
                connection.execute("DROP TABLE runs")
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute("COMMIT")
        if exists and version != SCHEMA_VERSION:
            self.reindex()

    def _move_aside(self, err: sqlite3.DatabaseError) -> bool:
        """Keep a file that is not a database beside the index under a new name; False when it cannot be moved."""
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        kept = self.db_path.with_name(f"{self.db_path.name}.corrupt-{stamp}")
        try:
            if _is_database(self.db_path):  # another process healed it meanwhile
                return True
            os.replace(self.db_path, kept)
            for suffix in ("-wal", "-shm"):
                Path(f"{self.db_path}{suffix}").unlink(missing_ok=True)
        except OSError:
            return False
        self.notices.append(f"{self.db_path} was not a SQLite database ({err}); kept as {kept.name} and rebuilt from the run records in {self.runs_dir}")
        return True

    def _open_in_memory(self, reason: str) -> None:
        """Index the records in memory: listings work, nothing is written."""
        self._memory = sqlite3.connect(":memory:", isolation_level=None)
        self._memory.executescript(_SCHEMA)
        self._unusable = reason
        self.notices.append(
            f"{self.db_path} cannot be used ({reason}): runs are listed from the run records in {self.runs_dir}, and the index is not updated"
        )
        self._fill(list(self._scan(self._record_dirs())), clear=True)

    @property
    def read_only(self) -> bool:
        """True when the index file cannot be written (listings come from an index in memory)."""
        return self._memory is not None

    def _refuse_write(self, what: str) -> None:
        if self._memory is not None:
            raise RegistryNotWritableError(self.db_path, f"{self._unusable}: {what}")

    # --- connection -----------------------------------------------------------

    def _connect(self) -> _Connection | _Shared:
        if self._memory is not None:
            return _Shared(self._memory)
        return _Connection(self.db_path)

    # --- writing --------------------------------------------------------------

    def add_record(self, record: RunRecord) -> RunRow:
        """Index a record just written (in memory; nothing is read back from disk)."""
        self._refuse_write(f"run {record.run_id} was not indexed")
        return self._upsert(row_of(record))

    def add(self, record_dir: Path) -> RunRow:
        """Index (or re-index) one run record directory; adding twice changes nothing."""
        self._refuse_write(f"run record {record_dir} was not indexed")
        return self._upsert(row_from_record(Path(record_dir)))

    def _upsert(self, row: RunRow) -> RunRow:
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(_UPSERT, _to_db(row))
            connection.execute("COMMIT")
        return row

    def reindex(self) -> int:
        """Rebuild the index from the record directories; returns how many were indexed.

        Directories that are not readable records (a half-written staging
        directory, a hand-edited file) are skipped, so one bad record does
        not hide the others; :meth:`problems` lists them.
        """
        self._refuse_write("the index was not rebuilt")
        with self._connect() as connection:
            # Scan while holding the write lock: a run that registers itself
            # meanwhile waits, then lands after the rebuild instead of being lost in it.
            connection.execute("BEGIN IMMEDIATE")
            scanned = list(self._scan(self._record_dirs()))
            rows = [row for row, _ in scanned if row is not None]
            self._problems = [problem for _, problem in scanned if problem is not None]
            connection.execute("DELETE FROM runs")
            connection.executemany(_UPSERT, [_to_db(row) for row in rows])
            connection.execute("COMMIT")
        return len(rows)

    def _fill(self, scanned: list[tuple[RunRow | None, str | None]], clear: bool = False) -> int:
        rows = [row for row, _ in scanned if row is not None]
        self._problems = [problem for _, problem in scanned if problem is not None]
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")
            if clear:
                connection.execute("DELETE FROM runs")
            connection.executemany(_UPSERT, [_to_db(row) for row in rows])
            connection.execute("COMMIT")
        return len(rows)

    def sync(self) -> tuple[int, int]:
        """Make the index agree with the directories: ``(records added, rows dropped)``.

        Compares directory names with the indexed paths under ``runs_dir`` (one
        listing and one query: cheap at thousands of runs), then reads only the
        records that are missing from the index.
        """
        on_disk = {path.name: path for path in self._record_dirs()}
        runs_dir = str(self.runs_dir.resolve())
        with self._connect() as connection:
            indexed = {Path(row[0]).name: row[0] for row in connection.execute("SELECT path FROM runs").fetchall()}
        missing = [on_disk[name] for name in sorted(set(on_disk) - set(indexed))]
        gone = sorted(path for name, path in indexed.items() if name not in on_disk and str(Path(path).parent) == runs_dir)
        if not missing and not gone:
            return 0, 0
        scanned = list(self._scan(missing))
        rows = [row for row, _ in scanned if row is not None]
        self._problems = [problem for _, problem in scanned if problem is not None]
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(_UPSERT, [_to_db(row) for row in rows])
            connection.executemany("DELETE FROM runs WHERE path = ?", [(path,) for path in gone])
            connection.execute("COMMIT")
        return len(rows), len(gone)

    def problems(self) -> list[str]:
        """Why each unreadable directory met by the last scan was left out of the index."""
        return list(self._problems)

    def _record_dirs(self) -> list[Path]:
        if not self.runs_dir.is_dir():
            return []
        return [path for path in sorted(self.runs_dir.iterdir()) if path.is_dir() and not path.name.startswith(".")]

    def _scan(self, paths: list[Path]) -> Iterator[tuple[RunRow | None, str | None]]:
        for path in paths:
            try:
                yield row_from_record(path), None
            except (OSError, ValueError, KeyError, TypeError, RecursionError, OverflowError) as err:
                text = str(err) if not isinstance(err, RecursionError) else "nested too deeply"
                yield None, text if str(path) in text else f"{path}: {text}"

    # --- reading --------------------------------------------------------------

    def _query(self, where: str = "", params: tuple[Any, ...] = ()) -> list[RunRow]:
        with self._connect() as connection:
            cursor = connection.execute(f"{_SELECT} {where} ORDER BY started_at DESC, run_id DESC", params)
            return [_from_db(values) for values in cursor.fetchall()]

    def list(self, extractor: str | None = None, setup: str | None = None, track: str | None = None) -> list[RunRow]:
        """Indexed runs, newest first, optionally only one extractor, setup and/or track."""
        self.sync()
        clauses, params = [], []
        for column, value in (("extractor", extractor), ("setup", setup), ("track", track)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        return self._query(where, tuple(params))

    def get(self, run: str) -> RunRow:
        """A run by exact id, unique id prefix, or record directory path.

        A directory that is a run record but not in the index (a committed
        baseline, a record copied from elsewhere) is read directly, not added.
        """
        self.sync()
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

    # builtins.list: inside this class, after ``def list``, the bare name is that method.
    def latest_per_setup(self, gold_sha256: str | None = None, track: str | None = None) -> builtins.list[RunRow]:
        """The newest run of each (setup, track), optionally only on this gold or track, sorted by setup then track.

        One query on the (track, setup, started_at) index, so the leaderboard's
        choice does not read every row of a registry of thousands of runs.
        """
        self.sync()
        clauses, params = [], []
        if gold_sha256 is not None:
            clauses.append("gold_sha256 = ?")
            params.append(gold_sha256)
        if track is not None:
            clauses.append("track = ?")
            params.append(track)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        newest = (
            f"SELECT run_id FROM (SELECT run_id, ROW_NUMBER() OVER (PARTITION BY setup, track"
            f" ORDER BY started_at DESC, run_id DESC) AS position FROM runs {where}) WHERE position = 1"
        )
        rows = self._query(f"WHERE run_id IN ({newest})", tuple(params))
        return sorted(rows, key=lambda row: (row.setup, row.track))


def _not_a_database(err: sqlite3.DatabaseError) -> bool:
    """Is this SQLite's answer to a file that is not a database (rather than a lock or a permission)?"""
    return not isinstance(err, sqlite3.OperationalError) or "not a database" in str(err)


def _is_database(path: Path) -> bool:
    """Does ``path`` open as a SQLite database (read-only check of its header and schema)?"""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as connection:
            connection.execute("SELECT name FROM sqlite_master").fetchall()
        return True
    except sqlite3.Error:
        return False


class _Shared:
    """The in-memory index's one connection, used like :class:`_Connection` but never closed."""

    def __init__(self, connection: sqlite3.Connection):
        self._connection = connection

    def __enter__(self) -> sqlite3.Connection:
        return self._connection

    def __exit__(self, kind, value, traceback) -> None:
        if kind is not None and self._connection.in_transaction:
            self._connection.rollback()


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
